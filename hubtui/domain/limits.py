"""How long each text a person or a file supplies may be, defined once (SPEC 8a).

Forms cap their fields with these and the services refuse anything longer with the same
message on SQLite (which would store 131,000 characters) and PostgreSQL (which would
refuse with its own "value too long"); `text_problem` also refuses a NUL character, which
PostgreSQL cannot store at all.
"""

from __future__ import annotations

NOTE_LIMIT = 400  # a note, or the comment on a status change or a payment

LIMITS: dict[str, int] = {
    # orders
    "note": NOTE_LIMIT,
    "comment": NOTE_LIMIT,
    "customer_reference": 64,
    "tags": 400,
    "customer_phone": 40,
    # tracking
    "tracking_carrier": 64,
    "tracking_number": 64,
    "tracking_link": 2000,
    # payments
    "reference": 120,
    # returns
    "credit_note_number": 32,
    # discounts
    "discount_reason": 200,
    "promotion_code": 32,
    # people
    "first_name": 80,
    "last_name": 80,
    "email": 254,
    "phone": 40,
    "company": 32,  # a company's account number
    "user_name": 64,
    "full_name": 120,
    # addresses
    "name": 160,
    "line1": 160,
    "line2": 160,
    "city": 80,
    "postcode": 16,
    "country": 2,
}

_WORDS = {"line1": "first address line", "line2": "second address line", "postcode": "post code",
          "customer_reference": "customer reference", "customer_phone": "phone number", "email": "e-mail address",
          "tracking_carrier": "carrier", "tracking_number": "tracking number", "tracking_link": "tracking link",
          "discount_reason": "reason", "promotion_code": "promotion code"}


def too_long(field: str, value: str | None) -> str | None:
    """What is wrong with `value` as `field` when it is longer than allowed; None when it fits."""
    limit = LIMITS[field]
    if value is None or len(value) <= limit:
        return None
    words = _WORDS.get(field, field.replace("_", " "))
    return f"The {words} is at most {limit:,} characters ({len(value):,} given)."


def text_problem(field: str, value: str | None) -> str | None:
    """What is wrong with `value` as `field`: longer than allowed, or holding a NUL character,
    which PostgreSQL cannot store (SQLite would, and its trigram index would stop reading the
    text there), so both refuse it the same way. None when the text is fine."""
    problem = too_long(field, value)
    if problem is None and value is not None and "\x00" in value:
        words = _WORDS.get(field, field.replace("_", " "))
        problem = f"The {words} cannot hold a NUL character (\\x00)."
    return problem


__all__ = ["LIMITS", "NOTE_LIMIT", "text_problem", "too_long"]
