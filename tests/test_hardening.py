"""Whatever office software units use, `zwgk merge` names what is wrong, goes on, and loses nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

import zwgk_xl
from zwgk_xl import contract as C
from zwgk_xl.atomic import OutputLocked
from zwgk_xl.cli import app
from zwgk_xl.importers import ImportError_

from .conftest import SAMPLES, fill_unit

runner = CliRunner()
HOSTILE_TEXTS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://x.invalid","点")',
    "𠮷野家😀",
    "长" * 32767,
]


def _encrypt(src: Path, dst: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(src.read_bytes())).encrypt("123456", out)
    dst.write_bytes(out.getvalue())


def _xxe(src: Path, dst: Path, secret: Path) -> None:
    """The same workbook with an external entity declared and used in the XML that holds its strings."""
    with zipfile.ZipFile(src) as z:
        member = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in z.namelist() else "xl/worksheets/sheet1.xml"
        xml = z.read(member).decode()
    root = re.search(r"<(sst|worksheet)\b", xml).group(1)
    xml = xml.replace(f"<{root}", f'<!DOCTYPE {root} [<!ENTITY e SYSTEM "file://{secret}">]><{root}', 1)
    xml = re.sub(r"<t>([^<]*)</t>", r"<t>\1&e;</t>", xml, count=1)
    _with_member(src, dst, member, xml.encode())


FAR_CELL = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
UNREFERENCED_ROWS = "<row/>" * 300_000 + "<row>" + "<c/>" * 16_000 + "</row>"


def _damaged_member(data: bytes, name: str) -> bytes:
    """The zip with the middle of one member's compressed bytes overwritten (its directory entry intact)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
    out = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    mid = start + info.compress_size // 2
    out[mid : mid + 16] = b"\xff" * 16
    return bytes(out)


def _with_sheet(src: Path, dst: Path, edit) -> None:
    """The same workbook with its first worksheet's XML edited."""
    with zipfile.ZipFile(src) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    _with_member(src, dst, "xl/worksheets/sheet1.xml", edit(xml).encode())


def _with_member(src: Path, dst: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, data if item.filename == name else zin.read(item.filename))
        if name not in zin.namelist():
            zout.writestr(name, data)


@pytest.fixture
def hostile(built, tmp_path):
    """A returns folder with good and hostile files; returns (master, returns, expectations)."""
    _, b, s, _ = built["haishu_2021"]
    files = {f.unit.name: f for f in s.files}
    ret = tmp_path / "returns"
    ok = fill_unit(
        files["宁波市海曙区司法局"].path, ret / "good.xlsx", {"T016": {"status": "推进中", "progress": "正常填报"}}
    )
    texts = {
        "T004": {
            "status": "推进中",
            "progress": HOSTILE_TEXTS[0],
            "evidence": HOSTILE_TEXTS[1],
            "plan": HOSTILE_TEXTS[2],
        }
    }

    def as_text(ws):  # a unit typing "=..." as text (Excel stores it as a string with a leading apostrophe)
        for row in ws.iter_rows(min_row=C.UNIT_FIRST_ROW + 1):
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    cell.data_type = "s"
        r = C.UNIT_FIRST_ROW + 1
        ws.cell(r + 1, 11).value = HOSTILE_TEXTS[3]
        ws.cell(r + 1, 11).data_type = "s"

    fill_unit(files["宁波市海曙区大数据发展管理中心"].path, ret / "texts.xlsx", texts, edit=as_text)
    fill_unit(
        files["宁波市海曙区发展和改革局"].path,
        ret / "long.xlsx",
        {"T002": {"status": "推进中", "progress": HOSTILE_TEXTS[6], "plan": HOSTILE_TEXTS[5]}},
    )
    (ret / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    (ret / "truncated.xlsx").write_bytes(ok.read_bytes()[: ok.stat().st_size // 2])
    (ret / "empty.xlsx").write_bytes(b"")
    (ret / "renamed.xlsx").write_text("这是一个文本文件", encoding="utf-8")
    _encrypt(ok, ret / "encrypted.xlsx")
    shutil.copy(
        fill_unit(files["宁波市海曙区商务局"].path, tmp_path / "w.xlsx", {"T006": {"status": "已完成"}}), ret / "wps.et"
    )
    tax = fill_unit(files["国家税务总局宁波市海曙区税务局"].path, tmp_path / "m.xlsx", {"T009": {"status": "已完成"}})
    shutil.copy(tax, ret / "macro.xlsm")
    (ret / "sub").mkdir()
    shutil.copy(ok, ret / "sub" / "good-copy.xlsx")
    # another unit's file under this unit's name: identified by its hidden sheet, not its name
    fill_unit(files["宁波市海曙区财政局"].path, ret / "宁波市海曙区农业农村局.xlsx", {"T008": {"status": "推进中"}})
    # a renamed sheet
    fill_unit(files["宁波市海曙区民政局"].path, ret / "sheet.xlsx", {}, edit=lambda ws: setattr(ws, "title", "我的表"))
    # a decompression bomb: 160 MB of sharedStrings in a tiny file
    _with_member(ok, ret / "bomb.xlsx", "xl/sharedStrings.xml", b"<sst>" + b"a" * (160 * 2**20) + b"</sst>")
    # XML with an external entity pointing at a local file
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT-42", encoding="utf-8")
    _xxe(ok, ret / "xxe.xlsx", secret)
    # a zip whose directory is whole but whose sheet's compressed bytes are damaged
    (ret / "inflate.xlsx").write_bytes(_damaged_member(ok.read_bytes(), "xl/worksheets/sheet1.xml"))
    # one character typed at the sheet's last cell (calamine would ask for 17 billion cells and abort), and the same
    # far range reached by rows and cells that carry no reference at all
    _with_sheet(ok, ret / "far.xlsx", lambda x: x.replace("</sheetData>", FAR_CELL + "</sheetData>"))
    _with_sheet(ok, ret / "unreferenced.xlsx", lambda x: x.replace("</sheetData>", UNREFERENCED_ROWS + "</sheetData>"))
    return b.path, ret


def test_hostile_returns_through_zwgk_merge(hostile, tmp_path) -> None:
    master, ret = hostile
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in ret.rglob("*") if p.is_file()}
    out = tmp_path / "merged.xlsx"
    res = runner.invoke(app, ["merge", str(master), str(ret), "-o", str(out), "--as-of", "2021-12-31", "--json"])
    assert res.exit_code == 1, res.output  # errors were found, and the run still finished
    data = json.loads(res.stdout)
    by_file: dict[str, set[str]] = {}
    for f in data["findings"]:
        by_file.setdefault(Path(f["file"]).name, set()).add(f["code"])
    assert by_file["corrupt.xlsx"] == {"file-unreadable"}
    assert by_file["truncated.xlsx"] == {"file-unreadable"}
    assert by_file["empty.xlsx"] == {"file-unreadable"}
    assert by_file["renamed.xlsx"] == {"file-unreadable"}
    assert by_file["encrypted.xlsx"] == {"file-encrypted"}
    assert by_file["bomb.xlsx"] == {"file-too-large"}
    assert by_file["inflate.xlsx"] == {"file-unreadable"}
    # a far cell: the table is still read (through openpyxl, its first rows only), the far cell named
    assert "range-clipped" in by_file["far.xlsx"] and "range-clipped" in by_file["unreferenced.xlsx"]
    far = next(f for f in data["findings"] if Path(f["file"]).name == "far.xlsx" and f["code"] == "range-clipped")
    assert "XFD1048576" in far["message"] and (far["sheet"], far["cell"]) == (C.SHEET_UNIT, "XFD1048576")
    assert not {"file-unreadable", "sheet-missing"} & (by_file["far.xlsx"] | by_file["unreferenced.xlsx"])
    assert by_file["good-copy.xlsx"] == {"duplicate-file"}
    returned = set(data["returned"])
    # .et (WPS), .xlsm (values read, nothing run), a renamed sheet, a file under another unit's name: all counted
    assert {
        "宁波市海曙区商务局",
        "国家税务总局宁波市海曙区税务局",
        "宁波市海曙区财政局",
        "宁波市海曙区民政局",
        "宁波市海曙区司法局",
    } <= returned
    assert "宁波市海曙区农业农村局" not in returned  # the renamed file counted for the unit that filled it
    # the XXE file is read or refused, never resolved
    merged_text = _all_text(out)
    assert "SECRET-CONTENT-42" not in merged_text and "SECRET-CONTENT-42" not in res.stdout
    # every hostile text arrives as text; nothing is written as a formula anywhere
    for t in HOSTILE_TEXTS[:4] + HOSTILE_TEXTS[5:]:
        assert t in merged_text, t[:20]
    with zipfile.ZipFile(out) as z:
        assert not any(re.search(rb"<f[ >]", z.read(n)) for n in z.namelist() if n.startswith("xl/worksheets/"))
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in ret.rglob("*") if p.is_file()}
    assert after == before


def _all_text(path: Path) -> str:
    wb = CalamineWorkbook.from_path(str(path))
    return "\n".join(str(v) for n in wb.sheet_names for row in wb.get_sheet_by_name(n).to_python() for v in row)


def test_32767_characters_are_kept_whole_on_the_unit_sheet(hostile, tmp_path) -> None:
    master, ret = hostile
    result = zwgk_xl.consolidate(master, ret, as_of=dt.date(2021, 12, 31))
    out = zwgk_xl.write_merged(result, tmp_path / "m.xlsx")
    wb = CalamineWorkbook.from_path(str(out))
    cells = [
        v for n in wb.sheet_names for row in wb.get_sheet_by_name(n).to_python() for v in row if isinstance(v, str)
    ]
    assert HOSTILE_TEXTS[6] in cells  # the unit sheet holds the whole text
    assert all(len(c) <= 32767 for c in cells)  # and no cell exceeds Excel's limit (the 总表 says where the rest is)


def test_locked_return_is_named(hostile, monkeypatch) -> None:
    """A file open in Excel on Windows cannot be read; simulated by refusing the open of one file."""
    master, ret = hostile
    target = ret / "good.xlsx"
    real_open = Path.open

    def guarded(self, *a, **kw):
        if self == target:
            raise PermissionError(13, "Permission denied (in use by another process)")
        return real_open(self, *a, **kw)

    monkeypatch.setattr(Path, "open", guarded)
    col = zwgk_xl.consolidate(master, ret, as_of=dt.date(2021, 12, 31)).collection
    assert [f.code for f in col.findings if f.file == str(target)] == ["file-locked"]


def test_xls_and_libreoffice_resave_are_read(built, tmp_path, libreoffice) -> None:
    _, b, s, _ = built["haishu_2021"]
    f = next(f for f in s.files if f.unit.name == "宁波市海曙区司法局")
    filled = fill_unit(
        f.path, tmp_path / "src" / "filled.xlsx", {"T016": {"status": "已完成", "progress": "经LibreOffice保存"}}
    )
    ret = tmp_path / "returns"
    libreoffice(filled, "xls:MS Excel 97", ret / "xls")
    libreoffice(filled, "xlsx:Calc MS Excel 2007 XML", ret / "resaved")
    col = zwgk_xl.consolidate(b.path, ret, as_of=dt.date(2021, 12, 31)).collection
    files = sorted(Path(x.file).suffix for x in [*col.submissions, *col.superseded])
    assert files == [".xls", ".xlsx"]
    for sub in (*col.submissions, *col.superseded):
        assert sub.unit.name == "宁波市海曙区司法局" and sub.answer("T016").progress == "经LibreOffice保存"


def test_failed_write_leaves_previous_output(built, tmp_path, monkeypatch) -> None:
    import xlsxwriter

    _, b, _, _ = built["haishu_2021"]
    (tmp_path / "none").mkdir(exist_ok=True)
    result = zwgk_xl.consolidate(b.path, tmp_path / "none", as_of=dt.date(2021, 12, 31))
    out = zwgk_xl.write_merged(result, tmp_path / "out" / "m.xlsx")
    previous = out.read_bytes()

    def broken_close(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(OSError, match="No space"):
        zwgk_xl.write_merged(result, out)
    assert out.read_bytes() == previous
    assert [p.name for p in out.parent.iterdir()] == ["m.xlsx"]  # no temp file left behind


def test_target_open_in_excel_gets_a_clear_message(built, tmp_path, monkeypatch) -> None:
    import os

    _, b, _, _ = built["haishu_2021"]
    (tmp_path / "none").mkdir(exist_ok=True)
    result = zwgk_xl.consolidate(b.path, tmp_path / "none", as_of=dt.date(2021, 12, 31))

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputLocked, match="正在 Excel/WPS 中打开"):
        zwgk_xl.write_merged(result, tmp_path / "m.xlsx")
    res = runner.invoke(app, ["merge", str(b.path), str(tmp_path / "none"), "-o", str(tmp_path / "m.xlsx")])
    assert res.exit_code == 2 and "请关闭后重试" in res.output


def test_task_list_with_external_entity_is_refused(tmp_path) -> None:
    src = tmp_path / "t.xlsx"
    zwgk_xl.write_canonical(zwgk_xl.import_tasklist(SAMPLES["haishu_2021"][0]).tasklist, src)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT-42", encoding="utf-8")
    _xxe(src, tmp_path / "evil.xlsx", secret)
    try:
        result = zwgk_xl.import_tasklist(tmp_path / "evil.xlsx")
    except ImportError_ as exc:
        assert "evil.xlsx" in str(exc)
    else:
        assert "SECRET-CONTENT-42" not in json.dumps(result.to_json(), ensure_ascii=False)


def test_openpyxl_uses_defusedxml() -> None:
    """openpyxl parses a returned workbook's XML safely: the defusedxml flag is set, and the parser its reader calls
    does not expand an entity."""
    from openpyxl.xml import DEFUSEDXML, functions

    assert DEFUSEDXML, "defusedxml must be installed so openpyxl parses untrusted XML safely"
    xml = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "EXPANDED">]><r>&e;</r>'
    try:
        element = functions.fromstring(xml)  # the parser openpyxl's reader calls
    except Exception:  # refused outright (defusedxml's own parser): safe
        return
    assert "EXPANDED" not in (element.text or "")  # or parsed without expanding the entity (lxml's safe parser)


def test_loader_threads_change_nothing(hostile) -> None:
    """Files are loaded in worker threads and checked in name order: any thread count gives the same collection
    (findings in the same order), hostile files included."""
    from zwgk_xl.collect import collect
    from zwgk_xl.workbook.master import read_master

    master, ret = hostile
    m = read_master(master)
    serial, threaded, many = (collect(m, ret, threads=n) for n in (1, 2, 5))
    assert len(serial.findings) > 10 and serial.submissions
    for other in (threaded, many):
        assert other.findings == serial.findings
        assert other.submissions == serial.submissions and other.missing == serial.missing


@pytest.mark.parametrize(
    ("xml", "span"),
    [
        ('<row r="1"><c r="A1"/><c r="N1"/></row><row r="9"><c r="B9"/></row>', (9_999, 26)),  # ordinary
        ('<row r="3"><c r="AB3"/></row>', (3, 28)),  # a column past Z: counted, not refused
        ('<row r="12345"><c r="C12345"/></row>', (12_345, 3)),
        (FAR_CELL, (1_048_576, 16_384)),
        ('<row r="2"><c/><c/><c r="E2"/><c/></row><row><c/></row>', (3, 6)),  # placed after the one before
        ('<row r="1"><c t="s" r="D7"/></row>', (7, 4)),  # r not first
        ('<x:row r="1"><x:c r="XFD5"/></x:row>', (5, 16_384)),  # a namespace prefix
        ('<row\nr="1"><c\nr="XFD1"/></row>', (1, 16_384)),  # a line break before the reference
        ('<row r="1"><c r="xfd1"/></row>', (1_048_576, 16_384)),  # a reference no office software writes
        (UNREFERENCED_ROWS, (300_001, 16_000)),
    ],
)
def test_cell_span(xml: str, span: tuple[int, int]) -> None:
    from zwgk_xl.workbook.xmlparts import cell_span

    assert cell_span(f"<worksheet><sheetData>{xml}</sheetData></worksheet>".encode()) == span


def test_far_cell_does_not_cost_the_answers(hs_files, tmp_path) -> None:
    """A unit that typed one character at the sheet's last cell still reports: its answers are read, its file
    identified by the hidden sheet, and the far cell is named (calamine would have aborted the process)."""
    from zwgk_xl.collect import collect
    from zwgk_xl.workbook.master import read_master

    master, files = hs_files
    ok = fill_unit(
        files["宁波市海曙区司法局"].path,
        tmp_path / "ok.xlsx",
        {"T016": {"status": "已完成", "progress": "远处有字也照常汇总", "done_date": dt.datetime(2021, 9, 1)}},
    )
    ret = tmp_path / "returns"
    ret.mkdir()
    _with_sheet(ok, ret / "far.xlsx", lambda x: x.replace("</sheetData>", FAR_CELL + "</sheetData>"))
    col = collect(read_master(master), ret)
    (sub,) = col.submissions
    assert sub.unit.name == "宁波市海曙区司法局" and sub.identified_by == "hidden"
    assert sub.answer("T016").progress == "远处有字也照常汇总" and sub.answer("T016").done_date == dt.date(2021, 9, 1)
    codes = {(f.code, f.sheet, f.cell) for f in col.findings}
    assert ("range-clipped", C.SHEET_UNIT, "XFD1048576") in codes
    assert not {c for c, _, _ in codes} & {"fingerprint-mismatch", "row-added", "locked-text-edited"}


@pytest.fixture
def hs_files(built):
    _, b, s, _ = built["haishu_2021"]
    return b.path, {f.unit.name: f for f in s.files}


COMMENTED_CELLS = "<!--" + "<c " * 100_000 + "-->"


def test_scans_are_linear_on_a_comment_full_of_cells() -> None:
    """A worksheet whose comment holds 100,000 "<c " and one real formula cell: the old regular expression needed
    about an hour for this (quadratic: 8,000 repetitions took 4 s); the pull parser reads it at once, finds the one
    formula and ignores what the comment holds (as calamine does)."""
    from zwgk_xl.workbook.xmlparts import cell_span, formula_cells

    cell = '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'
    xml = f"<worksheet><sheetData>{COMMENTED_CELLS}{cell}</sheetData></worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="r"><sheets><sheet name="填报表" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", xml)
    part = {"xl/worksheets/sheet1.xml": xml.encode()}
    assert formula_cells(zipfile.ZipFile(buf), "填报表", part) == {"A1": "1+1"}
    assert cell_span(xml.encode()) == (1, 1)
    assert cell_span(b"<worksheet><sheetData>" + b"<c " * 100_000) == WORST_SPAN  # damaged: read bounded


WORST_SPAN = (1_048_576, 16_384)
