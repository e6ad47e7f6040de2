"""Post codes by country: the UK's and Ireland's by their formats, others by their characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.postcodes import postcode_problem


@pytest.mark.parametrize(("postcode", "country"), [
    ("LS1 4AP", "GB"), ("ls14ap", "GB"), ("SW1A 1AA", "gb"), ("EC1A  1BB", "GB"), ("M1 1AE", "GB"),
    ("B33 8TH", "GB"), ("CR2 6XH", "GB"), ("DN55 1PT", "GB"), ("GIR 0AA", "GB"),
    ("D02 X285", "IE"), ("A65F4E2", "IE"), ("D6W 1234", "IE"),
    ("75008", "FR"), ("10115", "DE"), ("1012 AB", "NL"), ("K1A 0B1", "CA"), ("90210-1234", "US"),
])
def test_real_post_codes_pass(postcode: str, country: str) -> None:
    assert postcode_problem(postcode, country) is None


@pytest.mark.parametrize(("postcode", "country", "says"), [
    ("LS1", "GB", "'LS1' is not a UK post code (like LS1 4AP)."),
    ("12345", "GB", "not a UK post code"),
    ("LS1 4AP!", "GB", "not a UK post code"),
    ("D02", "IE", "'D02' is not an Eircode (like D02 X285)."),
    ("7", "FR", "is not a post code"),
    ("<script>", "DE", "is not a post code"),
    ("ABCDEFGHIJK", "US", "is not a post code"),
])
def test_wrong_ones_say_what_a_right_one_looks_like(postcode: str, country: str, says: str) -> None:
    assert says in (postcode_problem(postcode, country) or "")


def test_an_empty_one_is_left_to_the_address_check() -> None:
    assert postcode_problem("  ", "GB") is None


@given(st.text(max_size=20), st.sampled_from(["GB", "IE", "FR", "US", "XX"]))
def test_any_text_gets_an_answer_not_an_error(text: str, country: str) -> None:
    problem = postcode_problem(text, country)
    assert problem is None or problem.endswith(".")
