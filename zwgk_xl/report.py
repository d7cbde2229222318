"""The consolidation as a report for mail: built from a Consolidation in memory, or read back from merged.xlsx.

A clerk runs `zwgk merge` today and `zwgk remind merged.xlsx` tomorrow; the reminder must say exactly what the
merge found. So the merged workbook keeps its results in a very hidden sheet (rows of unit, task and finding as JSON),
and both paths produce the same Report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from zwgk_xl import contract as C
from zwgk_xl.master import Master, read_master
from zwgk_xl.model import Finding, Unit
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
    zip(SUMMARY_STATUSES, ("done", "ongoing", "progress", "not_started", "na", "not_reported"), strict=True)
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

    def task(self, task_id: str):
        return next(t for t in self.master.tasklist.tasks if t.id == task_id)

    def line(self, task_id: str) -> TaskLine:
        return next(t for t in self.tasks if t.task_id == task_id)


def from_consolidation(result) -> Report:
    from zwgk_xl.checks import is_overdue
    from zwgk_xl.merge import unit_status

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


#: Characters per cell of the hidden results (Excel holds 32,767).
_CHUNK = 30_000


def write_rows(wb, report: Report) -> None:
    """The rows as JSON text cut into cells down column A: a cell per 30,000 characters rather than one per field
    (written cells are what a workbook writer spends its time on; a merge of 1,000 units had 60,000 here)."""
    ws = wb.add_worksheet(C.SHEET_RESULT)
    r, pending, size = 0, ["["], 1  # encoded a row at a time: the whole text at 10,000 units is tens of MiB
    for i, row in enumerate(rows(report)):
        part = ("," if i else "") + json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        pending.append(part)
        size += len(part)
        if size >= _CHUNK:
            text = "".join(pending)
            for start in range(0, len(text) - _CHUNK + 1, _CHUNK):
                ws.write_string(r, 0, text[start : start + _CHUNK])
                r += 1
            rest = text[len(text) - len(text) % _CHUNK :]
            pending, size = [rest], len(rest)
    ws.write_string(r, 0, "".join(pending) + "]")
    ws.very_hidden()


def _read_rows(grid: list[list[object]]) -> list[list[str]]:
    if grid and grid[0] and not str(grid[0][0]).startswith("["):  # merged before the JSON form: a field per cell
        return [["" if v is None else str(v) for v in row] for row in grid]
    text = "".join(str(row[0]) for row in grid if row and isinstance(row[0], str))
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReportError(f"汇总结果隐藏表已损坏（{exc}），请重新运行 zwgk merge") from exc
    return [[str(v) for v in row] for row in data]


class ReportError(Exception):
    """The workbook is not a merged workbook (no results): run zwgk merge first."""


def read_report(path: str | Path) -> Report:
    master = read_master(path)
    wb = CalamineWorkbook.from_path(str(path))
    if C.SHEET_RESULT not in wb.sheet_names:
        raise ReportError(f"{path}：不是汇总后的工作簿（请先运行 zwgk merge）")
    as_of, units, tasks, assigns, found = "", [], [], [], []
    for cells in _read_rows(wb.get_sheet_by_name(C.SHEET_RESULT).to_python()):
        kind = cells[0] if cells else ""
        if kind == "as_of":
            as_of = cells[1]
        elif kind == "unit" and (unit := master.roster.get(cells[1])):
            n = [int(float(x or 0)) for x in cells[3:]]
            counts = dict(zip(STATUS_KEYS, n[2:8], strict=False))  # Chinese status → count, in the written order
            units.append(UnitLine(unit, cells[2] == "1", n[0], n[1], counts, n[8]))
        elif kind == "task":
            tasks.append(TaskLine(cells[1], cells[2], cells[3], cells[4] == "1"))
        elif kind == "assign":
            assigns.append(Assign(cells[1], cells[2], cells[3], cells[4], cells[5] == "1"))
        elif kind == "finding":
            c = (cells + [""] * 9)[:9]
            found.append(Finding(c[1], c[2], c[8], c[3], c[4], c[5], c[6], c[7]))  # type: ignore[arg-type]
    return Report(master, as_of, tuple(units), tuple(tasks), tuple(assigns), tuple(found))
