"""The XlsxWriter helpers: the set-based sheet-name check must refuse exactly what XlsxWriter's own check refuses."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from zwgk_xl.xlsx import new_workbook


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
    from zwgk_xl.xlsx import CELL_LIMIT, fit_cell

    assert fit_cell("短文本") == "短文本"
    cut = fit_cell("字" * 40_000)
    assert len(cut) == CELL_LIMIT and cut.startswith("字" * 100) and C.SHEET_DETAIL in cut[-60:]
    assert "报送文件 a.xlsx" in fit_cell("x" * 40_000, "报送文件 a.xlsx")
