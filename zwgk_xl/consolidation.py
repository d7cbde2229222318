"""The consolidation rules, pure: a master (plan) + the verified returns + an as-of date → per-task and per-unit
results and findings. No file is opened here: merge.py collects the returns, workbook/merged.py writes the result.

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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zwgk_xl import contract as C
from zwgk_xl import rounds as R
from zwgk_xl.checks import is_overdue, return_findings
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
    SETTLED,
    SEVERITY_TITLES,
    SUMMARY_STATUSES,
    UNFILLED,
    fraction,
)

if TYPE_CHECKING:
    from zwgk_xl.collect import Collection

_LEAD_WIDTH = next(c.width for c in C.MASTER_COLUMNS if c.field == "lead_progress")
_RESP_WIDTH = next(c.width for c in C.MASTER_COLUMNS if c.field == "responsible_progress")


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
                    round(u.done_rate, 3),
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
    if C.estimate_lines(text, width) <= C.MAX_ROW_LINES:
        return text
    counts = Counter(a.status_raw or a.status or UNFILLED for _, a in entries)
    head = (
        f"共 {len(entries)} 个单位（"
        + "，".join(f"{s} {n}" for s, n in counts.most_common())
        + f"），内容较多，各单位全文见“{C.SHEET_DETAIL}”："
    )
    return "\n".join([head, *(line for u, a in entries if (line := _progress(u, a, False, mark(u))))])


def consolidation(master: Master, col: Collection, as_of: dt.date, state: R.RoundState | None = None) -> Consolidation:
    """The results of one merge from data in memory: the master as read, the returns as collected, the date the
    overdue rule counts from, and the earlier rounds (``state``, as seen from this master's round; none in a first
    round). Pure, so the 总体状态 rule runs on any data an analyst or a test puts together."""
    state = state or R.RoundState(current=master.round)
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


def state_for(master: Master, found: R.RoundState | None) -> R.RoundState:
    """The earlier rounds as seen from this master's round (a merged workbook's state is ready for the next)."""
    if found is None:
        return R.RoundState(current=master.round)
    rounds = tuple(r for r in found.rounds if r.label != master.round)
    history = tuple(h for h in found.history if h[0] != master.round)
    return R.RoundState(master.round, rounds, history, found.carried, found.withheld)
