"""The XML inside a returned workbook, read without building it: the parts a sheet name points to, each part scanned
by expat's pull parser (which refuses entity declarations, so no billion-laughs part is expanded), the formulas a
sheet holds, the styles that show a percentage, comments and text boxes with the sheet they belong to, and the span
of a sheet's range, measured before calamine is let allocate it. Bytes in, plain data out: no Loaded, no finding.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from xlsxwriter.utility import xl_cell_to_rowcol

_FORMULA_BYTES = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")


class _Refused(Exception):
    """An entity declared inside a part: no office software writes one, so the part is not trusted."""


def scan(
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

    scan(parts[part], start, end, text)  # a damaged part: what came before counts; calamine judges the file
    return out


def _worksheet_rels(z: zipfile.ZipFile) -> dict[str, str]:
    """Relationship id → worksheet part name, from the workbook's relationships (how calamine finds its sheets)."""
    try:
        rels = member(z, "xl/_rels/workbook.xml.rels")
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

    scan(xml, start)
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
    return {name: member(z, name) for name in _worksheet_rels(z).values()}


def workbook_sheets(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part name (read only where a sheet must be named: a formula, a refused range)."""
    try:
        wb_xml = member(z, "xl/workbook.xml")
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

    if not scan(xml, start):
        return WORST_SPAN  # a reference no office software writes, or XML the parser refuses: read it bounded
    return at[2], at[3]


def member(z: zipfile.ZipFile, name: str) -> bytes:
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


def percent_styles(zf: zipfile.ZipFile) -> frozenset[str]:
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
        _PERCENT_STYLES[key] = _read_percent_styles(member(zf, "xl/styles.xml"))
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

    scan(xml, start, end)
    return frozenset(str(k) for k, fmt in enumerate(xfs) if fmt in percent)


def owners(zf: zipfile.ZipFile) -> dict[str, str]:
    """Comment or drawing part → the name of the sheet it belongs to, from each worksheet's relationships."""
    out = {}
    for sheet, part in workbook_sheets(zf).items():
        folder, base = posixpath.split(part)
        try:
            rels = member(zf, f"{folder}/_rels/{base}.rels")
        except KeyError:
            continue
        for a in _elements(rels, "Relationship"):
            target = a.get("Target", "")
            if target:
                out[posixpath.normpath(posixpath.join(folder, target)).lstrip("/")] = sheet
    return out


def comments(xml: bytes) -> list[tuple[str, str]]:
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

    scan(xml, start, end, text)
    return out


def shape_texts(xml: bytes) -> list[str]:
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

    scan(xml, start, end, text)
    return out
