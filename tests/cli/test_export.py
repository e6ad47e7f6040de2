"""`hubtui export orders|items|payments` (SPEC 6, issue 13): the file, the one line that says where
it is, usage errors (exit 2), refusals (exit 1, one line, nothing written), e-mail through a real
SMTP server, and the progress bar only on a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest

from tests.smtp_server import SmtpServer, closed_port, smtp_table

from .helpers import CHILD_TIMEOUT_S, assert_handled_error, assert_usage_error, db_url, invoke, org_id, query

PASSWORD_ENV = "HUBTUI_TEST_SMTP_PASSWORD"


def btools_orders(path: Path, since: datetime | None = None) -> list[dict]:
    rows = [dict(r) for r in query(path, "SELECT * FROM orders WHERE org_id = ? ORDER BY placed_at, id",
                                   (org_id(path),))]
    if since is None:
        return rows
    return [r for r in rows if datetime.fromisoformat(r["placed_at"]).replace(tzinfo=timezone.utc) >= since]


def sheet(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "out"
    made.mkdir()
    return made


def test_export_writes_the_file_and_says_where_in_one_line(hubtui, cli_demo_db, folder):
    out = folder / "all.xlsx"
    ran = hubtui("export", "orders", "--range", "all", "--out", str(out), "--db", db_url(cli_demo_db))
    orders = btools_orders(cli_demo_db)
    assert ran.code == 0, ran.explain()
    assert ran.out_lines == [f"Wrote {len(orders):,} orders (all time) to {out}."]
    assert ran.err == ""  # piped: no progress bar
    rows = sheet(out)
    assert rows[0][0] == "order_number" and [r[0] for r in rows[1:]] == [o["number"] for o in orders]


def test_items_of_a_quick_filter_from_to(env, cli_demo_db, folder):
    today = datetime.now(timezone.utc).date()
    start = today - timedelta(days=10)
    out = folder / "items.xlsx"
    ran = invoke(["export", "ITEMS", "--from", start.isoformat(), "--to", today.isoformat(), "--filter", "unpaid",
                  "--out", str(out), "--db", db_url(cli_demo_db)], env)
    unpaid = [o for o in btools_orders(cli_demo_db, datetime.combine(start, datetime.min.time(), timezone.utc))
              if o["payment_status"] in ("Pending", "Declined") and o["status"] != "Cancelled"]
    lines = [(o["number"], line["stock_code"]) for o in unpaid
             for line in query(cli_demo_db, "SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no", (o["id"],))]
    assert ran.code == 0, ran.explain()
    assert ran.out_lines == [f"Wrote {len(lines):,} lines of {len(unpaid):,} orders "
                             f"({start} to {today}, filter unpaid) to {out}."]
    assert [(r[0], r[1]) for r in sheet(out)[1:]] == lines and lines


def test_the_default_file_is_named_after_the_kind_and_the_day_here(env, cli_demo_db, folder, monkeypatch):
    monkeypatch.chdir(folder)
    ran = invoke(["export", "payments", "--range", "last-30-days", "--json", "--db", db_url(cli_demo_db)], env)
    today = datetime.now(timezone.utc).date()  # HUBTUI_TIMEZONE=UTC
    written = folder / f"payments-{today}.xlsx"
    assert ran.code == 0, ran.explain()
    assert ran.json() == {"file": str(written), "kind": "payments", "rows": len(sheet(written)) - 1,
                          "orders": len(btools_orders(cli_demo_db, datetime.combine(today - timedelta(days=29),
                                                                                    datetime.min.time(), timezone.utc))),
                          "range": "last 30 days", "filter": "", "emailed_to": None}
    assert sorted(p.name for p in folder.iterdir()) == [written.name]


@pytest.mark.parametrize(("args", "says"), [
    (["orders", "--range", "today", "--from", "2026-11-01"], "not both"),
    (["orders"], "give --range PERIOD"),
    (["orders", "--range", "fortnight"], "fortnight"),
    (["invoices", "--range", "all"], "invoices"),
    (["orders", "--range", "custom"], "custom"),
])
def test_bad_usage_is_exit_2(env, cli_demo_db, folder, monkeypatch, args, says):
    monkeypatch.chdir(folder)
    ran = invoke(["export", *args, "--db", db_url(cli_demo_db)], env)
    assert_usage_error(ran, says)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("args", "says"), [
    (["--from", "2026-11-20", "--to", "2026-11-01"], "The from date 2026-11-20 is after the to date 2026-11-01"),
    (["--from", "2026-13-01"], "'2026-13-01' is not a date"),
    (["--range", "all", "--out", "{folder}"], "is a folder; give a file name in it, e.g. {folder}/orders-"),
    (["--range", "all", "--out", "{folder}/missing/x.xlsx"], "the folder {folder}/missing does not exist"),
    (["--range", "all", "--user", "alice"], "An agent may not export data; ask a supervisor."),
    (["--range", "all", "--email", "finance@bettertools.test"], "has no [smtp] table"),
])
def test_refusals_are_one_line_exit_1_and_write_nothing(env, cli_demo_db, folder, monkeypatch, args, says):
    monkeypatch.chdir(folder)
    env["HUBTUI_CONFIG"] = str(folder.parent / "config.toml")
    (folder.parent / "config.toml").write_text('timezone = "UTC"\n')
    args = [a.replace("{folder}", str(folder)) for a in args]
    ran = invoke(["export", "orders", *args, "--db", db_url(cli_demo_db)], env)
    assert_handled_error(ran, says.replace("{folder}", str(folder)))
    assert list(folder.iterdir()) == []


def test_a_bad_address_is_refused_before_anything_is_written(env, cli_demo_db, folder, monkeypatch):
    monkeypatch.chdir(folder)
    config = folder.parent / "config.toml"
    config.write_text(smtp_table(None, port=closed_port()))
    env.update(HUBTUI_CONFIG=str(config), **{PASSWORD_ENV: "s3cret"})
    ran = invoke(["export", "orders", "--range", "all", "--email", "finance@", "--db", db_url(cli_demo_db)], env)
    assert_handled_error(ran, "'finance@' is not an e-mail address")
    assert list(folder.iterdir()) == []


def test_email_sends_the_file_through_the_configured_server(hubtui, cli_demo_db, folder):
    server = SmtpServer(users={"exports": "s3cret"}).start()
    try:
        config = folder.parent / "config.toml"
        config.write_text(smtp_table(server, addresses={"nobody": "x@y.test"}))
        out = folder / "orders.xlsx"
        ran = hubtui("export", "orders", "--range", "all", "--out", str(out), "--email", "finance@bettertools.test",
                     "--db", db_url(cli_demo_db),
                     env_overrides={"HUBTUI_CONFIG": str(config), PASSWORD_ENV: "s3cret"})
        assert ran.code == 0, ran.explain()
        count = len(btools_orders(cli_demo_db))
        assert ran.out_lines == [f"Wrote {count:,} orders (all time) to {out} and e-mailed it to finance@bettertools.test."]
        assert len(server.received) == 1 and server.received[0].recipients == ["finance@bettertools.test"]
        ((name, _, data),) = server.received[0].attachments()
        assert name == "orders.xlsx" and data == out.read_bytes()
    finally:
        server.stop()


def test_an_unreachable_mail_server_still_writes_the_file_and_says_where_exit_1(hubtui, cli_demo_db, folder):
    config = folder.parent / "config.toml"
    port = closed_port()
    config.write_text(smtp_table(None, port=port))
    out = folder / "orders.xlsx"
    ran = hubtui("export", "orders", "--range", "all", "--out", str(out), "--email", "finance@bettertools.test",
                 "--db", db_url(cli_demo_db), env_overrides={"HUBTUI_CONFIG": str(config), PASSWORD_ENV: "s3cret"})
    line = assert_handled_error(ran, f"{out} was written but not e-mailed: cannot reach the mail server 127.0.0.1:{port}")
    assert line.endswith("Connection refused")
    assert out.is_file() and len(sheet(out)) == len(btools_orders(cli_demo_db)) + 1
    assert ran.out_lines == [f"Wrote {len(btools_orders(cli_demo_db)):,} orders (all time) to {out}."]


def test_a_refused_login_still_writes_the_file_exit_1(hubtui, cli_demo_db, folder):
    server = SmtpServer(users={"exports": "s3cret"}).start()
    try:
        config = folder.parent / "config.toml"
        config.write_text(smtp_table(server))
        out = folder / "orders.xlsx"
        ran = hubtui("export", "orders", "--range", "all", "--out", str(out), "--email", "finance@bettertools.test",
                     "--db", db_url(cli_demo_db), env_overrides={"HUBTUI_CONFIG": str(config), PASSWORD_ENV: "nope"})
        assert_handled_error(ran, f"{out} was written but not e-mailed", "refused the login of exports: 535")
        assert out.is_file() and server.received == []
    finally:
        server.stop()


def test_a_terminal_gets_a_progress_bar(env, cli_demo_db, folder):
    pty = pytest.importorskip("pty")
    import threading

    main, secondary = pty.openpty()
    out = folder / "orders.xlsx"
    shown = bytearray()

    def read_all() -> None:  # as it comes, so the terminal's buffer never fills
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child has gone and everything it wrote was read
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    try:
        child = subprocess.Popen([sys.executable, "-m", "hubtui.cli", "export", "orders", "--range", "all", "--out",
                                  str(out), "--db", db_url(cli_demo_db)], env=env | {"COLUMNS": "100"},
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary)
        os.close(secondary)
        stdout, _ = child.communicate(timeout=CHILD_TIMEOUT_S)
        reader.join(10)
    finally:
        os.close(main)
    assert child.returncode == 0 and out.is_file()
    assert b"Exporting orders" in shown
    assert stdout.decode().strip() == f"Wrote {len(btools_orders(cli_demo_db)):,} orders (all time) to {out}."
