"""Returned workbooks → Submissions + findings. Files are opened for reading only: never written, moved or renamed.

Each file is identified by its very hidden sheet (list id, round, unit), not by its name; a file whose hidden sheet
is gone (a unit copied its rows into a new workbook) is identified by its 填报单位 cell or its file name, with a
warning. Columns are found by their header text, so a unit that inserted a column is still read; rows are matched
by task id, else by task text, so sorted, moved or renumbered rows still count, and whatever cannot be matched
goes to the findings with its text.

Values are read with python-calamine (several times faster than openpyxl). The worksheets' XML is read besides,
for two things calamine cannot do: bound each sheet's range before calamine builds it (cell_span; a sheet too large
for it is read in part through openpyxl) and find formulas in input cells. Loading (the file's bytes, the safety
sniff, both XML checks, the parse) runs a few files ahead in worker threads: calamine and zlib release the GIL, so
on two cores the parsing overlaps the checks. The checks run in this thread, file by file in name order, so the
result does not depend on the threads.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import io
import itertools
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name, xl_rowcol_to_cell

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.bulk import paused_gc
from zwgk_xl.contract import cell_text
from zwgk_xl.deadlines import parse as parse_deadline
from zwgk_xl.model import Answer, Finding, Submission, Unit
from zwgk_xl.plan import Master, UnitPlan
from zwgk_xl.units import RosterIndex, fold
from zwgk_xl.vocab import STATUS_SYNONYMS
from zwgk_xl.workbook.master import hidden_values

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et"}

#: Limits that keep a hostile file's cost bounded (a zip bomb, a huge sharedStrings): checked before any parsing.
MAX_FILE_BYTES = 100 * 2**20
MAX_UNCOMPRESSED = 300 * 2**20
MAX_MEMBER = 150 * 2**20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

_HEADERS = {c.header: c.field for c in (*C.UNIT_LOCKED, *C.UNIT_INPUT, C.LEAD_SUMMARY)}
_INPUT_FIELDS = [c.field for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY)]


@dataclass(frozen=True)
class Collection:
    submissions: tuple[Submission, ...]
    superseded: tuple[Submission, ...]
    findings: tuple[Finding, ...]
    missing: tuple[Unit, ...]
    files: tuple[Path, ...]


def normalise_status(raw: str) -> str:
    key = fold(raw)
    return STATUS_SYNONYMS.get(key, STATUS_SYNONYMS.get(key.rstrip("。."), ""))


_DATE_NUM = re.compile(r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?$")


def parse_date(value: object, year: int) -> dt.date | None:
    """Dates as units type them: a real date cell, an Excel serial, 2022-9-30, 2022.9.30, 2022/9/30,
    2022年9月30日, 9月底 (the list's year)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    text = str(value or "").strip()
    if not text:
        return None
    if m := _DATE_NUM.match(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    d = parse_deadline(text, year)
    return d.dates[-1] if d.kind == "date" and len(d.dates) == 1 else None


_column = functools.lru_cache(maxsize=None)(xl_col_to_name)


def _ref(row: int, col: int) -> str:
    """(row, column) from 0 → "A1"; a return has a dozen columns, so their letters are worked out once."""
    return f"{_column(col)}{row + 1}"


@functools.lru_cache(maxsize=256)
def _columns(input_at: tuple[tuple[str, int], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((f, _column(c)) for f, c in input_at)


_ID_AT = next(k for k, c in enumerate(C.UNIT_LOCKED) if c.field == "id")
_TEXT_AT = next(k for k, c in enumerate(C.UNIT_LOCKED) if c.field == "text")


_SHEET_TAG = re.compile(r"<sheet\b[^>]*>")
_REL_TAG = re.compile(r"<Relationship\b[^>]*>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_FORMULA = re.compile(r"<f[\s>/]")
_FORMULA_BYTES = re.compile(rb"<f[\s>/]")
_CELL_WITH_FORMULA = re.compile(r'<c\b[^>]*\br="([A-Z]+\d+)"[^>]*>((?:(?!</c>).)*?<f\b.*?)</c>', re.S)
_F = re.compile(r"<f\b[^>]*>(.*?)</f>|<f\b[^>]*/>", re.S)


def _attrs(tag: str) -> dict[str, str]:
    return dict(_ATTR.findall(tag))


def formula_cells(z: zipfile.ZipFile | None, sheet: str, parts: dict[str, bytes]) -> dict[str, str]:
    """Cells holding a formula in one sheet of an .xlsx/.xlsm, read from the XML text without running anything.
    ``parts``: the worksheet parts, inflated (sheet_parts). Most returns hold none, so the sheet's XML is only
    searched cell by cell when an <f> element exists."""
    if z is None or not any(_FORMULA_BYTES.search(xml) for xml in parts.values()):
        return {}
    part = workbook_sheets(z).get(sheet, "")
    xml = parts[part].decode("utf-8", "replace") if part in parts else ""
    out = {}
    for cm in _CELL_WITH_FORMULA.finditer(xml) if _FORMULA.search(xml) else ():
        fm = _F.search(cm.group(2))
        if fm:
            out[cm.group(1)] = _unescape(fm.group(1) or "(共享公式)")
    return out


def _worksheet_rels(z: zipfile.ZipFile) -> dict[str, str]:
    """Relationship id → worksheet part name, from the workbook's relationships (how calamine finds its sheets)."""
    try:
        rels = _member(z, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    names = set(z.namelist())
    return {rid: name for rid, name in _worksheet_targets(rels) if name in names}


@functools.lru_cache(maxsize=64)  # returns written by one office suite share their relationships part
def _worksheet_targets(rels: bytes) -> tuple[tuple[str, str], ...]:
    out = []
    for a in map(_attrs, _REL_TAG.findall(rels.decode("utf-8", "replace"))):
        target = html.unescape(a.get("Target", ""))
        if a.get("Type", "").endswith("/worksheet") and target:
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            out.append((a.get("Id", ""), name))
    return tuple(out)


def sheet_parts(z: zipfile.ZipFile) -> dict[str, bytes]:
    """The worksheet parts calamine would read, inflated once for both the range check and the formula scan."""
    return {name: _member(z, name) for name in _worksheet_rels(z).values()}


def workbook_sheets(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part name (read only where a sheet must be named: a formula, a refused range)."""
    try:
        wb_xml = _member(z, "xl/workbook.xml").decode("utf-8", "replace")
    except KeyError:
        return {}
    rels = _worksheet_rels(z)
    tags = map(_attrs, _SHEET_TAG.findall(wb_xml))
    return {html.unescape(a.get("name", "")): rels[a["r:id"]] for a in tags if a.get("r:id") in rels}


#: Cells a worksheet's range may span before calamine is let parse it. calamine builds the range densely, from its
#: first to its last cell, so a single character typed at XFD1048576 asks for 17 billion cells and the process
#: aborts (an allocation failure in Rust cannot be caught). A unit sheet of 200 tasks spans about 3,000.
MAX_CELLS = 2_000_000
#: The largest span of an ordinary sheet: every row and cell led by its reference, none beyond column Z or row 9999.
ORDINARY_SPAN = (9_999, 26)
#: The span assumed for a sheet whose references cannot be read (no office software writes such a file).
WORST_SPAN = (1_048_576, 16_384)
_UNUSUAL_CELL = re.compile(rb'<c(?! r="[A-Z]?[0-9]{1,4}")[\s/>]')  # a cell not led by a reference A1 … Z9999
_PREFIXED_CELL = re.compile(rb":c[\s/>]")  # <x:c …>: calamine reads prefixed elements too
_ROW_OR_CELL = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^>]*)>")
_R_ATTR = re.compile(rb'\sr="([^"]*)"')
_R_VALUE = re.compile(rb"([A-Z]{0,3})([0-9]{0,7})")


def cell_span(xml: bytes) -> tuple[int, int]:
    """Rows × columns (an upper bound) of the range calamine would build from a worksheet's XML. A row or cell
    written without its reference follows the one before it, as calamine places it."""
    if not (_UNUSUAL_CELL.search(xml) or _PREFIXED_CELL.search(xml)):
        # the common case, settled by two searches: every cell is placed by its own short reference (calamine
        # places a cell by its reference whatever its row says; rows only place cells that have none)
        return ORDINARY_SPAN
    row = col = rows = cols = 0
    for m in _ROW_OR_CELL.finditer(xml):
        ref = _R_ATTR.search(m.group(2))
        value = _R_VALUE.fullmatch(ref.group(1)) if ref else None
        if ref and value is None:
            return WORST_SPAN
        letters, digits = (value.group(1), value.group(2)) if value else (b"", b"")
        if m.group(1) == b"row":
            row, col = (int(digits) if digits else row + 1), 0
            continue
        col = xl_cell_to_rowcol(letters.decode() + "1")[1] + 1 if letters else col + 1
        row = int(digits) if digits else row
        rows, cols = max(rows, row), max(cols, col)
    return rows, cols


def _member(z: zipfile.ZipFile, name: str) -> bytes:
    """A part's bytes inflated straight from the zip's buffer: for a return's small sheets zipfile's reader costs
    more than the inflating (it runs three times per return). Bounded by the size the directory declares (already
    checked against the limits); anything unusual goes through zipfile."""
    info = z.getinfo(name)
    if isinstance(z.fp, io.BytesIO) and not info.flag_bits & 1:
        with z.fp.getbuffer() as buf:
            off = info.header_offset
            if bytes(buf[off : off + 4]) == b"PK\x03\x04":
                n, e = struct.unpack_from("<HH", buf, off + 26)
                start = off + 30 + n + e
                raw = buf[start : start + info.compress_size]
                out = b""
                if info.compress_type == zipfile.ZIP_DEFLATED:
                    out = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
                elif info.compress_type == zipfile.ZIP_STORED:
                    out = bytes(raw)
                raw.release()
                if out and len(out) == info.file_size:
                    return out
    return z.read(name)


def _unescape(s: str) -> str:
    return html.unescape(s)


def _find_header(grid: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]]:
    for r, row in enumerate(grid[:30]):
        cols = {}
        for c, v in enumerate(row):
            if not isinstance(v, str) or not v:
                continue
            f = _HEADERS.get(v) or (_HEADERS.get(fold(v)) if len(v) <= 20 else None)
            if f and f not in cols:
                cols[f] = c
        if "status" in cols and ("id" in cols or "text" in cols):
            return r, cols
    return -1, {}


def _info(grid: Sequence[Sequence[object]], header: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for row in grid[: max(header, 0)]:
        for c, v in enumerate(row):
            field = C.INFO_FIELDS.get(v.strip()) if isinstance(v, str) and len(v) <= 10 else None
            if field:
                out[field] = next((x for x in row[c + 1 :] if cell_text(x)), "")
    return out


@dataclass
class _Reader:
    master: Master
    plans: dict[str, UnitPlan]
    index: RosterIndex
    out: list[Finding]

    def __post_init__(self) -> None:
        # built once: every file is matched against the same list
        self.all_tasks = {t.id: t for t in self.master.tasklist.tasks}
        self.by_text = {fold(t.text): t.id for t in self.master.tasklist.tasks}
        self.errors_by_file: set[str] = set()

    def finding(self, code: str, path: Path, sheet: str = "", cell: str = "", **kw: object) -> None:
        f = findings.make(code, file=str(path), sheet=sheet, cell=cell, **kw)
        if f.severity != "info":
            self.errors_by_file.add(f.file)
        self.out.append(f)

    def unplaced(self, path: Path, sheet: str, grid: Sequence[Sequence[object]], header: int, cols: dict[str, int]):
        """A file that cannot be counted still loses nothing: each typed text goes to the findings."""
        if header < 0:
            return
        for r in range(header + 1, len(grid)):
            row = grid[r]
            texts = [cell_text(row[cols[f]]) for f in _INPUT_FIELDS if f in cols and cols[f] < len(row)]
            texts = [t for t in texts if t]
            if texts:
                tid = cell_text(row[cols["id"]]) if "id" in cols and cols["id"] < len(row) else ""
                self.finding("row-added", path, sheet, _ref(r, 0), task_id=tid, text="；".join(texts))

    def identify(self, path: Path, meta: dict[str, str], info: dict[str, object]) -> tuple[Unit | None, str]:
        if meta.get(C.K_KIND) == "unit":
            unit = self.master.roster.get(meta.get(C.K_UNIT_ID, "")) or self.index.lookup(meta.get(C.K_UNIT_NAME, ""))
            return unit, "hidden"
        name = cell_text(info.get("unit"))
        if name and (unit := self.index.lookup(name)):
            self.finding("no-hidden-sheet", path, how="“填报单位”单元格", unit=unit.name)
            return unit, "cell"
        stem = fold(path.stem)
        best = None
        for u in self.master.roster.units:
            for n in (u.name, *u.aliases):
                if fold(n) in stem and (best is None or len(n) > best[1]):
                    best = (u, len(n))
        if best:
            self.finding("no-hidden-sheet", path, how="文件名", unit=best[0].name)
            return best[0], "filename"
        return None, ""

    def read(self, got: Loaded) -> Submission | None:
        path, meta, sheet, grid, header, cols = got.path, got.meta, got.sheet, got.grid, got.header, got.cols
        for name, far in got.clipped:
            self.finding("range-clipped", path, name, far, far=far, rows=CLIPPED_ROWS, cols=CLIPPED_COLS)
        if header < 0:
            self.finding("sheet-missing", path, sheet=C.SHEET_UNIT)
            return None
        if meta.get(C.K_KIND) == "unit" and meta.get(C.K_LIST_ID) != self.master.list_id:
            self.finding(
                "foreign-list",
                path,
                sheet,
                unit=meta.get(C.K_UNIT_NAME, ""),
                title=meta.get(C.K_TITLE, "?"),
                year=meta.get(C.K_YEAR, "?"),
            )
            self.unplaced(path, sheet, grid, header, cols)
            return None
        info = _info(grid, header)
        unit, how = self.identify(path, meta, info)
        if unit is None:
            name = meta.get(C.K_UNIT_NAME) or cell_text(info.get("unit"))
            if name:
                self.finding("unknown-unit", path, sheet, name=name)
            else:
                self.finding("unidentified", path, sheet)
            self.unplaced(path, sheet, grid, header, cols)
            return None
        if how == "hidden" and meta.get(C.K_ROUND, "") in self.master.earlier_rounds:
            # a return of a round already merged (rounds.py): counting it would put old answers in as new
            self.finding("round-refused", path, sheet, unit=unit.name, got=meta[C.K_ROUND], expected=self.master.round)
            self.unplaced(path, sheet, grid, header, cols)
            return None
        if how == "hidden" and meta.get(C.K_ROUND, "") != self.master.round:
            self.finding(
                "stale-round", path, sheet, unit=unit.name, got=meta.get(C.K_ROUND, ""), expected=self.master.round
            )
        plan = self.plans.get(unit.id, UnitPlan(unit, ()))
        answers = self._rows(path, sheet, grid, header, cols, unit, plan, meta, got.formulas)
        year = self.master.tasklist.year or dt.date.today().year
        date_raw = info.get("date", "")
        return Submission(
            file=str(path),
            sheet=sheet,
            unit=unit,
            identified_by=how,
            round=meta.get(C.K_ROUND, ""),
            reporter=cell_text(info.get("reporter")),
            phone=cell_text(info.get("phone")),
            date=parse_date(date_raw, year),
            date_raw=cell_text(date_raw),
            mtime=got.mtime,
            answers=tuple(answers),
        )

    def _rows(self, path, sheet, grid, header, cols, unit: Unit, plan: UnitPlan, meta, formulas) -> list[Answer]:
        expected = {t.id: a for t, a in plan.rows}
        all_tasks, by_text = self.all_tasks, self.by_text
        year = self.master.tasklist.year or dt.date.today().year
        seen: list[str] = []
        answers: list[Answer] = []
        locked_rows: list[list[str]] = []
        # this runs for every row of every return: column positions are looked up once per file
        locked_at = [cols.get(c.field) for c in C.UNIT_LOCKED]
        input_at = [(f, cols[f]) for f in _INPUT_FIELDS if f in cols]
        columns = _columns(tuple(input_at))  # one tuple shared by every answer of this file (and of most files)
        check = [(k, c) for k, c in enumerate(C.UNIT_LOCKED) if c.field in cols]

        for r in range(header + 1, len(grid)):
            row = grid[r]
            if not any(map(cell_text, row)):
                continue
            n = len(row)
            locked = [cell_text(row[c]) if c is not None and c < n else "" for c in locked_at]
            locked_rows.append(locked)
            tid = locked[_ID_AT]
            if tid not in all_tasks:
                match = by_text.get(fold(locked[_TEXT_AT]))
                if match:
                    self.finding("row-matched-by-text", path, sheet, _ref(r, 0), unit=unit.name, task_id=match)
                    tid = match
                else:
                    texts = [cell_text(row[c]) if c < n else "" for _, c in input_at]
                    label = "；".join(t for t in [locked[_TEXT_AT][:40], *texts] if t)
                    self.finding("row-added", path, sheet, _ref(r, 0), unit=unit.name, task_id=tid, text=label)
                    continue
            if tid in seen:
                texts = "；".join(t for t in (cell_text(row[c]) if c < n else "" for _, c in input_at) if t)
                self.finding(
                    "row-added", path, sheet, _ref(r, 0), unit=unit.name, task_id=tid, text=texts or "（重复行）"
                )
                continue
            seen.append(tid)
            assignment = expected.get(tid)
            if assignment is not None:
                want = plan.locked[tid]
                for k, c in check:
                    got, w = locked[k], want[k]
                    if got == w or fold(got) == fold(w):
                        continue
                    code = "role-changed" if c.field == "role" else "locked-text-edited"
                    self.finding(
                        code,
                        path,
                        sheet,
                        _ref(r, cols[c.field]),
                        unit=unit.name,
                        task_id=tid,
                        column=c.header,
                        expected=w[:60],
                        got=got[:60],
                    )
            answer = self._answer(
                path, sheet, r, row, input_at, columns, tid, assignment.role if assignment else "", formulas, year, unit
            )
            if assignment is None:
                self.finding("no-role", path, sheet, _ref(r, 0), unit=unit.name, task_id=tid)
                for field_name, text in answer.texts().items():
                    self.finding(
                        "superseded-text",
                        path,
                        sheet,
                        answer.cell(field_name),
                        unit=unit.name,
                        task_id=tid,
                        field=_label(field_name),
                        text=text,
                    )
                continue
            answers.append(answer)
        order = [t for t in seen if t in expected]
        if order != [t.id for t, _ in plan.rows if t.id in order]:
            self.finding("row-moved", path, sheet, unit=unit.name)
        for t, _ in plan.rows:
            if t.id not in seen:
                self.finding("row-deleted", path, sheet, unit=unit.name, task_id=t.id)
        fp = meta.get(C.K_FINGERPRINT)
        if fp:
            now_fp = C.fingerprint(unit.name, locked_rows)
            if now_fp != fp and str(path) not in self.errors_by_file:
                self.finding("fingerprint-mismatch", path, sheet, unit=unit.name)
            elif now_fp == fp and fp != plan.fingerprint:
                self.finding("master-changed", path, sheet, unit=unit.name)
        return answers

    def _answer(self, path, sheet, r, row, input_at, columns, tid, role, formulas, year, unit: Unit) -> Answer:
        values: dict[str, object] = {}
        n = len(row)
        for f, c in input_at:
            if c >= n:
                continue
            v = values[f] = row[c]
            if formulas and (ref := _ref(r, c)) in formulas:
                self.finding(
                    "formula-in-input",
                    path,
                    sheet,
                    ref,
                    unit=unit.name,
                    task_id=tid,
                    formula="=" + formulas[ref],
                    value=cell_text(v),
                )
        letters = dict(columns)

        def cell(field_name: str) -> str:
            return f"{letters[field_name]}{r + 1}" if field_name in letters else ""

        raw_status = cell_text(values.get("status"))
        status = normalise_status(raw_status) if raw_status else ""
        ref_status = cell("status")
        if raw_status and not status:
            self.finding("status-unknown", path, sheet, ref_status, unit=unit.name, task_id=tid, raw=raw_status)
        elif raw_status and status != raw_status:
            self.finding(
                "status-normalised", path, sheet, ref_status, unit=unit.name, task_id=tid, raw=raw_status, status=status
            )
        lead_summary = cell_text(values.get("lead_summary"))
        if role != C.ROLE_LEAD and lead_summary == "—":
            lead_summary = ""
        date_v = values.get("done_date")
        done = parse_date(date_v, year)
        raw_date = cell_text(date_v)
        if raw_date and done is None:
            self.finding("date-unparsed", path, sheet, cell("done_date"), unit=unit.name, task_id=tid, raw=raw_date)
        return Answer(
            task_id=tid,
            role=role,
            status=status,
            status_raw=raw_status if raw_status != status else "",
            progress=cell_text(values.get("progress")),
            done_date=done,
            done_date_raw=raw_date if done is None or not isinstance(date_v, dt.date | float | int) else "",
            evidence=cell_text(values.get("evidence")),
            plan=cell_text(values.get("plan")),
            lead_summary=lead_summary,
            row=r + 1,
            columns=columns,
        )


def _label(field_name: str) -> str:
    return next((c.header for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY) if c.field == field_name), field_name)


def sniff(data: bytes) -> tuple[tuple[str, dict[str, object]] | None, zipfile.ZipFile | None]:
    """What is wrong with a file before any parser sees it (or None), and its open zip for the formula scan. Only
    the zip directory is read, so a decompression bomb costs nothing; an OLE file is scanned for an encrypted
    package (a password-protected workbook is an OLE container whatever its extension)."""
    if not data:
        return ("file-unreadable", {"reason": "文件为空（0 字节）"}), None
    if data[:2] == b"PK":
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError):
            return ("file-unreadable", {"reason": "文件不完整或已损坏（压缩包无法打开）"}), None
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED or any(i.file_size > MAX_MEMBER for i in infos):
            return ("file-too-large", {"size": f"解压后 {total / 2**20:.0f} MB"}), None
        return None, zf
    if data[:8] == _OLE:
        return (("file-encrypted", {}) if _ENCRYPTED in data else None), None
    return ("file-unreadable", {"reason": "不是 Excel 工作簿（可能是改了扩展名的其他文件）"}), None


def _read_bytes(path: Path) -> tuple[bytes | None, float, tuple[str, dict[str, object]] | None]:
    """The file's bytes (read once for every check and the parser) and its time; a size check comes first."""
    try:
        st = path.stat()
        if st.st_size > MAX_FILE_BYTES:
            return None, st.st_mtime, ("file-too-large", {"size": f"{st.st_size / 2**20:.0f} MB"})
        with path.open("rb") as f:
            return f.read(), st.st_mtime, None
    except OSError as exc:
        return None, 0.0, ("file-locked", {"reason": f"{type(exc).__name__}: {exc.strerror or exc}"})


@dataclass
class Loaded:
    """One file as the loader thread leaves it: what is wrong with it before any check, or its parsed unit sheet.
    ``digest`` is set once the bytes passed the sniff (a duplicate is told before whatever else is wrong)."""

    path: Path
    problem: tuple[str, dict[str, object]] | None = None
    digest: str = ""
    mtime: float = 0.0
    meta: dict[str, str] = field(default_factory=dict)
    sheet: str = ""
    grid: list[list[object]] = field(default_factory=list)
    header: int = -1
    cols: dict[str, int] = field(default_factory=dict)
    formulas: dict[str, str] = field(default_factory=dict)
    clipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, farthest cell) read only in part


#: A sheet whose range is too large for calamine is read through openpyxl, this far (a unit sheet of 1,000 tasks
#: fits); what lies beyond is named in a finding, not read.
CLIPPED_ROWS, CLIPPED_COLS = 5_000, 64
_Sheets = tuple[list[str], Callable[[str], list[list[object]]]]


def _calamine_sheets(data: bytes) -> _Sheets:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return wb.sheet_names, lambda name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _clipped_sheets(data: bytes) -> _Sheets:
    """openpyxl's read-only reader stops at the last row asked for and keeps only the columns asked for, so a
    sheet that spans a billion cells costs what its first rows cost (its XML goes through defusedxml)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)

    def grid(name: str) -> list[list[object]]:
        ws = wb[name]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            return []
        return [list(r) for r in ws.iter_rows(max_row=CLIPPED_ROWS, max_col=CLIPPED_COLS, values_only=True)]

    return wb.sheetnames, grid


def load(path: Path) -> Loaded:
    """Everything about one file that needs no list, roster or other file: safe to run in a worker thread."""
    if path.name.startswith("~$"):
        return Loaded(path, ("file-lock-skipped", {}))
    if path.suffix.lower() not in SPREADSHEETS:
        return Loaded(path, ("file-not-spreadsheet", {}))
    data, mtime, problem = _read_bytes(path)
    zf = None
    if data is not None:
        problem, zf = sniff(data)
    if problem or data is None:
        return Loaded(path, problem, mtime=mtime)
    got = Loaded(path, digest=hashlib.sha256(data).hexdigest(), mtime=mtime)
    try:
        parts = sheet_parts(zf) if zf else {}
        got.clipped = _too_large(zf, parts) if zf else []
        names, grid_of = _clipped_sheets(data) if got.clipped else _calamine_sheets(data)
        got.meta = hidden_values(grid_of(C.SHEET_HIDDEN)) if C.SHEET_HIDDEN in names else {}
        sheet = C.SHEET_UNIT if C.SHEET_UNIT in names else ""
        for name in [sheet] if sheet else [n for n in names if n != C.SHEET_HIDDEN]:
            grid = grid_of(name)
            header, cols = _find_header(grid)
            if header >= 0:
                got.sheet, got.grid, got.header, got.cols = name, grid, header, cols
                break
        if got.header >= 0:
            got.formulas = formula_cells(zf, got.sheet, parts)
    except Exception as exc:  # zlib, calamine and openpyxl raise several types for corrupt or foreign files
        got.problem = ("file-unreadable", {"reason": f"{type(exc).__name__}: {exc}"})
    return got


def _too_large(zf: zipfile.ZipFile, parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """(sheet, farthest cell) of every sheet to be read only in part, where one is too large for calamine."""
    spans = {part: cell_span(xml) for part, xml in parts.items()}
    if all(rows * cols <= MAX_CELLS for rows, cols in spans.values()):
        return []
    by_part = {p: n for n, p in workbook_sheets(zf).items()}
    return [
        (by_part.get(part, part), xl_rowcol_to_cell(min(rows, 1_048_576) - 1, min(cols, 16_384) - 1))
        for part, (rows, cols) in spans.items()
        if rows > CLIPPED_ROWS or cols > CLIPPED_COLS
    ]


#: Files loaded ahead of the checks. Each holds one return's bytes and grid, so memory stays bounded.
AHEAD = 8


def _loaded(files: Iterable[Path], threads: int) -> Iterator[Loaded]:
    """``load`` over the files in their order, ``threads`` at a time, at most AHEAD files ahead of the consumer."""
    if threads <= 1:
        yield from map(load, files)
        return
    it = iter(files)
    with ThreadPoolExecutor(threads, thread_name_prefix="zwgk-load") as pool:
        pending = deque(pool.submit(load, p) for p in itertools.islice(it, AHEAD))
        while pending:
            got = pending.popleft().result()
            pending.extend(pool.submit(load, p) for p in itertools.islice(it, 1))
            yield got


def default_threads() -> int:
    """Two loaders keep two cores busy (calamine and zlib let go of the GIL); more only contend for it."""
    return min(2, os.cpu_count() or 1)


def list_files(returns: Path) -> list[Path]:
    return sorted(p for p in returns.rglob("*") if p.is_file())


class ReturnsError(Exception):
    """The returns folder does not exist: stop, rather than report every unit as not returned (and remind them all)."""


def collect(
    master: Master,
    returns: str | Path,
    progress: Callable[[Path], None] | None = None,
    threads: int | None = None,
) -> Collection:
    """Files are loaded in ``threads`` worker threads (default: default_threads()) and checked here in name order.
    Worker processes were tried and taken out: on a 2-core machine spawning them (as Windows must) cost about a
    second and saved nothing (benchmarks/README.md); threads cost nothing to start."""
    root = Path(returns)
    if not root.is_dir():
        raise ReturnsError(f"找不到报送文件夹：{root}（请检查路径；未汇总任何文件）")
    out: list[Finding] = []
    plans = master.plans
    reader = _Reader(master, {p.unit.id: p for p in plans}, master.index, out)
    subs: list[Submission] = []
    seen_bytes: dict[str, Path] = {}
    files = list_files(root)
    with paused_gc():
        for got in _loaded(files, default_threads() if threads is None else threads):
            path = got.path
            if progress:
                progress(path)
            if got.digest:
                if got.digest in seen_bytes:
                    reader.finding("duplicate-file", path, other=seen_bytes[got.digest].name)
                    continue
                seen_bytes[got.digest] = path
            if got.problem:
                reader.finding(got.problem[0], path, **got.problem[1])
                continue
            sub = reader.read(got)
            if sub is not None:
                subs.append(sub)
    winners: dict[str, Submission] = {}
    superseded: list[Submission] = []
    for sub in sorted(subs, key=lambda s: (s.date or dt.date.min, s.mtime, s.file)):
        if sub.unit.id in winners:
            superseded.append(winners[sub.unit.id])
        winners[sub.unit.id] = sub
    for old in superseded:
        new = winners[old.unit.id]
        out.append(findings.make("resend-superseded", unit=old.unit.name, file=old.file, newer=Path(new.file).name))
        for a in old.answers:
            kept = new.answer(a.task_id)
            kept_texts = kept.texts() if kept else {}
            for field_name, text in a.texts().items():
                if kept_texts.get(field_name) != text:
                    out.append(
                        findings.make(
                            "superseded-text",
                            unit=old.unit.name,
                            task_id=a.task_id,
                            file=old.file,
                            sheet=old.sheet,
                            cell=a.cell(field_name),
                            field=_label(field_name),
                            text=text,
                        )
                    )
    missing = tuple(p.unit for p in plans if p.unit.id not in winners)
    for u in missing:
        out.append(findings.make("not-returned", unit=u.name, count=len(reader.plans[u.id].rows)))
    ordered = sorted(winners.values(), key=lambda s: master.roster.order(s.unit))
    return Collection(tuple(ordered), tuple(superseded), tuple(out), missing, tuple(files))
