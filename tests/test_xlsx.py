"""The XlsxWriter helpers: the set-based sheet-name check must refuse exactly what XlsxWriter's own check refuses."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from zwgk_xl.workbook.xlsx import RowOrderError, new_workbook


def test_sheet_names_checked_like_xlsxwriter(tmp_path) -> None:
    wb = new_workbook(tmp_path / "n.xlsx")
    for i in range(300):
        wb.add_worksheet(f"第{i}号局")
    with pytest.raises(DuplicateWorksheetName):
        wb.add_worksheet("第7号局")
    wb.add_worksheet("Abc")
    with pytest.raises(DuplicateWorksheetName):
        wb.add_worksheet("aBC")
    with pytest.raises(InvalidWorksheetName):
        wb.add_worksheet("a/b")
    with pytest.raises(InvalidWorksheetName):
        wb.add_worksheet("x" * 32)
    default = wb.add_worksheet()  # XlsxWriter's default name still works
    wb.close()
    names = CalamineWorkbook.from_path(str(tmp_path / "n.xlsx")).sheet_names
    assert names[:2] == ["第0号局", "第1号局"] and "Abc" in names and default.name in names
    assert len(names) == len({n.lower() for n in names}) == 302


def test_fit_cell_keeps_excel_limit_and_says_where_the_rest_is() -> None:
    from zwgk_xl import contract as C
    from zwgk_xl.workbook.xlsx import CELL_LIMIT, fit_cell

    assert fit_cell("短文本") == "短文本"
    cut = fit_cell("字" * 40_000)
    assert len(cut) == CELL_LIMIT and cut.startswith("字" * 100) and C.SHEET_DETAIL in cut[-60:]
    assert "报送文件 a.xlsx" in fit_cell("x" * 40_000, "报送文件 a.xlsx")


def test_write_link_never_leaves_a_cell_empty(tmp_path) -> None:
    """Past Excel's hyperlink limits XlsxWriter writes nothing at all: the text must still be there, without a link."""
    import warnings

    import openpyxl

    from zwgk_xl.workbook.xlsx import LINKS_PER_SHEET, write_link

    path = tmp_path / "l.xlsx"
    wb = new_workbook(path, large=True)
    ws = wb.add_worksheet("问题清单")
    link, plain = wb.add_format({"underline": 1}), wb.add_format({})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no per-cell warning either
        write_link(ws, 0, 0, "internal:'总表'!A3", "T001", link, plain)
        write_link(ws, 1, 0, "external:file:///" + "长" * 3000 + ".xlsx#'填报表'!H6", "H6", link, plain)
        ws.hlink_count = LINKS_PER_SHEET  # as if this sheet already held Excel's maximum
        write_link(ws, 2, 0, "internal:'总表'!A4", "T002", link, plain)
    wb.close()
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("问题清单").to_python()
    assert [row[0] for row in values] == ["T001", "H6", "T002"]
    sheet = openpyxl.load_workbook(path)["问题清单"]
    assert sheet["A1"].hyperlink is not None
    assert sheet["A2"].hyperlink is None and sheet["A3"].hyperlink is None


def test_streamed_sheet_refuses_to_go_back_up(tmp_path) -> None:
    """constant_memory drops a write above the current row without a word; a large workbook raises instead."""
    wb = new_workbook(tmp_path / "s.xlsx", large=True)
    ws = wb.add_worksheet("a")
    ws.write_string(0, 0, "x")
    ws.write_string(2, 0, "y")
    ws.write_string(2, 3, "z")  # the current row, any column: fine
    ws.set_row(2, 30)
    for late in (
        lambda: ws.write_string(1, 0, "lost"),
        lambda: ws.set_row(0, 40),
        lambda: ws.merge_range(1, 0, 1, 2, ""),
    ):
        with pytest.raises(RowOrderError, match=r"第 [12] 行"):
            late()
    ws.autofilter(0, 0, 2, 3)  # sheet-wide settings are not rows
    wb.close()
    rows = CalamineWorkbook.from_path(str(tmp_path / "s.xlsx")).get_sheet_by_name("a").to_python()
    assert rows == [["x", "", "", ""], ["", "", "", ""], ["y", "", "", "z"]]
