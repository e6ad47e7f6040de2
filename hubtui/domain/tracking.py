"""A parcel's tracking: carrier, number and link, checked before anything is stored (SPEC 3)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from hubtui.domain.limits import text_problem
from hubtui.domain.orders import TRACKING_STATUSES, OrderStatus, can_set_tracking
from hubtui.domain.text import printable


@dataclass(frozen=True)
class Tracking:
    carrier: str
    number: str
    link: str = ""

    def stripped(self) -> Tracking:
        return Tracking(self.carrier.strip(), self.number.strip(), self.link.strip())


def tracking_problems(tracking: Tracking) -> dict[str, str]:
    """What is wrong with each field, by field name (tracking_carrier, tracking_number,
    tracking_link); empty when it may be stored. The link opens in a browser from an e-mail or
    a screen, so only an http or https address with a host is taken, and nothing that could
    hide part of itself (spaces, control characters)."""
    t = tracking.stripped()
    problems: dict[str, str] = {}
    for field, value in (("tracking_carrier", t.carrier), ("tracking_number", t.number), ("tracking_link", t.link)):
        problem = text_problem(field, value)
        if problem:
            problems[field] = problem
    if not t.number and "tracking_number" not in problems:
        problems["tracking_number"] = "A tracking number is needed."
    if t.link and "tracking_link" not in problems:
        problem = link_problem(t.link)
        if problem:
            problems["tracking_link"] = problem
    return problems


def link_problem(link: str) -> str | None:
    if printable(link, one_line=True) != link or any(ch.isspace() for ch in link):
        return "No spaces or control characters in a link."
    try:
        parts = urlsplit(link)
    except ValueError:
        return "That is not a web address."
    if parts.scheme.lower() not in ("http", "https"):
        return "Only an http:// or https:// link."
    if not parts.hostname:
        return "The link needs a host: https://host/…"
    return None


def tracking_refusal(number: str, status: str) -> str | None:
    """Why tracking cannot be set on this order now, or None."""
    if can_set_tracking(OrderStatus(status)):
        return None
    first = next(s for s in OrderStatus if s in TRACKING_STATUSES)
    return f"{number} is {status}: tracking is set from {first.value} on."


__all__ = ["Tracking", "link_problem", "tracking_problems", "tracking_refusal"]
