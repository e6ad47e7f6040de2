"""Eight processes refunding one order at once on PostgreSQL (SPEC 4), as test_refund_race does on
SQLite: exactly one refund is given per round, the other seven are refused with the order's cap,
and the order has refunded 60.00 of its 100.00 paid after every round."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timezone

import pytest
from sqlalchemy import create_engine, text

from hubtui.services.context import open_context
from hubtui.services.demo import load_demo
from hubtui.store.engine import Store
from tests.conftest import FIXED_NOW, fixed_clock
from tests.services.refund_race import (
    PROCESSES,
    REFUND,
    ROUND_FACTS,
    ROUNDS,
    Operators,
    expected_facts,
    outcome,
    prepare_round,
    race_crew,
    round_facts,
)


@pytest.mark.slow
def test_eight_refunds_of_one_order_at_once_give_only_what_was_paid_on_postgres(
    pg_url: str, record_property: Callable[[str, object], None],
) -> None:
    store = Store(pg_url)
    load_demo(store, orders=20, seed=3, now=FIXED_NOW)
    ops = Operators(*(open_context(store, user, clock=fixed_clock, tz=timezone.utc)
                      for user in ("alice", "sam", "wendy")))
    with store.read() as session:
        org = ops.alice.operator.org_id
        customers = session.execute(text("SELECT id FROM customers WHERE org_id = :o ORDER BY id LIMIT 20"),
                                    {"o": org}).scalars().all()
        code = session.execute(text("SELECT stock_code FROM products WHERE org_id = :o AND active ORDER BY id LIMIT 1"),
                               {"o": org}).scalar()


    store.dispose()  # the parent holds no connection while the children start
    started = time.monotonic()
    racing = 0.0
    rounds = []
    with race_crew(pg_url) as crew:
        plain = create_engine(pg_url)  # the checks read with plain SQL, not through the services
        try:
            for round_no in range(ROUNDS):
                number, rmas = prepare_round(ops, customers[round_no % len(customers)], code)
                with plain.connect() as con:
                    activity = con.execute(text("SELECT COUNT(*) FROM activity a JOIN orders o ON o.id = a.order_id "
                                                "WHERE o.number = :n"), {"n": number}).scalar()
                began = time.monotonic()
                reports = crew.race(round_no, rmas)
                racing += time.monotonic() - began
                with plain.connect() as con:
                    facts = round_facts(tuple(con.execute(text(ROUND_FACTS), {"number": number}).one()))
                assert (outcome(reports), facts) == ({"refunded": 1, "other_refusals": [], "errors": []},
                                                      expected_facts(activity)), (round_no, reports)
                rounds.append(number)
            with plain.connect() as con:
                refunded = con.execute(text("SELECT COUNT(*) FROM orders WHERE number = ANY(:numbers) "
                                            "AND refunded_total = :r"), {"numbers": rounds, "r": REFUND}).scalar()
        finally:
            plain.dispose()
    store.dispose()
    record_property("seconds", round(time.monotonic() - started, 1))
    record_property("racing_seconds", round(racing, 1))
    print(f"\n{ROUNDS} rounds of {PROCESSES} refunds in {time.monotonic() - started:.1f}s ({racing:.1f}s racing)")
    assert refunded == ROUNDS
