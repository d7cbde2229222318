"""Lists in traditional characters (some mirrors convert government pages): read through OpenCC's tables
(``opencc-python-reimplemented``, pure Python) and imported in simplified characters, with a finding.

Mirrors also print pinyin after characters (``公開(kāi)``); such annotations (a bracket holding only a syllable with a
tone mark) are removed before the conversion.
"""

from __future__ import annotations

import functools
import re

from zwgk_xl.importers.table import RawRow, RawTable

_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\((?=[a-z]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


@functools.cache
def _converter() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> tuple[str, int]:
    """(simplified text, how many characters changed)."""
    if not text:
        return text, 0
    plain = _PINYIN.sub("", text)
    converted: str = _converter().convert(plain)  # type: ignore[attr-defined]
    changed = sum(1 for a, b in zip(plain, converted, strict=False) if a != b)
    if len(converted) != len(plain):  # a phrase table changed the length: count roughly
        changed = max(changed, 1)
    return converted, changed


def simplify(table: RawTable) -> tuple[RawTable, int]:
    """The table in simplified characters, when it is written in traditional ones (at least 20 characters changed
    and 2% of the text): a simplified list is left alone, so a name that OpenCC would rewrite is kept as printed."""
    if table.converted is not None:  # the text it was cut from was checked (and converted) already
        return table, table.converted
    sample = "\n".join([*table.preamble, *("\t".join(r.cells) for r in table.rows)])
    if not _traditional(sample):
        return table, 0
    _, changed = to_simplified(sample)
    rows = [RawRow([to_simplified(c)[0] for c in r.cells], r.refs, set(r.inherited), r.note) for r in table.rows]
    preamble = [to_simplified(p)[0] for p in table.preamble]
    return RawTable(rows, table.source, table.sheet, preamble, table.positional, table.flexible, changed), changed


def _traditional(text: str) -> bool:
    """Whether a text is written in traditional characters: at least 20 characters of a sample of it change, and 2%
    (the sample keeps a simplified list from being converted whole just to learn that nothing changes)."""
    sample = text[:4000]
    _, changed = to_simplified(sample)
    return changed >= 20 and changed >= 0.02 * len(sample)


def simplify_text(text: str) -> tuple[str, int]:
    """Plain text in simplified characters when it is written in traditional ones (same rule as :func:`simplify`)."""
    if not _traditional(text):
        return text, 0
    converted, changed = to_simplified(text)
    if changed < 20 or changed < 0.02 * len(text):
        return text, 0
    return converted, changed
