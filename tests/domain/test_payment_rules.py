"""The rules a payment form applies before anything is written (hubtui.domain.payments)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.errors import MoneyError
from hubtui.domain.orders import OPERATOR_PAYMENT_STATUSES, Channel, PaymentMethod, PaymentStatus
from hubtui.domain.payments import (
    DEFAULT_STATUS,
    OPERATOR_METHODS,
    OPERATOR_STATUSES,
    correction_refusal,
    correction_targets,
    default_method,
    payment_amount,
    payment_refusal,
)


def test_the_form_offers_the_spec_methods_and_statuses_in_spec_order():
    assert [m.value for m in OPERATOR_METHODS] == ["Bacs", "Cheque", "Cash", "CardOverPhone", "FOC", "MOTO"]
    assert [s.value for s in OPERATOR_STATUSES] == ["Pending", "Authorized", "Paid", "Declined"]
    assert DEFAULT_STATUS is PaymentStatus.Paid


@pytest.mark.parametrize("channel", [c.value for c in Channel])
def test_phone_orders_default_to_card_over_phone_and_the_rest_to_bacs(channel):
    expected = PaymentMethod.CardOverPhone if channel == "telephone" else PaymentMethod.Bacs
    assert default_method(channel) is expected


def test_the_channel_is_matched_as_stored_or_typed():
    assert default_method(" Telephone ") is PaymentMethod.CardOverPhone
    assert default_method("") is PaymentMethod.Bacs


@pytest.mark.parametrize(
    ("text", "expected"),
    [("123.45", 12345), ("1,234.50", 123450), ("£7", 700), (" 0.01 ", 1), ("12.5", 1250), (".5", 50)],
)
def test_amounts_are_read_in_minor_units(text, expected):
    assert payment_amount(text, method="Bacs", balance_due=200_000, currency="GBP") == expected


def test_the_whole_balance_is_accepted_and_a_penny_more_is_not():
    assert payment_amount("123.45", method="Cash", balance_due=12345, currency="GBP") == 12345
    with pytest.raises(MoneyError) as refused:
        payment_amount("123.46", method="Cash", balance_due=12345, currency="GBP")
    assert str(refused.value) == "£123.46 is more than the balance due (£123.45)."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12.3.4", "'12.3.4' is not an amount; write it like 12.50."),
        ("abc", "'abc' is not an amount; write it like 12.50."),
        ("12.345", "'12.345' is not an amount; write it like 12.50."),
        ("1.2.3.4.5.6.7.8.9", "That is not an amount; write it like 12.50."),
        ("9" * 40, "£" + f"{int('9' * 40):,}" + ".00 is more than the balance due (£99.00)."),
        ("-5", "The amount cannot be negative."),
        ("-0.01", "The amount cannot be negative."),
        ("", "Enter an amount, e.g. 99.00."),
        ("   ", "Enter an amount, e.g. 99.00."),
        ("0", "The amount must be more than 0.00; choose FOC for free of charge."),
        ("0.00", "The amount must be more than 0.00; choose FOC for free of charge."),
    ],
)
def test_bad_amounts_say_what_is_wrong(text, message):
    with pytest.raises(MoneyError) as refused:
        payment_amount(text, method="CardOverPhone", balance_due=9900, currency="GBP")
    assert str(refused.value) == message


@pytest.mark.parametrize("text", ["", "abc", "-5", "999999.99", "12.34"])
def test_foc_records_zero_whatever_was_typed(text):
    assert payment_amount(text, method="FOC", balance_due=1234, currency="GBP") == 0


@given(due=st.integers(min_value=1, max_value=10**9), amount=st.integers(min_value=1, max_value=10**9 + 100))
def test_an_amount_is_accepted_exactly_when_it_is_at_most_the_balance(due, amount):
    text = f"{amount // 100}.{amount % 100:02d}"
    if amount <= due:
        assert payment_amount(text, method="Bacs", balance_due=due, currency="EUR") == amount
    else:
        with pytest.raises(MoneyError, match="more than the balance due"):
            payment_amount(text, method="Bacs", balance_due=due, currency="EUR")


def test_cancelled_orders_and_orders_with_nothing_due_cannot_be_paid():
    assert payment_refusal("BT0000001", "Cancelled", 500, "GBP") == "BT0000001 is cancelled; no payment can be recorded."
    assert payment_refusal("BT0000002", "Approved", 0, "GBP") == "BT0000002 has nothing to pay (balance due £0.00)."
    assert payment_refusal("BT0000003", "Incomplete", 1, "GBP") is None
    assert payment_refusal("BT0000004", "Delivered", 500, "GBP") is None


def test_what_is_owed_back_to_the_customer() -> None:
    from hubtui.domain.orders import owed_to_customer

    assert owed_to_customer("Cancelled", 5000, 5000, 0) == 5000  # paid, then cancelled
    assert owed_to_customer("Cancelled", 5000, 5000, 2000) == 3000  # less what was refunded
    assert owed_to_customer("Approved", 5000, 5000, 0) == 0
    assert owed_to_customer("Approved", 4000, 5000, 0) == 1000  # paid beyond a total that went down
    assert owed_to_customer("Cancelled", 5000, 0, 0) == 0


def test_a_card_over_the_phone_expects_its_authorisation_code() -> None:
    from hubtui.domain.payments import reference_expected

    assert reference_expected("CardOverPhone") and reference_expected("MOTO") and reference_expected("Cheque")
    assert not reference_expected("Cash") and not reference_expected("FOC") and not reference_expected("Bacs")


@pytest.mark.parametrize("typed, currency, refused", [
    ("$5.00", "GBP", True), ("€5.00", "GBP", True), ("£5.00", "EUR", True),
    ("£5.00", "GBP", False), ("5.00", "GBP", False), ("€5.00", "EUR", False),
])
def test_an_amount_typed_in_another_currency_is_refused(typed: str, currency: str, refused: bool) -> None:
    from hubtui.domain.errors import MoneyError
    from hubtui.domain.payments import payment_amount

    if refused:
        with pytest.raises(MoneyError, match="not this order's currency"):
            payment_amount(typed, method="Cash", balance_due=10_000, currency=currency)
    else:
        assert payment_amount(typed, method="Cash", balance_due=10_000, currency=currency) == 500


# ---------------------------------------------------------------------- correcting a payment's status

@given(current=st.sampled_from(list(PaymentStatus)), target=st.sampled_from(list(PaymentStatus)))
def test_a_correction_is_allowed_exactly_between_two_different_operator_statuses(current, target) -> None:
    operator = set(OPERATOR_PAYMENT_STATUSES)
    refusal = correction_refusal(current.value, target.value)
    assert (refusal is None) == (current in operator and target in operator and current != target)
    assert (target in correction_targets(current.value)) == (refusal is None)


def test_correction_refusals_say_why() -> None:
    assert correction_refusal("Refunded", "Paid") == "A Refunded payment is changed only by refunds."
    assert correction_refusal("Paid", "PartiallyRefunded") == (
        "PartiallyRefunded comes only from a refund; a payment is corrected to Pending, Authorized, Paid, Declined.")
    assert correction_refusal("Paid", "Paid") == "The payment is already Paid."
    assert correction_targets("Declined") == (PaymentStatus.Pending, PaymentStatus.Authorized, PaymentStatus.Paid)
