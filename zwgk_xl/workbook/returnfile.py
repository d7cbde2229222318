"""One returned file as collect needs it, read without writing: its bytes read once; the safety sniff (empty,
corrupt, encrypted, zip bomb); names left by other software; archives and saved mails opened into their workbooks;
then the workbook read (its XML scanned in xmlparts.py, its form sheet chosen in sheets.py) into a Loaded. Everything
needs only the file: no list, roster or other file, so it runs in worker threads. Nothing here raises for a file's
content: what is wrong becomes the Loaded's problem or a note.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zwgk_xl import contract as C
from zwgk_xl.verify import cell_ref
from zwgk_xl.workbook import containers
from zwgk_xl.workbook.master import hidden_values
from zwgk_xl.workbook.sheets import (
    CLIPPED_COLS,
    CLIPPED_ROWS,
    added_columns,
    calamine_sheets,
    choose_sheet,
    clipped_sheets,
    fill_merged,
    percentages,
    side_texts,
    too_large,
)
from zwgk_xl.workbook.xmlparts import formula_cells, sheet_parts

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et"}

#: Limits that keep a hostile file's cost bounded (a zip bomb, a huge sharedStrings): checked before any parsing.
MAX_FILE_BYTES = 100 * 2**20
MAX_UNCOMPRESSED = 300 * 2**20
MAX_MEMBER = 150 * 2**20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


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
        got.clipped = too_large(zf, parts) if zf else []
        for name, far in got.clipped:
            got.note("range-clipped", sheet=name, cell=far, far=far, rows=CLIPPED_ROWS, cols=CLIPPED_COLS)
        book = clipped_sheets(data) if got.clipped else calamine_sheets(data)
        got.meta = hidden_values(book.grid(C.SHEET_HIDDEN)) if C.SHEET_HIDDEN in book.names else {}
        if got.meta.get(C.K_KIND) == "master":
            merged = C.SHEET_RESULT in book.names or C.SHEET_FINDINGS in book.names
            got.problem = ("own-workbook", {"kind": "汇总结果工作簿" if merged else "总表工作簿"})
            return got
        choose_sheet(got, book)
        if got.header >= 0:
            fill_merged(got, book.merged(got.sheet))
            if zf is not None:
                percentages(got, zf, parts)
                got.formulas = formula_cells(zf, got.sheet, parts)
                side_texts(got, zf)
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
