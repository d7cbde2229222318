"""The merged workbook: 说明, the 总表 with every unit's progress, the 汇总 dashboard with charts, 问题清单,
填报明细, a refreshed sheet per unit, 单位名册 and the hidden results (a new file; the input master is never touched).

Everything here is XlsxWriter layout over a Consolidation (consolidation.py); the rules that fill it are there.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.atomic import atomic_path
from zwgk_xl.bulk import paused_gc
from zwgk_xl.checks import is_overdue
from zwgk_xl.consolidation import (
    NOT_REPORTED,
    RATE_NOTE,
    Consolidation,
    TaskResult,
    return_due,
    unit_status,
)
from zwgk_xl.documents.facts import facts_from_consolidation
from zwgk_xl.model import Answer, Submission
from zwgk_xl.report import from_consolidation
from zwgk_xl.rounds import STALLED
from zwgk_xl.vocab import (
    SUMMARY_STATUSES,
    TASK_STATUSES,
    returned_units,
)
from zwgk_xl.workbook.master import readme_lines, write_master_table, write_readme, write_roster_sheet
from zwgk_xl.workbook.notice import write_notice_sheet
from zwgk_xl.workbook.results import write_rows
from zwgk_xl.workbook.roundbook import earlier_rounds, write_history_sheet, write_state
from zwgk_xl.workbook.unitsheet import info_pairs, write_unit_sheet, write_value
from zwgk_xl.workbook.xlsx import (
    FOOTER,
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


#: 汇总's table of units: (header, width). 单位 and 报送文件 take the page's spare width.
DASH_UNIT_COLS = (
    ("序号", 4),
    ("单位", 12),
    ("任务数", 4.5),
    ("其中牵头", 4.5),
    ("是否报送", 4.5),
    *((s, 5) for s in SUMMARY_STATUSES),
    ("逾期", 4.5),
    ("完成率", 5),
    *((c.header, c.width) for c in C.DASHBOARD_RETURN_COLUMNS),
)


def _dashboard(wb, st: Styles, result: Consolidation) -> None:
    """Key figures, the table of units (序号, a 合计 row, 完成率 as RATE_NOTE defines it, a unit that has not
    returned marked 未报送 in red instead of 0 %, a late return's date in red), the table of sections, the units that
    returned late, and the two charts below them on a page of their own. Written top to bottom (streamed)."""
    ws = wb.add_worksheet(C.SHEET_DASHBOARD)
    tl = result.master.tasklist
    headers = [h for h, _ in DASH_UNIT_COLS]
    at = {h: i for i, h in enumerate(headers)}
    widths = page_widths([w for _, w in DASH_UNIT_COLS], [at["单位"], at["报送文件"]])
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    last_col = len(headers) - 1
    rate_col = at["完成率"]
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last_col, f"{tl.title}  汇总（截至{C.display_date(result.as_of)}）", st.title())
    counts = result.status_counts()
    overdue = sum(1 for t in result.tasks if t.overdue)
    returned = sum(1 for u in result.units if u.returned)
    head, body = st.head(), st.get(border=1, align="center", valign="top")
    name_fmt = st.get(border=1, align="left", text_wrap=True, valign="top")
    red = st.get(border=1, align="center", valign="top", font_color=C.COLOR_OVERDUE, bold=True)
    red_left = st.get(border=1, align="left", valign="top", font_color=C.COLOR_OVERDUE, text_wrap=True)
    pct = st.get(border=1, align="center", valign="top", num_format="0%")
    total_fmt = st.get(border=1, align="center", bold=True, bg_color=C.COLOR_HEAD)
    late_units = [u for u in result.units if u.late]
    key = [
        ("任务总数", len(result.tasks)),
        *counts.items(),
        ("逾期", overdue),
        ("已报送单位", f"{returned}/{len(result.units)}"),
        ("逾期报送单位", len(late_units)),
        *([(STALLED, len(result.changes.stalled))] if result.changes and result.mark_shown else []),
    ]
    key_at = [at["单位"], *range(at["任务数"], at["任务数"] + len(key) - 1)]
    ws.set_row(2, row_height([(label, widths[c]) for c, (label, _) in zip(key_at, key, strict=True)]))
    for c, (label, _) in zip(key_at, key, strict=True):  # row by row: the sheet is streamed
        ws.write_string(2, c, label, head)
    for c, (_, value) in zip(key_at, key, strict=True):
        ws.write(3, c, value, body)
    r0 = 5
    ws.set_row(r0, row_height([(h, widths[i]) for i, h in enumerate(headers)]))
    for i, h in enumerate(headers):
        ws.write_string(r0, i, h, head)
    for n, (r, u) in enumerate(enumerate(result.units, start=r0 + 1), start=1):
        returned_cells = {
            "reporter": u.reporter,
            "phone": u.phone,
            "date": u.date,
            "file": Path(u.file).name if u.file else "",
        }
        texts = [(u.unit.short, widths[at["单位"]])]
        texts += [(returned_cells[c.field], widths[at[c.header]]) for c in C.DASHBOARD_RETURN_COLUMNS]
        grow_row(ws, r, row_height(texts))
        ws.write_number(r, 0, n, body)
        ws.write_string(r, at["单位"], u.unit.short, name_fmt)
        ws.write_number(r, at["任务数"], u.tasks, body)
        ws.write_number(r, at["其中牵头"], u.leads, body)
        ws.write_string(r, at["是否报送"], "是" if u.returned else "否", body if u.returned else red)
        for s in SUMMARY_STATUSES:
            ws.write_number(r, at[s], u.counts.get(s, 0), body)
        ws.write_number(r, at["逾期"], u.overdue, red if u.overdue else body)
        rate = u.done_rate
        if rate is None:
            ws.write_string(r, rate_col, NOT_REPORTED if not u.returned else "—", red if not u.returned else body)
        else:
            ws.write_number(r, rate_col, rate, pct)
        for c in C.DASHBOARD_RETURN_COLUMNS:
            fmt = red_left if c.field == "date" and u.late else name_fmt
            ws.write_string(r, at[c.header], returned_cells[c.field], fmt)  # a late date in red (listed below)
    last_unit = r0 + len(result.units)
    total = last_unit + 1
    ws.write_string(total, 0, "", total_fmt)
    ws.write_string(total, at["单位"], f"合计（{len(result.units)} 个单位）", total_fmt)
    ws.write_number(total, at["任务数"], sum(u.tasks for u in result.units), total_fmt)
    ws.write_number(total, at["其中牵头"], sum(u.leads for u in result.units), total_fmt)
    ws.write_string(total, at["是否报送"], f"{returned}/{len(result.units)}", total_fmt)
    for s in SUMMARY_STATUSES:
        ws.write_number(total, at[s], sum(u.counts.get(s, 0) for u in result.units), total_fmt)
    ws.write_number(total, at["逾期"], sum(u.overdue for u in result.units), total_fmt)
    done = sum(u.counts.get("已完成", 0) for u in result.units if u.returned)
    base = sum(u.tasks - u.counts.get("不涉及", 0) for u in result.units if u.returned)
    ws.write(total, rate_col, done / base if base else "—", st.get(**{**_TOTAL, "num_format": "0%"}))
    for c in C.DASHBOARD_RETURN_COLUMNS:
        ws.write_string(total, at[c.header], "", total_fmt)
    note_row = total + 1
    note_width = sum(widths)
    ws.set_row(note_row, row_height([(RATE_NOTE, note_width)]))
    ws.merge_range(note_row, 0, note_row, last_col, RATE_NOTE, st.get(text_wrap=True, valign="top"))
    s0 = note_row + 2
    sec_headers = ("序号", "栏目", "任务数", *TASK_STATUSES, "逾期")
    sec_at = [0, at["单位"], *range(at["任务数"], at["任务数"] + len(sec_headers) - 2)]
    ws.set_row(s0, row_height([(h, widths[c]) for c, h in zip(sec_at, sec_headers, strict=True)]))
    for c, h in zip(sec_at, sec_headers, strict=True):
        ws.write_string(s0, c, h, head)
    sections: dict[str, list[TaskResult]] = {}
    for t in result.tasks:
        sections.setdefault(t.section, []).append(t)
    r = s0
    for n, (sec, rows) in enumerate(sections.items(), start=1):
        r += 1
        c = Counter(t.status for t in rows)
        grow_row(ws, r, row_height([(sec, widths[at["单位"]])]))
        values: list[object] = [n, sec, len(rows), *(c.get(s, 0) for s in TASK_STATUSES)]
        values.append(sum(1 for t in rows if t.overdue))
        for col, v in zip(sec_at, values, strict=True):
            ws.write(r, col, v, name_fmt if isinstance(v, str) else body)
    r += 2
    title = f"逾期报送的单位（报送截止时间 {C.display_date(return_due(result.master)) or '未设定'}）："
    listing = "、".join(f"{u.unit.short}（{u.late}）" for u in late_units) if late_units else "无"
    ws.merge_range(r, 0, r, last_col, title + listing, st.get(text_wrap=True, valign="top", bold=True))
    ws.set_row(r, row_height([(title + listing, note_width)]))
    ws.freeze_panes(r0 + 1, 2)
    print_setup(ws, 0, 0)
    # the charts: each on a chart sheet of its own, which prints as one A4 landscape page
    pie = wb.add_chart({"type": "pie"})
    pie.add_series(
        {
            "name": "任务状态",
            "categories": [C.SHEET_DASHBOARD, 2, key_at[1], 2, key_at[len(key) - 4]],
            "values": [C.SHEET_DASHBOARD, 3, key_at[1], 3, key_at[len(key) - 4]],
            "data_labels": {"value": True, "category": True, "leader_lines": True, "font": {"size": 12}},
            "points": [{"fill": {"color": C.STATUS_COLORS.get(k, "#BFBFBF")}} for k, _ in key[1:-3]],
        }
    )
    pie.set_title({"name": f"任务状态分布（按总体状态，共 {len(result.tasks)} 项）", "name_font": _CHART_TITLE})
    pie.set_legend({"position": "right", "font": {"size": 12}})
    _chart_sheet(wb, C.SHEET_CHART_STATUS, pie)
    bar = wb.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": "完成率",
            "categories": [C.SHEET_DASHBOARD, r0 + 1, at["单位"], last_unit, at["单位"]],
            "values": [C.SHEET_DASHBOARD, r0 + 1, rate_col, last_unit, rate_col],
            "fill": {"color": "#5B9BD5"},
            # each bar carries its unit's name: LibreOffice skips every other axis label once 30-odd units crowd
            # the page (tickLblSkip is not honoured), so half the bars had no name
            "data_labels": {
                "category": True,
                "value": True,
                "separator": " ",
                "num_format": "0%",
                "font": {"name": C.FONT_BODY, "size": 10},
            },
        }
    )
    missing = [u.unit.short for u in result.units if not u.returned]
    absent = "、".join(missing[:6]) + (f"等 {len(missing)} 个" if len(missing) > 6 else "")
    bar.set_title(
        {"name": f"各单位完成率（未报送，无柱：{absent}）" if missing else "各单位完成率", "name_font": _CHART_TITLE}
    )
    bar.set_x_axis(
        {
            "min": 0,
            "max": 1,
            "num_format": "0%",
            "num_font": {"name": C.FONT_BODY, "size": 11},
            "name": RATE_NOTE,
            "name_font": {"name": C.FONT_BODY, "size": 11, "bold": False},
        }
    )
    bar.set_y_axis({"reverse": True, "label_position": "none"})  # the names are on the bars
    bar.set_legend({"none": True})
    _chart_sheet(wb, C.SHEET_CHART_RATE, bar)


_CHART_TITLE = {"name": C.FONT_HEAD, "size": 13}


def _chart_sheet(wb, name: str, chart) -> None:
    cs = wb.add_chartsheet(name)
    cs.set_chart(chart)
    cs.set_paper(9)
    cs.set_landscape()
    cs.set_footer(FOOTER, {"margin": 0.3})


_TOTAL = {"border": 1, "align": "center", "bold": True, "bg_color": C.COLOR_HEAD}


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
            **({"num_format": "yyyy-mm-dd"} if col.field == "done_date" else {}),
            **({"font_name": C.FONT_TEXT} if col.field in ("text", "progress", "lead_summary", "plan") else {}),
        }
        fmts[col.field] = st.get(**props)
        red_fmts[col.field] = st.get(**props, font_color=C.COLOR_OVERDUE)
    ws.set_row(0, row_height([(c.header, widths[i]) for i, c in enumerate(cols)]))
    status_fmts = {s: st.get(align="center", valign="top", bg_color=color) for s, color in C.STATUS_COLORS.items()}
    missing_fmt = st.get(align="center", valign="top", font_color=C.COLOR_OVERDUE)
    at = {col.field: i for i, col in enumerate(cols)}
    formats = [fmts[col.field] for col in cols]
    late_formats = [
        red_fmts[col.field] if col.field in ("number", "text", "deadline") else fmts[col.field] for col in cols
    ]
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
            lines = 1
            cells: list[tuple[int, object]] = [head, (at["role"], a.role), *task_cells[task.id]]
            if ans is not None:
                given = _answer_cells(ans)
                cells += [(i, given[f]) for i, f in answer_at]
            for i, v in cells:
                if v.__class__ is str:
                    if not v:
                        continue
                    v = fit_cell(v, where)  # one cell of a return: over-long only if forged
                    ws.write_string(r, i, v, row_fmts[i])
                    lines = max(lines, C.estimate_lines(v, widths[i]))
                elif v is not None:
                    write_value(ws, r, i, v, row_fmts[i])
            ws.set_row(r, height(lines))
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(r, 1), len(cols) - 1)
    print_setup(ws, 0, 0, f"{tl.title}  {C.SHEET_DETAIL}")


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
        write_readme(wb.add_worksheet(C.SHEET_README), st, lines)
        task_rows = write_master_table(
            wb.add_worksheet(C.SHEET_MASTER), st, tl, {t.task.id: t.cells() for t in result.tasks}
        )
        _dashboard(wb, st, result)
        _findings_sheet(wb, st, result, task_rows, target.parent)
        _detail_sheet(wb, st, result, by_unit)
        write_notice_sheet(wb, facts_from_consolidation(result))  # 通报: ranks and colours (documents/figures.py)
        write_history_sheet(wb, st, tl, result.state_after, result.changes)
        taken: set[str] = set(C.RESERVED_SHEETS)
        for plan in result.plans if with_unit_sheets else ():
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

        write_roster_sheet(
            wb.add_worksheet(C.SHEET_ROSTER), st, result.master.roster, {p.unit.id: len(p.rows) for p in result.plans}
        )
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
        write_rows(wb, from_consolidation(result))
        write_state(wb, result.state_after)
        wb.worksheets()[1].activate()
        wb.close()
    return target


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
