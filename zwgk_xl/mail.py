"""Mail: pure builders that return EmailMessage objects, and transports that send them (SMTP, or .eml files).

Messages are built first and sent after, so `--dry-run` shows exactly what would go to whom, and a sent log (JSON
lines) makes a re-run safe: a message already sent is skipped unless `--resend`. Every address comes from the
roster; a unit with none gets a finding, not a crash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import mimetypes
import smtplib
import ssl
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.atomic import atomic_path
from zwgk_xl.master import Master
from zwgk_xl.model import Finding, Unit
from zwgk_xl.plan import UnitPlan
from zwgk_xl.report import Report
from zwgk_xl.vocab import (
    DONE,
    IN_PROGRESS,
    LOCKED_NOTE,
    NOT_REPORTED,
    NOT_STARTED,
    ONGOING,
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    SEVERITY_TITLES,
    UNFILLED,
    returned_units,
)
from zwgk_xl.workbook.xlsx import file_name

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


def _addresses(unit: Unit) -> list[str]:
    return [a.strip() for a in unit.email.replace("；", ";").replace(",", ";").split(";") if a.strip()]


def _new(sender: str, to: Sequence[str], subject: str) -> EmailMessage:
    msg = EmailMessage()
    name, addr = parseaddr(sender)
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


def _key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _html(title: str, blocks: Iterable[str]) -> str:
    style = (
        "body{font-family:'Microsoft YaHei','SimSun',sans-serif;font-size:14px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #999;padding:3px 6px;font-size:13px}"
        "th{background:#D9E1F2}.r{color:#C00000;font-weight:bold}"
    )
    return (
        f"<html><head><meta charset='utf-8'><style>{style}</style></head><body><h3>{html.escape(title)}</h3>"
        + "".join(blocks)
        + "</body></html>"
    )


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _text_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    return "\n".join(["\t".join(headers), *("\t".join(str(v) for v in row) for row in rows)])


# ------------------------------------------------------------------------------------------------ builders


def distribution(
    master: Master, files: Sequence[tuple[Unit, Path]], sender: str
) -> tuple[list[Outgoing], list[Finding]]:
    """Each unit its own workbook: what to fill, by when, whom to ask."""
    tl, meta = master.tasklist, master.meta
    due, contact = meta.get(C.K_DUE, ""), meta.get(C.K_CONTACT, "")
    plans = {p.unit.id: p for p in master.plans}
    out, found = [], []
    for unit, path in files:
        to = _addresses(unit)
        if not to:
            found.append(findings.make("no-email", unit=unit.name, file=str(path), kind="分发"))
            continue
        msg = _new(sender, to, f"【请填报】{tl.title}——{unit.name}")
        lines = [
            f"{unit.name}：",
            "",
            f"附件是贵单位在《{tl.title}》中承担的任务填报表（{_count(plans.get(unit.id))}）。",
            "请在黄色单元格中填写完成状态（下拉选择）、进展情况、完成（预计）时间、佐证材料、存在问题及下步计划；"
            "牵头的任务请另填“牵头汇总”。" + LOCKED_NOTE,
            f"请于 {due} 前将填好的文件直接回复本邮件。" if due else "请按通知要求的时间将填好的文件直接回复本邮件。",
            f"如有疑问请联系：{contact}" if contact else "",
        ]
        msg.set_content("\n".join(lines))
        attach(msg, path)
        key = _key("分发", unit.id, master.list_id, master.round, _digest(path))
        out.append(Outgoing("分发", unit.name, msg, key, str(path)))
    return out, found


def _count(plan: UnitPlan | None) -> str:
    if plan is None:
        return "0 项"
    return f"共 {len(plan.rows)} 项，其中牵头 {plan.leads} 项"


def reminders(
    report: Report,
    sender: str,
    unchanged: Mapping[str, Sequence[str]] | None = None,
    previous: str = "",
) -> tuple[list[Outgoing], list[Finding]]:
    """催报: units that have not returned, and units with overdue or incomplete tasks, each told which tasks. In a
    round after the first, ``unchanged`` (unit id → task ids, roundbook.unchanged_tasks) names the unfinished tasks
    a unit left as they were in round ``previous``."""
    tl = report.master.tasklist
    out, found = [], []
    for line in report.units:
        mine = [a for a in report.assignments if a.unit_id == line.unit.id]
        overdue = [a for a in mine if a.overdue]
        missing = [a for a in mine if a.status in {NOT_REPORTED, UNFILLED} and not a.overdue]
        same = set((unchanged or {}).get(line.unit.id, ()))
        kept = [a for a in mine if a.task_id in same and not a.overdue]
        if line.returned and not overdue and not missing and not kept:
            continue
        to = _addresses(line.unit)
        if not to:
            found.append(findings.make("no-email", unit=line.unit.name, kind="催报"))
            continue
        if not line.returned:
            why = "尚未报送填报表"
        else:
            parts = [
                f"{len(overdue)} 项任务已过完成时限" if overdue else "",
                f"{len(missing)} 项任务未填报" if missing else "",
                f"{len(kept)} 项任务进展与上轮相同" if kept else "",
            ]
            why = "有" + "、".join(p for p in parts if p)
        msg = _new(sender, to, f"【催报】{tl.title}——{line.unit.name}{why}")
        rows = [
            (
                report.task(a.task_id).number,
                report.task(a.task_id).text[:60],
                a.role,
                report.task(a.task_id).deadline.text,
                a.status,
                "逾期" if a.overdue else "",
            )
            for a in overdue + missing
        ]
        headers = ("序号", "重点工作", "角色", "完成时限", "状态", "逾期")
        intro = f"{line.unit.name}：截至 {report.as_of}，贵单位{why}。请尽快处理以下任务："
        text, blocks = (
            intro + "\n\n" + _text_table(headers, rows),
            [f"<p>{html.escape(intro)}</p>", _table(headers, rows)],
        )
        if kept:
            same_rows = [
                (report.task(a.task_id).number, report.task(a.task_id).text[:60], a.role, a.status) for a in kept
            ]
            same_head = ("序号", "重点工作", "角色", "状态")
            say = f"以下 {len(kept)} 项任务尚未完成，填报内容与上轮（{previous or '上一轮'}）相同，请核实是否有新进展："
            text += "\n\n" + say + "\n" + _text_table(same_head, same_rows)
            blocks += [f"<p>{html.escape(say)}</p>", _table(same_head, same_rows)]
            rows = [*rows, *same_rows]
        msg.set_content(text)
        msg.add_alternative(_html(f"{tl.title} 催报", blocks), subtype="html")
        key = _key("催报", line.unit.id, report.master.list_id, report.as_of, tuple(rows))
        out.append(Outgoing("催报", line.unit.name, msg, key))
    return out, found


def _unit_rows(report: Report) -> list[tuple[object, ...]]:
    return [
        (
            u.unit.name,
            u.tasks,
            "是" if u.returned else "否",
            *(u.counts.get(s, 0) for s in _MAIL_STATUSES),
            u.overdue,
        )
        for u in report.units
    ]


#: The summary mail's table of units leaves out 不涉及 (a column of zeros in most districts).
_MAIL_STATUSES = (DONE, ONGOING, IN_PROGRESS, NOT_STARTED, NOT_REPORTED)
UNIT_HEADERS = ("单位", "任务数", "已报送", *_MAIL_STATUSES, "逾期")


def summary(report: Report, merged: Path, sender: str, office: Sequence[str], limit: int = 200) -> Outgoing:
    """To the office: the merged workbook, the per-unit table, the overdue list and the problem list."""
    tl = report.master.tasklist
    msg = _new(sender, office, f"【汇总】{tl.title}（截至 {report.as_of}）")
    overdue = [
        (
            report.task(t.task_id).number,
            report.task(t.task_id).text[:60],
            report.task(t.task_id).deadline.text,
            t.status,
        )
        for t in report.tasks
        if t.overdue
    ]
    problems = [f for f in report.findings if f.severity in {"error", "warning"}]
    prob_rows = [
        (SEVERITY_TITLES[f.severity], findings.title(f.code), f.unit, f.task_id, f.message) for f in problems[:limit]
    ]
    returned = sum(1 for u in report.units if u.returned)
    intro = (
        f"截至 {report.as_of}，{returned_units(returned, len(report.units))}；"
        f"逾期 {len(overdue)} 项；{findings.tally(report.findings)}。汇总表见附件，下列错误和警告 {len(problems)} 条。"
    )
    more = f"（另有 {len(problems) - limit} 条，见附件“问题清单”）" if len(problems) > limit else ""
    text = "\n\n".join(
        [
            intro,
            "各单位情况：\n" + _text_table(UNIT_HEADERS, _unit_rows(report)),
            "逾期任务：\n" + (_text_table(("序号", "重点工作", "完成时限", "总体状态"), overdue) if overdue else "无"),
            "问题清单：\n"
            + (_text_table(("级别", "问题类型", "单位", "任务", "说明"), prob_rows) if prob_rows else "无")
            + more,
        ]
    )
    msg.set_content(text)
    msg.add_alternative(
        _html(
            f"{tl.title} 汇总",
            [
                f"<p>{html.escape(intro)}</p>",
                "<h4>各单位情况</h4>",
                _table(UNIT_HEADERS, _unit_rows(report)),
                "<h4>逾期任务</h4>",
                _table(("序号", "重点工作", "完成时限", "总体状态"), overdue) if overdue else "<p>无</p>",
                "<h4>问题清单</h4>",
                _table(("级别", "问题类型", "单位", "任务", "说明"), prob_rows) if prob_rows else "<p>无</p>",
                f"<p>{html.escape(more)}</p>" if more else "",
            ],
        ),
        subtype="html",
    )
    attach(msg, merged)
    return Outgoing(
        "汇总", "", msg, _key("汇总", report.master.list_id, report.as_of, _digest(merged), tuple(office)), str(merged)
    )


def lead_status(report: Report, sender: str) -> tuple[list[Outgoing], list[Finding]]:
    """Each lead unit: the status of the tasks it leads, unit by unit."""
    tl = report.master.tasklist
    out, found = [], []
    names = {u.unit.id: u.unit.name for u in report.units}
    for line in report.units:
        led = [a.task_id for a in report.assignments if a.unit_id == line.unit.id and a.role == ROLE_LEAD]
        if not led:
            continue
        to = _addresses(line.unit)
        if not to:
            found.append(findings.make("no-email", unit=line.unit.name, kind="牵头任务进展"))
            continue
        rows = []
        for tid in led:
            t, tline = report.task(tid), report.line(tid)
            others = [
                f"{names[a.unit_id]}：{a.status}"
                for a in report.assignments
                if a.task_id == tid and a.role == ROLE_RESPONSIBLE
            ]
            rows.append(
                (
                    t.number,
                    t.text[:50],
                    tline.status,
                    tline.reported,
                    "逾期" if tline.overdue else "",
                    "；".join(others),
                )
            )
        headers = ("序号", "重点工作", "总体状态", "已报/应报", "逾期", "责任单位状态")
        msg = _new(sender, to, f"【牵头任务进展】{tl.title}——{line.unit.name}")
        intro = f"{line.unit.name}：截至 {report.as_of}，贵单位牵头的 {len(led)} 项任务进展如下，请督促责任单位落实。"
        msg.set_content(intro + "\n\n" + _text_table(headers, rows))
        msg.add_alternative(
            _html(f"{tl.title} 牵头任务进展", [f"<p>{html.escape(intro)}</p>", _table(headers, rows)]), subtype="html"
        )
        out.append(
            Outgoing(
                "牵头",
                line.unit.name,
                msg,
                _key("牵头", line.unit.id, report.master.list_id, report.as_of, tuple(rows)),
            )
        )
    return out, found


# ------------------------------------------------------------------------------------------------ transports


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
        path = self.folder / file_name(f"{out.kind}_{out.unit or '区府办'}", self._taken, suffix=".eml")
        with atomic_path(path) as tmp:
            tmp.write_bytes(out.message.as_bytes())
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
        if self.security == "ssl":
            self._smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
        else:
            self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                self._smtp.starttls(context=self.context)
        if self.user:
            self._smtp.login(self.user, self.password)
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
    outgoing: Sequence[Outgoing], transport, log: Path, *, resend: bool = False, pause: float = 0.0
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
                report.failed.append((out, f"{type(exc).__name__}: {exc}"))
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
