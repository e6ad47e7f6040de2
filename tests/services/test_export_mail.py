"""E-mailing an export (issue 13): a real SMTP server (aiosmtpd) on a loopback port, started by
each test; what it received is read back and the attachment opened with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from hubtui.domain.periods import Period
from hubtui.services.context import Context
from hubtui.services.export import ExportRange, export_sheet, mail_export
from hubtui.services.mail import MailError, mail_settings, read_mail_settings, recipient

from tests.smtp_server import SmtpServer, closed_port, make_certificate, smtp_table

PASSWORD_ENV = "HUBTUI_TEST_SMTP_PASSWORD"
SECRET = {PASSWORD_ENV: "s3cret"}


@pytest.fixture
def sam(context_for: Callable[..., Context]) -> Context:
    return context_for("sam")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(users={"exports": "s3cret"}).start()
    yield server
    server.stop()


@pytest.fixture
def written(sam: Context, tmp_path: Path):
    folder = tmp_path / "out"
    folder.mkdir()
    return export_sheet(sam, "orders", folder / "orders-2026-11-28.xlsx", span=ExportRange(Period.LAST_7_DAYS))


def settings_for(tmp_path: Path, table: str):
    config = tmp_path / "config.toml"
    config.write_text(table)
    return read_mail_settings(config)


def test_the_mail_arrives_with_the_file_attached_and_it_opens(sam, smtp, written, sql, tmp_path):
    settings = settings_for(tmp_path, smtp_table(smtp))
    sent_to = mail_export(sam, written, "finance@bettertools.test", settings, environ=SECRET)
    assert sent_to == "finance@bettertools.test"
    assert smtp.logins == ["exports"] and len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail.recipients == ["finance@bettertools.test"] and mail.sender == "exports@hubtui.test"
    assert mail.message["To"] == "finance@bettertools.test"
    assert mail.message["Subject"] == "hubtui export: orders-2026-11-28.xlsx (BTOOLS, last 7 days)"
    assert f"{written.rows:,} orders (last 7 days), exported by sam from BetterTools" in mail.message.get_body().get_content()
    ((name, kind, data),) = mail.attachments()
    assert (name, kind) == ("orders-2026-11-28.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert data == written.path.read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("order_number", "external_ref") and len(rows) == written.rows + 1
    entry = sql.one("SELECT * FROM activity WHERE action = 'export' ORDER BY id DESC LIMIT 1")
    assert entry["summary"] == "E-mailed orders-2026-11-28.xlsx to finance@bettertools.test"


def test_me_is_the_operators_own_address_from_the_config(sam, smtp, written, tmp_path):
    settings = settings_for(tmp_path, smtp_table(smtp, addresses={"sam": "sam@bettertools.test"}))
    assert mail_export(sam, written, "me", settings, environ=SECRET) == "sam@bettertools.test"
    assert smtp.received[0].recipients == ["sam@bettertools.test"]
    with pytest.raises(MailError, match=r"\[smtp.addresses\] gives no address for alice; give the address itself"):
        recipient(settings, "ME", "alice")


def test_a_refused_login_keeps_the_file_and_says_where_it_is(sam, smtp, written, tmp_path):
    settings = settings_for(tmp_path, smtp_table(smtp))
    with pytest.raises(MailError) as refused:
        mail_export(sam, written, "finance@bettertools.test", settings, environ={PASSWORD_ENV: "wrong"})
    message = str(refused.value)
    assert message.startswith(f"{written.path} was written but not e-mailed: the mail server 127.0.0.1:{smtp.port} "
                              "refused the login of exports: 535")
    assert "\n" not in message and written.path.is_file() and smtp.received == []


def test_an_unreachable_server_keeps_the_file_and_says_where_it_is(sam, written, tmp_path):
    port = closed_port()
    settings = settings_for(tmp_path, smtp_table(None, port=port))
    with pytest.raises(MailError) as unreachable:
        mail_export(sam, written, "finance@bettertools.test", settings, environ=SECRET)
    assert str(unreachable.value) == (f"{written.path} was written but not e-mailed: cannot reach the mail server "
                                      f"127.0.0.1:{port}: Connection refused")
    assert written.path.is_file()


def test_a_missing_password_is_said_before_connecting(sam, smtp, written, tmp_path):
    settings = settings_for(tmp_path, smtp_table(smtp))
    with pytest.raises(MailError, match=f"the SMTP password is not set: put it in the environment variable {PASSWORD_ENV}"):
        mail_export(sam, written, "finance@bettertools.test", settings, environ={})
    assert smtp.received == [] and smtp.logins == []


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_and_tls_with_the_servers_certificate(sam, written, tmp_path, security):
    certificate = make_certificate(tmp_path)
    if certificate is None:
        pytest.skip("openssl is not installed: no certificate for the server")
    server = SmtpServer(users={"exports": "s3cret"}, tls=security, certificate=certificate).start()
    try:
        settings = settings_for(tmp_path, smtp_table(server, security=security, ca_file=certificate))
        mail_export(sam, written, "finance@bettertools.test", settings, environ=SECRET)
        assert len(server.received) == 1 and server.logins == ["exports"]
        # Without the certificate's CA, the connection is refused, and says why.
        untrusted = settings_for(tmp_path, smtp_table(server, security=security))
        with pytest.raises(MailError, match=r"no secure connection to the mail server 127\.0\.0\.1:\d+: .*CERTIFICATE_VERIFY_FAILED"):
            mail_export(sam, written, "finance@bettertools.test", untrusted, environ=SECRET)
        assert len(server.received) == 1
    finally:
        server.stop()


def test_a_server_without_starttls_is_not_sent_a_password_in_clear(sam, smtp, written, tmp_path):
    settings = settings_for(tmp_path, smtp_table(smtp, security="starttls"))
    with pytest.raises(MailError, match="does not support STARTTLS"):
        mail_export(sam, written, "finance@bettertools.test", settings, environ=SECRET)
    assert smtp.logins == [] and smtp.received == []


@pytest.mark.parametrize(("table", "says"), [
    (None, "has no [smtp] table"),
    ({"host": "x"}, 'needs from = "…"'),
    ({"host": "x", "from": "a@b.test", "security": "ssl"}, "security must be one of starttls, tls, none"),
    ({"host": "x", "from": "a@b.test", "port": "25"}, "port must be a whole number"),
    ({"host": "x", "from": "a@b.test", "user": "u"}, "names a user but no password_env"),
    ({"host": "x", "from": "a@b.test\r\nBcc: all@evil.test"}, "from must be one line"),
])
def test_settings_that_cannot_work_are_refused_with_what_to_fix(table, says):
    with pytest.raises(MailError, match=__import__("re").escape(says)):
        mail_settings(table, source="config.toml")


@pytest.mark.parametrize("address", ["nobody", "a@b", "x@y.test\r\nBcc: all@evil.test", "a@b.test, c@d.test", ""])
def test_only_one_plain_address_is_taken(address, tmp_path):
    settings = mail_settings({"host": "x", "from": "a@b.test"})
    with pytest.raises(MailError, match="is not an e-mail address"):
        recipient(settings, address, "sam")
