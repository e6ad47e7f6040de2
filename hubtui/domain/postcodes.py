"""Whether a post code has the shape of one in its country (issue 11: addresses on an order are
checked as the new-customer form checks them). GB post codes and Irish Eircodes by their
formats; elsewhere letters, digits, spaces and hyphens, 2 to 10 of them. Case and the space in
the middle do not matter."""

from __future__ import annotations

import re

_UK = re.compile(r"GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}")
_EIRCODE = re.compile(r"[A-Z][0-9][0-9W] ?[0-9A-Z]{4}")
_OTHER = re.compile(r"[A-Z0-9][A-Z0-9 -]{0,8}[A-Z0-9]")
EXAMPLES = {"GB": "LS1 4AP", "IE": "D02 X285"}


def postcode_problem(postcode: str, country: str) -> str | None:
    """Why `postcode` is not a post code of `country` (a two-letter code), or None."""
    typed = " ".join(postcode.split()).upper()
    if not typed:
        return None  # a missing post code is said by the address check
    country = country.strip().upper()
    pattern = {"GB": _UK, "IE": _EIRCODE}.get(country, _OTHER)
    if pattern.fullmatch(typed):
        return None
    if country in EXAMPLES:
        what = "a UK post code" if country == "GB" else "an Eircode"
        return f"'{postcode.strip()}' is not {what} (like {EXAMPLES[country]})."
    return f"'{postcode.strip()}' is not a post code: letters, digits, spaces and hyphens, 2 to 10 of them."


__all__ = ["postcode_problem"]
