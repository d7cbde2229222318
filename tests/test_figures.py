"""Figures that mean what they say: the status rules on constructed returns (a master built from a sample, split,
filled with openpyxl as a unit would, merged), and how the merged workbook shows them."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from zwgk_xl import consolidate, write_merged
from zwgk_xl import contract as C
from zwgk_xl.consolidation import RATE_NOTE, overall_status

from .conftest import fill_unit

AS_OF = dt.date(2021, 12, 31)
DAY = {"date": dt.datetime(2021, 11, 20)}
GOV, DATA = (
    "宁波市海曙区人民政府办公室",
    "宁波市海曙区大数据发展管理中心",
)  # T025: lead 区政府办公室, responsible 大数据中心


@pytest.fixture
def hs(built, tmp_path):
    _, b, s, _ = built["haishu_2021"]
    return b.path, {f.unit.name: f for f in s.files}, tmp_path / "returns"


def _fired(result) -> set[tuple[str, str, str]]:
    return {(f.code, f.unit, f.task_id) for f in result.findings}


def _task(result, task_id: str):
    return next(t for t in result.tasks if t.task.id == task_id)


def _unit(result, name: str):
    return next(u for u in result.units if u.unit.name == name)


@pytest.mark.parametrize(
    ("statuses", "expected", "status"),
    [
        (["不涉及"], 2, "未报送"),  # the lead has not reported: one unit's 不涉及 is not the task's
        (["不涉及", "不涉及"], 2, "不涉及"),
        (["不涉及", "已完成"], 3, "推进中"),
        ([], 0, "待指定"),  # reaches no unit: nobody can report it
    ],
)
def test_not_applicable_only_when_every_unit_says_so(statuses: list[str], expected: int, status: str) -> None:
    assert overall_status(statuses, expected) == status


def test_one_units_not_applicable_is_not_the_tasks(hs) -> None:
    master, files, returns = hs
    fill_unit(files[DATA].path, returns / "a.xlsx", {"T025": {"status": "不涉及", "progress": "本单位不涉及"}}, DAY)
    r = consolidate(master, returns, as_of=AS_OF)
    assert _task(r, "T025").status == "未报送" and r.status_counts()["不涉及"] == 0
    fill_unit(files[GOV].path, returns / "b.xlsx", {"T025": {"status": "不涉及"}}, DAY)
    assert _task(consolidate(master, returns, as_of=AS_OF), "T025").status == "不涉及"


def test_a_blank_row_is_unfilled_with_a_finding(hs) -> None:
    """区政府办公室 returns its file with T025 filled and every other row left blank."""
    master, files, returns = hs
    fill_unit(files[GOV].path, returns / "b.xlsx", {"T025": {"status": "已完成", "progress": "已改版"}}, DAY)
    r = consolidate(master, returns, as_of=AS_OF)
    gov = _unit(r, GOV)
    blank = [t.id for t, _ in next(p for p in r.plans if p.unit.name == GOV).rows if t.id != "T025"]
    assert blank and gov.counts["未填报"] == len(blank) and gov.counts["推进中"] == 0
    fired = _fired(r)
    assert all(("row-unfilled", GOV, tid) in fired for tid in blank)
    finding = next(f for f in r.findings if f.code == "row-unfilled")
    assert finding.cell and finding.file.endswith("b.xlsx")  # where to look
    for tid in blank:  # not "reported": the row's unit is not counted in 已报/应报
        t = _task(r, tid)
        assert t.reported == 0 and t.status == "未报送"


def test_vague_only_task_is_to_be_named(built, tmp_path) -> None:
    """A task whose only units are a vague designation (有关部门单位) reaches nobody: 待指定, not 未报送 0/0."""
    _, b, _, _ = built["shangyu_2022"]
    r = consolidate(b.path, tmp_path, as_of=dt.date(2022, 12, 15))
    vague = [t for t in r.tasks if t.expected == 0]
    assert vague and all(t.status == "待指定" for t in vague)
    assert r.status_counts()["待指定"] == len(vague)
    assert all(t.status != "待指定" for t in r.tasks if t.expected)


def test_late_return_is_flagged_and_listed(hs, tmp_path) -> None:
    master, files, returns = hs
    fill_unit(files[DATA].path, returns / "a.xlsx", {"T025": {"status": "已完成"}}, {"date": dt.datetime(2021, 12, 3)})
    fill_unit(files[GOV].path, returns / "b.xlsx", {"T025": {"status": "已完成"}}, {"date": dt.datetime(2021, 11, 3)})
    r = consolidate(master, returns, as_of=AS_OF)
    due = r.master.meta[C.K_DUE]
    assert due == "2022-11-30"  # the fixture's --due: the returns of 2021 are all on time against it
    assert not any(f.code == "late-return" for f in r.findings)
    r.master.meta[C.K_DUE] = "2021年11月30日"  # the round's deadline as a clerk types it
    r = consolidate(r.master, returns, as_of=AS_OF)
    (late,) = [f for f in r.findings if f.code == "late-return"]
    assert (
        (late.unit, late.cell) == (DATA, "L2") and "2021年12月3日" in late.message and "2021年11月30日" in late.message
    )
    assert _unit(r, DATA).late == "2021年12月3日" and _unit(r, GOV).late == ""
    out = write_merged(r, tmp_path / "汇总.xlsx", unit_sheets=False)
    dash = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(C.SHEET_DASHBOARD).to_python()
    text = "".join(str(v) for row in dash for v in row)
    short = _unit(r, DATA).unit.short
    assert f"逾期报送的单位（报送截止时间 2021年11月30日）：{short}（2021年12月3日）" in text


def test_dashboard_rate_total_and_not_reported(hs, tmp_path) -> None:
    """完成率 = 已完成 ÷ (任务数 − 不涉及), stated under the table; a unit that has not returned shows 未报送 (not 0 %);
    the table of units has 序号 and a 合计 row that adds up."""
    master, files, returns = hs
    returns.mkdir()
    plan = next(p for p in consolidate(master, returns, as_of=AS_OF).plans if p.unit.name == GOV)
    ids = [t.id for t, _ in plan.rows]
    answers = {ids[0]: {"status": "已完成"}, ids[1]: {"status": "不涉及"}}
    answers.update({tid: {"status": "推进中", "progress": "推进中"} for tid in ids[2:]})
    fill_unit(files[GOV].path, returns / "b.xlsx", answers, DAY)
    r = consolidate(master, returns, as_of=AS_OF)
    gov = _unit(r, GOV)
    assert gov.done_rate == pytest.approx(1 / (len(ids) - 1))
    assert _unit(r, DATA).done_rate is None  # never returned
    out = write_merged(r, tmp_path / "汇总.xlsx", unit_sheets=False)
    dash = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(C.SHEET_DASHBOARD).to_python()
    at = next(i for i, row in enumerate(dash) if "联系电话" in row)
    head = dash[at]
    rows = dash[at + 1 : at + 1 + len(r.units)]
    assert [int(row[0]) for row in rows] == list(range(1, len(r.units) + 1))  # 序号
    rate = head.index("完成率")
    gov_row = next(row for row in rows if row[head.index("任务数")] == len(ids) and row[head.index("是否报送")] == "是")
    assert gov_row[rate] == pytest.approx(gov.done_rate)
    missing = [row for row in rows if row[head.index("是否报送")] == "否"]
    assert missing and all(row[rate] == "未报送" for row in missing)
    total = dash[at + 1 + len(r.units)]
    assert str(total[1]).startswith("合计")
    for h in ("任务数", "已完成", "不涉及", "未报送", "未填报"):
        assert int(total[head.index(h)]) == sum(int(row[head.index(h)]) for row in rows)
    assert RATE_NOTE in "".join(str(v) for v in dash[at + 2 + len(r.units)])


def test_overdue_rows_are_red_and_never_returned_is_marked(built, tmp_path) -> None:
    """Overdue rows red in 总表, 填报明细 and the unit's sheet; a unit that never returned is marked 未报送 on its
    sheet, which no longer tells it to fill in yellow cells."""
    _, b, s, _ = built["shangyu_2022"]
    files = {f.unit.name: f for f in s.files}
    fill_unit(files["绍兴市上虞区司法局"].path, tmp_path / "r" / "x.xlsx", {"T027": {"status": "推进中"}})
    r = consolidate(b.path, tmp_path / "r", as_of=dt.date(2022, 12, 15))
    out = write_merged(r, tmp_path / "汇总.xlsx")
    wb = load_workbook(out)
    red = C.COLOR_OVERDUE.lstrip("#").upper()

    def is_red(cell) -> bool:
        return str(cell.font.color.rgb if cell.font and cell.font.color else "").upper().endswith(red)

    ws = wb[C.SHEET_MASTER]
    row = next(r_ for r_ in ws.iter_rows(min_row=3) if r_[0].value == "T027")
    assert is_red(row[2]) and row[11].value == "逾期"  # 重点工作 and 逾期
    ws = wb[C.SHEET_DETAIL]
    head = [c.value for c in ws[1]]
    row = next(r_ for r_ in ws.iter_rows(min_row=2) if r_[head.index("任务编号")].value == "T027")
    assert is_red(row[head.index("重点工作")])
    unit_ws = wb["区司法局"]
    row = next(r_ for r_ in unit_ws.iter_rows(min_row=C.UNIT_FIRST_ROW + 1) if r_[0].value == "T027")
    assert is_red(row[2])
    assert "逾期" in unit_ws.cell(C.UNIT_NOTE_ROW + 1, 1).value
    never = next(p.unit.short for p in r.plans if p.unit.name not in {"绍兴市上虞区司法局"})
    note = wb[never].cell(C.UNIT_NOTE_ROW + 1, 1).value
    assert note.startswith("未报送") and "黄色单元格" not in note


def test_master_progress_shows_normalised_status(hs) -> None:
    """总表's progress cells show the status as counted (已完成), not as typed (完成)."""
    master, files, returns = hs
    fill_unit(files[GOV].path, returns / "b.xlsx", {"T025": {"status": "完成", "progress": "已改版"}}, DAY)
    r = consolidate(master, returns, as_of=AS_OF)
    cell = _task(r, "T025").lead_progress
    assert "已完成：已改版" in cell and "完成：已改版" not in cell.replace("已完成：已改版", "")


def test_readme_of_the_merged_workbook_lists_its_sheets_and_figures(hs, tmp_path) -> None:
    master, files, returns = hs
    fill_unit(files[GOV].path, returns / "b.xlsx", {"T025": {"status": "已完成"}}, DAY)
    r = consolidate(master, returns, as_of=AS_OF)
    out = write_merged(r, tmp_path / "汇总.xlsx", unit_sheets=False)
    text = "\n".join(
        str(row[0]) for row in CalamineWorkbook.from_path(str(out)).get_sheet_by_name(C.SHEET_README).to_python()
    )
    for sheet in (C.SHEET_MASTER, C.SHEET_DASHBOARD, C.SHEET_CHART_STATUS, C.SHEET_CHART_RATE, C.SHEET_FINDINGS):
        assert f"  {sheet} ——" in text
    assert "汇总截至2021年12月31日" in text and RATE_NOTE in text and "报送截止时间：2022年11月30日" in text
    assert "自动填写" not in text and "filled" not in text


def test_an_empty_deadline_column_is_not_shown(built) -> None:
    """海曙's list prints no 完成时限: the units' forms do not show an empty column (上虞's do show theirs)."""
    for name, hidden in (("haishu_2021", True), ("shangyu_2022", False)):
        _, _, s, _ = built[name]
        ws = load_workbook(s.files[0].path)[C.SHEET_UNIT]
        col = next(c for c in range(1, ws.max_column + 1) if ws.cell(C.UNIT_HEADER_ROW + 1, c).value == "完成时限")
        letter = ws.cell(C.UNIT_HEADER_ROW + 1, col).column_letter
        assert bool(ws.column_dimensions[letter].hidden) is hidden, name
