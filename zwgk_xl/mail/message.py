"""One email: the Outgoing record, headers, attachments with Chinese names, the HTML and text tables, the key that
makes a re-run skip what was sent. Pure: nothing here connects or writes."""

from __future__ import annotations

import hashlib
import html
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from zwgk_xl.model import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Outgoing:
    kind: str  # 分发 / 催报 / 汇总 / 牵头
    unit: str
    message: EmailMessage
    key: str
    attachment: str = ""

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def size(self) -> int:
        return Path(self.attachment).stat().st_size if self.attachment else 0


def addresses(unit: Unit) -> list[str]:
    return [a.strip() for a in unit.email.replace("；", ";").replace(",", ";").split(";") if a.strip()]


def new_message(sender: str, to: Sequence[str], subject: str) -> EmailMessage:
    """``sender`` from the configuration; empty when none is set: a draft opened in Outlook or Foxmail then goes out
    from the clerk's own account (never from a made-up address such as zwgk@localhost)."""
    msg = EmailMessage()
    name, addr = parseaddr(sender)
    if addr:
        msg["From"] = formataddr((name, addr)) if name else addr
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=addr.split("@")[-1] if "@" in addr else "zwgk.local")
    return msg


def attach(msg: EmailMessage, path: Path) -> None:
    """Attach a file so clients show its Chinese name: RFC 2231 ``filename*`` in Content-Disposition (folded into
    ``filename*0*`` continuations when long), which Outlook, Foxmail and the webmails read. No ``name`` parameter on
    Content-Type: Python's email package re-folds a long Content-Type carrying one into encoded words and garbles
    the MIME type itself (seen with both an RFC 2047 and an RFC 2231 name), which would cost the attachment."""
    ctype = mimetypes.guess_type(path.name)[0] or XLSX
    if path.suffix.lower() == ".xlsx":
        ctype = XLSX
    maintype, subtype = ctype.split("/", 1)
    msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)


def message_key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def html_page(title: str, blocks: Iterable[str]) -> str:
    style = (
        "body{font-family:'Microsoft YaHei','SimSun',sans-serif;font-size:14px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #999;padding:3px 6px;font-size:13px}"
        "th{background:#D9E1F2;white-space:nowrap}td{vertical-align:top}td.n{white-space:nowrap}"
        "td.t{min-width:18em}.r{color:#C00000;font-weight:bold}tr.r td{color:#C00000}"
    )
    return (
        f"<html><head><meta charset='utf-8'><style>{style}</style></head><body><h3>{html.escape(title)}</h3>"
        + "".join(blocks)
        + "</body></html>"
    )


def html_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], text_cols: Sequence[int] = (), red: Sequence[bool] = ()
) -> str:
    """A table whose short columns never wrap (a narrow column in a mail client broke 序号 or 完成时限 one character
    per line) and whose ``text_cols`` are at least 18 characters wide; rows marked in ``red`` (overdue) are red.
    Styles are inline: Outlook drops much of a <style> block."""
    head = "".join(f'<th style="white-space:nowrap">{html.escape(h)}</th>' for h in headers)
    short, wide = ' style="white-space:nowrap"', ' style="min-width:18em"'
    lines = []
    for i, row in enumerate(rows):
        colour = ' style="color:#C00000"' if i < len(red) and red[i] else ""
        cells = "".join(f"<td{wide if j in text_cols else short}>{html.escape(str(v))}</td>" for j, v in enumerate(row))
        lines.append(f"<tr{colour}>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def text_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    return "\n".join(["\t".join(headers), *("\t".join(str(v) for v in row) for row in rows)])
