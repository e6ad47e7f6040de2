"""Finding customers, companies and products for a phone order; oracles read the store with sqlite3."""

from __future__ import annotations

import pytest

from hubtui.services.catalogue import (
    company_contacts,
    get_customer,
    phone_key,
    search_companies,
    search_customers,
    search_products,
)

from .support import Sql


def _customers(sql: Sql, org: str = "BTOOLS") -> list:
    return sql.rows(
        "SELECT c.* FROM customers c JOIN organisations o ON o.id = c.org_id WHERE o.code = ? ORDER BY c.id", (org,)
    )


def test_a_whole_email_finds_exactly_that_customer(alice, sql: Sql) -> None:
    customer = _customers(sql)[17]
    found = search_customers(alice, customer["email"].upper())
    assert [c.id for c in found] == [customer["id"]]
    (choice,) = found
    assert choice.name == f"{customer['first_name']} {customer['last_name']}"
    assert (choice.address.line1, choice.address.city, choice.address.postcode, choice.address.country) == (
        customer["line1"], customer["city"], customer["postcode"], customer["country"],
    )


def _first(found, n: int) -> set[int]:
    """The ids of the first n found: the prefix matches, which come before any that only
    contain the text (test_customer_search.py checks those)."""
    return {c.id for c in found[:n]}


def test_an_email_prefix_finds_every_customer_it_starts(alice, sql: Sql) -> None:
    prefix = _customers(sql)[40]["email"][:4]
    expected = [c["id"] for c in _customers(sql) if c["email"].startswith(prefix)]
    found = search_customers(alice, prefix + "", limit=500)
    assert _first(found, len(expected)) == set(expected) and expected
    assert all(prefix in c.email or prefix in c.name.lower() or prefix in c.company_name.lower() for c in found)


@pytest.mark.parametrize("typed", ["{key}", "{spaced}", "+44 {national}", "0044{national}", "{key4}"])
def test_a_phone_number_as_callers_give_it(typed: str, alice, sql: Sql) -> None:
    customer = _customers(sql)[9]
    key = customer["phone_key"]
    assert key.startswith("0")
    text = typed.format(key=key, spaced=customer["phone"], national=key[1:], key4=key[:6])
    found = search_customers(alice, text, limit=500)
    assert customer["id"] in [c.id for c in found]
    starting = [c for c in found if phone_key(c.phone).startswith(phone_key(text))]
    assert found[: len(starting)] == tuple(starting)
    assert all(phone_key(text) in phone_key(c.phone) or text in c.email for c in found)


def test_first_and_last_name_prefixes(alice, sql: Sql) -> None:
    customer = _customers(sql)[23]
    first, last = customer["first_name_key"], customer["last_name_key"]
    expected = {c["id"] for c in _customers(sql) if c["first_name_key"].startswith(first)
                and c["last_name_key"].startswith(last[:2])}
    found = search_customers(alice, f"{first.title()} {last[:2]}", limit=500)
    assert {c.id for c in found} >= expected and customer["id"] in expected

    def starts(c) -> bool:  # type: ignore[no-untyped-def]
        f, l = c.name.lower().split(" ", 1)
        return (f.startswith(first) and l.startswith(last[:2])) or (l.startswith(first) and f.startswith(last[:2]))

    starting = [c for c in found if starts(c)]
    assert found[: len(starting)] == tuple(starting)
    assert all(first in f"{c.email} {c.name.lower()} {c.company_name.lower()}" for c in found)


def test_one_word_finds_first_names_last_names_and_emails(alice, sql: Sql) -> None:
    word = _customers(sql)[5]["last_name_key"][:3]
    expected = {c["id"] for c in _customers(sql) if c["first_name_key"].startswith(word)
                or c["last_name_key"].startswith(word) or c["email"].startswith(word)}
    found = search_customers(alice, word, limit=500)
    assert _first(found, len(expected)) == expected


def test_results_are_limited_and_sorted_by_name(alice, sql: Sql) -> None:
    found = search_customers(alice, "07", limit=7)
    assert len(found) == 7
    keys = [(c.name.split(" ", 1)[1].lower(), c.name.split(" ", 1)[0].lower(), c.id) for c in found]
    assert keys == sorted(keys)


def test_search_stays_in_the_operators_organisation(alice, sql: Sql) -> None:
    other = _customers(sql, "BFIX")[0]
    assert search_customers(alice, other["email"]) == ()
    assert get_customer(alice, other["id"]) is None
    assert search_customers(alice, "   ") == ()


def test_a_company_and_its_contacts(alice, sql: Sql) -> None:
    company = sql.one("SELECT * FROM companies WHERE org_id = ? ORDER BY id LIMIT 1 OFFSET 2", (sql.org_id("BTOOLS"),))
    word = company["name"].split()[0][1:].lower()  # part of a word, not its start
    found = search_companies(alice, word)
    match = next(c for c in found if c.id == company["id"])
    contacts = sql.rows("SELECT id FROM customers WHERE company_id = ? ORDER BY id", (company["id"],))
    assert match.contacts == len(contacts) > 0
    assert all(word in c.name.lower() or c.account_number.startswith(word.upper()) for c in found)
    people = company_contacts(alice, company["id"])
    assert sorted(p.id for p in people) == [r["id"] for r in contacts]
    assert {p.company_name for p in people} == {company["name"]}
    assert [c.id for c in search_companies(alice, company["account_number"].lower())] == [company["id"]]


def test_products_by_stock_code_then_by_name_only_on_sale(alice, sql: Sql) -> None:
    org = sql.org_id("BTOOLS")
    inactive = sql.one("SELECT * FROM products WHERE org_id = ? AND active = 0 ORDER BY id LIMIT 1", (org,))
    assert search_products(alice, inactive["stock_code"]) == ()
    product = sql.one("SELECT * FROM products WHERE org_id = ? AND active = 1 ORDER BY id LIMIT 1 OFFSET 30", (org,))
    (exact,) = search_products(alice, product["stock_code"].lower())
    assert (exact.stock_code, exact.name, exact.price, exact.currency) == (
        product["stock_code"], product["name"], product["price"], "GBP",
    )
    brand, *_rest, model = product["name"].split()
    words = f"{brand.lower()} {model[1:]}"
    found = search_products(alice, words, limit=500)
    expected = {r["id"] for r in sql.rows("SELECT id, name, stock_code FROM products WHERE org_id = ? AND active = 1", (org,))
                if all(w in r["name"].lower() or w in r["stock_code"].lower() for w in words.split())}
    assert {p.id for p in found} == expected and product["id"] in expected
    number = product["stock_code"].rsplit("-", 1)[1]
    assert product["id"] in {p.id for p in search_products(alice, number)}


def test_like_wildcards_are_plain_characters(alice) -> None:
    assert search_products(alice, "%") == ()
    assert search_products(alice, "_") == ()
    assert search_companies(alice, "%") == ()
