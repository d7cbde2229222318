"""The returned workbook's sheets as the form: the two readers (calamine, or openpyxl bounded for a sheet too large
for it), the sheet that is the form and its header row (headers a unit reworded matched by meaning), and what the
unit wrote beside the columns read (added columns, other sheets, merged input cells, percentages, comments and text
boxes), each told as a note on the Loaded. Nothing here raises for a file's content.
"""

from __future__ import annotations

import difflib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from zwgk_xl import contract as C
from zwgk_xl.contract import cell_text
from zwgk_xl.units import fold
from zwgk_xl.verify import HEADERS, INPUT_FIELDS, cell_ref, column
from zwgk_xl.workbook.xmlparts import (
    MAX_CELLS,
    ORDINARY_SPAN,
    cell_span,
    comments,
    member,
    owners,
    percent_styles,
    scan,
    shape_texts,
    workbook_sheets,
)

if TYPE_CHECKING:
    from zwgk_xl.workbook.returnfile import Loaded

#: Words that say what a column is, for headers a unit reworded ("进展情况（截至10月底）", "存在问题及下步打算"):
#: the longest word found in a header names its field.
_MEANINGS: dict[str, tuple[str, ...]] = {
    "id": ("任务编号", "编号"),
    "number": ("序号",),
    "text": ("重点工作", "工作任务", "任务内容", "重点任务"),
    "requirement": ("工作要求", "要求"),
    "lead": ("牵头单位", "牵头部门"),
    "responsible": ("责任单位", "责任部门", "配合单位"),
    "role": ("本单位角色", "角色"),
    "deadline": ("完成时限", "时限"),
    "status": ("完成状态", "完成情况", "状态"),
    "progress": ("进展情况", "工作进展", "进展", "落实情况", "推进情况"),
    "done_date": ("完成（预计）时间", "预计完成时间", "完成时间", "完成日期"),
    "evidence": ("佐证材料", "佐证", "证明材料", "附件"),
    "plan": ("存在问题及下步计划", "存在问题", "下步计划", "下步打算", "下一步"),
    "lead_summary": ("牵头汇总",),
}
#: Where each column stands in the form as issued (the lead column last, and only where the unit leads).
_POSITION = {c.field: k for k, c in enumerate((*C.UNIT_LOCKED, *C.UNIT_INPUT, C.LEAD_SUMMARY))}
_HEADER_ROWS = 200  # a unit may paste the notice above the table


def _meaning(text: str, free: set[str]) -> str:
    """The field a reworded header means, among the fields not yet found: the longest meaning word it holds,
    else the closest header by similarity (at least 0.6), else ""."""
    key = fold(text)
    best, size = "", 0
    for f in free:
        for word in _MEANINGS.get(f, ()):
            if word in key and len(word) > size:
                best, size = f, len(word)
    if best:
        return best
    scored = [(difflib.SequenceMatcher(None, key, fold(_HEADER_OF[f])).ratio(), f) for f in free if f in _HEADER_OF]
    score, f = max(scored, default=(0.0, ""))
    return f if score >= 0.6 else ""


_HEADER_OF = {f: h for h, f in HEADERS.items()}


def _find_header(grid: Sequence[Sequence[object]]) -> tuple[int, dict[str, int], list[tuple[int, str, str]]]:
    """The header row, its field → column, and the columns found though their header changed (column, header
    as issued, header as found). Exact headers first; a row with three of them is the header, and its other
    cells are matched by meaning, then a field still missing by its place in the form as issued."""
    for r, row in enumerate(grid[:_HEADER_ROWS]):
        cols: dict[str, int] = {}
        for c, v in enumerate(row):
            if not isinstance(v, str) or not v:
                continue
            f = HEADERS.get(v) or (HEADERS.get(fold(v)) if len(v) <= 20 else None)
            if f and f not in cols:
                cols[f] = c
        if len(cols) < 3 and not ("status" in cols and ("id" in cols or "text" in cols)):
            continue
        renamed: list[tuple[int, str, str]] = []
        taken = set(cols.values())
        for c, v in enumerate(row):
            text = cell_text(v)
            if c in taken or not text or len(text) > 40:
                continue
            f = _meaning(text, set(_HEADER_OF) - set(cols))
            if f:
                cols[f] = c
                taken.add(c)
                renamed.append((c, _HEADER_OF[f], text))
        for f in set(INPUT_FIELDS) - set(cols) - {"lead_summary"}:
            c = _POSITION[f]
            if c < len(row) and c not in taken and cell_text(row[c]):
                cols[f] = c
                taken.add(c)
                renamed.append((c, _HEADER_OF[f], cell_text(row[c])))
        if "status" in cols and ("id" in cols or "text" in cols):
            return r, cols, renamed
    return -1, {}, []


def added_columns(grid: Sequence[Sequence[object]], header: int, cols: dict[str, int]) -> list[tuple[int, str, str]]:
    """Columns a unit added to the table (a header or text in a column no field is read from): (column, header,
    every text under it, joined), so what was typed there is quoted, not lost."""
    used = set(cols.values())
    width = max((len(r) for r in grid[header:]), default=0)
    out = []
    for c in range(width):
        if c in used:
            continue
        texts = [t for row in grid[header + 1 :] if c < len(row) and (t := cell_text(row[c]))]
        head = cell_text(grid[header][c]) if c < len(grid[header]) else ""
        if texts:
            out.append((c, head or f"{column(c)} 列", "；".join(texts)))
    return out


def _filled(grid: Sequence[Sequence[object]], header: int, cols: dict[str, int]) -> int:
    """Input cells a unit typed in ("—", which the form puts in 牵头汇总 where the unit does not lead, is not)."""
    at = [cols[f] for f in INPUT_FIELDS if f in cols]
    return sum(1 for row in grid[header + 1 :] for c in at if c < len(row) and cell_text(row[c]) not in ("", "—"))


def sheet_text(grid: Sequence[Sequence[object]]) -> str:
    """Every text of a sheet, row by row (cells joined by " "), for a finding that quotes it whole."""
    lines = (" ".join(t for v in row if (t := cell_text(v))) for row in grid)
    return "\n".join(line for line in lines if line)


#: A sheet whose range is too large for calamine is read through openpyxl, this far (a unit sheet of 1,000 tasks
#: fits); what lies beyond is named in a finding, not read.
CLIPPED_ROWS, CLIPPED_COLS = 5_000, 64


@dataclass
class Book:
    """One reader's view of a workbook: its sheet names, which are hidden, a sheet's grid and merged ranges."""

    names: list[str]
    hidden: set[str]
    grid: Callable[[str], list[list[object]]]
    merged: Callable[[str], list[tuple[tuple[int, int], tuple[int, int]]]]


def calamine_sheets(data: bytes) -> Book:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    hidden = {m.name for m in wb.sheets_metadata if str(m.visible).rpartition(".")[2] != "Visible"}
    sheets: dict[str, Any] = {}  # each sheet parsed once, for its values and its merged ranges

    def sheet(name: str) -> Any:
        if name not in sheets:
            sheets[name] = wb.get_sheet_by_name(name)
        return sheets[name]

    def merged(name: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        try:
            return list(sheet(name).merged_cell_ranges or [])
        except Exception:  # merged regions are a nicety: a file whose regions cannot be read still merges
            return []

    return Book(wb.sheet_names, hidden, lambda name: sheet(name).to_python(skip_empty_area=False), merged)


def clipped_sheets(data: bytes) -> Book:
    """openpyxl's read-only reader stops at the last row asked for and keeps only the columns asked for, so a
    sheet that spans a billion cells costs what its first rows cost (its XML goes through defusedxml)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)

    def grid(name: str) -> list[list[object]]:
        ws = wb[name]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            return []
        return [list(r) for r in ws.iter_rows(max_row=CLIPPED_ROWS, max_col=CLIPPED_COLS, values_only=True)]

    hidden = {ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") != "visible"}
    return Book(wb.sheetnames, hidden, grid, lambda name: [])


def choose_sheet(got: Loaded, book: Book) -> None:
    """The sheet to read: 填报表, unless it is blank and a visible copy of it ("填报表 (2)") was filled. Any other
    visible sheet with text, and a filled copy not taken, is quoted in a sheet-added note. Hidden sheets are read
    only when no visible one is the form."""
    visible = [n for n in book.names if n != C.SHEET_HIDDEN and n not in book.hidden]
    order = sorted(visible, key=lambda n: n != C.SHEET_UNIT)
    forms: list[tuple[str, list[list[object]], int, dict[str, int], list[tuple[int, str, str]], int]] = []
    others: list[tuple[str, list[list[object]]]] = []
    for name in order:
        grid = book.grid(name)
        header, cols, renamed = _find_header(grid)
        if header >= 0:
            # how much was typed decides between copies of the form only: most returns have one
            filled = _filled(grid, header, cols) if len(visible) > 1 else 1
            forms.append((name, grid, header, cols, renamed, filled))
        else:
            others.append((name, grid))
    if not forms:
        for name in [n for n in book.names if n in book.hidden and n != C.SHEET_HIDDEN]:
            grid = book.grid(name)
            header, cols, renamed = _find_header(grid)
            if header >= 0:
                forms.append((name, grid, header, cols, renamed, _filled(grid, header, cols)))
                break
    if not forms:
        if got.meta.get(C.K_KIND) == "unit":  # our form with its header gone: quote what it holds
            for name, grid in others:
                if text := sheet_text(grid):
                    got.notes.append(("sheet-added", {"sheet": name, "text": text}))
        return
    chosen = forms[0]
    if chosen[5] == 0 and (copies := [f for f in forms[1:] if f[5] > 0]):
        chosen = max(copies, key=lambda f: f[5])
        got.notes.append(("sheet-copy", {"sheet": chosen[0], "why": f"原表“{forms[0][0]}”未填写"}))
    got.sheet, got.grid, got.header, got.cols, got.renamed = chosen[0], chosen[1], chosen[2], chosen[3], chosen[4]
    for name, grid, header, _cols, _renamed, filled in forms:
        if name != got.sheet and filled:
            got.notes.append(("sheet-added", {"sheet": name, "text": sheet_text(grid[header + 1 :])}))
    for name, grid in others:
        if text := sheet_text(grid):
            got.notes.append(("sheet-added", {"sheet": name, "text": text}))


def fill_merged(got: Loaded, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """A range merged over input cells (one "已完成" merged down the status column) means its value for every cell
    it covers: each row gets it, and a note names the range."""
    inputs = {got.cols[f] for f in INPUT_FIELDS if f in got.cols}
    for (r0, c0), (r1, c1) in ranges:
        if r1 <= got.header or not any(c0 <= c <= c1 for c in inputs) or r0 >= len(got.grid):
            continue
        top = got.grid[r0][c0] if c0 < len(got.grid[r0]) else None
        for r in range(max(r0, got.header + 1), min(r1, len(got.grid) - 1) + 1):
            row = got.grid[r]
            for c in range(c0, c1 + 1):
                if c < len(row) and c in inputs and (r, c) != (r0, c0):
                    row[c] = top
        cells = f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"
        got.notes.append(
            ("merged-input", {"sheet": got.sheet, "cell": cell_ref(r0, c0), "range": cells, "text": cell_text(top)})
        )


def percentages(got: Loaded, zf: zipfile.ZipFile, parts: dict[str, bytes]) -> None:
    """A number shown as a percentage reads as the unit typed it ("100%", not 1): calamine gives the number
    only, so the cells whose style is a percentage are found in the styles and the sheet's XML (skipped where
    the workbook has no percentage style, as the forms we send have none)."""
    styles = percent_styles(zf)
    xml = parts.get(workbook_sheets(zf).get(got.sheet, ""), b"") if styles else b""
    if not xml:
        return
    refs: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "c" and attrs.get("s") in styles and attrs.get("r"):
            refs.append(attrs["r"])

    scan(xml, start)
    for ref in refs:
        r, c = xl_cell_to_rowcol(ref)
        if r < len(got.grid) and c < len(got.grid[r]):
            v = got.grid[r][c]
            if isinstance(v, int | float) and not isinstance(v, bool):
                got.grid[r][c] = f"{round(v * 100, 10):g}%"


def side_texts(got: Loaded, zf: zipfile.ZipFile) -> None:
    """Comments and text boxes: text a unit wrote where no column is read. Each comment and each shape's text
    becomes a note quoting it (the sheet named where the relationships say which sheet holds it)."""
    names = zf.namelist()
    if not any(n.startswith(("xl/comments", "xl/drawings/drawing")) for n in names):
        return
    owner = owners(zf)
    for name in names:
        if name.startswith("xl/comments") and name.endswith(".xml"):
            for cell_ref, text in comments(member(zf, name)):
                got.notes.append(("cell-comment", {"sheet": owner.get(name, ""), "cell": cell_ref, "text": text}))
        elif name.startswith("xl/drawings/drawing") and name.endswith(".xml"):
            for text in shape_texts(member(zf, name)):
                got.notes.append(("drawing-text", {"sheet": owner.get(name, ""), "text": text}))


def too_large(zf: zipfile.ZipFile, parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """(sheet, farthest cell) of every sheet to be read only in part, where one is too large for calamine."""
    spans = {part: cell_span(xml) for part, xml in parts.items()}
    if all(rows * cols <= MAX_CELLS for rows, cols in spans.values()):
        return []
    # ORDINARY_SPAN only bounds a sheet: the ordinary sheets beside the far one are measured, or each would be
    # named as read in part (the unit form and _zwgk were, beside a far cell on another sheet)
    spans = {
        part: cell_span(parts[part], exact=True) if span == ORDINARY_SPAN else span for part, span in spans.items()
    }
    by_part = {p: n for n, p in workbook_sheets(zf).items()}
    return [
        (by_part.get(part, part), xl_rowcol_to_cell(min(rows, 1_048_576) - 1, min(cols, 16_384) - 1))
        for part, (rows, cols) in spans.items()
        if rows > CLIPPED_ROWS or cols > CLIPPED_COLS
    ]
