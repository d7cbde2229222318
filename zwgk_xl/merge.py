"""Master + returns → consolidation → a rebuilt master workbook (a new file; the input master is never touched).

总体状态 rule (one task, from the statuses of the units assigned to it; 不涉及 answers are set aside):

1. nobody has reported                                   → 未报送
2. every reporting unit says 不涉及                       → 不涉及
3. every assigned unit reported, and all say 已完成       → 已完成
4. every reported status is 已完成 or 持续推进, at least
   one 持续推进, and every assigned unit reported         → 持续推进
5. everything reported is 未启动                          → 未启动
6. otherwise (work started, or some units still to report) → 推进中

逾期: the task's due date (the last date of its 完成时限) is before --as-of, and the 总体状态 is neither 已完成 nor
不涉及, nor 持续推进 on a task whose 完成时限 is itself ongoing (持续推进, 长期坚持 …).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl import rounds as R
from zwgk_xl.atomic import atomic_path
from zwgk_xl.build import readme_lines, write_master_table, write_readme, write_roster_sheet
from zwgk_xl.bulk import paused_gc
from zwgk_xl.checks import is_overdue, return_findings
from zwgk_xl.collect import Collection, collect
from zwgk_xl.master import Master, read_master
from zwgk_xl.model import Answer, Finding, Submission, Task, Unit
from zwgk_xl.plan import UnitPlan
from zwgk_xl.units import join_names
from zwgk_xl.vocab import (
    DONE,
    IN_PROGRESS,
    NOT_APPLICABLE,
    NOT_REPORTED,
    NOT_STARTED,
    ONGOING,
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    SETTLED,
    SEVERITY_ORDER,
    SEVERITY_TITLES,
    SUMMARY_STATUSES,
    UNFILLED,
    fraction,
    returned_units,
)
from zwgk_xl.workbook.unitsheet import info_pairs, write_unit_sheet, write_value
from zwgk_xl.workbook.xlsx import (
    MAX_ROW_LINES,
    Styles,
    fit_cell,
    height,
    new_workbook,
    print_setup,
    row_height,
    sheet_name,
    write_hidden,
    write_link,
)

_LEAD_WIDTH = next(c.width for c in C.MASTER_COLUMNS if c.field == "lead_progress")
_RESP_WIDTH = next(c.width for c in C.MASTER_COLUMNS if c.field == "responsible_progress")

#: Up to this many units the merged workbook has a refreshed sheet per unit (a district has 40–100).
UNIT_SHEETS_MAX = 200


@dataclass(frozen=True)
class TaskResult:
    task: Task
    section: str
    status: str
    lead_progress: str
    responsible_progress: str
    reported: int
    expected: int
    overdue: bool

    def cells(self) -> dict[str, object]:
        return {
            "status": self.status,
            "lead_progress": self.lead_progress,
            "responsible_progress": self.responsible_progress,
            "reported": fraction(self.reported, self.expected),
            "overdue": "逾期" if self.overdue else "",
        }


@dataclass(frozen=True)
class UnitResult:
    unit: Unit
    tasks: int
    leads: int
    returned: bool
    counts: dict[str, int]
    overdue: int
    file: str
    reporter: str
    phone: str
    date: str

    @property
    def done_rate(self) -> float:
        done = sum(self.counts.get(s, 0) for s in SETTLED)
        return done / self.tasks if self.tasks else 0.0


@dataclass(frozen=True)
class Consolidation:
    master: Master
    collection: Collection
    plans: tuple[UnitPlan, ...]
    tasks: tuple[TaskResult, ...]
    units: tuple[UnitResult, ...]
    findings: tuple[Finding, ...]
    as_of: dt.date
    #: rounds: the state the master carried (earlier rounds, carried answers), what changed since, and the state
    #: this merge hands to the next round (rounds.py)
    rounds: R.RoundState = field(default_factory=R.RoundState)
    changes: R.Changes | None = None
    state_after: R.RoundState = field(default_factory=R.RoundState)

    @property
    def mark_shown(self) -> bool:
        return bool(self.changes and self.changes.previous)

    def mark(self, unit_id: str, task_id: str) -> str:
        """新填 / 已更新 / 沿用上轮 for a round after the first; "" in the first round (everything is new)."""
        return self.changes.mark(unit_id, task_id) if self.changes and self.changes.previous else ""

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def status_counts(self) -> dict[str, int]:
        c = Counter(t.status for t in self.tasks)
        return {s: c.get(s, 0) for s in SUMMARY_STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "title": self.master.tasklist.title,
            "returned": [s.unit.name for s in self.collection.submissions],
            "missing": [u.name for u in self.collection.missing],
            "tasks": [
                {"id": t.task.id, "number": t.task.number, **{k: v for k, v in t.cells().items()}} for t in self.tasks
            ],
            "units": [
                {
                    "unit": u.unit.name,
                    "tasks": u.tasks,
                    "leads": u.leads,
                    "returned": u.returned,
                    **u.counts,
                    "overdue": u.overdue,
                    "file": u.file,
                }
                for u in self.units
            ],
            "findings": [f.to_dict() for f in self.findings],
            "round": self.master.round,
            "changes": self._changes_json(),
        }

    def _changes_json(self) -> dict[str, Any] | None:
        """What changed since the previous round (None in a first round): for scripts, beside the findings."""
        ch = self.changes
        if ch is None or not ch.previous:
            return None
        return {
            "previous": ch.previous,
            "marks": ch.counts(),
            "stalled": list(ch.stalled),
            "regressed": [{"unit_id": u, "task_id": t} for u, t in ch.regressed],
            "improved_units": list(ch.improved_units),
            "stalled_units": list(ch.stalled_units),
        }

    def sheet_arrays(self) -> dict[str, list[list[object]]]:
        """The 总表 / 汇总 / 问题清单 as plain arrays (header first), for writers that take whole arrays (Excel)."""
        master = [
            [
                "任务编号",
                "序号",
                "重点工作",
                "牵头单位",
                "责任单位",
                "完成时限",
                *(c.header for c in C.MASTER_COLUMNS[7:]),
            ]
        ]
        for t in self.tasks:
            cells = t.cells()
            master.append(
                [
                    t.task.id,
                    t.task.number,
                    t.task.text,
                    join_names(t.task.lead),
                    join_names(t.task.responsible),
                    t.task.deadline.text,
                    *(cells[f] for f in C.CONSOLIDATION_FIELDS),
                ]
            )
        units = [["单位", "任务数", "其中牵头", "是否报送", *SUMMARY_STATUSES, "逾期", "完成率"]]
        for u in self.units:
            units.append(
                [
                    u.unit.name,
                    u.tasks,
                    u.leads,
                    "是" if u.returned else "否",
                    *(u.counts.get(s, 0) for s in SUMMARY_STATUSES),
                    u.overdue,
                    round(u.done_rate, 3),
                ]
            )
        issues = [["级别", "代码", "单位", "任务", "文件", "工作表", "单元格", "说明"]]
        for f in self.findings:
            issues.append(
                [
                    SEVERITY_TITLES[f.severity],
                    f.code,
                    f.unit,
                    f.task_id,
                    Path(f.file).name if f.file else "",
                    f.sheet,
                    f.cell,
                    f.message,
                ]
            )
        return {C.SHEET_MASTER: master, C.SHEET_DASHBOARD: units, C.SHEET_FINDINGS: issues}

    def to_frames(self) -> dict[str, Any]:
        """The same tables as pandas DataFrames, for an analyst's own script."""
        import pandas as pd

        data = self.to_json()
        return {
            "tasks": pd.DataFrame(data["tasks"]),
            "units": pd.DataFrame(data["units"]),
            "findings": pd.DataFrame(data["findings"]),
        }


def unit_status(sub: Submission | None, task_id: str) -> str:
    """One unit's status on one task: its answer; 未填报 for a row left without a status; 未报送 when the file or
    the row is missing. The dashboard counts 未填报 as 推进中 (work not reported done); reminders name it."""
    ans = sub.answer(task_id) if sub else None
    if ans is None:
        return NOT_REPORTED
    return ans.status or UNFILLED


def overall_status(statuses: list[str], expected: int) -> str:
    """The rule in the module docstring. ``statuses`` holds one entry per reporting unit."""
    if not statuses:
        return NOT_REPORTED
    relevant = [s or IN_PROGRESS for s in statuses if s != NOT_APPLICABLE]
    if not relevant:
        return NOT_APPLICABLE
    complete = len(statuses) >= expected
    if complete and all(s == DONE for s in relevant):
        return DONE
    if complete and all(s in {DONE, ONGOING} for s in relevant):
        return ONGOING
    if all(s == NOT_STARTED for s in relevant):
        return NOT_STARTED
    return IN_PROGRESS


def _progress(unit: Unit, a: Answer, full: bool, mark: str = "") -> str:
    """One unit's answer as a line of the 总表. The lead's line is whole; a responsible unit's line keeps its status
    and progress text (a task may have twenty such units; dates, evidence and plans stay in 填报明细)."""
    parts = [a.status_raw or a.status, a.progress]
    if full:
        if a.done_date or a.done_date_raw:
            parts.append(f"完成时间：{a.done_date.isoformat() if a.done_date else a.done_date_raw}")
        if a.evidence:
            parts.append(f"佐证：{a.evidence}")
        if a.plan:
            parts.append(f"问题及计划：{a.plan}")
    text = "：".join(p for p in parts[:2] if p)
    for p in parts[2:]:
        if p:  # "……完成。；佐证" reads badly: a sentence that ends itself needs no "；"
            text += p if not text or text[-1] in "。；;！!？?" else f"；{p}"
    if full and a.lead_summary:
        text += f"\n牵头汇总：{a.lead_summary}"
    if text and mark:
        text = f"〔{mark}〕{text}"
    return f"【{unit.short}】{text}" if text else ""


def _progress_cell(
    entries: list[tuple[Unit, Answer]], full: bool, width: float, mark: Callable[[Unit], str] = lambda u: ""
) -> str:
    """The units' lines for one 总表 cell. Where they need more lines than a row can show (Excel's rows stop at
    409 pt; a task led by twenty towns does), each unit keeps only its status and progress, under a count of the
    statuses that says where every unit's whole answer is: the cell still shows where it starts, and nothing is
    lost (填报明细 holds every field of every answer)."""
    text = "\n".join(line for u, a in entries if (line := _progress(u, a, full, mark(u))))
    if C.estimate_lines(text, width) <= MAX_ROW_LINES:
        return text
    counts = Counter(a.status_raw or a.status or UNFILLED for _, a in entries)
    head = (
        f"共 {len(entries)} 个单位（"
        + "，".join(f"{s} {n}" for s, n in counts.most_common())
        + f"），内容较多，各单位全文见“{C.SHEET_DETAIL}”："
    )
    return "\n".join([head, *(line for u, a in entries if (line := _progress(u, a, False, mark(u))))])


def consolidate(
    master_path: str | Path,
    returns: str | Path,
    as_of: dt.date | None = None,
    progress: Callable[[Path], None] | None = None,
    previous: R.RoundState | None = None,
) -> Consolidation:
    """``previous``: the earlier rounds when the master does not carry them (a master made by ``zwgk build``
    rather than ``zwgk next``): from the previous merged workbook or the audit record."""
    from zwgk_xl.workbook.roundbook import earlier_rounds, read_state

    master = read_master(master_path)
    as_of = as_of or dt.date.today()
    state = _state_for(master, previous or read_state(master.path))
    if state.rounds and not master.earlier_rounds:  # rounds known from elsewhere: their returns are stale too
        master = replace(master, meta={**master.meta, C.K_EARLIER_ROUNDS: earlier_rounds(state)})
    col = collect(master, returns, progress)
    plans = master.plans
    by_unit: dict[str, Submission] = {s.unit.id: s for s in col.submissions}
    tl = master.tasklist
    task_rows: list[TaskResult] = []
    per_task: dict[str, list[tuple[Unit, str, Answer | None]]] = {t.id: [] for t in tl.tasks}
    for plan in plans:
        sub = by_unit.get(plan.unit.id)
        for task, a in plan.rows:
            per_task[task.id].append((plan.unit, a.role, sub.answer(task.id) if sub else None))
    task_status = {
        t.id: overall_status([a.status for _, _, a in per_task[t.id] if a is not None], len(per_task[t.id]))
        for t in tl.tasks
    }
    entries_r = [
        R.Entry(u.id, u.name, tid, R.answer_values(a) if a is not None else None)
        for tid, rows in per_task.items()
        for u, _, a in rows
    ]
    changes = R.compare(state, entries_r, task_status)
    shown = changes.marks if changes.previous else {}
    for task in tl.tasks:
        entries = per_task[task.id]
        reported = [(u, role, a) for u, role, a in entries if a is not None]
        status = task_status[task.id]

        def mark(u: Unit, tid: str = task.id) -> str:
            return shown.get((u.id, tid), "")

        lead = _progress_cell([(u, a) for u, role, a in reported if role == ROLE_LEAD], True, _LEAD_WIDTH, mark)
        resp = _progress_cell([(u, a) for u, role, a in reported if role == ROLE_RESPONSIBLE], False, _RESP_WIDTH, mark)
        section = tl.section(task.section_path[0]).heading if task.section_path else ""
        task_rows.append(
            TaskResult(task, section, status, lead, resp, len(reported), len(entries), is_overdue(task, status, as_of))
        )
    unit_rows = []
    for plan in plans:
        sub = by_unit.get(plan.unit.id)
        statuses = [(t, unit_status(sub, t.id)) for t, _ in plan.rows]
        counts = Counter(IN_PROGRESS if s == UNFILLED else s for _, s in statuses)
        overdue = sum(1 for t, s in statuses if is_overdue(t, s, as_of))
        unit_rows.append(
            UnitResult(
                plan.unit,
                len(plan.rows),
                plan.leads,
                sub is not None,
                {s: counts.get(s, 0) for s in SUMMARY_STATUSES},
                overdue,
                sub.file if sub else "",
                sub.reporter if sub else "",
                sub.phone if sub else "",
                (sub.date.isoformat() if sub and sub.date else (sub.date_raw if sub else "")),
            )
        )
    checks = return_findings(tl, plans, by_unit, as_of, master.index)
    all_findings = (*master.findings, *col.findings, *checks, *changes.findings)
    refused = R.withheld(
        all_findings, {s.unit.id: s.file for s in col.submissions}, {u.name: u.id for u in master.roster.units}
    )
    carried = R.carry_forward(
        state,
        master.round,
        {s.unit.id: {a.task_id: R.answer_values(a) for a in s.answers} for s in col.submissions},
        {p.unit.id: [t.id for t, _ in p.rows] for p in plans},
        refused,
    )
    after = R.after_merge(state, master.round, as_of, task_status, carried, refused, marks=changes.marks)
    return Consolidation(
        master,
        col,
        tuple(plans),
        tuple(task_rows),
        tuple(unit_rows),
        tuple(all_findings),
        as_of,
        state,
        changes,
        after,
    )


def _state_for(master: Master, found: R.RoundState | None) -> R.RoundState:
    """The earlier rounds as seen from this master's round (a merged workbook's state is ready for the next)."""
    if found is None:
        return R.RoundState(current=master.round)
    rounds = tuple(r for r in found.rounds if r.label != master.round)
    history = tuple(h for h in found.history if h[0] != master.round)
    return R.RoundState(master.round, rounds, history, found.carried, found.withheld)


# --------------------------------------------------------------------------------------------------- workbook


def _dashboard(wb, st: Styles, result: Consolidation) -> None:
    ws = wb.add_worksheet(C.SHEET_DASHBOARD)
    tl = result.master.tasklist
    unit_headers = ("单位", "任务数", "其中牵头", "是否报送", *SUMMARY_STATUSES, "逾期", "完成率")
    rate_col = len(unit_headers) - 1
    returned_cols = list(enumerate(C.DASHBOARD_RETURN_COLUMNS, start=len(unit_headers)))
    last_col = returned_cols[-1][0]
    ws.set_column(0, 0, 34)
    ws.set_column(1, rate_col, 9)
    for i, col in returned_cols:
        ws.set_column(i, i, col.width)
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last_col, f"{tl.title}  汇总（截至 {result.as_of.isoformat()}）", st.title())
    counts = result.status_counts()
    overdue = sum(1 for t in result.tasks if t.overdue)
    returned = sum(1 for u in result.units if u.returned)
    head, body = st.head(), st.get(border=1, align="center")
    name_fmt = st.get(border=1, align="left", text_wrap=True)
    pct = st.get(border=1, align="center", num_format="0%")
    key = [
        ("任务总数", len(result.tasks)),
        *counts.items(),
        ("逾期", overdue),
        ("已报送单位", fraction(returned, len(result.units))),
        *([(R.STALLED, len(result.changes.stalled))] if result.changes and result.changes.previous else []),
    ]
    for i, (label, _) in enumerate(key):  # row by row: the sheet is streamed (xlsx.StreamedWorksheet)
        ws.write_string(2, i, label, head)
    for i, (_, value) in enumerate(key):
        ws.write(3, i, value, body)
    r0 = 5
    for i, h in enumerate((*unit_headers, *(c.header for c in C.DASHBOARD_RETURN_COLUMNS))):
        ws.write_string(r0, i, h, head)
    for r, u in enumerate(result.units, start=r0 + 1):
        ws.write_string(r, 0, u.unit.short, name_fmt)
        returned = {
            "reporter": u.reporter,
            "phone": u.phone,
            "date": u.date,
            "file": Path(u.file).name if u.file else "",
        }
        for i, col in returned_cols:
            ws.write_string(r, i, returned[col.field], name_fmt)
        ws.set_row(r, row_height([(u.unit.short, 34), *((returned[c.field], c.width) for _, c in returned_cols)]))
        ws.write_number(r, 1, u.tasks, body)
        ws.write_number(r, 2, u.leads, body)
        ws.write_string(
            r,
            3,
            "是" if u.returned else "否",
            st.get(border=1, align="center", font_color="#C00000") if not u.returned else body,
        )
        for i, s in enumerate(SUMMARY_STATUSES, start=4):
            ws.write_number(r, i, u.counts.get(s, 0), body)
        ws.write_number(r, 4 + len(SUMMARY_STATUSES), u.overdue, body)
        ws.write_number(r, rate_col, u.done_rate, pct)
    last_unit = r0 + len(result.units)
    s0 = last_unit + 2
    sec_headers = ("栏目", "任务数", *SUMMARY_STATUSES, "逾期")
    for i, h in enumerate(sec_headers):
        ws.write_string(s0, i, h, head)
    sections: dict[str, list[TaskResult]] = {}
    for t in result.tasks:
        sections.setdefault(t.section, []).append(t)
    for r, (sec, rows) in enumerate(sections.items(), start=s0 + 1):
        c = Counter(t.status for t in rows)
        ws.write_string(r, 0, sec, name_fmt)
        ws.set_row(r, row_height([(sec, 34)]))
        ws.write_number(r, 1, len(rows), body)
        for i, s in enumerate(SUMMARY_STATUSES, start=2):
            ws.write_number(r, i, c.get(s, 0), body)
        ws.write_number(r, 2 + len(SUMMARY_STATUSES), sum(1 for t in rows if t.overdue), body)
    # charts: completion by unit, and the share of each status
    bar = wb.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": "完成率",
            "categories": [C.SHEET_DASHBOARD, r0 + 1, 0, last_unit, 0],
            "values": [C.SHEET_DASHBOARD, r0 + 1, rate_col, last_unit, rate_col],
            "fill": {"color": "#5B9BD5"},
            "data_labels": {"value": True, "num_format": "0%"},
        }
    )
    bar.set_title({"name": "各单位完成率", "name_font": {"name": C.FONT_HEAD, "size": 12}})
    bar.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "num_font": {"name": C.FONT_BODY}})
    bar.set_y_axis({"reverse": True, "num_font": {"name": C.FONT_BODY, "size": 8}})
    bar.set_legend({"none": True})
    # a bar per unit; past ~100 units the bars get thin rather than the chart taller than a screen can scroll
    bar.set_size({"width": 560, "height": min(2000, max(320, 18 * len(result.units) + 80))})
    ws.insert_chart(20, last_col + 2, bar)
    pie = wb.add_chart({"type": "pie"})
    pie.add_series(
        {
            "name": "任务状态",
            "categories": [C.SHEET_DASHBOARD, 2, 1, 2, len(SUMMARY_STATUSES)],
            "values": [C.SHEET_DASHBOARD, 3, 1, 3, len(SUMMARY_STATUSES)],
            "data_labels": {"value": True, "category": True, "leader_lines": True},
            "points": [{"fill": {"color": C.STATUS_COLORS.get(s, "#BFBFBF")}} for s in SUMMARY_STATUSES],
        }
    )
    pie.set_title({"name": "任务状态分布", "name_font": {"name": C.FONT_HEAD, "size": 12}})
    pie.set_size({"width": 480, "height": 320})
    ws.insert_chart(2, last_col + 2, pie)
    ws.freeze_panes(r0 + 1, 1)
    print_setup(ws, 0, 0)


def _findings_sheet(wb, st: Styles, result: Consolidation, task_rows: dict[str, int]) -> None:
    ws = wb.add_worksheet(C.SHEET_FINDINGS)
    headers = ("序号", "级别", "问题类型", "单位", "任务", "文件", "工作表", "单元格", "说明")
    widths = (6, 6, 18, 26, 8, 36, 10, 9, 70)
    for i, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(i, i, w)
        ws.write_string(0, i, h, st.head())
    wrap = st.get(border=1, text_wrap=True, valign="top")
    link = st.get(border=1, font_color="#0563C1", underline=1, valign="top")
    colors = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#FFFFFF"}
    items = sorted(result.findings, key=lambda f: SEVERITY_ORDER[f.severity])
    uris: dict[str, str] = {}  # one file has many findings
    names: dict[str, str] = {"": ""}
    for r, f in enumerate(items, start=1):
        label, color = SEVERITY_TITLES[f.severity], colors[f.severity]
        name = names.get(f.file) or names.setdefault(f.file, Path(f.file).name)
        kind = findings.title(f.code)
        ws.write_number(r, 0, r, wrap)
        ws.write_string(r, 1, label, st.get(border=1, bg_color=color, align="center", valign="top"))
        ws.write_string(r, 2, kind, wrap)
        ws.write_string(r, 3, f.unit, wrap)
        if f.task_id in task_rows:
            write_link(ws, r, 4, f"internal:'{C.SHEET_MASTER}'!A{task_rows[f.task_id]}", f.task_id, link, wrap)
        else:
            ws.write_string(r, 4, f.task_id, wrap)
        ws.write_string(r, 5, name, wrap)
        ws.write_string(r, 6, f.sheet, wrap)
        if f.file and f.cell and len(f.file) < 200:
            if f.file not in uris:
                uris[f.file] = Path(os.path.abspath(f.file)).as_uri()
            sheet_ref = f.sheet.replace("'", "''")
            write_link(ws, r, 7, f"external:{uris[f.file]}#'{sheet_ref}'!{f.cell}", f.cell, link, wrap)
        else:
            ws.write_string(r, 7, f.cell, wrap)
        ws.write_string(r, 8, fit_cell(f.message, f"{name} {f.cell}"), wrap)
        ws.set_row(r, row_height([(f.message, widths[8]), (name, widths[5]), (f.unit, widths[3]), (kind, widths[2])]))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(items), 1), len(headers) - 1)
    print_setup(ws, 0, 0)


def _detail_sheet(wb, st: Styles, result: Consolidation, by_unit: dict[str, Submission]) -> None:
    """Every unit's answer on every task it has, one row each, in roster order: the table a clerk filters by unit or
    status. A unit that did not return, or left a row out, shows 未报送 on it; a row without a status shows 未填报.

    Gridlines instead of cell borders (on screen and printed), so an empty cell costs nothing to write: this sheet
    has five rows per unit."""
    ws = wb.add_worksheet(C.SHEET_DETAIL)
    ws.hide_gridlines(0)
    cols = C.DETAIL_COLUMNS
    fmts = {}
    for i, col in enumerate(cols):
        ws.set_column(i, i, col.width)
        ws.write_string(0, i, col.header, st.head())
        fmts[col.field] = st.get(
            text_wrap=col.wrap,
            align="center" if col.center else "left",
            **({"num_format": "yyyy-mm-dd"} if col.field == "done_date" else {}),
            **({"font_name": C.FONT_TEXT} if col.field in ("text", "progress", "lead_summary", "plan") else {}),
        )
    ws.set_row(0, 30)
    status_fmts = {s: st.get(align="center", bg_color=color) for s, color in C.STATUS_COLORS.items()}
    missing_fmt = st.get(align="center", font_color="#C00000")
    at = {col.field: i for i, col in enumerate(cols)}
    formats = [fmts[col.field] for col in cols]
    widths = [col.width for col in cols]
    status_at = at["status"]
    change_at = at.get("change")
    mark_fmts = {m: st.get(align="center", bg_color=c) for m, c in C.MARK_COLORS.items()}
    answer_at = [(at[f], f) for f in ("progress", "done_date", "evidence", "plan", "lead_summary")]
    # a task's own cells are the same on every unit's row: worked out once per task
    task_cells = {
        t.id: (
            (at["id"], t.id),
            (at["number"], int(t.number) if t.number.isdigit() else t.number),
            (at["text"], t.text),
            (at["deadline"], t.deadline.text),
        )
        for t in result.master.tasklist.tasks
    }
    r = 0
    for plan in result.plans:
        sub = by_unit.get(plan.unit.id)
        head = (at["unit"], plan.unit.short)
        where = f"报送文件 {Path(sub.file).name if sub else ''}"
        for task, a in plan.rows:
            r += 1
            ans = sub.answer(task.id) if sub else None
            # the status as counted (a synonym shows as the status it counts as; unknown text as typed)
            status = (ans.status or ans.status_raw or UNFILLED) if ans else NOT_REPORTED
            ws.write_string(r, status_at, status, status_fmts.get(status, missing_fmt))
            if change_at is not None and (mark := result.mark(plan.unit.id, task.id)):
                ws.write_string(r, change_at, mark, mark_fmts[mark])
            lines = 1
            cells = [head, (at["role"], a.role), *task_cells[task.id]]
            if ans is not None:
                given = _answer_cells(ans)
                cells += [(i, given[f]) for i, f in answer_at]
            for i, v in cells:
                if v.__class__ is str:
                    if not v:
                        continue
                    v = fit_cell(v, where)  # one cell of a return: over-long only if forged
                    ws.write_string(r, i, v, formats[i])
                    lines = max(lines, C.estimate_lines(v, widths[i]))
                elif v is not None:
                    write_value(ws, r, i, v, formats[i])
            ws.set_row(r, height(lines))
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(r, 1), len(cols) - 1)
    print_setup(ws, 0, 0)


def write_merged(
    result: Consolidation, path: str | Path, now: dt.datetime | None = None, unit_sheets: bool | None = None
) -> Path:
    """``unit_sheets``: a refreshed sheet per unit, as in the master. By default only up to UNIT_SHEETS_MAX units:
    beyond that a workbook of hundreds of tabs is slow to open and cannot be navigated, and 填报明细 (always
    written) holds the same answers in one table."""
    target = Path(path)
    if target.exists() and target.resolve() == result.master.path.resolve():
        raise ValueError("汇总结果不能覆盖原总表，请指定新的文件名")
    tl = result.master.tasklist
    by_unit = {s.unit.id: s for s in result.collection.submissions}
    with_unit_sheets = len(result.plans) <= UNIT_SHEETS_MAX if unit_sheets is None else unit_sheets
    with atomic_path(target) as tmp, paused_gc():
        wb = new_workbook(tmp, large=True)
        st = Styles(wb)
        lines = readme_lines(
            tl,
            list(result.plans),
            result.master.meta.get(C.K_DUE, ""),
            result.master.meta.get(C.K_CONTACT, ""),
            result.master.round,
            with_unit_sheets,
        )
        counts = result.status_counts()
        returned = sum(1 for u in result.units if u.returned)
        overdue = sum(1 for t in result.tasks if t.overdue)
        lines[2:2] = [
            f"汇总截至 {result.as_of.isoformat()}：{returned_units(returned, len(result.units))}；"
            + "，".join(f"{k} {v}" for k, v in counts.items() if v)
            + f"；逾期 {overdue} 项；{findings.tally(result.findings)}，见“{C.SHEET_FINDINGS}”。",
            f"各单位逐项填报内容见“{C.SHEET_DETAIL}”（可按单位、完成状态筛选）"
            + (
                "，每个单位另有一张工作表。"
                if with_unit_sheets
                else f"；单位较多（{len(result.plans)} 个），未逐个生成单位工作表。"
            ),
        ]
        write_readme(wb.add_worksheet(C.SHEET_README), st, lines)
        task_rows = write_master_table(
            wb.add_worksheet(C.SHEET_MASTER), st, tl, {t.task.id: t.cells() for t in result.tasks}
        )
        _dashboard(wb, st, result)
        _findings_sheet(wb, st, result, task_rows)
        _detail_sheet(wb, st, result, by_unit)
        from zwgk_xl.workbook.roundbook import earlier_rounds, write_history_sheet, write_state

        write_history_sheet(wb, st, tl, result.state_after, result.changes)
        taken: set[str] = set(C.RESERVED_SHEETS)
        for plan in result.plans if with_unit_sheets else ():
            sub = by_unit.get(plan.unit.id)
            answers = {a.task_id: _answer_cells(a) for a in sub.answers} if sub else {}
            info = {"reporter": sub.reporter, "phone": sub.phone, "date": sub.date or sub.date_raw} if sub else {}
            ws = wb.add_worksheet(sheet_name(plan.unit.short, taken))
            marks = {t.id: result.mark(plan.unit.id, t.id) for t, _ in plan.rows} if result.mark_shown else None
            write_unit_sheet(ws, st, tl, plan, protect=False, answers=answers, info=info, notes=marks)
        write_roster_sheet(
            wb.add_worksheet(C.SHEET_ROSTER), st, result.master.roster, {p.unit.id: len(p.rows) for p in result.plans}
        )
        generated = (now or dt.datetime.now()).isoformat(timespec="seconds")
        meta = result.master.meta
        write_hidden(
            wb,
            info_pairs(
                tl,
                result.master.round,
                generated,
                [
                    (C.K_KIND, "master"),
                    (C.K_DUE, meta.get(C.K_DUE, "")),
                    (C.K_CONTACT, meta.get(C.K_CONTACT, "")),
                    (C.K_TASK_IDS, ",".join(t.id for t in tl.tasks)),
                    ("merged_as_of", result.as_of.isoformat()),
                    (C.K_EARLIER_ROUNDS, earlier_rounds(result.rounds)),
                ],
            ),
        )
        write_state(wb, result.state_after)
        from zwgk_xl.report import from_consolidation, write_rows

        write_rows(wb, from_consolidation(result))
        wb.worksheets()[1].activate()
        wb.close()
    return target


def _answer_cells(a: Answer) -> dict[str, object]:
    return {
        "status": a.status_raw or a.status,
        "progress": a.progress,
        "done_date": a.done_date or a.done_date_raw,
        "evidence": a.evidence,
        "plan": a.plan,
        "lead_summary": a.lead_summary,
    }
