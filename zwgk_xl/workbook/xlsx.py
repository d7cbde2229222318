"""Small helpers over XlsxWriter shared by build, split and merge: formats, print setup, hidden data, names.

XlsxWriter writes the styled workbooks (it is the fastest writer with validation, protection, print setup,
charts and very hidden sheets); every workbook is opened with strings_to_formulas off, so a unit's text that
starts with "=" stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import DuplicateWorksheetName
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from zwgk_xl import contract as C
from zwgk_xl.contract import PAGE_CHARS as PAGE_CHARS
from zwgk_xl.contract import page_widths as page_widths

WB_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "in_memory": True}


class Workbook(xlsxwriter.Workbook):
    """XlsxWriter's Workbook with a sheet-name check that costs the same for the thousandth sheet as for the first.

    XlsxWriter compares each new name with every earlier sheet (quadratic: half a second at 1,000 unit sheets, half
    a minute at 10,000). The check here is the same one (its length, character and apostrophe rules still run, and
    a name equal to another ignoring case is still refused), against a set."""

    worksheets_objs: list[Any]  # XlsxWriter's list of sheets (its own attribute; XlsxWriter ships no types)

    def __init__(self, filename: str, options: dict[str, Any]) -> None:
        self._names_folded: set[str] = set()
        super().__init__(filename, options)

    def _check_sheetname(self, sheetname: str | None, is_chartsheet: bool = False) -> str:
        if sheetname and sheetname.lower() in self._names_folded:
            raise DuplicateWorksheetName(f"Sheetname '{sheetname}', with case ignored, is already in use.")
        sheets, self.worksheets_objs = self.worksheets_objs, []  # the parent's loop over earlier sheets sees none
        try:
            name = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = sheets
        self._names_folded.add(name.lower())
        return name


class Sheet(Worksheet):
    """A worksheet whose rows may be marked to grow with their text (``grow_row``).

    Such a row is written with its starting height but without ``customHeight``: Excel and WPS open it at that
    height (they never fit rows on opening, so the task text must be there already) and fit it again whenever a cell
    in it is edited; LibreOffice fits it on opening and on every edit. A row with ``customHeight`` (XlsxWriter's
    ``set_row``) keeps its height whatever is typed into it, which is what hid a unit's long text."""

    def __init__(self) -> None:
        super().__init__()
        self.auto_rows: set[int] = set()
        #: Every row from this one on grows (a sheet of one row per answer: no set of hundreds of thousands).
        self.auto_after: int | None = None
        self._auto_now = False

    def _write_row(self, row: int, spans: Any, row_info: Any = None, empty_row: bool = False) -> None:
        self._auto_now = row in self.auto_rows or (self.auto_after is not None and row >= self.auto_after)
        try:
            super()._write_row(row, spans, row_info, empty_row)
        finally:
            self._auto_now = False

    def _xml_start_tag_unencoded(self, tag: str, attributes: Any = None) -> None:
        if self._auto_now and tag == "row":
            attributes = [a for a in attributes or () if a[0] != "customHeight"]
        super()._xml_start_tag_unencoded(tag, attributes)

    def _xml_empty_tag_unencoded(self, tag: str, attributes: Any = None) -> None:
        if self._auto_now and tag == "row":
            attributes = [a for a in attributes or () if a[0] != "customHeight"]
        super()._xml_empty_tag_unencoded(tag, attributes)


def grow_row(ws: Worksheet, row: int, height_pt: float) -> None:
    """Open the row at ``height_pt`` (enough for what is in it now) and let it grow with what a person types."""
    ws.set_row(row, height_pt)
    if isinstance(ws, Sheet):
        ws.auto_rows.add(row)


class RowOrderError(RuntimeError):
    """A streamed sheet was written above a row it had already written out: a bug in a writer, raised rather than
    letting XlsxWriter drop the cell without a word."""


class StreamedWorksheet(Sheet):
    """A worksheet of a ``large`` workbook: XlsxWriter's constant_memory mode writes each row to disk as soon as the
    next one starts, so XlsxWriter does not hold the cells (only row heights and links) until the file closes. That mode
    silently ignores any write (a cell, a row height, a merge) to a row above the current one; here such a write
    raises instead, so a writer that goes back up fails in the tests rather than losing a unit's text."""

    def _check_dimensions(self, row: int, col: int, ignore_row: bool = False, ignore_col: bool = False) -> int:
        result = super()._check_dimensions(row, col, ignore_row, ignore_col)
        if result == -2:
            raise RowOrderError(f"工作表“{self.name}”：第 {row + 1} 行在其后的行之后才写入（内部错误，未生成文件）")
        return result


def new_workbook(path: Path, *, large: bool = False) -> xlsxwriter.Workbook:
    """``large``: one big workbook (the merged master) streams every sheet row by row to temporary files
    (StreamedWorksheet), so its memory does not grow with its cells; many small workbooks (split) are faster built
    in memory. Every writer writes its rows top to bottom, which streaming needs."""
    options = {**WB_OPTIONS, "in_memory": not large, "constant_memory": large}
    wb = Workbook(str(path), options)
    wb.worksheet_class = StreamedWorksheet if large else Sheet
    wb.set_properties({"title": "政务公开重点任务", "author": "zwgk_xl", "comments": "由 zwgk_xl 生成"})
    return wb


class Styles:
    """Formats created once per workbook (XlsxWriter formats are per workbook and costly to create per cell)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._cells: dict[tuple[Any, ...], Format] = {}

    def get(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            base = {"font_name": C.FONT_BODY, "font_size": 10.5, "valign": "vcenter"}
            self._cache[key] = self.wb.add_format({**base, **props})
        return self._cache[key]

    def title(self) -> Format:
        return self.get(font_name=C.FONT_HEAD, font_size=16, align="center", bold=False)

    def head(self) -> Format:
        return self.get(font_name=C.FONT_HEAD, bg_color=C.COLOR_HEAD, border=1, text_wrap=True, align="center")

    def cell(self, col: C.Column, *, locked: bool = True, fill: str | None = None, **extra: Any) -> Format:
        key = (col, locked, fill, *sorted(extra.items()))
        fmt = self._cells.get(key)
        if fmt is None:
            fmt = self._cells[key] = self._cell(col, locked, fill, extra)
        return fmt

    def _cell(self, col: C.Column, locked: bool, fill: str | None, extra: dict[str, Any]) -> Format:
        props: dict[str, Any] = {"border": 1, "text_wrap": col.wrap, "locked": locked}
        props["align"] = "center" if col.center else "left"
        if fill:
            props["bg_color"] = fill
        if col.field in ("text", "requirement", "progress", "lead_summary", "plan"):
            props["font_name"] = C.FONT_TEXT
        props.update(extra)
        return self.get(**props)

    def band(self, level: int) -> Format:
        color = C.COLOR_BAND1 if level <= 1 else C.COLOR_BAND2
        return self.get(font_name=C.FONT_HEAD, bg_color=color, border=1, text_wrap=True, align="left")


FOOTER = '&C&"宋体"&11第 &P 页 共 &N 页'


def print_setup(ws: Worksheet, header_first: int, header_last: int, header: str = "") -> None:
    """A4 landscape, one page wide (columns designed for the page, see ``page_widths``), the column headings repeated
    on each page, ``header`` (what the pages are: list and unit) above each page and 第 N 页 共 M 页 below, at 11 pt
    (LibreOffice scales them with the sheet)."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.3, right=0.3, top=0.45, bottom=0.5)
    ws.repeat_rows(header_first, header_last)
    if header:
        ws.set_header('&C&"宋体"&11 ' + header.replace("&", "&&"), {"margin": 0.2})
    ws.set_footer(FOOTER, {"margin": 0.25})
    ws.center_horizontally()


def row_height(cells: Iterable[tuple[str, float]]) -> float:
    """Height that shows every wrapped cell whole, so the printed page and the screen show all of the text."""
    return height(max((C.estimate_lines(text, width) for text, width in cells), default=1))


ROW_MAX_PT, LINE_PT, MAX_ROW_LINES = C.ROW_MAX_PT, C.LINE_PT, C.MAX_ROW_LINES


def height(lines: int) -> float:
    """Row height in points for ``lines`` lines of body text."""
    return min(ROW_MAX_PT, max(20.0, LINE_PT * lines + 6))


def write_hidden(wb: xlsxwriter.Workbook, pairs: Sequence[tuple[str, str]]) -> None:
    """The very hidden key/value sheet. Values are strings, written as strings (never formulas or numbers)."""
    ws = wb.add_worksheet(C.SHEET_HIDDEN)
    for r, (k, v) in enumerate(pairs):
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, str(v))
    ws.very_hidden()


_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """Valid in Excel (<= 31 characters, none of []:*?/\\, not blank, unique ignoring case) and still readable.
    ``taken`` holds the lower-cased names already used."""
    base = _BAD_SHEET.sub("_", name).strip("'").strip() or "单位"
    candidate = base[:31]
    n = 2
    while candidate.lower() in taken or candidate in C.RESERVED_SHEETS:
        suffix = f"~{n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


_BAD_FILE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED_FILE = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def file_name(stem: str, taken: set[str], suffix: str = ".xlsx", limit: int = 100) -> str:
    """A Windows-safe file name: no reserved characters or names, no trailing dot or space, short enough for
    deep folders, and unique ignoring case (Windows folders are case-insensitive)."""
    base = _BAD_FILE.sub("_", stem).strip().rstrip(". ") or "文件"
    if base.upper().split(".")[0] in _RESERVED_FILE:
        base = "_" + base
    base = base[:limit]
    candidate = base + suffix
    n = 2
    while candidate.lower() in taken:
        candidate = f"{base}({n}){suffix}"
        n += 1
    taken.add(candidate.lower())
    return candidate


#: Excel keeps at most 65,530 hyperlinks per worksheet, and an address of at most 2,079 characters.
LINKS_PER_SHEET = 65_530
URL_LIMIT = 2_079


def write_link(ws: Worksheet, r: int, c: int, url: str, text: str, link_fmt: Format, plain_fmt: Format) -> None:
    """A link where Excel can hold one, else the text alone: past either limit XlsxWriter leaves the cell empty (the
    text lost with the link) and prints a warning per cell."""
    if ws.hlink_count < LINKS_PER_SHEET and len(url) <= URL_LIMIT and ws.write_url(r, c, url, link_fmt, text) == 0:
        return
    ws.write_string(r, c, text, plain_fmt)


CELL_LIMIT = 32767
_CUT_NOTE = "……（超出 Excel 单元格 32767 字的上限，以下从略；全文见{where}）"


def fit_cell(text: str, where: str = f"“{C.SHEET_DETAIL}”工作表") -> str:
    """Excel holds at most 32,767 characters in a cell (XlsxWriter would silently cut). A combined cell that would
    exceed it is shortened with a note saying where the whole text is, which every caller guarantees exists (by
    default 填报明细, which the merged workbook always has, one answer per cell)."""
    if len(text) <= CELL_LIMIT:
        return text
    note = _CUT_NOTE.format(where=where)
    return text[: CELL_LIMIT - len(note)] + note
