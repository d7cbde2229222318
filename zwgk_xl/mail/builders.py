"""The mail builders, pure: a master or a Report in, EmailMessages (as Outgoing) and findings out. They load no
reader and no writer (a test checks it), so building one email costs what the email costs.

Each is linear in units and tasks: assignments are grouped by unit and by task once per Report.
"""

from __future__ import annotations

import html
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
            f"请于 {due} 前将填好的文件直接回复本邮件。" if due else "请按通知要求的时间将填好的文件直接回复本邮件。",
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


def reminders(
    report: Report,
    sender: str,
    unchanged: Mapping[str, Sequence[str]] | None = None,
    previous: str = "",
) -> tuple[list[Outgoing], list[Finding]]:
    """催报: units that have not returned, and units with overdue or incomplete tasks, each told which tasks. In a
    round after the first, ``unchanged`` (unit id → task ids, workbook.roundbook.unchanged_tasks) names the
    unfinished tasks a unit left as they were in round ``previous``."""
    tl = report.master.tasklist
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
        if not line.returned:
            why = "尚未报送填报表"
        else:
            parts = [
                f"{len(overdue)} 项任务已过完成时限" if overdue else "",
                f"{len(missing)} 项任务未填报" if missing else "",
                f"{len(kept)} 项任务进展与上轮相同" if kept else "",
            ]
            why = "有" + "、".join(p for p in parts if p)
        msg = new_message(sender, to, f"【催报】{tl.title}——{line.unit.name}{why}")
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
        text = intro + "\n\n" + text_table(headers, rows)
        blocks = [f"<p>{html.escape(intro)}</p>", html_table(headers, rows)]
        if kept:
            same_rows = [
                (report.task(a.task_id).number, report.task(a.task_id).text[:60], a.role, a.status) for a in kept
            ]
            same_head = ("序号", "重点工作", "角色", "状态")
            say = f"以下 {len(kept)} 项任务尚未完成，填报内容与上轮（{previous or '上一轮'}）相同，请核实是否有新进展："
            text += "\n\n" + say + "\n" + text_table(same_head, same_rows)
            blocks += [f"<p>{html.escape(say)}</p>", html_table(same_head, same_rows)]
        msg.set_content(text)
        msg.add_alternative(html_page(f"{tl.title} 催报", blocks), subtype="html")
        kept_ids = tuple(a.task_id for a in kept)  # a reminder that names other unchanged tasks is a new one
        key = message_key("催报", line.unit.id, report.master.list_id, report.as_of, tuple(rows), *kept_ids)
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
    msg = new_message(sender, office, f"【汇总】{tl.title}（截至 {report.as_of}）")
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
            "各单位情况：\n" + text_table(UNIT_HEADERS, _unit_rows(report)),
            "逾期任务：\n" + (text_table(("序号", "重点工作", "完成时限", "总体状态"), overdue) if overdue else "无"),
            "问题清单：\n"
            + (text_table(("级别", "问题类型", "单位", "任务", "说明"), prob_rows) if prob_rows else "无")
            + more,
        ]
    )
    msg.set_content(text)
    msg.add_alternative(
        html_page(
            f"{tl.title} 汇总",
            [
                f"<p>{html.escape(intro)}</p>",
                "<h4>各单位情况</h4>",
                html_table(UNIT_HEADERS, _unit_rows(report)),
                "<h4>逾期任务</h4>",
                html_table(("序号", "重点工作", "完成时限", "总体状态"), overdue) if overdue else "<p>无</p>",
                "<h4>问题清单</h4>",
                html_table(("级别", "问题类型", "单位", "任务", "说明"), prob_rows) if prob_rows else "<p>无</p>",
                f"<p>{html.escape(more)}</p>" if more else "",
            ],
        ),
        subtype="html",
    )
    attach(msg, merged)
    return Outgoing(
        "汇总",
        "",
        msg,
        message_key("汇总", report.master.list_id, report.as_of, digest(merged), tuple(office)),
        str(merged),
    )


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
                    t.number,
                    t.text[:50],
                    tline.status,
                    tline.reported,
                    "逾期" if tline.overdue else "",
                    "；".join(others),
                )
            )
        headers = ("序号", "重点工作", "总体状态", "已报/应报", "逾期", "责任单位状态")
        msg = new_message(sender, to, f"【牵头任务进展】{tl.title}——{line.unit.name}")
        intro = f"{line.unit.name}：截至 {report.as_of}，贵单位牵头的 {len(led)} 项任务进展如下，请督促责任单位落实。"
        msg.set_content(intro + "\n\n" + text_table(headers, rows))
        msg.add_alternative(
            html_page(f"{tl.title} 牵头任务进展", [f"<p>{html.escape(intro)}</p>", html_table(headers, rows)]),
            subtype="html",
        )
        out.append(
            Outgoing(
                "牵头",
                line.unit.name,
                msg,
                message_key("牵头", line.unit.id, report.master.list_id, report.as_of, tuple(rows)),
            )
        )
    return out, found
