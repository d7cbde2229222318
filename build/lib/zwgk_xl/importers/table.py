"""The one table logic every importer feeds: rows of cells → TaskList + findings.

Sources differ only in how they produce rows (a sheet, a Word table, an HTML table, text copied from a notice);
from the rows on, everything is here: finding the header among the first rows, knowing columns by their usual
names in any order, section rows and section columns, rows with missing cells, numbers printed or assigned,
units written inside the text, and the list's title, year and issuer from the lines above the table.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from zwgk_xl import deadlines, findings
from zwgk_xl.contract import cell_text
from zwgk_xl.model import Finding, ImportResult, Section, Task, TaskList
from zwgk_xl.units import NONE_FOLDED, designation_kinds, extract_roles, fold, split_names

FIELDS = ("id", "number", "section", "subsection", "text", "requirement", "lead", "responsible", "deadline", "remark")

#: Usual column names, folded (NFKC, no spaces). Order inside a tuple does not matter.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("任务编号", "任务id"),
    "number": ("序号", "编号", "序"),
    "section": ("一级栏目", "类别", "工作类别", "项目", "板块", "分类", "重点领域", "一级标题", "任务类别"),
    "subsection": ("二级栏目", "二级标题", "子类", "小类"),
    "text": ("重点工作", "工作任务", "任务内容", "主要内容", "重点任务", "工作内容", "主要任务", "工作事项", "任务"),
    "requirement": ("工作要求", "具体要求", "细化分工", "工作措施", "具体措施", "要求", "工作目标"),
    "lead": ("牵头单位", "牵头部门", "牵头科室", "牵头处室", "牵头"),
    "responsible": (
        "责任单位",
        "责任部门",
        "责任科室",
        "责任处室",
        "配合单位",
        "配合部门",
        "协办单位",
        "参与单位",
        "责任主体",
    ),
    "deadline": ("完成时限", "时限要求", "完成时间", "时间节点", "时限", "完成期限", "时间要求"),
    "remark": ("备注", "说明"),
    # columns of our own workbooks that consolidation fills: read past, never taken for the list's columns
    "ignore": ("总体状态", "牵头单位进展", "责任单位进展", "已报/应报", "逾期", "本单位角色", "完成状态", "进展情况"),
}
_LOOKUP = {name: f for f, names in SYNONYMS.items() for name in names}

_LOOKUP_LONGEST_FIRST = sorted(_LOOKUP.items(), key=lambda kv: -len(kv[0]))
_CN_NUM = "一二三四五六七八九十百零〇"
SECTION_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^\s*(?P<num>第[{_CN_NUM}]+(?:部分|章|项|篇)[、.．:：\s]*)(?P<title>.*)$", re.S)),
    (1, re.compile(rf"^\s*(?P<num>[{_CN_NUM}]+[、.．])\s*(?P<title>.+)$", re.S)),
    (2, re.compile(rf"^\s*(?P<num>[（(][{_CN_NUM}]+[）)])\s*(?P<title>.+)$", re.S)),
)
_NUMBER_PREFIX = re.compile(r"^\s*(?P<num>\d{1,3})\s*(?:[.．、]|(?=[^\d.．]))\s*(?P<rest>\S.*)$", re.S)
_NUMBER_ONLY = re.compile(r"^\s*[（(]?\s*(?P<num>\d{1,3})\s*[）)]?\s*[.．、]?\s*$")
_UNIT_SUFFIX = re.compile(
    r"(局|办|委|部|中心|政府|处|街道|镇|乡|单位|部门|院|馆|所|站|队|会|公司|集团|组|室|署|行|厅|团)$"
)


@dataclass
class RawRow:
    """One row as the source gave it; ``refs`` name each cell for findings (``C7`` in a sheet, ``第12行`` in text)."""

    cells: list[str]
    refs: list[str]


@dataclass
class RawTable:
    rows: list[RawRow]
    source: str
    sheet: str = ""
    preamble: list[str] = field(default_factory=list)
    #: True where each cell sits in its column (sheets, Word and HTML tables); False for text, where a row may
    #: simply lack a cell and the cells must be aligned to the columns by what they look like.
    positional: bool = True


def clean(value: object) -> str:
    """A list cell's text (:func:`contract.cell_text`), with the full-width spaces of typeset notices made plain."""
    return cell_text(value).replace("\u3000", " ").strip()


def join_lines(text: str) -> str:
    """A paragraph broken across lines by a PDF or web copy, joined: no space between Chinese lines, a line break
    kept only after sentence-ending punctuation (so a numbered sub-list stays readable)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    out = ""
    for ln in lines:
        if not out:
            out = ln
        elif out[-1] in "。；;：:！!？?" or re.match(r"^[（(]?\d+[)）.、]", ln):
            out += "\n" + ln
        else:
            sep = " " if out[-1].isascii() and ln[0].isascii() and out[-1].isalnum() and ln[0].isalnum() else ""
            out += sep + ln
    return out


@functools.lru_cache(maxsize=4096)  # asked of every cell of every row (a header may repeat on each page)
def header_field(cell: str) -> str | None:
    key = fold(cell).lower()
    key = re.sub(r"[（(][^）)]*[）)]$", "", key)  # 牵头单位（部门）
    if key in _LOOKUP:
        return _LOOKUP[key]
    if len(key) <= 8:
        for name, f in _LOOKUP_LONGEST_FIRST:
            if len(name) >= 2 and name in key:
                return f
    return None


def header_map(cells: Sequence[str]) -> dict[int, str] | None:
    """Column index → field, when this row is a header: it names the task text, or units and a deadline."""
    mapping = {i: f for i, c in enumerate(cells) if c and (f := header_field(c))}
    found = set(mapping.values())
    if len(mapping) >= 2 and ("text" in found or ({"lead", "responsible"} & found and "deadline" in found)):
        return mapping
    return None


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


# ------------------------------------------------------------------------------------------------- cell kinds


def _is_number(c: str) -> bool:
    return bool(_NUMBER_ONLY.match(c))


def _is_units(c: str) -> bool:
    f = fold(c)
    if not f or len(f) > 80 or "。" in f:
        return f in NONE_FOLDED
    if f in NONE_FOLDED:
        return True
    refs = split_names(c)
    return bool(refs) and all(
        _UNIT_SUFFIX.search(r.name) or designation_kinds(r.name) is not None or "有关" in r.name for r in refs
    )


def _fit(kind: str, c: str) -> float:
    """How well a cell fits a column; the alignment of a short row maximises the sum."""
    if kind == "number":
        return 3.0 if _is_number(c) else -5.0
    if kind in ("lead", "responsible"):
        return 2.0 if _is_units(c) else -3.0
    if kind == "deadline":
        return 3.0 if deadlines.looks_like_deadline(c) else -3.0
    if kind in ("text", "requirement"):
        return -2.0 if _is_number(c) or deadlines.looks_like_deadline(c) or (_is_units(c) and len(c) < 30) else 1.0
    return 0.0


def align(cells: Sequence[str], kinds: Sequence[str]) -> list[int]:
    """Place ``len(cells)`` cells, in order, into ``len(kinds)`` columns (fewer cells than columns): the placement
    whose cells best fit their columns; among equals, the earliest columns (a row lacking 责任单位 keeps 牵头单位)."""
    n, m = len(cells), len(kinds)
    best: dict[tuple[int, int], tuple[float, list[int]]] = {}

    def go(i: int, j: int) -> tuple[float, list[int]]:
        if i == n:
            return 0.0, []
        if m - j < n - i:
            return float("-inf"), []
        if (i, j) not in best:
            s_take, rest = go(i + 1, j + 1)
            take = (_fit(kinds[j], cells[i]) + s_take, [j, *rest])
            skip = go(i, j + 1)
            best[(i, j)] = take if take[0] >= skip[0] else skip
        return best[(i, j)]

    return go(0, 0)[1]


# ------------------------------------------------------------------------------------------------- the list


@dataclass
class _Builder:
    source: str
    sheet: str
    year: int
    sections: list[Section] = field(default_factory=list)
    path: list[Section] = field(default_factory=list)
    tasks: list[dict[str, object]] = field(default_factory=list)
    out: list[Finding] = field(default_factory=list)

    def section(self, level: int, number: str, title: str) -> None:
        while self.path and self.path[-1].level >= level:
            self.path.pop()
        parent = self.path[-1].id if self.path else None
        existing = next(
            (s for s in self.sections if s.number == number and s.title == title and s.parent == parent), None
        )
        if existing is None:
            existing = Section(f"S{len(self.sections) + 1}", number, title, level, parent)
            self.sections.append(existing)
        self.path.append(existing)

    def finding(self, code: str, ref: str = "", task_id: str = "", **params: object) -> None:
        self.out.append(findings.make(code, file=self.source, sheet=self.sheet, cell=ref, task_id=task_id, **params))


def _meta(preamble: Sequence[str], fallback_title: str) -> tuple[str, int | None, str, str]:
    """Title, year, issuer and notice title from the lines above the table."""
    lines = [ln.strip() for ln in preamble if ln and ln.strip()]
    notice = next((ln for ln in lines if re.search(r"关于.+的通知$", ln)), "")
    titles = [ln for ln in lines if re.search(r"清单|要点|分工|分解表|任务", ln) and "通知" not in ln and len(ln) <= 60]
    title = titles[-1] if titles else (notice or fallback_title)
    issuer = notice.split("关于")[0] if "关于" in notice else ""
    if not issuer:
        issuer = next(
            (ln for ln in lines if re.fullmatch(r"[\u4e00-\u9fa5]{4,30}(?:人民政府办公室|办公室|人民政府)", ln)), ""
        )
    year = None
    for text in [title, notice, *lines]:
        m = re.search(r"(20\d\d)\s*年", text)
        if m:
            year = int(m.group(1))
            break
    return title, year, issuer, notice


def build(table: RawTable, title: str = "", year: int | None = None, issuer: str = "") -> ImportResult:
    """Turn a table's rows into a TaskList. Nothing is dropped: a row it cannot place becomes a task with a finding."""
    rows = table.rows
    header_at, mapping = -1, None
    for i, row in enumerate(rows[:40]):
        mapping = header_map(row.cells)
        if mapping:
            header_at = i
            break
    preamble = list(table.preamble) + [" ".join(c for c in r.cells if c) for r in rows[: max(header_at, 0)]]
    t_title, t_year, t_issuer, notice = _meta(preamble, title or table.source)
    title, issuer = title or t_title, issuer or t_issuer
    year = year or t_year
    b = _Builder(table.source, table.sheet, year or dt.date.today().year)
    if year is None:
        b.finding("year-unknown", year=b.year)
    if mapping is None:
        b.finding("header-not-found", reason="前 40 行中没有“重点工作/工作任务”与“牵头单位/责任单位/完成时限”等列名")
        return ImportResult(TaskList(title, year, issuer, (), (), notice, table.source), tuple(b.out))

    ncols = max(mapping) + 1
    longest_header = max(len(clean(c)) for c in rows[header_at].cells) + 10
    kinds = [mapping.get(i, "remark") for i in range(ncols)]
    has_deadline = "deadline" in mapping.values()
    if not has_deadline:
        b.finding("no-deadline-column")

    for row in rows[header_at + 1 :]:
        cells = [clean(c) for c in row.cells]
        refs = list(row.refs) + [row.refs[-1] if row.refs else ""] * (len(cells) - len(row.refs))
        if not table.positional:
            while cells and not cells[-1]:
                cells.pop()
        nonempty = [c for c in cells if c]
        if not nonempty:
            continue
        # a header repeated on a new page (its cells are as short as the header's: a longer cell is a task's text,
        # and asking every cell of a long list whether it is a column name is most of reading a large master)
        if max(map(len, nonempty)) <= longest_header and header_map(cells):
            continue
        distinct = list(dict.fromkeys(nonempty))
        if len(distinct) == 1 and (sec := section_of(distinct[0])):
            b.section(*sec)
            continue
        # a leading section cell in front of a full task row
        if len(nonempty) > ncols and (sec := section_of(cells[0])):
            b.section(*sec)
            cells, refs = cells[1:], refs[1:]
        values: dict[str, list[str]] = {}
        vrefs: dict[str, str] = {}
        short = len(cells) < ncols and not table.positional
        placed = list(range(len(cells)))
        missing: list[str] = []
        if short:
            placed = align(cells, kinds)
            missing = [SYNONYMS[kinds[j]][0] for j in range(ncols) if j not in placed and kinds[j] != "remark"]
        for i, (c, j) in enumerate(zip(cells, placed, strict=False)):
            f = kinds[j] if j < ncols else "remark"
            if c:
                values.setdefault(f, []).append(c)
                vrefs.setdefault(f, refs[i] if i < len(refs) else "")
        for f in ("section", "subsection"):
            for v in values.get(f, []):
                sec = section_of(v)
                level = 1 if f == "section" else 2
                b.section(level, *(sec[1:] if sec else ("", v)))
        values.pop("ignore", None)
        if set(values) <= {"section", "subsection", "number"}:
            continue
        _add_task(b, values, vrefs, refs[0] if refs else "")
        if missing:
            b.finding(
                "row-short", ref=refs[0] if refs else "", task_id=str(b.tasks[-1]["id"]), columns="、".join(missing)
            )

    tasks = _finish(b)
    tl = TaskList(title, year, issuer, tuple(b.sections), tasks, notice, table.source)
    return ImportResult(tl, tuple(b.out))


def _add_task(b: _Builder, values: dict[str, list[str]], vrefs: dict[str, str], ref: str) -> None:
    def one(f: str, sep: str = "\n") -> str:
        return sep.join(values.get(f, []))

    text = join_lines(one("text"))
    number = one("number").strip()
    if m := _NUMBER_ONLY.match(number):
        number = m.group("num")
    if not number and (m := _NUMBER_PREFIX.match(text)):
        number, text = m.group("num"), m.group("rest").strip()
    lead_raw, resp_raw = one("lead", "、"), one("responsible", "、")
    lead_cell = lead_raw
    from_text = ""
    # units written as phrases inside a unit cell: "A牵头，B配合" under 责任单位, "A、B分别牵头落实" under 牵头单位
    if "牵头" in resp_raw and (roles := extract_roles(resp_raw)):
        lead_cell = "、".join(x for x in (lead_raw, roles[0]) if x)
        resp_raw = roles[1]
    if ("牵头" in lead_cell or "负责" in lead_cell) and (roles := extract_roles(lead_cell)):
        lead_cell = roles[0]
        resp_raw = "、".join(x for x in (resp_raw, roles[1]) if x)
    if not lead_cell and not resp_raw:
        for src in ("text", "requirement"):
            roles = extract_roles(text if src == "text" else one("requirement"))
            if roles:
                lead_cell, resp_raw = roles[0], roles[1]
                if roles[2] and src == "text":
                    text = join_lines(roles[2])
                from_text = src
                break
    lead, resp = split_names(lead_cell), split_names(resp_raw)
    task_id = one("id").strip() or f"T{len(b.tasks) + 1:03d}"
    if from_text:
        b.finding(
            "units-from-text",
            ref=vrefs.get(from_text, ref),
            task_id=task_id,
            lead="、".join(r.display() for r in lead) or "无",
            responsible="、".join(r.display() for r in resp) or "无",
        )
    deadline_text = one("deadline", "；")
    dl = deadlines.parse(deadline_text, b.year)
    if dl.kind == "unknown":
        b.finding("deadline-unknown", ref=vrefs.get("deadline", ref), task_id=task_id, text=deadline_text)
    if not text:
        b.finding("row-unparsed", ref=ref, task_id=task_id, text=" | ".join(v for vs in values.values() for v in vs))
    b.tasks.append(
        {
            "id": task_id,
            "number": number,
            "section_path": tuple(s.id for s in b.path),
            "text": text,
            "requirement": join_lines(one("requirement")),
            "lead": lead,
            "responsible": resp,
            "lead_raw": lead_raw,
            "responsible_raw": one("responsible", "、"),
            "deadline": dl,
            "remark": one("remark"),
            "ref": ref,
        }
    )


def _finish(b: _Builder) -> tuple[Task, ...]:
    """Assign numbers where the list prints none: per section when its numbers restart in each section, else
    through the whole list; report gaps in printed numbers."""
    printed = [(t["section_path"], int(str(t["number"]))) for t in b.tasks if str(t["number"]).isdigit()]
    restarts = any(n <= prev for (_, prev), (_, n) in itertools.pairwise(printed))
    counters: dict[tuple[str, ...], int] = {}
    out: list[Task] = []
    for t in b.tasks:
        key = cast(tuple[str, ...], t["section_path"]) if restarts else ()
        number = str(t["number"])
        assigned = False
        if number.isdigit():
            n = int(number)
            prev = counters.get(key, 0)
            if n != prev + 1 and not (restarts and n == 1):
                b.finding("number-gap", ref=str(t["ref"]), task_id=str(t["id"]), previous=prev or "开头", number=n)
            counters[key] = n
        elif not number:
            n = counters.get(key, 0) + 1
            counters[key] = n
            number, assigned = str(n), True
            b.finding("number-assigned", ref=str(t["ref"]), task_id=str(t["id"]), number=n)
        fields = {k: v for k, v in t.items() if k != "ref"}
        fields.update(number=number, number_assigned=assigned)
        out.append(Task(**fields))  # type: ignore[arg-type]
    return tuple(out)
