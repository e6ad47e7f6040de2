"""`hubtui template` and `hubtui import`: the header, the summary, one line per rejected row,
`--errors`, `--on-error skip-row`, `--json`, exit codes (SPEC 6, 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubtui.domain.import_columns import ITEM_COLUMNS, ORDER_COLUMNS, PAYMENT_COLUMNS

from .helpers import db_url, invoke, query, scalar


def _import(env, path: Path, *args: str):
    return invoke(["import", *args, "--db", db_url(path), "--user", "admin"], env)


def test_template_prints_each_kinds_header(env) -> None:
    for kind, columns in (("orders", ORDER_COLUMNS), ("items", ITEM_COLUMNS), ("payments", PAYMENT_COLUMNS)):
        ran = invoke(["template", kind], env)
        assert ran.code == 0 and ran.out_lines == [",".join(columns)], ran.explain()
    assert invoke(["template", "shoes"], env).code == 2


def _orders(path: Path, *rows: str) -> Path:
    path.write_text(",".join(ORDER_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    return path


GOOD = (",EXT-1,,web,Standard,2026-11-20 10:00,Approved,Paid,GBP,new.person@example.com,New,Person,07700900123,,,"
        "1 High St,,Leeds,LS1 4AP,GB,4.95,0,24.95,,,5")
BAD = (",EXT-2,,web,Standard,2026-11-31,Approved,Paid,GBP,x@example.com,X,Y,,,,,,,,GB,0,0,3.00,,,")


def test_a_bad_row_imports_nothing_and_is_listed_with_the_errors_file(demo_db: Path, env, tmp_path: Path) -> None:
    path = _orders(tmp_path / "orders.csv", GOOD, BAD)
    errors = tmp_path / "errors.csv"
    ran = _import(env, demo_db, "orders", str(path), "--errors", str(errors))
    assert ran.code == 1, ran.explain()
    assert ran.err_lines[0].startswith("row 3, order_date '2026-11-31': ")
    assert ran.err_lines[-1] == f"hubtui: orders.csv: 1 problem(s) in 1 row(s); nothing was imported (listed in {errors})."
    assert scalar(demo_db, "SELECT COUNT(*) FROM orders WHERE external_ref LIKE 'EXT-%'") == 0
    assert "EXT-2" in errors.read_text() and "EXT-1" not in errors.read_text()
    skipped = _import(env, demo_db, "orders", str(path), "--on-error", "skip-row")
    assert skipped.code == 1 and "1 row(s) skipped; the others were imported." in skipped.err_lines[-1]
    assert [r[0] for r in query(demo_db, "SELECT external_ref FROM orders WHERE external_ref LIKE 'EXT-%'")] == ["EXT-1"]


def test_a_dry_run_says_what_it_would_do_and_json_reports_it(demo_db: Path, env, tmp_path: Path) -> None:
    path = _orders(tmp_path / "orders.csv", GOOD)
    ran = _import(env, demo_db, "orders", str(path), "--dry-run")
    assert ran.code == 0 and ran.out_lines == ["orders.csv: 1 row(s); 1 orders would be created."], ran.explain()
    assert scalar(demo_db, "SELECT COUNT(*) FROM orders WHERE external_ref = 'EXT-1'") == 0
    done = _import(env, demo_db, "orders", str(path), "--json").json()
    assert (done["created"], done["written"], done["problems"]) == (1, True, [])
    again = _import(env, demo_db, "orders", str(path))
    assert again.code == 0 and "nothing was changed again" in again.out_lines[-1]


@pytest.mark.parametrize("target, words", [("nope.csv", "There is no file at"), ("", "is a folder")])
def test_a_missing_file_or_a_folder_is_one_line(target: str, words: str, demo_db: Path, env, tmp_path: Path) -> None:
    ran = _import(env, demo_db, "orders", str(tmp_path / target))
    assert ran.code == 1 and len(ran.err_lines) == 1 and words in ran.err_lines[0], ran.explain()


def test_a_shopify_export_by_the_command_line(demo_db: Path, env) -> None:
    fixture = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "shopify_orders_export.csv"
    refused = _import(env, demo_db, "shopify", str(fixture))
    assert refused.code == 1 and "nothing was imported" in refused.err_lines[-1]
    done = _import(env, demo_db, "shopify", str(fixture), "--create-products", "--channel", "web", "--json").json()
    assert (done["kind"], done["created"], done["written"]) == ("shopify", 19, True)
    assert scalar(demo_db, "SELECT COUNT(*) FROM orders WHERE external_ref LIKE '#10%'") == 19


def _in_a_terminal(args: list[str], env) -> tuple[int, str]:
    """Run `python -m hubtui ARGS` with its stdout and stderr on a pseudo-terminal; exit code and output."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "hubtui", *args], stdin=subprocess.DEVNULL, stdout=follower,
                               stderr=follower, env={**env, "COLUMNS": "100", "TERM": "xterm"}, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once the process is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_shows_a_progress_bar_and_a_pipe_does_not(demo_db: Path, env, tmp_path: Path) -> None:
    path = _orders(tmp_path / "orders.csv", GOOD)
    code, shown = _in_a_terminal(["import", "orders", str(path), "--dry-run", "--db", db_url(demo_db), "--user",
                                  "admin"], env)
    assert code == 0 and "1 rows checked" in shown and "100%" in shown, shown
    assert "orders.csv: 1 row(s); 1 orders would be created." in shown
    piped = _import(env, demo_db, "orders", str(path), "--dry-run")
    assert piped.code == 0 and "rows checked" not in piped.out + piped.err and "%" not in piped.err
