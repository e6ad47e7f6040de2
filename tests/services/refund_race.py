"""Eight operators refunding one order at once (SPEC 4: a refund is never more than is still
refundable on the order), shared by test_refund_race (SQLite) and tests/pg/test_refund_race_pg.

Each round the parent places an order of 8 units at 100.00 each (800.00), takes a part payment
of 100.00, dispatches it and takes 8 returns of one unit each through to RMAQCcomplete. Each
return's units cost 100.00, so each alone may refund 60.00; the order may refund only 100.00 in
all, so of 8 refunds of 60.00 started together exactly one can be given and the other seven are
refused with the order's cap (40.00 left). The 8 worker processes live for the whole run: each
takes its return's number from its own queue, waits at a barrier with the others and refunds.

A module of its own so 'spawn' imports little and both stores share one way of playing a round.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

PROCESSES = 8
ROUNDS = 50
UNIT_PRICE = 10_000  # 100.00 a unit, 8 units
PAID = 10_000  # 100.00 of the 800.00 paid
REFUND = 6_000  # what each operator tries to refund
# Who refunds: supervisors may refund any amount, agents up to 100.00 (the default limit).
REFUNDERS = ("sam", "admin", "alice", "pete")
DISPATCH_PATH = (("SentToWarehouse", "sam"), ("AcceptedInWarehouse", "wendy"), ("ReadyToDispatch", "wendy"),
                 ("Dispatched", "wendy"))
CAP_REFUSAL = r"60\.00 is more than is still refundable on the order \(\D?40\.00\)"


def refund_worker(url: str, proc: int, inbox: Any, barrier: Any, results: Any) -> None:
    """Refund 60.00 of each return named in `inbox` as soon as every worker has its own; None ends."""
    try:
        from hubtui.services.context import open_context
        from hubtui.services.errors import InvalidInput
        from hubtui.services.return_outcomes import refund_return
        from hubtui.store.engine import Store

        store = Store(url)
        ctx = open_context(store, REFUNDERS[proc % len(REFUNDERS)])
        results.put({"proc": proc, "ready": True})
    except BaseException:
        results.put({"proc": proc, "ready": False, "other": traceback.format_exc()})
        return
    while True:
        job = inbox.get()
        if job is None:
            break
        round_no, rma = job
        report: dict[str, Any] = {"proc": proc, "round": round_no, "rma": rma, "ok": False, "refused": None,
                                  "other": None}
        try:
            barrier.wait(timeout=60)  # all eight start together
            refund_return(ctx, rma, amount=REFUND, reference=f"race {round_no} p{proc}")
            report["ok"] = True
        except InvalidInput as error:
            report["refused"] = str(error)
        except BaseException:
            report["other"] = traceback.format_exc()
        results.put(report)
    store.dispose()


class RaceCrew:
    """The worker processes, started once and given one return each per round."""

    def __init__(self, url: str, processes: int = PROCESSES) -> None:
        # fork starts the children in milliseconds with the services imported; the caller has
        # disposed of its engine first, so no inherited connection is used in a child.
        mp = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        self.barrier = mp.Barrier(processes)
        self.results = mp.Queue()
        self.inboxes = [mp.Queue() for _ in range(processes)]
        self.children = [mp.Process(target=refund_worker, args=(url, p, self.inboxes[p], self.barrier, self.results),
                                    daemon=True) for p in range(processes)]
        for child in self.children:
            child.start()
        ready = [self.results.get(timeout=120) for _ in self.children]
        failed = [r["other"] for r in ready if not r["ready"]]
        if failed:
            self.stop()
            raise RuntimeError(f"a worker did not start: {failed[0]}")

    def race(self, round_no: int, rmas: list[str]) -> list[dict[str, Any]]:
        """Each worker refunds one of `rmas` at the same moment; their reports, by process."""
        assert len(rmas) == len(self.children)
        for inbox, rma in zip(self.inboxes, rmas):
            inbox.put((round_no, rma))
        try:
            reports = [self.results.get(timeout=120) for _ in self.children]
        except queue.Empty:
            raise RuntimeError(f"round {round_no}: a worker did not report back") from None
        return sorted(reports, key=lambda r: r["proc"])

    def stop(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for child in self.children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
                child.join()


@contextmanager
def race_crew(url: str) -> Iterator[RaceCrew]:
    crew = RaceCrew(url)
    try:
        yield crew
    finally:
        crew.stop()


@dataclass(frozen=True)
class Operators:
    alice: Any
    sam: Any
    wendy: Any


def prepare_round(ops: Operators, customer_id: int, stock_code: str, processes: int = PROCESSES) -> tuple[str, list[str]]:
    """A fresh order paid 100.00 of 800.00, dispatched, with one return of one unit per worker,
    each checked by QC; its number and the returns' numbers."""
    from hubtui.services.order_payments import PaymentDraft, record_payment
    from hubtui.services.order_writes import NewLine, NewOrder, change_status, place_order
    from hubtui.services.returns import create_return, move_return, pass_qc, receive_return

    order = place_order(ops.alice, NewOrder(customer_id=customer_id,
                                            lines=(NewLine(stock_code, processes, unit_price=UNIT_PRICE),)))
    record_payment(ops.alice, order.number, PaymentDraft("Cash", "Paid", amount=PAID))
    by_user = {"sam": ops.sam, "wendy": ops.wendy}
    for target, user in DISPATCH_PATH:
        change_status(by_user[user], order.number, target)
    rmas = []
    for _ in range(processes):
        rma = create_return(ops.alice, order.number, {1: 1}, action="Refund", reason="Faulty").number
        move_return(ops.sam, rma, "ApproveRequest")
        receive_return(ops.wendy, rma)
        pass_qc(ops.wendy, rma, note="ok")
        rmas.append(rma)
    return order.number, rmas


# What a round must leave: the order and its returns as plain SQL reads them (named parameters,
# the same text on SQLite and PostgreSQL).
ROUND_FACTS = """
SELECT o.paid_total, o.refunded_total, o.payment_status,
       (SELECT COALESCE(SUM(f.amount), 0) FROM refunds f WHERE f.order_id = o.id AND f.status = 'Processed'),
       (SELECT COUNT(*) FROM refunds f WHERE f.order_id = o.id),
       (SELECT COUNT(*) FROM returns r WHERE r.order_id = o.id AND r.status = 'RefundProcessed'),
       (SELECT COUNT(*) FROM returns r WHERE r.order_id = o.id AND r.status = 'RMAQCcomplete'),
       (SELECT COUNT(*) FROM activity a WHERE a.order_id = o.id)
FROM orders o WHERE o.number = :number
"""
FACT_NAMES = ("paid_total", "refunded_total", "payment_status", "processed_refunds", "refund_rows",
              "returns_refunded", "returns_waiting", "activity")


def round_facts(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(FACT_NAMES, row))


def expected_facts(activity_before: int) -> dict[str, Any]:
    """One refund of 60.00 of the 100.00 paid; its return moved twice (ProcessReturn, RefundProcessed),
    the seven refused wrote nothing."""
    return {"paid_total": PAID, "refunded_total": REFUND, "payment_status": "PartiallyRefunded",
            "processed_refunds": REFUND, "refund_rows": 1, "returns_refunded": 1, "returns_waiting": PROCESSES - 1,
            "activity": activity_before + 2}


def outcome(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """How the round went, for one comparison: how many refunded, and whatever was not a cap refusal."""
    import re

    return {
        "refunded": sum(r["ok"] for r in reports),
        "other_refusals": [r["refused"] for r in reports if r["refused"] and not re.search(CAP_REFUSAL, r["refused"])],
        "errors": [r["other"] for r in reports if r["other"]],
    }


__all__ = ["CAP_REFUSAL", "Operators", "PROCESSES", "REFUND", "ROUNDS", "ROUND_FACTS", "RaceCrew", "expected_facts",
           "outcome", "prepare_round", "race_crew", "round_facts"]
