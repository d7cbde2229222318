"""A returns folder as clerks really have it (issue 13): ordinary returns beside every kind of file offices and
unpacked archives leave, merged through `zwgk merge`. Each case shows its finding, the unit's texts kept, and the
other units merged; nothing aborts the run."""

from __future__ import annotations

import datetime as dt
import email.message
import hashlib
import io
import itertools
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from zwgk_xl import contract as C
from zwgk_xl.cli import app

from .conftest import fill_unit
from .test_hardening import COMMENTED_CELLS, FAR_CELL, _with_member, _with_sheet

runner = CliRunner()
LONG = "上半年完成政务公开专栏改版，" * 30  # 450 characters: more than any finding used to quote
GBK_NAME = "税务局报送.xlsx".encode("gbk")  # as a zip made on Chinese Windows leaves it on Linux


def _as(files: dict, unit: str) -> Path:
    return files[unit].path


def _textbox_parts() -> dict[str, bytes]:
    """A text box as Excel stores it (drawing part, its relationship, content types), made by XlsxWriter."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    wb.add_worksheet().insert_textbox("B2", "文本框里写的说明：数据截至10月31日")
    wb.close()
    with zipfile.ZipFile(buf) as z:
        return {n: z.read(n) for n in z.namelist() if "drawing" in n or n == "[Content_Types].xml"}


def _add_textbox(src: Path, dst: Path) -> None:
    """The return with a text box on its form: the drawing part, the sheet's relationship to it, <drawing>."""
    parts = _textbox_parts()
    with zipfile.ZipFile(src) as z:
        names = z.namelist()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        rels_name = "xl/worksheets/_rels/sheet1.xml.rels"
        rels = (
            z.read(rels_name).decode()
            if rels_name in names
            else '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        )
        types = z.read("[Content_Types].xml").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdTB" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"'
        ' Target="../drawings/drawing1.xml"/></Relationships>',
    )
    if 'xmlns:r="' not in sheet.split(">", 2)[1]:
        sheet = sheet.replace(
            "<worksheet ",
            '<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ',
            1,
        )
    sheet = sheet.replace("</worksheet>", '<drawing r:id="rIdTB"/></worksheet>')
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/drawings/drawing1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    )
    tmp = dst.with_suffix(".tmp")
    _with_member(src, tmp, "xl/worksheets/sheet1.xml", sheet.encode())
    _with_member(tmp, dst.with_suffix(".tmp2"), rels_name, rels.encode())
    _with_member(dst.with_suffix(".tmp2"), dst.with_suffix(".tmp3"), "[Content_Types].xml", types.encode())
    _with_member(dst.with_suffix(".tmp3"), dst, "xl/drawings/drawing1.xml", parts["xl/drawings/drawing1.xml"])
    for suffix in (".tmp", ".tmp2", ".tmp3"):
        dst.with_suffix(suffix).unlink()


def _deep_folder(root: Path, data: bytes) -> None:
    """Folders nested past the system's path limit (as an unpacked archive of archives leaves them), a return at
    the bottom: made through directory handles, as no path to it can be opened."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for k in range(20):
            name = f"{k:02d}" + "层" * 80
            os.mkdir(name, dir_fd=fd)
            nxt = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        out = os.open("深处.xlsx", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, data)
        os.close(out)
    finally:
        os.close(fd)


@pytest.fixture(scope="module")
def folder(built, tmp_path_factory):
    """(master, returns, merged output, the --json result, exit code)."""
    _, b, s, _ = built["haishu_2021"]
    files = {f.unit.name: f for f in s.files}
    tmp = tmp_path_factory.mktemp("clerk")
    ret = tmp / "returns"
    # ordinary returns
    fill_unit(
        _as(files, "宁波市海曙区司法局"),
        ret / "司法局.xlsx",
        {"T016": {"status": "推进中", "progress": "司法局正常填报"}},
    )
    fill_unit(
        _as(files, "宁波市海曙区商务局"),
        ret / "商务局.xlsx",
        {"T006": {"status": "已完成", "progress": "商务局本单位的报送", "done_date": dt.datetime(2021, 9, 1)}},
    )
    # a workbook that is not a return (the header nowhere), and a return whose header row was deleted
    wb_other = __import__("openpyxl").Workbook()
    wb_other.active.append(["姓名", "电话"])
    wb_other.active.append(["张三", "0574-1234567"])
    wb_other.save(ret / "通讯录.xlsx")
    fill_unit(
        _as(files, "宁波市海曙区民政局"),
        ret / "民政局.xlsx",
        {"T018": {"progress": "民政局删了表头仍写了进展"}},
        edit=lambda ws: ws.delete_rows(C.UNIT_HEADER_ROW + 1),
    )

    # the notice pasted above the table: the header sits below row 30
    def notice(ws):
        ws.insert_rows(1, 35)
        for r in range(1, 36):
            ws.cell(r, 1).value = f"通知第 {r} 段"

    fill_unit(
        _as(files, "宁波市海曙区科学技术局"),
        ret / "科技局.xlsx",
        {"T018": {"status": "推进中", "progress": "科技局表头在第39行"}},
        edit=notice,
    )
    # a name in GBK bytes, and a return so deep no path reaches it
    tax = fill_unit(
        _as(files, "国家税务总局宁波市海曙区税务局"),
        tmp / "tax.xlsx",
        {"T009": {"status": "已完成", "progress": "税务局的文件名是GBK"}},
    )
    with open(os.path.join(os.fsencode(ret), GBK_NAME), "wb") as f:
        f.write(tax.read_bytes())
    deep = fill_unit(
        _as(files, "宁波市海曙区档案馆"), tmp / "deep.xlsx", {"T033": {"status": "推进中", "progress": "档案馆在深处"}}
    )
    (ret / "解压").mkdir()
    _deep_folder(ret / "解压", deep.read_bytes())
    # a comment holding 100,000 "<c " (the old formula scan was quadratic on it)
    health = fill_unit(
        _as(files, "宁波市海曙区卫生健康局"),
        tmp / "health.xlsx",
        {"T013": {"status": "推进中", "progress": "卫健局的表里有长注释", "evidence": "=1+1"}},
    )
    _with_sheet(health, ret / "卫健局.xlsx", lambda x: x.replace("<sheetData>", "<sheetData>" + COMMENTED_CELLS, 1))

    # reworded input headers
    def reword(ws):
        for c in range(1, ws.max_column + 1):
            cell = ws.cell(C.UNIT_HEADER_ROW + 1, c)
            if cell.value == "进展情况":
                cell.value = "进展情况（截至10月底）"
            elif cell.value == "存在问题及下步计划":
                cell.value = "存在问题及下步打算"

    fill_unit(
        _as(files, "宁波市海曙区发展和改革局"),
        ret / "发改局.xlsx",
        {"T002": {"status": "推进中", "progress": "发改局改了表头", "plan": "发改局的下步打算"}},
        edit=reword,
    )

    # the unit filled a copy of the sheet and left the original blank
    def copy_filled(ws):
        wb = ws.parent
        copy = wb.copy_worksheet(ws)
        copy.title = "填报表 (2)"
        for r in range(C.UNIT_FIRST_ROW + 1, copy.max_row + 1):
            if copy.cell(r, 1).value == "T008":
                copy.cell(r, 9).value = "推进中"
                copy.cell(r, 10).value = "财政局填在了复制的表里"

    fill_unit(_as(files, "宁波市海曙区财政局"), ret / "财政局.xlsx", {}, edit=copy_filled)

    # notes typed under the table (two columns), progress typed into a locked column, a comment, an added column
    def notes(ws):
        last = ws.max_row
        ws.cell(last + 2, 2).value = "备注：" + LONG
        ws.cell(last + 2, 5).value = "联系人另见附件"
        ws.cell(C.UNIT_FIRST_ROW + 1, 4).value = "锁定列里写的进展：" + LONG
        ws.cell(C.UNIT_FIRST_ROW + 1, 10).comment = Comment("批注：专栏已上线，见截图", "信访局")
        ws.cell(C.UNIT_HEADER_ROW + 1, 16).value = "备注"
        ws.cell(C.UNIT_FIRST_ROW + 1, 16).value = "新增列里写的备注"

    fill_unit(
        _as(files, "宁波市海曙区信访局"),
        ret / "信访局.xlsx",
        {"T024": {"status": "推进中", "progress": "信访局正常一格"}},
        edit=notes,
    )

    # the status column merged down over all rows with one 已完成
    def merged(ws):
        first, last = C.UNIT_FIRST_ROW + 1, ws.max_row
        ws.cell(first, 9).value = "已完成"
        ws.merge_cells(start_row=first, start_column=9, end_row=last, end_column=9)

    fill_unit(
        _as(files, "宁波市海曙区南门街道办事处"),
        ret / "南门街道.xlsx",
        {"T008": {"progress": "南门街道合并了状态列"}},
        edit=merged,
    )

    # a text box on the form, another sheet with a written summary, a percentage typed as 100%
    town = fill_unit(
        _as(files, "宁波市海曙区江厦街道办事处"),
        tmp / "jx.xlsx",
        {"T008": {"status": "推进中", "progress": 1}},
        edit=lambda ws: (
            setattr(ws.cell(C.UNIT_FIRST_ROW + 1, 10), "number_format", "0%"),
            ws.parent.create_sheet("工作总结").append(["江厦街道全年工作总结：" + LONG]),
        ),
    )
    _add_textbox(town, ret / "江厦街道.xlsx")
    # far data on another sheet: only that sheet is named
    far = fill_unit(
        _as(files, "宁波市海曙区西门街道办事处"),
        tmp / "xm.xlsx",
        {"T008": {"status": "推进中", "progress": "西门街道另一张表有远处的字"}},
        edit=lambda ws: ws.parent.create_sheet("草稿").append(["草稿"]),
    )
    part, xml = _with_far_cell(far, "草稿")
    _with_member(far, ret / "西门街道.xlsx", part, xml)

    # another unit's form, its 填报单位 overwritten with this unit's name, while that unit returned its own
    def other_name(ws):
        ws.cell(C.UNIT_INFO_ROW + 1, 3).value = "宁波市海曙区农业农村局"

    fill_unit(
        _as(files, "宁波市海曙区商务局"),
        ret / "农业农村局.xlsx",
        {"T006": {"status": "推进中", "progress": "农业农村局误填了商务局的表"}},
        edit=other_name,
    )
    # a text past Excel's cell limit (an .ods holds it; openpyxl cuts on writing, so the XML is given the whole)
    gulou = fill_unit(
        _as(files, "宁波市海曙区鼓楼街道办事处"), tmp / "gl.xlsx", {"T008": {"status": "推进中", "progress": "鼓楼长"}}
    )
    _with_sheet(
        gulou, ret / "鼓楼街道.xlsx", lambda x: x.replace("&#40723;&#27004;&#38271;", "鼓楼" + "长" * 40_000 + "尾")
    )
    # our own master and an earlier merged workbook dropped into the folder
    shutil.copy(b.path, ret / "总表.xlsx")
    # archives and a saved mail, each holding a return
    zipped = fill_unit(
        _as(files, "宁波市海曙区市场监督管理局"),
        tmp / "市场监管局.xlsx",
        {"T007": {"status": "推进中", "progress": "市场监管局发来压缩包"}},
    )
    with zipfile.ZipFile(ret / "市场监管局.zip", "w") as z:
        z.write(zipped, "../../市场监管局/市场监管局.xlsx")
        z.writestr("说明.txt", "请查收")
    mailed = fill_unit(
        _as(files, "宁波市海曙区人民政府办公室"),
        tmp / "区府办.xlsx",
        {"T025": {"status": "推进中", "progress": "区府办用邮件发来"}},
    )
    msg = email.message.EmailMessage()
    msg["Subject"] = "报送"
    msg["From"] = "unit@example.invalid"
    msg.set_content("附件是填报表")
    msg.add_attachment(
        mailed.read_bytes(), maintype="application", subtype="octet-stream", filename="区府办填报表.xlsx"
    )
    (ret / "区府办报送.eml").write_bytes(bytes(msg))
    seven = fill_unit(
        _as(files, "宁波市海曙区政务服务办公室"),
        tmp / "政务办.xlsx",
        {"T005": {"status": "推进中", "progress": "政务办发来7z"}},
    )
    import py7zr

    with py7zr.SevenZipFile(ret / "政务办.7z", "w") as z:
        z.write(seven, "政务办.xlsx")
    weather = fill_unit(
        _as(files, "宁波市海曙区气象局"),
        tmp / "气象局.xlsx",
        {"T030": {"status": "推进中", "progress": "气象局用Outlook发来"}},
    )
    attach = "__attach_version1.0_#00000000"
    (ret / "气象局报送.msg").write_bytes(
        _cfb(
            {
                "__recip_version1.0_#00000000": {"__substg1.0_3001001F": "区府办".encode("utf-16-le")},  # a recipient
                attach: {
                    "__substg1.0_37010102": weather.read_bytes(),
                    "__substg1.0_3707001F": "气象局填报表.xlsx".encode("utf-16-le"),
                },
            }
        )
    )
    (ret / "报送.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(64))
    # litter: a Mac's AppleDouble file, WPS and Office lock files
    (ret / "._司法局.xlsx").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(64))
    (ret / ".~司法局.xlsx").write_bytes(b"\x04WPS" + bytes(100))
    (ret / "~$司法局.xlsx").write_bytes(bytes(162))
    # a zip renamed .xlsx (calamine: "Cannot detect file format")
    with zipfile.ZipFile(ret / "图片.xlsx", "w") as z:
        z.writestr("a.png", b"\x89PNG")

    before = _hashes(ret)
    out = tmp / "汇总.xlsx"
    res = runner.invoke(app, ["merge", str(b.path), str(ret), "-o", str(out), "--as-of", "2021-12-31", "--json"])
    assert _hashes(ret) == before  # nothing in the folder was changed
    data = json.loads(res.stdout)
    # the merged workbook, dropped into the folder next time, is recognised too
    shutil.copy(out, ret / "汇总（上次）.xlsx")
    again = runner.invoke(app, ["merge", str(b.path), str(ret), "-o", str(tmp / "二次.xlsx"), "--json"])
    return b.path, ret, out, data, res.exit_code, json.loads(again.stdout)


def _cfb(storages: dict[str, dict[str, bytes]]) -> bytes:
    """A compound file (OLE), the container of Outlook's .msg: storages of streams under the root, written with
    512-byte sectors and every stream at least 4,096 bytes long (shorter ones are padded with NUL, which .msg text
    properties end with anyway), so no mini stream is needed. Siblings form a chain sorted the way the format
    compares names (length, then upper case), a valid if unbalanced tree."""
    import struct

    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD

    def key(name: str) -> tuple[int, str]:
        return (len(name), name.upper())

    entries: list[dict] = [{"name": "Root Entry", "type": 5, "kids": sorted(storages, key=key)}]
    data: list[bytes] = []
    for stg in sorted(storages, key=key):
        entries.append({"name": stg, "type": 1, "kids": sorted(storages[stg], key=key), "parent": stg})
    for stg in sorted(storages, key=key):
        for name in sorted(storages[stg], key=key):
            blob = storages[stg][name].ljust(4096, b"\0")
            entries.append({"name": name, "type": 2, "data": len(data), "size": len(blob), "of": stg})
            data.append(blob)
    index = {("", e["name"]) if e["type"] == 1 else (e.get("of", ""), e["name"]): i for i, e in enumerate(entries)}
    sectors: list[bytes] = []
    chains: list[int] = []
    starts = []
    for blob in data:
        n = -(-len(blob) // 512)
        starts.append(len(sectors))
        for k in range(n):
            sectors.append(blob[k * 512 : (k + 1) * 512].ljust(512, b"\0"))
            chains.append(len(sectors) if k < n - 1 else end)

    def chain(ids: list[int]) -> int:
        for a, b in itertools.pairwise(ids):
            entries[a]["right"] = b
        return ids[0] if ids else free

    entries[0]["child"] = chain([index[("", stg)] for stg in entries[0]["kids"]])
    for e in entries[1:]:
        if e["type"] == 1:
            e["child"] = chain([index[(e["name"], n)] for n in e["kids"]])
    raw = b""
    for e in entries:
        name = e["name"].encode("utf-16-le") + b"\0\0"
        start, size = (starts[e["data"]], e["size"]) if e["type"] == 2 else (end if e["type"] == 5 else 0, 0)
        raw += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            e["type"],
            1,
            free,
            e.get("right", free),
            e.get("child", free),
            b"",
            0,
            0,
            0,
            start,
            size,
        )
    raw = raw.ljust(-(-len(raw) // 512) * 512, b"\0")
    dir_start = len(sectors)
    for k in range(len(raw) // 512):
        sectors.append(raw[k * 512 : (k + 1) * 512])
        chains.append(len(sectors) if k < len(raw) // 512 - 1 else end)
    n_fat = 1
    while len(sectors) + n_fat > 128 * n_fat:
        n_fat += 1
    fat_at = list(range(len(sectors), len(sectors) + n_fat))
    fat = chains + [fat_sect] * n_fat
    fat += [free] * (128 * n_fat - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"",
        0,
        n_fat,
        dir_start,
        0,
        4096,
        end,
        0,
        end,
        0,
    )
    header += struct.pack("<109I", *(fat_at + [free] * (109 - n_fat)))
    return header + b"".join(sectors) + struct.pack(f"<{len(fat)}I", *fat)


def _with_far_cell(path: Path, sheet: str) -> tuple[str, bytes]:
    """The part of ``sheet`` with a character typed at its last cell."""
    from zwgk_xl.workbook.xmlparts import workbook_sheets

    with zipfile.ZipFile(path) as z:
        part = workbook_sheets(z)[sheet]
        xml = z.read(part).decode()
    return part, xml.replace("</sheetData>", FAR_CELL + "</sheetData>").encode()


def _hashes(root: Path) -> dict[bytes, str]:
    out = {}
    for folder, _, names in os.walk(os.fsencode(root)):
        for n in names:
            p = os.path.join(folder, n)
            try:
                with open(p, "rb") as f:
                    out[p] = hashlib.sha256(f.read()).hexdigest()
            except OSError:
                pass
    return out


def _by(data: dict, name: str) -> list[dict]:
    return [f for f in data["findings"] if name in f["file"]]


def _codes(data: dict, name: str) -> set[str]:
    return {f["code"] for f in _by(data, name)}


def _text(path: Path) -> str:
    wb = CalamineWorkbook.from_path(str(path))
    return "\n".join(str(v) for n in wb.sheet_names for row in wb.get_sheet_by_name(n).to_python() for v in row)


def test_the_run_finishes_and_every_unit_merges(folder) -> None:
    _, _, out, data, code, _ = folder
    assert code == 1  # errors were found; the merge still finished and wrote its workbook
    assert out.exists()
    returned = set(data["returned"])
    assert {
        "宁波市海曙区司法局",
        "宁波市海曙区商务局",
        "宁波市海曙区科学技术局",
        "国家税务总局宁波市海曙区税务局",
        "宁波市海曙区卫生健康局",
        "宁波市海曙区发展和改革局",
        "宁波市海曙区财政局",
        "宁波市海曙区信访局",
        "宁波市海曙区南门街道办事处",
        "宁波市海曙区江厦街道办事处",
        "宁波市海曙区西门街道办事处",
        "宁波市海曙区市场监督管理局",
        "宁波市海曙区人民政府办公室",
        "宁波市海曙区政务服务办公室",
        "宁波市海曙区气象局",
    } <= returned
    text = _text(out)
    for kept in (
        "司法局正常填报",
        "科技局表头在第39行",
        "税务局的文件名是GBK",
        "卫健局的表里有长注释",
        "发改局改了表头",
        "发改局的下步打算",
        "财政局填在了复制的表里",
        "信访局正常一格",
        "南门街道合并了状态列",
        "市场监管局发来压缩包",
        "区府办用邮件发来",
        "政务办发来7z",
        "气象局用Outlook发来",
        "西门街道另一张表有远处的字",
    ):
        assert kept in text, kept


def test_no_finding_message_is_english_or_unfilled(folder) -> None:
    data = folder[3]
    for f in data["findings"]:
        assert "{" not in f["message"] and "（未知）" not in f["message"], f
        assert "Cannot" not in f["message"] and "Error:" not in f["message"], f


def test_workbooks_that_are_not_returns(folder) -> None:
    data = folder[3]
    assert _codes(data, "通讯录.xlsx") == {"sheet-missing"}
    assert _codes(data, "图片.xlsx") == {"file-unreadable"}
    # a return without its header row: named, and what it holds quoted
    assert "sheet-missing" in _codes(data, "民政局.xlsx")
    assert any("民政局删了表头仍写了进展" in f["message"] for f in _by(data, "民政局.xlsx"))


def test_names_paths_and_litter(folder) -> None:
    data = folder[3]
    garbled = [f for f in data["findings"] if f["code"] == "file-name-garbled"]
    assert len(garbled) == 1 and "税务局报送.xlsx" in garbled[0]["message"]  # decoded as GB18030
    deep = [f for f in data["findings"] if f["code"] == "folder-unreadable"]
    assert deep and deep[0]["severity"] == "error" and "过长" in deep[0]["message"]
    for name in ("._司法局.xlsx", ".~司法局.xlsx", "~$司法局.xlsx"):
        (f,) = [f for f in data["findings"] if Path(f["file"]).name == name]
        assert f["severity"] == "info", f
    assert {f["severity"] for f in _by(data, "报送.rar")} == {"error"}
    assert "RAR" in _by(data, "报送.rar")[0]["message"]


def test_reworded_headers_are_read_and_named(folder) -> None:
    data = folder[3]
    changed = [f for f in _by(data, "发改局.xlsx") if f["code"] == "header-changed"]
    assert {f["cell"] for f in changed} == {"J4", "M4"}
    assert any("进展情况（截至10月底）" in f["message"] for f in changed)


def test_filled_copy_of_the_form(folder) -> None:
    data = folder[3]
    (f,) = [f for f in _by(data, "财政局.xlsx") if f["code"] == "sheet-copy"]
    assert f["sheet"] == "填报表 (2)"
    assert not {"row-deleted", "sheet-added"} & _codes(data, "财政局.xlsx")


def test_whole_texts_of_notes_locked_edits_comments_and_columns(folder) -> None:
    from zwgk_xl import read_report

    data = folder[3]
    hidden = read_report(folder[2]).findings  # the merged workbook's hidden results, which remind and report read
    assert any(f.code == "row-added" and LONG in f.message for f in hidden)
    assert any(f.code == "locked-text-edited" and LONG in f.message for f in hidden)
    mine = _by(data, "信访局.xlsx")
    added = [f for f in mine if f["code"] == "row-added"]
    assert any(LONG in f["message"] and "联系人另见附件" in f["message"] for f in added)
    edited = [f for f in mine if f["code"] == "locked-text-edited"]
    assert any(LONG in f["message"] for f in edited)
    assert any(f["code"] == "cell-comment" and "专栏已上线" in f["message"] and f["cell"] == "J5" for f in mine)
    assert any(f["code"] == "column-added" and "新增列里写的备注" in f["message"] for f in mine)


def test_merged_status_column_counts_for_every_row(folder) -> None:
    data = folder[3]
    assert "merged-input" in _codes(data, "南门街道.xlsx")
    unit = next(u for u in data["units"] if u["unit"] == "宁波市海曙区南门街道办事处")
    assert unit["returned"] and unit["已完成"] == unit["tasks"] == 17


def test_text_box_added_sheet_and_percentage(folder) -> None:
    data, out = folder[3], folder[2]
    mine = _by(data, "江厦街道.xlsx")
    assert any(f["code"] == "drawing-text" and "数据截至10月31日" in f["message"] for f in mine)
    assert any(f["code"] == "sheet-added" and LONG in f["message"] and f["sheet"] == "工作总结" for f in mine)
    assert "100%" in _text(out)


def test_far_data_on_another_sheet_names_only_that_sheet(folder) -> None:
    data = folder[3]
    clipped = [f for f in _by(data, "西门街道.xlsx") if f["code"] == "range-clipped"]
    assert [f["sheet"] for f in clipped] == ["草稿"]


def test_another_units_form_never_replaces_its_own_return(folder) -> None:
    data, out = folder[3], folder[2]
    (f,) = [f for f in data["findings"] if f["code"] == "identity-conflict"]
    assert f["severity"] == "error" and "农业农村局.xlsx" in f["file"]
    assert "宁波市海曙区商务局" in f["message"] and "宁波市海曙区农业农村局" in f["message"]
    text = _text(out)
    assert "商务局本单位的报送" in text
    assert any("农业农村局误填了商务局的表" in x["message"] for x in data["findings"])  # kept, not counted


def test_own_workbooks_are_skipped_with_one_finding(folder) -> None:
    data, again = folder[3], folder[5]
    assert [f["code"] for f in _by(data, "总表.xlsx") if Path(f["file"]).name == "总表.xlsx"] == ["own-workbook"]
    earlier = [f for f in again["findings"] if Path(f["file"]).name == "汇总（上次）.xlsx"]
    assert [f["code"] for f in earlier] == ["own-workbook"] and "汇总结果" in earlier[0]["message"]
    assert not any(f["code"] == "row-added" for f in again["findings"] if "汇总（上次）" in f["file"])


def test_archives_and_mails_name_where_each_return_came_from(folder) -> None:
    data = folder[3]
    opened = {Path(f["file"]).name: f for f in data["findings"] if f["code"] == "container-opened"}
    assert {"市场监管局.zip", "区府办报送.eml", "政务办.7z", "气象局报送.msg"} <= set(opened)
    returned_files = {u["unit"]: u.get("file", "") for u in data["units"]}
    assert "市场监管局.zip/市场监管局/市场监管局.xlsx" in returned_files["宁波市海曙区市场监督管理局"]
    assert "区府办报送.eml/区府办填报表.xlsx" in returned_files["宁波市海曙区人民政府办公室"]
    assert ".." not in returned_files["宁波市海曙区市场监督管理局"]


# ------------------------------------------------------------------------------------------------ random litter

_NAMES = st.text(alphabet="报送表单位abcXYZ0123 _-（）()~$.", min_size=1, max_size=12).filter(
    lambda n: n not in (".", "..") and not n.endswith(" ")
)
_SUFFIXES = st.sampled_from(
    [".xlsx", ".xls", ".xlsm", ".ods", ".et", ".zip", ".7z", ".rar", ".eml", ".msg", ".txt", ""]
)
_CELLS = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["任务编号", "完成状态", "进展情况", "重点工作", "已完成", "T001", "填报单位", "=1+1", "—"]),
    st.text(max_size=30).map(lambda t: "".join(ch for ch in t if ch.isprintable())),
)


def _random_workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _random_zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


_CONTENT = st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    st.lists(st.lists(_CELLS, max_size=8), max_size=12).map(_random_workbook),
    st.lists(st.tuples(_NAMES.map(lambda n: n + ".xlsx"), st.binary(max_size=200)), max_size=3).map(_random_zip),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    litter=st.lists(st.tuples(_NAMES, _SUFFIXES, _CONTENT), min_size=1, max_size=6, unique_by=lambda t: t[0] + t[1]),
    gbk=st.booleans(),
)
def test_a_folder_of_random_litter_never_raises_and_names_every_file(built, tmp_path_factory, litter, gbk) -> None:
    """Whatever a folder holds (random bytes, random zips, random workbooks, any name), `zwgk merge` finishes,
    writes its workbook, merges the ordinary return beside the litter, and names every file: each is either a
    unit's counted return or the file of at least one finding."""
    _, b, s, _ = built["haishu_2021"]
    ret = tmp_path_factory.mktemp("litter")
    good = next(f for f in s.files if f.unit.name == "宁波市海曙区司法局")
    fill_unit(good.path, ret / "司法局.xlsx", {"T016": {"status": "推进中", "progress": "杂物旁的正常报送"}})
    for name, suffix, data in litter:
        raw = (name + suffix).encode("gbk") if gbk else (name + suffix).encode()
        with open(os.path.join(os.fsencode(ret), raw), "wb") as f:
            f.write(data)
    out = ret.parent / (ret.name + "-汇总.xlsx")
    res = runner.invoke(app, ["merge", str(b.path), str(ret), "-o", str(out), "--json"])
    assert res.exit_code in (0, 1), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    data = json.loads(res.stdout)
    assert "宁波市海曙区司法局" in data["returned"] and out.exists()
    named = {Path(f["file"]).parts[len(ret.parts)] for f in data["findings"] if f["file"].startswith(str(ret))}
    named |= {Path(u["file"]).name for u in data["units"] if u.get("file")}
    on_disk = {os.fsdecode(n) for n in os.listdir(os.fsencode(ret))}
    shown = {str(Path(*[p for p in _shown(ret / n).parts[len(ret.parts) :]])) for n in on_disk}
    assert shown <= named, shown - named


def _shown(path: Path) -> Path:
    from zwgk_xl.workbook.returnfile import display

    return display(path)


def test_a_stalled_file_becomes_a_finding_and_the_rest_merges(built, tmp_path, monkeypatch) -> None:
    """Every scan is linear, so no real file is known to stall; a parser's own defect is stood in for by a load that
    waits until released. The file is named as too slow once its budget is spent, the other returns merge, and
    the stalled thread (a daemon) cannot hold up the run."""
    import threading

    from zwgk_xl import collect as collect_module
    from zwgk_xl.workbook.master import read_master

    _, b, s, _ = built["haishu_2021"]
    files = {f.unit.name: f for f in s.files}
    ret = tmp_path / "returns"
    fill_unit(
        _as(files, "宁波市海曙区司法局"), ret / "a司法局.xlsx", {"T016": {"status": "推进中", "progress": "先到"}}
    )
    shutil.copy(_as(files, "宁波市海曙区商务局"), ret / "b卡住.xlsx")
    fill_unit(
        _as(files, "宁波市海曙区信访局"), ret / "c信访局.xlsx", {"T024": {"status": "推进中", "progress": "后到"}}
    )
    release = threading.Event()
    real = collect_module.load_all

    def stalling(path: Path):
        if path.name == "b卡住.xlsx":
            release.wait(60)
        return real(path)

    monkeypatch.setattr(collect_module, "load_all", stalling)
    try:
        col = collect_module.collect(read_master(b.path), ret, budget=3.0)
    finally:
        release.set()
    (slow,) = [f for f in col.findings if f.code == "file-too-slow"]
    assert Path(slow.file).name == "b卡住.xlsx" and slow.severity == "error" and "3 秒" in slow.message
    assert {x.unit.name for x in col.submissions} == {"宁波市海曙区司法局", "宁波市海曙区信访局"}


def test_texts_past_the_cell_limit_are_cut_with_a_note_on_every_sheet(folder) -> None:
    out = folder[2]
    wb = CalamineWorkbook.from_path(str(out))
    cut = {}
    for name in wb.sheet_names:
        if name in (C.SHEET_RESULT, C.SHEET_ROUNDS):  # very hidden JSON cut into cells: no text of its own
            continue
        for row in wb.get_sheet_by_name(name).to_python():
            for v in row:
                if isinstance(v, str) and "鼓楼长长长" in v:
                    cut[name] = v
    assert cut and all(len(v) <= 32767 for v in cut.values())
    for name, v in cut.items():
        assert v.endswith("）") and "32767 字的上限" in v, name
