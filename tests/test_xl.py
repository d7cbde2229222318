"""The Excel layer on Linux: entry points run through xlwings' remote engine with a payload built from a real
control workbook; the built workbook and add-in are checked as files; LibreOffice opens them.

The remote engine is in xlwings' PRO part (PolyForm Noncommercial). These tests use it with the ``noncommercial``
key, in the test-suite of an open, non-commercial tool; where it is unavailable they skip with a message.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from zwgk_xl import contract as C
from zwgk_xl import control

from .conftest import fill_unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def xw(monkeypatch):
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    xlwings = pytest.importorskip("xlwings", reason="xlwings 未安装")
    try:
        from xlwings.pro import _xlremote  # noqa: F401
    except Exception as exc:  # the PRO engine may be missing from a build
        pytest.skip(f"xlwings remote engine unavailable: {exc}")
    return xlwings


@pytest.fixture
def control_book(built, tmp_path):
    """A real control workbook file, with 设置 filled as a clerk would, plus one return."""
    _, b, s, _ = built["haishu_2021"]
    files = {f.unit.name: f for f in s.files}
    fill_unit(
        files["宁波市海曙区司法局"].path,
        tmp_path / "returns" / "a.xlsx",
        {"T016": {"status": "已完成", "progress": "好"}},
    )
    paths = control.build_control(tmp_path / "excel")
    wb = load_workbook(paths[0], keep_vba=True)
    ws = wb[control.SETTINGS_SHEET]
    values = {
        "master": str(b.path),
        "returns": str(tmp_path / "returns"),
        "output": str(tmp_path / "out"),
        "as_of": "2021-12-31",
    }
    for r in range(1, ws.max_row + 1):
        key = dict((label, k) for label, k, _ in control.SETTINGS).get(ws.cell(r, 1).value)
        if key in values:
            ws.cell(r, 2).value = values[key]
    filled = tmp_path / "excel" / "zwgk_control.xlsm"
    wb.save(filled)
    return filled, tmp_path


def payload(path: Path, xlwings) -> dict:
    """What the VBA/Office.js client sends: every sheet's values as the file holds them."""
    wb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in wb.sheet_names:
        values = wb.get_sheet_by_name(name).to_python(skip_empty_area=False) or [[""]]
        sheets.append(
            {
                "name": name,
                "values": [["" if v is None else v for v in row] for row in values],
                "pictures": [],
                "tables": [],
            }
        )
    return {
        "client": "VBA",
        "version": xlwings.__version__,
        "names": [],
        "sheets": sheets,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
    }


def _actions(book) -> list[dict]:
    return book.json()["actions"]


def test_consolidate_from_excel(xw, control_book) -> None:
    path, tmp = control_book
    book = xw.Book(json=payload(path, xw))
    book.set_mock_caller()
    from zwgk_xl import xl

    xl.consolidate()
    actions = _actions(book)
    names = [s.name for s in book.sheets]
    writes = {names[a["sheet_position"]]: a for a in actions if a["func"] == "setValues" and a["row_count"] > 1}
    assert set(writes) == {C.SHEET_MASTER, C.SHEET_DASHBOARD, C.SHEET_FINDINGS}  # one whole-array write each
    master = writes[C.SHEET_MASTER]["values"]
    assert master[0][0] == "任务编号" and len(master) == 35  # header + 34 tasks
    t16 = next(r for r in master if r[0] == "T016")
    assert "【区司法局】已完成：好" in t16
    status = [a for a in actions if a["sheet_position"] == 0 and a["start_row"] == control.STATUS_ROW]
    assert status[0]["values"][0][0].startswith("一键汇总完成")
    assert status[1]["values"][0][0].startswith("2021-12-31")  # a date travels as an ISO string
    assert sum(a["func"] == "sheetClearContents" for a in actions) == 3  # old results cleared first
    assert (tmp / "out" / "汇总_2021-12-31.xlsx").exists()


def test_errors_go_to_the_status_cell_not_a_traceback(xw, control_book) -> None:
    path, _ = control_book
    data = payload(path, xw)
    settings = next(s for s in data["sheets"] if s["name"] == control.SETTINGS_SHEET)
    for row in settings["values"]:
        if row[0] == "报送文件夹":
            row[1] = "/nonexistent/folder"
    book = xw.Book(json=data)
    book.set_mock_caller()
    from zwgk_xl import xl

    xl.consolidate()  # must not raise
    (status,) = [
        a
        for a in _actions(book)
        if a["sheet_position"] == 0 and a["start_row"] == control.STATUS_ROW and a["start_column"] == 1
    ]
    assert status["values"][0][0].startswith("出错：“报送文件夹”")


def test_payload_version_must_match(xw, control_book) -> None:
    path, _ = control_book
    data = payload(path, xw)
    data["version"] = "0.0.1"
    with pytest.raises(Exception, match="version"):
        xw.Book(json=data)


def test_core_never_imports_xlwings() -> None:
    for p in (ROOT / "zwgk_xl").glob("*.py"):
        if p.name == "xl.py":
            continue
        assert not re.search(r"^\s*(import|from)\s+xlwings", p.read_text(encoding="utf-8"), re.M), p.name


def test_built_files(tmp_path, libreoffice) -> None:
    paths = control.build_control(tmp_path)
    xlsm, stub, xlam, _, cmd = paths
    with zipfile.ZipFile(xlsm) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        assert "macroEnabled" in z.read("[Content_Types].xml").decode()
        vml = z.read("xl/drawings/vmlDrawing1.vml").decode()
        assert vml.count("SampleCall") == 4  # four buttons, the template's macro
    with zipfile.ZipFile(xlam) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        ribbon = z.read("customUI/customUI.xml").decode()
        vba = z.read("xl/vbaProject.bin")
    assert 'label="政务公开"' in ribbon
    assert "from zwgk_xl.xl import main" in stub.read_text(encoding="utf-8")
    assert b"zwgk_control.xlsm" in cmd.read_bytes() and b"\r\n" in cmd.read_bytes()
    # every onAction of the add-in names a macro that exists in its VBA project
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser("x.xlam", data=vba)
    code = "\n".join(src for _, _, _, src in parser.extract_macros())
    for action in re.findall(r'onAction="([^"]+)"', ribbon):
        assert re.search(rf"Sub {action.split('.')[-1]}\(", code), action
    # LibreOffice opens the control workbook (it has no add-in support: xlwings' own .xlam template does not load)
    libreoffice(xlsm, "pdf", tmp_path / "pdf")


def test_macros_text_matches_the_ribbon() -> None:
    bas = (ROOT / "macros" / "zwgk.bas").read_text(encoding="utf-8")
    ribbon = (ROOT / "macros" / "customUI.xml").read_text(encoding="utf-8")
    subs = set(re.findall(r"^Sub (\w+)\(", bas, re.M))
    actions = re.findall(r'onAction="([^"]+)"', ribbon)
    assert len(actions) == 4 and set(actions) <= subs
    for call in re.findall(r'RunPython "([^"]+)"', bas):
        assert call.isascii() and call.startswith("import zwgk_xl.xl; zwgk_xl.xl.")
        import zwgk_xl.xl as xl

        assert hasattr(xl, call.rsplit(".", 1)[1].rstrip("()"))
    assert {"一键汇总", "生成分发", "发送汇总", "下一轮"} <= set(re.findall(r'label="([^"]+)"', ribbon))


def test_run_without_excel(control_book) -> None:
    """What 一键汇总.cmd does: the same consolidation from the control workbook's settings, no Excel."""
    from typer.testing import CliRunner

    from zwgk_xl.cli import app

    path, tmp = control_book
    res = CliRunner().invoke(app, ["run", str(path), "--action", "consolidate"])
    assert res.exit_code == 0, res.output
    assert "一键汇总完成" in res.stdout and (tmp / "out" / "汇总_2021-12-31.xlsx").exists()
    assert dt.date(2021, 12, 31).isoformat() in res.stdout


def test_run_names_a_missing_control_workbook(tmp_path) -> None:
    from typer.testing import CliRunner

    from zwgk_xl.cli import app

    res = CliRunner().invoke(app, ["run", str(tmp_path / "none.xlsm")])
    assert res.exit_code == 2 and "找不到控制工作簿" in res.output


def test_main_without_a_known_button_runs_nothing(xw, control_book) -> None:
    """xl.main (what the template's buttons run) off Windows desktop Excel cannot learn which button was clicked:
    it says so in the status cell and runs nothing (it once ran 一键汇总 for any button)."""
    path, tmp = control_book
    book = xw.Book(json=payload(path, xw))
    book.set_mock_caller()
    from zwgk_xl import xl

    xl.main()
    (status,) = [
        a
        for a in _actions(book)
        if a["sheet_position"] == 0 and a["start_row"] == control.STATUS_ROW and a["start_column"] == 1
    ]
    assert status["values"][0][0] == control.UNKNOWN_BUTTON
    assert not list(tmp.rglob("汇总_*.xlsx"))


def test_build_and_split_and_send_summary_run_from_the_settings(control_book) -> None:
    """The other two actions, run the way 一键汇总.cmd and the buttons run them (control.run over the 设置)."""
    from .conftest import SAMPLES

    path, tmp = control_book
    source, roster = SAMPLES["haishu_2021"]
    settings = control.read_settings(path)
    settings.update(tasks=str(source), roster=str(roster), master=str(tmp / "新总表.xlsx"), office="office@x.example")
    message, arrays, _ = control.run("build_and_split", settings, path.parent)
    assert message.startswith("生成分发完成") and arrays is None
    assert len(list((tmp / "out" / "分发").glob("*.xlsx"))) > 30
    control.run("consolidate", settings, path.parent)
    message, _, _ = control.run("send_summary", settings, path.parent)
    assert "已生成 .eml" in message and len(list((tmp / "out" / "邮件").glob("*.eml"))) == 1


def test_next_round_action_without_excel(control_book) -> None:
    """下一轮: from the last 一键汇总's workbook, a new master and pre-filled unit workbooks, named in the status."""
    path, tmp = control_book
    settings = control.read_settings(path)
    control.run("consolidate", settings, path.parent)
    with pytest.raises(control.SettingsError, match="轮次"):
        control.run("next_round", settings, path.parent)
    message, _, _ = control.run("next_round", {**settings, "round": "2021-下半年"}, path.parent)
    assert "下一轮完成" in message and "总表_2021-下半年.xlsx" in message
    out = tmp / "out"
    assert (out / "总表_2021-下半年.xlsx").exists() and any((out / "分发_2021-下半年").glob("*.xlsx"))
    assert (Path(settings["master"]).parent / "留痕库.sqlite").exists()  # 一键汇总 is recorded too
