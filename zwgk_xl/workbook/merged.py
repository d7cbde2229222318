"""The merged workbook: 说明, the 总表 with every unit's progress, the 汇总 dashboard with charts, 问题清单,
填报明细, a refreshed sheet per unit, 单位名册 and the hidden results (a new file; the input master is never touched).

Everything here is XlsxWriter layout over a Consolidation (consolidation.py); the rules that fill it are there.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from xlsxwriter.format import Format

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.atomic import atomic_path
from zwgk_xl.bulk import paused_gc
from zwgk_xl.checks import is_overdue
from zwgk_xl.consolidation import (
    RATE_NOTE,
    Consolidation,
    unit_status,
)
from zwgk_xl.documents.facts import facts_from_consolidation
from zwgk_xl.model import Answer, Submission, TaskList
from zwgk_xl.report import from_consolidation
from zwgk_xl.vocab import (
    returned_units,
)
from zwgk_xl.workbook.dashboard import write_dashboard
from zwgk_xl.workbook.master import readme_lines, write_master_table, write_readme, write_roster_sheet
from zwgk_xl.workbook.notice import write_notice_sheet
from zwgk_xl.workbook.results import write_rows
from zwgk_xl.workbook.roundbook import earlier_rounds, write_history_sheet, write_state
from zwgk_xl.workbook.unitsheet import info_pairs, write_unit_sheet, write_value
from zwgk_xl.workbook.xlsx import (
    Sheet,
    Styles,
    fit_cell,
    grow_row,
    height,
    new_workbook,
    page_widths,
    print_setup,
    row_height,
    sheet_name,
    write_hidden,
    write_link,
)

#: Up to this many units the merged workbook has a refreshed sheet per unit (a district has 40–100).
UNIT_SHEETS_MAX = 200


def _findings_sheet(wb, st: Styles, result: Consolidation, task_rows: dict[str, int], folder: Path) -> None:
    """Every finding, errors first. The task links point inside the workbook (its 总表 row); the cell links point
    to the returned file relative to the workbook's folder, so they keep working when the folder is moved or
    copied with the returns beside it (an absolute file:// link breaks on the next computer)."""
    ws = wb.add_worksheet(C.SHEET_FINDINGS)
    headers = ("序号", "级别", "问题类型", "单位", "任务", "文件", "工作表", "单元格", "说明")
    widths = page_widths((4, 4.5, 9, 9, 5, 20, 6, 5, 50), [5, 8])
    for i, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(i, i, w)
        ws.write_string(0, i, h, st.head())
    wrap = st.get(border=1, text_wrap=True, valign="top")
    link = st.get(border=1, font_color="#0563C1", underline=1, valign="top")
    sev = {"error": ("错误", "#FFC7CE"), "warning": ("警告", "#FFEB9C"), "info": ("提示", "#FFFFFF")}
    order = {"error": 0, "warning": 1, "info": 2}
    items = sorted(result.findings, key=lambda f: order[f.severity])
    uris: dict[str, str] = {}  # one file has many findings
    names: dict[str, str] = {"": ""}
    for r, f in enumerate(items, start=1):
        label, color = sev[f.severity]
        name = names.get(f.file) or names.setdefault(f.file, Path(f.file).name)
        kind = findings.title(f.code)
        ws.write_number(r, 0, r, wrap)
        ws.write_string(r, 1, label, st.get(border=1, bg_color=color, align="center", valign="top"))
        ws.write_string(r, 2, kind, wrap)
        ws.write_string(r, 3, f.unit, wrap)
        if f.task_id in task_rows:
            write_link(ws, r, 4, f"internal:'{C.SHEET_MASTER}'!A{task_rows[f.task_id]}", f.task_id, link, wrap)
        else:
            ws.write_string(r, 4, f.task_id, wrap)
        ws.write_string(r, 5, name, wrap)
        ws.write_string(r, 6, f.sheet, wrap)
        if f.file and f.cell and len(f.file) < 200:
            if f.file not in uris:
                uris[f.file] = _relative_link(f.file, folder)
            sheet_ref = f.sheet.replace("'", "''")
            write_link(ws, r, 7, f"external:{uris[f.file]}#'{sheet_ref}'!{f.cell}", f.cell, link, wrap)
        else:
            ws.write_string(r, 7, f.cell, wrap)
        ws.write_string(r, 8, fit_cell(f.message, f"{name} {f.cell}"), wrap)
        texts = [(f.message, widths[8]), (name, widths[5]), (f.unit, widths[3]), (kind, widths[2])]
        grow_row(ws, r, row_height(texts))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(items), 1), len(headers) - 1)
    print_setup(ws, 0, 0, f"{result.master.tasklist.title}  {C.SHEET_FINDINGS}")


def _relative_link(file: str, folder: Path) -> str:
    """The path of a returned file from the merged workbook's folder (``..\\returns\\x.xlsx``), or its absolute URI when
    they are on different drives."""
    try:
        return os.path.relpath(os.path.abspath(file), os.path.abspath(folder))
    except ValueError:  # Windows: another drive
        return Path(os.path.abspath(file)).as_uri()


def _detail_sheet(wb, st: Styles, result: Consolidation, by_unit: dict[str, Submission]) -> None:
    """Every unit's answer on every task it has, one row each, in roster order: the table a clerk filters by unit or
    status. A unit that did not return, or left a row out, shows 未报送 on it; a row without a status shows 未填报.

    Gridlines instead of cell borders (on screen and printed), so an empty cell costs nothing to write: this sheet
    has five rows per unit."""
    ws = wb.add_worksheet(C.SHEET_DETAIL)
    ws.hide_gridlines(0)
    if isinstance(ws, Sheet):
        ws.auto_after = 1  # every answer row grows with its text
    cols = C.DETAIL_COLUMNS
    tl = result.master.tasklist
    widths, formats, late_formats = _detail_columns(ws, st, tl)
    status_fmts = {s: st.get(align="center", valign="top", bg_color=color) for s, color in C.STATUS_COLORS.items()}
    missing_fmt = st.get(align="center", valign="top", font_color=C.COLOR_OVERDUE)
    at = {col.field: i for i, col in enumerate(cols)}
    status_at = at["status"]
    change_at = at.get("change")
    mark_fmts = {m: st.get(align="center", bg_color=c) for m, c in C.MARK_COLORS.items()}
    answer_at = [(at[f], f) for f in ("progress", "done_date", "evidence", "plan", "lead_summary")]
    # a task's own cells are the same on every unit's row: worked out once per task
    task_cells = {
        t.id: (
            (at["id"], t.id),
            (at["number"], int(t.number) if t.number.isdigit() else t.number),
            (at["text"], t.text),
            (at["deadline"], t.deadline.text),
        )
        for t in tl.tasks
    }
    as_of = result.as_of
    r = 0
    for plan in result.plans:
        sub = by_unit.get(plan.unit.id)
        head = (at["unit"], plan.unit.short)
        where = f"报送文件 {Path(sub.file).name if sub else ''}"
        for task, a in plan.rows:
            r += 1
            ans = sub.answer(task.id) if sub else None
            counted = unit_status(sub, task.id)
            # the status as counted (a synonym shows as the status it counts as; unknown text as typed)
            status = (ans.status or ans.status_raw or counted) if ans is not None else counted
            ws.write_string(r, status_at, status, status_fmts.get(status, missing_fmt))
            if change_at is not None and (mark := result.mark(plan.unit.id, task.id)):
                ws.write_string(r, change_at, mark, mark_fmts[mark])
            row_fmts = late_formats if is_overdue(task, counted, as_of) else formats
            cells: list[tuple[int, object]] = [head, (at["role"], a.role), *task_cells[task.id]]
            if ans is not None:
                given = _answer_cells(ans)
                cells += [(i, given[f]) for i, f in answer_at]
            _detail_cells(ws, r, cells, row_fmts, widths, where)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(r, 1), len(cols) - 1)
    print_setup(ws, 0, 0, f"{tl.title}  {C.SHEET_DETAIL}")


def _detail_columns(ws, st: Styles, tl: TaskList) -> tuple[list[float], list[Format], list[Format]]:
    """填报明细's columns and header row (完成时限 hidden when no task has one); returns the widths and each
    column's format for a row, plain and overdue (task number, text and deadline in red)."""
    cols = C.DETAIL_COLUMNS
    hidden = {i for i, c in enumerate(cols) if c.field == "deadline" and not any(t.deadline.text for t in tl.tasks)}
    widths = page_widths(
        [c.width for c in cols], [i for i, c in enumerate(cols) if c.field in ("text", "progress")], hidden
    )
    fmts, red_fmts = {}, {}
    for i, col in enumerate(cols):
        ws.set_column(i, i, widths[i], None, {"hidden": True} if i in hidden else {})
        ws.write_string(0, i, col.header, st.head())
        props = {
            "text_wrap": col.wrap,
            "valign": "top",
            "align": "center" if col.center else "left",
            **({"num_format": C.DATE_FORMAT} if col.field == "done_date" else {}),
            **({"font_name": C.FONT_TEXT} if col.field in ("text", "progress", "lead_summary", "plan") else {}),
        }
        fmts[col.field] = st.get(**props)
        red_fmts[col.field] = st.get(**props, font_color=C.COLOR_OVERDUE)
    ws.set_row(0, row_height([(c.header, widths[i]) for i, c in enumerate(cols)]))
    formats = [fmts[col.field] for col in cols]
    late_formats = [
        red_fmts[col.field] if col.field in ("number", "text", "deadline") else fmts[col.field] for col in cols
    ]
    return widths, formats, late_formats


def _detail_cells(
    ws, r: int, cells: list[tuple[int, object]], fmts: list[Format], widths: list[float], where: str
) -> None:
    """One row's cells, empty texts skipped (no borders: nothing to write), the row as high as its longest text."""
    lines = 1
    for i, v in cells:
        if v.__class__ is str:
            if not v:
                continue
            v = fit_cell(v, where)  # one cell of a return: over-long only if forged
            ws.write_string(r, i, v, fmts[i])
            lines = max(lines, C.estimate_lines(v, widths[i]))
        elif v is not None:
            write_value(ws, r, i, v, fmts[i])
    ws.set_row(r, height(lines))


def write_merged(
    result: Consolidation, path: str | Path, now: dt.datetime | None = None, unit_sheets: bool | None = None
) -> Path:
    """Write the merged workbook to ``path`` (never over the master it was made from) and return the path.

    ``unit_sheets``: a refreshed sheet per unit, as in the master. By default only up to UNIT_SHEETS_MAX units:
    beyond that a workbook of hundreds of tabs is slow to open and cannot be navigated, and 填报明细 (always
    written) holds the same answers in one table."""
    target = Path(path)
    if target.exists() and target.resolve() == result.master.path.resolve():
        raise ValueError("汇总结果不能覆盖原总表，请指定新的文件名")
    tl = result.master.tasklist
    by_unit = {s.unit.id: s for s in result.collection.submissions}
    with_unit_sheets = len(result.plans) <= UNIT_SHEETS_MAX if unit_sheets is None else unit_sheets
    with atomic_path(target) as tmp, paused_gc():
        wb = new_workbook(tmp, large=True)
        st = Styles(wb)
        lines = _readme_lines(result, with_unit_sheets)
        write_readme(wb.add_worksheet(C.SHEET_README), st, lines)
        task_rows = write_master_table(
            wb.add_worksheet(C.SHEET_MASTER), st, tl, {t.task.id: t.cells() for t in result.tasks}
        )
        write_dashboard(wb, st, result)
        _findings_sheet(wb, st, result, task_rows, target.parent)
        _detail_sheet(wb, st, result, by_unit)
        write_notice_sheet(wb, facts_from_consolidation(result))  # 通报: ranks and colours (documents/figures.py)
        write_history_sheet(wb, st, tl, result.state_after, result.changes)
        if with_unit_sheets:
            _unit_sheets(wb, st, result, by_unit)
        write_roster_sheet(
            wb.add_worksheet(C.SHEET_ROSTER), st, result.master.roster, {p.unit.id: len(p.rows) for p in result.plans}
        )
        _write_meta(wb, result, now)
        write_rows(wb, from_consolidation(result))
        write_state(wb, result.state_after)
        wb.worksheets()[1].activate()
        wb.close()
    return target


def _readme_lines(result: Consolidation, with_unit_sheets: bool) -> list[str]:
    """说明 as the master has it, with the merge's figures and where to read the answers put in after its title."""
    tl = result.master.tasklist
    lines = readme_lines(
        tl,
        list(result.plans),
        result.master.meta.get(C.K_DUE, ""),
        result.master.meta.get(C.K_CONTACT, ""),
        result.master.round,
        with_unit_sheets,
        merged=True,
    )
    counts = result.status_counts()
    returned = sum(1 for u in result.units if u.returned)
    overdue = sum(1 for t in result.tasks if t.overdue)
    lines[2:2] = [
        f"汇总截至{C.display_date(result.as_of)}：{returned_units(returned, len(result.units))}；任务总体状态："
        + "，".join(f"{k} {v} 项" for k, v in counts.items() if v)
        + f"；逾期 {overdue} 项；逾期报送 {sum(1 for u in result.units if u.late)} 个单位；"
        + f"{findings.tally(result.findings)}，见“{C.SHEET_FINDINGS}”。",
        RATE_NOTE,
        f"各单位逐项填报内容见“{C.SHEET_DETAIL}”（可按单位、完成状态筛选）"
        + (
            "，每个单位另有一张工作表。"
            if with_unit_sheets
            else f"；单位较多（{len(result.plans)} 个），未逐个生成单位工作表。"
        ),
    ]
    return lines


def _unit_sheets(wb, st: Styles, result: Consolidation, by_unit: dict[str, Submission]) -> None:
    """A refreshed sheet per unit, in roster order: its answers, who returned it, overdue rows and round marks."""
    tl = result.master.tasklist
    taken: set[str] = set(C.RESERVED_SHEETS)
    for plan in result.plans:
        sub = by_unit.get(plan.unit.id)
        answers = {a.task_id: _answer_cells(a) for a in sub.answers} if sub else {}
        info = {"reporter": sub.reporter, "phone": sub.phone, "date": sub.date or sub.date_raw} if sub else {}
        ws = wb.add_worksheet(sheet_name(plan.unit.short, taken))
        marks = {t.id: result.mark(plan.unit.id, t.id) for t, _ in plan.rows} if result.mark_shown else None
        late = {t.id for t, _ in plan.rows if is_overdue(t, unit_status(sub, t.id), result.as_of)}
        write_unit_sheet(
            ws,
            st,
            tl,
            plan,
            protect=False,
            answers=answers,
            info=info,
            overdue=late,
            note=unit_sheet_note(sub, len(plan.rows), len(late), result.as_of),
            note_alert=sub is None or bool(late),
            notes=marks,
        )


def _write_meta(wb, result: Consolidation, now: dt.datetime | None) -> None:
    """The hidden sheet: the master's keys (so the merged workbook can be split and merged again) and the merge's."""
    tl = result.master.tasklist
    generated = (now or dt.datetime.now()).isoformat(timespec="seconds")
    meta = result.master.meta
    write_hidden(
        wb,
        info_pairs(
            tl,
            result.master.round,
            generated,
            [
                (C.K_KIND, "master"),
                (C.K_DUE, meta.get(C.K_DUE, "")),
                (C.K_CONTACT, meta.get(C.K_CONTACT, "")),
                (C.K_TASK_IDS, ",".join(t.id for t in tl.tasks)),
                ("merged_as_of", result.as_of.isoformat()),
                (C.K_EARLIER_ROUNDS, earlier_rounds(result.rounds)),
            ],
        ),
    )


def unit_sheet_note(sub: Submission | None, tasks: int, late: int, as_of: dt.date) -> str:
    """The line above a unit's refreshed sheet: what the clerk needs to know, not the unit's instructions."""
    day = C.display_date(as_of)
    if sub is None:
        return f"未报送：截至{day}，该单位尚未报送填报表（{tasks} 项任务）。"
    when = C.display_date(sub.date) if sub.date else (sub.date_raw or "未填日期")
    text = f"已报送（填报日期：{when}；文件：{Path(sub.file).name}）。"
    return text + (f"截至{day}有 {late} 项任务逾期，已标红。" if late else "")


def _answer_cells(a: Answer) -> dict[str, object]:
    return {
        "status": a.status_raw or a.status,
        "progress": a.progress,
        "done_date": a.done_date or a.done_date_raw,
        "evidence": a.evidence,
        "plan": a.plan,
        "lead_summary": a.lead_summary,
    }
