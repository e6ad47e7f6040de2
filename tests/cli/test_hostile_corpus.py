"""The hostile-text corpus through every CLI verb that prints stored or typed text (SPEC 8a, issue 9).

Plain output carries no control character but newline and tab (no ESC, no C1, no BEL, no bidi
override), a line break inside a value is a visible mark, so no value forges a line; `--json`
gives back every stored string exactly, and is itself free of raw DEL, C1 and bidi controls.

The commands run in-process with typer's CliRunner and `color=True`: without it click strips
CSI sequences from output that is not a terminal, which would hide an escape sequence that a
real terminal receives. Arguments that are not UTF-8 need a real process (`test_faults.py`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hubtui.domain.money import format_money
from tests.hostile_corpus import CORPUS, FORBIDDEN_ON_SCREEN, LONG, MARK, NEWLINE, NOT_UTF8, REFUSED, STORED, Hostile

from .helpers import Ran, assert_handled_error, db_url, query, scalar, without_rules

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)  # the demo's clock (tests/conftest.py)
FIXED_NOW_TEXT = "2026-11-28 12:00"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def forbidden(text: str) -> list[str]:
    """Control and invisible characters in plain output; newline and tab may be there."""
    return sorted({f"U+{ord(ch):04X}" for ch in text if ch in FORBIDDEN_ON_SCREEN and ch != "\t"})


def cli(args: list[str], env: dict[str, str]) -> Ran:
    """`hubtui ARGS` in-process, its output exactly as a terminal would receive it (color=True)."""
    from typer.testing import CliRunner

    from hubtui.cli import app

    runner_env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("HUBTUI_")}
    runner_env.update({k: v for k, v in env.items() if k.startswith("HUBTUI_")})
    result = CliRunner().invoke(app, args, env=runner_env, color=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"hubtui {args!r} raised {result.exception!r}") from result.exception
    return Ran(tuple(args), result.exit_code, result.stdout, result.stderr)


def clean(ran: Ran) -> Ran:
    """The run succeeded and printed nothing a terminal would act on."""
    assert ran.code == 0, ran.explain()
    assert forbidden(ran.out) == [], f"{forbidden(ran.out)} in the output of {ran.args!r}:\n{ran.out!r}"
    assert forbidden(ran.err) == [], f"{forbidden(ran.err)} on stderr of {ran.args!r}:\n{ran.err!r}"
    return ran


# ------------------------------------------------------------------ the seeded database


@dataclass(frozen=True)
class Seeded:
    """Everything one corpus text was written into."""

    hostile: Hostile
    index: int
    number: str
    email: str  # as stored
    user: str

    @property
    def name(self) -> str:
        return f"{self.hostile.value} Hostile{self.index:02d}"

    @property
    def name_shown(self) -> str:
        return f"{self.hostile.shown} Hostile{self.index:02d}"

    @property
    def email_shown(self) -> str:
        if self.email.startswith("hostile"):
            return self.email
        return f"{self.hostile.shown}.{self.index}@example.com".lower()


@dataclass(frozen=True)
class Corpus:
    path: Path
    seeded: tuple[Seeded, ...]


def _email_for(hostile: Hostile, index: int) -> str:
    candidate = f"{hostile.value}.{index}@example.com"
    return candidate if _EMAIL.fullmatch(candidate) else f"hostile{index}@example.com"


@pytest.fixture(scope="module")
def corpus_db(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The demo database with one customer, order, note, status comment, payment and operator per
    corpus text, written through the services at the demo's clock. Tests copy it before writing."""
    from hubtui.services.context import open_context
    from hubtui.services.customers import NewCustomer, create_customer
    from hubtui.services.order_payments import PaymentDraft, record_payment
    from hubtui.services.order_writes import NewLine, NewOrder, add_note, change_status, place_order
    from hubtui.services.users import add_user
    from hubtui.services.views import Address
    from hubtui.store.engine import Store

    path = tmp_path_factory.mktemp("hostile-cli") / "corpus.db"
    shutil.copyfile(demo_template, path)
    store = Store(db_url(path))
    ctx = open_context(store, "alice", "BTOOLS", clock=lambda: FIXED_NOW, tz=timezone.utc)
    code = scalar(path, "SELECT stock_code FROM products p JOIN organisations o ON o.id = p.org_id "
                        "WHERE o.code = 'BTOOLS' AND p.active ORDER BY p.id LIMIT 1")
    seeded = []
    try:
        for index, hostile in enumerate(STORED):
            text = hostile.value
            postcode = text if len(text) <= 16 else "LS1 4AP"
            customer = create_customer(ctx, NewCustomer(
                text, f"Hostile{index:02d}", _email_for(hostile, index), "07700 900123",
                Address("", text, "", text, "LS1 4AP", "GB")))
            # A typed post code is checked for its shape; one already stored (an import, older data)
            # reaches the order as it is: the hostile one is put there as such data would be.
            with closing(sqlite3.connect(path)) as con, con:
                con.execute("UPDATE customers SET postcode = ? WHERE id = ?", (postcode.strip().upper(), customer.id))
            order = place_order(ctx, NewOrder(customer_id=customer.id, lines=(NewLine(code, 1),),
                                              customer_reference=text, tags=text))
            add_note(ctx, order.number, text)
            change_status(ctx, order.number, "Approved", comment=text)
            record_payment(ctx, order.number, PaymentDraft("Cash", "Paid", amount=1, reference=text, comment=text))
            user = f"hostile{index:02d}"
            add_user(store, "admin", user, "agent", full_name=text)
            seeded.append(Seeded(hostile, index, order.number, customer.email, user))
    finally:
        store.dispose()
    yield Corpus(path, tuple(seeded))


@pytest.fixture
def writable(corpus_db: Corpus, tmp_path: Path) -> Path:
    target = tmp_path / "corpus.db"
    shutil.copyfile(corpus_db.path, target)
    return target


def _ids(corpus: tuple[Hostile, ...] = STORED) -> list[str]:
    return [h.name for h in corpus]


# ------------------------------------------------------------------ orders list


def test_orders_list_shows_each_hostile_order_on_one_line(corpus_db: Corpus, env) -> None:
    ran = clean(cli(["orders", "list", "--limit", "100", "--db", db_url(corpus_db.path), "--user", "alice"], env))
    lines = without_rules(ran.out.splitlines())
    rows = [line for line in lines[1:] if line]
    assert lines[0].startswith("NUMBER") and len(rows) == 100, "a header and one line per order, nothing forged"
    assert all(re.match(r"BT\d{7} ", row) for row in rows), "every line after the header is an order"
    for s in corpus_db.seeded:
        (line,) = [row for row in rows if row.startswith(s.number)]
        assert s.name_shown[:24] in line, (s.hostile.name, line)
        assert s.email_shown[:32] in line, (s.hostile.name, line)


def test_orders_list_json_gives_back_every_string(corpus_db: Corpus, env) -> None:
    ran = clean(cli(["orders", "list", "--limit", "100", "--json", "--db", db_url(corpus_db.path), "--user", "alice"],
                    env))
    listed = {row["number"]: row for row in json.loads(ran.out)}
    assert corpus_db.seeded and {s.number for s in corpus_db.seeded} <= set(listed)
    for s in corpus_db.seeded:
        row = listed[s.number]
        assert (row["customer_name"], row["customer_email"], row["tags"]) == (s.name, s.email, s.hostile.value), \
            s.hostile.name


def test_orders_list_filters_by_hostile_text_and_says_so_safely(corpus_db: Corpus, env) -> None:
    """The filter options take hostile text; "no orders match" names it on one clean line."""
    assert CORPUS
    for hostile in CORPUS:
        ran = clean(cli(["orders", "list", "--email", f"zz{hostile.value}", "--name", hostile.value, "--db",
                         db_url(corpus_db.path), "--user", "alice"], env))
        assert ran.out_lines == [f"No orders match (filter all, email zz{hostile.shown}, name {hostile.shown})."], \
            hostile.name
    by_email = [s for s in corpus_db.seeded if not s.email.startswith("hostile")]
    for s in by_email:
        ran = clean(cli(["orders", "list", "--email", s.email, "--json", "--db", db_url(corpus_db.path), "--user",
                         "alice"], env))
        assert [row["number"] for row in json.loads(ran.out)] == [s.number], s.hostile.name


# ------------------------------------------------------------------ orders show


@pytest.mark.parametrize("index", range(len(STORED)), ids=_ids())
def test_orders_show_prints_every_hostile_value_on_its_own_line(index: int, corpus_db: Corpus, env) -> None:
    s = corpus_db.seeded[index]
    shown = s.hostile.shown
    ran = clean(cli(["orders", "show", s.number, "--db", db_url(corpus_db.path), "--user", "alice"], env))
    lines = ran.out.splitlines()
    assert lines[2] == f"customer: {s.name_shown} <{s.email_shown}> 07700 900123"
    postcode = shown.upper() if len(s.hostile.value) <= 16 else "LS1 4AP"
    assert lines[3] == f"ship to:  {s.name_shown}, {shown}, {shown}, {postcode}, GB"
    assert lines[4] == f"reference: {shown}  tags: {shown}"
    start = lines.index("payments:") + 1
    payments = lines[start:next(i for i in range(start, len(lines)) if not lines[i].startswith("  "))]
    assert len(payments) == 1 and payments[0].endswith(f" {shown} by alice"), payments
    activity = lines[lines.index("activity (newest first):") + 1:]
    stored = query(corpus_db.path, "SELECT a.* FROM activity a JOIN orders o ON o.id = a.order_id WHERE o.number = ?",
                   (s.number,))
    assert len(activity) == len(stored), "one line per activity entry: nothing forged"
    money = format_money(1, "GBP")
    for expected in (f"  {FIXED_NOW_TEXT} alice      {shown}",
                     f"  {FIXED_NOW_TEXT} alice      Status Incomplete → Approved: {shown}",
                     f"  {FIXED_NOW_TEXT} alice      Payment recorded: Cash Paid {money} ref {shown}"):
        assert expected in activity, (expected, activity)
    assert not any(line.lstrip().startswith("2026-11-30") for line in lines), "a note forged an activity line"


@pytest.mark.parametrize("index", range(len(STORED)), ids=_ids())
def test_orders_show_json_gives_back_every_string(index: int, corpus_db: Corpus, env) -> None:
    s = corpus_db.seeded[index]
    text = s.hostile.value
    ran = clean(cli(["orders", "show", s.number, "--json", "--db", db_url(corpus_db.path), "--user", "alice"], env))
    data = json.loads(ran.out)
    assert (data["customer_first_name"], data["customer_email"], data["customer_reference"], data["tags"]) == (
        text, s.email, text, text)
    assert (data["shipping"]["line1"], data["shipping"]["city"], data["billing"]["line1"]) == (text, text, text)
    (payment,) = data["payments"]
    assert (payment["reference"], payment["comment"]) == (text, text)
    notes = [a for a in data["activity"] if a["action"] == "note"]
    assert [(a["summary"], a["after"]["note"]) for a in notes] == [(text, text)]
    (moved,) = [a for a in data["activity"] if a["action"] == "status" and a["after"].get("comment")]
    assert moved["after"]["comment"] == text and moved["summary"].endswith(f": {text}")


# ------------------------------------------------------------------ users, db info


def test_users_list_shows_full_names_safely_and_json_gives_them_back(corpus_db: Corpus, env) -> None:
    ran = clean(cli(["users", "list", "--db", db_url(corpus_db.path)], env))
    users = scalar(corpus_db.path, "SELECT COUNT(*) FROM users")
    assert len(ran.out_lines) == users, "one line per operator"
    for s in corpus_db.seeded:
        (line,) = [line for line in ran.out_lines if line.startswith(s.user + " ")]
        assert line.endswith(f" {s.hostile.shown}"), line
    listed = {u["name"]: u for u in json.loads(clean(cli(["users", "list", "--json", "--db", db_url(corpus_db.path)],
                                                            env)).out)}
    for s in corpus_db.seeded:
        assert listed[s.user]["full_name"] == s.hostile.value


def test_db_info_of_a_file_with_a_hostile_name(corpus_db: Corpus, tmp_path: Path, env) -> None:
    folder = tmp_path / "ho\x1b]0;pwned\x07[bold red]x\u202e"  # no "/": it would be a folder
    folder.mkdir()
    path = folder / "a\nb\x9b2J.db"
    shutil.copyfile(corpus_db.path, path)
    ran = clean(cli(["db", "info", "--db", db_url(path)], env))
    assert ran.out_lines[0].startswith("url:") and ran.out_lines[1].startswith("revision:")
    assert all(re.fullmatch(r"  \w+ +[\d,]+", line) for line in ran.out_lines[2:]), ran.out
    data = json.loads(clean(cli(["db", "info", "--json", "--db", db_url(path)], env)).out)
    assert data["row_counts"]["orders"] == scalar(path, "SELECT COUNT(*) FROM orders")
    missing = cli(["db", "info", "--db", db_url(folder / "no\x1b[2Jsuch\n.db")], env)
    line = assert_handled_error(missing, "No database at")
    assert forbidden(missing.err) == [] and f"no{MARK}such{NEWLINE}.db" in line


# ------------------------------------------------------------------ verbs that take text


@pytest.mark.parametrize("hostile", STORED, ids=str)
def test_text_taking_verbs_store_hostile_text_and_echo_it_safely(hostile: Hostile, writable: Path, env) -> None:
    text, shown = hostile.value, hostile.shown
    db = ["--db", db_url(writable)]
    number = scalar(writable, "SELECT number FROM orders WHERE status = 'Approved' AND payment_status = 'Pending' "
                              "ORDER BY id LIMIT 1")

    noted = json.loads(clean(cli(["orders", "note", number, text, "--json", *db, "--user", "alice"], env)).out)
    assert noted["activity"][0]["summary"] == text
    moved = json.loads(clean(cli(["orders", "status", number, "OnHold", "--comment", text, "--json", *db,
                                  "--user", "alice"], env)).out)
    assert moved["activity"][0]["after"]["comment"] == text
    paid = json.loads(clean(cli(["orders", "pay", number, "--method", "Cash", "--status", "Pending", "--amount",
                                 "0.01", "--reference", text, "--comment", text, "--json", *db, "--user", "alice"],
                                env)).out)
    assert (paid["payments"][-1]["reference"], paid["payments"][-1]["comment"]) == (text, text)

    added = clean(cli(["customers", "add", "--first-name", text, "--last-name", "Byron", "--email",
                       f"cli.{hostile.name}@example.com", "--phone", "07700 900123", "--line1", text, "--city", text,
                       "--postcode", "LS1 4AP", *db, "--user", "alice"], env))
    customer = scalar(writable, "SELECT id FROM customers WHERE email = ?", (f"cli.{hostile.name}@example.com",))
    assert added.out_lines == [f"Added customer {shown} Byron <cli.{hostile.name}@example.com> (id {customer})."]
    assert scalar(writable, "SELECT line1 FROM customers WHERE id = ?", (customer,)) == text

    user = clean(cli(["users", "add", f"cli-{hostile.name}", "--role", "agent", "--full-name", text, *db,
                      "--user", "admin"], env))
    assert user.out_lines == [f"Added cli-{hostile.name} (agent)."]
    assert scalar(writable, "SELECT full_name FROM users WHERE name = ?", (f"cli-{hostile.name}",)) == text


@pytest.mark.parametrize("hostile", CORPUS, ids=str)
def test_refusals_that_repeat_hostile_text_say_it_on_one_clean_line(hostile: Hostile, writable: Path, env) -> None:
    db = ["--db", db_url(writable)]
    text, shown = hostile.value, hostile.shown
    nul = "cannot hold a NUL character (\\x00)."
    customer = ["customers", "add", "--first-name", "Ada", "--last-name", "Byron", "--phone", "07700 900123",
                "--line1", "1 High St", "--city", "Leeds", "--postcode", "LS1 4AP", *db, "--user", "alice"]
    refusals = [
        ([*customer, "--email", f"{text} @example.com"],
         nul if hostile.name in REFUSED else f"'{shown} @example.com' is not an e-mail address."),
        ([*customer, "--email", "ada.h@example.com", "--company", text],
         nul if hostile.name in REFUSED else f"The company is at most 32 characters ({len(text)} given)."
         if len(text) > 32 else f"No company with account number {shown} in BTOOLS."),
        (["users", "add", text, "--role", "agent", *db, "--user", "admin"],
         nul if hostile.name in REFUSED else f"User name '{shown}' must be"),
        (["orders", "show", text, *db, "--user", "alice"], None),
        (["orders", "list", "--microsite", text, *db, "--user", "alice"], None),
    ]
    if hostile.name in REFUSED:  # stored nowhere, refused by every verb that would store it
        refusals += [
            (["orders", "note", "BT0000001", text, *db, "--user", "alice"], f"The note {nul}"),
            (["orders", "status", "BT0000001", "OnHold", "--comment", text, *db, "--user", "alice"],
             f"The comment {nul}"),
            (["orders", "pay", "BT0000001", "--method", "Cash", "--status", "Paid", "--reference", text, *db,
              "--user", "alice"], f"The reference {nul}"),
            (["users", "add", "zed", "--role", "agent", "--full-name", text, *db, "--user", "admin"],
             f"The full name {nul}"),
        ]
    before = {t: scalar(writable, f"SELECT COUNT(*) FROM {t}") for t in ("activity", "payments", "customers", "users")}
    for args, fragment in refusals:
        ran = cli(args, env)
        line = assert_handled_error(ran, *([fragment] if fragment else []))
        assert forbidden(ran.err) == [], f"{forbidden(ran.err)} in {ran.err!r}"
        assert ran.out == "" and "\n" not in line
    # A status is one of a fixed set, so anything else is bad usage (exit 2, Typer's message), where
    # the value is quoted with its control characters escaped.
    usage = cli(["orders", "status", "BT0000001", text, *db, "--user", "alice"], env)
    assert usage.code == 2 and usage.out == "" and "STATUS" in usage.err, usage.explain()
    assert forbidden(usage.err) == [], f"{forbidden(usage.err)} in {usage.err!r}"
    assert {t: scalar(writable, f"SELECT COUNT(*) FROM {t}") for t in before} == before


@pytest.mark.parametrize("verb", [
    ["orders", "note", "BT0000001"],
    ["orders", "status", "BT0000001", "OnHold", "--comment"],
    ["orders", "pay", "BT0000001", "--method", "Cash", "--status", "Paid", "--reference"],
    ["orders", "pay", "BT0000001", "--method", "Cash", "--status", "Paid", "--comment"],
    ["users", "add", "longname", "--role", "agent", "--full-name"],
    ["customers", "add", "--last-name", "Byron", "--email", "ada.long@example.com", "--phone", "07700 900123",
     "--line1", "1 High St", "--city", "Leeds", "--postcode", "LS1 4AP", "--first-name"],
], ids=["note", "status-comment", "pay-reference", "pay-comment", "user-full-name", "customer-first-name"])
def test_ten_thousand_characters_are_refused_with_the_limit(verb: list[str], writable: Path, env) -> None:
    before = {t: scalar(writable, f"SELECT COUNT(*) FROM {t}") for t in ("activity", "payments", "customers", "users")}
    user = "admin" if verb[0] == "users" else "alice"
    ran = cli([*verb, LONG, "--db", db_url(writable), "--user", user], env)
    assert_handled_error(ran, "at most", "characters (10,000 given)")
    assert {t: scalar(writable, f"SELECT COUNT(*) FROM {t}") for t in before} == before


# ------------------------------------------------------------------ arguments that are not UTF-8

NOT_UTF8_VERBS = {
    "orders list --email": [b"orders", b"list", b"--email", NOT_UTF8],
    "orders list --postcode": [b"orders", b"list", b"--postcode", NOT_UTF8],
    "orders list --name": [b"orders", b"list", b"--name", NOT_UTF8],
    "orders show": [b"orders", b"show", NOT_UTF8],
    "orders show --json": [b"orders", b"show", NOT_UTF8, b"--json"],
    "orders status --comment": [b"orders", b"status", b"BT0000001", b"OnHold", b"--comment", NOT_UTF8],
    "orders pay --reference": [b"orders", b"pay", b"BT0000001", b"--method", b"Cash", b"--status", b"Paid",
                               b"--reference", NOT_UTF8],
    "orders note": [b"orders", b"note", b"BT0000001", NOT_UTF8],
    "users add --full-name": [b"users", b"add", b"zed", b"--role", b"agent", b"--full-name", NOT_UTF8],
    "customers add --first-name": [b"customers", b"add", b"--first-name", NOT_UTF8, b"--last-name", b"B",
                                   b"--email", b"b@example.com", b"--phone", b"07700 900123", b"--line1", b"1 St",
                                   b"--city", b"Leeds", b"--postcode", b"LS1 4AP"],
    "db info --db": [b"db", b"info", b"--db", b"sqlite:///" + NOT_UTF8 + b".db"],
}


def test_every_text_taking_verb_refuses_an_argument_that_is_not_utf8(writable: Path, env) -> None:
    """Exit 2 and one line, nothing changed; all verbs at once, in parallel child processes."""
    before = {t: scalar(writable, f"SELECT COUNT(*) FROM {t}") for t in ("activity", "payments", "customers", "users")}
    children = {}
    for verb, args in NOT_UTF8_VERBS.items():
        tail = [] if b"--db" in args else [b"--db", db_url(writable).encode(), b"--user", b"alice"]
        children[verb] = subprocess.Popen([sys.executable.encode(), b"-m", b"hubtui", *args, *tail], env=env,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for verb, child in children.items():
        out, err = child.communicate(timeout=120)
        assert child.returncode == 2, (verb, err)
        lines = err.decode().splitlines()
        assert len(lines) == 1 and lines[0].startswith("hubtui: argument ") and "not valid UTF-8" in lines[0], (verb, err)
        assert out == b"", verb
    assert {t: scalar(writable, f"SELECT COUNT(*) FROM {t}") for t in before} == before
