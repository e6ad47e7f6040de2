"""A fuzz of the CLI: argument lists from each verb's grammar with malformed values.

Never a traceback or an "internal error"; a refusal exits 1 or 2 with one line; and a refused
command leaves the database byte for byte as it was (SPEC 6, 8a).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import db_url, invoke

# Values an operator or a script gets wrong: empty, spaces, hostile text, huge, edge numbers.
NASTY = st.one_of(
    st.sampled_from(["", " ", "-", "--", "0", "-1", "1e9", "12,50", "£5", "$5.00", "NaN", "9" * 40, "BT", "BT0",
                     "BT99999999", "9999-12-31", "0001-01-01", "31/02/2026", "[/]", "\x1b[2J", "a\nb", "x" * 5000,
                     "Cancelled", "cancelled", "PAID", "FOC", "bfix", "nobody", "ünïcödé", "\u202eevil"]),
    st.text(max_size=30),
)
ORDER = st.sampled_from(["BT0000001", "BT0000002", "3", "bt0000004"])
VERBS = {
    "orders list": lambda v: ["orders", "list", *v],
    "orders show": lambda v: ["orders", "show", *v],
    "orders status": lambda v: ["orders", "status", *v],
    "orders pay": lambda v: ["orders", "pay", *v],
    "orders note": lambda v: ["orders", "note", *v],
    "users add": lambda v: ["users", "add", *v],
    "customers add": lambda v: ["customers", "add", *v],
}
OPTIONS = ["--filter", "--status", "--email", "--postcode", "--number", "--channel", "--type", "--payment-status",
           "--period", "--from", "--to", "--limit", "--sort", "--method", "--amount", "--reason", "--comment",
           "--reference", "--role", "--first-name", "--last-name", "--phone", "--line1", "--city", "--postcode",
           "--expected-version"]


@st.composite
def command(draw) -> list[str]:
    verb = draw(st.sampled_from(sorted(VERBS)))
    values: list[str] = []
    if verb in ("orders show", "orders status", "orders pay", "orders note"):
        values.append(draw(st.one_of(ORDER, NASTY)))
    if verb in ("orders status", "orders note", "users add"):
        values.append(draw(NASTY))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        values += [draw(st.sampled_from(OPTIONS)), draw(NASTY)]
    if draw(st.booleans()):
        values.append("--json")
    return VERBS[verb](values)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=command())
def test_no_argument_list_gets_a_traceback_and_a_refusal_changes_nothing(args, demo_db, env) -> None:
    # Every write commits through WAL; fold it in first, so "unchanged" compares the whole file.
    import sqlite3

    with sqlite3.connect(demo_db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _digest(demo_db)
    ran = invoke([*args, "--db", db_url(demo_db), "--user", "alice"], env)
    assert "Traceback" not in ran.err and "internal error" not in ran.err, ran.explain()
    assert ran.code in (0, 1, 2), ran.explain()
    if ran.code == 1:
        assert len(ran.err_lines) == 1 and ran.err_lines[0].startswith("hubtui: "), ran.explain()
    if ran.code != 0:
        with sqlite3.connect(demo_db) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert _digest(demo_db) == before, f"a refused {args} changed the database"
