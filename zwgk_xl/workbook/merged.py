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
from zwgk_xl.consolidation import Consolidation, TaskResult
from zwgk_xl.documents.facts import facts_from_consolidation
from zwgk_xl.model import Answer, Submission
from zwgk_xl.report import from_consolidation
from zwgk_xl.rounds import STALLED
from zwgk_xl.vocab import (
    NOT_REPORTED,
    SEVERITY_ORDER,
    SEVERITY_TITLES,
    SUMMARY_STATUSES,
    UNFILLED,
    fraction,
    returned_units,
)
from zwgk_xl.workbook.master import readme_lines, write_master_table, write_readme, write_roster_sheet
from zwgk_xl.workbook.notice import write_notice_sheet
from zwgk_xl.workbook.results import write_rows
from zwgk_xl.workbook.roundbook import earlier_rounds, write_history_sheet, write_state
from zwgk_xl.workbook.unitsheet import info_pairs, write_unit_sheet, write_value
from zwgk_xl.workbook.xlsx import (
    Styles,
    fit_cell,
    height,
    new_workbook,
    print_setup,
    row_height,
    sheet_name,
    write_hidden,
    write_link,
)

#: Up to this many units the merged workbook has a refreshed sheet per unit (a district has 40–100).
UNIT_SHEETS_MAX = 200


def _dashboard(wb, st: Styles, result: Consolidation) -> None:
    ws = wb.add_worksheet(C.SHEET_DASHBOARD)
    tl = result.master.tasklist
    unit_headers = ("单位", "任务数", "其中牵头", "是否报送", *SUMMARY_STATUSES, "逾期", "完成率")
    rate_col = len(unit_headers) - 1
    returned_cols = list(enumerate(C.DASHBOARD_RETURN_COLUMNS, start=len(unit_headers)))
    last_col = returned_cols[-1][0]
    ws.set_column(0, 0, 34)
    ws.set_column(1, rate_col, 9)
    for i, col in returned_cols:
        ws.set_column(i, i, col.width)
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last_col, f"{tl.title}  汇总（截至 {result.as_of.isoformat()}）", st.title())
    counts = result.status_counts()
    overdue = sum(1 for t in result.tasks if t.overdue)
    returned = sum(1 for u in result.units if u.returned)
    head, body = st.head(), st.get(border=1, align="center")
    name_fmt = st.get(border=1, align="left", text_wrap=True)
    pct = st.get(border=1, align="center", num_format="0%")
    key = [
        ("任务总数", len(result.tasks)),
        *counts.items(),
        ("逾期", overdue),
        ("已报送单位", fraction(returned, len(result.units))),
        *([(STALLED, len(result.changes.stalled))] if result.changes and result.mark_shown else []),
    ]
    for i, (label, _) in enumerate(key):  # row by row: the sheet is streamed (xlsx.StreamedWorksheet)
        ws.write_string(2, i, label, head)
    for i, (_, value) in enumerate(key):
        ws.write(3, i, value, body)
    r0 = 5
    for i, h in enumerate((*unit_headers, *(c.header for c in C.DASHBOARD_RETURN_COLUMNS))):
        ws.write_string(r0, i, h, head)
    for r, u in enumerate(result.units, start=r0 + 1):
        ws.write_string(r, 0, u.unit.short, name_fmt)
        given = {
            "reporter": u.reporter,
            "phone": u.phone,
            "date": u.date,
            "file": Path(u.file).name if u.file else "",
        }
        for i, col in returned_cols:
            ws.write_string(r, i, given[col.field], name_fmt)
        ws.set_row(r, row_height([(u.unit.short, 34), *((given[c.field], c.width) for _, c in returned_cols)]))
        ws.write_number(r, 1, u.tasks, body)
        ws.write_number(r, 2, u.leads, body)
        ws.write_string(
            r,
            3,
            "是" if u.returned else "否",
            st.get(border=1, align="center", font_color="#C00000") if not u.returned else body,
        )
        for i, s in enumerate(SUMMARY_STATUSES, start=4):
            ws.write_number(r, i, u.counts.get(s, 0), body)
        ws.write_number(r, 4 + len(SUMMARY_STATUSES), u.overdue, body)
        ws.write_number(r, rate_col, u.done_rate, pct)
    last_unit = r0 + len(result.units)
    s0 = last_unit + 2
    sec_headers = ("栏目", "任务数", *SUMMARY_STATUSES, "逾期")
    for i, h in enumerate(sec_headers):
        ws.write_string(s0, i, h, head)
    sections: dict[str, list[TaskResult]] = {}
    for t in result.tasks:
        sections.setdefault(t.section, []).append(t)
    for r, (sec, rows) in enumerate(sections.items(), start=s0 + 1):
        c = Counter(t.status for t in rows)
        ws.write_string(r, 0, sec, name_fmt)
        ws.set_row(r, row_height([(sec, 34)]))
        ws.write_number(r, 1, len(rows), body)
        for i, s in enumerate(SUMMARY_STATUSES, start=2):
            ws.write_number(r, i, c.get(s, 0), body)
        ws.write_number(r, 2 + len(SUMMARY_STATUSES), sum(1 for t in rows if t.overdue), body)
    # charts: completion by unit, and the share of each status
    bar = wb.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": "完成率",
            "categories": [C.SHEET_DASHBOARD, r0 + 1, 0, last_unit, 0],
            "values": [C.SHEET_DASHBOARD, r0 + 1, rate_col, last_unit, rate_col],
            "fill": {"color": "#5B9BD5"},
            "data_labels": {"value": True, "num_format": "0%"},
        }
    )
    bar.set_title({"name": "各单位完成率", "name_font": {"name": C.FONT_HEAD, "size": 12}})
    bar.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "num_font": {"name": C.FONT_BODY}})
    bar.set_y_axis({"reverse": True, "num_font": {"name": C.FONT_BODY, "size": 8}})
    bar.set_legend({"none": True})
    # a bar per unit; past ~100 units the bars get thin rather than the chart taller than a screen can scroll
    bar.set_size({"width": 560, "height": min(2000, max(320, 18 * len(result.units) + 80))})
    ws.insert_chart(20, last_col + 2, bar)
    pie = wb.add_chart({"type": "pie"})
    pie.add_series(
        {
            "name": "任务状态",
            "categories": [C.SHEET_DASHBOARD, 2, 1, 2, len(SUMMARY_STATUSES)],
            "values": [C.SHEET_DASHBOARD, 3, 1, 3, len(SUMMARY_STATUSES)],
            "data_labels": {"value": True, "category": True, "leader_lines": True},
            "points": [{"fill": {"color": C.STATUS_COLORS.get(s, "#BFBFBF")}} for s in SUMMARY_STATUSES],
        }
    )
    pie.set_title({"name": "任务状态分布", "name_font": {"name": C.FONT_HEAD, "size": 12}})
    pie.set_size({"width": 480, "height": 320})
    ws.insert_chart(2, last_col + 2, pie)
    ws.freeze_panes(r0 + 1, 1)
    print_setup(ws, 0, 0)


def _findings_sheet(wb, st: Styles, result: Consolidation, task_rows: dict[str, int]) -> None:
    ws = wb.add_worksheet(C.SHEET_FINDINGS)
    headers = ("序号", "级别", "问题类型", "单位", "任务", "文件", "工作表", "单元格", "说明")
    widths = (6, 6, 18, 26, 8, 36, 10, 9, 70)
    for i, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(i, i, w)
        ws.write_string(0, i, h, st.head())
    wrap = st.get(border=1, text_wrap=True, valign="top")
    link = st.get(border=1, font_color="#0563C1", underline=1, valign="top")
    colors = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#FFFFFF"}
    items = sorted(result.findings, key=lambda f: SEVERITY_ORDER[f.severity])
    uris: dict[str, str] = {}  # one file has many findings
    names: dict[str, str] = {"": ""}
    for r, f in enumerate(items, start=1):
        label, color = SEVERITY_TITLES[f.severity], colors[f.severity]
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
                uris[f.file] = Path(os.path.abspath(f.file)).as_uri()
            sheet_ref = f.sheet.replace("'", "''")
            write_link(ws, r, 7, f"external:{uris[f.file]}#'{sheet_ref}'!{f.cell}", f.cell, link, wrap)
        else:
            ws.write_string(r, 7, f.cell, wrap)
        ws.write_string(r, 8, fit_cell(f.message, f"{name} {f.cell}"), wrap)
        ws.set_row(r, row_height([(f.message, widths[8]), (name, widths[5]), (f.unit, widths[3]), (kind, widths[2])]))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(items), 1), len(headers) - 1)
    print_setup(ws, 0, 0)


def _detail_sheet(wb, st: Styles, result: Consolidation, by_unit: dict[str, Submission]) -> None:
    """Every unit's answer on every task it has, one row each, in roster order: the table a clerk filters by unit or
    status. A unit that did not return, or left a row out, shows 未报送 on it; a row without a status shows 未填报.

    Gridlines instead of cell borders (on screen and printed), so an empty cell costs nothing to write: this sheet
    has five rows per unit."""
    ws = wb.add_worksheet(C.SHEET_DETAIL)
    ws.hide_gridlines(0)
    cols = C.DETAIL_COLUMNS
    fmts = {}
    for i, col in enumerate(cols):
        ws.set_column(i, i, col.width)
        ws.write_string(0, i, col.header, st.head())
        fmts[col.field] = st.get(
            text_wrap=col.wrap,
            align="center" if col.center else "left",
            **({"num_format": "yyyy-mm-dd"} if col.field == "done_date" else {}),
            **({"font_name": C.FONT_TEXT} if col.field in ("text", "progress", "lead_summary", "plan") else {}),
        )
    ws.set_row(0, 30)
    status_fmts = {s: st.get(align="center", bg_color=color) for s, color in C.STATUS_COLORS.items()}
    missing_fmt = st.get(align="center", font_color="#C00000")
    at = {col.field: i for i, col in enumerate(cols)}
    formats = [fmts[col.field] for col in cols]
    widths = [col.width for col in cols]
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
        for t in result.master.tasklist.tasks
    }
    r = 0
    for plan in result.plans:
        sub = by_unit.get(plan.unit.id)
        head = (at["unit"], plan.unit.short)
        where = f"报送文件 {Path(sub.file).name if sub else ''}"
        for task, a in plan.rows:
            r += 1
            ans = sub.answer(task.id) if sub else None
            # the status as counted (a synonym shows as the status it counts as; unknown text as typed)
            status = (ans.status or ans.status_raw or UNFILLED) if ans else NOT_REPORTED
            ws.write_string(r, status_at, status, status_fmts.get(status, missing_fmt))
            if change_at is not None and (mark := result.mark(plan.unit.id, task.id)):
                ws.write_string(r, change_at, mark, mark_fmts[mark])
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
                    ws.write_string(r, i, v, formats[i])
                    lines = max(lines, C.estimate_lines(v, widths[i]))
                elif v is not None:
                    write_value(ws, r, i, v, formats[i])
            ws.set_row(r, height(lines))
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(r, 1), len(cols) - 1)
    print_setup(ws, 0, 0)


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
        )
        counts = result.status_counts()
        returned = sum(1 for u in result.units if u.returned)
        overdue = sum(1 for t in result.tasks if t.overdue)
        lines[2:2] = [
            f"汇总截至 {result.as_of.isoformat()}：{returned_units(returned, len(result.units))}；"
            + "，".join(f"{k} {v}" for k, v in counts.items() if v)
            + f"；逾期 {overdue} 项；{findings.tally(result.findings)}，见“{C.SHEET_FINDINGS}”。",
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
        _findings_sheet(wb, st, result, task_rows)
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
            write_unit_sheet(ws, st, tl, plan, protect=False, answers=answers, info=info, notes=marks)
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


def _answer_cells(a: Answer) -> dict[str, object]:
    return {
        "status": a.status_raw or a.status,
        "progress": a.progress,
        "done_date": a.done_date or a.done_date_raw,
        "evidence": a.evidence,
        "plan": a.plan,
        "lead_summary": a.lead_summary,
    }
