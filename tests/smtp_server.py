"""A real SMTP server (aiosmtpd) on a loopback port the operating system picks, for the e-mail
tests: it keeps what it received, checks a login when given users, and can speak STARTTLS or
implicit TLS with a certificate made for it (openssl). Started and stopped by the test itself."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    def attachments(self) -> list[tuple[str, str, bytes]]:
        """(file name, content type, bytes) of each attachment."""
        return [(part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
                for part in self.message.iter_attachments()]


@dataclass
class SmtpServer:
    users: dict[str, str] = field(default_factory=dict)  # login -> password; empty: no login offered
    tls: str = "none"  # none | starttls | tls
    certificate: Path | None = None  # with its key beside it (.key), for starttls and tls
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            login, password = data.login.decode(), data.password.decode()
            if self.users.get(login) == password:
                self.logins.append(login)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def _context(self) -> ssl.SSLContext | None:
        if self.tls == "none":
            return None
        assert self.certificate is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificate, self.certificate.with_suffix(".key"))
        return context

    def _protocol(self) -> SMTP:
        return SMTP(self, authenticator=self._authenticate if self.users else None, auth_require_tls=False,
                    tls_context=self._context() if self.tls == "starttls" else None,
                    require_starttls=self.tls == "starttls")

    def start(self) -> SmtpServer:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-smtp", daemon=True)
        self._thread.start()
        implicit = self._context() if self.tls == "tls" else None
        made = asyncio.run_coroutine_threadsafe(
            self._loop.create_server(self._protocol, "127.0.0.1", 0, ssl=implicit), self._loop)
        self._server = made.result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def close() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


def make_certificate(folder: Path) -> Path | None:
    """A self-signed certificate for 127.0.0.1 (cert.pem, its key cert.key); None without openssl."""
    if shutil.which("openssl") is None:
        return None
    certificate, key = folder / "cert.pem", folder / "cert.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True, timeout=60)
    return certificate


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_table(server: SmtpServer | None, *, port: int | None = None, security: str = "none",
               user: str | None = "exports", password_env: str = "HUBTUI_TEST_SMTP_PASSWORD",
               ca_file: Path | None = None, addresses: dict[str, str] | None = None) -> str:
    """The [smtp] table of a config.toml that points at `server` (or at `port`)."""
    lines = ["[smtp]", 'host = "127.0.0.1"', f"port = {port if port is not None else server.port}",  # type: ignore[union-attr]
             f'security = "{security}"', 'from = "Exports <exports@hubtui.test>"', "timeout = 10"]
    if user is not None:
        lines += [f'user = "{user}"', f'password_env = "{password_env}"']
    if ca_file is not None:
        lines.append(f'ca_file = "{ca_file}"')
    if addresses:
        lines.append("[smtp.addresses]")
        lines += [f'{name} = "{address}"' for name, address in addresses.items()]
    return "\n".join(lines) + "\n"
