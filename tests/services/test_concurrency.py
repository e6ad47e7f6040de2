"""Many processes editing one order on one SQLite file: no update may be lost.

Each of 8 processes makes 60 read-modify-write edits of the same order through the
services: get_order(), change the tags, update_details() with the version it read, and on
ConflictError read again and retry. See concurrency_worker for what the tags hold.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import time
from pathlib import Path

import pytest

from hubtui.services.errors import InvalidInput
from hubtui.services.order_reads import get_order
from hubtui.services.order_writes import OrderChanges, update_details
from hubtui.store.engine import Store

from .concurrency_worker import EDITORS, edit_many, format_tags, parse_tags
from .support import Catalog, Sql, place

PROCESSES = 8
EDITS = 60  # 480 contended edits from 8 processes
MAX_ATTEMPTS = 1000
ACTIVITY_LIMIT = 0  # each read is get_order() without the activity log, which the edits do not need


def test_no_lost_updates_across_processes(
    demo_store: Store, demo_db: Path, alice, catalog: Catalog, sql: Sql, record_property
) -> None:
    order = place(alice, catalog)
    initial = get_order(alice, order.number)
    assert initial.tags == ""
    demo_store.dispose()  # the parent holds no connection while the children work

    # fork starts the children in milliseconds with the services already imported; the parent
    # has closed its connections above, and forked children end with os._exit, so no inherited
    # SQLite handle is used or closed in them. Where fork is missing, spawn does the same job.
    mp = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    ready, results, start = mp.Queue(), mp.Queue(), mp.Event()
    url = f"sqlite:///{demo_db}"
    children = [
        mp.Process(target=edit_many, args=(url, order.number, p, EDITS, MAX_ATTEMPTS, ACTIVITY_LIMIT, ready, start, results),
                   daemon=True)
        for p in range(PROCESSES)
    ]
    for child in children:
        child.start()
    try:
        for _ in children:
            ready.get(timeout=120)  # every child has imported the services and signed in
        started = time.monotonic()
        start.set()  # the barrier: all of them begin together
        reports = [results.get(timeout=300) for _ in children]
        elapsed = time.monotonic() - started
    except queue.Empty:
        pytest.fail("a child process did not report back")
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.terminate()
                child.join()
    conflicts = sum(r["conflicts"] for r in reports)
    record_property("edit_seconds", round(elapsed, 2))
    record_property("conflicts", conflicts)
    print(f"\n{PROCESSES}x{EDITS} edits in {elapsed:.1f}s with {conflicts} conflicts")

    reports.sort(key=lambda r: r["proc"])
    assert [r["others"] for r in reports] == [[]] * PROCESSES  # every refusal was a ConflictError
    assert [r["gave_up"] for r in reports] == [None] * PROCESSES
    assert [r["ok"] for r in reports] == [EDITS] * PROCESSES
    assert [r["behind"] for r in reports] == [[]] * PROCESSES  # no process ever saw its own edit undone
    assert all(child.exitcode == 0 for child in children)
    assert set().union(*(r["conflict_names"] for r in reports)) <= set(EDITORS)

    total = PROCESSES * EDITS
    final = get_order(alice, order.number)
    assert final.version == initial.version + total
    counters, _ = parse_tags(final.tags)
    assert counters == {f"p{p}": EDITS for p in range(PROCESSES)}  # 0 lost updates

    row = sql.order(order.number)
    assert (row["version"], row["tags"]) == (final.version, final.tags)
    edits = sql.rows("SELECT before, after FROM activity WHERE order_id = ? AND action = 'edit' ORDER BY id", (order.id,))
    assert len(edits) == total

    # The log is one unbroken chain: each edit starts from what the one before it saved,
    # and moves exactly one process's counter on by one.
    tokens = []
    previous = ""
    for entry in edits:
        before, after = json.loads(entry["before"])["tags"], json.loads(entry["after"])["tags"]
        assert before == previous
        old, _ = parse_tags(before)
        new, token = parse_tags(after)
        proc, step = token.split("-")
        assert new == {**old, proc: int(step) + 1}
        tokens.append(token)
        previous = after
    assert previous == final.tags
    assert sorted(tokens) == sorted(f"p{p}-{i}" for p in range(PROCESSES) for i in range(EDITS))


def test_tags_longer_than_the_column_are_refused_not_cut(alice, catalog: Catalog, sql: Sql) -> None:
    order = place(alice, catalog)
    longest = format_tags({f"p{p}": 10**6 for p in range(40)}, "x")[:400]
    assert len(longest) == 400
    kept = update_details(alice, order.number, OrderChanges(tags=longest), expected_version=1)
    assert kept.tags == longest
    assert sql.order(order.number)["tags"] == longest
    with pytest.raises(InvalidInput) as refused:
        update_details(alice, order.number, OrderChanges(tags=longest + "y"), expected_version=2)
    assert refused.value.field == "tags"
    assert (sql.order(order.number)["tags"], sql.order(order.number)["version"]) == (longest, 2)


def test_eight_operators_paying_one_balance_at_once_make_one_payment(
    demo_store: Store, demo_db: Path, alice, catalog: Catalog, sql: Sql
) -> None:
    from .concurrency_worker import race_to_pay

    order = place(alice, catalog)
    demo_store.dispose()  # the parent holds no connection while the children pay
    reports = race_to_pay(f"sqlite:///{demo_db}", order.number, 8)
    assert [r["other"] for r in reports if r["other"]] == []
    assert sum(r["paid"] for r in reports) == 1
    refusals = [r["refused"] for r in reports if not r["paid"]]
    assert len(refusals) == 7 and all("has nothing to pay" in text for text in refusals), refusals
    assert sql.scalar("SELECT COUNT(*) FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.number = ?",
                      (order.number,)) == 1
