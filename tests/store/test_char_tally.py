"""The character tallies follow every write to orders, whoever makes it: hand-written SQL that
changes what an order holds (its e-mail, name, post code, number), its group (status, risk,
microsite, organisation) or its day, inserts and deletes, each checked against a recount of
every column (the database check) and against the orders holding a character."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from hubtui.services.db_check import check_database
from hubtui.store import char_tally
from hubtui.store.engine import Store


def _held(con: sqlite3.Connection, char: str, day: str) -> tuple[int, int, int, int]:
    """(orders holding `char` by the tally, by a test of every order; the same on `day`)."""
    column = char_tally.column_of(char)
    test = char_tally.holds_sql(char, "orders", "sqlite")
    return (con.execute(f"SELECT SUM({column}) FROM order_char_tallies").fetchone()[0],
            con.execute(f"SELECT SUM({test}) FROM orders").fetchone()[0],
            con.execute(f"SELECT SUM({column}) FROM order_char_day_tallies WHERE day = ?", (day,)).fetchone()[0],
            con.execute(f"SELECT SUM({test}) FROM orders WHERE substr(placed_at, 1, 10) = ?", (day,)).fetchone()[0])


def test_hand_written_writes_keep_every_column_right(demo_db: Path) -> None:
    with closing(sqlite3.connect(demo_db)) as con:
        first, second, third, fourth = (row[0] for row in con.execute(
            "SELECT id FROM orders WHERE org_id = 1 AND instr(customer_email, 'q') = 0 ORDER BY id LIMIT 4"))
        day = con.execute("SELECT substr(placed_at, 1, 10) FROM orders WHERE id = ?", (first,)).fetchone()[0]
        before = _held(con, "q", day)
        con.execute("UPDATE orders SET customer_email = 'quentin.q@example.com' WHERE id = ?", (first,))
        con.execute("UPDATE orders SET customer_name_key = 'zara quill', status = 'OnHold', fraud_score = 90 "
                    "WHERE id = ?", (second,))
        con.execute("UPDATE orders SET shipping_postcode_key = 'QQ11QQ', placed_at = '2026-01-02 10:00:00.000000' "
                    "WHERE id = ?", (third,))
        con.execute("UPDATE orders SET number = 'BT0000000', org_id = 2, "
                    "microsite_id = (SELECT MIN(id) FROM microsites WHERE org_id = 2) WHERE id = ?", (fourth,))
        columns = [row[1] for row in con.execute("PRAGMA table_info(orders)") if row[1] not in ("id", "number")]
        for number in ("BT0000001", "BT0000002"):  # two copies of the first order, under free numbers
            con.execute(f"INSERT INTO orders (number, {', '.join(columns)}) SELECT ? || 'Q', {', '.join(columns)} "
                        "FROM orders WHERE id = ?", (number, first))
        con.execute("DELETE FROM orders WHERE number = 'BT0000002Q'")
        con.commit()
        after = _held(con, "q", day)
        assert after[0] == after[1] and after[2] == after[3]
        assert after[0] >= before[0] + 3, (before, after)  # the e-mail, the name and the copy hold it
    store = Store(f"sqlite:///{demo_db}")
    try:
        assert check_database(store) == []
    finally:
        store.dispose()


def test_one_character_of_either_case_has_a_column_and_longer_texts_none() -> None:
    assert [char_tally.char_of(text) for text in ("w", " W ", "7", "ww", "", None, "é", "@", "bt")] == [
        "w", "w", "7", None, None, None, None, None, None]


NUMBERS = ("BT0000001", "BT0120000", "BT1000000", "BT9999999", "BT0000000", "BT0999999", "BT0500005",
           # only hand-written SQL could store these: the tallies must still agree with the text test
           "BT12", "BT", "BT1", "BT09", "BT00000010", "BT0000001X", "bt0000001", "BT 000001", "XBT0000001",
           "BT10000000", "BT0000000000", "BT00009999999", "", "BT0", "BT9")


def test_the_tallies_test_a_number_as_the_text_test_does_whatever_it_holds() -> None:
    """The tallies count a number as the text test reads it (each range of text_search.number_ranges),
    on numbers well formed or not: a shorter test (the first digit after the zeros) miscounts "BT1"."""
    with closing(sqlite3.connect(":memory:")) as con:
        con.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, org_id INT, microsite_id INT, status TEXT, "
                    "payment_status TEXT, order_type TEXT, fraud_score INT, placed_at TEXT, customer_email TEXT, "
                    "customer_name_key TEXT, shipping_postcode_key TEXT, number TEXT)")
        con.executemany("INSERT INTO orders VALUES (?, ?, 1, 'New', 'Pending', 'Standard', 0, "
                        "'2026-11-28 10:00:00.000000', '', '', '', ?)",
                        [(i, i, number) for i, number in enumerate(NUMBERS, start=1)])
        counted = {row[0]: row[7:] for row in con.execute(char_tally.ALL_TIME.counts_sql("sqlite"))}
        for org, number in enumerate(NUMBERS, start=1):
            held = tuple(con.execute(
                "SELECT " + ", ".join(char_tally.holds_sql(c, "orders", "sqlite") for c in char_tally.CHARS)
                + " FROM orders WHERE id = ?", (org,)).fetchone())
            assert counted[org] == held, number
        assert any(counted[org][:10] != (0,) * 10 for org in counted), "numbers worth testing"
