"""What the wizard's customer search should list, worked out in Python over plain-SQL rows.

Written without hubtui.store.customer_search, so a wrong needle or a lost index row cannot
hide behind the same mistake here. Rows are mappings with the keys of COLUMNS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from hubtui.services.catalogue import phone_key

COLUMNS = ("id", "email", "phone_key", "first_name_key", "last_name_key", "company")
# Of one organisation: SELECT {CUSTOMER_ROWS} WHERE c.org_id = <org>
CUSTOMER_ROWS = (
    "c.id, c.email, c.phone_key, c.first_name_key, c.last_name_key, COALESCE(co.name_key, '') AS company "
    "FROM customers c LEFT JOIN companies co ON co.id = c.company_id"
)
SEARCHED = COLUMNS[1:]
Row = Mapping[str, object]


def _is_phone(text: str) -> bool:
    key = phone_key(text)
    return len(key) >= 2 and key.isdigit()


def starting(rows: Iterable[Row], text: str) -> set[int]:
    """The prefix rule: e-mail with "@", phone digits, else names (either order) or e-mail."""
    rows = list(rows)
    words = text.lower().split()
    if "@" in text:
        return {r["id"] for r in rows if str(r["email"]).startswith(text.lower())}  # type: ignore[misc]
    if _is_phone(text):
        return {r["id"] for r in rows if str(r["phone_key"]).startswith(phone_key(text))}  # type: ignore[misc]
    if len(words) == 1:
        return {r["id"] for r in rows  # type: ignore[misc]
                if any(str(r[k]).startswith(words[0]) for k in ("first_name_key", "last_name_key", "email"))}
    first, rest = words[0], " ".join(words[1:])
    return {r["id"] for r in rows  # type: ignore[misc]
            if (str(r["first_name_key"]).startswith(first) and str(r["last_name_key"]).startswith(rest))
            or (str(r["last_name_key"]).startswith(first) and str(r["first_name_key"]).startswith(rest))}


def needle_sets(text: str) -> list[list[str]]:
    """Alternative lists of needles, each list all required: a phone is its digits or (one
    word) the text; else every word. [] when a needle is under three characters and no
    longer word carries it (a trigram index cannot answer it)."""
    if _is_phone(text):
        spellings = [phone_key(text)] + ([] if len(text.split()) > 1 else [text.lower()])
        return [[s] for s in spellings] if all(len(s) >= 3 for s in spellings) else []
    words = text.lower().split()
    return [words] if any(len(w) >= 3 for w in words) else []


def python_contains(rows: Iterable[Row], needles: Sequence[str]) -> set[int]:
    return {r["id"] for r in rows  # type: ignore[misc]
            if all(any(n in str(r[k]) for k in SEARCHED) for n in needles)}


def expected(rows: Sequence[Row], text: str, limit: int = 500,
             contains: Callable[[Sequence[str]], set[int]] | None = None) -> list[int]:
    """Prefix matches by name, then the others containing the text by name, up to limit."""
    contains = contains or (lambda needles: python_contains(rows, needles))
    prefix = starting(rows, text)
    inside: set[int] = set().union(*(contains(n) for n in needle_sets(text)))
    by_id = {r["id"]: r for r in rows}

    def by_name(ids: set[int]) -> list[int]:
        key = {i: (str(by_id[i]["last_name_key"]), str(by_id[i]["first_name_key"]), i) for i in ids}
        return sorted(ids, key=key.__getitem__)

    return (by_name(prefix) + by_name(inside - prefix))[:limit]
