"""Structured sheets (.xlsx/.xlsm via openpyxl for merged cells; .xls/.ods via calamine; .csv) → rows.

A clerk usually gets here by pasting the Word table into Excel: merged cells (a section band across the row, a
category column merged down) are filled from their top-left cell so every row stands on its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from zwgk_xl.importers.table import RawRow, RawTable, clean
from zwgk_xl.units import read_text


def _ref(r: int, c: int) -> str:
    return xl_rowcol_to_cell(r, c)


def _table(
    grid: Sequence[Sequence[object]], source: str, sheet: str, inherited: dict[int, set[int]] | None = None
) -> RawTable:
    """Rows of a sheet; ``inherited`` names, per row, the columns filled from a merged cell above."""
    marks = inherited or {}
    rows = [
        RawRow([clean(v) for v in row], [_ref(r, c) for c in range(len(row))], set(marks.get(r, ())))
        for r, row in enumerate(grid)
    ]
    return RawTable(rows, source, sheet)


def read(path: Path) -> list[RawTable]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        grid: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(read_text(path)))]
        return [_table(grid, str(path), "")]
    if suffix in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        wb = load_workbook(path, data_only=True)
        tables = []
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            grid = [list(r) for r in ws.iter_rows(values_only=True)]
            inherited: dict[int, set[int]] = {}
            for rng in ws.merged_cells.ranges:
                top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else None
                for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                    for c in range(rng.min_col - 1, rng.max_col):
                        while len(grid[r]) <= c:
                            grid[r].append(None)
                        grid[r][c] = top
                        if r > rng.min_row - 1:
                            inherited.setdefault(r, set()).add(c)
            tables.append(_table(grid, str(path), ws.title, inherited))
        wb.close()
        return tables
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return [
        _table(wb.get_sheet_by_name(name).to_python(skip_empty_area=False), str(path), name) for name in wb.sheet_names
    ]
