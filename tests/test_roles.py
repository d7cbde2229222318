"""Units and roles written as phrases: unit cells and the brackets at the end of prose tasks (issue 14, layout 9)."""

from __future__ import annotations

import pytest

from zwgk_xl.importers.roles import phrase, trailing
from zwgk_xl.units import split_names, strip_role_words

PHRASES = [
    # cell or bracket body, lead, responsible, deadline
    ("牵头单位：市财政局、市审计局；责任单位：各县区政府", "市财政局、市审计局", "各县区政府", ""),
    ("责任单位：市司法局；牵头单位：市府办", "市府办", "市司法局", ""),  # any order
    ("牵头单位:区司法局,责任单位:区政府各部门,完成时限:长期坚持", "区司法局", "区政府各部门", "长期坚持"),
    ("配合单位：区财政局；牵头单位：区发改局", "区发改局", "区财政局", ""),
    ("区府办牵头，区司法局、区财政局配合", "区府办", "区司法局、区财政局", ""),
    (
        "市法制局牵头,市有关单位,各县(市、区)人民政府(管委会)负责",
        "市法制局",
        "市有关单位、各县(市、区)人民政府(管委会)",
        "",
    ),
    ("市政府办公室、市有关单位,各县(市、区)人民政府负责", "", "市政府办公室、市有关单位、各县(市、区)人民政府", ""),
    ("市交通委负责落实", "", "市交通委", ""),
    ("区发改局、区财政局分别牵头落实", "区发改局、区财政局", "", ""),
    ("市财政局会同市审计局", "市财政局", "市审计局", ""),
    ("区府办会区司法局", "区府办", "区司法局", ""),
    ("主办：市府办 协办：市司法局", "市府办", "市司法局", ""),
    ("区府办、区财政局等按职责分工落实", "", "区府办、区财政局", ""),
    ("省直有关部门,各州、市人民政府按照职责分工负责", "", "省直有关部门、各州、市人民政府", ""),
    ("市发改局牵头落实;市工信局、市教体局按职责分工分别落实", "市发改局", "市工信局、市教体局", ""),
    ("市政府办公室牵头,市直有关部门配合;各镇(街)参照落实", "市政府办公室", "市直有关部门、各镇(街)", ""),
    ("牵头单位:市农业农村局;责任单位:市财政局;以下均需各区县(市)政府组织落实,不再列出", "市农业农村局", "市财政局", ""),
    ("党政办公室", "", "党政办公室", ""),
    ("法规科、信息中心、执法大队", "", "法规科、信息中心、执法大队", ""),
]


@pytest.mark.parametrize(("text", "lead", "resp", "deadline"), PHRASES)
def test_phrase(text: str, lead: str, resp: str, deadline: str) -> None:
    roles = phrase(text)
    assert roles is not None
    assert (roles.lead, roles.responsible, roles.deadline) == (lead, resp, deadline)


@pytest.mark.parametrize(
    "text", ["以下简称条例", "推进政务公开标准化建设", "2023年6月底前", "市政府门户网站、政务新媒体"]
)
def test_not_units(text: str) -> None:
    assert phrase(text) is None


TRAILING = [
    ("推进预算公开。（牵头单位：市财政局；责任单位：各县区政府）", "推进预算公开。", "市财政局", "各县区政府"),
    ("依法公开。〔责任单位：各县（市、区）人民政府〕", "依法公开。", "", "各县(市、区)人民政府"),
    ("公开规划。(牵头单位:市发改委)(责任单位:各区政府)", "公开规划。", "市发改委", "各区政府"),
    ("加强舆情回应。【市委网信办牵头，市公安局配合】", "加强舆情回应。", "市委网信办", "市公安局"),
    ("做好政策解读，市府办牵头，市司法局配合。", "做好政策解读", "市府办", "市司法局"),
    ("推进预算公开。牵头单位：市财政局；责任单位：各县区政府", "推进预算公开。", "市财政局", "各县区政府"),
    ("推进预算公开。（责任单位：市财政局）（2023年6月底前完成）", "推进预算公开。", "", "市财政局"),
]


@pytest.mark.parametrize(("text", "rest", "lead", "resp"), TRAILING)
def test_trailing(text: str, rest: str, lead: str, resp: str) -> None:
    found = trailing(text)
    assert found is not None
    roles, left = found
    assert (left, roles.lead, roles.responsible) == (rest, lead, resp)


def test_trailing_needs_units() -> None:
    assert trailing("做好年报（以下简称年报）。") is None
    assert trailing("按时公开决算。") is None


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("A局牵头，B局、C局配合", ["A局", "B局", "C局"]),
        ("市财政局会同市审计局", ["市财政局", "市审计局"]),
        ("区府办（牵头）、区司法局", ["区府办", "区司法局"]),
        ("土管所等", ["土管所"]),
        ("各州、市人民政府", ["各州、市人民政府"]),
        ("区管委会", ["区管委会"]),  # 会 ends a name; it is not 会同
    ],
)
def test_names_without_role_words(cell: str, names: list[str]) -> None:
    assert [r.name for r in split_names(strip_role_words(cell))] == names
