"""The phone-order wizard driven by real keys: what the screens show and what the store then holds."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label

from hubtui.domain.money import format_money
from hubtui.screens.dialogs import ConfirmDialog
from hubtui.screens.new_order import NewOrderScreen
from hubtui.screens.order_detail import OrderDetailScreen
from hubtui.screens.orders import OrdersScreen

from .helpers import SIZE, region_text, static_text, type_text, visible_text, wait_for
from .new_order_support import Db, add_product, arrow_to, open_wizard, pick_customer, search, stored_lines


@pytest.fixture
def db(demo_db) -> Db:
    return Db(demo_db)


def field_error(screen: NewOrderScreen, name: str) -> str:
    return screen.review.field(name).error


async def test_a_phone_order_from_search_to_placed(make_app, db: Db) -> None:
    customer = db.customer("c.company_id IS NULL AND c.email LIKE 'o%'")
    drill, saw = db.product(3), db.product(40)
    before = db.counts()
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        assert "1 Customer" in visible_text(app) and "no customer yet" in visible_text(app)

        # 1. customer: the e-mail as the caller spells it
        await pick_customer(pilot, screen, customer["email"][:6], customer["id"])
        assert f"{customer['first_name']} {customer['last_name']}" in static_text(screen.query_one("#wizard-summary"))

        # 2. products: one by stock code with quantity 2, one by words of its name
        await add_product(pilot, screen, drill["stock_code"].lower(), drill["stock_code"], "2")
        name_words = " ".join(saw["name"].lower().split()[1:])
        await add_product(pilot, screen, name_words, saw["stock_code"], None)
        products = screen.products
        assert [(l.stock_code, l.quantity) for l in products.lines] == [(drill["stock_code"], 2), (saw["stock_code"], 1)]
        table = products.query_one("#draft-lines", DataTable)
        assert table.row_count == 2
        running = static_text(products.query_one("#running-total"))
        assert f"lines total {format_money(2 * drill['price'] + saw['price'], 'GBP', grouping=True)}" in running

        # change a quantity on the lines table: tab to it, down to the saw, enter, 3, enter
        await pilot.press("tab", "tab")
        assert app.focused is table
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.focused is products.query_one("#line-quantity"), "the quantity editor")
        await type_text(pilot, "3")
        await pilot.press("enter")
        assert [l.quantity for l in products.lines] == [2, 3]
        lines_total = 2 * drill["price"] + 3 * saw["price"]
        assert format_money(lines_total, "GBP", grouping=True) in visible_text(app)

        # 3. review: the customer's address; the card taken on the call, its authorisation code first
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.step == "review", "the review step")
        review = screen.review
        assert app.focused is review.query_one("#payment-reference"), "a card payment starts at its authorisation code"
        assert review.address("shipping").postcode == customer["postcode"]
        assert review.address("shipping").line1 == customer["line1"]
        await type_text(pilot, "AUTH-77")
        for _ in range(6):  # up walks the form: amount, status, method, take-payment, customer ref., shipping
            await pilot.press("up")
        assert app.focused is review.query_one("#shipping_total")
        await type_text(pilot, "4.95")
        await pilot.press("down")
        await type_text(pilot, "PO-4471")
        order_total = lines_total + 495
        assert format_money(order_total, "GBP", grouping=True) in static_text(review.query_one("#review-totals"))
        assert review.query_one("#payment-amount", Input).value == format_money(order_total), "the amount follows"

        # one ctrl+s places the order and records the payment, in one transaction
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen), "the new order's details")
        details = app.screen
        shown = visible_text(app)
        assert "Phone Order" in shown and details.number in shown
        assert "Phone order placed for" in shown and "CardOverPhone Paid" in shown
        assert [type(s) for s in app.screen_stack] == [OrdersScreen, OrderDetailScreen], "the wizard is gone"
        assert (details.detail.status, details.detail.payment_status) == ("Approved", "Paid")
        payments = static_text(details.query_one("#payments"))
        assert "CardOverPhone" in payments and "alice" in payments and "AUTH-77" in payments

    order = db.one("SELECT * FROM orders WHERE number = ?", (details.number,))
    assert (order["channel"], order["customer_id"]) == ("telephone", customer["id"])
    assert (order["shipping_total"], order["order_total"], order["customer_reference"]) == (495, order_total, "PO-4471")
    assert (order["shipping_postcode"], order["created_by"]) == (customer["postcode"], "alice")
    assert stored_lines(db, details.number) == [
        (drill["stock_code"], 2, drill["price"], 2 * drill["price"]), (saw["stock_code"], 3, saw["price"], 3 * saw["price"])]
    assert (order["status"], order["payment_status"], order["paid_total"]) == ("Approved", "Paid", order_total)
    assert [tuple(r) for r in db.rows("SELECT method, status, amount, reference, recorded_by FROM payments "
                                      "WHERE order_id = ?", (order["id"],))] == [
        ("CardOverPhone", "Paid", order_total, "AUTH-77", "alice")]
    assert [tuple(r) for r in db.rows("SELECT action, user_name FROM activity WHERE order_id = ? ORDER BY id",
                                      (order["id"],))] == [("placed", "alice"), ("payment", "alice"), ("status", "alice")]
    after = db.counts()
    assert (after["orders"], after["order_lines"], after["payments"], after["sequence"]) == (
        before["orders"] + 1, before["order_lines"] + 2, before["payments"] + 1, before["sequence"] + 1)
    assert details.number == f"BT{after['sequence']:07d}"


async def test_a_company_contact(make_app, db: Db) -> None:
    contact = db.customer("c.company_id IS NOT NULL")
    company = db.one("SELECT * FROM companies WHERE id = ?", (contact["company_id"],))
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        step = screen.customer_step
        await pilot.press("ctrl+t")
        assert "Company" in str(step.query_one("#customer-mode", Label).content)
        await search(pilot, step, company["name"][:5])
        await arrow_to(pilot, [c.id for c in step.found].index(company["id"]))
        await pilot.press("enter")
        await wait_for(pilot, lambda: step.company is not None, "the company's contacts")
        assert f"Contacts of {company['name']}" in visible_text(app)
        assert contact["id"] in [c.id for c in step.found]
        assert app.focused is step.results

        await pilot.press("escape")  # back to the companies, not out of the wizard
        await wait_for(pilot, lambda: step.company is None and step.shown_for == step.search_input.value,
                       "the company list again")
        assert isinstance(app.screen, NewOrderScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: step.company is not None, "the contacts again")
        await arrow_to(pilot, [c.id for c in step.found].index(contact["id"]))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "products", "the products step")
        assert screen.customer.id == contact["id"] and screen.customer.company_name == company["name"]
        await pilot.press("f4")
        assert screen.review.address("shipping").postcode == contact["postcode"]
        assert company["name"] in static_text(screen.review.query_one("#review-customer"))


async def test_no_match_says_how_to_find_or_add_a_customer(make_app) -> None:
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await search(pilot, screen.customer_step, "zzqx")
        hint = static_text(screen.query_one("#customer-hint"))
        assert "No customer matches “zzqx”" in hint and "ctrl+t" in hint and "ctrl+n adds them" in hint
        await pilot.press("enter")
        assert "no match" in str(screen.query_one("#customer-error", Label).content)
        assert screen.step == "customer"


async def test_no_customer_and_no_lines_are_refused_where_they_belong(make_app, db: Db) -> None:
    customer = db.customer("1")
    before = db.counts()
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await pilot.press("f3", "ctrl+s")
        assert screen.step == "customer"
        assert "Choose a customer first" in str(screen.query_one("#customer-error", Label).content)
        assert app.focused is screen.customer_step.search_input

        await pick_customer(pilot, screen, customer["email"], customer["id"])
        await pilot.press("ctrl+s")
        assert screen.step == "products"
        assert "Add at least one product" in str(screen.query_one("#product-error", Label).content)
        await pilot.press("f4", "ctrl+s")
        assert screen.step == "products", "the review cannot place an order without lines"
    assert db.counts() == before


async def test_quantities_are_whole_numbers_of_at_least_one(make_app, db: Db) -> None:
    customer, product = db.customer("1"), db.product(0)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await pick_customer(pilot, screen, customer["email"], customer["id"])
        step = screen.products
        product_error = step.query_one("#product-error", Label)

        # typed with the search: 0 is refused and nothing is added
        await search(pilot, step, f"0*{product['stock_code']}")
        await pilot.press("enter")
        assert "at least 1" in str(product_error.content) and step.lines == ()
        await pilot.press("ctrl+u")
        await search(pilot, step, product["stock_code"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(step.lines) == 1, "the product added, one unit")
        assert app.focused is step.search_input and step.search_input.value == ""

        # + and - in the empty search box change the line just added
        await pilot.press("plus", "plus", "minus")
        assert step.lines[0].quantity == 2

        # on the lines: enter opens the quantity; it takes whole numbers of at least 1, four digits at most
        await pilot.press("tab", "tab")
        assert isinstance(app.focused, DataTable)
        await pilot.press("enter")
        editor = step.query_one("#line-quantity", Input)
        await wait_for(pilot, lambda: app.focused is editor, "the quantity editor")
        error = step.query_one("#quantity-error", Label)
        await pilot.press("ctrl+u")
        await type_text(pilot, "0")
        await pilot.press("enter")
        assert "at least 1" in str(error.content) and step.editing == 0
        await pilot.press("ctrl+u", "enter")
        assert "Type a quantity" in str(error.content)
        await type_text(pilot, "10000")
        assert editor.value == "1000", "four digits at most"
        await pilot.press("ctrl+u")
        await type_text(pilot, "7")
        await pilot.press("enter")
        assert step.editing is None and [l.quantity for l in step.lines] == [7]

        # on the lines table, - stops at 1 and says how to remove the line instead
        await pilot.press("tab", "tab")
        assert isinstance(app.focused, DataTable)
        await pilot.press("plus")
        assert step.lines[0].quantity == 8
        for _ in range(7):
            await pilot.press("minus")
        assert step.lines[0].quantity == 1
        await pilot.press("minus")
        assert step.lines[0].quantity == 1
        assert "at least 1" in str(step.query_one("#product-error", Label).content)


async def test_picking_a_product_twice_adds_to_its_line_and_del_removes(make_app, db: Db) -> None:
    customer, first, second = db.customer("1"), db.product(5), db.product(6)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await pick_customer(pilot, screen, customer["email"], customer["id"])
        await add_product(pilot, screen, first["stock_code"], first["stock_code"], "2")
        await add_product(pilot, screen, second["stock_code"], second["stock_code"], None)
        await add_product(pilot, screen, first["stock_code"], first["stock_code"], None)
        step = screen.products
        assert [(l.stock_code, l.quantity) for l in step.lines] == [(first["stock_code"], 3), (second["stock_code"], 1)]
        await pilot.press("tab", "tab", "delete")
        assert [l.stock_code for l in step.lines] == [second["stock_code"]]
        assert step.query_one("#draft-lines", DataTable).row_count == 1
        assert "1 line · 1 item" in static_text(step.query_one("#running-total"))


async def test_a_product_withdrawn_before_placing_names_its_line(make_app, db: Db) -> None:
    customer, kept, withdrawn = db.customer("1"), db.product(1), db.product(2)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await pick_customer(pilot, screen, customer["email"], customer["id"])
        await add_product(pilot, screen, kept["stock_code"], kept["stock_code"], None)
        await add_product(pilot, screen, withdrawn["stock_code"], withdrawn["stock_code"], None)
        db.execute("UPDATE products SET active = 0 WHERE id = ?", (withdrawn["id"],))
        before = db.counts()

        await pilot.press("ctrl+s", "ctrl+s")
        step = screen.products
        await wait_for(pilot, lambda: screen.step == "products" and step.problem_line == 1, "the refusal on line 2")
        message = str(step.query_one("#product-error", Label).content)
        assert f"Line 2: {withdrawn['stock_code']} is no longer sold" in message and "del" in message
        assert isinstance(app.focused, DataTable) and app.focused.cursor_row == 1
        assert db.counts() == before

        await pilot.press("delete", "ctrl+s", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen), "the order placed without it")
        assert stored_lines(db, app.screen.number) == [(kept["stock_code"], 1, kept["price"], kept["price"])]


async def test_review_fields_say_what_is_wrong_next_to_them(make_app, db: Db) -> None:
    customer, product = db.customer("1"), db.product(0)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await pick_customer(pilot, screen, customer["email"], customer["id"])
        await add_product(pilot, screen, product["stock_code"], product["stock_code"], None)
        await pilot.press("ctrl+s")
        review = screen.review
        before = db.counts()

        for _ in range(9):  # from the card's authorisation code up to the post code
            await pilot.press("up")
        assert app.focused is review.query_one("#shipping_postcode")
        await pilot.press("ctrl+u")
        for _ in range(3):
            await pilot.press("down")
        await pilot.press("ctrl+u")
        await type_text(pilot, "4.9.5")
        await pilot.press("ctrl+s")

        assert field_error(screen, "shipping_postcode") == "Give a post code."
        assert "not an amount" in field_error(screen, "shipping_total")
        assert app.focused is review.query_one("#shipping_postcode"), "the first wrong field takes the cursor"
        shown = region_text(app, review)
        assert "Give a post code." in shown and "not an amount" in shown
        assert isinstance(app.screen, NewOrderScreen) and db.counts() == before

        # a separate billing address is checked too
        await type_text(pilot, "LS1 4AP")
        await pilot.press("down", "down", "space")  # country, then the same-address box: off
        assert review.query_one("#billing-fields").display
        for name in ("billing_city",):
            review.field(name).input.focus()
            await pilot.press("ctrl+u")
        review.field("shipping_total").input.focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "3.50")
        await pilot.press("ctrl+s")
        assert field_error(screen, "billing_city") == "Give a town or city."
        assert field_error(screen, "shipping_postcode") == field_error(screen, "shipping_total") == ""
        assert db.counts() == before


async def test_leaving_with_lines_asks_first(make_app, db: Db) -> None:
    customer, product = db.customer("1"), db.product(0)
    before = db.counts()
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await pick_customer(pilot, screen, customer["email"], customer["id"])
        await add_product(pilot, screen, product["stock_code"], product["stock_code"], None)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert "1 line will be lost" in visible_text(app)
        await pilot.press("escape")  # no: keep working
        await wait_for(pilot, lambda: app.screen is screen, "the wizard again")
        assert len(screen.products.lines) == 1
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, OrdersScreen), "the order list")
    assert db.counts() == before


async def test_leaving_an_empty_wizard_needs_no_question(make_app) -> None:
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, OrdersScreen), "the order list at once")
        assert [type(s) for s in app.screen_stack] == [OrdersScreen], "no question, no wizard left behind"


async def test_the_warehouse_cannot_take_orders(make_app) -> None:
    from .helpers import start_list

    app = make_app("wendy")
    async with app.run_test(size=SIZE) as pilot:
        await start_list(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, OrdersScreen)
        assert not any(isinstance(s, NewOrderScreen) for s in app.screen_stack)


async def test_wizard_help_lists_its_keys(make_app) -> None:
    from hubtui.screens.help import HelpScreen

    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        assert "New phone order" in visible_text(app)
        listed = " ".join(static_text(app.screen.query_one("#help-body Static"), width=90).split())
        for words in ("ctrl+s", "ctrl+t", "f3", "place the order and record its payment", "new_order.save"):
            assert words in listed, words


async def test_keys_typed_ahead_land_where_the_agent_meant(make_app, db: Db) -> None:
    """After each search has answered, every further key is queued at once, as a fast agent types
    without watching the screen: enter must move on before the next key is delivered."""
    from textual import events

    def queue(*keys: str) -> None:
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))

    customer = db.customer("1")
    first, second = db.product(10), db.product(11)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        queue(*customer["email"])
        await wait_for(pilot, lambda: screen.customer_step.shown_for == customer["email"], "the customer")
        queue("enter", "2", "*", *first["stock_code"])
        await wait_for(pilot, lambda: screen.products.shown_for == "2*" + first["stock_code"], "the first product")
        queue("enter", *second["stock_code"])
        await wait_for(pilot, lambda: screen.products.shown_for == second["stock_code"], "the second product")
        queue("enter", "ctrl+s", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen), "the order placed from queued keys")
        await pilot.pause()  # let the new screen finish mounting before the test closes the app
        number = app.screen.number
    assert db.scalar("SELECT customer_id FROM orders WHERE number = ?", (number,)) == customer["id"]
    assert [(code, qty) for code, qty, _, _ in stored_lines(db, number)] == [
        (first["stock_code"], 2), (second["stock_code"], 1)]


async def test_enter_before_the_answer_picks_from_the_answer(make_app, db: Db) -> None:
    """Enter pressed while the list still shows an older search waits for the answer to what is typed."""
    from textual import events

    customer, product = db.customer("1"), db.product(12)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await pick_customer(pilot, screen, customer["email"], customer["id"])
        await search(pilot, screen.products, "drill")  # an older answer on screen
        await pilot.press("ctrl+u")
        for key in (*product["stock_code"], "enter"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        step = screen.products
        await wait_for(pilot, lambda: len(step.lines) == 1, "the product picked from the new answer")
        assert [l.stock_code for l in step.lines] == [product["stock_code"]]


async def _new_customer_dialog(pilot, typed: str):
    from hubtui.screens.new_customer_dialog import NewCustomerDialog

    app = pilot.app
    screen = await open_wizard(pilot)
    if typed:
        await search(pilot, screen.customer_step, typed)
        assert screen.customer_step.found == ()
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: isinstance(app.screen, NewCustomerDialog), "the new-customer dialog")
    return screen, app.screen


async def test_a_caller_not_on_file_is_added_and_chosen(make_app, db: Db) -> None:
    before = db.scalar("SELECT COUNT(*) FROM customers")
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await _new_customer_dialog(pilot, "zed quirke")
        assert (dialog.field("first_name").value, dialog.field("last_name").value) == ("Zed", "Quirke")
        assert dialog.field("country").value == "GB"
        assert app.focused is dialog.query_one("#customer_first_name")
        await pilot.press("enter", "enter")  # the names are there: on to the e-mail
        for text in ("Zed.Quirke@Example.com", "07700 900111", "1 High Street", "", "Leeds", "ls1 4ap"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and screen.step == "products", "the products step")
        assert screen.customer.name == "Zed Quirke"
        assert screen.review.address("shipping").postcode == "LS1 4AP"
    row = db.one("SELECT * FROM customers WHERE email = 'zed.quirke@example.com'")
    assert (row["first_name"], row["last_name"], row["phone_key"], row["line1"], row["city"], row["country"]) == (
        "Zed", "Quirke", "07700900111", "1 High Street", "Leeds", "GB")
    assert db.scalar("SELECT COUNT(*) FROM customers") == before + 1
    assert db.scalar("SELECT COUNT(*) FROM activity WHERE action = 'customer' AND user_name = 'alice'") == 1


async def test_an_incomplete_new_customer_is_refused_field_by_field(make_app, db: Db) -> None:
    taken = db.customer("1")["email"]
    before = db.scalar("SELECT COUNT(*) FROM customers")
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await _new_customer_dialog(pilot, "07700 900222")
        assert dialog.field("phone").value == "07700 900222"
        await type_text(pilot, "Ann")
        await pilot.press("enter")
        await type_text(pilot, "Other")
        await pilot.press("enter")
        await type_text(pilot, "ann.example.com")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.field("email").error != "", "the e-mail refused")
        assert "is not an e-mail address" in dialog.field("email").error
        # every wrong field at once, not one per ctrl+s
        assert "Give the first line" in dialog.field("line1").error
        assert "Give a town or city" in dialog.field("city").error and "Give a post code" in dialog.field("postcode").error
        assert dialog.field("first_name").error == dialog.field("phone").error == ""
        assert "4 fields need attention" in static_text(dialog.query_one("#new-customer-error"))
        assert app.focused is dialog.query_one("#customer_email"), "the first wrong field takes the cursor"

        await pilot.press("ctrl+u")
        await type_text(pilot, "ann.other@example.com")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.field("line1").error != "", "the address refused")
        assert dialog.field("email").error == "" and "Give the first line" in dialog.field("line1").error
        assert "Give the first line" in region_text(app, dialog.query_one("#new-customer"))
        assert app.focused is dialog.query_one("#customer_line1")

        for text in ("2 Low Road", "", "Leeds", "LS2 1AA"):
            await type_text(pilot, text)
            await pilot.press("enter")
        for _ in range(6):  # back up from the country to the e-mail
            await pilot.press("shift+tab")
        assert app.focused is dialog.query_one("#customer_email")
        await type_text(pilot, taken.upper())  # the e-mail's text is selected: typing replaces it
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "already a customer" in dialog.field("email").error, "the e-mail taken")
        assert app.screen is dialog
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "the wizard, no customer chosen")
        assert screen.customer is None
    assert db.scalar("SELECT COUNT(*) FROM customers") == before


async def test_a_form_typed_ahead_fills_each_field_in_turn(make_app, db: Db) -> None:
    """The new-customer form with every key queued at once: enter and tab move on before the next key."""
    from textual import events

    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen, dialog = await _new_customer_dialog(pilot, "")
        keys = [*"Ann", "enter", *"Other", "tab", *"ann.other@example.com", "enter", *"07700 900333", "enter",
                *"5 Kiln Row", "enter", "enter", *"Hull", "enter", *"HU1 1AA", "ctrl+s"]
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_for(pilot, lambda: app.screen is screen and screen.step == "products", "the customer added")
        assert screen.customer.name == "Ann Other"
    row = db.one("SELECT * FROM customers WHERE email = 'ann.other@example.com'")
    assert (row["phone"], row["line1"], row["line2"], row["city"], row["postcode"]) == (
        "07700 900333", "5 Kiln Row", "", "Hull", "HU1 1AA")


async def test_keys_typed_while_a_screen_opens_reach_it(make_app, db: Db) -> None:
    """":" or "n" and what follows, queued at once: the new screen gets every key, the list behind it none."""
    from textual import events

    from .helpers import start_list

    customer = db.customer("1")
    number = db.scalar("SELECT number FROM orders o JOIN organisations g ON g.id = o.org_id "
                       "WHERE g.code = 'BTOOLS' ORDER BY o.id LIMIT 1 OFFSET 20")
    app = make_app("alice")

    def queue(*keys: str) -> None:
        for key in keys:
            app.post_message(events.Key(key, {"colon": ":"}.get(key, key if len(key) == 1 else None)))

    async with app.run_test(size=SIZE) as pilot:
        orders = await start_list(pilot)
        quick = orders.order_query.quick_filter
        queue("colon", *str(int(number[2:])), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen) and app.screen.number == number,
                       f"the details of {number}")
        assert orders.order_query.quick_filter == quick, "no digit reached the list's quick filters"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is orders, "the list")
        queue("n", *customer["email"], "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewOrderScreen) and app.screen.customer is not None,
                       "the customer picked from keys typed as the wizard opened")
        assert app.screen.customer.id == customer["id"]


async def test_priority_keys_are_letters_in_the_list_filter(make_app) -> None:
    from .helpers import start_list

    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        orders = await start_list(pilot)
        await pilot.press("slash")
        filter_box = orders.query_one("#filter-text", Input)
        await wait_for(pilot, lambda: app.focused is filter_box, "the filter box")
        await type_text(pilot, "n:pf")
        assert filter_box.value == "n:pf"
        assert app.screen is orders


async def test_down_then_enter_in_one_burst_picks_the_second_answer(make_app, db: Db) -> None:
    from textual import events

    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        step = screen.customer_step
        await search(pilot, step, "07")
        second = step.found[1]
        for key in ("down", "enter"):
            app.post_message(events.Key(key, None))
        await wait_for(pilot, lambda: screen.customer is not None, "a customer picked")
        assert screen.customer.id == second.id


async def test_a_whole_phone_order_typed_in_one_burst(make_app, db: Db) -> None:
    """Every key of an order queued at once, before any search has answered (a paste, a fast
    agent over a slow link): each key acts as if the one before it had finished."""
    from textual import events

    from hubtui.screens.payment_dialog import PaymentDialog

    from .helpers import start_list

    customer = db.customer("1")
    first, second = db.product(20), db.product(21)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        orders = await start_list(pilot)
        list_query = orders.order_query
        keys = ["n", *customer["email"], "enter",
                "2", "*", *first["stock_code"], "enter",
                *second["stock_code"], "enter",
                "ctrl+s", *"AUTH-9", "ctrl+s"]
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_for(pilot, lambda: isinstance(app.screen, OrderDetailScreen)
                       and app.screen.detail.payment_status == "Paid", "the order placed and paid from one burst",
                       limit=15)
        details = app.screen
        assert not any(isinstance(s, (PaymentDialog, NewOrderScreen)) for s in app.screen_stack)
        assert orders.order_query == list_query, "no key of the burst reached the list"
    order = db.one("SELECT * FROM orders WHERE number = ?", (details.number,))
    assert (order["customer_id"], order["status"], order["payment_method"]) == (customer["id"], "Approved",
                                                                                "CardOverPhone")
    assert [(code, qty) for code, qty, _, _ in stored_lines(db, details.number)] == [
        (first["stock_code"], 2), (second["stock_code"], 1)]
    assert db.scalar("SELECT reference FROM payments WHERE order_id = ?", (order["id"],)) == "AUTH-9"


@pytest.mark.parametrize("pace", ["spaced", "burst"])
async def test_a_number_alone_then_enter_is_the_quantity_of_the_line_just_added(make_app, db: Db, pace) -> None:
    """"code⏎ 3⏎" is three of it; the next stock code's digits never become a quantity."""
    from .helpers import burst

    first, second = db.product(0), db.product(1)
    app = make_app("alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot)
        await pilot.press("f3")
        step = screen.products
        keys = [*first["stock_code"], "enter", "3", "enter", *second["stock_code"], "enter", "1", "2", "enter"]
        if pace == "burst":
            burst(app, keys)
        else:
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.02)
        await wait_for(pilot, lambda: [l.quantity for l in step.lines] == [3, 12], "three and twelve")
        assert [l.stock_code for l in step.lines] == [first["stock_code"], second["stock_code"]]
        assert step.search_input.value == ""
