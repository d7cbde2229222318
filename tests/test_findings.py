"""The findings catalogue helpers."""

from __future__ import annotations

import string

import pytest

from zwgk_xl import findings


@pytest.mark.parametrize(
    ("codes", "text"),
    [
        ([], "问题 0 条"),
        (["row-deleted"], "问题 1 条（错误 1）"),
        (["row-deleted", "overdue", "overdue", "row-moved"], "问题 4 条（错误 1，警告 2，提示 1）"),
        (["row-moved"], "问题 1 条（提示 1）"),
    ],
)
def test_tally(codes: list[str], text: str) -> None:
    items = [findings.make(c, task_id="T1", due="2022-09-30", status="推进中") for c in codes]
    assert findings.tally(items) == text


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@pytest.mark.parametrize("code", sorted(findings.CATALOGUE))
def test_every_code_builds(code: str) -> None:
    """Every code of the catalogue, built the way its callers build it (location fields as keywords, the rest as
    template values), fills every placeholder; a code without a title would show its English code to the clerk."""
    params = {name: f"«{name}»" for name in _placeholders(findings.CATALOGUE[code][1])}
    where = {k: params.pop(k) for k in ("unit", "task_id", "file", "sheet", "cell") if k in params}
    f = findings.make(code, **where, **params)
    assert f.code == code and f.severity in findings.SEVERITY_TITLES
    assert "{" not in f.message and findings.MISSING not in f.message
    for name in _placeholders(findings.CATALOGUE[code][1]):
        assert f"«{name}»" in f.message
    assert findings.title(code) != code


@pytest.mark.parametrize("code", sorted(findings.CATALOGUE))
def test_missing_placeholder_never_raises(code: str) -> None:
    """A caller that forgets a value gets a message with a visible gap, not a KeyError that stops the merge."""
    f = findings.make(code)
    assert "{" not in f.message
    values = set(_placeholders(findings.CATALOGUE[code][1])) - {"unit", "task_id", "file", "sheet", "cell"}
    assert (findings.MISSING in f.message) == bool(values)


@pytest.mark.parametrize(
    ("template", "params", "expected"),
    [
        ("{a}：{b}", {"a": "甲"}, "甲：（未知）"),
        ("{n:d} 项", {"n": "三"}, "三 项"),  # a format spec the value does not fit
        ("{a} {", {"a": 1}, "{a} {"),  # a malformed template is shown as it is
        ("{x}", {"x": "{y}"}, "{y}"),  # a value is never re-read as a template
    ],
)
def test_render_cannot_raise(template: str, params: dict[str, object], expected: str) -> None:
    assert findings.render(template, params) == expected


def test_sheet_missing_names_the_sheet() -> None:
    f = findings.make("sheet-missing", file="通讯录.xlsx", sheet="填报表")
    assert "填报表" in f.message and f.sheet == "填报表"
