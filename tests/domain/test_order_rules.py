from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.errors import DomainError, MoneyError
from hubtui.domain.order_money import balance_due, payment_status_for
from hubtui.domain.orders import (
    CHANNEL_LABELS,
    FULFILMENT_PATH,
    HIGH_RISK_SCORE,
    OFFLINE_PAYMENT_METHODS,
    OPERATOR_PAYMENT_STATUSES,
    Channel,
    OrderStatus,
    OrderType,
    PaymentMethod,
    PaymentStatus,
    QuickFilter,
    can_raise_return,
    can_set_tracking,
    channel_label,
    is_editable,
    is_unfulfilled,
    is_unpaid,
    matches_quick_filter,
    status_after_payment,
)

S = OrderStatus
P = PaymentStatus


def test_enum_values_are_spec_spellings():
    assert [m.value for m in PaymentStatus] == [
        "Pending", "Authorized", "Paid", "PartiallyRefunded", "Refunded", "Declined",
    ]
    assert [m.value for m in OrderType] == ["Standard", "PreOrder", "Exchange", "Replacement"]
    assert [m.value for m in Channel] == [
        "web", "admin", "mobile", "telephone", "store", "amazon", "ebay", "etsy", "support", "email",
    ]
    assert [m.value for m in QuickFilter] == [
        "all", "today", "yesterday", "unfulfilled", "unpaid", "awaiting-approval", "high-risk",
        "pre-orders", "awaiting-feedback", "returned-from-warehouse", "on-hold", "exchange-on-hold",
    ]
    assert QuickFilter.EXCHANGE_ON_HOLD == "exchange-on-hold"


def test_payment_constants():
    assert OFFLINE_PAYMENT_METHODS == {
        PaymentMethod.Bacs, PaymentMethod.Cheque, PaymentMethod.Cash,
        PaymentMethod.CardOverPhone, PaymentMethod.FOC, PaymentMethod.MOTO,
    }
    assert OPERATOR_PAYMENT_STATUSES == (P.Pending, P.Authorized, P.Paid, P.Declined)


def test_channel_labels():
    assert set(CHANNEL_LABELS) == set(Channel)
    assert channel_label("telephone") == "Phone Order"
    assert channel_label("web") == "Web"
    assert channel_label(" Amazon ") == "Amazon"
    assert channel_label("ebay") == "eBay"
    assert channel_label("carrier-pigeon") == "carrier-pigeon"


EDITABLE = {
    S.Incomplete, S.Pending, S.AwaitingApproval, S.Approved, S.OnHold,
    S.AwaitingCustomerFeedback, S.ReturnedByWarehouse,
}


@pytest.mark.parametrize("status", list(OrderStatus))
def test_is_editable(status):
    assert is_editable(status) is (status in EDITABLE)


@pytest.mark.parametrize("status", list(OrderStatus))
def test_can_set_tracking(status):
    expected = status in {S.ReadyToDispatch, S.PartiallyDispatched, S.Dispatched, S.Delivered}
    assert can_set_tracking(status) is expected


@pytest.mark.parametrize("status", list(OrderStatus))
def test_returns_by_default_from_dispatched_on(status):
    assert can_raise_return(status) is (status in {S.Dispatched, S.Delivered})


@pytest.mark.parametrize("eligible_from", FULFILMENT_PATH)
@pytest.mark.parametrize("status", list(OrderStatus))
def test_return_eligibility_follows_the_fulfilment_path(status, eligible_from):
    expected = status in FULFILMENT_PATH and (
        FULFILMENT_PATH.index(status) >= FULFILMENT_PATH.index(eligible_from)
    )
    assert can_raise_return(status, eligible_from) is expected
    if status in {S.Cancelled, S.ReturnedByWarehouse, S.Pending, S.Incomplete}:
        assert can_raise_return(status, eligible_from) is False


def test_return_eligibility_examples():
    assert can_raise_return(S.ReadyToDispatch, S.SentToWarehouse)
    assert not can_raise_return(S.SentToWarehouse, S.ReadyToDispatch)
    assert can_raise_return(S.Approved, S.Approved)


def test_return_eligibility_setting_must_be_on_the_path():
    with pytest.raises(DomainError, match="Returns cannot start at Cancelled"):
        can_raise_return(S.Delivered, S.Cancelled)


@pytest.mark.parametrize(
    ("current", "payment", "score", "expected"),
    [
        (S.Incomplete, P.Paid, 69, S.Approved),
        (S.Incomplete, P.Paid, 70, S.AwaitingApproval),
        (S.Incomplete, P.Authorized, 69, S.Approved),
        (S.Incomplete, P.Authorized, 70, S.AwaitingApproval),
        (S.Incomplete, P.Authorized, 100, S.AwaitingApproval),
        (S.Incomplete, P.Paid, 0, S.Approved),
        (S.Incomplete, P.Pending, 0, None),
        (S.Incomplete, P.Declined, 0, None),
        (S.Pending, P.Paid, 0, None),
        (S.Approved, P.Paid, 90, None),
    ],
)
def test_status_after_payment(current, payment, score, expected):
    assert HIGH_RISK_SCORE == 70
    assert status_after_payment(current, payment, score) == expected


@pytest.mark.parametrize("current", [s for s in OrderStatus if s is not S.Incomplete])
def test_only_incomplete_orders_move_on_payment(current):
    assert status_after_payment(current, P.Paid, 0) is None


@pytest.mark.parametrize(
    ("total", "paid", "authorized", "refunded", "last", "expected"),
    [
        (1000, 0, 0, 0, P.Pending, P.Pending),
        (1000, 0, 0, 0, P.Declined, P.Declined),
        (1000, 400, 0, 0, P.Paid, P.Pending),  # part payment
        (1000, 400, 0, 0, P.Declined, P.Declined),
        (1000, 1000, 0, 0, P.Paid, P.Paid),
        (1000, 1200, 0, 0, P.Paid, P.Paid),
        (1000, 1000, 0, 0, P.Declined, P.Paid),  # a later decline does not unpay
        (1000, 0, 1000, 0, P.Authorized, P.Authorized),
        (1000, 400, 600, 0, P.Authorized, P.Authorized),
        (1000, 400, 500, 0, P.Authorized, P.Pending),
        (1000, 1000, 0, 300, P.Paid, P.PartiallyRefunded),
        (1000, 1000, 0, 1000, P.Paid, P.Refunded),
        (1000, 0, 0, 100, P.Pending, P.PartiallyRefunded),
        (0, 0, 0, 0, P.Paid, P.Paid),  # FOC
        (0, 0, 0, 0, P.Authorized, P.Paid),
        (0, 0, 0, 0, P.Pending, P.Pending),  # nothing recorded yet
        (0, 0, 0, 0, P.Declined, P.Declined),
        (0, 0, 0, 0, None, P.Pending),
    ],
)
def test_payment_status_for(total, paid, authorized, refunded, last, expected):
    assert payment_status_for(total, paid, authorized, refunded, last) is expected


def test_payment_status_for_refuses_negative_amounts():
    with pytest.raises(MoneyError, match="refunded"):
        payment_status_for(100, 0, 0, -1, P.Pending)


@pytest.mark.parametrize(
    ("total", "paid", "refunded", "expected"),
    [(1000, 0, 0, 1000), (1000, 400, 0, 600), (1000, 1000, 500, 0), (1000, 1500, 0, 0)],
)
def test_balance_due(total, paid, refunded, expected):
    assert balance_due(total, paid, refunded) == expected


TODAY = date(2026, 3, 1)


def _matches(f, *, status=S.Approved, payment=P.Paid, order_type=OrderType.Standard,
             score=0, placed_on=TODAY):
    return matches_quick_filter(
        f, status=status, payment_status=payment, order_type=order_type,
        fraud_score=score, placed_on=placed_on, today=TODAY,
    )


@pytest.mark.parametrize("status", list(OrderStatus))
def test_unfulfilled(status):
    expected = status not in {S.Dispatched, S.Delivered, S.Cancelled}
    assert is_unfulfilled(status) is expected
    assert _matches(QuickFilter.UNFULFILLED, status=status) is expected


@pytest.mark.parametrize("payment", list(PaymentStatus))
@pytest.mark.parametrize("status", list(OrderStatus))
def test_unpaid(status, payment):
    expected = payment in {P.Pending, P.Declined} and status is not S.Cancelled
    assert is_unpaid(status, payment) is expected
    assert _matches(QuickFilter.UNPAID, status=status, payment=payment) is expected


def test_date_filters_compare_with_today():
    assert _matches(QuickFilter.TODAY, placed_on=date(2026, 3, 1))
    assert not _matches(QuickFilter.TODAY, placed_on=date(2026, 2, 28))
    assert _matches(QuickFilter.YESTERDAY, placed_on=date(2026, 2, 28))
    assert not _matches(QuickFilter.YESTERDAY, placed_on=date(2026, 3, 1))
    assert not _matches(QuickFilter.YESTERDAY, placed_on=date(2026, 2, 27))


def test_datetimes_are_refused_rather_than_never_matching():
    with pytest.raises(TypeError):
        _matches(QuickFilter.TODAY, placed_on=datetime(2026, 3, 1, 9, 0))


def test_high_risk_threshold():
    assert _matches(QuickFilter.HIGH_RISK, score=70)
    assert not _matches(QuickFilter.HIGH_RISK, score=69)
    assert not _matches(QuickFilter.HIGH_RISK, score=None)


STATUS_FILTERS = {
    QuickFilter.AWAITING_APPROVAL: S.AwaitingApproval,
    QuickFilter.AWAITING_FEEDBACK: S.AwaitingCustomerFeedback,
    QuickFilter.RETURNED_FROM_WAREHOUSE: S.ReturnedByWarehouse,
    QuickFilter.ON_HOLD: S.OnHold,
}


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("f", list(STATUS_FILTERS))
def test_status_filters(f, status):
    assert _matches(f, status=status) is (status is STATUS_FILTERS[f])


@pytest.mark.parametrize("order_type", list(OrderType))
@pytest.mark.parametrize("status", list(OrderStatus))
def test_type_filters(status, order_type):
    assert _matches(QuickFilter.PRE_ORDERS, status=status, order_type=order_type) is (
        order_type is OrderType.PreOrder
    )
    assert _matches(QuickFilter.EXCHANGE_ON_HOLD, status=status, order_type=order_type) is (
        order_type is OrderType.Exchange and status is S.OnHold
    )


@given(
    st.sampled_from(OrderStatus), st.sampled_from(PaymentStatus), st.sampled_from(OrderType),
    st.integers(0, 100), st.dates(),
)
def test_all_matches_everything_and_filters_accept_string_values(
    status, payment, order_type, score, placed_on
):
    assert _matches(QuickFilter.ALL, status=status, payment=payment, order_type=order_type,
                    score=score, placed_on=placed_on)
    assert _matches("unpaid", status=status.value, payment=payment, score=score) is is_unpaid(
        status, payment
    )
