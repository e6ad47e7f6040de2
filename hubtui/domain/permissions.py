"""Roles and what each may do (SPEC section 8). The services enforce these."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.orders import OrderStatus, allowed_targets


class Role(StrEnum):
    agent = "agent"
    warehouse = "warehouse"
    supervisor = "supervisor"
    admin = "admin"


class Permission(StrEnum):
    view_orders = "view_orders"
    create_order = "create_order"
    edit_order = "edit_order"
    record_payment = "record_payment"
    change_status = "change_status"
    add_note = "add_note"
    raise_return = "raise_return"
    dispatch = "dispatch"
    set_tracking = "set_tracking"
    receive_return = "receive_return"
    qc_return = "qc_return"
    approve_return = "approve_return"
    refund = "refund"
    small_refund = "small_refund"  # up to the organisation's refund_supervisor_above
    import_data = "import_data"
    export_data = "export_data"
    manage_price_rules = "manage_price_rules"
    set_prices = "set_prices"  # a channel price seen, a suggested website price applied
    manage_users = "manage_users"


P = Permission
_EVERYONE = frozenset({P.view_orders, P.add_note})
_AGENT = _EVERYONE | {
    P.create_order,
    P.edit_order,
    P.record_payment,
    P.change_status,
    P.raise_return,
    P.small_refund,
}
# No change_status: that permission covers the office statuses (approve,
# hold, cancel), which the warehouse may not set; its own statuses are
# guarded by dispatch (see status_permission).
_WAREHOUSE = _EVERYONE | {P.dispatch, P.set_tracking, P.receive_return, P.qc_return}
_SUPERVISOR = (
    _AGENT
    | _WAREHOUSE
    | {P.approve_return, P.refund, P.import_data, P.export_data, P.manage_price_rules, P.set_prices}
)

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.agent: _AGENT,
        Role.warehouse: _WAREHOUSE,
        Role.supervisor: _SUPERVISOR,
        Role.admin: frozenset(Permission),
    }
)
del P

_ROLE_NOUNS = {
    Role.agent: "an agent",
    Role.warehouse: "a warehouse user",
    Role.supervisor: "a supervisor",
    Role.admin: "an admin",
}

_ACTIONS = {
    Permission.view_orders: "view orders",
    Permission.create_order: "create orders",
    Permission.edit_order: "edit orders",
    Permission.record_payment: "record payments",
    Permission.change_status: "change this order status",
    Permission.add_note: "add notes",
    Permission.raise_return: "raise returns",
    Permission.dispatch: "set warehouse and dispatch statuses",
    Permission.set_tracking: "set tracking",
    Permission.receive_return: "receive returns",
    Permission.qc_return: "QC returns",
    Permission.approve_return: "approve or reject returns",
    Permission.refund: "issue refunds",
    Permission.small_refund: "issue refunds",
    Permission.import_data: "import data",
    Permission.export_data: "export data",
    Permission.manage_price_rules: "manage price-match rules",
    Permission.set_prices: "enter channel prices or apply price suggestions",
    Permission.manage_users: "manage users",
}


def _role(role: Role | str) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        return None


def can(role: Role, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission``; an unknown role holds nothing."""
    known = _role(role)
    return known is not None and Permission(permission) in ROLE_PERMISSIONS[known]


def why_not(role: Role | str, permission: Permission) -> str | None:
    """Why ``role`` may not do it, naming who to ask; None when it may."""
    permission = Permission(permission)
    known = _role(role)
    if known is None:
        return f"{role!r} is not a role; ask an admin to set yours"
    if permission in ROLE_PERMISSIONS[known]:
        return None
    # Roles are listed least to most privileged, so this names the nearest one.
    helper = next(r for r in Role if permission in ROLE_PERMISSIONS[r])
    return f"{_ROLE_NOUNS[known].capitalize()} may not {_ACTIONS[permission]}; ask {_ROLE_NOUNS[helper]}."


def require(role: Role, permission: Permission) -> None:
    """Raise PermissionDenied, naming who to ask, unless ``role`` may do it."""
    refusal = why_not(role, permission)
    if refusal is not None:
        raise PermissionDenied(refusal)


WAREHOUSE_STATUSES = frozenset(
    {
        OrderStatus.AcceptedInWarehouse,
        OrderStatus.ReadyToDispatch,
        OrderStatus.PartiallyDispatched,
        OrderStatus.Dispatched,
        OrderStatus.Delivered,
        OrderStatus.ReturnedByWarehouse,
    }
)


def status_permission(target: OrderStatus) -> Permission:
    """The permission needed to move an order to ``target``."""
    if OrderStatus(target) in WAREHOUSE_STATUSES:
        return Permission.dispatch
    return Permission.change_status


def move_permission(current: OrderStatus, target: OrderStatus, held_from: OrderStatus | None) -> Permission:
    """The permission needed to move an order from ``current`` to ``target``: whoever may hold
    an order may release it back to where it was held from."""
    if OrderStatus(current) is OrderStatus.OnHold and held_from is not None and OrderStatus(target) is OrderStatus(held_from):
        return Permission.change_status
    return status_permission(target)


def status_moves(role: Role | str, current: OrderStatus, held_from: OrderStatus | None) -> list[OrderStatus]:
    """The statuses ``role`` may move an order to from ``current``, in the statuses' order."""
    allowed = allowed_targets(OrderStatus(current), held_from)
    return [
        target for target in OrderStatus
        if target in allowed and can(role, move_permission(current, target, held_from))  # type: ignore[arg-type]
    ]
