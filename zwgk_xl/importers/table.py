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

from zwgk_xl.contract import cell_text
from zwgk_xl.importers.cells import SECTION_PATTERNS, align, is_number, is_units, section_of
from zwgk_xl.importers.tasks import Builder, add_task, finish, join_lines

__all__ = [
    "SECTION_PATTERNS",
    "RawRow",
    "RawTable",
    "build",
    "clean",
    "header_field",
    "header_map",
    "join_lines",
    "section_of",
]
from zwgk_xl.model import ImportResult, TaskList
from zwgk_xl.units import fold

FIELDS = ("id", "number", "section", "subsection", "text", "requirement", "lead", "responsible", "deadline", "remark")

#: Usual column names, folded (NFKC, no spaces). Order inside a tuple does not matter.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("任务编号", "任务id"),
    "number": ("序号", "编号", "序"),
    "section": ("一级栏目", "类别", "工作类别", "项目", "板块", "分类", "重点领域", "一级标题", "任务类别"),
    "subsection": ("二级栏目", "二级标题", "子类", "小类"),
    "text": (
        "重点工作",
        "工作任务",
        "任务内容",
        "主要内容",
        "重点任务",
        "工作内容",
        "主要任务",
        "工作事项",
        "任务",
        "具体任务",
        "任务事项",
        "目标任务",
        "工作项目",
        "事项",
        "工作事项",
        "重点事项",
    ),
    "requirement": (
        "工作要求",
        "具体要求",
        "细化分工",
        "工作措施",
        "具体措施",
        "要求",
        "工作目标",
        "具体内容",
        "工作举措",
        "任务要求",
        "主要措施",
    ),
    "lead": (
        "牵头单位",
        "牵头部门",
        "牵头科室",
        "牵头处室",
        "牵头",
        "主办单位",
        "牵头责任单位",
        "主要责任单位",
        "主责单位",
        "主要负责单位",
    ),
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
        "协办",
        "配合",
        "责任科（室）",
        "负责科室",
        "负责单位",
        "负责部门",
        "落实单位",
        "承办单位",
        "协同配合单位",
        "协同单位",
    ),
    "deadline": (
        "完成时限",
        "时限要求",
        "完成时间",
        "时间节点",
        "时限",
        "完成期限",
        "时间要求",
        "时间安排",
        "进度安排",
    ),
    "remark": ("备注", "说明"),
    # columns a unit fills in (a unit sheet's, a list's 完成情况): read past, never taken for the list's columns.
    # The master's consolidation columns are not here: read_master drops them by contract.MASTER_COLUMNS itself.
    "ignore": (
        "完成情况",
        "本单位角色",
        "完成状态",
        "进展情况",
    ),
}
_LOOKUP = {name: f for f, names in SYNONYMS.items() for name in names}

_LOOKUP_LONGEST_FIRST = sorted(_LOOKUP.items(), key=lambda kv: -len(kv[0]))


@dataclass
class RawRow:
    """One row as the source gave it; ``refs`` name each cell for findings (``C7`` in a sheet, ``第12行`` in text)."""

    cells: list[str]
    refs: list[str]
    #: indexes of cells filled from a merged cell above (rowspan, a vertically merged Word or Excel cell)
    inherited: set[int] = field(default_factory=set)
    #: a line that is neither heading nor task (prose): kept as a finding with its text, never a task
    note: bool = False


@dataclass
class RawTable:
    rows: list[RawRow]
    source: str
    sheet: str = ""
    preamble: list[str] = field(default_factory=list)
    #: True where each cell sits in its column (sheets, Word and HTML tables); False for text, where a row may
    #: simply lack a cell and the cells must be aligned to the columns by what they look like.
    positional: bool = True
    #: rows cut from a cell stream (text without row marks): a row may also carry a leading category cell or an
    #: unheaded number cell, and a cell missing under a unit or deadline column was a merged cell printed once
    flexible: bool = False
    #: how many characters were converted from traditional to simplified when the rows were made (None: not checked)
    converted: int | None = None


def clean(value: object) -> str:
    """A list cell's text (:func:`contract.cell_text`), with the full-width spaces of typeset notices made plain."""
    return cell_text(value).replace("\u3000", " ").strip()


@functools.lru_cache(maxsize=4096)  # asked of every cell of every row (a header may repeat on each page)
def header_field(cell: str) -> str | None:
    if section_of(cell):  # 二、工作任务 is a heading, not a column name
        return None
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
    mapping: dict[int, str] = {}
    for i, c in enumerate(cells):
        if c and (f := header_field(c)):
            # a second task-text column (重点任务 | 工作内容) holds the requirement
            mapping[i] = "requirement" if f == "text" and "text" in mapping.values() else f
    found = set(mapping.values())
    if len(mapping) >= 2 and ("text" in found or ({"lead", "responsible"} & found and "deadline" in found)):
        return mapping
    return None


# ------------------------------------------------------------------------------------------------- the list


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


def _header(rows: Sequence[RawRow], positional: bool) -> tuple[int, int, dict[int, str] | None]:
    """(first header row, rows it spans, column → field). A header may be split over two rows: a second row of
    column names either refines the first (牵头单位 / 配合单位 under a merged 责任单位) or, in text, continues it."""
    for i, row in enumerate(rows[:40]):
        mapping = header_map(row.cells)
        if not mapping:
            continue
        if i + 1 < len(rows):
            nxt = [clean(c) for c in rows[i + 1].cells]
            names = [c for c in nxt if c]
            if names and all(header_field(c) for c in names) and max(map(len, names)) <= 12:
                sub = {j: f for j, c in enumerate(nxt) if c and (f := header_field(c))}
                if positional or len(nxt) >= len(rows[i].cells):
                    mapping = {**mapping, **sub}
                else:
                    width = len(rows[i].cells)
                    mapping = {**mapping, **{width + j: f for j, f in sub.items()}}
                return i, 2, mapping
        return i, 1, mapping
    return -1, 0, None


def _category_column(rows: Sequence[RawRow], kinds: list[str]) -> list[str]:
    """A task-text column whose value spans several rows (a merged cell, or the category repeated on every row)
    is a category: its rows' task text is the next text column (具体要求)."""
    if "text" not in kinds or "requirement" not in kinds or "section" in kinds:
        return kinds  # (a list with a category column of its own, such as our masters, keeps its task column)
    t, r = kinds.index("text"), kinds.index("requirement")
    filled = [row for row in rows if t < len(row.cells) and clean(row.cells[t])]
    if r < t or sum(1 for row in filled if r < len(row.cells) and clean(row.cells[r])) < 0.8 * len(filled):
        return kinds
    values = [clean(row.cells[t]) if t < len(row.cells) else "" for row in rows]
    values = [v for v in values if v]
    repeats = sum(1 for a, b in itertools.pairwise(values) if a == b)
    inherited = sum(1 for row in rows if t in row.inherited)
    if len(values) >= 3 and max(repeats, inherited) >= max(2, len(values) // 4):
        out = list(kinds)
        out[t], out[r] = "section", "text"
        return out
    return kinds


def _short(c: str) -> bool:
    return 0 < len(c) <= 40 and not re.search(r"[。；;]", c.rstrip("。"))


def _flexible_category(rows: Sequence[RawRow], kinds: list[str]) -> list[str]:
    """Rows cut from text under 工作任务 | 具体要求: the first is a category when some rows carry an extra leading
    cell (the category, printed on its group's first row) or lack a short first cell (printed once, merged)."""
    if "text" not in kinds or "requirement" not in kinds or kinds.index("requirement") < kinds.index("text"):
        return kinds
    width = sum(1 for k in kinds if k != "number")
    extra = missing = total = 0
    for row in rows:
        cells = [clean(c) for c in row.cells if clean(c)]
        if len(cells) < 2 or (len(set(cells)) == 1 and section_of(cells[0])):
            continue
        total += 1
        plain = [c for c in cells if "number" in kinds or not is_number(c)]
        extra += len(plain) > width
        missing += bool(plain) and not _short(plain[0])
    if total and (extra or missing >= max(1, total // 5)):
        out = list(kinds)
        out[kinds.index("text")], out[kinds.index("requirement")] = "section", "text"
        return out
    return kinds


def build(table: RawTable, title: str = "", year: int | None = None, issuer: str = "") -> ImportResult:
    """Turn a table's rows into a TaskList. Nothing is dropped: a row it cannot place becomes a task with a finding."""
    rows = table.rows
    header_at, span, mapping = _header(rows, table.positional)
    preamble = list(table.preamble) + [" ".join(c for c in r.cells if c) for r in rows[: max(header_at, 0)]]
    t_title, t_year, t_issuer, notice = _meta(preamble, title or table.source)
    title, issuer = title or t_title, issuer or t_issuer
    year = year or t_year
    b = Builder(table.source, table.sheet, year or dt.date.today().year)
    if year is None:
        b.finding("year-unknown", year=b.year)
    if mapping is None:
        b.finding("header-not-found", reason="前 40 行中没有“重点工作/工作任务”与“牵头单位/责任单位/完成时限”等列名")
        return ImportResult(TaskList(title, year, issuer, (), (), notice, table.source), tuple(b.out))

    ncols = max(mapping) + 1
    longest_header = max(len(clean(c)) for r in rows[header_at : header_at + span] for c in r.cells) + 10
    kinds = [mapping.get(i, "remark") for i in range(ncols)]
    body = rows[header_at + span :]
    if table.positional:
        kinds = _category_column(body, kinds)
    elif table.flexible:
        kinds = _flexible_category(body, kinds)
    b.kinds = tuple(kinds)
    if "deadline" not in mapping.values():
        b.finding("no-deadline-column")
    for row in body:
        _row(b, table, row, kinds, longest_header)
    tasks = finish(b)
    tl = TaskList(title, year, issuer, tuple(b.sections), tasks, notice, table.source)
    return ImportResult(tl, tuple(b.out))


_SIGNIFICANT = ("lead", "responsible", "deadline")
#: a line of text between rows that is a note about the list, not a task
_NOTE = re.compile(r"^\s*(?:注[:：、]|备注[:：]|说明[:：]|以下|上述|以上|本表)")
_COLUMN_NAMES = {"section": "栏目", "number": "序号", "text": "任务", "requirement": "要求", "remark": "备注"}


def _row(b: Builder, table: RawTable, row: RawRow, kinds: list[str], longest_header: int) -> None:
    """One body row: a repeated header (skipped), a section, or a task."""
    ncols = len(kinds)
    cells = [clean(c) for c in row.cells]
    refs = list(row.refs) + [row.refs[-1] if row.refs else ""] * (len(cells) - len(row.refs))
    width = len(cells)  # with its empty cells: a cell printed empty was not merged from the row above
    if not table.positional:
        while cells and not cells[-1]:
            cells.pop()
    nonempty = [c for c in cells if c]
    if not nonempty:
        return
    if row.note or (not table.positional and len(nonempty) == 1 and _NOTE.match(nonempty[0])):
        task_id = str(b.tasks[-1]["id"]) if b.tasks else ""
        b.finding("text-kept", ref=refs[0] if refs else "", task_id=task_id, text="\n".join(nonempty))
        return
    # a header repeated on a new page (its cells are as short as the header's: a longer cell is a task's text,
    # and asking every cell of a long list whether it is a column name is most of reading a large master)
    if max(map(len, nonempty)) <= longest_header and header_map(cells):
        return
    distinct = list(dict.fromkeys(nonempty))
    if len(distinct) == 1 and (sec := section_of(distinct[0])):
        b.section(*sec)
        return
    inherited = set(row.inherited)
    # a leading section cell in front of a full task row
    if not table.flexible and len(nonempty) > ncols and (sec := section_of(cells[0])):
        b.section(*sec)
        cells, refs = cells[1:], refs[1:]
        inherited = {i - 1 for i in inherited if i > 0}
    row_kinds, placed, missing, guessed = _place(table, cells, kinds)
    values: dict[str, list[str]] = {}
    vrefs: dict[str, str] = {}
    for i, (c, j) in enumerate(zip(cells, placed, strict=False)):
        f = row_kinds[j] if j < len(row_kinds) else "remark"
        if c:
            values.setdefault(f, []).append(c)
            vrefs.setdefault(f, refs[i] if i < len(refs) else "")
            if i in inherited and f in _SIGNIFICANT:
                b.pending.append((f, c, refs[i] if i < len(refs) else ""))
    if table.flexible:
        _flexible_fixups(b, values, vrefs, width < ncols, kinds)
    for f in ("section", "subsection"):
        for v in values.get(f, []):
            sec = section_of(v)
            b.section(1 if f == "section" else 2, *(sec[1:] if sec else ("", v)))
    values.pop("ignore", None)
    if set(values) <= {"section", "subsection", "number"}:
        b.pending.clear()
        return
    add_task(b, values, vrefs, refs[0] if refs else "")
    task_id = str(b.tasks[-1]["id"])
    for f, c, ref in b.pending:
        b.finding("cell-inherited", ref=ref, task_id=task_id, column=SYNONYMS[f][0], text=c)
    b.pending.clear()
    if guessed:
        b.finding("column-by-content", ref=refs[0] if refs else "", task_id=task_id, columns=guessed)
    if missing:
        b.finding("row-short", ref=refs[0] if refs else "", task_id=task_id, columns="、".join(missing))


def _place(table: RawTable, cells: list[str], kinds: list[str]) -> tuple[list[str], list[int], list[str], str]:
    """The columns of a row's cells: (the row's column kinds, each cell's column, columns a short text row lacks,
    the placement in words when it was decided by content)."""
    ncols = len(kinds)
    if table.flexible:
        row_kinds, placed = _flexible(cells, kinds)
        guessed = ""
        if len([c for c in cells if c]) != ncols or placed != list(range(len(row_kinds) - ncols, len(row_kinds))):
            guessed = "、".join(
                f"“{c[:10]}”→{_COLUMN_NAMES.get(row_kinds[j], SYNONYMS[row_kinds[j]][0])}"
                for c, j in zip(cells, placed, strict=False)
                if c
            )
        return row_kinds, placed, [], guessed
    if len(cells) < ncols and not table.positional:
        placed = align(cells, kinds)
        missing = [SYNONYMS[kinds[j]][0] for j in range(ncols) if j not in placed and kinds[j] != "remark"]
        return kinds, placed, missing, ""
    return kinds, list(range(len(cells))), [], ""


def _flexible(cells: list[str], kinds: list[str]) -> tuple[list[str], list[int]]:
    """Columns for a row cut from text: the header's, after a category and a number column where it names none."""
    unit_cols = sum(1 for k in kinds if k in ("lead", "responsible"))
    k = 0
    while k + 1 < len(cells):  # a unit cell split in two (市直 / 镇街 sub-columns) where the header has one
        units = [i for i, c in enumerate(cells) if c and is_units(c)]
        if len(units) > unit_cols and k in units and k + 1 in units:
            cells[k : k + 2] = [cells[k] + "；" + cells[k + 1]]
        else:
            k += 1
    ext = list(kinds) if "section" in kinds else ["section", *kinds]
    if "subsection" not in ext:
        ext.insert(ext.index("section") + 1, "subsection")
    if "number" not in ext:
        lead = next((i for i, k in enumerate(ext) if k not in ("section", "subsection")), len(ext))
        ext.insert(lead, "number")
    if len(cells) > len(ext):
        cells[len(ext) - 1 :] = ["\n".join(c for c in cells[len(ext) - 1 :] if c)]
    return ext, align(cells, ext, flexible=True)


def _flexible_fixups(
    b: Builder, values: dict[str, list[str]], vrefs: dict[str, str], short: bool, kinds: list[str]
) -> None:
    """A heading-like cell with units or a deadline beside it is a task (（一）… with its own units); a row whose
    task-text column is empty takes its text from 具体要求; a unit or deadline cell missing from a short row was a
    merged cell printed once: the row inherits the previous task's (a finding says so)."""
    has_units = any(f in values for f in _SIGNIFICANT)
    if "text" not in values and "requirement" not in values and "section" in values and has_units:
        values["text"] = values.pop("section")
        vrefs["text"] = vrefs.get("section", "")
    if "text" not in values and "requirement" in values:
        values["text"] = values.pop("requirement")
        vrefs["text"] = vrefs.get("requirement", "")
    if not short or not b.tasks or "text" not in values:
        return
    prev = b.tasks[-1]
    for f in _SIGNIFICANT:
        if f in kinds and f not in values and (old := str(prev.get(f + "_cell", ""))):
            values[f] = [old]
            b.pending.append((f, old, vrefs.get("text", "")))
