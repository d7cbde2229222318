"""The consolidation rules, pure: a master (plan) + the verified returns + an as-of date → per-task and per-unit
results and findings. No file is opened here: merge.py collects the returns, workbook/merged.py writes the result.

总体状态 rule (one task, from the statuses of the units assigned to it). A unit "has reported" a task when its
returned file has the task's row with something typed in it; a row left blank is 未填报 (a finding names the unit
and the task) and counts as not reported.

0. the task reaches no unit (only a vague designation such as 有关部门单位) → 待指定
1. none of the units that must report has reported               → 未报送
2. every assigned unit reported, and all say 不涉及               → 不涉及
   (不涉及 answers are then set aside: a unit that says so has nothing to do)
3. someone reported only 不涉及 while others are still to report  → 未报送 (those who must act have not reported)
4. every assigned unit reported, and all the rest say 已完成      → 已完成
5. all reported and the rest are 已完成 or 持续推进, one 持续推进 → 持续推进
6. everything reported (不涉及 aside) is 未启动                   → 未启动
7. otherwise (work started, or some units still to report)        → 推进中

逾期: the task's due date (the last date of its 完成时限) is before --as-of, and the 总体状态 is neither 已完成 nor
不涉及, nor 持续推进 on a task whose 完成时限 is itself ongoing (持续推进, 长期坚持 …).

完成率 of a unit: its 已完成 tasks ÷ (its tasks − its 不涉及 tasks); 不涉及 is left out of both sides. A unit that has
not returned its file has no 完成率 (shown as 未报送, never as 0 %).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl import rounds as R
from zwgk_xl.checks import is_overdue, return_findings
from zwgk_xl.deadlines import parse as parse_deadline
from zwgk_xl.model import Answer, Finding, Outcome, Submission, Task, Unit
from zwgk_xl.plan import Master, UnitPlan, task_fields
from zwgk_xl.vocab import (
    DONE,
    IN_PROGRESS,
    NOT_APPLICABLE,
    NOT_REPORTED,
    NOT_STARTED,
    ONGOING,
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    SEVERITY_TITLES,
    STATUSES,
    SUMMARY_STATUSES,
    TASK_STATUSES,
    TO_BE_NAMED,
    UNFILLED,
    fraction,
)

if TYPE_CHECKING:
    from zwgk_xl.collect import Collection

#: A task's 总体状态 when it reaches no unit (only a vague designation): nobody can report it.
UNASSIGNED = TO_BE_NAMED
RATE_NOTE = "完成率 = 已完成 ÷（任务数 − 不涉及）：不涉及的任务不计入分子和分母；未报送的单位不计完成率。"


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
    late: str = ""  # the date of a return dated after the due date, as shown (2022年12月3日)

    @property
    def done_rate(self) -> float | None:
        """已完成 ÷ (tasks − 不涉及) (RATE_NOTE); None for a unit that has not returned or has only 不涉及."""
        base = self.tasks - self.counts.get(NOT_APPLICABLE, 0)
        if not self.returned or base <= 0:
            return None
        return self.counts.get(DONE, 0) / base


@dataclass(frozen=True)
class Consolidation(Outcome):
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

    def __repr__(self) -> str:  # the generated one printed every answer of every unit (428 KB for a district)
        return (
            f"Consolidation({self.master.tasklist.title!r}, as_of={self.as_of.isoformat()}, "
            f"returned {self.returned}/{len(self.units)} units, {len(self.tasks)} tasks, "
            f"{len(self.findings)} findings)"
        )

    @property
    def returned(self) -> int:
        """How many units returned a workbook that counts."""
        return sum(1 for u in self.units if u.returned)

    def status_counts(self) -> dict[str, int]:
        c = Counter(t.status for t in self.tasks)
        return {s: c.get(s, 0) for s in TASK_STATUSES}

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

    def sheet_arrays(self) -> dict[str, list[list[object]]]:
        """The 总表 / 汇总 / 问题清单 as plain arrays (header first), for writers that take whole arrays (Excel)."""
        # the 总表's own columns (contract.MASTER_COLUMNS), less 工作要求, which Excel's sheet leaves out
        columns = [c for c in C.MASTER_COLUMNS if c.field != "requirement"]
        master: list[list[object]] = [[c.header for c in columns]]
        for t in self.tasks:
            values: dict[str, object] = {**task_fields(t.task), **t.cells()}
            master.append([values[c.field] for c in columns])
        units: list[list[object]] = [["单位", "任务数", "其中牵头", "是否报送", *SUMMARY_STATUSES, "逾期", "完成率"]]
        for u in self.units:
            units.append(
                [
                    u.unit.name,
                    u.tasks,
                    u.leads,
                    "是" if u.returned else "否",
                    *(u.counts.get(s, 0) for s in SUMMARY_STATUSES),
                    u.overdue,
                    "" if u.done_rate is None else round(u.done_rate, 3),
                ]
            )
        issues: list[list[object]] = [["级别", "代码", "单位", "任务", "文件", "工作表", "单元格", "说明"]]
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
        """The results as pandas DataFrames for an analyst's own script, typed (counts are ints, flags bools, dates
        dates), one row per task, per unit, per finding, and per answer (every unit's answer on every task it has,
        未报送 where it has none): ``tasks``, ``units``, ``findings``, ``answers``."""
        import pandas as pd

        return {name: pd.DataFrame(rows) for name, rows in self.frame_rows().items()}

    def frame_rows(self) -> dict[str, list[dict[str, object]]]:
        """The rows of ``to_frames`` as plain dicts (for a script without pandas)."""
        tasks: list[dict[str, object]] = [
            {
                "id": t.task.id,
                "number": t.task.number,
                "section": t.section,
                "text": t.task.text,
                "deadline": t.task.deadline.text,
                "due": t.task.deadline.due,
                "status": t.status,
                "reported": t.reported,
                "expected": t.expected,
                "overdue": t.overdue,
                "lead_progress": t.lead_progress,
                "responsible_progress": t.responsible_progress,
            }
            for t in self.tasks
        ]
        units: list[dict[str, object]] = [
            {
                "unit": u.unit.name,
                "tasks": u.tasks,
                "leads": u.leads,
                "returned": u.returned,
                **{s: u.counts.get(s, 0) for s in SUMMARY_STATUSES},
                "overdue": u.overdue,
                "done_rate": u.done_rate,
                "file": u.file,
                "reporter": u.reporter,
                "phone": u.phone,
                "date": u.date,
            }
            for u in self.units
        ]
        return {
            "tasks": tasks,
            "units": units,
            "findings": [dict(f.to_dict()) for f in self.findings],
            "answers": self._answer_rows(),
        }

    def _answer_rows(self) -> list[dict[str, object]]:
        """Every unit's answer on every task it has, in roster order; 未报送 where it has none."""
        by_unit = {s.unit.id: s for s in self.collection.submissions}
        answers: list[dict[str, object]] = []
        for plan in self.plans:
            sub = by_unit.get(plan.unit.id)
            for task, a in plan.rows:
                ans = sub.answer(task.id) if sub else None
                answers.append(
                    {
                        "unit": plan.unit.name,
                        "task_id": task.id,
                        "role": a.role,
                        "status": unit_status(sub, task.id),
                        "status_raw": ans.status_raw if ans else "",
                        "progress": ans.progress if ans else "",
                        "done_date": ans.done_date if ans else None,
                        "done_date_raw": ans.done_date_raw if ans else "",
                        "evidence": ans.evidence if ans else "",
                        "plan": ans.plan if ans else "",
                        "lead_summary": ans.lead_summary if ans else "",
                        "overdue": is_overdue(task, unit_status(sub, task.id), self.as_of),
                        "file": sub.file if sub else "",
                        "cell": ans.cell("status") if ans else "",
                    }
                )
        return answers


def is_blank(a: Answer) -> bool:
    """A row of a returned file with nothing typed in it (the unit returned the file but not this task)."""
    return not (
        a.status
        or a.status_raw
        or a.progress
        or a.done_date
        or a.done_date_raw
        or a.evidence
        or a.plan
        or a.lead_summary
    )


def unit_status(sub: Submission | None, task_id: str) -> str:
    """One unit's status on one task: its answer; 未填报 for a row left blank; 未报送 when the file or the row is
    missing. A row with text but no status counts as 推进中 (work reported, not done)."""
    ans = sub.answer(task_id) if sub else None
    if ans is None:
        return NOT_REPORTED
    if is_blank(ans):
        return UNFILLED
    return ans.status or IN_PROGRESS


def overall_status(statuses: list[str], expected: int) -> str:
    """The rule in the module docstring. ``statuses`` holds one entry per unit that reported (blank rows are not
    reports); ``expected`` is the number of units the task reaches."""
    if expected == 0:
        return UNASSIGNED
    if not statuses:
        return NOT_REPORTED
    complete = len(statuses) >= expected
    relevant = [s or IN_PROGRESS for s in statuses if s != NOT_APPLICABLE]
    if not relevant:
        return NOT_APPLICABLE if complete else NOT_REPORTED
    if complete and all(s == DONE for s in relevant):
        return DONE
    if complete and all(s in {DONE, ONGOING} for s in relevant):
        return ONGOING
    if all(s == NOT_STARTED for s in relevant):
        return NOT_STARTED
    return IN_PROGRESS


def _progress(unit: Unit, a: Answer, full: bool, mark: str = "") -> str:
    """One unit's answer as a line of the 总表. The lead's line is whole; a responsible unit's line keeps its status
    and progress text (a task may have twenty such units; dates, evidence and plans stay in 填报明细). The status is
    the one it counts as (已完成, not "完成" as typed; unknown text as typed)."""
    parts = [a.status or a.status_raw, a.progress]
    if full:
        if a.done_date or a.done_date_raw:
            parts.append(f"完成时间：{C.display_date(a.done_date) if a.done_date else a.done_date_raw}")
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


def _status_order(item: tuple[str, object]) -> int:
    return STATUSES.index(item[0]) if item[0] in STATUSES else len(STATUSES)


def _progress_cell(
    entries: list[tuple[Unit, Answer]], full: bool, width: float, mark: Callable[[Unit], str] = lambda u: ""
) -> str:
    """The units' lines for one 总表 cell. Where they need more lines than a row can show (Excel's rows stop at
    409 pt; a task led by twenty towns does), each unit keeps only its status and progress under a count of the
    statuses; where even that is too tall, every unit is still named, under its status. The cell always names every
    unit that reported, and 填报明细 holds every field of every answer. One unit's text is never summarised."""
    text = "\n".join(line for u, a in entries if (line := _progress(u, a, full, mark(u))))
    if len(entries) <= 1 or C.estimate_lines(text, width) <= C.MAX_ROW_LINES:
        return text
    counts = Counter(a.status or a.status_raw or UNFILLED for _, a in entries)
    tally = "，".join(f"{s} {n}" for s, n in counts.most_common())
    brief = "\n".join(
        [
            f"共 {len(entries)} 个单位（{tally}），内容较多，各单位全文见“{C.SHEET_DETAIL}”：",
            *(line for u, a in entries if (line := _progress(u, a, False, mark(u)))),
        ]
    )
    if C.estimate_lines(brief, width) <= C.MAX_ROW_LINES:
        return brief
    by_status: dict[str, list[str]] = {}
    for u, a in entries:
        by_status.setdefault(a.status or a.status_raw or UNFILLED, []).append(u.short)
    return "\n".join(
        [
            f"共 {len(entries)} 个单位，各单位进展见“{C.SHEET_DETAIL}”：",
            *(f"{s}（{len(names)}）：" + "、".join(names) for s, names in sorted(by_status.items(), key=_status_order)),
        ]
    )


_DAY = re.compile(r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?$")


def return_due(master: Master) -> dt.date | None:
    """The date returns were due (build's --due, as typed: 2022-11-30, 2022年11月30日, 11月30日), if it is a date."""
    text = master.meta.get(C.K_DUE, "").strip()
    if m := _DAY.match(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if not text:
        return None
    d = parse_deadline(text, master.tasklist.year or dt.date.today().year)
    return d.dates[-1] if d.kind == "date" and len(d.dates) == 1 else None


def late_return(sub: Submission, due: dt.date | None) -> dt.date | None:
    """The date of a return dated after ``due`` (its 填报日期, else the file's time), or None."""
    if due is None:
        return None
    day = sub.date or (dt.date.fromtimestamp(sub.mtime) if sub.mtime else None)
    return day if day is not None and day > due else None


def unit_findings(plans: Sequence[UnitPlan], by_unit: dict[str, Submission], due: dt.date | None) -> list[Finding]:
    """Per-return rules of the consolidation: a returned file's blank task rows (未填报) and a return after the due
    date (逾期报送)."""
    out: list[Finding] = []
    for plan in plans:
        sub = by_unit.get(plan.unit.id)
        if sub is None:
            continue
        day = late_return(sub, due)
        if day is not None and due is not None:
            row, col = C.UNIT_INFO_ROW, next(v0 for name, _, _, v0, _ in C.UNIT_INFO if name == "填报日期")
            out.append(
                findings.make(
                    "late-return",
                    unit=plan.unit.name,
                    file=sub.file,
                    sheet=sub.sheet,
                    cell=f"{xl_col_to_name(col)}{row + 1}" if sub.date else "",
                    date=C.display_date(day),
                    due=C.display_date(due),
                    how="填报日期" if sub.date else "文件时间",
                )
            )
        for task, _ in plan.rows:
            a = sub.answer(task.id)
            if a is not None and is_blank(a):
                out.append(
                    findings.make(
                        "row-unfilled",
                        unit=plan.unit.name,
                        task_id=task.id,
                        file=sub.file,
                        sheet=sub.sheet,
                        cell=a.cell("status"),
                        number=task.number,
                    )
                )
    return out


def consolidation(master: Master, col: Collection, as_of: dt.date, state: R.RoundState | None = None) -> Consolidation:
    """The results of one merge from data in memory: the master as read, the returns as collected, the date the
    overdue rule counts from, and the earlier rounds (``state``, as seen from this master's round; none in a first
    round). Pure, so the 总体状态 rule runs on any data an analyst or a test puts together."""
    state = state or R.RoundState(current=master.round)
    plans = master.plans
    by_unit: dict[str, Submission] = {s.unit.id: s for s in col.submissions}
    tl = master.tasklist
    per_task: dict[str, list[tuple[Unit, str, Answer | None]]] = {t.id: [] for t in tl.tasks}
    for plan in plans:
        sub = by_unit.get(plan.unit.id)
        for task, a in plan.rows:
            per_task[task.id].append((plan.unit, a.role, sub.answer(task.id) if sub else None))
    due = return_due(master)
    reported_of = {
        t.id: [(u, role, a) for u, role, a in per_task[t.id] if a is not None and not is_blank(a)] for t in tl.tasks
    }
    task_status = {
        t.id: overall_status([a.status for _, _, a in reported_of[t.id]], len(per_task[t.id])) for t in tl.tasks
    }
    entries_r = [
        R.Entry(u.id, u.name, tid, R.answer_values(a) if a is not None else None)
        for tid, rows in per_task.items()
        for u, _, a in rows
    ]
    changes = R.compare(state, entries_r, task_status)
    shown = changes.marks if changes.previous else {}
    task_rows = _task_results(master, per_task, reported_of, task_status, shown, as_of)
    unit_rows = [_unit_result(plan, by_unit.get(plan.unit.id), as_of, due) for plan in plans]
    checks = return_findings(tl, plans, by_unit, as_of, master.index)
    checks += unit_findings(plans, by_unit, due)
    all_findings = (*master.findings, *col.findings, *checks, *changes.findings)
    refused = R.withheld(
        all_findings, {s.unit.id: s.file for s in col.submissions}, {u.name: u.id for u in master.roster.units}
    )
    after = _state_after(master, col, state, as_of, task_status, refused, changes)
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


def _task_results(
    master: Master,
    per_task: dict[str, list[tuple[Unit, str, Answer | None]]],
    reported_of: dict[str, list[tuple[Unit, str, Answer]]],
    task_status: dict[str, str],
    shown: Mapping[tuple[str, str], str],
    as_of: dt.date,
) -> list[TaskResult]:
    """Each task's row of the 总表: its 总体状态, the lead's and the responsible units' progress (marked with what
    changed since the last round), how many units reported, overdue."""
    tl = master.tasklist
    widths = C.master_widths(tl)
    lead_w, resp_w = widths["lead_progress"], widths["responsible_progress"]
    task_rows: list[TaskResult] = []
    for task in tl.tasks:
        entries = per_task[task.id]
        reported = reported_of[task.id]
        status = task_status[task.id]

        def mark(u: Unit, tid: str = task.id) -> str:
            return shown.get((u.id, tid), "")

        lead = _progress_cell([(u, a) for u, role, a in reported if role == ROLE_LEAD], True, lead_w, mark)
        resp = _progress_cell([(u, a) for u, role, a in reported if role == ROLE_RESPONSIBLE], False, resp_w, mark)
        section = tl.section(task.section_path[0]).heading if task.section_path else ""
        task_rows.append(
            TaskResult(task, section, status, lead, resp, len(reported), len(entries), is_overdue(task, status, as_of))
        )
    return task_rows


def _unit_result(plan: UnitPlan, sub: Submission | None, as_of: dt.date, due: dt.date | None) -> UnitResult:
    """One unit's counts and who returned it when (a late return's date)."""
    statuses = [(t, unit_status(sub, t.id)) for t, _ in plan.rows]
    counts = Counter(s for _, s in statuses)
    overdue = sum(1 for t, s in statuses if is_overdue(t, s, as_of))
    late = late_return(sub, due) if sub else None
    return UnitResult(
        plan.unit,
        len(plan.rows),
        plan.leads,
        sub is not None,
        {s: counts.get(s, 0) for s in SUMMARY_STATUSES},
        overdue,
        sub.file if sub else "",
        sub.reporter if sub else "",
        sub.phone if sub else "",
        (C.display_date(sub.date) if sub and sub.date else (sub.date_raw if sub else "")),
        C.display_date(late) if late else "",
    )


def _state_after(
    master: Master,
    col: Collection,
    state: R.RoundState,
    as_of: dt.date,
    task_status: dict[str, str],
    refused: dict[str, str],
    changes: R.Changes,
) -> R.RoundState:
    """The rounds after this merge: answers carried forward (withheld ones refused) and this round's statuses."""
    plans = master.plans
    carried = R.carry_forward(
        state,
        master.round,
        {s.unit.id: {a.task_id: R.answer_values(a) for a in s.answers} for s in col.submissions},
        {p.unit.id: [t.id for t, _ in p.rows] for p in plans},
        refused,
    )
    return R.after_merge(state, master.round, as_of, task_status, carried, refused, marks=changes.marks)


def state_for(master: Master, found: R.RoundState | None) -> R.RoundState:
    """The earlier rounds as seen from this master's round (a merged workbook's state is ready for the next)."""
    if found is None:
        return R.RoundState(current=master.round)
    rounds = tuple(r for r in found.rounds if r.label != master.round)
    history = tuple(h for h in found.history if h[0] != master.round)
    return R.RoundState(master.round, rounds, history, found.carried, found.withheld)
