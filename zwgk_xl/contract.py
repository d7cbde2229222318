"""The workbook contract, in one place.

Build writes it, split writes it, collect reads it: sheet names, columns, which cells a unit may type in, the
dropdown values, styles, the keys of the very hidden sheet, and the format version. Change a name here and every
stage follows; bump FORMAT_VERSION when a returned file of the old layout can no longer be read the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# the dropdown and the roles a unit sheet shows are the vocabulary's, named here as part of the contract
from zwgk_xl import vocab as V
from zwgk_xl.model import TaskList
from zwgk_xl.vocab import ROLE_LEAD as ROLE_LEAD
from zwgk_xl.vocab import ROLE_RESPONSIBLE as ROLE_RESPONSIBLE
from zwgk_xl.vocab import STATUSES as STATUSES

FORMAT_VERSION = "1"

# ------------------------------------------------------------------------------------------------ sheet names
SHEET_README = "说明"
SHEET_MASTER = "总表"
SHEET_ROSTER = "单位名册"
SHEET_HIDDEN = "_zwgk"
SHEET_RESULT = "_zwgk_result"  # very hidden: the consolidation as rows, so mail can be built from merged.xlsx
SHEET_UNIT = "填报表"  # the one visible sheet of a unit's workbook
SHEET_DASHBOARD = "汇总"
SHEET_FINDINGS = "问题清单"
SHEET_DETAIL = "填报明细"  # merged workbook: every unit's answers in one table
SHEET_HISTORY = "历次进展"  # merged workbook: each task's 总体状态 in every round (rounds.py)
SHEET_ROUNDS = "_zwgk_rounds"  # very hidden: the round state (history, carried answers) as JSON rows
SHEET_CHART_STATUS = "状态分布图"  # merged workbook: chart sheets, a printed page each
SHEET_CHART_RATE = "完成率图"
SHEET_NOTICE = "通报"  # merged workbook: units ranked, 红/黄/绿 (workbook/notice.py)
RESERVED_SHEETS = (
    SHEET_CHART_STATUS,
    SHEET_CHART_RATE,
    SHEET_README,
    SHEET_DETAIL,
    SHEET_MASTER,
    SHEET_ROSTER,
    SHEET_HIDDEN,
    SHEET_RESULT,
    SHEET_DASHBOARD,
    SHEET_FINDINGS,
    SHEET_HISTORY,
    SHEET_ROUNDS,
    SHEET_NOTICE,
)

# ------------------------------------------------------------------------------------------------ columns


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    field: str
    wrap: bool = True
    center: bool = False


#: Widths are designed for an A4 landscape page (xlsx.page_widths stretches the long-text columns to the page):
#: every printed sheet's body text prints at 9 pt or more.
MASTER_COLUMNS: tuple[Column, ...] = (
    Column("任务编号", 5, "id", center=True),
    Column("序号", 4, "number", center=True),
    Column("重点工作", 30, "text"),
    Column("工作要求", 16, "requirement"),
    Column("牵头单位", 10, "lead"),
    Column("责任单位", 10, "responsible"),
    Column("完成时限", 6, "deadline", center=True),
    # filled by consolidation
    Column("总体状态", 6, "status", center=True),
    Column("牵头单位进展", 28, "lead_progress"),
    Column("责任单位进展", 30, "responsible_progress"),
    Column("已报/应报", 5, "reported", center=True),
    Column("逾期", 4.5, "overdue", center=True),
)
MASTER_FLEX = ("text", "requirement", "lead_progress", "responsible_progress")
CONSOLIDATION_FIELDS = ("status", "lead_progress", "responsible_progress", "reported", "overdue")

#: Locked columns of a unit workbook: the task as issued. The fingerprint covers exactly these.
UNIT_LOCKED: tuple[Column, ...] = (
    Column("任务编号", 5, "id", center=True),
    Column("序号", 4, "number", center=True),
    Column("重点工作", 22, "text"),
    Column("工作要求", 12, "requirement"),
    Column("牵头单位", 7, "lead"),
    Column("责任单位", 7, "responsible"),
    Column("本单位角色", 4.5, "role", center=True),
    Column("完成时限", 6, "deadline", center=True),
)
#: Input columns of a unit workbook, unlocked and shaded; 牵头汇总 only where the unit leads the task.
UNIT_INPUT: tuple[Column, ...] = (
    Column("完成状态", 6, "status", center=True),
    Column("进展情况", 46, "progress"),
    Column("完成（预计）时间", 10, "done_date", center=True),
    Column("佐证材料", 8, "evidence"),
    Column("存在问题及下步计划", 10, "plan"),
)
LEAD_SUMMARY = Column("牵头汇总（含各责任单位落实情况）", 11, "lead_summary")
#: Columns that take the page's spare width (or give it up) on a unit sheet: the texts people read and write.
UNIT_FLEX = ("text", "requirement", "progress")
#: A round after the first: a locked column saying where each row's pre-filled answers come from (split), or how
#: each answer compares with them (the merged workbook's unit sheets). Read by no one: collect ignores its header.
UNIT_CARRIED = Column("上轮填报", 10, "carried")

#: 填报明细 in the merged workbook: every (unit, task) pair in roster order, one row each, for filtering by unit,
#: status or task across all returns. Who filled a return in, the phone, the date and the file are one per unit: they
#: are in 汇总's table of units (a fifth of this sheet's cells when they were repeated on every row).
DETAIL_COLUMNS: tuple[Column, ...] = (
    Column("单位", 9, "unit"),
    Column("本单位角色", 4.5, "role", center=True),
    Column("任务编号", 5, "id", center=True),
    Column("序号", 4, "number", center=True),
    Column("重点工作", 24, "text"),
    Column("完成时限", 6, "deadline", center=True),
    Column("完成状态", 6, "status", center=True),
    Column("本轮变化", 5, "change", center=True),  # 新填 / 已更新 / 沿用上轮 (rounds.py)
    Column("进展情况", 36, "progress"),
    Column("完成（预计）时间", 10, "done_date", center=True),
    Column("佐证材料", 8, "evidence"),
    Column("存在问题及下步计划", 10, "plan"),
    Column("牵头汇总", 11, "lead_summary"),
)
#: The return's own columns in 汇总's table of units.
DASHBOARD_RETURN_COLUMNS: tuple[Column, ...] = (
    Column("填报人", 6, "reporter"),
    Column("联系电话", 9, "phone"),
    Column("填报日期", 12, "date"),
    Column("报送文件", 20, "file"),
)

#: Rows of a unit sheet: title, header block, a line of instructions, the column headers, then one row per task.
UNIT_TITLE_ROW = 0
UNIT_INFO_ROW = 1
UNIT_NOTE_ROW = 2
UNIT_HEADER_ROW = 3
UNIT_FIRST_ROW = 4
#: Header block: (label, label columns first..last, value columns first..last); 填报单位's value is locked.
UNIT_INFO = (
    ("填报单位", 0, 1, 2, 3),
    ("填报人", 4, 4, 5, 5),
    ("联系电话", 6, 7, 8, 9),
    ("填报日期", 10, 10, 11, 12),
)
INFO_FIELDS = {"填报单位": "unit", "填报人": "reporter", "联系电话": "phone", "填报日期": "date"}

# ------------------------------------------------------------------------------------------------ hidden sheet
K_VERSION = "format_version"
K_LIST_ID = "list_id"
K_TITLE = "title"
K_YEAR = "year"
K_ISSUER = "issuer"
K_ROUND = "round"
K_GENERATED = "generated_at"
K_TASK_IDS = "task_ids"
K_UNIT_ID = "unit_id"
K_UNIT_NAME = "unit_name"
K_FINGERPRINT = "fingerprint"
K_DUE = "return_due"
K_CONTACT = "contact"
K_KIND = "kind"  # "master" or "unit"
K_EARLIER_ROUNDS = "earlier_rounds"  # JSON list of the rounds merged before this one: their returns are stale

# ------------------------------------------------------------------------------------------------ styles
FONT_BODY = "宋体"
FONT_HEAD = "黑体"
FONT_TEXT = "仿宋"
COLOR_HEAD = "#D9E1F2"
COLOR_INPUT = "#FFF2CC"  # the light yellow offices use for "fill in here"
COLOR_BAND1 = "#BDD7EE"
COLOR_BAND2 = "#DDEBF7"
COLOR_LOCKED_NA = "#EDEDED"
STATUS_COLORS = {
    V.DONE: "#C6EFCE",
    V.ONGOING: "#DDEBF7",
    V.IN_PROGRESS: "#FFEB9C",
    V.NOT_STARTED: "#FFC7CE",
    V.NOT_APPLICABLE: "#EDEDED",
}
COLOR_OVERDUE = "#C00000"
COLOR_CARRIED = "#E2EFDA"  # an input cell pre-filled with last round's answer (green: already there)
MARK_COLORS = {"新填": "#FFF2CC", "已更新": "#C6EFCE", "沿用上轮": "#EDEDED", "进展未更新": "#FFC7CE"}


def list_id(title: str, year: int | None, issuer: str) -> str:
    """Identifies one list across builds, splits and edits of its tasks (the title, year and issuer stay)."""
    return hashlib.sha256(f"{title}\x1f{year or ''}\x1f{issuer}".encode()).hexdigest()[:16]


def fingerprint(unit_name: str, rows: Sequence[Sequence[str]]) -> str:
    """sha256 of the locked cells as text, in row order. Text, not bytes of the file, so a re-save in Excel, WPS or
    LibreOffice keeps it, while any edit of a locked cell, a deleted, added or moved row changes it."""
    h = hashlib.sha256(unit_name.encode())
    for row in rows:
        h.update(b"\x1e" + "\x1f".join(map(cell_text, row)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def cell_text(v: object) -> str:
    """A cell value as the text a person sees: None → "", whole floats → ints (calamine reads 1 as 1.0), dates in ISO
    form, line breaks unified, outer white space trimmed. Every stage that reads a cell goes through this one."""
    if v.__class__ is str:  # most cells: the fast path (this runs for every cell of every return)
        return v.strip() if "\r" not in v else v.replace("\r\n", "\n").replace("\r", "\n").strip()
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).replace("\r\n", "\n").replace("\r", "\n").strip()


#: Excel's number format for a date people read in a sheet (填报明细): 2022年11月30日, as display_date writes it
DATE_FORMAT = 'yyyy"年"m"月"d"日"'


def display_date(value: object) -> str:
    """A date as people read it in the forms, sheets and mails: 2022年11月30日 (not 2022-11-30). Text that is not
    an ISO date (年底前, 2022年11月30日 already) is shown as given."""
    day: object = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, str):
        text = day
        try:
            day = dt.date.fromisoformat(text.strip())
        except ValueError:
            return text
    if isinstance(day, dt.date):
        return f"{day.year}年{day.month}月{day.day}日"
    return "" if day is None else str(day)


ROW_MAX_PT = 409.0  # Excel's highest row
LINE_PT = 13.5
#: Lines of body text that the highest row shows; a cell with more is cut off on screen and on paper (consolidation
#: shortens a 总表 cell that would need more).
MAX_ROW_LINES = int((ROW_MAX_PT - 6) // LINE_PT)


@functools.lru_cache(maxsize=8192)  # the same task text and the same phrases recur across units and sheets
def estimate_lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs at ``width`` (Excel character units; a Chinese character takes about two)."""
    if not text:
        return 1
    per_line = max(1.0, width - 1)
    lines = 0
    for para in str(text).split("\n"):
        # ASCII 1 unit, CJK (3 bytes in UTF-8) 2 units; a stray surrogate (a non-UTF-8 file name) counts, never raises
        units = (len(para.encode("utf-8", "surrogatepass")) + len(para)) // 2
        lines += max(1, -(-units // int(per_line)))
    return lines


#: Column widths are in characters of the workbook's default font. On Windows (Calibri) a character is 7 px, 5.25 pt;
#: where LibreOffice has no Calibri (Linux without Carlito, as in the tests) it lays a character out at about 7 pt.
#: A4 landscape less 0.3-inch side margins is 799 pt: a sheet of PAGE_CHARS prints at about 89 % there (10.5-pt text
#: at 9.4 pt) and at 100 % in Excel (the table then 84 % of the page's width). ``page_widths`` designs the columns
#: for this width rather than letting fit-to-width shrink the text.
PAGE_CHARS = 128.0
#: What XlsxWriter adds to each column's width (its 5 px of padding).
_PAD = 0.71


def page_widths(widths: Sequence[float], flex: Sequence[int], hidden: Iterable[int] = ()) -> list[float]:
    """Widths that fill the printed page: the ``flex`` columns (the long texts) share what the fixed columns leave
    of PAGE_CHARS in proportion to their given widths, so the sheet prints at the same size whether a list has a
    工作要求 column, a unit leads a task (牵头汇总) or not."""
    gone = set(hidden)
    visible = [i for i in range(len(widths)) if i not in gone]
    grow = [i for i in flex if i not in gone]
    fixed = sum(widths[i] for i in visible if i not in grow) + _PAD * len(visible)
    flex_chars = sum(widths[i] for i in grow)
    room = PAGE_CHARS - fixed
    if not grow or flex_chars <= 0 or room <= 4 * len(grow):
        return list(widths)
    return [round(w * room / flex_chars, 1) if i in grow else w for i, w in enumerate(widths)]


def master_hidden(tl: TaskList) -> set[int]:
    """总表 columns nobody needs to see: 工作要求 when the list has none, 完成时限 when no task has one."""
    hide = set()
    for i, col in enumerate(MASTER_COLUMNS):
        if col.field == "requirement" and not tl.has_requirement:
            hide.add(i)
        if col.field == "deadline" and not any(t.deadline.text for t in tl.tasks):
            hide.add(i)
    return hide


def master_widths(tl: TaskList) -> dict[str, float]:
    """The 总表's column widths by field, the long texts stretched to fill an A4 landscape page at about 90 %."""
    cols = MASTER_COLUMNS
    flex = [i for i, c in enumerate(cols) if c.field in MASTER_FLEX]
    widths = page_widths([c.width for c in cols], flex, master_hidden(tl))
    return {c.field: w for c, w in zip(cols, widths, strict=True)}


_SECTION_NO = re.compile(r"^\s*([一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[)）]|\d+[、.．])")


def task_label(tl: TaskList, task_id: str) -> str:
    """A task's number as the list prints it, with its sections' numbers: "二、（一）3" (a number that restarts in
    each sub-section means nothing without them). Sections without a printed number add nothing."""
    task = next((t for t in tl.tasks if t.id == task_id), None)
    if task is None:
        return task_id
    parts = []
    for sid in task.section_path:
        if m := _SECTION_NO.match(tl.section(sid).heading):
            parts.append(m.group(1))
    return "".join(parts) + task.number
