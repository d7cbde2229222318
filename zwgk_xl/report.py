"""The consolidation as a report for mail: built from a Consolidation in memory here, or read back from
merged.xlsx (workbook/results.py).

A clerk runs `zwgk merge` today and `zwgk remind merged.xlsx` tomorrow; the reminder must say exactly what the
merge found. So the merged workbook keeps its results in a very hidden sheet (rows of unit, task and finding as JSON),
and both paths produce the same Report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from zwgk_xl.checks import is_overdue
from zwgk_xl.consolidation import Consolidation, unit_status
from zwgk_xl.model import Finding, Task, Unit
from zwgk_xl.plan import Master
from zwgk_xl.vocab import SUMMARY_STATUSES

UNIT_COLS = (
    "unit_id",
    "returned",
    "tasks",
    "leads",
    "done",
    "ongoing",
    "progress",
    "not_started",
    "na",
    "not_reported",
    "overdue",
    "file",
)
#: Status → its key in the hidden rows, in the written order (SUMMARY_STATUSES' order).
STATUS_KEYS = dict(
    zip(SUMMARY_STATUSES, ("done", "ongoing", "progress", "not_started", "na", "not_reported", "unfilled"), strict=True)
)


@dataclass(frozen=True)
class UnitLine:
    unit: Unit
    returned: bool
    tasks: int
    leads: int
    counts: dict[str, int]
    overdue: int


@dataclass(frozen=True)
class TaskLine:
    task_id: str
    status: str
    reported: str
    overdue: bool


@dataclass(frozen=True)
class Assign:
    unit_id: str
    task_id: str
    role: str
    status: str
    overdue: bool


@dataclass(frozen=True)
class Report:
    master: Master
    as_of: str
    units: tuple[UnitLine, ...]
    tasks: tuple[TaskLine, ...]
    assignments: tuple[Assign, ...]
    findings: tuple[Finding, ...]

    def __repr__(self) -> str:
        return (
            f"Report({self.master.tasklist.title!r}, as_of={self.as_of}, {len(self.units)} units, "
            f"{len(self.tasks)} tasks, {len(self.findings)} findings)"
        )

    def task(self, task_id: str) -> Task:
        return self._tasks[task_id]

    def line(self, task_id: str) -> TaskLine:
        return self._lines[task_id]

    def assignments_of(self, unit_id: str) -> list[Assign]:
        """The unit's assignments in list order (grouped once per Report: the mail builders stay linear)."""
        return self._by_unit.get(unit_id, [])

    def assignments_on(self, task_id: str) -> list[Assign]:
        """Every unit's assignment on one task, in roster order."""
        return self._by_task.get(task_id, [])

    @cached_property
    def _tasks(self) -> dict[str, Task]:
        return {t.id: t for t in self.master.tasklist.tasks}

    @cached_property
    def _lines(self) -> dict[str, TaskLine]:
        return {t.task_id: t for t in self.tasks}

    @cached_property
    def _by_unit(self) -> dict[str, list[Assign]]:
        out: dict[str, list[Assign]] = {}
        for a in self.assignments:
            out.setdefault(a.unit_id, []).append(a)
        return out

    @cached_property
    def _by_task(self) -> dict[str, list[Assign]]:
        out: dict[str, list[Assign]] = {}
        for a in self.assignments:
            out.setdefault(a.task_id, []).append(a)
        return out


def from_consolidation(result: Consolidation) -> Report:
    by_unit = {s.unit.id: s for s in result.collection.submissions}
    assigns = []
    for plan in result.plans:
        sub = by_unit.get(plan.unit.id)
        for task, a in plan.rows:
            status = unit_status(sub, task.id)
            assigns.append(Assign(plan.unit.id, task.id, a.role, status, is_overdue(task, status, result.as_of)))
    return Report(
        result.master,
        result.as_of.isoformat(),
        tuple(UnitLine(u.unit, u.returned, u.tasks, u.leads, dict(u.counts), u.overdue) for u in result.units),
        tuple(TaskLine(t.task.id, t.status, f"{t.reported}/{t.expected}", t.overdue) for t in result.tasks),
        tuple(assigns),
        result.findings,
    )


def rows(report: Report) -> Iterator[list[str]]:
    """The hidden sheet's rows: a kind in column A, then the fields."""
    yield ["as_of", report.as_of]
    for u in report.units:
        yield (
            [
                "unit",
                u.unit.id,
                "1" if u.returned else "0",
                str(u.tasks),
                str(u.leads),
                *(str(u.counts.get(k, 0)) for k in STATUS_KEYS),
                str(u.overdue),
            ]
        )
    for t in report.tasks:
        yield ["task", t.task_id, t.status, t.reported, "1" if t.overdue else "0"]
    for a in report.assignments:
        yield ["assign", a.unit_id, a.task_id, a.role, a.status, "1" if a.overdue else "0"]
    for f in report.findings:
        yield ["finding", f.code, f.severity, f.unit, f.task_id, f.file, f.sheet, f.cell, f.message]
