"""place_order: a new telephone order, priced from the catalogue, numbered and audited."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.services.errors import InvalidInput
from hubtui.services.order_reads import get_order
from hubtui.services.order_writes import NewLine, NewOrder, place_order
from hubtui.services.views import Address

from .support import Catalog, Sql


def test_places_an_incomplete_pending_telephone_order(alice, catalog: Catalog, sql: Sql) -> None:
    (code_a, price_a), (code_b, price_b) = catalog.products[:2]
    highest_before = sql.scalar("SELECT MAX(number) FROM orders")
    sequence_before = sql.scalar("SELECT value FROM sequences WHERE name = 'order_number'")
    customer = sql.one("SELECT * FROM customers WHERE id = ?", (catalog.customers[3],))

    detail = place_order(
        alice,
        NewOrder(
            customer_id=customer["id"],
            lines=(NewLine(code_a, 3), NewLine(code_b, 1, discount=100)),
            shipping_total=495,
            customer_reference="PO-1",
            tags="phone",
        ),
    )

    expected_lines_total = 3 * price_a + price_b - 100
    assert detail.number == f"BT{int(highest_before[2:]) + 1:07d}"
    assert detail.status == "Incomplete"
    assert detail.payment_status == "Pending"
    assert detail.channel == "telephone"
    assert detail.channel_label == "Phone Order"
    assert detail.order_type == "Standard"
    assert detail.microsite == "bt-uk"
    assert detail.currency == "GBP"
    assert detail.lines_total == expected_lines_total
    assert detail.shipping_total == 495
    assert detail.order_total == expected_lines_total + 495
    assert detail.balance_due == detail.order_total
    assert detail.paid_total == 0
    assert detail.version == 1
    assert detail.created_by == "alice" and detail.updated_by == "alice"
    assert detail.placed_at == alice.now()
    assert detail.customer_email == customer["email"]
    assert detail.shipping.postcode == customer["postcode"]
    assert detail.billing == detail.shipping
    assert [(l.line_no, l.stock_code, l.quantity, l.unit_price, l.discount, l.line_total) for l in detail.lines] == [
        (1, code_a, 3, price_a, 0, 3 * price_a),
        (2, code_b, 1, price_b, 100, price_b - 100),
    ]

    (entry,) = detail.activity
    assert entry.action == "placed"
    assert entry.user_name == "alice"
    assert entry.at == alice.now()
    assert entry.before is None
    assert entry.after["status"] == "Incomplete"
    assert entry.after["payment_status"] == "Pending"
    assert entry.after["order_total"] == detail.order_total
    assert entry.after["lines"] == [[code_a, 3, price_a], [code_b, 1, price_b]]

    # What the store holds, read without the services.
    row = sql.order(detail.number)
    assert (row["status"], row["payment_status"], row["channel"]) == ("Incomplete", "Pending", "telephone")
    assert row["order_total"] == expected_lines_total + 495
    assert row["customer_name_key"] == f"{customer['first_name']} {customer['last_name']}".lower()
    assert row["shipping_postcode_key"] == customer["postcode"].replace(" ", "").upper()
    assert row["created_by"] == "alice"
    assert sql.scalar("SELECT SUM(line_total) FROM order_lines WHERE order_id = ?", (row["id"],)) == expected_lines_total
    assert sql.scalar("SELECT value FROM sequences WHERE name = 'order_number'") == sequence_before + 1
    assert [(a["action"], a["user_name"]) for a in sql.activity(detail.number)] == [("placed", "alice")]
    # And reading it back gives the same order.
    assert get_order(alice, detail.number) == detail


def test_numbers_keep_going_up_and_are_never_reused(alice, catalog: Catalog, sql: Sql) -> None:
    first = place_order(alice, NewOrder(catalog.customers[0], (NewLine(catalog.products[0][0], 1),)))
    with pytest.raises(InvalidInput):
        place_order(alice, NewOrder(catalog.customers[0], ()))
    second = place_order(alice, NewOrder(catalog.customers[1], (NewLine(catalog.products[1][0], 1),)))
    assert int(second.number[2:]) == int(first.number[2:]) + 1
    assert sql.scalar("SELECT COUNT(DISTINCT number) FROM orders") == sql.scalar("SELECT COUNT(*) FROM orders")


def test_other_microsite_takes_its_currency_and_explicit_addresses(alice, catalog: Catalog, sql: Sql) -> None:
    ship = Address("Ms Müller", "1 Quay St", "", "Cork", "t12 rx7d", "IE")
    bill = Address("Accounts", "2 Bill Rd", "", "Dublin", "D02 X285", "IE")
    detail = place_order(
        alice,
        NewOrder(catalog.customers[0], (NewLine(catalog.products[0][0], 2, unit_price=1000),),
                 microsite="bt-ie", shipping=ship, billing=bill),
    )
    assert (detail.microsite, detail.currency) == ("bt-ie", "EUR")
    assert detail.order_total == 2000  # the explicit unit price wins over the catalogue's
    assert (detail.shipping, detail.billing) == (ship, bill)
    row = sql.order(detail.number)
    assert row["shipping_postcode_key"] == "T12RX7D"
    assert row["billing_city"] == "Dublin"


def _valid(catalog: Catalog) -> NewOrder:
    return NewOrder(customer_id=catalog.customers[0], lines=(NewLine(catalog.products[0][0], 1),))


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("no lines", "lines"),
        ("quantity zero", "quantity"),
        ("quantity negative", "quantity"),
        ("unknown stock code", "stock_code"),
        ("stock code of the other organisation", "stock_code"),
        ("inactive product", "stock_code"),
        ("customer of the other organisation", "customer"),
        ("unknown customer", "customer"),
        ("unknown microsite", "microsite"),
        ("microsite of the other organisation", "microsite"),
        ("unconfigured channel", "channel"),
        ("unknown channel", "channel"),
        ("negative shipping", "shipping_total"),
        ("negative unit price", "unit_price"),
        ("discount above the line", "discount"),
    ],
)
def test_refusals_name_the_field_and_change_nothing(
    case: str, field: str, alice, catalog: Catalog, bfix_catalog: Catalog, sql: Sql
) -> None:
    good = _valid(catalog)
    code, price = catalog.products[0]
    draft = {
        "no lines": replace(good, lines=()),
        "quantity zero": replace(good, lines=(NewLine(code, 0),)),
        "quantity negative": replace(good, lines=(NewLine(code, 1), NewLine(code, -2))),
        "unknown stock code": replace(good, lines=(NewLine("NO-SUCH-CODE", 1),)),
        "stock code of the other organisation": replace(good, lines=(NewLine(bfix_catalog.products[0][0], 1),)),
        "inactive product": replace(good, lines=(NewLine(catalog.inactive[0], 1),)),
        "customer of the other organisation": replace(good, customer_id=bfix_catalog.customers[0]),
        "unknown customer": replace(good, customer_id=999_999),
        "unknown microsite": replace(good, microsite="bt-xx"),
        "microsite of the other organisation": replace(good, microsite="bf-uk"),
        "unconfigured channel": good,
        "unknown channel": replace(good, channel="fax"),
        "negative shipping": replace(good, shipping_total=-1),
        "negative unit price": replace(good, lines=(NewLine(code, 1, unit_price=-5),)),
        "discount above the line": replace(good, lines=(NewLine(code, 2, discount=2 * price + 1),)),
    }[case]
    if case == "unconfigured channel":
        assert sql.execute(
            "UPDATE org_channels SET enabled = 0 WHERE org_id = ? AND code = 'telephone'", (catalog.org_id,)
        ) == 1
    before = sql.snapshot()

    with pytest.raises(InvalidInput) as refused:
        place_order(alice, draft)

    assert refused.value.field == field
    assert str(refused.value) and "\n" not in str(refused.value)
    assert sql.snapshot() == before


def test_the_demo_has_inactive_products_to_refuse(catalog: Catalog, sql: Sql) -> None:
    # Guards the test above: it needs an inactive product to exist.
    assert catalog.inactive
    assert sql.scalar("SELECT active FROM products WHERE stock_code = ?", (catalog.inactive[0],)) == 0


def test_a_channel_enabled_again_can_be_used(alice, catalog: Catalog, sql: Sql) -> None:
    sql.execute("UPDATE org_channels SET enabled = 0 WHERE org_id = ? AND code = 'email'", (catalog.org_id,))
    with pytest.raises(InvalidInput):
        place_order(alice, replace(_valid(catalog), channel="email"))
    sql.execute("UPDATE org_channels SET enabled = 1 WHERE org_id = ? AND code = 'email'", (catalog.org_id,))
    detail = place_order(alice, replace(_valid(catalog), channel="email"))
    assert detail.channel == "email"
    assert sql.order(detail.number)["channel"] == "email"


def test_warehouse_may_not_place_orders(context_for, catalog: Catalog, sql: Sql) -> None:
    before = sql.snapshot()
    with pytest.raises(PermissionDenied):
        place_order(context_for("wendy"), _valid(catalog))
    assert sql.snapshot() == before


def test_orders_are_placed_in_the_operators_organisation(context_for, bfix_catalog: Catalog, sql: Sql) -> None:
    detail = place_order(context_for("sam", "BFIX"), _valid(bfix_catalog))
    assert detail.org_code == "BFIX"
    assert detail.microsite == "bf-uk"
    assert sql.order(detail.number)["org_id"] == bfix_catalog.org_id


def test_unknown_order_type_is_invalid_input(alice, catalog: Catalog, sql: Sql) -> None:
    before = sql.snapshot()
    try:
        with pytest.raises(InvalidInput) as refused:
            place_order(alice, replace(_valid(catalog), order_type="Gift"))
        assert refused.value.field == "order_type"
    finally:
        assert sql.snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"), [("tags", "t" * 401), ("customer_reference", "r" * 65)], ids=["tags", "customer_reference"]
)
def test_place_order_refuses_text_longer_than_its_column(field: str, value: str, alice, catalog: Catalog, sql: Sql) -> None:
    before = sql.snapshot()
    try:
        with pytest.raises(InvalidInput) as refused:
            place_order(alice, replace(_valid(catalog), **{field: value}))
        assert refused.value.field == field
    finally:
        assert sql.snapshot() == before


def test_a_quantity_above_the_limit_names_its_line(alice, catalog: Catalog, sql: Sql) -> None:
    (code_a, _), (code_b, _) = catalog.products[:2]
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        place_order(alice, NewOrder(customer_id=catalog.customers[0], lines=(NewLine(code_a, 1), NewLine(code_b, 10_000))))
    assert (refused.value.field, refused.value.line) == ("quantity", 2)
    assert "Line 2" in str(refused.value) and "9,999" in str(refused.value)
    assert sql.snapshot() == before


@pytest.mark.parametrize(("part", "value", "field"), [
    ("postcode", "", "shipping_postcode"), ("line1", " ", "shipping_line1"), ("country", "G1", "shipping_country"),
])
def test_an_incomplete_delivery_address_is_refused(part, value, field, alice, catalog: Catalog, sql: Sql) -> None:
    (code, _), = catalog.products[:1]
    address = replace(Address("A Person", "1 High St", "", "Leeds", "LS1 1AA", "GB"), **{part: value})
    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        place_order(alice, NewOrder(customer_id=catalog.customers[0], lines=(NewLine(code, 1),), shipping=address))
    assert refused.value.field == field
    assert "shipping address is incomplete" in str(refused.value)
    assert sql.snapshot() == before


# ---------------------------------------------------------------------- placed and paid on one call

def test_a_payment_taken_on_the_call_is_recorded_with_the_order(alice, catalog: Catalog, sql: Sql) -> None:
    from hubtui.services.order_payments import PaymentDraft

    good = _valid(catalog)
    detail = place_order(alice, good, PaymentDraft(method="CardOverPhone", status="Paid", reference="AUTH-1"))

    assert (detail.status, detail.payment_status, detail.paid_total) == ("Approved", "Paid", detail.order_total)
    assert detail.version == 2, "placed, then paid"
    payments = sql.rows("SELECT p.method, p.status, p.amount, p.reference, p.recorded_by FROM payments p "
                        "JOIN orders o ON o.id = p.order_id WHERE o.number = ?", (detail.number,))
    assert [tuple(p) for p in payments] == [("CardOverPhone", "Paid", detail.order_total, "AUTH-1", "alice")]
    actions = sql.rows("SELECT a.action FROM activity a JOIN orders o ON o.id = a.order_id WHERE o.number = ? "
                       "ORDER BY a.id", (detail.number,))
    assert [a["action"] for a in actions] == ["placed", "payment", "status"]


@pytest.mark.parametrize("payment, field", [
    ({"method": "CardOverPhone", "status": "Paid", "amount": 10**9}, "amount"),
    ({"method": "Card", "status": "Paid"}, "method"),
    ({"method": "Cash", "status": "Refunded"}, "status"),
])
def test_a_refused_payment_leaves_no_order_either(payment, field, alice, catalog: Catalog, sql: Sql) -> None:
    from hubtui.services.order_payments import PaymentDraft

    before = sql.snapshot()
    with pytest.raises(InvalidInput) as refused:
        place_order(alice, _valid(catalog), PaymentDraft(**payment))
    assert refused.value.field == field
    assert sql.snapshot() == before, "one transaction: no order without its payment"


def test_the_warehouse_can_neither_place_nor_pay(context_for, catalog: Catalog, sql: Sql) -> None:
    from hubtui.services.order_payments import PaymentDraft

    before = sql.snapshot()
    with pytest.raises(PermissionDenied):
        place_order(context_for("wendy"), _valid(catalog), PaymentDraft(method="Cash", status="Paid"))
    assert sql.snapshot() == before
