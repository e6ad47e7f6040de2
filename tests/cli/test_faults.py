"""Malformed input and a hostile environment: one line that says what is wrong, never a traceback
or an "internal error" (SPEC 8a), and nothing changed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from .helpers import assert_handled_error, assert_usage_error, db_url, invoke, snapshot


def _child(args: list[bytes], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE} | kwargs
    return subprocess.run([sys.executable.encode(), b"-m", b"hubtui", *args], env=env, timeout=120, **streams)


@pytest.mark.parametrize("where", ["--email", "note text", "--user"])
def test_an_argument_that_is_not_utf8_is_bad_usage(where, demo_db, env):
    bad = b"caf\xe9\xff"
    args = {
        "--email": [b"orders", b"list", b"--email", bad, b"--user", b"alice"],
        "note text": [b"orders", b"note", b"BT0000001", bad, b"--user", b"alice"],
        "--user": [b"orders", b"list", b"--user", bad],
    }[where]
    before = snapshot(demo_db)
    done = _child([*args, b"--db", db_url(demo_db).encode()], env)
    assert done.returncode == 2
    err = done.stderr.decode()
    assert err.startswith("hubtui: argument ") and "not valid UTF-8" in err and "Traceback" not in err
    assert snapshot(demo_db) == before


@pytest.mark.parametrize("dates, tz", [
    (["--to", "9999-12-31"], "America/New_York"),
    (["--from", "0001-01-01"], "Asia/Tokyo"),
    (["--from", "9999-12-31", "--to", "9999-12-31"], "UTC"),
])
def test_dates_at_the_ends_of_time_are_dates(dates, tz, demo_db, env):
    ran = invoke(["orders", "list", *dates, "--limit", "1", "--json", "--db", db_url(demo_db), "--user", "alice"],
                 {**env, "HUBTUI_TIMEZONE": tz})
    assert ran.code == 0, ran.explain()
    assert isinstance(ran.json(), (list, dict))


def test_a_full_disk_is_said_and_a_closed_pipe_is_quiet(demo_db, env):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    args = [b"orders", b"list", b"--db", db_url(demo_db).encode(), b"--user", b"alice"]
    with open("/dev/full", "wb") as full:
        done = _child(args, env, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert done.stderr.decode().strip() == "hubtui: cannot write the output: the disk is full"

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone, as `| head -1` does after its line
    try:
        done = _child([*args, b"--json"], env, stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr == b"", done.stderr


def test_a_newer_schema_is_refused_by_every_command_with_its_revision(demo_db, env):
    with sqlite3.connect(demo_db) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    before = snapshot(demo_db)
    for command in (["db", "upgrade"], ["db", "info"], ["orders", "list", "--user", "alice"],
                    ["orders", "show", "BT0000001", "--user", "alice"], ["demo", "--if-empty"]):
        ran = invoke([*command, "--db", db_url(demo_db)], env)
        assert_handled_error(ran, "schema revision 9999", "newer hubtui")
    assert snapshot(demo_db) == before


def test_db_info_reads_an_older_schema(tmp_path, env):
    path = tmp_path / "old.db"
    from hubtui.store.engine import Store

    store = Store(db_url(path))
    from alembic import command

    from hubtui.store.schema import _config

    with store.engine.begin() as connection:
        command.upgrade(_config(connection), "0001")
    store.dispose()
    ran = invoke(["db", "info", "--db", db_url(path)], env)
    assert ran.code == 0, ran.explain()
    assert "0001" in ran.out and "needs `hubtui db upgrade`" in ran.out


@pytest.mark.parametrize("args, words", [
    (["orders", "list", "--period", "custom"], "--period custom needs --from"),
    (["orders", "list", "--user", ""], "--user needs a value"),
    (["orders", "list", "--user", "alice", "--org", " "], "--org needs a value"),
    (["orders", "status", "BT0000001", "Approved", "--reason", "Duplicate"], "only when cancelling"),
])
def test_usage_that_would_silently_mean_something_else_is_refused(args, words, demo_db, env):
    before = snapshot(demo_db)
    full = args if "--user" in args else [*args, "--user", "alice"]
    ran = invoke([*full, "--db", db_url(demo_db)], env)
    assert_handled_error(ran, words)
    assert snapshot(demo_db) == before


def test_a_value_outside_a_choice_is_bad_usage_and_changes_nothing(demo_db, env):
    before = snapshot(demo_db)
    ran = invoke(["orders", "list", "--channel", "fax", "--user", "alice", "--db", db_url(demo_db)], env)
    assert_usage_error(ran, "--channel", "'fax' is not one of")
    assert snapshot(demo_db) == before


def test_demo_has_an_upper_bound(tmp_path, env):
    ran = invoke(["demo", "--orders", "50000000", "--db", db_url(tmp_path / "big.db")], env)
    assert ran.code == 2 and not (tmp_path / "big.db").exists()
