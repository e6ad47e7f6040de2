"""Sending a file by e-mail: smtplib and the email package, settings from config.toml.

The `[smtp]` table of the configuration file (hubtui.config.config_path(): HUBTUI_CONFIG, else
config.toml in the platform's config directory)::

    [smtp]
    host = "smtp.example.com"
    port = 587                         # default: 587 for starttls, 465 for tls, 25 for none
    security = "starttls"              # starttls | tls (implicit TLS) | none
    user = "exports@example.com"       # leave out for a server that takes mail without a login
    password_env = "HUBTUI_SMTP_PASSWORD"  # the NAME of the environment variable holding the password
    from = "BetterTools exports <exports@example.com>"
    timeout = 30                       # seconds, optional
    ca_file = "/etc/ssl/private-ca.pem"    # optional: a private CA the server's certificate is signed by

    [smtp.addresses]                   # each operator's own address: `--email me` sends there
    sam = "sam@example.com"

The password is never in the file itself. The users table holds no e-mail address, so an
operator's own address is the one `[smtp.addresses]` gives for their user name.

The caller hands the file's path in (`read_mail_settings(path)`): the services never go looking
for the configuration. Every failure is a MailError with one line that says what to do.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from hubtui.domain.errors import DomainError
from hubtui.domain.text import printable

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
DEFAULT_TIMEOUT_S = 30.0
OWN_ADDRESS = "me"  # `--email me`: the operator's own address
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
# One address, no display name: something@somewhere.tld, nothing a header could be split at.
_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+")


class MailError(DomainError):
    """The mail could not be sent, or not even tried (settings, address); one line."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password_env: str | None = None
    timeout: float = DEFAULT_TIMEOUT_S
    ca_file: str | None = None
    addresses: Mapping[str, str] = field(default_factory=dict)  # operator name -> their own address
    source: str = "config.toml"  # where they were read, for messages


def _text(table: Mapping[str, Any], key: str, source: str, *, required: bool = False) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise MailError(f"{source} [smtp] needs {key} = \"…\" to send e-mail")
        return None
    if not isinstance(value, str) or not value.strip():
        raise MailError(f"{source} [smtp] {key} must be a non-empty text")
    if any(ch in value for ch in "\r\n\x00"):
        raise MailError(f"{source} [smtp] {key} must be one line")
    return value.strip()


def mail_settings(table: Any, *, source: str = "config.toml") -> MailSettings:
    """The settings an `[smtp]` table gives (None: there is none), checked."""
    if table is None:
        raise MailError(f"cannot send e-mail: {source} has no [smtp] table (host, port, security, user, "
                        "password_env, from)")
    if not isinstance(table, Mapping):
        raise MailError(f"{source}: smtp must be a table, [smtp]")
    host = _text(table, "host", source, required=True)
    security = (_text(table, "security", source) or "starttls").lower()
    if security not in SECURITY:
        raise MailError(f"{source} [smtp] security must be one of {', '.join(SECURITY)}, not '{printable(security, one_line=True)}'")
    port = table.get("port", DEFAULT_PORTS[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise MailError(f"{source} [smtp] port must be a whole number from 1 to 65535")
    timeout = table.get("timeout", DEFAULT_TIMEOUT_S)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise MailError(f"{source} [smtp] timeout must be a number of seconds")
    sender = _text(table, "from", source, required=True)
    assert host is not None and sender is not None
    user = _text(table, "user", source)
    password_env = _text(table, "password_env", source)
    if user and not password_env:
        raise MailError(f"{source} [smtp] names a user but no password_env (the name of the environment variable "
                        "holding the password)")
    addresses = table.get("addresses", {})
    if not isinstance(addresses, Mapping) or not all(isinstance(v, str) for v in addresses.values()):
        raise MailError(f"{source} [smtp.addresses] must map user names to e-mail addresses")
    return MailSettings(host=host, port=port, security=security, sender=sender, user=user, password_env=password_env,
                        timeout=float(timeout), ca_file=_text(table, "ca_file", source),
                        addresses={str(k): v.strip() for k, v in addresses.items()}, source=source)


def read_mail_settings(path: Path) -> MailSettings:
    """The `[smtp]` table of the configuration file at `path`."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise MailError(f"cannot send e-mail: there is no configuration file {path} with an [smtp] table") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MailError(f"cannot read the configuration file {path}: {error}") from None
    return mail_settings(data.get("smtp"), source=str(path))


def check_address(text: str) -> str:
    """One e-mail address, as typed (trimmed); anything else is refused."""
    address = text.strip()
    if not _ADDRESS.fullmatch(address):
        raise MailError(f"'{printable(address, one_line=True)}' is not an e-mail address")
    return address


def recipient(settings: MailSettings, to: str, user_name: str) -> str:
    """The address `to` means: itself, or for "me" the operator's own one from [smtp.addresses]."""
    if to.strip().lower() == OWN_ADDRESS:
        own = settings.addresses.get(user_name)
        if not own:
            raise MailError(f"{settings.source} [smtp.addresses] gives no address for {printable(user_name, one_line=True)}; "
                            "give the address itself")
        return check_address(own)
    return check_address(to)


def password(settings: MailSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """The password from the environment variable the settings name (None: no login)."""
    if not settings.user:
        return None
    assert settings.password_env is not None
    value = (os.environ if environ is None else environ).get(settings.password_env)
    if not value:
        raise MailError(f"the SMTP password is not set: put it in the environment variable {settings.password_env} "
                        f"({settings.source} [smtp] password_env)")
    return value


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        return printable(f"{error.smtp_code} {said}", one_line=True)
    if isinstance(error, OSError) and error.strerror:
        return printable(error.strerror, one_line=True)
    return printable(str(error) or error.__class__.__name__, one_line=True)


def send_file(settings: MailSettings, to: str, path: Path, *, subject: str, body: str,
              environ: Mapping[str, str] | None = None) -> None:
    """Send `path` as an attachment to the address `to` (already checked), in one SMTP session."""
    secret = password(settings, environ)
    message = EmailMessage()
    message["Subject"] = printable(subject, one_line=True)
    message["From"] = settings.sender
    message["To"] = to
    message.set_content(body)
    maintype, subtype = XLSX_TYPE if path.suffix.lower() == ".xlsx" else ("application", "octet-stream")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MailError(f"cannot read {path} to send it: {_reason(error)}") from None
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=printable(path.name, one_line=True))
    server = f"{settings.host}:{settings.port}"
    context = None
    if settings.security != "none":
        try:
            context = ssl.create_default_context(cafile=settings.ca_file)
        except (OSError, ssl.SSLError) as error:
            raise MailError(f"cannot read {settings.source} [smtp] ca_file: {_reason(error)}") from None
    try:
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.user:
                assert secret is not None
                client.login(settings.user, secret)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise MailError(f"the mail server {server} refused the login of {settings.user}: {_reason(error)}") from None
    except smtplib.SMTPNotSupportedError as error:
        what = "STARTTLS" if settings.security == "starttls" and "STARTTLS" in str(error).upper() else "that"
        raise MailError(f"the mail server {server} does not support {what}: {_reason(error)}") from None
    except smtplib.SMTPRecipientsRefused as error:
        said = "; ".join(_reason(smtplib.SMTPResponseException(code, text)) for code, text in error.recipients.values())
        raise MailError(f"the mail server {server} refused the address {to}: {said}") from None
    except smtplib.SMTPSenderRefused as error:
        raise MailError(f"the mail server {server} refused the sender {settings.sender}: {_reason(error)}") from None
    except smtplib.SMTPException as error:
        raise MailError(f"the mail server {server} did not take the mail: {_reason(error)}") from None
    except ssl.SSLError as error:
        raise MailError(f"no secure connection to the mail server {server}: {_reason(error)}") from None
    except TimeoutError:
        raise MailError(f"the mail server {server} did not answer within {settings.timeout:g} s") from None
    except OSError as error:
        raise MailError(f"cannot reach the mail server {server}: {_reason(error)}") from None


__all__ = ["MailError", "MailSettings", "OWN_ADDRESS", "check_address", "mail_settings", "password",
           "read_mail_settings", "recipient", "send_file"]
