import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.orders import OrderStatus
from hubtui.domain.permissions import (
    ROLE_PERMISSIONS,
    WAREHOUSE_STATUSES,
    Permission,
    Role,
    can,
    require,
    status_permission,
)

P = Permission
S = OrderStatus


def test_role_values():
    assert [r.value for r in Role] == ["agent", "warehouse", "supervisor", "admin"]


@pytest.mark.parametrize("role", list(Role))
def test_everyone_views_and_adds_notes(role):
    assert can(role, P.view_orders)
    assert can(role, P.add_note)


def test_agent():
    assert ROLE_PERMISSIONS[Role.agent] == {
        P.view_orders, P.add_note, P.create_order, P.edit_order, P.record_payment,
        P.change_status, P.raise_return, P.small_refund,  # refunds up to the supervisor limit (issue 12)
    }


def test_warehouse():
    assert ROLE_PERMISSIONS[Role.warehouse] == {
        P.view_orders, P.add_note, P.dispatch, P.set_tracking, P.receive_return, P.qc_return,
    }


def test_supervisor_has_agent_and_warehouse_powers_but_not_users():
    sup = ROLE_PERMISSIONS[Role.supervisor]
    assert ROLE_PERMISSIONS[Role.agent] <= sup
    assert ROLE_PERMISSIONS[Role.warehouse] <= sup
    assert {P.approve_return, P.refund, P.import_data, P.export_data, P.manage_price_rules} <= sup
    assert not can(Role.supervisor, P.manage_users)


@pytest.mark.parametrize("permission", list(Permission))
def test_admin_can_do_everything(permission):
    assert can(Role.admin, permission)
    require(Role.admin, permission)


@pytest.mark.parametrize(
    ("role", "permission"),
    [
        (Role.agent, P.import_data),
        (Role.agent, P.dispatch),
        (Role.agent, P.refund),
        (Role.warehouse, P.create_order),
        (Role.warehouse, P.change_status),
        (Role.warehouse, P.refund),
        (Role.supervisor, P.manage_users),
    ],
)
def test_refusals(role, permission):
    assert not can(role, permission)
    with pytest.raises(PermissionDenied):
        require(role, permission)


def test_refusal_messages_say_who_to_ask():
    with pytest.raises(PermissionDenied) as info:
        require(Role.agent, P.import_data)
    assert str(info.value) == "An agent may not import data; ask a supervisor."
    with pytest.raises(PermissionDenied, match="ask an admin"):
        require(Role.supervisor, P.manage_users)
    with pytest.raises(PermissionDenied, match="^A warehouse user may not create orders"):
        require("warehouse", "create_order")


def test_unknown_role_holds_nothing():
    assert not can("intern", P.view_orders)
    with pytest.raises(PermissionDenied, match="'intern' is not a role"):
        require("intern", P.view_orders)


@pytest.mark.parametrize("target", list(OrderStatus))
def test_status_permission(target):
    expected = P.dispatch if target in WAREHOUSE_STATUSES else P.change_status
    assert status_permission(target) is expected


def test_who_sets_which_status():
    assert WAREHOUSE_STATUSES == {
        S.AcceptedInWarehouse, S.ReadyToDispatch, S.PartiallyDispatched, S.Dispatched,
        S.Delivered, S.ReturnedByWarehouse,
    }
    assert not can(Role.agent, status_permission(S.Dispatched))
    assert can(Role.agent, status_permission(S.Approved))
    assert can(Role.warehouse, status_permission(S.Dispatched))
    assert not can(Role.warehouse, status_permission(S.Approved))
    assert not can(Role.warehouse, status_permission(S.Cancelled))
    for target in OrderStatus:
        assert can(Role.supervisor, status_permission(target))


def test_why_not_names_who_to_ask_and_is_none_when_allowed() -> None:
    from hubtui.domain.permissions import why_not

    assert why_not(Role.warehouse, Permission.record_payment) == "A warehouse user may not record payments; ask an agent."
    assert why_not(Role.agent, Permission.record_payment) is None
    assert why_not("clerk", Permission.view_orders) == "'clerk' is not a role; ask an admin to set yours"


def test_status_moves_are_the_moves_a_role_may_make() -> None:
    """The one answer to "where may this role move this order": each listed move passes the
    transition rule and the permission the service checks; each left out fails one of them."""
    from hubtui.domain.errors import TransitionError
    from hubtui.domain.orders import CancelReason, check_transition
    from hubtui.domain.permissions import Role, can, move_permission, status_moves

    checked = 0
    for role in Role:
        for current in OrderStatus:
            for held_from in (None, *OrderStatus):
                moves = status_moves(role, current, held_from)
                assert moves == sorted(moves, key=list(OrderStatus).index)
                for target in OrderStatus:
                    try:
                        reason = CancelReason.CustomerRequest if target is OrderStatus.Cancelled else None
                        check_transition(current, target, held_from=held_from, reason=reason)
                        allowed = True
                    except TransitionError:
                        allowed = False
                    may = allowed and can(role, move_permission(current, target, held_from))
                    assert (target in moves) == may, (role, current, held_from, target)
                    checked += 1
    assert checked > 1000


def test_whoever_may_hold_an_order_may_release_it() -> None:
    from hubtui.domain.permissions import Role, status_moves

    held = status_moves(Role.agent, OrderStatus.OnHold, OrderStatus.ReturnedByWarehouse)
    assert OrderStatus.ReturnedByWarehouse in held  # a warehouse status, reached by releasing the hold
    assert OrderStatus.ReturnedByWarehouse not in status_moves(Role.agent, OrderStatus.SentToWarehouse, None)
    assert OrderStatus.ReturnedByWarehouse in status_moves(Role.warehouse, OrderStatus.SentToWarehouse, None)
