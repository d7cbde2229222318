"""The facts of a merged workbook (``zwgk merge``'s output), read back: see `facts` for what they hold and why
the units' words come from 填报明细 and 汇总 rather than the hidden results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook

from zwgk_xl import contract as C
from zwgk_xl import vocab as V
from zwgk_xl.documents.facts import Entry, Facts, UnitReturn
from zwgk_xl.workbook.results import read_report

#: The answer fields of 填报明细, as the documents name them.
_DETAIL_FIELDS = ("progress", "done_date", "evidence", "plan", "lead_summary")


def _header_at(grid: Sequence[Sequence[object]], wanted: set[str], limit: int = 30) -> tuple[int, dict[str, int]]:
    """The first row (of the first ``limit``) holding every header in ``wanted``, and each header's column."""
    for r, row in enumerate(grid[:limit]):
        cols = {C.cell_text(v): i for i, v in enumerate(row)}
        if wanted <= cols.keys():
            return r, cols
    return -1, {}


def read_facts(path: str | Path) -> Facts:
    """The facts of a merged workbook (``zwgk merge``'s output). Raises ReportError / MasterError as read_report."""
    report = read_report(path)
    roster = report.master.roster
    wb = CalamineWorkbook.from_path(str(path))
    headers = {c.field: c.header for c in C.DETAIL_COLUMNS}
    texts: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    if C.SHEET_DETAIL in wb.sheet_names:
        grid = wb.get_sheet_by_name(C.SHEET_DETAIL).to_python(skip_empty_area=False)
        r0, cols = _header_at(grid, {headers["unit"], headers["id"]})
        at = {f: cols[headers[f]] for f in _DETAIL_FIELDS if headers.get(f) in cols}
        for row in grid[r0 + 1 :] if r0 >= 0 else []:

            def cell(i: int, row: Sequence[object] = row) -> str:
                return C.cell_text(row[i]) if i < len(row) else ""

            key = (cell(cols[headers["unit"]]), cell(cols[headers["id"]]))
            texts[key].append({f: cell(i) for f, i in at.items()})
    returns: dict[str, list[dict[str, str]]] = defaultdict(list)
    if C.SHEET_DASHBOARD in wb.sheet_names:
        grid = wb.get_sheet_by_name(C.SHEET_DASHBOARD).to_python(skip_empty_area=False)
        ret_headers = {c.field: c.header for c in C.DASHBOARD_RETURN_COLUMNS}
        r0, cols = _header_at(grid, {"单位", *ret_headers.values()})
        for row in grid[r0 + 1 :] if r0 >= 0 else []:
            name = C.cell_text(row[cols["单位"]]) if row else ""
            if not name:
                break  # the table of units ends at its first empty row (the table of sections follows)
            returns[name].append({f: C.cell_text(row[cols[h]]) for f, h in ret_headers.items()})
    units = []
    for u in report.units:
        got = returns.get(u.unit.short) or [{}]
        ret = got.pop(0) if len(got) > 1 else got[0]  # two units of one 简称: in table order
        units.append(UnitReturn(u.unit, u.returned, u.tasks, u.leads, dict(u.counts), u.overdue, **ret))
    entries = []
    for a in report.assignments:
        unit = roster.get(a.unit_id)
        if unit is None:
            continue
        got = texts.get((unit.short, a.task_id)) or [{}]
        given = got.pop(0) if len(got) > 1 else got[0]
        entries.append(
            Entry(unit, a.task_id, a.role, a.status, a.overdue, **given)
            if a.status != V.NOT_REPORTED
            else Entry(unit, a.task_id, a.role, a.status, a.overdue)
        )
    return Facts(report, tuple(units), tuple(entries))
