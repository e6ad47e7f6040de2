"""The child-process side of test_concurrency (a module of its own so 'spawn' imports little).

The order's tags hold one counter per process and the token of the last edit, for example
``p0:17,p3:12,last=p3-11``. An edit reads the order, adds one to its own counter, names its
token and saves with the version it read. The tags stay short (the service refuses more than
400 characters), yet a lost update shows: a counter falls behind, the chain of before/after in
the activity log breaks, or a token is missing from it.
"""

from __future__ import annotations

import traceback
from typing import Any

# Demo users who may edit orders; processes take turns so ConflictError names different people.
EDITORS = ("alice", "pete", "sam", "admin")


def parse_tags(tags: str) -> tuple[dict[str, int], str | None]:
    counters: dict[str, int] = {}
    last = None
    for part in filter(None, tags.split(",")):
        if part.startswith("last="):
            last = part[len("last="):]
        else:
            name, _, value = part.partition(":")
            counters[name] = int(value)
    return counters, last


def format_tags(counters: dict[str, int], last: str) -> str:
    return ",".join([f"{name}:{n}" for name, n in sorted(counters.items())] + [f"last={last}"])


def edit_many(
    url: str, number: str, proc: int, edits: int, max_attempts: int, activity_limit: int,
    ready: Any, start: Any, results: Any,
) -> None:
    """Make `edits` successful read-modify-write edits of one order, retrying on ConflictError."""
    report: dict[str, Any] = {"proc": proc, "ok": 0, "conflicts": 0, "others": [], "gave_up": None,
                              "behind": [], "conflict_names": set()}
    try:
        from hubtui.services.context import open_context
        from hubtui.services.errors import ConflictError
        from hubtui.services.order_reads import get_order
        from hubtui.services.order_writes import OrderChanges, update_details
        from hubtui.store.engine import Store

        store = Store(url)
        ctx = open_context(store, EDITORS[proc % len(EDITORS)])
        me = f"p{proc}"
        ready.put(proc)
        if not start.wait(timeout=120):
            raise RuntimeError("the start signal never came")
        for i in range(edits):
            token = f"{me}-{i}"
            for _attempt in range(max_attempts):
                current = get_order(ctx, number, activity_limit=activity_limit)
                counters, _ = parse_tags(current.tags)
                if counters.get(me, 0) != i:  # an edit of mine that succeeded is gone
                    report["behind"].append((token, counters.get(me, 0)))
                counters[me] = i + 1
                try:
                    update_details(
                        ctx, number, OrderChanges(tags=format_tags(counters, token)), expected_version=current.version
                    )
                except ConflictError as conflict:
                    report["conflicts"] += 1
                    report["conflict_names"].add(conflict.changed_by)
                    continue
                except Exception as error:  # counted: the test requires there are none
                    report["others"].append(f"{type(error).__name__}: {error}")
                    continue
                report["ok"] += 1
                break
            else:
                report["gave_up"] = token
                break
        store.dispose()
    except BaseException:
        report["others"].append(traceback.format_exc())
        ready.put(proc)  # never leave the parent waiting for a child that failed to start
    finally:
        results.put(report)


def pay_the_balance(url: str, number: str, proc: int, ready: Any, start: Any, results: Any) -> None:
    """Pay the whole balance of one order once, as every other process tries at the same moment."""
    report: dict[str, Any] = {"proc": proc, "paid": False, "refused": None, "other": None}
    try:
        from hubtui.services.context import open_context
        from hubtui.services.errors import InvalidInput
        from hubtui.services.order_payments import PaymentDraft, record_payment
        from hubtui.store.engine import Store

        store = Store(url)
        ctx = open_context(store, EDITORS[proc % len(EDITORS)])
        ready.put(proc)
        if not start.wait(timeout=120):
            raise RuntimeError("the start signal never came")
        try:
            record_payment(ctx, number, PaymentDraft(method="Cash", status="Paid"))
            report["paid"] = True
        except InvalidInput as error:
            report["refused"] = str(error)
        store.dispose()
    except Exception:
        report["other"] = traceback.format_exc()
    results.put(report)


def race_to_pay(url: str, number: str, processes: int) -> list[dict[str, Any]]:
    """Start `processes` children that all pay one balance together; their reports."""
    import multiprocessing

    mp = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    ready, results, start = mp.Queue(), mp.Queue(), mp.Event()
    children = [mp.Process(target=pay_the_balance, args=(url, number, p, ready, start, results), daemon=True)
                for p in range(processes)]
    for child in children:
        child.start()
    try:
        for _ in children:
            ready.get(timeout=120)
        start.set()
        return [results.get(timeout=120) for _ in children]
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
