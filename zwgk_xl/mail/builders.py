"""The mail builders, pure: a master or a Report in, EmailMessages (as Outgoing) and findings out. They load no
reader and no writer (a test checks it), so building one email costs what the email costs.

Each is linear in units and tasks: assignments are grouped by unit and by task once per Report.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.mail.message import (
    Outgoing,
    addresses,
    attach,
    digest,
    html_page,
    html_table,
    message_key,
    new_message,
    text_table,
)
from zwgk_xl.model import Finding, Unit
from zwgk_xl.plan import Master, UnitPlan
from zwgk_xl.report import Assign, Report
from zwgk_xl.vocab import (
    LOCKED_NOTE,
    NOT_REPORTED,
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    SEVERITY_ORDER,
    SEVERITY_TITLES,
    SUMMARY_STATUSES,
    TASK_STATUSES,
    UNFILLED,
    returned_units,
)


def distribution(
    master: Master, files: Sequence[tuple[Unit, Path]], sender: str
) -> tuple[list[Outgoing], list[Finding]]:
    """Each unit its own workbook: what to fill, by when, whom to ask."""
    tl, meta = master.tasklist, master.meta
    due, contact = meta.get(C.K_DUE, ""), meta.get(C.K_CONTACT, "")
    plans = {p.unit.id: p for p in master.plans}
    out, found = [], []
    for unit, path in files:
        to = addresses(unit)
        if not to:
            found.append(findings.make("no-email", unit=unit.name, file=str(path), kind="分发"))
            continue
        msg = new_message(sender, to, f"【请填报】{tl.title}——{unit.name}")
        lines = [
            f"{unit.name}：",
            "",
            f"附件是贵单位在《{tl.title}》中承担的任务填报表（{_count(plans.get(unit.id))}）。",
            "请在黄色单元格中填写完成状态（下拉选择）、进展情况、完成（预计）时间、佐证材料、存在问题及下步计划；"
            "牵头的任务请另填“牵头汇总”。" + LOCKED_NOTE,
            f"请于{C.display_date(due)}前将填好的文件直接回复本邮件。"
            if due
            else "请按通知要求的时间将填好的文件直接回复本邮件。",
            f"如有疑问请联系：{contact}" if contact else "",
        ]
        msg.set_content("\n".join(lines))
        attach(msg, path)
        key = message_key("分发", unit.id, master.list_id, master.round, digest(path))
        out.append(Outgoing("分发", unit.name, msg, key, str(path)))
    return out, found


def _count(plan: UnitPlan | None) -> str:
    if plan is None:
        return "0 项"
    return f"共 {len(plan.rows)} 项，其中牵头 {plan.leads} 项"


#: The mails' closing lines.
SIGNATURE = "（本邮件由政务公开重点任务清单工具生成，如有疑问请直接回复。）"


def _due_and_contact(report: Report) -> list[str]:
    meta = report.master.meta
    due, contact = meta.get(C.K_DUE, ""), meta.get(C.K_CONTACT, "")
    from zwgk_xl.consolidation import return_due

    day = return_due(report.master)
    if day and report.as_of and report.as_of[:10] > day.isoformat():  # a reminder after the due date, not "by" it
        ask = f"报送截止时间（{C.display_date(due)}）已过，请尽快将填好的填报表直接回复本邮件。"
    elif due:
        ask = f"请于{C.display_date(due)}前将填好的填报表直接回复本邮件。"
    else:
        ask = "请尽快将填好的填报表直接回复本邮件。"
    return [
        ask,
        f"联系人：{contact}" if contact else "",
    ]


def _sign(report: Report) -> list[str]:
    contact = report.master.meta.get(C.K_CONTACT, "")
    return ["", contact.split()[0] if contact else (report.master.tasklist.issuer or "区府办"), SIGNATURE]


def _text(t_text: str, limit: int = 120) -> str:
    """A task's text whole, or cut cleanly with "……" when it is very long (the full text is in the form)."""
    return t_text if len(t_text) <= limit else t_text[: limit - 2].rstrip("，、；。 ") + "……"


REMINDER_HEADERS = ("序号", "任务编号", "重点工作", "角色", "完成时限", "状态", "逾期")


def _reminder_reason(returned: bool, overdue: int, missing: int, kept: int) -> str:
    """Why a unit is reminded, as the subject and the first sentence say it."""
    if not returned:
        return "尚未报送填报表"
    parts = [
        f"{overdue} 项任务已过完成时限" if overdue else "",
        f"{missing} 项任务未填报" if missing else "",
        f"{kept} 项任务进展与上轮相同" if kept else "",
    ]
    return "有 " + "、".join(p for p in parts if p)


def _unchanged_part(report: Report, kept: Sequence[Assign], previous: str) -> tuple[list[str], list[str]]:
    """The second list of a later round's reminder (text lines, HTML blocks): unfinished tasks left as they were."""
    if not kept:
        return [], []
    tl = report.master.tasklist
    same_rows = [(C.task_label(tl, a.task_id), a.task_id, _text(report.task(a.task_id).text), a.status) for a in kept]
    same_head = ("序号", "任务编号", "重点工作", "状态")
    say = f"以下 {len(kept)} 项任务尚未完成，填报内容与上轮（{previous or '上一轮'}）相同，请核实是否有新进展："
    return [say, text_table(same_head, same_rows), ""], [
        f"<p>{html.escape(say)}</p>",
        html_table(same_head, same_rows, text_cols=(2,)),
    ]


def _reminder_rows(report: Report, listed: Sequence[Assign]) -> list[tuple[str, ...]]:
    """One row per task a reminder lists: the number as printed, the id, the text, role, deadline, status."""
    tl = report.master.tasklist
    return [
        (
            C.task_label(tl, a.task_id),
            a.task_id,
            _text(report.task(a.task_id).text),
            a.role,
            report.task(a.task_id).deadline.text or "—",
            a.status,
            "逾期" if a.overdue else "",
        )
        for a in listed
    ]


def reminders(
    report: Report,
    sender: str,
    forms: Mapping[str, Path] | None = None,
    unchanged: Mapping[str, Sequence[str]] | None = None,
    previous: str = "",
) -> tuple[list[Outgoing], list[Finding]]:
    """催报: units that have not returned, and units with overdue or unfilled tasks, each told which tasks (the number
    as the list prints it, with its sections, and the task's id), by when to reply and whom to ask; a unit that has
    not returned gets its form again (``forms``: unit id → its workbook from the outbox folder). In a round after
    the first, ``unchanged`` (unit id → task ids, workbook.roundbook.unchanged_tasks) names the unfinished tasks a
    unit left as they were in round ``previous``: a second list."""
    tl = report.master.tasklist
    forms = forms or {}
    day = C.display_date(report.as_of)
    out, found = [], []
    for line in report.units:
        mine = report.assignments_of(line.unit.id)
        overdue = [a for a in mine if a.overdue]
        missing = [a for a in mine if a.status in {NOT_REPORTED, UNFILLED} and not a.overdue]
        same = set((unchanged or {}).get(line.unit.id, ()))
        kept = [a for a in mine if a.task_id in same]  # overdue or not: a second list, of what did not move
        if line.returned and not overdue and not missing and not kept:
            continue
        to = addresses(line.unit)
        if not to:
            found.append(findings.make("no-email", unit=line.unit.name, kind="催报"))
            continue
        why = _reminder_reason(line.returned, len(overdue), len(missing), len(kept))
        msg = new_message(sender, to, f"【催报】{tl.title}——{line.unit.name}：{why}")
        listed = overdue + missing
        rows = _reminder_rows(report, listed)
        headers = REMINDER_HEADERS
        form = forms.get(line.unit.id) if not line.returned else None
        intro = f"截至{day}，贵单位{why}。请尽快处理以下任务："
        tail = [*_due_and_contact(report)]
        if form is not None:
            tail.insert(0, "填报表已再次附上。")
        same_part, same_blocks = _unchanged_part(report, kept, previous)
        lines = [f"{line.unit.name}：", "", intro, "", text_table(headers, rows), "", *same_part, *tail, *_sign(report)]
        msg.set_content("\n".join(lines))
        blocks = [
            f"<p>{html.escape(line.unit.name)}：</p><p>{html.escape(intro)}</p>",
            html_table(headers, rows, text_cols=(2,), red=[a.overdue for a in listed]),
            *same_blocks,
            *(f"<p>{html.escape(x)}</p>" for x in tail if x),
            *(f"<p>{html.escape(x)}</p>" for x in _sign(report) if x),
        ]
        msg.add_alternative(html_page(f"{tl.title} 催报", blocks), subtype="html")
        if form is not None:
            attach(msg, form)
        kept_ids = tuple(a.task_id for a in kept)  # a reminder that names other unchanged tasks is a new one
        key = message_key("催报", line.unit.id, report.master.list_id, report.as_of, tuple(rows), *kept_ids)
        out.append(Outgoing("催报", line.unit.name, msg, key, str(form) if form else ""))
    return out, found


def _unit_rows(report: Report) -> list[tuple[object, ...]]:
    return [
        (
            u.unit.name,
            u.tasks,
            "是" if u.returned else "否",
            *(u.counts.get(s, 0) for s in SUMMARY_STATUSES),
            u.overdue,
        )
        for u in report.units
    ]


#: The summary mail's table of units: every status a unit's task can be in, so each row adds up to 任务数.
UNIT_HEADERS = ("单位", "任务数", "已报送", *SUMMARY_STATUSES, "逾期")


def summary(report: Report, merged: Path, sender: str, office: Sequence[str]) -> Outgoing:
    """To the office: the status breakdown first, the table of units (each row adds up), the overdue tasks, the
    problems counted by type with the errors listed, and the merged workbook attached (every finding is in its
    问题清单)."""
    tl = report.master.tasklist
    day = C.display_date(report.as_of)
    msg = new_message(sender, office, f"【汇总】{tl.title}（截至{day}）")
    intro, overdue, kind_rows, error_rows = _summary_figures(report)
    text = "\n\n".join(
        [
            "\n".join(intro),
            "各单位情况：\n" + text_table(UNIT_HEADERS, _unit_rows(report)),
            "逾期任务：\n" + (text_table(OVERDUE_HEADERS, overdue) if overdue else "无"),
            "问题（按类型）：\n" + (text_table(KIND_HEADERS, kind_rows) if kind_rows else "无"),
            "错误：\n" + (text_table(ERROR_HEADERS, error_rows) if error_rows else "无"),
            "\n".join(_sign(report)).strip(),
        ]
    )
    msg.set_content(text)
    msg.add_alternative(_summary_html(report, intro, overdue, kind_rows, error_rows), subtype="html")
    attach(msg, merged)
    return Outgoing(
        "汇总",
        "",
        msg,
        message_key("汇总", report.master.list_id, report.as_of, digest(merged), tuple(office)),
        str(merged),
    )


KIND_HEADERS = ("级别", "问题类型", "条数")
ERROR_HEADERS = ("问题类型", "单位", "任务", "文件", "说明")
Rows = list[tuple[object, ...]]


def _summary_figures(report: Report) -> tuple[list[str], Rows, Rows, Rows]:
    """The summary's opening lines, its overdue tasks, its problems by type and its errors."""
    tl = report.master.tasklist
    day = C.display_date(report.as_of)
    overdue: Rows = [
        (
            C.task_label(tl, t.task_id),
            t.task_id,
            _text(report.task(t.task_id).text),
            report.task(t.task_id).deadline.text,
            t.status,
        )
        for t in report.tasks
        if t.overdue
    ]
    counts = Counter(t.status for t in report.tasks)
    breakdown = "，".join(f"{s} {counts[s]} 项" for s in TASK_STATUSES if counts[s])
    returned = sum(1 for u in report.units if u.returned)
    by_type = Counter((f.severity, f.code) for f in report.findings)
    kinds = sorted(by_type.items(), key=lambda kv: (SEVERITY_ORDER[kv[0][0]], -kv[1]))
    kind_rows: Rows = [(SEVERITY_TITLES[sev], findings.title(code), n) for (sev, code), n in kinds]
    errors = [f for f in report.findings if f.severity == "error"]
    error_rows: Rows = [
        (findings.title(f.code), f.unit, f.task_id, Path(f.file).name if f.file else "", f.message) for f in errors
    ]
    intro = [
        "领导：",
        "",
        f"截至{day}，《{tl.title}》共 {len(report.tasks)} 项任务：{breakdown}；逾期 {len(overdue)} 项。",
        f"{returned_units(returned, len(report.units))}。{findings.tally(report.findings)}，按类型统计如下，"
        "错误逐条列出；全部问题见附件汇总工作簿的“问题清单”。",
    ]
    return intro, overdue, kind_rows, error_rows


def _summary_html(report: Report, intro: list[str], overdue: Rows, kind_rows: Rows, error_rows: Rows) -> str:
    return html_page(
        f"{report.master.tasklist.title} 汇总",
        [
            *(f"<p>{html.escape(x)}</p>" for x in intro if x),
            "<h4>各单位情况</h4>",
            html_table(UNIT_HEADERS, _unit_rows(report), red=[u.overdue > 0 for u in report.units]),
            "<h4>逾期任务</h4>",
            html_table(OVERDUE_HEADERS, overdue, text_cols=(2,), red=[True] * len(overdue)) if overdue else "<p>无</p>",
            "<h4>问题（按类型）</h4>",
            html_table(KIND_HEADERS, kind_rows) if kind_rows else "<p>无</p>",
            "<h4>错误</h4>",
            html_table(ERROR_HEADERS, error_rows, text_cols=(4,)) if error_rows else "<p>无</p>",
            *(f"<p>{html.escape(x)}</p>" for x in _sign(report) if x),
        ],
    )


OVERDUE_HEADERS = ("序号", "任务编号", "重点工作", "完成时限", "总体状态")


def lead_status(report: Report, sender: str) -> tuple[list[Outgoing], list[Finding]]:
    """Each lead unit: the status of the tasks it leads, unit by unit."""
    tl = report.master.tasklist
    out, found = [], []
    names = {u.unit.id: u.unit.name for u in report.units}
    for line in report.units:
        led = [a.task_id for a in report.assignments_of(line.unit.id) if a.role == ROLE_LEAD]
        if not led:
            continue
        to = addresses(line.unit)
        if not to:
            found.append(findings.make("no-email", unit=line.unit.name, kind="牵头任务进展"))
            continue
        rows = []
        for tid in led:
            t, tline = report.task(tid), report.line(tid)
            others = [
                f"{names[a.unit_id]}：{a.status}" for a in report.assignments_on(tid) if a.role == ROLE_RESPONSIBLE
            ]
            rows.append(
                (
                    C.task_label(tl, tid),
                    tid,
                    _text(t.text),
                    tline.status,
                    tline.reported,
                    "逾期" if tline.overdue else "",
                    "；".join(others) or "—",
                )
            )
        headers = ("序号", "任务编号", "重点工作", "总体状态", "已报/应报", "逾期", "责任单位状态")
        msg = new_message(sender, to, f"【牵头任务进展】{tl.title}——{line.unit.name}")
        intro = f"截至{C.display_date(report.as_of)}，贵单位牵头的 {len(led)} 项任务进展如下，请督促责任单位落实。"
        tail = _due_and_contact(report)[1:]
        msg.set_content(
            "\n".join([f"{line.unit.name}：", "", intro, "", text_table(headers, rows), "", *tail, *_sign(report)])
        )
        blocks = [
            f"<p>{html.escape(line.unit.name)}：</p><p>{html.escape(intro)}</p>",
            html_table(headers, rows, text_cols=(2, 6), red=[r[5] == "逾期" for r in rows]),
            *(f"<p>{html.escape(x)}</p>" for x in (*tail, *_sign(report)) if x),
        ]
        msg.add_alternative(html_page(f"{tl.title} 牵头任务进展", blocks), subtype="html")
        out.append(
            Outgoing(
                "牵头",
                line.unit.name,
                msg,
                message_key("牵头", line.unit.id, report.master.list_id, report.as_of, tuple(rows)),
            )
        )
    return out, found
