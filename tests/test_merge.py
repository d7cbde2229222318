"""Consolidation end to end: the status rule, each check, the rebuilt workbook, and that no text is lost."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import zwgk_xl
from zwgk_xl import consolidate, write_merged
from zwgk_xl import contract as C
from zwgk_xl.checks import is_overdue
from zwgk_xl.consolidation import overall_status
from zwgk_xl.deadlines import parse
from zwgk_xl.model import Task

from .conftest import fill_unit


@pytest.mark.parametrize(
    ("statuses", "expected", "status"),
    [
        ([], 3, "未报送"),
        (["不涉及", "不涉及"], 2, "不涉及"),
        (["已完成", "已完成"], 2, "已完成"),
        (["已完成", "已完成"], 3, "推进中"),  # a unit still to report
        (["已完成", "持续推进"], 2, "持续推进"),
        (["未启动", "未启动"], 2, "未启动"),
        (["已完成", "未启动"], 2, "推进中"),
        (["已完成", "不涉及"], 2, "已完成"),
        (["", "已完成"], 2, "推进中"),
    ],
)
def test_overall_status(statuses: list[str], expected: int, status: str) -> None:
    assert overall_status(statuses, expected) == status


@pytest.mark.parametrize(
    ("deadline", "status", "overdue"),
    [
        ("三季度前", "推进中", True),
        ("三季度前", "已完成", False),
        ("全年", "推进中", False),
        ("持续推进", "持续推进", False),
        ("三季度前", "持续推进", True),
        ("", "未启动", False),
        ("三季度前", "不涉及", False),
    ],
)
def test_overdue(deadline: str, status: str, overdue: bool) -> None:
    task = Task("T1", "1", (), "x", deadline=parse(deadline, 2022))
    assert is_overdue(task, status, dt.date(2022, 12, 15)) is overdue


@pytest.fixture
def hs(built, tmp_path):
    _, b, s, _ = built["haishu_2021"]
    return b.path, {f.unit.name: f for f in s.files}, tmp_path / "returns"


def _fired(result) -> set[tuple[str, str, str]]:
    return {(f.code, f.unit, f.task_id) for f in result.findings}


def test_lead_versus_responsible_rules(hs) -> None:
    """T025 (四、(一)1): lead 区政府办公室, responsible 大数据中心."""
    master, files, returns = hs
    day = {"date": dt.datetime(2021, 11, 20)}
    # responsible reports done, lead never returns
    fill_unit(
        files["宁波市海曙区大数据发展管理中心"].path,
        returns / "a.xlsx",
        {"T025": {"status": "已完成", "progress": "完成改版"}},
        day,
    )
    r1 = consolidate(master, returns, as_of=dt.date(2021, 12, 31))
    assert ("lead-not-reported", "宁波市海曙区人民政府办公室", "T025") in _fired(r1)
    assert ("done-no-date", "宁波市海曙区大数据发展管理中心", "T025") in _fired(r1)
    # now the lead reports done without a summary while another task lags
    fill_unit(
        files["宁波市海曙区人民政府办公室"].path,
        returns / "b.xlsx",
        {"T025": {"status": "推进中", "progress": "推进中"}},
        day,
    )
    r2 = consolidate(master, returns, as_of=dt.date(2021, 12, 31))
    fired = _fired(r2)
    assert ("lead-not-reported", "宁波市海曙区人民政府办公室", "T025") not in fired
    assert ("lead-no-summary", "宁波市海曙区人民政府办公室", "T025") in fired
    assert ("resp-done-lead-not", "宁波市海曙区人民政府办公室", "T025") in fired


def test_lead_done_while_responsible_lags(hs) -> None:
    master, files, returns = hs
    fill_unit(
        files["宁波市海曙区人民政府办公室"].path,
        returns / "b.xlsx",
        {
            "T025": {
                "status": "已完成",
                "progress": "完成",
                "done_date": dt.datetime(2021, 9, 1),
                "lead_summary": "汇总",
            }
        },
    )
    fill_unit(files["宁波市海曙区大数据发展管理中心"].path, returns / "a.xlsx", {"T025": {"status": "未启动"}})
    r = consolidate(master, returns, as_of=dt.date(2021, 12, 31))
    assert ("lead-done-resp-not", "宁波市海曙区人民政府办公室", "T025") in _fired(r)
    row = next(t for t in r.tasks if t.task.id == "T025")
    assert row.status == "推进中" and row.reported == 2 and row.expected == 2
    assert row.lead_progress.startswith("【区政府办公室】已完成：完成") and "牵头汇总：汇总" in row.lead_progress
    assert row.responsible_progress == "【大数据中心】未启动"


def test_consistent_returns_raise_no_rule(hs) -> None:
    master, files, returns = hs
    done = {"status": "已完成", "progress": "完成", "done_date": dt.datetime(2021, 9, 1), "lead_summary": "均已完成"}
    fill_unit(files["宁波市海曙区人民政府办公室"].path, returns / "b.xlsx", {"T025": done})
    fill_unit(files["宁波市海曙区大数据发展管理中心"].path, returns / "a.xlsx", {"T025": done})
    r = consolidate(master, returns, as_of=dt.date(2021, 12, 31))
    rules = {
        "lead-not-reported",
        "lead-no-summary",
        "lead-done-resp-not",
        "resp-done-lead-not",
        "done-no-date",
        "done-no-progress",
        "overdue",
        "no-role",
    }
    assert not [f for f in r.findings if f.task_id == "T025" and f.code in rules]
    assert next(t for t in r.tasks if t.task.id == "T025").status == "已完成"


def test_overdue_and_no_role(built, tmp_path) -> None:
    _, b, s, _ = built["shangyu_2022"]
    f = next(f for f in s.files if f.unit.name == "绍兴市上虞区司法局")
    other = "T001"  # a task where 司法局 has no role

    def add_row(ws):
        r = ws.max_row + 1
        ws.cell(r, 1).value = other
        ws.cell(r, 9).value = "已完成"
        ws.cell(r, 10).value = "顺手填了别人的任务"

    fill_unit(f.path, tmp_path / "r" / "x.xlsx", {"T027": {"status": "推进中"}}, edit=add_row)
    r = consolidate(b.path, tmp_path / "r", as_of=dt.date(2022, 12, 15))
    fired = _fired(r)
    assert ("overdue", "绍兴市上虞区司法局", "T027") in fired  # 三季度前, still 推进中 on 12-15
    assert ("no-role", "绍兴市上虞区司法局", other) in fired
    assert ("lead-designation", "有关部门单位", "T049") in fired  # the lead is still a designation
    assert ("lead-designation", "各乡镇人民政府", "T049") in fired
    assert not any(code == "lead-designation" and task == "T024" for code, _, task in fired)  # 区司法局 leads
    (kept,) = [x for x in r.findings if "顺手填了别人的任务" in x.message]
    assert kept.code == "no-role-text" and "没有角色" in kept.message and "较早报送" not in kept.message
    r_early = consolidate(b.path, tmp_path / "r", as_of=dt.date(2022, 9, 1))
    assert ("overdue", "绍兴市上虞区司法局", "T027") not in _fired(r_early)


def test_progress_cell_fits_a_row_or_says_where_the_rest_is() -> None:
    """A task led by twenty towns cannot show twenty whole answers in one row (Excel stops at 409 pt): each unit then
    keeps its status and progress under a count of the statuses that points to 填报明细."""
    from zwgk_xl.consolidation import _progress_cell
    from zwgk_xl.model import Answer, Unit
    from zwgk_xl.workbook.xlsx import MAX_ROW_LINES

    def answer(i: int, status: str) -> tuple[Unit, Answer]:
        a = Answer(
            f"T{i}", "牵头", status, "", f"第{i}镇已完成栏目梳理。", dt.date(2022, 9, 1), "", "链接3条", "", "已汇总"
        )
        return Unit(f"U{i}", f"第{i}镇"), a

    few = _progress_cell([answer(1, "已完成")], True, 34)
    assert few == "【第1镇】已完成：第1镇已完成栏目梳理。完成时间：2022年9月1日；佐证：链接3条\n牵头汇总：已汇总"
    many = [answer(i, "已完成" if i % 3 else "推进中") for i in range(20)]
    cell = _progress_cell(many, True, 50)
    head, *lines = cell.split("\n")
    assert head == f"共 20 个单位（已完成 13，推进中 7），内容较多，各单位全文见“{C.SHEET_DETAIL}”："
    assert lines == [f"【第{i}镇】{a.status}：{a.progress}" for (_, a), i in zip(many, range(20), strict=True)]
    assert C.estimate_lines(_progress_cell(many[:2], True, 34), 34) <= MAX_ROW_LINES  # two fit whole
    assert "完成时间" in _progress_cell(many[:2], True, 34)
    one_long = [(Unit("U1", "第1镇"), Answer("T1", "牵头", "推进中", "", "很长的进展。" * 900))]
    assert "共 1 个单位" not in _progress_cell(one_long, True, 34)  # one unit's text is its own, never a count
    crowd = [answer(i, "已完成" if i % 3 else "推进中") for i in range(300)]
    cell = _progress_cell(crowd, False, 30)
    assert all(f"第{i}镇" in cell for i in range(300))  # every unit named, under its status, however many
    assert cell.splitlines()[1].startswith("已完成（200）：")


def test_merged_workbook(built, tmp_path) -> None:
    from zwgk_xl import simulate

    _, b, _, base = built["shangyu_2022"]
    returns = tmp_path / "returns"
    simulate.fill_returns(base / "outbox", returns, seed=11)
    r = consolidate(b.path, returns, as_of=dt.date(2022, 12, 15))
    out = write_merged(r, tmp_path / "汇总.xlsx")
    with pytest.raises(ValueError, match="不能覆盖"):
        write_merged(r, b.path)
    wb = CalamineWorkbook.from_path(str(out))
    order = [C.SHEET_README, C.SHEET_MASTER, C.SHEET_DASHBOARD, C.SHEET_CHART_STATUS, C.SHEET_CHART_RATE]
    assert wb.sheet_names[:6] == [*order, C.SHEET_FINDINGS]
    grid = wb.get_sheet_by_name(C.SHEET_MASTER).to_python()
    head = grid[1]
    status_col, rep_col = head.index("总体状态"), head.index("已报/应报")
    by_id = {row[0]: row for row in grid[2:] if str(row[0]).startswith("T")}
    for t in r.tasks:
        assert by_id[t.task.id][status_col] == t.status
        assert by_id[t.task.id][rep_col] == f"{t.reported}/{t.expected}"
    issues = wb.get_sheet_by_name(C.SHEET_FINDINGS).to_python()
    assert len(issues) - 1 == len(r.findings)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert sum(1 for n in names if n.startswith("xl/charts/chart")) == 3  # 汇总's two, 历次进展's one
        rels = "".join(z.read(n).decode() for n in names if n.endswith(".rels") and "worksheets" in n)
        assert 'TargetMode="External"' in rels  # links from 问题清单 to the cells of the returns
        targets = re.findall(r'Target="([^"]+)" TargetMode="External"', rels)
        assert targets and not any(t.startswith("file:") or str(tmp_path) in t for t in targets)  # relative: movable
        assert all(t.replace("\\", "/").startswith("returns/") for t in targets)
    # rendered and measured in tests/test_print.py (charts on pages of their own, every sheet at 9 pt or more)


def test_detail_sheet_and_unit_sheets(built, tmp_path, monkeypatch) -> None:
    """填报明细 has every (unit, task) pair with the status as counted; per-unit sheets up to UNIT_SHEETS_MAX units."""
    from zwgk_xl import consolidation, simulate
    from zwgk_xl.workbook import merged

    _, b, _, base = built["shangyu_2022"]
    returns = tmp_path / "returns"
    simulate.fill_returns(base / "outbox", returns, seed=11)
    r = consolidate(b.path, returns, as_of=dt.date(2022, 12, 15))
    by_unit = {s.unit.id: s for s in r.collection.submissions}
    out = write_merged(r, tmp_path / "a.xlsx")
    wb = CalamineWorkbook.from_path(str(out))
    unit_names = {p.unit.short: p for p in r.plans}
    assert set(unit_names) <= set(wb.sheet_names)
    grid = wb.get_sheet_by_name(C.SHEET_DETAIL).to_python()
    head = grid[0]
    col = {c.field: head.index(c.header) for c in C.DETAIL_COLUMNS}
    rows = {(row[col["unit"]], row[col["id"]]): row for row in grid[1:]}
    assert len(rows) == len(grid) - 1 == sum(len(p.rows) for p in r.plans)
    for name, plan in unit_names.items():
        sub = by_unit.get(plan.unit.id)
        for task, a in plan.rows:
            row = rows[(name, task.id)]
            status = consolidation.unit_status(sub, task.id)
            ans = sub.answer(task.id) if sub else None
            assert row[col["status"]] == (ans.status_raw if ans and not ans.status and ans.status_raw else status)
            assert row[col["role"]] == a.role
            if ans and ans.progress:
                assert row[col["progress"]] == ans.progress
    assert {consolidation.NOT_REPORTED} <= {row[col["status"]] for row in grid[1:]}
    # who filled each return in, and the file, are once per unit: in 汇总's table of units
    dash = wb.get_sheet_by_name(C.SHEET_DASHBOARD).to_python()
    at = next(i for i, row in enumerate(dash) if "联系电话" in row)
    hcol = {h: dash[at].index(h) for h in ("单位", "填报人", "联系电话", "填报日期", "报送文件")}
    units = {row[hcol["单位"]]: row for row in dash[at + 1 : at + 1 + len(r.plans)]}
    assert len(units) == len(r.plans) and by_unit
    for name, plan in unit_names.items():
        sub, row = by_unit.get(plan.unit.id), units[name]
        assert row[hcol["填报人"]] == (sub.reporter if sub else "")
        assert row[hcol["联系电话"]] == (sub.phone if sub else "")
        assert row[hcol["报送文件"]] == (Path(sub.file).name if sub else "")
        if sub and sub.date:
            assert row[hcol["填报日期"]] == C.display_date(sub.date)  # as people read dates
    monkeypatch.setattr(merged, "UNIT_SHEETS_MAX", len(r.plans) - 1)
    wb = CalamineWorkbook.from_path(str(write_merged(r, tmp_path / "b.xlsx")))
    assert not set(unit_names) & set(wb.sheet_names)
    readme = "".join(str(v) for row in wb.get_sheet_by_name(C.SHEET_README).to_python() for v in row)
    assert "未逐个生成单位工作表" in readme
    wb = CalamineWorkbook.from_path(str(write_merged(r, tmp_path / "c.xlsx", unit_sheets=True)))
    assert set(unit_names) <= set(wb.sheet_names)


def test_streamed_workbook_holds_the_same_cells(built, tmp_path, monkeypatch) -> None:
    """The merged workbook streams its rows to disk (constant memory); it must hold exactly the cells that the same
    workbook built in memory holds, on every sheet, hidden ones included."""
    from zwgk_xl import simulate
    from zwgk_xl.workbook import merged, xlsx

    _, b, _, base = built["shangyu_2022"]
    returns = tmp_path / "returns"
    simulate.fill_returns(base / "outbox", returns, seed=5)
    r = consolidate(b.path, returns, as_of=dt.date(2022, 12, 15))
    now = dt.datetime(2022, 12, 15, 9)
    streamed = CalamineWorkbook.from_path(str(write_merged(r, tmp_path / "s.xlsx", now=now)))
    monkeypatch.setattr(merged, "new_workbook", lambda path, large=False: xlsx.new_workbook(path))
    in_memory = CalamineWorkbook.from_path(str(write_merged(r, tmp_path / "m.xlsx", now=now)))
    assert streamed.sheet_names == in_memory.sheet_names and len(streamed.sheet_names) > 30
    for name in streamed.sheet_names:
        got = streamed.get_sheet_by_name(name).to_python()
        assert got == in_memory.get_sheet_by_name(name).to_python(), name
    with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
        assert "inlineStr" in z.read("xl/worksheets/sheet2.xml").decode()  # it was streamed


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and s.strip()
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example writes workbooks
)
@given(data=st.data())
def test_no_text_is_lost(built, tmp_path_factory, data) -> None:
    """Whatever units type in input cells reaches a visible sheet (填报明细, a unit sheet, or the 问题清单 for rows
    that failed), with the per-unit sheets or without them."""
    _, b, s, _ = built["haishu_2021"]
    returns = tmp_path_factory.mktemp("returns")
    typed: list[str] = []
    for f in data.draw(st.lists(st.sampled_from(s.files[:8]), min_size=1, max_size=3, unique_by=lambda f: f.unit.id)):
        ids = load_ids(f.path)
        answers = {}
        for tid in data.draw(st.lists(st.sampled_from(ids), max_size=len(ids), unique=True)):
            fields = data.draw(st.sets(st.sampled_from(["status", "progress", "evidence", "plan"]), min_size=1))
            answers[tid] = {k: data.draw(texts) for k in fields}
        delete = data.draw(st.booleans())
        # a deleted row takes its text out of the returned file itself; everything else must arrive
        typed += [v for tid, a in answers.items() if not (delete and tid == ids[0]) for v in a.values()]
        fill_unit(
            f.path,
            returns / f"{f.unit.id}.xlsx",
            answers,
            edit=(lambda ws: ws.delete_rows(C.UNIT_FIRST_ROW + 1)) if delete else None,
        )
    r = consolidate(b.path, returns, as_of=dt.date(2021, 12, 31))
    out = write_merged(r, tmp_path_factory.mktemp("m") / "m.xlsx", unit_sheets=data.draw(st.booleans()))
    wb = CalamineWorkbook.from_path(str(out))
    visible = [n for n in wb.sheet_names if n not in (C.SHEET_HIDDEN, C.SHEET_RESULT)]
    everything = "\n".join(str(v) for name in visible for row in wb.get_sheet_by_name(name).to_python() for v in row)
    for t in typed:
        assert t in everything or t.lstrip("=") in everything, t


def load_ids(path) -> list[str]:
    from zwgk_xl.workbook.master import read_hidden

    return read_hidden(CalamineWorkbook.from_path(str(path)))[C.K_TASK_IDS].split(",")


def test_frames_are_typed_and_reprs_short(built, tmp_path) -> None:
    """An analyst's session: typed frames (ints, bools, dates), an answers frame with a row per (unit, task), and
    reprs a notebook can print."""
    from zwgk_xl import simulate

    _, b, _, base = built["shangyu_2022"]
    simulate.fill_returns(base / "outbox", tmp_path / "returns", seed=7)
    r = consolidate(b.path, tmp_path / "returns", as_of=dt.date(2022, 12, 15))
    frames = r.to_frames()
    assert set(frames) == {"tasks", "units", "findings", "answers"}
    tasks, units, answers = frames["tasks"], frames["units"], frames["answers"]
    assert str(tasks["reported"].dtype) == "int64" and str(tasks["overdue"].dtype) == "bool"
    assert str(units["returned"].dtype) == "bool" and str(units["已完成"].dtype) == "int64"
    assert int(tasks["overdue"].sum()) == sum(t.overdue for t in r.tasks)
    assert len(answers) == sum(len(p.rows) for p in r.plans)
    assert set(answers["status"]) >= {"未报送", "已完成"}
    assert any(isinstance(d, dt.date) for d in answers["done_date"])
    assert int(units["returned"].sum()) == r.returned == len(r.collection.submissions)
    assert r.has_errors == any(f.severity == "error" for f in r.findings)  # the shape every result shares
    for obj in (
        r,
        r.master,
        r.master.tasklist,
        r.master.roster,
        zwgk_xl.read_report(write_merged(r, tmp_path / "m.xlsx")),
    ):
        assert len(repr(obj)) < 300, type(obj).__name__
