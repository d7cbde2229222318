"""The merged workbook's very hidden results (_zwgk_result): the Report's rows written as JSON, and read back, so
`zwgk remind merged.xlsx` says exactly what the merge found without re-reading returns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from xlsxwriter import Workbook

from zwgk_xl import contract as C
from zwgk_xl.model import Finding
from zwgk_xl.report import STATUS_KEYS, Assign, Report, TaskLine, UnitLine, rows
from zwgk_xl.workbook.master import read_master

#: Characters per cell of the hidden results (Excel holds 32,767).
_CHUNK = 30_000


def write_rows(wb: Workbook, report: Report) -> None:
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


def _read_rows(grid: Sequence[Sequence[object]]) -> list[list[str]]:
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
    """The Report a merge wrote into ``path`` (ReportError when it is not a merged workbook)."""
    from python_calamine import CalamineWorkbook

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
            counts = dict(zip(STATUS_KEYS, n[2:-1], strict=False))  # Chinese status → count, in the written order
            counts = {k: counts.get(k, 0) for k in STATUS_KEYS}  # merged before 未填报 was counted: 0
            units.append(UnitLine(unit, cells[2] == "1", n[0], n[1], counts, n[-1]))
        elif kind == "task":
            tasks.append(TaskLine(cells[1], cells[2], cells[3], cells[4] == "1"))
        elif kind == "assign":
            assigns.append(Assign(cells[1], cells[2], cells[3], cells[4], cells[5] == "1"))
        elif kind == "finding":
            c = (cells + [""] * 9)[:9]
            found.append(Finding(c[1], c[2], c[8], c[3], c[4], c[5], c[6], c[7]))  # type: ignore[arg-type]
    return Report(master, as_of, tuple(units), tuple(tasks), tuple(assigns), tuple(found))
