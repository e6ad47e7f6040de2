"""Tracking: what a carrier, number and link must be, and from which status they are set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.orders import TRACKING_STATUSES, OrderStatus
from hubtui.domain.tracking import Tracking, tracking_problems, tracking_refusal


def test_a_number_alone_or_with_carrier_and_link_is_fine() -> None:
    assert tracking_problems(Tracking("", "TRK1")) == {}
    assert tracking_problems(Tracking("DPD", " 1550 2033 ", "https://track.dpd.co.uk/p/15502033?lang=en")) == {}
    assert tracking_problems(Tracking("Royal Mail", "AB123456789GB", "http://royalmail.com/t/AB1")) == {}


@pytest.mark.parametrize(("link", "says"), [
    ("javascript:alert(1)", "http:// or https://"),
    ("ftp://example.com/x", "http:// or https://"),
    ("file:///etc/passwd", "http:// or https://"),
    ("track.example.com/1", "http:// or https://"),
    ("https://", "needs a host"),
    ("https://exa mple.com/1", "spaces or control characters"),
    ("https://example.com/\x1b[2J", "spaces or control characters"),
    ("https://example.com/\u202eevil", "spaces or control characters"),
    ("https://example.com/" + "x" * 1981, "at most 2,000 characters"),
    ("https://exa\x00mple.com", "NUL"),
])
def test_a_link_that_is_not_a_plain_web_address_is_refused(link: str, says: str) -> None:
    problems = tracking_problems(Tracking("DPD", "1", link))
    assert list(problems) == ["tracking_link"] and says in problems["tracking_link"], problems


def test_a_link_of_exactly_2000_characters_is_taken() -> None:
    link = "https://example.com/" + "x" * 1980
    assert len(link) == 2000 and tracking_problems(Tracking("", "1", link)) == {}


def test_every_field_is_checked_at_once() -> None:
    problems = tracking_problems(Tracking("c" * 65, "  ", "mailto:a@b"))
    assert set(problems) == {"tracking_carrier", "tracking_number", "tracking_link"}
    assert problems["tracking_number"] == "A tracking number is needed."
    assert problems["tracking_carrier"] == "The carrier is at most 64 characters (65 given)."


@given(st.sampled_from(list(OrderStatus)))
def test_tracking_is_set_from_ready_to_dispatch_on(status: OrderStatus) -> None:
    refusal = tracking_refusal("BT0000001", status.value)
    assert (refusal is None) == (status in TRACKING_STATUSES)
    if refusal:
        assert refusal == f"BT0000001 is {status.value}: tracking is set from ReadyToDispatch on."
