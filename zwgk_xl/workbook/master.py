"""The master book, written and read back from one column definition per sheet.

Build writes it (说明, 总表, 单位名册), merge writes it again with the consolidation's columns filled, and split and
merge read it back: its hidden data, the 总表 as a TaskList and the 单位名册 as the roster. Split and merge read the
master rather than the original list, so whatever the clerk corrected in Excel (a task's text, a lead unit, a new
unit in the roster) is what goes out and what returns are checked against.

The 总表's columns are contract.MASTER_COLUMNS: the writer lays them out, the reader finds them by those headers and
hands the task's own columns to the list importer (never the consolidation's), and Consolidation.sheet_arrays
takes its headers from them. Renaming a header there changes all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_rowcol_to_cell

from zwgk_xl import contract as C
from zwgk_xl.importers.table import SYNONYMS, RawRow, RawTable, build, clean
from zwgk_xl.model import Roster, Task, TaskList
from zwgk_xl.plan import Master, UnitPlan, task_fields
from zwgk_xl.units import roster_from_rows
from zwgk_xl.vocab import LOCKED_NOTE, STATUSES
from zwgk_xl.workbook.xlsx import Styles, fit_cell, grow_row, page_widths, print_setup, row_height

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook


class MasterError(Exception):
    """The file is not a master workbook of this tool (or is too damaged to read): nothing can be split or merged."""


# --------------------------------------------------------------------------------------------------- writers


def _task_cells(task: Task) -> dict[str, object]:
    """The task's cells as the 总表 shows them: a printed number is a number."""
    cells: dict[str, object] = {**task_fields(task)}
    if task.number.isdigit():
        cells["number"] = int(task.number)
    return cells


def write_master_table(
    ws, st: Styles, tl: TaskList, results: dict[str, dict[str, object]] | None = None
) -> dict[str, int]:
    """The 总表: every task in order under its section bands; consolidation columns from ``results`` if given.
    Returns each task's row number (1-based), for links from the 问题清单.

    Task rows are top-aligned and grow with their text (no fixed height); an overdue task's number, text and
    deadline are red."""
    cols = C.MASTER_COLUMNS
    n = len(cols)
    hidden = C.master_hidden(tl)
    widths = C.master_widths(tl)
    for i, col in enumerate(cols):
        ws.set_column(i, i, widths[col.field], None, {"hidden": True} if i in hidden else {})
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, n - 1, f"{tl.title}  总表", st.title())
    ws.set_row(1, row_height([(c.header, widths[c.field]) for c in cols]))
    for i, col in enumerate(cols):
        ws.write_string(1, i, col.header, st.head())
    r = 2
    rows: dict[str, int] = {}
    shown: set[str] = set()
    results = results or {}
    for task in tl.tasks:
        for sid in task.section_path:
            if sid not in shown:
                shown.add(sid)
                sec = tl.section(sid)
                ws.set_row(r, 22)
                ws.merge_range(r, 0, r, n - 1, sec.heading, st.band(sec.level))
                r += 1
        values = {**_task_cells(task), **results.get(task.id, {})}
        late = bool(values.get("overdue"))
        rows[task.id] = r + 1
        texts = []
        for i, col in enumerate(cols):
            v = values.get(col.field, "")
            extra: dict[str, Any] = {"valign": "top"}
            if col.field == "status" and v in C.STATUS_COLORS:
                extra["bg_color"] = C.STATUS_COLORS[str(v)]
            if late and col.field in ("number", "text", "deadline", "overdue"):
                extra.update(font_color=C.COLOR_OVERDUE, bold=col.field == "overdue")
            fmt = st.cell(col, **extra)
            if isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(r, i, v, fmt)
            else:
                ws.write_string(r, i, fit_cell(str(v)), fmt)
            if i not in hidden:
                texts.append((str(v), widths[col.field]))
        grow_row(ws, r, row_height(texts))
        r += 1
    ws.freeze_panes(2, 3)
    print_setup(ws, 1, 1, f"{tl.title}  总表")
    return rows


def write_roster_sheet(ws, st: Styles, roster: Roster, counts: dict[str, int]) -> None:
    headers = ("编号", "全称", "简称/别名", "类别", "邮箱", "联系人", "任务数")
    widths = page_widths((14, 30, 24, 8, 24, 8, 5), [1, 2, 4])
    for i, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(i, i, w)
        ws.write_string(0, i, h, st.head())
    body = st.get(border=1, text_wrap=True, valign="top")
    for r, u in enumerate(roster.units, start=1):
        values = (u.id, u.name, "、".join(u.aliases), u.kind, u.email, u.contact)
        for i, v in enumerate(values):
            ws.write_string(r, i, v, body)
        ws.write_number(r, 6, counts.get(u.id, 0), body)
        grow_row(ws, r, row_height(zip(values, widths, strict=False)))
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(roster.units), len(headers) - 1)
    print_setup(ws, 0, 0, C.SHEET_ROSTER)


#: What the merged workbook's 说明 says its sheets hold (the master's says the 总表 is filled in at the merge).
MERGED_SHEETS = (
    "  总表 —— 全部任务，按栏目排列，每项任务的总体状态、牵头单位进展、责任单位进展、已报/应报、逾期"
    "（逾期的任务标红）。",
    f"  {C.SHEET_DASHBOARD} —— 任务状态的统计；各单位的任务数、各状态任务数、逾期、完成率、填报人、联系电话、"
    "填报日期和报送文件（带序号和合计行）；各栏目的统计；逾期报送的单位。",
    f"  {C.SHEET_CHART_STATUS} —— 全部任务按总体状态的饼图。",
    f"  {C.SHEET_CHART_RATE} —— 各单位完成率的条形图（未报送的单位无柱）。",
    f"  {C.SHEET_FINDINGS} —— 汇总发现的全部问题，错误在前，链接到报送文件的单元格和总表中的任务。",
    f"  {C.SHEET_DETAIL} —— 每个单位每项任务一行，可按单位、完成状态筛选。",
)


def readme_lines(
    tl: TaskList,
    plans: list[UnitPlan],
    due: str,
    contact: str,
    round_label: str,
    unit_sheets: bool = True,
    merged: bool = False,
) -> list[str]:
    """The 说明 sheet: the list, what each sheet holds (``merged``: the merged workbook's sheets and figures), how
    units fill in, the deadline and the contact."""
    sheets = (
        list(MERGED_SHEETS)
        if merged
        else ["  总表 —— 全部任务，按栏目排列；“总体状态”等列在汇总各单位报送后（zwgk merge）填写。"]
    )
    return [
        f"{tl.title}",
        f"发文单位：{tl.issuer or '（未注明）'}    年度：{tl.year or '（未注明）'}    轮次：{round_label}",
        f"共 {len(tl.tasks)} 项任务，涉及 {len(plans)} 个单位。",
        "",
        "本工作簿包括：",
        *sheets,
        *(["  各单位工作表 —— 每个单位承担的任务及其角色（牵头 / 责任）。"] if unit_sheets else []),
        "  单位名册 —— 单位全称、简称、类别、邮箱。",
        "",
        "各单位填报方法：",
        "  1. 打开收到的“填报表”，只在黄色单元格中填写；" + LOCKED_NOTE,
        "  2. 完成状态从下拉列表选择：" + "、".join(STATUSES) + "。",
        "  3. 牵头单位还须填写“牵头汇总”，说明整项任务（含各责任单位）的落实情况。",
        "  4. 填写填报人、联系电话、填报日期后保存，文件名可不改，原样发回。",
        "",
        f"报送截止时间：{C.display_date(due) if due else '（见通知）'}",
        f"联系人：{contact or '（见通知）'}",
    ]


README_WIDTH = 76  # characters: fits an A4 portrait page at 100 % (LibreOffice does not shrink it)


def write_readme(ws, st: Styles, lines: list[str]) -> None:
    ws.set_column(0, 0, README_WIDTH)
    ws.set_row(0, 30)
    ws.write_string(0, 0, lines[0], st.get(font_name=C.FONT_HEAD, font_size=15))
    body = st.get(text_wrap=True, font_size=11)
    for r, line in enumerate(lines[1:], start=1):
        ws.write_string(r, 0, line, body)
        if len(line) > 50:  # a long line wraps; LibreOffice does not fit the row to it on opening
            ws.set_row(r, row_height([(line, README_WIDTH)]))
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


# --------------------------------------------------------------------------------------------------- reader


def master_grid_table(grid: Sequence[Sequence[object]], source: str) -> RawTable:
    """The 总表's rows for the list importer, by its column definition: the header row is found by the headers of
    contract.MASTER_COLUMNS, the consolidation's columns are left out, and each task column is handed on under the
    importer's own name for its field. A sheet not laid out as written (no such header row) goes through whole."""
    fields_by_header = {c.header: c.field for c in C.MASTER_COLUMNS}
    task_fields = [c.field for c in C.MASTER_COLUMNS if c.field not in C.CONSOLIDATION_FIELDS]
    keep = list(range(max((len(r) for r in grid), default=0)))
    header_at = -1
    fields: list[str | None] = [None for _ in keep]
    for i, row in enumerate(grid[:10]):
        found = [fields_by_header.get(clean(v)) for v in row]
        if set(task_fields) <= set(found):
            header_at, fields = i, found
            keep = [j for j, f in enumerate(found) if f not in C.CONSOLIDATION_FIELDS]
            break
    rows = []
    for r, row in enumerate(grid):
        cells = [clean(row[j]) if j < len(row) else "" for j in keep]
        if r == header_at:
            cells = [SYNONYMS[f][0] if (f := fields[j]) and f in SYNONYMS else cells[k] for k, j in enumerate(keep)]
        rows.append(RawRow(cells, [xl_rowcol_to_cell(r, j) for j in keep]))
    return RawTable(rows, source, C.SHEET_MASTER)


def read_hidden(wb: CalamineWorkbook) -> dict[str, str]:
    if C.SHEET_HIDDEN not in wb.sheet_names:
        return {}
    return hidden_values(wb.get_sheet_by_name(C.SHEET_HIDDEN).to_python())


def hidden_values(rows: Iterable[Sequence[object]]) -> dict[str, str]:
    """The hidden sheet's key/value rows, whichever reader read them."""
    out = {}
    for row in rows:
        if len(row) >= 2 and row[0] is not None and str(row[0]).strip():
            v = row[1]
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            out[str(row[0]).strip()] = "" if v is None else str(v)
    return out


def read_master(path: str | Path) -> Master:
    """The master workbook at ``path`` as a Master (MasterError when it is not one of ours or cannot be read)."""
    from python_calamine import CalamineWorkbook  # here, so that planning from a Master never loads the reader

    p = Path(path)
    if not p.exists():
        raise MasterError(f"找不到总表工作簿：{p}")
    try:
        wb = CalamineWorkbook.from_path(str(p))
    except Exception as exc:
        raise MasterError(f"{p}：无法读取（{exc}）") from exc
    meta = read_hidden(wb)
    if meta.get(C.K_KIND) != "master" or C.SHEET_MASTER not in wb.sheet_names:
        raise MasterError(f"{p}：不是本工具生成的总表工作簿（缺少“{C.SHEET_MASTER}”或隐藏信息表）")
    grid = wb.get_sheet_by_name(C.SHEET_MASTER).to_python(skip_empty_area=False)
    result = build(master_grid_table(grid, str(p)))
    year = int(meta[C.K_YEAR]) if meta.get(C.K_YEAR, "").isdigit() else result.tasklist.year
    tl = replace(result.tasklist, title=meta.get(C.K_TITLE, ""), year=year, issuer=meta.get(C.K_ISSUER, ""))
    if C.SHEET_ROSTER not in wb.sheet_names:
        raise MasterError(f"{p}：缺少“{C.SHEET_ROSTER}”工作表")
    roster, rf = roster_from_rows(wb.get_sheet_by_name(C.SHEET_ROSTER).to_python(skip_empty_area=False), f"{p}")
    findings = tuple(f for f in result.findings if f.code not in {"number-assigned"}) + tuple(rf)
    return Master(p, tl, roster, meta, findings)
