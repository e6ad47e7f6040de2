"""What the "/" filter text should match, worked out in Python over plain-SQL facts.

Deliberately written without hubtui.store.text_search: a wrong needle, a wrong number rule
or a lost term would otherwise hide behind the same mistake here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from hubtui.domain.order_query import OrderQuery
from tests.services.support import Fact, matches, sort_key


def number_matches(number: str, text: str) -> bool:
    """Order numbers match by their start: `BT0012`/`0012` literally (zeros typed), and
    `12`/`BT12` by the number's value read without its leading zeros (BT0000012, BT0001234...)."""
    squashed = "".join(text.split()).upper()
    found = re.fullmatch(r"(BT)?([0-9]{0,7})", squashed)
    if not squashed or found is None:
        return False
    digits = found[2]
    if not digits:
        return found[1] is not None  # "BT" alone starts every number
    if digits[0] == "0":
        return number.startswith("BT" + digits)
    return str(int(number[2:])).startswith(digits)


def text_matches(fact: Fact, text: str | None) -> bool:
    if not text or not text.strip():
        return True  # a blank filter bar filters nothing
    email = text.strip().lower()
    name = " ".join(text.lower().split())
    postcode = "".join(text.split()).upper()
    return (
        email in fact.email.lower()
        or name in " ".join(f"{fact.first_name} {fact.last_name}".lower().split())
        or postcode in "".join(fact.postcode.split()).upper()
        or number_matches(fact.number, text)
    )


def text_oracle(
    all_facts: Iterable[Fact], query: OrderQuery, today: date, placed: tuple[date, date] | None = None
) -> list[str]:
    """Order numbers the query (text included) should list, in display order."""
    chosen = [f for f in all_facts if matches(f, query, today, placed) and text_matches(f, query.text)]
    chosen.sort(key=lambda f: sort_key(f, query.sort), reverse=query.descending)
    return [f.number for f in chosen]
