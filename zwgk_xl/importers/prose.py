"""Prose lists: no table at all, the most common layout of city-level 政务公开 要点 (issue 14, layout 3).

``一、`` and ``（一）`` lines are headings; a numbered paragraph (``1.`` ``1、`` ``（1）``) is a task; the units follow
the task in brackets (``（牵头单位：A；责任单位：B）``, ``〔责任单位：……〕``, ``（A负责落实）``…) or as a phrase at
the end of its last sentence (``A牵头，B、C配合。``). One paragraph may hold several tasks, each closed by its own
bracket of units; a paragraph that is only a bracket gives its units to the task above.
A line that is neither heading nor task (an introduction, "以下均需各县市区落实，不再逐一列出")
is kept as a note with its text.

The result is rows for the table logic: a synthetic header, then [number, text with its units] rows, so the units
are read, and reported as found in the text, by the same code as any other list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from zwgk_xl.importers.cells import section_of
from zwgk_xl.importers.roles import LABEL, in_brackets, phrase, trailing
from zwgk_xl.importers.table import RawRow, RawTable

HEADER = ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"]
_TASK_NUMBER = re.compile(r"^\s*(?P<num>\d{1,3})\s*[.．、]\s*(?=\S)|^\s*(?P<pnum>[（(]\d{1,3}[）)]|[①-⑳])\s*(?=\S)")
_SENTENCE_END = "。；;！!？?"
_LABEL_LINE = re.compile(r"^\s*" + LABEL.pattern)


#: a heading or a task number inside a line that a copy flattened (a space before it, as the copy left it)
_STARTS = r"(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[、.．](?![\d%]))"
_INLINE_START = re.compile(
    rf"\s+(?={_STARTS})"
    rf"|(?<=[。；;）)])(?={_STARTS})"  # no space left: right after a sentence or a bracket of units
    r"|(?<=[\u4e00-\u9fff])(?=[（(][一二三四五六七八九十]{1,3}[）)])"  # or a （一） heading right after a title
)


def _unflatten(lines: Sequence[str]) -> list[tuple[str, int]]:
    """Lines as (text, line number); a very long line holding several headings and tasks is cut before each."""
    out: list[tuple[str, int]] = []
    for n, line in enumerate(lines, start=1):
        if len(line) > 150 and len(_INLINE_START.findall(line)) >= 2:
            out.extend((piece, n) for piece in _INLINE_START.split(line))
        else:
            out.append((line, n))
    return out


def _paragraphs(lines: Sequence[str]) -> list[tuple[str, int]]:
    """Lines joined into paragraphs where a PDF or a narrow page broke one: a line continues the previous one
    unless the previous ended a sentence or a bracket, or this one starts a heading or a number."""
    out: list[tuple[str, int]] = []
    for raw, n in _unflatten(lines):
        s = raw.strip().replace("\u3000", " ").strip()
        if not s:
            if out:
                out.append(("", n))
            continue
        prev = out[-1][0] if out else ""
        starts = bool(section_of(s) or _TASK_NUMBER.match(s) or s[0] in "（(〔【" or _LABEL_LINE.match(s))
        if prev and prev[-1] not in _SENTENCE_END + "）)〕】]：:" and not starts and len(prev) >= 30:
            out[-1] = (prev + s, out[-1][1])
        else:
            out.append((s, n))
    return [(p, n) for p, n in out if p]


def _chunks(text: str) -> list[str]:
    """A paragraph cut after each bracket of units that closes a task."""
    cuts = []
    for start, end, _ in in_brackets(text):
        before = text[:start].rstrip()
        after = text[end:].lstrip()
        labelled = bool(re.search(r"[:：]", text[start:end]))
        if labelled or not before or before[-1] in _SENTENCE_END or not after or after[0] in _SENTENCE_END + "，,":
            cut = end + (len(after) - len(after.lstrip("。；;，,")) if after[:1] in "。；;，," else 0)
            cuts.append(min(cut + (len(text[end:]) - len(after)), len(text)))
    pieces, prev = [], 0
    for cut in cuts:
        pieces.append(text[prev:cut].strip())
        prev = cut
    tail = text[prev:].strip()
    if tail:
        pieces.append(tail)
    return [p for p in pieces if p]


def _heading(text: str) -> tuple[int, str, str] | None:
    sec = section_of(text)
    if not sec or trailing(text) or in_brackets(text):
        return None
    _level, _, title = sec
    body = title.rstrip("。")
    if len(body) <= 40 and not re.search(r"[。；;]", body):
        return sec
    return None


def parse(lines: Sequence[str], source: str = "") -> RawTable:
    """Cut prose into heading rows, task rows and note rows (see the module docstring)."""
    rows = [RawRow(list(HEADER), ["" for _ in HEADER])]
    preamble: list[str] = []
    started = False
    for text, n in _paragraphs(lines):
        ref = f"第{n}行"
        if _heading(text):
            started = True
            rows.append(RawRow([text], [ref]))
            continue
        m = _TASK_NUMBER.match(text)
        last = rows[-1]
        if _LABEL_LINE.match(text) and len(last.cells) == 2 and not last.note:
            last.cells[1] += f"（{text.rstrip('。；;')}）"  # 牵头单位：A / 完成时限：B on lines of their own
            continue
        found = trailing(text) if text[:1] in "（(〔【[" else None
        if found and not found[1].strip() and len(last.cells) == 2 and not trailing(last.cells[1]):
            last.cells[1] += text  # a bracket of units on its own line closes the task above
            continue
        chunks = _chunks(text)
        has_units = any(trailing(c) for c in chunks)
        if not m and not has_units:
            if not started:
                preamble.append(text)
            else:
                rows.append(RawRow([text], [ref], note=True))
            continue
        started = True
        number = ""
        if m:
            number = m.group("num") or m.group("pnum") or ""
            chunks[0] = chunks[0][m.end() :].strip()
        sec = section_of(chunks[0]) if not m else None
        if sec and sec[0] == 2 and has_units:  # （一）… with its own units: a task numbered like a sub-section
            number, chunks[0] = sec[1], sec[2]
        for k, chunk in enumerate(chunks):
            if k == len(chunks) - 1 and k > 0 and not trailing(chunk) and phrase(chunk) is None:
                rows.append(RawRow([chunk], [ref], note=True))
                continue
            rows.append(RawRow([number if k == 0 else "", chunk], [ref, ref]))
    return RawTable(rows, source, preamble=preamble, positional=True)
