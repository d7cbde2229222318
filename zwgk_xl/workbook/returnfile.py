"""One returned file as collect needs it, read without writing: its bytes read once; the safety sniff (empty,
corrupt, encrypted, zip bomb); the bounds of each sheet's range before calamine builds it; the worksheet XML
scanned by a pull parser (formulas, percentage styles, comments, text boxes); the readers (calamine, or openpyxl for
a sheet too large for it); the choice of the sheet that is the form and its header; archives and saved mails opened
into their workbooks. Everything needs only the file: no list, roster or other file, so it runs in worker threads.
Nothing here raises for a file's content: what is wrong becomes the Loaded's problem or a note.
"""

from __future__ import annotations

import difflib
import errno
import functools
import hashlib
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from zwgk_xl import contract as C
from zwgk_xl.contract import cell_text
from zwgk_xl.units import fold
from zwgk_xl.verify import HEADERS, INPUT_FIELDS, cell_ref, column
from zwgk_xl.workbook import containers
from zwgk_xl.workbook.master import hidden_values

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et"}

#: Limits that keep a hostile file's cost bounded (a zip bomb, a huge sharedStrings): checked before any parsing.
MAX_FILE_BYTES = 100 * 2**20
MAX_UNCOMPRESSED = 300 * 2**20
MAX_MEMBER = 150 * 2**20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


_FORMULA_BYTES = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")


class _Refused(Exception):
    """An entity declared inside a part: no office software writes one, so the part is not trusted."""


def _expat(
    xml: bytes,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> bool:
    """Run a pull parser (expat) over one part, names given without their namespace prefix. Work is linear in the
    bytes whatever they hold (the regular expressions this replaced were quadratic on a comment full of "<c ");
    no entity is declared, fetched or expanded. False when the XML is damaged (what came before was seen)."""

    def refuse(*_: object) -> Any:
        raise _Refused

    p = expat.ParserCreate()
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.EntityDeclHandler = refuse
    p.ExternalEntityRefHandler = refuse
    p.buffer_text = True
    p.StartElementHandler = lambda name, attrs: start(name.rpartition(":")[2], attrs)
    if end is not None:
        p.EndElementHandler = lambda name: end(name.rpartition(":")[2])
    if text is not None:
        p.CharacterDataHandler = text
    try:
        p.Parse(xml, True)
    except (expat.ExpatError, _Refused, ValueError):
        return False
    return True


def _attr(attrs: dict[str, str], name: str) -> str:
    """An attribute by its local name (``r:id`` whatever prefix the office suite chose)."""
    return next((v for k, v in attrs.items() if k.rpartition(":")[2] == name), "")


def formula_cells(z: zipfile.ZipFile | None, sheet: str, parts: dict[str, bytes]) -> dict[str, str]:
    """Cells holding a formula in one sheet of an .xlsx/.xlsm, read from the XML without running anything.
    ``parts``: the worksheet parts, inflated (sheet_parts). Most returns hold none, so the sheet's XML is only
    parsed when an <f> element may exist."""
    if z is None or not any(_FORMULA_BYTES.search(xml) for xml in parts.values()):
        return {}
    part = workbook_sheets(z).get(sheet, "")
    if part not in parts or not _FORMULA_BYTES.search(parts[part]):
        return {}
    out: dict[str, str] = {}
    cell: list[str] = []  # the reference of the cell being read, and the text of its <f> so far
    in_f = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_f
        if name == "c":
            cell[:] = [attrs.get("r", "")]
        elif name == "f" and cell and cell[0]:
            in_f = True
            cell[1:] = [""]

    def end(name: str) -> None:
        nonlocal in_f
        if name == "f" and in_f:
            in_f = False
            out[cell[0]] = cell[1] or "(共享公式)"
        elif name == "c":
            cell.clear()

    def text(data: str) -> None:
        if in_f:
            cell[1] += data

    _expat(parts[part], start, end, text)  # a damaged part: what came before counts; calamine judges the file
    return out


def _worksheet_rels(z: zipfile.ZipFile) -> dict[str, str]:
    """Relationship id → worksheet part name, from the workbook's relationships (how calamine finds its sheets)."""
    try:
        rels = _member(z, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    names = set(z.namelist())
    return {rid: name for rid, name in _worksheet_targets(rels) if name in names}


def _elements(xml: bytes, tag: str) -> list[dict[str, str]]:
    """The attributes (by local name) of every ``tag`` element of a small part; a damaged part yields those before
    the damage."""
    out: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == tag:
            out.append({k.rpartition(":")[2]: v for k, v in attrs.items()})

    _expat(xml, start)
    return out


@functools.lru_cache(maxsize=64)  # returns written by one office suite share their relationships part
def _worksheet_targets(rels: bytes) -> tuple[tuple[str, str], ...]:
    out = []
    for a in _elements(rels, "Relationship"):
        target = a.get("Target", "")
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
        wb_xml = _member(z, "xl/workbook.xml")
    except KeyError:
        return {}
    rels = _worksheet_rels(z)
    return {a.get("name", ""): rels[a["id"]] for a in _elements(wb_xml, "sheet") if a.get("id") in rels}


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
_R_VALUE = re.compile(r"([A-Z]{0,3})([0-9]{0,7})")


def cell_span(xml: bytes, exact: bool = False) -> tuple[int, int]:
    """Rows × columns (an upper bound) of the range calamine would build from a worksheet's XML. A row or cell
    written without its reference follows the one before it, as calamine places it. Unless ``exact``, an ordinary
    sheet is answered by ORDINARY_SPAN without reading its cells."""
    if not exact and not (_UNUSUAL_CELL.search(xml) or _PREFIXED_CELL.search(xml)):
        # the common case, settled by two searches: every cell is placed by its own short reference (calamine
        # places a cell by its reference whatever its row says; rows only place cells that have none)
        return ORDINARY_SPAN
    at = [0, 0, 0, 0]  # row, column, rows, columns

    def start(name: str, attrs: dict[str, str]) -> None:
        if name not in ("row", "c"):
            return
        ref = attrs.get("r")
        value = _R_VALUE.fullmatch(ref) if ref is not None else None
        if ref is not None and value is None:
            raise _Refused
        letters, digits = (value.group(1), value.group(2)) if value else ("", "")
        if name == "row":
            at[0], at[1] = (int(digits) if digits else at[0] + 1), 0
            return
        at[1] = xl_cell_to_rowcol(letters + "1")[1] + 1 if letters else at[1] + 1
        at[0] = int(digits) if digits else at[0]
        at[2], at[3] = max(at[2], at[0]), max(at[3], at[1])

    if not _expat(xml, start):
        return WORST_SPAN  # a reference no office software writes, or XML the parser refuses: read it bounded
    return at[2], at[3]


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


def sniff(data: bytes) -> tuple[tuple[str, dict[str, Any]] | None, zipfile.ZipFile | None]:
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


def os_reason(exc: OSError) -> tuple[str, dict[str, Any]]:
    """An operating-system error as the finding a clerk can act on, in Chinese (never the library's English)."""
    code = exc.errno
    if code == errno.ENAMETOOLONG:
        return "file-unreadable", {"reason": "路径或文件名过长，系统无法打开；请把它移到较浅的文件夹或改短文件名"}
    if code in (errno.ENOENT, errno.ENOTDIR):
        return "file-unreadable", {"reason": "汇总过程中文件已被移走或删除"}
    if code == errno.ELOOP:
        return "file-unreadable", {"reason": "快捷方式（符号链接）指向自身，无法打开"}
    if code == errno.EISDIR:
        return "file-unreadable", {"reason": "这是一个文件夹"}
    if code in (errno.EACCES, errno.EPERM):
        why = "没有读取权限，或正被其他程序（如 Excel、WPS、杀毒软件）占用"
    elif code == errno.EBUSY:
        why = "正被其他程序占用"
    elif code == errno.EIO:
        why = "磁盘或网络读取出错"
    else:
        why = "系统拒绝读取"
    return "file-locked", {"reason": f"{why}（错误码 {code}）"}


def _read_bytes(path: Path) -> tuple[bytes | None, float, tuple[str, dict[str, Any]] | None]:
    """The file's bytes (read once for every check and the parser) and its time; a size check comes first."""
    try:
        st = path.stat()
        if st.st_size > MAX_FILE_BYTES:
            return None, st.st_mtime, ("file-too-large", {"size": f"{st.st_size / 2**20:.0f} MB"})
        with path.open("rb") as f:
            return f.read(MAX_FILE_BYTES + 1), st.st_mtime, None
    except OSError as exc:
        return None, 0.0, os_reason(exc)


def display(path: Path) -> Path:
    """The path as a clerk can read it and every writer can encode it. A name that is not valid UTF-8 (GBK bytes
    left by a zip made on Windows and unpacked on Linux) arrives with surrogate escapes, which no XML, JSON or
    encode() accepts: such a part is decoded as GB18030 where it can be, else with the bad bytes replaced."""
    try:
        str(path).encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    parts = []
    for part in path.parts:
        raw = os.fsencode(part)
        try:
            raw.decode("utf-8")
            parts.append(part)
            continue
        except UnicodeDecodeError:
            pass
        try:
            parts.append(raw.decode("gb18030"))
        except UnicodeDecodeError:
            parts.append(raw.decode("utf-8", "replace"))
    return Path(*parts)


#: Names other software leaves beside a workbook: never a return, never an error (an AppleDouble file a Mac
#: wrote on a USB stick looks like a damaged workbook to every parser).
LITTER = (
    ("~$", "Office 临时锁文件（~$ 开头）"),
    (".~lock.", "LibreOffice 临时锁文件（.~lock. 开头）"),
    (".~", "WPS 临时文件（.~ 开头）"),
    ("~WRL", "Office 临时文件（~WRL 开头）"),
    ("._", "苹果电脑在 U 盘等处生成的附属文件（._ 开头）"),
)


def litter(name: str) -> str:
    return next((kind for prefix, kind in LITTER if name.startswith(prefix)), "")


@dataclass
class Loaded:
    """One file as the loader thread leaves it: what is wrong with it before any check, or its parsed unit sheet.
    ``digest`` is set once the bytes passed the sniff (a duplicate is told before whatever else is wrong)."""

    path: Path
    problem: tuple[str, dict[str, Any]] | None = None
    digest: str = ""
    mtime: float = 0.0
    meta: dict[str, str] = field(default_factory=dict)
    sheet: str = ""
    grid: list[list[object]] = field(default_factory=list)
    header: int = -1
    cols: dict[str, int] = field(default_factory=dict)
    formulas: dict[str, str] = field(default_factory=dict)
    clipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, farthest cell) read only in part
    renamed: list[tuple[int, str, str]] = field(default_factory=list)  # columns whose header changed
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # findings told before the rest

    def note(self, code: str, **params: object) -> None:
        self.notes.append((code, params))


#: A sheet whose range is too large for calamine is read through openpyxl, this far (a unit sheet of 1,000 tasks
#: fits); what lies beyond is named in a finding, not read.
CLIPPED_ROWS, CLIPPED_COLS = 5_000, 64


@dataclass
class _Book:
    """One reader's view of a workbook: its sheet names, which are hidden, a sheet's grid and merged ranges."""

    names: list[str]
    hidden: set[str]
    grid: Callable[[str], list[list[object]]]
    merged: Callable[[str], list[tuple[tuple[int, int], tuple[int, int]]]]


def _calamine_sheets(data: bytes) -> _Book:
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

    return _Book(wb.sheet_names, hidden, lambda name: sheet(name).to_python(skip_empty_area=False), merged)


def _clipped_sheets(data: bytes) -> _Book:
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
    return _Book(wb.sheetnames, hidden, grid, lambda name: [])


def load(path: Path) -> Loaded:
    """One workbook file: everything that needs no list, roster or other file (safe in a worker thread)."""
    shown = display(path)
    if kind := litter(path.name):
        return Loaded(
            shown, ("file-lock-skipped", {}) if path.name.startswith("~$") else ("file-litter", {"kind": kind})
        )
    if path.suffix.lower() not in SPREADSHEETS:
        return Loaded(shown, ("file-not-spreadsheet", {}))
    data, mtime, problem = _read_bytes(path)
    if data is None:
        return Loaded(shown, problem, mtime=mtime)
    return load_bytes(shown, data, mtime)


def load_all(path: Path) -> list[Loaded]:
    """Every workbook a file holds, the file first: one for a workbook, its members for an archive or saved mail
    (each named container/member), a finding for anything else. Never raises: whatever escapes a reader becomes
    file-unreadable, so one file cannot stop the run."""
    try:
        shown = display(path)
        got = _load_all(path, shown, None, 0)
        if shown != path:
            got[0].notes.insert(0, ("file-name-garbled", {"name": shown.name}))
        return got
    except Exception as exc:
        return [Loaded(display(path), ("file-unreadable", {"reason": unreadable_reason(exc)}))]


def _wanted(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    return (suffix in SPREADSHEETS or suffix in containers.KINDS) and not litter(Path(name).name)


def _load_all(path: Path, shown: Path, data: bytes | None, depth: int) -> list[Loaded]:
    suffix = path.suffix.lower()
    if suffix not in containers.KINDS or litter(path.name):
        if data is None:
            return [load(path)]
        return [load_bytes(shown, data, 0.0)]
    kind = containers.KINDS[suffix]
    mtime = 0.0
    if data is None:
        data, mtime, problem = _read_bytes(path)
        if data is None:
            return [Loaded(shown, problem, mtime=mtime)]
    if depth >= containers.MAX_DEPTH:
        return [Loaded(shown, ("container-unsupported", {"kind": kind, "reason": "压缩包套得太深"}))]
    try:
        opened = containers.open_container(path.name, data, _wanted)
    except containers.Refused as exc:
        return [Loaded(shown, ("container-unsupported", {"kind": kind, "reason": str(exc)}))]
    if not opened.members:
        detail = f"（其中有：{'、'.join(opened.skipped[:10])}）" if opened.skipped else ""
        return [Loaded(shown, ("container-empty", {"kind": kind, "detail": detail}))]
    names = "、".join(name for name, _ in opened.members)
    out = [Loaded(shown, ("container-opened", {"kind": kind, "count": len(opened.members), "names": names}))]
    for name, member in opened.members:
        inner = Path(containers.join(str(shown), name))
        for got in _load_all(Path(name), inner, member, depth + 1):
            got.mtime = got.mtime or mtime
            out.append(got)
    return out


def unreadable_reason(exc: BaseException) -> str:
    """A reader's exception as a reason a clerk can read: the libraries' messages are English and technical
    (CalamineError: Cannot detect file format); the type is kept in brackets for whoever maintains the tool."""
    text = f"{type(exc).__name__}: {exc}".lower()
    if isinstance(exc, zlib.error) or "zlib" in text or "inflat" in text or "deflate" in text:
        why = "文件内压缩的数据已损坏"
    elif "password" in text or "encrypt" in text:
        why = "文件设置了密码或已加密"
    elif "detect file format" in text or "unsupported" in text or "not a zip" in text:
        why = "无法识别文件格式（可能已损坏，或是改了扩展名的其他文件）"
    elif "xml" in text or "parse" in text or "syntax" in text:
        why = "工作簿内部的数据已损坏（无法解析）"
    elif "zip" in text or "eof" in text or "truncat" in text:
        why = "文件不完整或已损坏"
    else:
        why = "文件已损坏或格式不受支持"
    return f"{why}（技术信息：{type(exc).__name__}）"


def load_bytes(path: Path, data: bytes, mtime: float) -> Loaded:
    """One workbook's bytes (``path`` is its display name): sniff, bounds, parse, choose the unit sheet, and note
    whatever the unit wrote where no column is read (a copy of the sheet, another sheet, a comment, a text box)."""
    problem, zf = sniff(data)
    if problem:
        return Loaded(path, problem, mtime=mtime)
    got = Loaded(path, digest=hashlib.sha256(data).hexdigest(), mtime=mtime)
    try:
        parts = sheet_parts(zf) if zf else {}
        got.clipped = _too_large(zf, parts) if zf else []
        for name, far in got.clipped:
            got.note("range-clipped", sheet=name, cell=far, far=far, rows=CLIPPED_ROWS, cols=CLIPPED_COLS)
        book = _clipped_sheets(data) if got.clipped else _calamine_sheets(data)
        got.meta = hidden_values(book.grid(C.SHEET_HIDDEN)) if C.SHEET_HIDDEN in book.names else {}
        if got.meta.get(C.K_KIND) == "master":
            merged = C.SHEET_RESULT in book.names or C.SHEET_FINDINGS in book.names
            got.problem = ("own-workbook", {"kind": "汇总结果工作簿" if merged else "总表工作簿"})
            return got
        _choose_sheet(got, book)
        if got.header >= 0:
            _fill_merged(got, book.merged(got.sheet))
            if zf is not None:
                _percentages(got, zf, parts)
                got.formulas = formula_cells(zf, got.sheet, parts)
                _side_texts(got, zf)
            for c, head, text in added_columns(got.grid, got.header, got.cols):
                got.notes.append(
                    (
                        "column-added",
                        {"sheet": got.sheet, "cell": cell_ref(got.header, c), "header": head, "text": text},
                    )
                )
            for c, expected, found in got.renamed:
                got.notes.append(
                    (
                        "header-changed",
                        {"sheet": got.sheet, "cell": cell_ref(got.header, c), "expected": expected, "got": found},
                    )
                )
    except Exception as exc:  # zlib, calamine and openpyxl raise several types for corrupt or foreign files
        got.problem = ("file-unreadable", {"reason": unreadable_reason(exc)})
    return got


def _choose_sheet(got: Loaded, book: _Book) -> None:
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


def _fill_merged(got: Loaded, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
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


def _percentages(got: Loaded, zf: zipfile.ZipFile, parts: dict[str, bytes]) -> None:
    """A number shown as a percentage reads as the unit typed it ("100%", not 1): calamine gives the number
    only, so the cells whose style is a percentage are found in the styles and the sheet's XML (skipped where
    the workbook has no percentage style, as the forms we send have none)."""
    styles = _percent_styles(zf)
    xml = parts.get(workbook_sheets(zf).get(got.sheet, ""), b"") if styles else b""
    if not xml:
        return
    refs: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "c" and attrs.get("s") in styles and attrs.get("r"):
            refs.append(attrs["r"])

    _expat(xml, start)
    for ref in refs:
        r, c = xl_cell_to_rowcol(ref)
        if r < len(got.grid) and c < len(got.grid[r]):
            v = got.grid[r][c]
            if isinstance(v, int | float) and not isinstance(v, bool):
                got.grid[r][c] = f"{round(v * 100, 10):g}%"


def _percent_styles(zf: zipfile.ZipFile) -> frozenset[str]:
    """The cell styles (their index) that show a number as a percentage. Returns made by one office suite from one
    form share their styles part, so it is read once per distinct part (its CRC and size, from the zip directory)."""
    try:
        info = zf.getinfo("xl/styles.xml")
    except KeyError:
        return frozenset()
    key = (info.CRC, info.file_size)
    if key not in _PERCENT_STYLES:
        if len(_PERCENT_STYLES) > 256:
            _PERCENT_STYLES.clear()
        _PERCENT_STYLES[key] = _read_percent_styles(_member(zf, "xl/styles.xml"))
    return _PERCENT_STYLES[key]


_PERCENT_STYLES: dict[tuple[int, int], frozenset[str]] = {}


def _read_percent_styles(xml: bytes) -> frozenset[str]:
    if b"%" not in xml and b'numFmtId="9"' not in xml and b'numFmtId="10"' not in xml:
        return frozenset()
    custom = {a.get("numFmtId", ""): a.get("formatCode", "") for a in _elements(xml, "numFmt")}
    percent = {i for i, code in custom.items() if "%" in code.replace("\\%", "")} | {"9", "10"}
    xfs: list[str] = []
    inside = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "cellXfs":
            inside[0] = True
        elif name == "xf" and inside[0]:
            xfs.append(attrs.get("numFmtId", "0"))

    def end(name: str) -> None:
        if name == "cellXfs":
            inside[0] = False

    _expat(xml, start, end)
    return frozenset(str(k) for k, fmt in enumerate(xfs) if fmt in percent)


def _side_texts(got: Loaded, zf: zipfile.ZipFile) -> None:
    """Comments and text boxes: text a unit wrote where no column is read. Each comment and each shape's text
    becomes a note quoting it (the sheet named where the relationships say which sheet holds it)."""
    names = zf.namelist()
    if not any(n.startswith(("xl/comments", "xl/drawings/drawing")) for n in names):
        return
    owner = _owners(zf)
    for name in names:
        if name.startswith("xl/comments") and name.endswith(".xml"):
            for cell_ref, text in _comments(_member(zf, name)):
                got.notes.append(("cell-comment", {"sheet": owner.get(name, ""), "cell": cell_ref, "text": text}))
        elif name.startswith("xl/drawings/drawing") and name.endswith(".xml"):
            for text in _shape_texts(_member(zf, name)):
                got.notes.append(("drawing-text", {"sheet": owner.get(name, ""), "text": text}))


def _owners(zf: zipfile.ZipFile) -> dict[str, str]:
    """Comment or drawing part → the name of the sheet it belongs to, from each worksheet's relationships."""
    out = {}
    for sheet, part in workbook_sheets(zf).items():
        folder, base = posixpath.split(part)
        try:
            rels = _member(zf, f"{folder}/_rels/{base}.rels")
        except KeyError:
            continue
        for a in _elements(rels, "Relationship"):
            target = a.get("Target", "")
            if target:
                out[posixpath.normpath(posixpath.join(folder, target)).lstrip("/")] = sheet
    return out


def _comments(xml: bytes) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    ref, in_t = "", [False]
    texts: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal ref
        if name == "comment":
            ref = attrs.get("ref", "")
            texts.clear()
        elif name == "t":
            in_t[0] = True

    def end(name: str) -> None:
        if name == "t":
            in_t[0] = False
        elif name == "comment" and (text := "".join(texts).strip()):
            out.append((ref, text))

    def text(data: str) -> None:
        if in_t[0]:
            texts.append(data)

    _expat(xml, start, end, text)
    return out


def _shape_texts(xml: bytes) -> list[str]:
    """The text of each shape (text box, callout) of a drawing: its paragraphs joined by line breaks."""
    out: list[str] = []
    paras: list[list[str]] = []
    depth, in_t = [0], [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "sp":
            depth[0] += 1
            if depth[0] == 1:
                paras.clear()
        elif name == "p" and depth[0]:
            paras.append([])
        elif name == "t" and depth[0]:
            in_t[0] = True

    def end(name: str) -> None:
        if name == "t":
            in_t[0] = False
        elif name == "sp" and depth[0]:
            depth[0] -= 1
            if depth[0] == 0 and (text := "\n".join("".join(p) for p in paras).strip()):
                out.append(text)

    def text(data: str) -> None:
        if in_t[0] and paras:
            paras[-1].append(data)

    _expat(xml, start, end, text)
    return out


def _too_large(zf: zipfile.ZipFile, parts: dict[str, bytes]) -> list[tuple[str, str]]:
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
