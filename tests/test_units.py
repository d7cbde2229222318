import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from zwgk_xl.model import UnitRef
from zwgk_xl.units import (
    STREET,
    TOWNSHIP,
    RosterError,
    RosterIndex,
    designation_kinds,
    extract_roles,
    is_vague,
    join_names,
    load_roster,
    split_names,
)

SPLIT_CASES = [
    ("区府办", [("区府办", "")]),
    (" 区府办 ", [("区府办", "")]),
    ("有关部门\n单位", [("有关部门单位", "")]),
    ("区大数据发展管理\n中心", [("区大数据发展管理中心", "")]),
    ("区委宣传部（区新闻办）", [("区委宣传部", "区新闻办")]),
    ("区委宣传部(区新闻办)", [("区委宣传部", "区新闻办")]),
    ("大数据中心(负责专题建设相关技术支持)", [("大数据中心", "负责专题建设相关技术支持")]),
    ("区府办、区司法局", [("区府办", ""), ("区司法局", "")]),
    ("区府办，区司法局；区财政局,区税务局", [("区府办", ""), ("区司法局", ""), ("区财政局", ""), ("区税务局", "")]),
    ("各乡镇人民政府、街道办事处及有关部门单位", [("各乡镇人民政府", ""), ("街道办事处", ""), ("有关部门单位", "")]),
    ("各镇乡(街道),区级各有关部门", [("各镇乡（街道）", ""), ("区级各有关部门", "")]),
    ("区委宣传部（区新闻办、区网信办）、区府办", [("区委宣传部", "区新闻办、区网信办"), ("区府办", "")]),
    ("\\", []),
    ("", []),
    ("区府办、区府办", [("区府办", "")]),
]


@pytest.mark.parametrize(("cell", "expected"), SPLIT_CASES)
def test_split_names(cell: str, expected: list[tuple[str, str]]) -> None:
    assert [(r.name, r.note) for r in split_names(cell)] == expected


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("各乡镇人民政府", {TOWNSHIP}),
        ("街道办事处", {STREET}),
        ("各镇乡（街道）", {TOWNSHIP, STREET}),
        ("各镇乡(街道)", {TOWNSHIP, STREET}),
        ("各乡镇街道", {TOWNSHIP, STREET}),
        ("百官街道办事处", None),
        ("区府办", None),
    ],
)
def test_designations(name: str, kinds: set[str] | None) -> None:
    assert designation_kinds(name) == (frozenset(kinds) if kinds else None)


@pytest.mark.parametrize(
    ("name", "vague"),
    [
        ("有关部门单位", True),
        ("区级各有关部门", True),
        ("各有关行业主管部门", True),
        ("各有关公共企事业单位", True),
        ("区府办", False),
        ("各乡镇人民政府", False),
    ],
)
def test_vague(name: str, vague: bool) -> None:
    assert is_vague(name) is vague


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("区府办牵头，区司法局、区财政局配合", ("区府办", "区司法局、区财政局")),
        ("完善制度。（牵头单位：区府办、区司法局；责任单位：各乡镇人民政府）", ("区府办、区司法局", "各乡镇人民政府")),
        ("区发改局、区财政局分别牵头落实", ("区发改局、区财政局", "")),
        ("区府办负责落实", ("区府办", "")),
        ("加强政务公开培训", None),
    ],
)
def test_extract_roles(text: str, expected: tuple[str, str] | None) -> None:
    got = extract_roles(text)
    assert (got[:2] if got else None) == expected


names = st.text(alphabet="区府办司法局财政大数据中心发展改革委宣传部", min_size=2, max_size=10)


@given(st.lists(names, min_size=1, max_size=5), st.data())
def test_split_is_stable_under_breaks_and_widths(parts: list[str], data: st.DataObject) -> None:
    """Line breaks, spaces and full/half-width separators as a typist might vary them never change the result."""
    cell = "、".join(parts)
    base = split_names(cell)
    noisy = "".join(ch + data.draw(st.sampled_from(["", "", " ", "\n", "\u3000"])) for ch in cell)
    assert split_names(noisy) == base
    assert split_names(cell.replace("、", "，")) == base
    assert split_names(join_names(base)) == base  # idempotent through the canonical form


@given(st.lists(st.tuples(names, st.sampled_from(["", "区新闻办", "负责技术支持"])), min_size=1, max_size=4))
def test_join_split_round_trip(items: list[tuple[str, str]]) -> None:
    refs = tuple(dict.fromkeys(UnitRef(n, note) for n, note in items))
    assert split_names(join_names(refs)) == refs


def _write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)


ROWS = [
    ["全称", "简称/别名", "类别", "邮箱", "联系人"],
    ["某市某区人民政府办公室", "区府办、区政府办公室", "区级部门", "a@x.example", "甲"],
    ["某市某区司法局", "", "区级部门", "b@x.example", ""],
    ["某区甲镇人民政府", "甲镇", "镇", "", ""],
    ["某区乙街道办事处", "乙街道", "街道", "", ""],
    ["某市某区司法局", "", "区级部门", "", ""],
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_roster_csv_encodings(tmp_path, encoding: str) -> None:
    p = tmp_path / "名册.csv"
    _write_csv(p, ROWS, encoding)
    roster, found = load_roster(p)
    assert [u.name for u in roster.units] == [
        "某市某区人民政府办公室",
        "某市某区司法局",
        "某区甲镇人民政府",
        "某区乙街道办事处",
    ]
    assert roster.units[2].kind == TOWNSHIP  # 镇 → 乡镇
    assert [f.code for f in found] == ["roster-duplicate"]


def test_roster_xlsx_with_title_row_and_resolution(tmp_path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "单位名册"
    ws.append(["2022年单位名册"])
    for r in ROWS:
        ws.append(r)
    p = tmp_path / "roster.xlsx"
    wb.save(p)
    roster, _ = load_roster(p)
    idx = RosterIndex(roster)
    assert idx.resolve(UnitRef("区府办")).units[0].name == "某市某区人民政府办公室"
    assert idx.resolve(UnitRef("区司法局")).units[0].name == "某市某区司法局"  # region prefix stripped
    assert idx.resolve(UnitRef("司法局")).kind == "unit"
    coll = idx.resolve(UnitRef("各镇乡（街道）"))
    assert coll.kind == "collective"
    assert {u.name for u in coll.units} == {"某区甲镇人民政府", "某区乙街道办事处"}
    assert idx.resolve(UnitRef("有关部门单位")).kind == "vague"
    unknown = idx.resolve(UnitRef("区司法所"))
    assert unknown.kind == "unknown"
    assert "某市某区司法局" in unknown.suggestions


def test_roster_errors(tmp_path) -> None:
    with pytest.raises(RosterError, match="找不到"):
        load_roster(tmp_path / "none.csv")
    p = tmp_path / "bad.csv"
    _write_csv(p, [["a", "b"], ["1", "2"]])
    with pytest.raises(RosterError, match="全称"):
        load_roster(p)
