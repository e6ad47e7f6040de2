"""Returns as a state machine (SPEC 4): orders placed, paid (sometimes in part) and dispatched,
returns raised, approved or rejected, picked up or not, received, checked, refunded (sometimes
failing), replaced and credited in any order Hypothesis likes, by operators who may or may not
be allowed to.

After every step the money and the units are checked with plain SQL (sqlite3), never through
the services under test:

- per order: 0 <= refunded_total <= paid_total, refunded_total is the sum of its processed
  refunds, refunds and credit notes together stay within what was paid, and the payment status
  agrees with the sums (Refunded iff something was refunded and it covers what was paid,
  PartiallyRefunded iff 0 < refunded < paid);
- per order line: the units claimed by returns that still claim (not RejectRequest,
  ExchangeDenied, ReturnPickupCancelled) are at most the units dispatched;
- per return: what it refunded and credited is at most what its units cost; only a return in
  RefundProcessed has a processed refund, and it has exactly one;
- every action is predicted (allowed or refused) from the role, the status table and the
  quantities, and a refused one (InvalidInput, PermissionDenied; TransitionError from
  change_status) writes nothing.

Dispatching: change_status(..., "Dispatched") records every unit of the order as dispatched,
which is what a return may take back.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from hubtui.domain.errors import PermissionDenied, TransitionError
from hubtui.domain.returns import QC_STATUSES, RECEIVABLE_STATUSES, RMA_FINAL_STATUSES, RMA_TRANSITIONS, RmaStatus
from hubtui.services.context import Context
from hubtui.services.errors import InvalidInput
from hubtui.services.order_payments import PaymentDraft, record_payment
from hubtui.services.order_writes import NewLine, NewOrder, change_status, place_order
from hubtui.services.return_outcomes import credit_return, refund_return, replace_return
from hubtui.services.return_quotes import returnable_lines
from hubtui.services.return_reads import get_return
from hubtui.services.returns import create_return, move_return, pass_qc, receive_return

from .support import Catalog, Sql

CLAIM_NOTHING = ("RejectRequest", "ExchangeDenied", "ReturnPickupCancelled")
_NOT_CLAIMING = ", ".join(f"'{s}'" for s in CLAIM_NOTHING)
READY = {"RMAQCcomplete", "ProcessReturn"}
OPEN_STATUSES = {s.value for s in RmaStatus} - {s.value for s in RMA_FINAL_STATUSES}
AGENT_REFUND_LIMIT = 10_000  # org_settings' default refund_supervisor_above; the demo sets none

# Who may do what (SPEC 8), written out here rather than read from hubtui.domain.permissions.
RAISERS = {"alice", "pete", "sam", "admin"}
APPROVERS = {"sam", "admin"}
WAREHOUSE = {"wendy", "sam", "admin"}
REFUNDERS = {"sam", "admin"}
SMALL_REFUNDERS = {"alice", "pete"}
USERS = ("alice", "pete", "wendy", "sam", "admin")
APPROVALS = ("ApproveRequest", "RejectRequest", "ExchangeDenied")
PICKUP_MOVES = ("ReturnOutforPickup", "ReturnPickedup", "ReturnPickupRescheduled", "ReturnPickupCancelled")


def _from(targets: tuple[str, ...]) -> set[str]:
    """The return statuses from which one of `targets` may be reached by a plain move."""
    return {s.value for s in RmaStatus if RMA_TRANSITIONS[s] & {RmaStatus(t) for t in targets}}


DISPATCH_PATH = (("SentToWarehouse", "sam"), ("AcceptedInWarehouse", "wendy"), ("ReadyToDispatch", "wendy"),
                 ("Dispatched", "wendy"))

MAX_EXAMPLES = 20
STEPS = 40
MAX_ORDERS = 3  # per example: the steps go into taking these through their returns


def now_and_then(data: st.DataObject, label: str) -> bool:
    """True one time in six (Hypothesis favours the first choice, so that is the usual one)."""
    return data.draw(st.sampled_from([False, False, False, False, False, True]), label=label)


class ReturnsMachine(RuleBasedStateMachine):
    # Set by the test before the machine runs: one demo database shared by every example (each
    # example works only on orders it places itself).
    sql: Sql
    catalog: Catalog
    contexts: dict[str, Context]
    done: Counter[str]  # successful actions over the whole run, by kind

    def __init__(self) -> None:
        super().__init__()
        self.orders: list[str] = []
        self.order_ids: list[int] = []
        self.rmas: list[str] = []
        # The statuses each successful action leads to (checked against the store after every step);
        # the preconditions use them to spend the steps on actions that can go somewhere.
        self.order_status: dict[str, str] = {}
        self.due: dict[str, int] = {}
        self.rma_status: dict[str, str] = {}
        self.products = [(code, price) for code, price in self.catalog.products[:40] if price > 0]

    # ------------------------------------------------------------------ plain-SQL reads

    def order_row(self, number: str) -> Any:
        return self.sql.order(number)

    def rma_row(self, number: str) -> Any:
        return self.sql.one("SELECT * FROM returns WHERE number = ?", (number,))

    def returnable(self, number: str) -> dict[int, int]:
        """Line number -> units a new return may claim: dispatched less what claiming returns hold."""
        rows = self.sql.rows(
            f"""SELECT l.line_no, l.dispatched_quantity - COALESCE((
                    SELECT SUM(rl.quantity) FROM return_lines rl JOIN returns r ON r.id = rl.rma_id
                    WHERE rl.order_line_id = l.id AND r.status NOT IN ({_NOT_CLAIMING})), 0)
                FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.number = ? ORDER BY l.line_no""",
            (number,))
        return {line_no: left for line_no, left in rows}

    def rma_lines(self, number: str) -> list[Any]:
        return self.sql.rows(
            "SELECT l.line_no, rl.quantity, rl.received_quantity FROM return_lines rl "
            "JOIN returns r ON r.id = rl.rma_id JOIN order_lines l ON l.id = rl.order_line_id "
            "WHERE r.number = ? ORDER BY l.line_no", (number,))

    def fits_again(self, rma: str) -> bool:
        """Whether a return that claims nothing (a cancelled pickup) still fits what is returnable,
        should it claim its units again (the others' claims only)."""
        order = self.sql.scalar("SELECT o.number FROM orders o JOIN returns r ON r.order_id = o.id WHERE r.number = ?",
                                (rma,))
        left = self.returnable(order)
        return all(quantity <= left[n] for n, quantity, _ in self.rma_lines(rma))

    def claims_again(self, status: str, target: str, rma: str) -> bool:
        """A move that makes a return claim its units again is allowed only if they are still free."""
        return not (status in CLAIM_NOTHING and target not in CLAIM_NOTHING) or self.fits_again(rma)

    def snapshot(self) -> tuple[Any, ...]:
        """Everything a refused action must leave as it was (ids only grow: nothing is deleted)."""
        return tuple(self.sql.one(
            "SELECT (SELECT COUNT(*) FROM returns), (SELECT MAX(id) FROM returns), "
            "(SELECT COUNT(*) FROM return_lines), (SELECT COUNT(*) FROM refunds), (SELECT MAX(id) FROM refunds), "
            "(SELECT COUNT(*) FROM activity), (SELECT MAX(id) FROM activity), (SELECT MAX(id) FROM orders), "
            "(SELECT MAX(id) FROM order_lines), (SELECT MAX(id) FROM payments), "
            "(SELECT SUM(version) FROM orders), (SELECT SUM(version) FROM returns), "
            "(SELECT SUM(refunded_total) FROM orders), (SELECT SUM(paid_total) FROM orders), "
            "(SELECT SUM(credit_note_amount) FROM returns), "
            "(SELECT COALESCE(SUM(received_quantity), -1) FROM return_lines)"))

    def attempt(self, allowed: bool, call: Callable[[], Any], what: str) -> Any:
        """Run `call`; it must succeed exactly when `allowed`, and a refusal must write nothing.
        (change_status refuses a move the lifecycle forbids with TransitionError.)"""
        before = self.snapshot()
        try:
            result = call()
        except (InvalidInput, PermissionDenied, TransitionError) as refusal:
            assert self.snapshot() == before, f"{what}: refused ({refusal}) but something was written"
            assert not allowed, f"{what}: refused although it should be allowed: {refusal}"
            self.done["refused"] += 1
            return None
        assert allowed, f"{what}: allowed although it should be refused"
        return result

    def has_order(self, statuses: set[str]) -> bool:
        return any(s in statuses for s in self.order_status.values())

    def has_rma(self, statuses: set[str]) -> bool:
        return any(s in statuses for s in self.rma_status.values())

    def pick_order(self, data: st.DataObject, statuses: set[str] | None, *, owing: bool = False,
                   among: set[str] | None = None) -> str:
        """Mostly an order the action fits (by status, owing money, among some), sometimes any order."""
        fitting = [n for n, s in self.order_status.items() if (statuses is None or s in statuses)
                   and (self.due[n] > 0 or not owing) and (among is None or n in among)]
        if fitting and not now_and_then(data, "any order?"):
            return data.draw(st.sampled_from(fitting), label="order")
        return data.draw(st.sampled_from(self.orders), label="order")

    def pick_rma(self, data: st.DataObject, statuses: set[str]) -> str:
        """Mostly a return the action fits (by status), sometimes any return."""
        fitting = [n for n, s in self.rma_status.items() if s in statuses]
        if fitting and not now_and_then(data, "any return?"):
            return data.draw(st.sampled_from(fitting), label="rma")
        return data.draw(st.sampled_from(self.rmas), label="rma")

    # ------------------------------------------------------------------ orders

    def _after_order_change(self, number: str) -> None:
        row = self.order_row(number)
        self.order_status[number] = row["status"]
        self.due[number] = row["order_total"] - row["paid_total"]

    @precondition(lambda self: len(self.orders) < MAX_ORDERS)
    @rule(data=st.data())
    def place(self, data: st.DataObject) -> None:
        count = data.draw(st.integers(1, 3), label="lines")
        lines = []
        for _ in range(count):
            code, price = data.draw(st.sampled_from(self.products), label="product")
            quantity = data.draw(st.integers(1, 4), label="quantity")
            discount = data.draw(st.sampled_from([0, 0, 0, 1, price * quantity // 3]), label="discount")
            lines.append(NewLine(code, quantity, discount=discount))
        customer = data.draw(st.sampled_from(self.catalog.customers[:20]), label="customer")
        placed = place_order(self.contexts["alice"], NewOrder(customer_id=customer, lines=tuple(lines)))
        assert placed.status == "Incomplete" and placed.payment_status == "Pending"
        self.orders.append(placed.number)
        self.order_ids.append(self.order_row(placed.number)["id"])
        self._after_order_change(placed.number)
        self.done["place"] += 1

    @precondition(lambda self: len(self.orders) < MAX_ORDERS)
    @rule(data=st.data())
    def place_pay_and_dispatch(self, data: st.DataObject) -> None:
        """The way to a returnable order in one step, so that more steps go into its returns."""
        self.place(data)
        number = self.orders[-1]
        part = data.draw(st.booleans(), label="part payment")
        due = self.due[number]
        record_payment(self.contexts["pete"], number,
                       PaymentDraft("Cash", "Paid", amount=max(1, due // 3) if part else None))
        for target, user in DISPATCH_PATH:
            assert change_status(self.contexts[user], number, target).status == target
        self._after_order_change(number)
        assert self.order_status[number] == "Dispatched" and (self.due[number] > 0) == part

    @precondition(lambda self: any(self.due.values()))
    @rule(data=st.data())
    def pay(self, data: st.DataObject) -> None:
        number = self.pick_order(data, None, owing=True)
        row = self.order_row(number)
        due = row["order_total"] - row["paid_total"]
        kind = data.draw(st.sampled_from(["all", "part", "too much"]), label="payment")
        amount = {"all": None, "part": max(1, due // 2), "too much": due + 1}[kind]
        allowed = due > 0 and (amount is None or amount <= due)
        paid = self.attempt(allowed, lambda: record_payment(self.contexts["alice"], number,
                                                            PaymentDraft("Cash", "Paid", amount=amount)),
                            f"pay {amount} of {due} due on {number}")
        if paid is not None:
            assert paid.paid_total == row["paid_total"] + (due if amount is None else amount)
            self._after_order_change(number)
            self.done["pay"] += 1

    @precondition(lambda self: self.has_order({"Approved", *(s for s, _ in DISPATCH_PATH[:-1])}))
    @rule(data=st.data())
    def dispatch(self, data: st.DataObject) -> None:
        path = [s for s, _ in DISPATCH_PATH]
        number = self.pick_order(data, {"Approved", *path[:-1]})
        status = self.order_row(number)["status"]
        if not (status == "Approved" or status in path[:-1]):  # unpaid or dispatched already: refused
            self.attempt(False, lambda: change_status(self.contexts["wendy"], number, "Dispatched"),
                         f"dispatch {number} from {status}")
            return
        for target, user in DISPATCH_PATH[path.index(status) + 1 if status in path else 0:]:
            assert change_status(self.contexts[user], number, target).status == target
        self._after_order_change(number)
        self.done["dispatch"] += 1

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def read_returnable(self, data: st.DataObject) -> None:
        """What the new-return screen offers is what the store says is left (also a step that is
        always possible, once everything else is done)."""
        number = data.draw(st.sampled_from(self.orders), label="order")
        offered = {line.line_no: line.returnable for line in returnable_lines(self.contexts["alice"], number)}
        assert offered == {n: max(0, units) for n, units in self.returnable(number).items()}

    # ------------------------------------------------------------------ returns

    def with_returnable_units(self) -> set[str]:
        return {number for number, in self.sql.rows(
            f"""SELECT o.number FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.id IN ({self._ids()})
                AND o.status = 'Dispatched' AND l.dispatched_quantity > COALESCE((
                    SELECT SUM(rl.quantity) FROM return_lines rl JOIN returns r ON r.id = rl.rma_id
                    WHERE rl.order_line_id = l.id AND r.status NOT IN ({_NOT_CLAIMING})), 0)""")}

    @precondition(lambda self: self.has_order({"Dispatched"}) and self.with_returnable_units())
    @rule(data=st.data())
    def raise_return(self, data: st.DataObject) -> None:
        number = self.pick_order(data, {"Dispatched"}, among=self.with_returnable_units())
        left = self.returnable(number)
        over = now_and_then(data, "one too many?")
        quantities = {n: data.draw(st.integers(0, max(0, units) + over), label=f"line {n}")
                      for n, units in left.items()}
        if not any(quantities.values()) and any(units > 0 for units in left.values()) and not now_and_then(
                data, "nothing?"):  # mostly ask for something
            n = data.draw(st.sampled_from([n for n, units in left.items() if units > 0]), label="line")
            quantities[n] = data.draw(st.integers(1, left[n]), label=f"line {n} again")
        user = data.draw(st.sampled_from(("alice", "alice", "pete", "sam", "admin", "wendy")), label="user")
        action = data.draw(st.sampled_from(["Refund", "Refund", "Replacement", "CreditNote", "Exchange"]),
                           label="action")
        status = self.order_row(number)["status"]
        allowed = (user in RAISERS and status in ("Dispatched", "Delivered") and any(quantities.values())
                   and all(q <= left[n] for n, q in quantities.items()))
        created = self.attempt(allowed, lambda: create_return(self.contexts[user], number, quantities, action=action,
                                                              reason="Damaged"),
                               f"{user} raises {quantities} of {number} (returnable {left}, {status})")
        if created is not None:
            assert created.status == ("ExchangeRequested" if action == "Exchange" else "ReturnRequested")
            self.rmas.append(created.number)
            self.rma_status[created.number] = created.status
            self.done["raise"] += 1

    def _move(self, data: st.DataObject, targets: tuple[str, ...], users: tuple[str, ...], rma: str | None) -> None:
        rma = rma or self.pick_rma(data, _from(targets))
        status = self.rma_row(rma)["status"]
        # The moves the table allows first: Hypothesis draws the first choices more often.
        target = data.draw(st.sampled_from(sorted(targets, key=lambda t: RmaStatus(t) not in RMA_TRANSITIONS[
            RmaStatus(status)])), label="target")
        user = data.draw(st.sampled_from(users), label="user")
        may = APPROVERS if target in APPROVALS else RAISERS
        allowed = (user in may and RmaStatus(target) in RMA_TRANSITIONS[RmaStatus(status)]
                   and self.claims_again(status, target, rma))
        moved = self.attempt(allowed, lambda: move_return(self.contexts[user], rma, target),
                             f"{user} moves {rma} {status} -> {target}")
        if moved is not None:
            assert moved.status == target
            self.rma_status[rma] = target
            self.done[target] += 1

    @precondition(lambda self: self.has_rma(_from(APPROVALS)))
    @rule(data=st.data())
    def approve(self, data: st.DataObject, rma: str | None = None) -> None:
        self._move(data, APPROVALS, ("sam", "sam", "sam", "admin", "admin", "alice"), rma)

    @precondition(lambda self: self.has_rma(_from(PICKUP_MOVES)))
    @rule(data=st.data())
    def pickup(self, data: st.DataObject, rma: str | None = None) -> None:
        self._move(data, PICKUP_MOVES, ("alice", "alice", "pete", "sam", "sam", "wendy"), rma)

    @precondition(lambda self: self.has_rma({s.value for s in RECEIVABLE_STATUSES}))
    @rule(data=st.data())
    def receive(self, data: st.DataObject, rma: str | None = None) -> None:
        rma = rma or self.pick_rma(data, {s.value for s in RECEIVABLE_STATUSES})
        lines = self.rma_lines(rma)
        kind = data.draw(st.sampled_from(["all", "counted", "counted", "nothing"]), label="received")
        over = now_and_then(data, "one too many?")
        received = None if kind == "all" else {
            n: 0 if kind == "nothing" else data.draw(st.integers(0, quantity + over), label=f"line {n}")
            for n, quantity, _ in lines}
        user = data.draw(st.sampled_from(("wendy", "wendy", "wendy", "sam", "admin", "alice")), label="user")
        status = self.rma_row(rma)["status"]
        total = sum(q for _, q, _ in lines) if received is None else sum(received.values())
        # Nothing received of a return already ReturnNotReceived is refused: it is so already.
        allowed = (user in WAREHOUSE and RmaStatus(status) in RECEIVABLE_STATUSES
                   and (received is None or all(received[n] <= q for n, q, _ in lines))
                   and not (total == 0 and status == "ReturnNotReceived")
                   and self.claims_again(status, "ReturnReceived" if total else "ReturnNotReceived", rma))
        done = self.attempt(allowed, lambda: receive_return(self.contexts[user], rma, received),
                            f"{user} receives {received} of {rma} ({status})")
        if done is not None:
            assert done.status == ("ReturnReceived" if total else "ReturnNotReceived")
            if total:
                stored = {n: r for n, _, r in self.rma_lines(rma)}
                assert stored == ({n: q for n, q, _ in lines} if received is None else received)
            self.rma_status[rma] = done.status
            self.done[done.status] += 1

    @precondition(lambda self: self.has_rma({s.value for s in QC_STATUSES}))
    @rule(data=st.data())
    def qc(self, data: st.DataObject, rma: str | None = None) -> None:
        rma = rma or self.pick_rma(data, {s.value for s in QC_STATUSES})
        passed = data.draw(st.sampled_from([True, True, True, False]), label="passed")
        user = data.draw(st.sampled_from(("wendy", "wendy", "wendy", "sam", "admin", "pete")), label="user")
        status = self.rma_row(rma)["status"]
        allowed = user in WAREHOUSE and RmaStatus(status) in QC_STATUSES
        done = self.attempt(allowed, lambda: pass_qc(self.contexts[user], rma, note="checked", passed=passed),
                            f"{user} QCs {rma} ({status})")
        if done is not None:
            assert done.status == ("RMAQCcomplete" if passed else "ReturnCantBeProcessed")
            self.rma_status[rma] = done.status
            self.done[done.status] += 1

    @precondition(lambda self: self.has_rma(OPEN_STATUSES))
    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        """One return one step along its main path (each kind of step also has a rule of its own,
        and Hypothesis switches rules off at random, so this keeps the way to an outcome open)."""
        rma = data.draw(st.sampled_from([n for n, s in self.rma_status.items() if s in OPEN_STATUSES]), label="rma")
        status = self.rma_status[rma]
        if status in _from(APPROVALS):
            self.approve(data, rma)
        elif status in _from(PICKUP_MOVES) and data.draw(st.booleans(), label="pickup?"):
            self.pickup(data, rma)
        elif RmaStatus(status) in RECEIVABLE_STATUSES:
            self.receive(data, rma)
        elif RmaStatus(status) in QC_STATUSES:
            self.qc(data, rma)
        else:  # ready for an outcome, or a refund to try again
            action = self.rma_row(rma)["action"]
            outcome = {"Refund": self.refund, "Replacement": self.replace, "CreditNote": self.credit}.get(action)
            if status == "RefundPaymentProblems":
                outcome = self.refund
            elif outcome is None:  # an exchange: any of them
                outcome = data.draw(st.sampled_from([self.refund, self.replace, self.credit]), label="outcome")
            outcome(data, rma)

    def _amount(self, data: st.DataObject, cap: int) -> int:
        kind = data.draw(st.sampled_from(["cap", "some", "some", "over", "zero"]), label="amount")
        if kind == "cap" or (kind == "some" and cap <= 1):
            return max(cap, 1)
        if kind == "some":
            return data.draw(st.integers(1, cap - 1), label="some")
        return cap + 1 if kind == "over" else 0

    @precondition(lambda self: self.has_rma(READY | {"RefundPaymentProblems"}))
    @rule(data=st.data())
    def refund(self, data: st.DataObject, rma: str | None = None) -> None:
        rma = rma or self.pick_rma(data, READY | {"RefundPaymentProblems"})
        cap = get_return(self.contexts["sam"], rma).refund_cap
        amount = self._amount(data, cap)
        failed = data.draw(st.sampled_from([False, False, False, True]), label="failed")
        user = data.draw(st.sampled_from(("sam", "sam", "sam", "admin", "alice", "pete", "wendy")), label="user")
        status = self.rma_row(rma)["status"]
        allowed = (status in READY | {"RefundPaymentProblems"} and 0 < amount <= cap
                   and (user in REFUNDERS or (user in SMALL_REFUNDERS and amount <= AGENT_REFUND_LIMIT)))
        order = self.sql.scalar("SELECT o.number FROM orders o JOIN returns r ON r.order_id = o.id "
                                "WHERE r.number = ?", (rma,))
        before = self.order_row(order)["refunded_total"]
        done = self.attempt(allowed, lambda: refund_return(self.contexts[user], rma, amount=amount, failed=failed,
                                                           reference=f"R{amount}"),
                            f"{user} refunds {amount} of {rma} ({status}, cap {cap}, failed={failed})")
        if done is not None:
            assert self.order_row(order)["refunded_total"] == before + (0 if failed else amount)
            assert done.status == ("RefundPaymentProblems" if failed else "RefundProcessed")
            self.rma_status[rma] = done.status
            self.done[done.status] += 1

    @precondition(lambda self: self.has_rma(READY))
    @rule(data=st.data())
    def credit(self, data: st.DataObject, rma: str | None = None) -> None:
        rma = rma or self.pick_rma(data, READY)
        cap = get_return(self.contexts["sam"], rma).refund_cap
        amount = self._amount(data, cap)
        user = data.draw(st.sampled_from(("sam", "sam", "admin", "pete", "wendy")), label="user")
        status = self.rma_row(rma)["status"]
        allowed = (status in READY and 0 < amount <= cap
                   and (user in REFUNDERS or (user in SMALL_REFUNDERS and amount <= AGENT_REFUND_LIMIT)))
        done = self.attempt(allowed, lambda: credit_return(self.contexts[user], rma, f"CN-{amount}", amount=amount),
                            f"{user} credits {amount} of {rma} ({status}, cap {cap})")
        if done is not None:
            assert (done.status, done.credit_note_amount) == ("CreditNoteCreated", amount)
            self.rma_status[rma] = done.status
            self.done[done.status] += 1

    @precondition(lambda self: self.has_rma(READY))
    @rule(data=st.data())
    def replace(self, data: st.DataObject, rma: str | None = None) -> None:
        rma = rma or self.pick_rma(data, READY)
        user = data.draw(st.sampled_from(("sam", "sam", "alice", "pete", "wendy")), label="user")
        status = self.rma_row(rma)["status"]
        coming_back = sum(q if r is None else r for _, q, r in self.rma_lines(rma))
        allowed = user in RAISERS and status in READY and coming_back > 0
        done = self.attempt(allowed, lambda: replace_return(self.contexts[user], rma),
                            f"{user} replaces {rma} ({status})")
        if done is not None:
            new = self.order_row(done.replacement_order_number)
            assert (new["order_type"], new["order_total"], new["status"]) == ("Replacement", 0, "Approved")
            units = self.sql.scalar("SELECT SUM(quantity) FROM order_lines WHERE order_id = ?", (new["id"],))
            assert units == coming_back
            self.rma_status[rma] = done.status
            self.done[done.status] += 1

    # ------------------------------------------------------------------ invariants (plain SQL)

    @invariant()
    def statuses_as_the_actions_left_them(self) -> None:
        stored = dict(self.sql.rows(f"SELECT number, status FROM orders WHERE id IN ({self._ids()})"))
        assert stored == self.order_status
        stored = dict(self.sql.rows(f"SELECT number, status FROM returns WHERE order_id IN ({self._ids()})"))
        assert stored == self.rma_status

    def _ids(self) -> str:
        return ",".join(map(str, self.order_ids)) or "NULL"

    @invariant()
    def money_adds_up(self) -> None:
        for o in self.sql.rows(
                f"""SELECT o.number, o.paid_total AS paid, o.refunded_total AS refunded, o.payment_status,
                           (SELECT COALESCE(SUM(f.amount), 0) FROM refunds f
                            WHERE f.order_id = o.id AND f.status = 'Processed') AS processed,
                           (SELECT COALESCE(SUM(r.credit_note_amount), 0) FROM returns r
                            WHERE r.order_id = o.id) AS credited
                    FROM orders o WHERE o.id IN ({self._ids()})"""):
            paid, refunded = o["paid"], o["refunded"]
            assert 0 <= refunded <= paid, dict(o)
            assert refunded == o["processed"], dict(o)
            assert refunded + o["credited"] <= paid, dict(o)
            assert (o["payment_status"] == "Refunded") == (refunded > 0 and refunded >= paid), dict(o)
            assert (o["payment_status"] == "PartiallyRefunded") == (0 < refunded < paid), dict(o)

    @invariant()
    def units_claimed_within_dispatched(self) -> None:
        over = self.sql.rows(
            f"""SELECT o.number, l.line_no, l.dispatched_quantity, SUM(rl.quantity) FROM order_lines l
                JOIN orders o ON o.id = l.order_id
                JOIN return_lines rl ON rl.order_line_id = l.id JOIN returns r ON r.id = rl.rma_id
                WHERE o.id IN ({self._ids()}) AND r.status NOT IN ({_NOT_CLAIMING})
                GROUP BY l.id HAVING SUM(rl.quantity) > l.dispatched_quantity""")
        assert [tuple(r) for r in over] == [], [tuple(r) for r in self.sql.rows(
            "SELECT o.number, r.number, r.status, l.line_no, rl.quantity FROM returns r "
            "JOIN return_lines rl ON rl.rma_id = r.id JOIN order_lines l ON l.id = rl.order_line_id "
            f"JOIN orders o ON o.id = r.order_id WHERE o.number IN ({','.join(repr(r[0]) for r in over)}) "
            "ORDER BY r.id")]
        bad = self.sql.scalar(
            "SELECT COUNT(*) FROM return_lines rl JOIN returns r ON r.id = rl.rma_id "
            f"WHERE r.order_id IN ({self._ids()}) AND rl.received_quantity NOT BETWEEN 0 AND rl.quantity")
        assert bad == 0

    @invariant()
    def each_return_within_its_units(self) -> None:
        worth: Counter[int] = Counter()
        # What the units coming back cost at most: their share of the line's total, rounded up.
        for rma_id, line_total, quantity, asked, got in self.sql.rows(
                "SELECT rl.rma_id, l.line_total, l.quantity, rl.quantity, rl.received_quantity FROM return_lines rl "
                f"JOIN order_lines l ON l.id = rl.order_line_id WHERE l.order_id IN ({self._ids()})"):
            worth[rma_id] += math.ceil(line_total * (asked if got is None else got) / quantity)
        for r in self.sql.rows(
                f"""SELECT r.id, r.number, r.status, r.credit_note_amount, r.replacement_order_id,
                           (SELECT COUNT(*) FROM refunds f WHERE f.rma_id = r.id AND f.status = 'Processed') AS n,
                           (SELECT COALESCE(SUM(f.amount), 0) FROM refunds f
                            WHERE f.rma_id = r.id AND f.status = 'Processed') AS refunded
                    FROM returns r WHERE r.order_id IN ({self._ids()})"""):
            assert r["refunded"] + r["credit_note_amount"] <= worth[r["id"]], (dict(r), worth[r["id"]])
            assert r["n"] == (1 if r["status"] == "RefundProcessed" else 0), dict(r)
            assert (r["credit_note_amount"] > 0) == (r["status"] == "CreditNoteCreated"), dict(r)
            assert (r["replacement_order_id"] is not None) == (r["status"] == "ReplacementOrderCreated"), dict(r)


@pytest.mark.slow
def test_returns_state_machine(demo_db: Path, context_for: Callable[..., Context], catalog: Catalog,
                               record_property: Callable[[str, object], None]) -> None:
    sql = Sql(demo_db)
    ReturnsMachine.sql = sql
    ReturnsMachine.catalog = catalog
    ReturnsMachine.contexts = {user: context_for(user) for user in USERS}
    ReturnsMachine.done = done = Counter()
    started = time.monotonic()
    try:
        run_state_machine_as_test(ReturnsMachine, settings=settings(
            max_examples=MAX_EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    finally:
        sql.close()
    record_property("seconds", round(time.monotonic() - started, 1))
    print(f"\n{dict(done)}")
    # The machine got somewhere: returns went all the way to each outcome, and some were refused.
    reached = ("raise", "ApproveRequest", "ReturnReceived", "RMAQCcomplete", "RefundProcessed", "refused")
    assert [kind for kind in reached if not done[kind]] == [], dict(done)


def test_a_cancelled_pickup_cannot_take_back_units_claimed_since(context_for: Callable[..., Context], catalog: Catalog,
                                                                  sql: Sql) -> None:
    """Found by the machine: a cancelled pickup claims nothing, so a second return may claim its
    units; the first one going on (rebooked, or the goods received after all) would then claim
    them again, two returns (and two refunds or replacements) for one unit dispatched."""
    alice, sam, wendy = context_for("alice"), context_for("sam"), context_for("wendy")
    code, _ = next(p for p in catalog.products if p[1] > 0)
    number = place_order(alice, NewOrder(customer_id=catalog.customers[0], lines=(NewLine(code, 1),))).number
    record_payment(alice, number, PaymentDraft("Cash", "Paid"))
    for target, user in DISPATCH_PATH:
        change_status(context_for(user), number, target)
    first = create_return(alice, number, {1: 1}, action="Refund", reason="Damaged").number
    move_return(sam, first, "ApproveRequest")
    move_return(alice, first, "ReturnOutforPickup")
    move_return(alice, first, "ReturnPickupCancelled")
    second = create_return(alice, number, {1: 1}, action="Replacement", reason="Damaged").number
    before = sql.scalar("SELECT MAX(id) FROM activity")
    for again in (lambda: move_return(alice, first, "ReturnOutforPickup"), lambda: receive_return(wendy, first),
                  lambda: receive_return(wendy, first, {1: 0})):
        with pytest.raises(InvalidInput, match=r"line 1 .* other returns have claimed all but 0 of 1 dispatched"):
            again()
    assert sql.scalar("SELECT status FROM returns WHERE number = ?", (first,)) == "ReturnPickupCancelled"
    assert sql.scalar("SELECT MAX(id) FROM activity") == before
    move_return(sam, second, "RejectRequest")  # the unit is free again: the first return may go on
    assert receive_return(wendy, first).status == "ReturnReceived"
