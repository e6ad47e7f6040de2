"""Eight processes refunding one order at once on one SQLite file (SPEC 4): exactly one refund
is given per round, the other seven are refused with the order's cap, and the order has refunded
60.00 of its 100.00 paid after every round. See refund_race for how a round is played."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hubtui.services.context import Context
from hubtui.store.engine import Store

from .refund_race import (
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
from .support import Catalog, Sql


@pytest.mark.slow
def test_eight_refunds_of_one_order_at_once_give_only_what_was_paid(
    demo_store: Store, demo_db: Path, context_for: Callable[..., Context], catalog: Catalog, sql: Sql,
    record_property: Callable[[str, object], None],
) -> None:
    ops = Operators(context_for("alice"), context_for("sam"), context_for("wendy"))
    code = catalog.products[0][0]


    demo_store.dispose()  # the parent holds no connection while the children start
    started = time.monotonic()
    racing = 0.0
    rounds = []
    with race_crew(f"sqlite:///{demo_db}") as crew:
        for round_no in range(ROUNDS):
            number, rmas = prepare_round(ops, catalog.customers[round_no % 20], code)
            activity = sql.scalar("SELECT COUNT(*) FROM activity a JOIN orders o ON o.id = a.order_id "
                                  "WHERE o.number = ?", (number,))
            began = time.monotonic()
            reports = crew.race(round_no, rmas)
            racing += time.monotonic() - began
            facts = round_facts(tuple(sql.one(ROUND_FACTS, {"number": number})))
            assert (outcome(reports), facts) == ({"refunded": 1, "other_refusals": [], "errors": []},
                                                  expected_facts(activity)), (round_no, reports)
            rounds.append(number)
    record_property("seconds", round(time.monotonic() - started, 1))
    record_property("racing_seconds", round(racing, 1))
    print(f"\n{ROUNDS} rounds of {PROCESSES} refunds in {time.monotonic() - started:.1f}s ({racing:.1f}s racing)")
    assert sql.scalar(f"SELECT COUNT(*) FROM orders WHERE number IN ({','.join('?' * len(rounds))}) "
                      "AND refunded_total = ?", (*rounds, REFUND)) == ROUNDS
