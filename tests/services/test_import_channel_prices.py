"""The channel-prices import (SPEC 7, issue 14) into the demo database: each row a new
observation (history kept), the board of verdicts refreshed in the same transaction, an activity
entry per product; a `website` row is history only. A corpus of bad files: each is refused with
the row, column and value at fault and leaves the store exactly as it was. Read back with SQL."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from hubtui.domain.errors import PermissionDenied
from hubtui.domain.import_columns import CHANNEL_PRICE_COLUMNS
from hubtui.services.csv_reader import CsvFileError, CsvHeaderError
from hubtui.services.imports import import_file, write_errors

from .support import FIXED_NOW, Catalog, Sql

HEADER = ",".join(CHANNEL_PRICE_COLUMNS)


@pytest.fixture
def sam(context_for):
    return context_for("sam")  # a supervisor: may import


@pytest.fixture
def codes(catalog: Catalog) -> tuple[str, str]:
    return catalog.products[0][0], catalog.products[1][0]


def _csv(path: Path, *lines: str, header: str = HEADER + ",observed_at", encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode(encoding))
    return path


def _state(sql: Sql) -> tuple:
    """What a refused import must leave exactly as it was."""
    return (tuple(tuple(r) for r in sql.rows("SELECT * FROM channel_prices ORDER BY id")),
            tuple(tuple(r) for r in sql.rows("SELECT id, price FROM products ORDER BY id")),
            sql.scalar("SELECT COUNT(*) FROM activity"), sql.scalar("SELECT COUNT(*) FROM imports"))


def _observations(sql: Sql, code: str, channel: str) -> list[tuple[int, str]]:
    return [(r[0], r[1][:16]) for r in sql.rows(
        "SELECT c.price, c.observed_at FROM channel_prices c JOIN products p ON p.id = c.product_id "
        "WHERE p.stock_code = ? AND c.channel = ? ORDER BY c.observed_at, c.id", (code, channel))]


def test_each_row_is_a_new_observation_and_the_history_stays(sam, sql: Sql, codes, tmp_path: Path) -> None:
    one, two = codes
    before_amazon = _observations(sql, one, "amazon")
    price_before = sql.scalar("SELECT price FROM products WHERE stock_code = ?", (one,))
    path = _csv(tmp_path / "prices.csv", f"{one},amazon,12.34,2026-11-27 09:00", f"{one.lower()},Ebay,13.00,",
                f'{two},myntra,"1,234.50",', f"{one},website,99.99,2026-11-26")
    report = import_file(sam, "channel-prices", path)
    assert (report.rows, report.created, report.problems, report.written) == (4, 4, (), True)
    assert _observations(sql, one, "amazon") == sorted(before_amazon + [(1234, "2026-11-27 09:00")],
                                                       key=lambda o: o[1]), "kept beside the older ones"
    assert (1300, FIXED_NOW.strftime("%Y-%m-%d %H:%M")) in _observations(sql, one, "ebay"), "blank: the import's moment"
    assert (123450, FIXED_NOW.strftime("%Y-%m-%d %H:%M")) in _observations(sql, two, "myntra")
    assert (9999, "2026-11-26 00:00") in _observations(sql, one, "website")
    assert sql.scalar("SELECT price FROM products WHERE stock_code = ?", (one,)) == price_before, \
        "a website row is history: the own price changes only by applying a suggestion"
    entries = sql.rows("SELECT summary, after, order_id, user_name FROM activity WHERE action = 'channel prices' "
                       "ORDER BY id")
    assert [e["summary"] for e in entries] == [
        f"Channel prices for {one} from prices.csv: amazon 12.34, ebay 13.00, website 99.99",
        f"Channel prices for {two} from prices.csv: myntra 1234.50"]
    assert {(e["order_id"], e["user_name"]) for e in entries} == {(None, "sam")}
    assert '"rows": [2, 3, 5]' in entries[0]["after"]


def test_the_board_shows_the_new_prices_at_once(sam, sql: Sql, codes, tmp_path: Path) -> None:
    one, _ = codes
    before = sql.one("SELECT * FROM price_board WHERE stock_code = ?", (one,))
    assert before["flipkart_price"] != 111
    import_file(sam, "channel-prices", _csv(tmp_path / "p.csv", f"{one},flipkart,1.11,",
                                            f"{one},amazon,0.50,2026-01-01"))
    after = sql.one("SELECT * FROM price_board WHERE stock_code = ?", (one,))
    assert (after["flipkart_price"], after["lowest"], after["spread"]) == (111, 111, after["own_price"] - 111)
    assert after["amazon_price"] == before["amazon_price"], "an older observation is history, not the latest"


def test_the_same_file_twice_and_the_same_observations_again_change_nothing(sam, sql: Sql, codes,
                                                                           tmp_path: Path) -> None:
    one, two = codes
    lines = (f"{one},amazon,10.00,2026-11-20 10:00", f"{two},app,20.00,2026-11-20T10:00:00Z")
    assert import_file(sam, "channel-prices", _csv(tmp_path / "a.csv", *lines)).created == 2
    state = _state(sql)
    again = import_file(sam, "channel-prices", tmp_path / "a.csv")
    assert "was imported as channel-prices on" in again.already and _state(sql) == state
    other = import_file(sam, "channel-prices", _csv(tmp_path / "b.csv", *lines, f"{two},app,20.00,20/11/2026 10:00"))
    assert [(p.row, p.column) for p in other.problems] == [(4, "channel")], "the file names one moment twice"
    same = import_file(sam, "channel-prices", _csv(tmp_path / "c.csv", *reversed(lines)))
    assert (same.created, same.unchanged, same.written) == (0, 2, True)
    assert _state(sql)[:3] == state[:3]


def test_a_dry_run_and_skip_row(sam, sql: Sql, codes, tmp_path: Path) -> None:
    one, two = codes
    path = _csv(tmp_path / "mixed.csv", f"{one},amazon,10.00,", f"{two},etsy,10.00,", f"{two},ebay,11.00,")
    state = _state(sql)
    dry = import_file(sam, "channel-prices", path, dry_run=True)
    assert (dry.created, dry.dry_run, dry.written) == (2, True, False) and _state(sql) == state
    assert [(p.row, p.column, p.value) for p in dry.problems] == [(3, "channel", "etsy")]
    done = import_file(sam, "channel-prices", path, skip_bad_rows=True)
    assert (done.created, done.written) == (2, True)
    assert sql.scalar("SELECT COUNT(*) FROM channel_prices") == len(state[0]) + 2


# ---------------------------------------------------------------------------- the bad-file corpus

BAD_ROWS = [
    ("{one},etsy,10.00,", [(2, "channel", "etsy")], "is not a price-match channel"),
    ("NOPE-0001,amazon,10.00,", [(2, "stock_code", "NOPE-0001")], "is not a stock code of BTOOLS"),
    ("BF-DRI-1000,amazon,10.00,", [(2, "stock_code", "BF-DRI-1000")], "is not a stock code of BTOOLS"),
    ("{one},amazon,-1.00,", [(2, "price", "-1.00")], "is negative"),
    ("{one},amazon,ten,", [(2, "price", "ten")], "is not an amount"),
    ("{one},amazon,0.00,", [(2, "price", "0.00")], "is 0"),
    ("{one},amazon,,", [(2, "price", "")], "is empty"),
    ("{one},amazon,1.999,", [(2, "price", "1.999")], "more than two decimal places"),
    ("{one},amazon,10.00,2026-11-29", [(2, "observed_at", "2026-11-29 00:00")], "is in the future"),
    ("{one},amazon,10.00,someday", [(2, "observed_at", "someday")], "is not a date"),
    ("{one},amazon,10.00,1999-12-31", [(2, "observed_at", "1999-12-31 00:00")], "before 2000"),
    ("{one},amazon,1000000.01,", [(2, "price", "1000000.01")], "is more than a price can be (1,000,000.00)"),
    ("{one},amazon,10.00,2026-11-27,extra", [(2, "", "")], "the row has 5 values where the header has 4 columns"),
    (",AMAZON,,", [(2, "stock_code", ""), (2, "price", "")], "is empty"),
]


@pytest.mark.parametrize(("line", "expected", "words"), BAD_ROWS)
def test_a_bad_row_names_row_column_and_value_and_nothing_is_written(line: str, expected: list, words: str, sam,
                                                                    sql: Sql, codes, tmp_path: Path) -> None:
    one, two = codes
    path = _csv(tmp_path / "bad.csv", f"{two},amazon,10.00,", line.format(one=one))
    state = _state(sql)
    report = import_file(sam, "channel-prices", path)
    assert not report.written and _state(sql) == state
    assert [(p.row, p.column, p.value) for p in report.problems] == [(r + 1, c, v) for r, c, v in expected], \
        "the bad line is the file's third"
    assert words in report.problems[0].reason
    out = tmp_path / "errors.csv"
    assert write_errors(report, out, path) == len(expected)
    assert out.read_text().splitlines()[0].startswith("row,column,value,reason,stock_code,channel,price")


def test_a_moment_the_store_has_at_another_price_is_refused(sam, sql: Sql, codes, tmp_path: Path) -> None:
    one, _ = codes
    import_file(sam, "channel-prices", _csv(tmp_path / "a.csv", f"{one},ebay,10.00,2026-11-01 08:00"))
    state = _state(sql)
    report = import_file(sam, "channel-prices", _csv(tmp_path / "b.csv", f"{one},ebay,10.50,2026-11-01 08:00"))
    assert [(p.row, p.column, p.value) for p in report.problems] == [(2, "price", "10.50")]
    assert "is recorded already at 10.00" in report.problems[0].reason and _state(sql) == state


@pytest.mark.parametrize(("content", "error", "words"), [
    ("stock_code,channel\nX,amazon\n", CsvHeaderError, "price"),
    ("stock_code,channel,price,colour\nX,amazon,1.00,red\n", CsvHeaderError, "colour"),
    ("", CsvFileError, "empty"),
    ("sku;channel;price\n", CsvHeaderError, "stock_code"),
])
def test_a_file_with_the_wrong_columns_is_refused_whole(content: str, error: type, words: str, sam, sql: Sql,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text(content)
    state = _state(sql)
    with pytest.raises(error) as refused:
        import_file(sam, "channel-prices", path)
    assert words in str(refused.value) and _state(sql) == state


def test_windows_1252_semicolons_decimal_commas_and_no_observed_at_column(sam, sql: Sql, codes,
                                                                         tmp_path: Path) -> None:
    one, _ = codes
    path = _csv(tmp_path / "excel.csv", f"{one};Amazon;1.204,95", header="Stock Code;Channel;Price",
                encoding="cp1252")
    assert import_file(sam, "channel-prices", path).created == 1
    assert (120495, FIXED_NOW.strftime("%Y-%m-%d %H:%M")) in _observations(sql, one, "amazon")


def test_an_xlsx_workbook(sam, sql: Sql, codes, tmp_path: Path) -> None:
    from openpyxl import Workbook

    one, _ = codes
    book = Workbook()
    sheet = book.active
    sheet.append([*CHANNEL_PRICE_COLUMNS, "observed_at"])
    sheet.append([one, "app", 12.5, datetime(2026, 11, 25, 8, 30)])
    book.save(tmp_path / "prices.xlsx")
    assert import_file(sam, "channel-prices", tmp_path / "prices.xlsx").created == 1
    assert (1250, "2026-11-25 08:30") in _observations(sql, one, "app")


def test_an_agent_may_not_import_prices(context_for, sql: Sql, codes, tmp_path: Path) -> None:
    state = _state(sql)
    with pytest.raises(PermissionDenied):
        import_file(context_for("alice"), "channel-prices", _csv(tmp_path / "p.csv", f"{codes[0]},amazon,1.00,"))
    assert _state(sql)[:2] == state[:2]


def test_a_moment_in_another_zone_is_kept_in_utc(sam, sql: Sql, codes, tmp_path: Path) -> None:
    one, _ = codes
    import_file(sam, "channel-prices", _csv(tmp_path / "z.csv", f"{one},myntra,5.00,2026-11-20T10:00:00+05:30"))
    assert (500, datetime(2026, 11, 20, 4, 30, tzinfo=timezone.utc).strftime("%Y-%m-%d %H:%M")) in \
        _observations(sql, one, "myntra")
