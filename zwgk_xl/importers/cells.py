"""What a cell looks like (a number, a heading, unit names, a deadline, a sentence), and placing the cells of a row
into the list's columns by what they look like.

Text copied from a notice loses the table's grid: a row may lack a cell (a merged cell printed once), carry an extra
leading cell (a category printed in its first row only) or a number column the header never named. The placement
that best fits each cell to its column is found by a small dynamic programme over (cell, column).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from zwgk_xl import deadlines
from zwgk_xl.units import NONE_FOLDED, designation_kinds, fold, split_names, strip_role_words

_CN_NUM = "一二三四五六七八九十百零〇"
SECTION_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^\s*(?P<num>第[{_CN_NUM}]+(?:部分|章|项|篇)[、.．:：\s]*)(?P<title>.*)$", re.S)),
    (1, re.compile(rf"^\s*(?P<num>[{_CN_NUM}]+[、.．])\s*(?P<title>.+)$", re.S)),
    (2, re.compile(rf"^\s*(?P<num>[（(][{_CN_NUM}]+[）)])\s*(?P<title>.+)$", re.S)),
)
NUMBER_ONLY = re.compile(r"^\s*[（(]?\s*(?P<num>\d{1,3})\s*[）)]?\s*[.．、]?\s*$")
UNIT_SUFFIX = re.compile(
    r"(局|办|委|部|中心|政府|处|街道|镇|乡|单位|部门|院|馆|所|站|队|会|公司|集团|组|室|署|行|厅|团|科|股|办公室|党校|台|社"
    r"|区|县|市|州|盟|园区|分局|支队|大队|中队|机关|机构)$"
)


#: where a list publishes (公开载体), not who does it
_CHANNEL = re.compile(r"(网站|平台|媒体|公众号|客户端|专栏|栏目|报纸|电视台|广播|微博|微信)等?$")


def section_of(text: str) -> tuple[int, str, str] | None:
    """(level, number as printed, title) when a cell is a section heading."""
    t = text.strip()
    if not t or len(t) > 80 or "\n" in t.strip():
        return None
    for level, pattern in SECTION_PATTERNS:
        m = pattern.match(t)
        if m and m.group("title").strip():
            return level, m.group("num").strip(), m.group("title").strip()
    return None


def is_number(c: str) -> bool:
    return bool(NUMBER_ONLY.match(c))


@functools.lru_cache(maxsize=8192)  # asked of every cell by every candidate reading
def is_units(c: str) -> bool:
    """Unit names, possibly with role words (A牵头，B配合 / A会同B / 主办：A): every part ends like a unit."""
    f = fold(c)
    if not f or len(f) > 400 or "。" in f.rstrip("。"):
        return f in NONE_FOLDED
    if f in NONE_FOLDED:
        return True
    refs = split_names(strip_role_words(c))
    if any(_CHANNEL.search(r.name) for r in refs):
        return False
    return bool(refs) and all(
        UNIT_SUFFIX.search(r.name) or designation_kinds(r.name) is not None or "有关" in r.name or "各" in r.name[:2]
        for r in refs
    )


@functools.lru_cache(maxsize=8192)
def is_deadline(c: str) -> bool:
    return deadlines.looks_like_deadline(c)


def fit(kind: str, c: str) -> float:
    """How well a cell fits a column; the alignment of a short row maximises the sum."""
    if kind == "number":
        return 3.0 if is_number(c) else -5.0
    if kind in ("lead", "responsible"):
        return 2.0 if is_units(c) else -3.0
    if kind == "deadline":
        return 3.0 if is_deadline(c) else -3.0
    if kind in ("text", "requirement"):
        return -2.0 if is_number(c) or is_deadline(c) or (is_units(c) and len(c) < 30) else 1.0
    return 0.0


def fit_flexible(kind: str, c: str) -> float:
    """:func:`fit` for rows cut from text, where a leading category cell and an unheaded number cell occur."""
    if not c:
        return 0.0
    if kind in ("section", "subsection"):
        if section_of(c):
            return 3.0
        plain = not (is_number(c) or is_deadline(c) or is_units(c))
        return 0.5 if plain and len(c) <= 40 and "。" not in c.rstrip("。") else -3.0
    if kind in ("text", "requirement") and section_of(c) and not re.search(r"[。；;]", c.rstrip("。")):
        return 0.2
    return fit(kind, c)


def align(cells: Sequence[str], kinds: Sequence[str], flexible: bool = False) -> list[int]:
    """Place ``len(cells)`` cells, in order, into ``len(kinds)`` columns (no more cells than columns): the placement
    whose cells best fit their columns; among equals, the earliest columns (a row lacking 责任单位 keeps 牵头单位).
    ``flexible`` (rows cut from text) scores empty cells as neutral and prefers a cell's own position slightly."""
    n, m = len(cells), len(kinds)
    score = fit_flexible if flexible else fit
    offset = m - n if flexible else 0
    best: dict[tuple[int, int], tuple[float, list[int]]] = {}

    def go(i: int, j: int) -> tuple[float, list[int]]:
        if i == n:
            return 0.0, []
        if m - j < n - i:
            return float("-inf"), []
        if (i, j) not in best:
            s_take, rest = go(i + 1, j + 1)
            bonus = 0.1 if flexible and j - i == offset else 0.0
            take = (score(kinds[j], cells[i]) + bonus + s_take, [j, *rest])
            skip = go(i, j + 1)
            best[(i, j)] = take if take[0] >= skip[0] else skip
        return best[(i, j)]

    return go(0, 0)[1]
