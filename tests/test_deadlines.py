import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zwgk_xl.deadlines import looks_like_deadline, parse

D = dt.date
CASES = [
    ("全年", "date", [D(2022, 12, 31)]),
    ("年底前", "date", [D(2022, 12, 31)]),
    ("12月底前", "date", [D(2022, 12, 31)]),
    ("十二月底前", "date", [D(2022, 12, 31)]),
    ("11月30日前", "date", [D(2022, 11, 30)]),
    ("１１月３０日前", "date", [D(2022, 11, 30)]),
    ("三季度前", "date", [D(2022, 9, 30)]),
    ("二季度前", "date", [D(2022, 6, 30)]),
    ("第一季度", "date", [D(2022, 3, 31)]),
    ("上半年", "date", [D(2022, 6, 30)]),
    ("下半年", "date", [D(2022, 12, 31)]),
    ("2021年8月前", "date", [D(2021, 8, 31)]),
    ("2月底", "date", [D(2022, 2, 28)]),
    ("9月中旬", "date", [D(2022, 9, 20)]),
    ("次年3月底前", "date", [D(2023, 3, 31)]),
    ("2021年2月公布预算信息，2021年8月公布决算信息", "date", [D(2021, 2, 28), D(2021, 8, 31)]),
    ("持续推进", "ongoing", []),
    ("长期推进", "ongoing", []),
    ("长期坚持", "ongoing", []),
    ("常态化开展", "ongoing", []),
    ("", "none", []),
    ("\\", "none", []),
    ("尽快", "unknown", []),
    # issue 14: phrases as printed
    ("每季度", "ongoing", []),
    ("每月10日前", "ongoing", []),
    ("及时", "ongoing", []),
    ("长期", "ongoing", []),
    ("常年", "ongoing", []),
    ("2023年6月底前完成", "date", [D(2023, 6, 30)]),
    ("11月底前完成", "date", [D(2022, 11, 30)]),
    ("2023年底前", "date", [D(2023, 12, 31)]),
    ("2023年年底前", "date", [D(2023, 12, 31)]),
    ("2023年内", "date", [D(2023, 12, 31)]),
    ("2023年", "date", [D(2023, 12, 31)]),
    ("11 月底前", "date", [D(2022, 11, 30)]),
    ("适时", "unknown", []),
    ("年中", "unknown", []),
    ("13月底前", "unknown", []),
    ("2月30日前", "unknown", []),
]


@pytest.mark.parametrize(("text", "kind", "dates"), CASES)
def test_phrase(text: str, kind: str, dates: list[dt.date]) -> None:
    d = parse(text, 2022)
    assert (d.kind, list(d.dates)) == (kind, dates)
    assert d.text == text.strip()


def test_due_is_last_date_and_json() -> None:
    d = parse("2021年2月公布预算信息，2021年8月公布决算信息", 2021)
    assert d.due == D(2021, 8, 31)
    assert d.to_json() == "2021-08-31"
    assert parse("持续推进", 2021).to_json() == "ongoing"
    assert parse("不清楚", 2021).to_json() is None


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(["前", "", "之前"]))
def test_explicit_day(day: dt.date, suffix: str) -> None:
    assert parse(f"{day.year}年{day.month}月{day.day}日{suffix}", 1999).dates == (day,)


@given(st.integers(2000, 2099), st.integers(1, 12), st.sampled_from(["底前", "底", "末", "前", ""]))
def test_month_end_is_last_day(year: int, month: int, suffix: str) -> None:
    (d,) = parse(f"{month}月{suffix}", year).dates
    assert (d.year, d.month) == (year, month)
    assert (d + dt.timedelta(days=1)).month != month


@given(st.text(alphabet="的工作推进落实完善建立机制开展", max_size=12))
def test_never_guesses(text: str) -> None:
    """Text with no date and no ongoing keyword is never given a date."""
    d = parse(text, 2022)
    assert d.dates == ()
    assert d.kind in {"unknown", "none", "ongoing"}


def test_looks_like_deadline() -> None:
    assert looks_like_deadline("三季度前")
    assert not looks_like_deadline("区府办")
    assert not looks_like_deadline("1")
    # a sentence that mentions 持续 is a task, not a deadline cell
    assert not looks_like_deadline("积极做好政策解读工作,持续提升政策解读质量,丰富解读形式。")
