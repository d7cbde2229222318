"""完成时限 phrases → dates, "ongoing", or text kept for a person to read.

Rules, applied to the cell after NFKC folding (full-width digits become ASCII) and removal of white space.
Every date expression in the cell is found, left to right, and all are kept (``Deadline.dates``); the task is due
on the last one. A year written in the phrase wins over the list's year; 次年/明年 mean the list's year + 1.

====================  =========================================================
phrase                meaning
====================  =========================================================
全年 年底 年末 年内    31 Dec of the year (全年 means "through the year", due at its end)
本年度 年终
上半年 / 下半年        30 Jun / 31 Dec
一季度 … 四季度        last day of that quarter (三季度前 → 30 Sep); 第N季度, N季度末 too
M月 M月底 M月末 M月前  last day of month M ("2021年8月前" → 31 Aug 2021: offices mean "by the end of")
M月上旬/中旬/下旬      the 10th / 20th / last day of month M
M月D日(前)             that day
2023年底 2023年内       31 Dec of that year; a cell holding only "2023年" too
十二月 三季度 ...      Chinese numerals are read as digits first
持续推进 长期推进       ongoing (no due date), when the cell names no date at all: also 长期坚持, 长期,
常态化 持续 定期 ...   常态化, 持续, 定期, 每月, 每季度, 每年, 随时, 动态, 及时, 常年, 按季度/按月/按年,
                       每半年, 每周, 实时, 即时, 日常, 经常性 (每月10日前: ongoing, it recurs)
====================  =========================================================

Anything else stays text with ``kind="unknown"``; the importer turns that into a ``deadline-unknown`` finding. The
parser never guesses: a phrase with no date and no ongoing keyword is not given one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from zwgk_xl.model import Deadline

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

_ONGOING = (
    "持续推进",
    "长期推进",
    "长期坚持",
    "长期",
    "常态化",
    "持续",
    "定期",
    "每月",
    "每季度",
    "每年",
    "随时",
    "动态",
    "及时",
    "常年",
    "按季度",
    "按月",
    "按年",
    "每半年",
    "每周",
    "实时",
    "即时",
    "日常",
    "经常性",
)

_YEAR = r"(?:(?P<{p}y>\d{{4}})年|(?P<{p}n>次年|明年))?"
_PATTERN = re.compile(
    "|".join(
        [
            _YEAR.format(p="m") + r"(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号]|(?P<part>上旬|中旬|下旬|底|末|初)?)",
            _YEAR.format(p="q") + r"第?(?P<q>[1-4])季度",
            _YEAR.format(p="h") + r"(?P<half>上半年|下半年)",
            r"(?P<yy>\d{4})年(?:年?底|年?末|内|以内|全年|度)",
            _YEAR.format(p="e") + r"(?P<end>全年|年底|年末|年内|本年度|年终)",
        ]
    )
)


def _cn_number(text: str) -> int | None:
    """Chinese numerals up to 31 (十二, 二十一, 三十); None for anything else."""
    if not text:
        return None
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    if "十" in text and text.count("十") == 1:
        tens, _, ones = text.partition("十")
        t = 1 if tens == "" else _CN_DIGITS.get(tens)
        o = 0 if ones == "" else _CN_DIGITS.get(ones)
        if t is not None and o is not None:
            return t * 10 + o
    return None


_CN_BEFORE_UNIT = re.compile(r"([〇零一二两三四五六七八九十]{1,3})(?=月|日|号|季度)")


def fold(text: str) -> str:
    """The form the rules above read: NFKC, no white space, Chinese numerals before 月/日/季度 as digits."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))

    def repl(m: re.Match[str]) -> str:
        n = _cn_number(m.group(1))
        return str(n) if n is not None else m.group(1)

    return _CN_BEFORE_UNIT.sub(repl, text)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year_of(m: re.Match[str], prefix: str, year: int) -> int:
    if m.group(prefix + "y"):
        return int(m.group(prefix + "y"))
    if m.group(prefix + "n"):
        return year + 1
    return year


def _date_of(m: re.Match[str], year: int) -> dt.date | None:
    if m.group("m"):
        y, month = _year_of(m, "m", year), int(m.group("m"))
        if not 1 <= month <= 12:
            return None
        if m.group("d"):
            try:
                return dt.date(y, month, int(m.group("d")))
            except ValueError:
                return None
        part = m.group("part")
        if part == "上旬" or part == "初":
            return dt.date(y, month, 10)
        if part == "中旬":
            return dt.date(y, month, 20)
        return _month_end(y, month)
    if m.group("q"):
        return _month_end(_year_of(m, "q", year), int(m.group("q")) * 3)
    if m.group("half"):
        y = _year_of(m, "h", year)
        return dt.date(y, 6, 30) if m.group("half") == "上半年" else dt.date(y, 12, 31)
    if m.group("end"):
        return dt.date(_year_of(m, "e", year), 12, 31)
    if m.group("yy"):
        return dt.date(int(m.group("yy")), 12, 31)
    return None


def parse(text: str, year: int) -> Deadline:
    """Resolve one 完成时限 cell against the list's year (see the module docstring for every rule)."""
    raw = (text or "").strip()
    folded = fold(raw)
    if not folded or folded in {"\\", "/", "-", "—", "无"}:
        return Deadline(raw, "none")
    dates: list[dt.date] = []
    for m in _PATTERN.finditer(folded):
        d = _date_of(m, year)
        if d is None:
            return Deadline(raw, "unknown")
        dates.append(d)
    if not dates and (whole := re.fullmatch(r"(\d{4})年(?:前|完成|之前)?", folded)):
        dates.append(dt.date(int(whole.group(1)), 12, 31))  # "2023年": within that year
    if dates:
        return Deadline(raw, "date", tuple(dates))
    if any(k in folded for k in _ONGOING):
        return Deadline(raw, "ongoing")
    return Deadline(raw, "unknown")


def looks_like_deadline(text: str) -> bool:
    """True for a cell that is plainly a 完成时限, so a row missing a cell can still be aligned."""
    folded = fold(text)
    if not folded or len(folded) > 40 or re.search(r"[。；;]", folded.rstrip("。")):
        return False
    kind = parse(text, 2000).kind
    return kind == "date" or (kind == "ongoing" and len(folded) <= 16 and not re.search(r"[,，、]", folded))
