"""A table flattened into running text (issue 14, layout 4): a PDF whose rows a document site ran together, the
cells separated by nothing but what they say ("……领导小组。办公室牵头,各科室、单位配合 11 月底前强化考核监督,……").

The header's names, in a row somewhere in the text, give the columns. After it, a task's text runs to the end of a
sentence that is followed by unit names (with their roles), and then, if the list has a 完成时限 column, by a
deadline phrase; the next task starts right after. A header repeated after a page break is dropped, and the page
markers some sites insert at line starts ("2、" cutting a sentence) are removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from zwgk_xl.importers.roles import phrase
from zwgk_xl.importers.table import SYNONYMS, RawRow, RawTable

_NAMES = sorted({n for f, names in SYNONYMS.items() if f != "ignore" for n in names if len(n) >= 2}, key=len)
_HEADER = re.compile(
    r"(?:(?:" + "|".join(re.escape(n) for n in reversed(_NAMES)) + r")(?:[（(][^）)]{1,6}[）)])?\s*){3,}"
)
_DEADLINE = re.compile(
    r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*(?:底|末|\d{1,2}\s*日|上旬|中旬|下旬)?\s*(?:前|以前|之前)?(?:完成)?"
    r"|(?:\d{4}\s*年\s*)?(?:年底前|年内|全年|[一二三四1-4]季度(?:末|前)?|上半年|下半年)"
    r"|持续推进|长期坚持|长期推进|常态化|长期|持续|及时"
)
_MARKER = re.compile(r"^\d{1,2}、")
#: a category cell run into its first task's text: a short noun phrase ending as categories do
_CATEGORY = re.compile(
    r"^[\u4e00-\u9fff]{0,6}?(?:建设|公开|管理|保障|监督|机制|解读|回应|服务|考核|培训)(?=[\u4e00-\u9fff“]{4})"
)


def _joined(lines: Sequence[str]) -> str:
    """The lines as one text; a page marker that cut a sentence ("不发⏎2、生严重错误") is dropped."""
    out = ""
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if out and out[-1] not in "。；;！？!?" and _MARKER.match(s):
            s = _MARKER.sub("", s)
        out += s
    return out


def _units_at(text: str, pos: int) -> tuple[str, int] | None:
    """Unit names (with roles) starting at ``pos``, up to a space or the next sentence: (cell, end)."""
    m = re.match(r"\s*([^\s。；;]{2,80})", text[pos:])
    if not m:
        return None
    cell = m.group(1)
    # the names may run straight into the next sentence: shorten until they read as units
    for end in range(len(cell), 1, -1):
        candidate = cell[:end]
        roles = phrase(candidate)
        if roles and (roles.lead or roles.responsible) and not roles.deadline:
            return candidate, pos + m.start(1) + end
    return None


def rows(lines: Sequence[str], source: str) -> RawTable:
    """Cut running text into task rows (see the module docstring)."""
    # only text whose header runs on into the first task on the same line is read this way
    if not any((h := _HEADER.search(ln)) and len(ln) - h.end() >= 20 for ln in lines):
        return RawTable([], source, positional=False)
    text = _joined(lines)
    head = _HEADER.search(text)
    if head is None:
        return RawTable([], source, positional=False)
    has_deadline = bool(re.search("|".join(SYNONYMS["deadline"]), head.group(0)))
    body = _HEADER.sub(" ", text[head.end() :])
    out = [RawRow(["工作任务", "责任单位", "完成时限"], ["", "", ""])]
    start = 0
    for m in re.finditer(r"[。）)]", body):
        found = _units_at(body, m.end())
        if found is None:
            continue
        units, end = found
        deadline = ""
        if has_deadline and (d := _DEADLINE.match(body[end:].lstrip())):
            deadline = d.group(0).strip()
            end = len(body) - len(body[end:].lstrip()) + d.end()
        if not deadline and has_deadline and end < len(body) and not body[end].isspace():
            continue  # names running into text with no deadline between: not a cell boundary
        task = body[start : m.end()].strip()
        if number := re.match(r"^\d{1,2}\s+", task):  # merged 序号 and 工作任务 cells printed in front
            task = task[number.end() :]
            if category := _CATEGORY.match(task):
                out.append(RawRow([category.group(0)], [""]))
                task = task[category.end() :]
        if task:
            out.append(RawRow([task, units, deadline], ["", "", ""]))
        start = end
    return RawTable(out, source, preamble=[text[: head.start()]], positional=True)
