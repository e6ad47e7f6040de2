"""A period covered by whole UTC months and the parts of months at its ends (domain.month_cover)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from hubtui.domain.month_cover import Piece, cover

UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_last_30_days_take_november_less_its_first_day_and_read_today():
    covered = cover(at("2026-11-02"), at("2026-12-02"))
    assert covered.month_keys == ("2026-11", "2026-11")
    assert covered.pieces == (Piece(at("2026-11-01"), at("2026-11-02"), -1), Piece(at("2026-12-01"), at("2026-12-02"), 1))


def test_whole_months_are_taken_without_pieces_and_a_short_period_takes_none():
    assert cover(at("2026-08-01"), at("2026-11-01")).month_keys == ("2026-08", "2026-10")
    assert cover(at("2026-08-01"), at("2026-11-01")).pieces == ()
    short = cover(at("2026-11-22"), at("2026-11-29"))
    assert short.month_keys is None and short.pieces == (Piece(at("2026-11-22"), at("2026-11-29"), 1),)


def test_a_period_inside_one_month_for_most_of_it_is_the_month_less_both_ends():
    covered = cover(at("2026-10-03"), at("2026-10-28"))
    assert covered.month_keys == ("2026-10", "2026-10")
    assert covered.pieces == (Piece(at("2026-10-01"), at("2026-10-03"), -1), Piece(at("2026-10-28"), at("2026-11-01"), -1))


def test_an_operators_day_that_is_not_a_utc_day_moves_the_edges_off_midnight():
    tz = timezone(timedelta(hours=5, minutes=30))  # Kolkata: the day starts at 18:30 UTC the day before
    covered = cover(datetime(2026, 11, 1, tzinfo=tz), datetime(2026, 12, 1, tzinfo=tz))
    assert covered.month_keys == ("2026-11", "2026-11")
    assert covered.pieces == (Piece(at("2026-10-31 18:30"), at("2026-11-01"), 1),
                              Piece(at("2026-11-30 18:30"), at("2026-12-01"), -1))


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=UTC))


@given(instants, instants, st.lists(instants, min_size=1, max_size=20))
def test_every_instant_is_counted_once_exactly_when_it_is_in_the_period(a, b, probes):
    low, high = min(a, b), max(a, b)
    covered = cover(low, high)
    for t in probes + [low, high, low - timedelta(microseconds=1)]:
        month = t.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        counted = (month in covered.months) + sum(p.sign for p in covered.pieces if p.start <= t < p.end)
        assert counted == (1 if low <= t < high else 0), (low, high, t)
    assert list(covered.months) == sorted(covered.months)
    assert all(b.month - a.month in (1, -11) for a, b in zip(covered.months, covered.months[1:]))  # a run


@given(instants, instants)
def test_the_orders_read_are_at_most_half_a_month_at_each_end(a, b):
    low, high = min(a, b), max(a, b)
    lengths = [piece.end - piece.start for piece in cover(low, high).pieces]
    assert all(timedelta(0) < length <= timedelta(days=16) for length in lengths), lengths
