"""The finding codes no other test raised, each from a file built the way a clerk or a unit would make it."""

from __future__ import annotations

import datetime as dt
import shutil

from openpyxl import load_workbook

from zwgk_xl import consolidate, import_tasklist
from zwgk_xl import contract as C

from .conftest import fill_unit

INFO_COL = 1 + next(v0 for name, _, _, v0, _ in C.UNIT_INFO if name == "填报单位")


def _codes(result, code: str) -> list:
    return [f for f in result.findings if f.code == code]


def _strip_identity(unit_cell: str | None):
    """A copy made into a new workbook: the hidden sheet gone, the 填报单位 cell as given."""

    def edit(ws) -> None:
        del ws.parent[C.SHEET_HIDDEN]
        ws.cell(C.UNIT_INFO_ROW + 1, INFO_COL).value = unit_cell

    return edit


def test_identified_by_file_name_unidentified_and_unknown_unit(built, tmp_path) -> None:
    _, b, s, _ = built["haishu_2021"]
    f = next(f for f in s.files if f.unit.name == "宁波市海曙区司法局")
    tid = "T016"
    returns = tmp_path / "returns"
    fill_unit(f.path, returns / "宁波市海曙区司法局_回传.xlsx", {tid: {"status": "已完成"}}, edit=_strip_identity(None))
    fill_unit(f.path, returns / "回传1.xlsx", {tid: {"status": "推进中"}}, edit=_strip_identity(None))
    fill_unit(f.path, returns / "回传2.xlsx", {tid: {"status": "推进中"}}, edit=_strip_identity("某某不存在局"))
    r = consolidate(b.path, returns, as_of=dt.date(2021, 12, 31))
    (by_name,) = r.collection.submissions
    assert by_name.unit.name == "宁波市海曙区司法局" and by_name.identified_by == "filename"
    assert "文件名" in _codes(r, "no-hidden-sheet")[0].message
    assert [x.file.endswith("回传1.xlsx") for x in _codes(r, "unidentified")] == [True]
    (unknown,) = _codes(r, "unknown-unit")
    assert "某某不存在局" in unknown.message and unknown.file.endswith("回传2.xlsx")


def test_row_matched_by_text(built, tmp_path) -> None:
    _, b, s, _ = built["haishu_2021"]
    f = next(f for f in s.files if f.unit.name == "宁波市海曙区司法局")

    def retype_id(ws) -> None:
        for r in range(C.UNIT_FIRST_ROW + 1, ws.max_row + 1):
            if ws.cell(r, 1).value == "T016":
                ws.cell(r, 1).value = "16"  # the unit typed over the id

    fill_unit(f.path, tmp_path / "r" / "a.xlsx", {"T016": {"status": "已完成", "progress": "完成"}}, edit=retype_id)
    r = consolidate(b.path, tmp_path / "r", as_of=dt.date(2021, 12, 31))
    assert [x.task_id for x in _codes(r, "row-matched-by-text")] == ["T016"]
    assert r.collection.submissions[0].answer("T016").status == "已完成"


def test_master_changed_after_the_split(built, tmp_path) -> None:
    """The clerk corrected a task's text in the 总表 after sending: a unit's untouched return is of the version sent."""
    _, b, s, _ = built["haishu_2021"]
    f = next(f for f in s.files if f.unit.name == "宁波市海曙区司法局")
    master = tmp_path / "总表.xlsx"
    shutil.copy(b.path, master)
    wb = load_workbook(master)
    ws = wb[C.SHEET_MASTER]
    text_col = 1 + next(i for i, c in enumerate(C.MASTER_COLUMNS) if c.field == "text")
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == "T016":
            ws.cell(r, text_col).value = str(ws.cell(r, text_col).value) + "（已修改）"
    wb.save(master)
    fill_unit(f.path, tmp_path / "r" / "a.xlsx", {"T016": {"status": "已完成"}})
    r = consolidate(master, tmp_path / "r", as_of=dt.date(2021, 12, 31))
    assert [x.unit for x in _codes(r, "master-changed")] == ["宁波市海曙区司法局"]


def test_number_gap_and_source_unreadable(tmp_path) -> None:
    sheet = tmp_path / "清单.csv"
    sheet.write_text(
        "序号,重点工作,牵头单位,完成时限\n1,任务甲,区政府办,2022年底\n2,任务乙,区财政局,2022年底\n4,任务丁,区司法局,2022年底\n",
        encoding="utf-8",
    )
    gaps = [f for f in import_tasklist(sheet).findings if f.code == "number-gap"]
    assert len(gaps) == 1 and "2 之后是 4" in gaps[0].message
    empty = tmp_path / "空.html"  # a saved page whose text is loaded by script: nothing to read
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    assert "source-unreadable" in {f.code for f in import_tasklist(empty).findings}
