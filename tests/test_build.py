"""The master workbook, read back with python-calamine (values) and openpyxl (structure)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from zwgk_xl import build_master, import_tasklist, load_roster, read_master
from zwgk_xl import contract as C
from zwgk_xl.workbook.xlsx import file_name, sheet_name

from .conftest import SAMPLES


@pytest.mark.parametrize("name", list(SAMPLES))
def test_master_sheets_and_values(built, name: str) -> None:
    imported, b, _, _ = built[name]
    tl = imported.tasklist
    wb = CalamineWorkbook.from_path(str(b.path))
    names = wb.sheet_names
    assert names[:2] == [C.SHEET_README, C.SHEET_MASTER] and names[-2:] == [C.SHEET_ROSTER, C.SHEET_HIDDEN]
    assert len(names) == 4 + len(b.plans)
    grid = wb.get_sheet_by_name(C.SHEET_MASTER).to_python()
    assert [c.header for c in C.MASTER_COLUMNS] == grid[1]
    ids = [row[0] for row in grid[2:] if str(row[0]).startswith("T")]
    assert ids == [t.id for t in tl.tasks]
    bands = [row[0] for row in grid[2:] if row[0] and not str(row[0]).startswith("T")]
    assert bands == [s.heading for s in tl.sections]
    # every unit sheet holds exactly its tasks
    for plan in b.plans:
        sheet = names[2 + b.plans.index(plan)]
        rows = wb.get_sheet_by_name(sheet).to_python()
        assert rows[1][2] == plan.unit.name
        assert [r[0] for r in rows[C.UNIT_FIRST_ROW :]] == [t.id for t, _ in plan.rows]
        assert {r[6] for r in rows[C.UNIT_FIRST_ROW :]} <= {C.ROLE_LEAD, C.ROLE_RESPONSIBLE}


def test_master_structure_with_openpyxl(built) -> None:
    _, b, _, _ = built["shangyu_2022"]
    wb = load_workbook(b.path)
    assert wb[C.SHEET_HIDDEN].sheet_state == "veryHidden"
    ws = wb[C.SHEET_MASTER]
    assert ws.freeze_panes == "D3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$2:$2"  # the column headings; the title is in the page header
    assert ws.column_dimensions["D"].hidden  # Shangyu prints no 工作要求: the empty column is hidden
    assert ws["A1"].font.name == C.FONT_HEAD


def test_master_reads_back_the_same_list(built) -> None:
    for name in SAMPLES:
        imported, b, _, _ = built[name]
        m = read_master(b.path)
        a, c = imported.tasklist.to_json(), m.tasklist.to_json()
        assert a["tasks"] == c["tasks"] and a["sections"] == c["sections"] and a["title"] == c["title"]
        assert [u.name for u in m.roster.units] == [u.name for u in load_roster(SAMPLES[name][1])[0].units]
        assert m.meta[C.K_VERSION] == C.FORMAT_VERSION and m.meta[C.K_DUE] == "2022-11-30"


def test_vague_units_get_no_rows_and_a_finding(built) -> None:
    _, b, _, _ = built["shangyu_2022"]
    assert any(f.code == "vague-designation" and f.unit == "有关部门单位" for f in b.findings)
    assert {u.name for u in b.idle_units} == {"绍兴市上虞区教育体育局", "绍兴市上虞区卫生健康局"}
    streets = [p for p in b.plans if p.unit.kind == "街道"]
    assert len(streets) == 7 and all(len(p.rows) >= 30 for p in streets)  # 各乡镇…街道办事处 expanded


def test_rebuild_is_deterministic(tmp_path) -> None:
    source, roster_path = SAMPLES["haishu_2021"]
    roster, _ = load_roster(roster_path)
    tl = import_tasklist(source, roster).tasklist
    a = build_master(tl, roster, tmp_path / "a.xlsx", now=dt.datetime(2021, 1, 1)).path
    b = build_master(tl, roster, tmp_path / "b.xlsx", now=dt.datetime(2021, 2, 2)).path
    wa, wb = CalamineWorkbook.from_path(str(a)), CalamineWorkbook.from_path(str(b))
    assert wa.sheet_names == wb.sheet_names
    for s in wa.sheet_names:
        ga, gb = wa.get_sheet_by_name(s).to_python(), wb.get_sheet_by_name(s).to_python()
        if s == C.SHEET_HIDDEN:
            ga = [r for r in ga if r[0] != C.K_GENERATED]
            gb = [r for r in gb if r[0] != C.K_GENERATED]
        assert ga == gb, s


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("区府办", "区府办"),
        ("a/b\\c[d]e:f*g?h", "a_b_c_d_e_f_g_h"),
        (
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
        ),
        ("总表", "总表~2"),
        ("", "单位"),
    ],
)
def test_sheet_names(name: str, expected: str) -> None:
    assert sheet_name(name, set()) == expected


def test_sheet_names_unique_ignoring_case() -> None:
    taken: set[str] = set()
    assert [sheet_name(n, taken) for n in ("Ab", "aB", "ab")] == ["Ab", "aB~2", "ab~3"]


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("2022年清单_区府办", "2022年清单_区府办.xlsx"),
        ('a:b*c?"d<e>f|g', "a_b_c__d_e_f_g.xlsx"),
        ("CON", "_CON.xlsx"),
        ("名称. ", "名称.xlsx"),
    ],
)
def test_file_names(stem: str, expected: str) -> None:
    assert file_name(stem, set()) == expected


def test_file_names_never_clash() -> None:
    taken: set[str] = set()
    assert [file_name("x", taken) for _ in range(3)] == ["x.xlsx", "x(2).xlsx", "x(3).xlsx"]


def test_master_pdf_renders(built, libreoffice, tmp_path) -> None:
    from .conftest import page_ink

    _, b, _, _ = built["shangyu_2022"]
    pdf = libreoffice(b.path, "pdf", tmp_path)
    assert page_ink(pdf, 1) > 0.005
    assert page_ink(pdf, 2) > 0.01  # the 总表 page
