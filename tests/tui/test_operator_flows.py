"""Issue 8: the key sequences agents really type, spaced as a person types and queued in one burst.

Each defect that wrote wrong data has a test pressing the real keys both ways; the two main
flows count their actions (a key press is one, a typed term or value is one).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual import events
from textual.widgets._footer import FooterKey

from hubtui.screens.dialogs import ConfirmDialog, StatusDialog
from hubtui.screens.help import HelpScreen
from hubtui.screens.new_order import NewOrderScreen
from hubtui.screens.order_detail import OrderDetailScreen
from hubtui.screens.payment_dialog import PaymentDialog

from .helpers import (
    SIZE,
    SMALL,
    notifications,
    start_list,
    static_text,
    visible_text,
    wait_for,
)
from .new_order_support import Db, stored_lines

PACES = pytest.mark.parametrize("pace", ["spaced", "burst"])
CHARACTERS = {"asterisk": "*", "colon": ":", "question_mark": "?", "plus": "+", "minus": "-", "space": " "}
NAMES = {character: name for name, character in CHARACTERS.items()}


@pytest.fixture
def db(demo_db) -> Db:
    return Db(demo_db)


@pytest.fixture
def busy_cores():
    """Another program keeping both cores busy while the test runs (a shared SSH host at its worst)."""
    import subprocess
    import sys

    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    yield
    for spinner in spinners:
        spinner.kill()
        spinner.wait()


class Keys:
    """Actions as an agent makes them: `press` one key, `type` one term. Spaced, each is given time
    to be handled; as a burst, every key is queued at once, and only `send` lets the app run."""

    def __init__(self, pilot, pace: str) -> None:
        self.pilot = pilot
        self.burst = pace == "burst"
        self.actions = 0
        self.queued: list[str] = []

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.actions += 1
            await self._key(key)

    async def type(self, text: str) -> None:
        self.actions += 1
        for character in text:
            await self._key(NAMES.get(character, character))

    async def _key(self, key: str) -> None:
        if self.burst:
            self.queued.append(key)
        else:
            await self.pilot.press(key)
            await self.pilot.pause(0.05)

    def send(self) -> None:
        """Queue every key held so far at once, as a paste or a fast typist over SSH delivers them."""
        app = self.pilot.app
        for key in self.queued:
            character = CHARACTERS.get(key, key if len(key) == 1 else None)
            app.post_message(events.Key(key, character))
        self.queued = []


def btools_customer(db: Db):
    return db.customer("c.company_id IS NULL AND c.line1 <> '' AND c.postcode <> ''")


def unique_phone_digits(db: Db, customer) -> str:
    """The fewest leading digits of the customer's phone that find only them."""
    phone = customer["phone_key"]
    return next(phone[:n] for n in range(3, len(phone) + 1)
                if db.scalar("SELECT COUNT(*) FROM customers WHERE org_id = ? AND phone_key LIKE ?",
                             (customer["org_id"], phone[:n] + "%")) == 1)


async def wait_for_details(pilot, what: str, predicate: Callable[[OrderDetailScreen], bool] = lambda s: True):
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen) and app.screen.detail is not None
                   and predicate(app.screen), what, limit=15)
    return app.screen


# ---------------------------------------------------------------------- the two main flows, counted

@PACES
async def test_a_phone_order_paid_by_card_takes_ten_actions(make_app, db: Db, pace: str) -> None:
    """A known customer, two products, the card taken over the phone with its authorisation code."""
    assert await _phone_order_paid_by_card(make_app, db, pace) == 10


@pytest.mark.slow
async def test_the_phone_order_burst_means_the_same_with_both_cores_busy(make_app, db: Db, busy_cores) -> None:
    assert await _phone_order_paid_by_card(make_app, db, "burst") == 10


async def _phone_order_paid_by_card(make_app, db: Db, pace: str) -> int:
    """Take the order, check what the store holds, and return how many actions it took."""
    customer = btools_customer(db)
    first, second = db.product(0), db.product(1)
    before = db.counts()
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        keys = Keys(pilot, pace)
        await keys.press("n")
        await keys.type(unique_phone_digits(db, customer))
        await keys.press("enter")
        await keys.type(first["stock_code"].split("-", 1)[1].lower())  # "dri-1000": no "bt-"
        await keys.press("enter")
        await keys.type(second["stock_code"].split("-", 1)[1].lower())
        await keys.press("enter")
        await keys.press("ctrl+s")  # the review: the cursor is on the card's authorisation code
        await keys.type("AUTH-4417")
        await keys.press("ctrl+s")  # placed and paid, in one transaction
        keys.send()
        details = await wait_for_details(pilot, "the order placed and paid",
                                         lambda s: s.detail.payment_status == "Paid")
        assert not any(isinstance(s, (NewOrderScreen, PaymentDialog)) for s in app.screen_stack)
        assert "CardOverPhone Paid" in static_text(details.query_one("#flash"))
    order = db.one("SELECT * FROM orders WHERE number = ?", (details.number,))
    assert (order["customer_id"], order["status"], order["payment_status"]) == (customer["id"], "Approved", "Paid")
    assert [(code, qty) for code, qty, _, _ in stored_lines(db, details.number)] == [
        (first["stock_code"], 1), (second["stock_code"], 1)]
    assert [tuple(r) for r in db.rows("SELECT method, status, amount, reference FROM payments WHERE order_id = ?",
                                      (order["id"],))] == [("CardOverPhone", "Paid", order["order_total"], "AUTH-4417")]
    assert db.counts()["payments"] == before["payments"] + 1
    return keys.actions


@PACES
async def test_a_status_change_with_a_comment_takes_four_actions(make_app, db: Db, pace: str) -> None:
    from tests.tui.helpers import jump_to, short

    number = db.scalar("SELECT o.number FROM orders o JOIN organisations g ON g.id = o.org_id "
                       "WHERE g.code = 'BTOOLS' AND o.status = 'Approved' ORDER BY o.id LIMIT 1")
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        details = await jump_to(pilot, short(number), number)
        targets = [t.value for t in details._status_targets()]
        keys = Keys(pilot, pace)
        await keys.press("s")
        await keys.press(str(targets.index("OnHold") + 1))
        await keys.type("customer asked to wait for payday")
        await keys.press("ctrl+s")
        keys.send()
        await wait_for(pilot, lambda: app.screen is details and details.detail.status == "OnHold", "the order on hold")
        assert keys.actions == 4
    row = db.one("SELECT a.summary, a.user_name FROM activity a JOIN orders o ON o.id = a.order_id "
                 "WHERE o.number = ? ORDER BY a.id DESC LIMIT 1", (number,))
    assert tuple(row) == ("Status Approved → OnHold: customer asked to wait for payday", "alice")


# ---------------------------------------------------------------------- defects that wrote wrong data

async def _to_products(pilot, keys: Keys, db: Db) -> None:
    await keys.press("n")
    await keys.type(btools_customer(db)["email"])
    await keys.press("enter")


@PACES
async def test_the_next_stock_code_never_lands_in_a_quantity(make_app, db: Db, pace: str) -> None:
    """`BT-DRI-1000⏎BT-SAW-1001⏎` is one drill and one saw, never 1001 drills."""
    drill, saw = db.product(0), db.product(1)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        keys = Keys(pilot, pace)
        await _to_products(pilot, keys, db)
        await keys.type(drill["stock_code"])
        await keys.press("enter")
        await keys.type(saw["stock_code"])
        await keys.press("enter")
        # and a quantity box opened on purpose (tab to the lines, enter) ends at the first non-digit
        await keys.press("tab", "tab", "enter")
        await keys.type("3")
        await keys.type(db.product(2)["stock_code"])
        await keys.press("enter")
        keys.send()
        # The whole burst is worked through first: on a loaded machine that takes longer than a wait.
        await wait_for(pilot, lambda: isinstance(app.screen, NewOrderScreen) and len(app.screen.products.lines) == 3,
                       "three lines", limit=15)
        lines = [(line.stock_code, line.quantity) for line in app.screen.products.lines]
    assert lines == [(drill["stock_code"], 1), (saw["stock_code"], 3), (db.product(2)["stock_code"], 1)]


@PACES
async def test_ctrl_s_takes_the_quantity_on_screen(make_app, db: Db, pace: str) -> None:
    product = db.product(0)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        keys = Keys(pilot, pace)
        await _to_products(pilot, keys, db)
        await keys.type(product["stock_code"])
        await keys.press("enter", "tab", "tab", "enter")
        await keys.type("3")  # typed, not confirmed with enter
        await keys.press("ctrl+s")
        keys.send()
        await wait_for(pilot, lambda: isinstance(app.screen, NewOrderScreen) and app.screen.step == "review",
                       "the review", limit=15)
        screen = app.screen
        assert [line.quantity for line in screen.review.lines] == [3]
        assert "3 items" in static_text(screen.review.query_one("#review-totals"))
        await pilot.press("escape")  # the first esc on the review is not eaten by a hidden quantity box
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question to leave")


async def test_a_quantity_far_above_the_usual_asks_first(make_app, db: Db) -> None:
    product = db.product(0)
    app = make_app("alice")
    async with app.run_test(size=SMALL) as pilot:
        await start_list(pilot)
        keys = Keys(pilot, "spaced")
        await _to_products(pilot, keys, db)
        screen = app.screen
        await keys.type(f"1001*{product['stock_code']}")
        await keys.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert "1,001 ×" in app.screen.question and "more than the usual 99" in app.screen.question
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "the wizard")
        assert screen.products.lines == () and "Not added" in static_text(screen.products.query_one("#product-error"))
        await pilot.press("enter", "y")
        await wait_for(pilot, lambda: screen.products.lines != (), "the line added once confirmed")
        assert screen.products.lines[0].quantity == 1001
        total = format_total(1001 * product["price"])
        await wait_for(pilot, lambda: total in visible_text(app).splitlines()[1], "the total in the step bar at 80x24")


def format_total(minor: int) -> str:
    from hubtui.domain.money import format_money

    return format_money(minor, "GBP", grouping=True)


async def test_the_confirmation_threshold_is_a_setting(make_app, db: Db, demo_db) -> None:
    from hubtui.config import Settings

    settings = Settings(database_url=f"sqlite:///{demo_db}", user="alice", quantity_confirm_above=5)
    app = make_app("alice", settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        keys = Keys(pilot, "spaced")
        await _to_products(pilot, keys, db)
        await keys.type(f"6*{db.product(0)['stock_code']}")
        await keys.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question above 5")
        assert "more than the usual 5" in app.screen.question


@PACES
async def test_keys_typed_at_the_first_frame_wait_for_the_store(demo_db, db: Db, monkeypatch, pace: str) -> None:
    """Fast start paints the list before the app has its store: `:`, a number, enter and `p` typed
    then open that order's payment, and no digit reaches the list's quick filters."""
    import threading

    from hubtui.app import HubApp
    from hubtui.config import Settings
    from hubtui.services import context as context_module
    from hubtui.startup import read

    number = db.scalar("SELECT o.number FROM orders o JOIN organisations g ON g.id = o.org_id "
                       "WHERE g.code = 'BTOOLS' AND o.status = 'Incomplete' AND o.order_total > 0 ORDER BY o.id LIMIT 1")
    opened = threading.Event()
    real_open = context_module.open_context

    def slow_open(*args, **kwargs):
        opened.wait(10)  # the store opens only once every key has been typed
        return real_open(*args, **kwargs)

    monkeypatch.setattr(context_module, "open_context", slow_open)
    settings = Settings(database_url=f"sqlite:///{demo_db}", user="alice", timezone="UTC")
    app = HubApp(store=None, context=None, settings=settings, prefetch=read(settings))
    async with app.run_test(size=SIZE) as pilot:
        from hubtui.widgets.orders_table import OrdersTable

        listing = app.screen
        await wait_for(pilot, lambda: listing.query_one(OrdersTable).row_count > 0, "the prefetched page")
        quick = listing.order_query.quick_filter
        keys = Keys(pilot, pace)
        await keys.press("colon")
        await keys.type(str(int(number[2:])))
        await keys.press("enter", "p")
        keys.send()
        await pilot.pause(0.3)
        assert app.context is None, "the keys were typed before the store opened"
        opened.set()
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentDialog), "the payment dialog", limit=15)
        assert app.screen.detail.number == number
        assert listing.order_query.quick_filter == quick
        assert not [n for n in notifications(app) if "Still opening" in n.message]


# ---------------------------------------------------------------------- greyed keys, help, hints

async def test_the_warehouse_sees_new_and_pay_greyed_and_is_told_why(make_app) -> None:
    app = make_app("wendy")
    async with app.run_test(size=SMALL) as pilot:
        listing = await start_list(pilot)

        def greyed(action: str) -> bool:
            keys = [key for key in listing.query(FooterKey) if key.action == action]
            return len(keys) == 1 and keys[0].has_class("-disabled")

        await wait_for(pilot, lambda: greyed("new_order") and greyed("pay"), "n and p greyed in the footer")
        titles = [command.title for command in app.get_system_commands(listing)]
        assert "order: new" not in titles and "order: pay" not in titles
        assert "orders: change sort" in titles
        await pilot.press("n")
        await wait_for(pilot, lambda: bool(notifications(app)), "n to say why")
        assert notifications(app)[-1].message == "A warehouse user may not create orders; ask an agent."
        assert app.screen is listing


async def test_the_main_screens_keep_help_and_jump_in_the_footer_at_80_columns(make_app, db: Db) -> None:
    from tests.tui.helpers import jump_to, short

    number = db.scalar("SELECT number FROM orders ORDER BY id LIMIT 1")
    app = make_app("alice")
    async with app.run_test(size=SMALL) as pilot:
        def footer_shows(*keys: str) -> bool:
            footer = visible_text(app).splitlines()[-1]
            return all(key in footer for key in keys)

        await start_list(pilot)
        await wait_for(pilot, lambda: footer_shows("? Help", ": Jump", "n New", "p Pay"), "the list's footer")
        await jump_to(pilot, short(number), number)
        await wait_for(pilot, lambda: footer_shows("? Help", ": Jump", "s Status", "p Pay"), "the order's footer")
        # the money and the payments show without scrolling
        payments = app.screen.query_one("#payments")
        assert payments.region.bottom <= SMALL[1] - 1, "the payments box is below the fold"
        assert "balance due" in static_text(app.screen.query_one("#summary"))


async def test_a_long_payment_status_ends_in_an_ellipsis_at_80_columns(make_app) -> None:
    from hubtui.widgets.line_table import GAP
    from hubtui.widgets.orders_table import COLUMNS

    app = make_app("alice")
    async with app.run_test(size=SMALL) as pilot:
        await start_list(pilot)
        upto_payment = 1 + sum(column.width + GAP for column in COLUMNS[:6])
        assert upto_payment <= SMALL[0] - 2, "number to payment fit beside the scroll bar"


async def test_question_mark_in_the_wizard_opens_its_help(make_app) -> None:
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewOrderScreen) and app.focused is not None, "the wizard")
        wizard = app.screen
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the wizard's help")
        assert "New phone order" in visible_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is wizard, "the wizard again")
        assert wizard.customer_step.search_input.value == ""


@pytest.mark.parametrize("size", [SMALL, (120, 40)], ids=["80x24", "120x40"])
async def test_the_no_customer_hint_is_seen_whole(make_app, size) -> None:
    from .new_order_support import open_wizard, search

    app = make_app("alice")
    async with app.run_test(size=size) as pilot:
        screen = await open_wizard(pilot)
        await search(pilot, screen.customer_step, "zzqqxx")
        await pilot.pause()
        shown = " ".join(line.strip() for line in visible_text(app).splitlines())
        assert "ctrl+n adds them" in shown and "ctrl+t" in shown, shown


async def test_product_answers_use_the_room_there_is(make_app, db: Db) -> None:
    from .new_order_support import open_wizard, pick_customer, search

    customer = btools_customer(db)
    app = make_app("alice")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_wizard(pilot)
        await pick_customer(pilot, screen, customer["email"], customer["id"])
        await search(pilot, screen.products, "drill")
        await pilot.pause()
        assert len(screen.products.found) == 20
        assert screen.products.results.region.height >= 20, "the answers get the free rows"


@PACES
async def test_a_cancellation_typed_ahead_still_asks(make_app, db: Db, pace: str) -> None:
    """`s`, Cancelled, a reason, a comment, ctrl+s: nothing is cancelled until `y`."""
    from tests.tui.helpers import jump_to, short

    number = db.scalar("SELECT o.number FROM orders o JOIN organisations g ON g.id = o.org_id "
                       "WHERE g.code = 'BTOOLS' AND o.status = 'Incomplete' ORDER BY o.id LIMIT 1")
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        details = await jump_to(pilot, short(number), number)
        targets = [t.value for t in details._status_targets()]
        keys = Keys(pilot, pace)
        await keys.press("s", str(targets.index("Cancelled") + 1), "2")  # reason 2: PaymentIssue
        await keys.type("card declined twice")
        await keys.press("ctrl+s")
        keys.send()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert db.scalar("SELECT status FROM orders WHERE number = ?", (number,)) == "Incomplete"
        assert isinstance(app.screen_stack[-2], StatusDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is details and details.detail.status == "Cancelled", "cancelled")
    assert db.scalar("SELECT cancel_reason FROM orders WHERE number = ?", (number,)) == "PaymentIssue"
