"""`hubtui template channel-prices` and `hubtui import channel-prices` (SPEC 6, 7; issue 14):
the header, the summary, a line per rejected row, `--errors`, `--dry-run`, `--on-error
skip-row`, `--json`, exit codes; what is in the store afterwards read with SQL."""

from __future__ import annotations

from pathlib import Path

from hubtui.domain.import_columns import CHANNEL_PRICE_COLUMNS

from .helpers import assert_usage_error, db_url, invoke, scalar

PRICES = "SELECT COUNT(*) FROM channel_prices"


def _import(env, db: Path, *args: str, user: str = "sam"):
    return invoke(["import", "channel-prices", *args, "--db", db_url(db), "--user", user], env)


def _file(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([",".join(CHANNEL_PRICE_COLUMNS) + ",observed_at", *lines]) + "\n")
    return path


def _code(db: Path) -> str:
    return scalar(db, "SELECT p.stock_code FROM products p JOIN organisations o ON o.id = p.org_id "
                      "WHERE o.code = 'BTOOLS' AND p.active ORDER BY p.id LIMIT 1")


def test_template_prints_the_header(env) -> None:
    ran = invoke(["template", "channel-prices"], env)
    assert (ran.code, ran.out_lines) == (0, ["stock_code,channel,price"]), ran.explain()


def test_export_does_not_offer_channel_prices(env, demo_db: Path) -> None:
    assert_usage_error(invoke(["export", "channel-prices", "--db", db_url(demo_db)], env), "channel-prices")


def test_a_good_file_a_dry_run_then_the_import_then_the_same_file_again(env, demo_db: Path, tmp_path: Path) -> None:
    code = _code(demo_db)
    path = _file(tmp_path / "prices.csv", f"{code},amazon,10.00,2026-11-20 09:00", f"{code},ebay,11.00,")
    before = scalar(demo_db, PRICES)
    dry = _import(env, demo_db, str(path), "--dry-run")
    assert dry.code == 0 and dry.out_lines == ["prices.csv: 2 row(s); 2 channel prices would be recorded."], \
        dry.explain()
    assert scalar(demo_db, PRICES) == before
    done = _import(env, demo_db, str(path), "--json").json()
    assert (done["kind"], done["created"], done["written"], done["problems"]) == ("channel-prices", 2, True, [])
    assert scalar(demo_db, PRICES) == before + 2
    assert scalar(demo_db, "SELECT COUNT(*) FROM channel_prices WHERE source = 'import' AND recorded_by = 'sam'") == 2
    again = _import(env, demo_db, str(path))
    assert again.code == 0 and "nothing was changed again" in again.out_lines[-1], again.explain()
    assert scalar(demo_db, PRICES) == before + 2


def test_bad_rows_are_one_line_each_and_nothing_is_imported(env, demo_db: Path, tmp_path: Path) -> None:
    code = _code(demo_db)
    path = _file(tmp_path / "bad.csv", f"{code},amazon,10.00,", f"{code},etsy,10.00,", "NOPE-1,ebay,1.00,",
                 f"{code},app,-2.00,", f"{code},myntra,abc,")
    errors = tmp_path / "errors.csv"
    before = scalar(demo_db, PRICES)
    ran = _import(env, demo_db, str(path), "--errors", str(errors))
    assert ran.code == 1, ran.explain()
    assert ran.err_lines == [
        "row 3, channel 'etsy': is not a price-match channel (website, app, amazon, ebay, flipkart, myntra)",
        "row 4, stock_code 'NOPE-1': is not a stock code of BTOOLS",
        "row 5, price '-2.00': is negative; a channel's price is more than 0",
        "row 6, price 'abc': 'abc' is not an amount; write it like 12.50 or 1,234.50",
        f"hubtui: bad.csv: 4 problem(s) in 4 row(s); nothing was imported (listed in {errors}).",
    ]
    assert scalar(demo_db, PRICES) == before
    assert errors.read_text().splitlines()[1:] == [
        "3,channel,etsy,\"is not a price-match channel (website, app, amazon, ebay, flipkart, myntra)\","
        f"{code},etsy,10.00,",
        f"4,stock_code,NOPE-1,is not a stock code of BTOOLS,NOPE-1,ebay,1.00,",
        f"5,price,-2.00,is negative; a channel's price is more than 0,{code},app,-2.00,",
        f"6,price,abc,\"'abc' is not an amount; write it like 12.50 or 1,234.50\",{code},myntra,abc,",
    ]
    skipped = _import(env, demo_db, str(path), "--on-error", "skip-row")
    assert skipped.code == 1 and skipped.err_lines[-1] == \
        "hubtui: bad.csv: 4 row(s) skipped; the others were imported.", skipped.explain()
    assert scalar(demo_db, PRICES) == before + 1


def test_an_agent_may_not_import_prices(env, demo_db: Path, tmp_path: Path) -> None:
    path = _file(tmp_path / "p.csv", f"{_code(demo_db)},amazon,10.00,")
    before = scalar(demo_db, PRICES)
    ran = _import(env, demo_db, str(path), user="alice")
    assert ran.code == 1 and len(ran.err_lines) == 1 and ran.err_lines[0].startswith("hubtui: "), ran.explain()
    assert "import" in ran.err_lines[0] and scalar(demo_db, PRICES) == before


def test_hostile_stock_codes_and_channels_are_one_clean_line_each(env, demo_db: Path, tmp_path: Path) -> None:
    import csv

    from tests.hostile_corpus import STORED, has_forbidden

    def write(path: Path, values: list[str]) -> Path:
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(CHANNEL_PRICE_COLUMNS)
            for value in values:
                out.writerows([[value, "amazon", "1.00"], [_code(demo_db), value, "1.00"]])
        return path

    before = scalar(demo_db, PRICES)
    everything = _import(env, demo_db, str(write(tmp_path / "all.csv", [h.value for h in STORED])))
    assert everything.code == 1 and len(everything.err_lines) == 1, everything.explain()
    assert "holds control characters" in everything.err_lines[0], "the reader refuses such a file whole"
    readable = [h.value for h in STORED if not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in h.value)]
    assert len(readable) >= 6
    ran = _import(env, demo_db, str(write(tmp_path / "hostile.csv", readable)))
    assert ran.code == 1 and len(ran.err_lines) == 2 * len(readable) + 1, ran.explain()
    assert has_forbidden(ran.err) == [], ran.explain()
    assert [line.split(",")[0] for line in ran.err_lines[:-1]] == [f"row {n}" for n in range(2, 2 * len(readable) + 2)]
    assert scalar(demo_db, PRICES) == before
