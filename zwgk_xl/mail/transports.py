"""Transports that send built messages: an outbox of .eml files, or SMTP (SSL, STARTTLS or plain); and ``deliver``,
which sends what the sent log does not list yet, so a re-run after an interruption resumes where it stopped."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import smtplib
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from zwgk_xl.atomic import atomic_path
from zwgk_xl.mail.message import Outgoing
from zwgk_xl.workbook.xlsx import file_name


class MailServerError(Exception):
    """The mail server cannot be used at all (nothing was sent): not reachable, or it refused the login. The message
    is the Chinese sentence the clerk reads; each case says what to check."""


def reason(exc: BaseException) -> str:
    """What went wrong sending one message, in Chinese (the server's own words kept after it)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "收件人地址被邮件服务器拒绝：" + "、".join(exc.recipients)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"发件人地址被邮件服务器拒绝：{exc.sender}（{exc.smtp_code}）"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"邮件服务器拒收（{exc.smtp_code} {text}）"
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
        return f"与邮件服务器的连接中断（{exc}）"
    return f"发送失败（{exc}）"


class Transport(Protocol):
    name: str

    def __enter__(self) -> Transport: ...

    def __exit__(self, *exc: object) -> None: ...

    def send(self, out: Outgoing) -> str: ...


class OutboxTransport:
    """Writes each message as an .eml file a clerk can open and send from their own mail client."""

    name = "outbox"

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._taken: set[str] = set()

    def __enter__(self) -> OutboxTransport:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, out: Outgoing) -> str:
        """Written as a draft: ``X-Unsent: 1`` makes Outlook (and Foxmail) open it ready to send rather than as a
        received mail; without a From the client sends it from the clerk's own account."""
        path = self.folder / file_name(f"{out.kind}_{out.unit or '区府办'}", self._taken, suffix=".eml")
        with atomic_path(path) as tmp:  # the header goes on the file only: the message itself stays as built
            tmp.write_bytes(b"X-Unsent: 1\n" + out.message.as_bytes())
        return str(path)


class SmtpTransport:
    """SMTP with SSL, STARTTLS or plain (loopback tests), logging in when a user is given."""

    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        security: str = "ssl",
        user: str = "",
        password: str = "",
        timeout: float = 30.0,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.user, self.password, self.timeout = user, password, timeout
        self.context = context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        where = f"{self.host}:{self.port}"
        try:
            if self.security == "ssl":
                self._smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
            else:
                self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    self._smtp.starttls(context=self.context)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailServerError(
                f"无法连接邮件服务器 {where}（{exc}）；请检查服务器地址、端口、加密方式（ssl/starttls）和网络"
            ) from exc
        if self.user:
            try:
                self._smtp.login(self.user, self.password)
            except smtplib.SMTPAuthenticationError as exc:
                self.__exit__()
                raise MailServerError(
                    f"邮件服务器 {where} 拒绝登录（{exc.smtp_code}）：用户名或密码（授权码）不正确，"
                    "请检查配置中的 user 和密码"
                ) from exc
            except (smtplib.SMTPException, OSError) as exc:
                self.__exit__()
                raise MailServerError(f"登录邮件服务器 {where} 失败（{exc}）") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()

    def send(self, out: Outgoing) -> str:
        assert self._smtp is not None, "use SmtpTransport as a context manager"
        self._smtp.send_message(out.message)
        return f"{self.host}:{self.port}"


@dataclass
class Delivery:
    sent: list[Outgoing] = field(default_factory=list)
    skipped: list[Outgoing] = field(default_factory=list)
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)


def sent_keys(log: Path) -> set[str]:
    if not log.exists():
        return set()
    keys = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            keys.add(json.loads(line)["key"])
    return keys


def deliver(
    outgoing: Sequence[Outgoing], transport: Transport, log: Path, *, resend: bool = False, pause: float = 0.0
) -> Delivery:
    """Send what has not been sent before (by the sent log), pausing between messages; one failure does not stop
    the rest. Each success is appended to the log at once, so an interrupted run resumes where it stopped."""
    done = set() if resend else sent_keys(log)
    report = Delivery()
    log.parent.mkdir(parents=True, exist_ok=True)
    with transport:
        for i, out in enumerate(outgoing):
            if out.key in done:
                report.skipped.append(out)
                continue
            if i and pause:
                time.sleep(pause)
            try:
                where = transport.send(out)
            except (smtplib.SMTPException, OSError) as exc:
                report.failed.append((out, reason(exc)))
                continue
            report.sent.append(out)
            done.add(out.key)
            entry = {
                "key": out.key,
                "kind": out.kind,
                "unit": out.unit,
                "to": out.to,
                "subject": str(out.message["Subject"]),
                "attachment": Path(out.attachment).name if out.attachment else "",
                "via": transport.name,
                "where": where,
                "time": dt.datetime.now().isoformat(timespec="seconds"),
            }
            with log.open("a", encoding="utf-8") as f:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return report
