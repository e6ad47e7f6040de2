"""The wizard's customer search finds any part of an e-mail, phone, name or company name.

Prefix matches come first (test_catalogue.py covers them); the oracle for the rest reads the
same file with plain sqlite3 `instr`, never through hubtui.store.customer_search.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from hubtui.services import catalogue
from hubtui.services.catalogue import phone_key, search_customers
from hubtui.services.context import Context
from hubtui.services.customers import NewCustomer, create_customer
from hubtui.services.views import Address

from tests.search import customer_oracle as oracle
from tests.search.customer_oracle import CUSTOMER_ROWS

from .support import Sql

ADDRESS = Address("Someone", "1 High Street", "", "Leeds", "LS1 4AP", "GB")
VALUES = ("c.email", "c.phone_key", "c.first_name_key", "c.last_name_key", "COALESCE(co.name_key, '')")


def _containing(sql: Sql, org: str, needles: Sequence[str]) -> set[int]:
    """Customers of `org` holding every needle somewhere in their searchable values (sqlite3 instr)."""
    holds = " AND ".join("(" + " OR ".join(f"instr({v}, ?) > 0" for v in VALUES) + ")" for _ in needles)
    params = [sql.org_id(org)] + [n for n in needles for _ in VALUES]
    return {r[0] for r in sql.rows(
        "SELECT c.id FROM customers c LEFT JOIN companies co ON co.id = c.company_id "
        f"WHERE c.org_id = ? AND {holds}", params)}


def _rows(sql: Sql, org: str = "BTOOLS") -> list:  # type: ignore[type-arg]
    return sql.rows(f"SELECT {CUSTOMER_ROWS} WHERE c.org_id = ?", (sql.org_id(org),))


def expected(sql: Sql, text: str, org: str = "BTOOLS", limit: int = 500) -> list[int]:
    return oracle.expected(_rows(sql, org), text, limit, contains=lambda needles: _containing(sql, org, needles))


def _by_name(sql: Sql, ids: set[int]) -> list[int]:
    names = {r["id"]: (r["last_name_key"], r["first_name_key"], r["id"]) for r in _rows(sql)}
    return sorted(ids, key=names.__getitem__)


def _add(ctx: Context, first: str, last: str, email: str, phone: str, company: str | None = None) -> int:
    return create_customer(ctx, NewCustomer(first, last, email, phone, ADDRESS, company_account=company)).id


def _ids(ctx: Context, text: str, limit: int = 500) -> list[int]:
    return [c.id for c in search_customers(ctx, text, limit=limit)]


def test_part_of_an_email_finds_a_demo_customer(alice: Context, sql: Sql) -> None:
    (customer,) = sql.rows("SELECT * FROM customers WHERE email LIKE '%williams32@%' AND org_id = ?",
                           (sql.org_id("BTOOLS"),))
    assert not customer["email"].startswith("williams32")
    found = search_customers(alice, "williams32")
    assert [c.id for c in found] == [customer["id"]]
    assert found[0].email == customer["email"]
    assert customer["id"] in _ids(alice, "WILLIAMS3")


def test_the_last_digits_of_a_phone_typed_with_spaces(alice: Context, sql: Sql) -> None:
    customer = sql.rows("SELECT * FROM customers WHERE org_id = ? ORDER BY id", (sql.org_id("BTOOLS"),))[31]
    tail = customer["phone_key"][-6:]
    assert len(tail) == 6
    for typed in (f"{tail[:3]} {tail[3:]}", f"{tail[:3]}-{tail[3:]}", tail[-4:]):
        found = _ids(alice, typed)
        assert customer["id"] in found, typed
        assert found == expected(sql, typed), typed
        assert all(phone_key(typed) in c.phone.replace(" ", "") or typed in c.email
                   for c in search_customers(alice, typed, limit=500))


def test_part_of_a_last_name_and_of_a_company_name(alice: Context, sql: Sql) -> None:
    edwards = {r[0] for r in sql.rows("SELECT id FROM customers WHERE org_id = ? AND last_name_key = 'edwards'",
                                      (sql.org_id("BTOOLS"),))}
    assert edwards and edwards <= set(_ids(alice, "dwar"))
    company = sql.one("SELECT * FROM companies WHERE org_id = ? ORDER BY id LIMIT 1", (sql.org_id("BTOOLS"),))
    fragment = company["name_key"].split()[0][1:]  # "cme" of "acme ...": not the start of a word
    contacts = {r[0] for r in sql.rows("SELECT id FROM customers WHERE company_id = ?", (company["id"],))}
    found = search_customers(alice, fragment, limit=500)
    assert contacts and contacts <= {c.id for c in found}
    assert {c.company_name for c in found if c.id in contacts} == {company["name"]}


@pytest.mark.parametrize("text", ["williams32", "mith", "dwards 1", "ilder", "uild mith", "son", "amelia ev", "ev",
                                  "07", "example.co", "o'b", "%", "zzqx", "07 2",
                                  # what FTS5 query syntax would read as operators, quotes or columns
                                  'e"m', "and or", "near(ams", "ith*", "^wil", "email:ams", "-son"])
def test_matches_agree_with_plain_instr(text: str, alice: Context, sql: Sql, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogue, "SUBSTRING_CANDIDATES", 10**6)  # every match, as the oracle lists them
    assert _ids(alice, text) == expected(sql, text), text


def test_only_the_newest_candidates_are_read(alice: Context, sql: Sql, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogue, "SUBSTRING_CANDIDATES", 7)
    inside = _containing(sql, "BTOOLS", ["example.co"]) - oracle.starting(_rows(sql), "example.co")
    assert len(inside) > 7
    assert _ids(alice, "example.co") == _by_name(sql, set(sorted(inside)[-7:]))


def test_prefix_matches_come_before_those_containing_the_text(alice: Context, sql: Sql) -> None:
    blacksmith = _add(alice, "Ann", "Blacksmith", "ann.b@example.com", "01632 960001")
    smiths = _by_name(sql, oracle.starting(_rows(sql), "smith"))
    assert smiths
    found = _ids(alice, "smith")
    assert found[: len(smiths)] == smiths
    assert found[-1] == blacksmith  # "blacksmith" sorts before "smith" but only contains it
    assert _ids(alice, "smith", limit=len(smiths)) == smiths
    assert _ids(alice, "smith", limit=3) == smiths[:3]


def test_an_other_organisations_customer_is_never_found(context_for, sql: Sql) -> None:
    btools, bfix = sql.org_id("BTOOLS"), sql.org_id("BFIX")
    emails = {r[0] for r in sql.rows("SELECT email FROM customers WHERE org_id = ?", (btools,))}
    other = next(r for r in sql.rows("SELECT * FROM customers WHERE org_id = ? ORDER BY id", (bfix,))
                 if not any(r["email"][2:] in e for e in emails))
    fragment = other["email"][2:]
    sam_bfix, alice = context_for("sam", "BFIX"), context_for("alice")
    assert other["id"] in _ids(sam_bfix, fragment)
    assert _ids(alice, fragment) == []
    ours = {r[0] for r in sql.rows("SELECT id FROM customers WHERE org_id = ?", (btools,))}
    for text in ("mith", other["last_name_key"][1:], other["phone_key"][-5:], "ltd"):
        assert set(_ids(alice, text)) <= ours, text


def test_a_new_customer_is_found_at_once(alice: Context, sql: Sql) -> None:
    account = sql.scalar("SELECT account_number FROM companies WHERE org_id = ? ORDER BY id LIMIT 1",
                         (sql.org_id("BTOOLS"),))
    added = _add(alice, "Quentin", "Zwolle-Marsh", "q.zm@example.nl", "+44 7700 912345", company=account)
    for text in ("wolle", "marsh", "zm@exa", "912 345", "0044 7700 9123", "entin zwol"):
        assert added in _ids(alice, text), text
    company = sql.scalar("SELECT name_key FROM companies WHERE account_number = ?", (account,))
    assert added in _ids(alice, f"{company.split()[0][1:]} entin")


def test_an_edited_customer_row_is_found_by_its_new_details_only(alice: Context, sql: Sql) -> None:
    customer = sql.rows("SELECT * FROM customers WHERE org_id = ? ORDER BY id", (sql.org_id("BTOOLS"),))[12]
    old_fragment = customer["email"].split("@")[0][2:]
    assert customer["id"] in _ids(alice, old_fragment)
    sql.execute("UPDATE customers SET email = 'renamed.qqz@example.org', last_name = 'Pemberton-Quayle', "
                "last_name_key = 'pemberton-quayle', phone_key = '07999123456' WHERE id = ?", (customer["id"],))
    assert customer["id"] not in _ids(alice, old_fragment)
    for text in ("amed.qqz", "n-quay", "9123 456"):
        assert customer["id"] in _ids(alice, text), text
    sql.execute("UPDATE customers SET city = 'Elsewhere' WHERE id = ?", (customer["id"],))  # not an indexed column
    assert customer["id"] in _ids(alice, "amed.qqz")


def test_a_renamed_company_takes_its_contacts_along(alice: Context, sql: Sql) -> None:
    company = sql.one("SELECT * FROM companies WHERE org_id = ? ORDER BY id LIMIT 1 OFFSET 1", (sql.org_id("BTOOLS"),))
    contacts = {r[0] for r in sql.rows("SELECT id FROM customers WHERE company_id = ?", (company["id"],))}
    sql.execute("UPDATE companies SET name = 'Quixotic Widgets Ltd', name_key = 'quixotic widgets ltd' WHERE id = ?",
                (company["id"],))
    assert set(_ids(alice, "xotic wid")) == contacts and contacts
    assert [c.company_name for c in search_customers(alice, "xotic")][:1] == ["Quixotic Widgets Ltd"]
