"""The returns list's quick filters, who moves a return, which orders may return, and typed exchange products."""

from __future__ import annotations

import pytest

from hubtui.domain.orders import OrderStatus
from hubtui.domain.returns import (
    RETURN_PIPELINE,
    RETURNS_FILTER_STATUSES,
    RMA_FINAL_STATUSES,
    RMA_MOVE_PERMISSIONS,
    RMA_OUTCOME_VERBS,
    RMA_TRANSITIONS,
    ReturnsFilter,
    RmaStatus,
    eligibility_refusal,
    parse_products,
    status_moves,
)


def test_every_reachable_status_is_moved_by_a_permission_or_an_outcome_service() -> None:
    reachable = {t for targets in RMA_TRANSITIONS.values() for t in targets}
    assert reachable == set(RMA_MOVE_PERMISSIONS) | set(RMA_OUTCOME_VERBS)
    assert not set(RMA_MOVE_PERMISSIONS) & set(RMA_OUTCOME_VERBS)


def test_open_is_everything_not_final_and_the_working_filters_are_open() -> None:
    assert RETURNS_FILTER_STATUSES[ReturnsFilter.OPEN] == frozenset(RmaStatus) - RMA_FINAL_STATUSES
    for quick in (ReturnsFilter.AWAITING_APPROVAL, ReturnsFilter.AWAITING_RECEIPT, ReturnsFilter.AWAITING_QC,
                  ReturnsFilter.TO_PROCESS, ReturnsFilter.PROBLEMS):
        assert RETURNS_FILTER_STATUSES[quick] <= RETURNS_FILTER_STATUSES[ReturnsFilter.OPEN], quick


@pytest.mark.parametrize("status", list(RmaStatus))
def test_status_moves_leave_out_the_outcomes(status: RmaStatus) -> None:
    moves = status_moves(status)
    assert set(moves) == set(RMA_TRANSITIONS[status]) - set(RMA_OUTCOME_VERBS)


@pytest.mark.parametrize("start", RETURN_PIPELINE)
def test_eligibility_holds_from_the_setting_on(start: OrderStatus) -> None:
    at = RETURN_PIPELINE.index(start)
    eligible = [status for status in RETURN_PIPELINE if eligibility_refusal(status, start) is None]
    assert eligible == list(RETURN_PIPELINE[at:])
    never = [eligibility_refusal(s, start) for s in (OrderStatus.Cancelled, OrderStatus.Incomplete,
                                                     OrderStatus.ReturnedByWarehouse)]
    assert all("returns open from" in (why or "") for why in never), never


@pytest.mark.parametrize("text, expected", [
    ("BT-DRI-1000", {"BT-DRI-1000": 1}),
    ("bt-dri-1000:2, 3*BT-SAW-1001", {"BT-DRI-1000": 2, "BT-SAW-1001": 3}),
    ("A A", {"A": 2}),
    ("", {}),
])
def test_products_typed_for_an_exchange(text: str, expected: dict[str, int]) -> None:
    assert parse_products(text) == expected


@pytest.mark.parametrize("text", ["A:0", "A:x", "*A", "0*A", "A:99999"])
def test_a_wrong_quantity_for_an_exchange_is_named(text: str) -> None:
    with pytest.raises(ValueError, match="stock code"):
        parse_products(text)
