"""TaskList + Roster → the master workbook: 说明 · 总表 · one sheet per unit · 单位名册 · very hidden _zwgk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from zwgk_xl import contract as C
from zwgk_xl.atomic import atomic_path
from zwgk_xl.model import Finding, Roster, Task, TaskList, Unit
from zwgk_xl.plan import UnitPlan, plan_units
from zwgk_xl.units import join_names
from zwgk_xl.vocab import LOCKED_NOTE, STATUSES
from zwgk_xl.workbook.unitsheet import info_pairs, write_unit_sheet
from zwgk_xl.workbook.xlsx import (
    MAX_ROW_LINES,
    Styles,
    Workbook,
    fit_cell,
    new_workbook,
    print_setup,
    row_height,
    sheet_name,
    write_hidden,
)


@dataclass(frozen=True)
class BuildResult:
    path: Path
    plans: tuple[UnitPlan, ...]
    idle_units: tuple[Unit, ...]
    findings: tuple[Finding, ...]


def _task_cells(task: Task) -> dict[str, object]:
    return {
        "id": task.id,
        "number": int(task.number) if task.number.isdigit() else task.number,
        "text": task.text,
        "requirement": task.requirement,
        "lead": join_names(task.lead),
        "responsible": join_names(task.responsible),
        "deadline": task.deadline.text,
    }


def write_master_table(
    ws, st: Styles, tl: TaskList, results: dict[str, dict[str, object]] | None = None
) -> dict[str, int]:
    """The 总表: every task in order under its section bands; consolidation columns from ``results`` if given.
    Returns each task's row number (1-based), for links from the 问题清单."""
    cols = C.MASTER_COLUMNS
    n = len(cols)
    has_requirement = tl.has_requirement
    for i, col in enumerate(cols):
        hide = col.field == "requirement" and not has_requirement
        ws.set_column(i, i, col.width, None, {"hidden": True} if hide else {})
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, n - 1, f"{tl.title}  总表", st.title())
    ws.set_row(1, 30)
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
        rows[task.id] = r + 1
        texts = []
        for i, col in enumerate(cols):
            v = values.get(col.field, "")
            extra = {}
            if col.field == "status" and v in C.STATUS_COLORS:
                extra["bg_color"] = C.STATUS_COLORS[str(v)]
            if col.field == "overdue" and v:
                extra.update(font_color=C.COLOR_OVERDUE, bold=True)
            if col.wrap and isinstance(v, str) and C.estimate_lines(v, col.width) > MAX_ROW_LINES:
                extra["valign"] = "top"  # taller than any row: show where it starts, not its middle
            fmt = st.cell(col, **extra)
            if isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(r, i, v, fmt)
            else:
                ws.write_string(r, i, fit_cell(str(v)), fmt)
            if not (col.field == "requirement" and not has_requirement):
                texts.append((str(v), col.width))
        ws.set_row(r, row_height(texts))
        r += 1
    ws.freeze_panes(2, 3)
    print_setup(ws, 0, 1)
    return rows


def write_roster_sheet(ws, st: Styles, roster: Roster, counts: dict[str, int]) -> None:
    headers = ("编号", "全称", "简称/别名", "类别", "邮箱", "联系人", "任务数")
    widths = (24, 34, 28, 14, 28, 12, 8)
    for i, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(i, i, w)
        ws.write_string(0, i, h, st.head())
    body = st.get(border=1, text_wrap=True)
    for r, u in enumerate(roster.units, start=1):
        for i, v in enumerate((u.id, u.name, "、".join(u.aliases), u.kind, u.email, u.contact)):
            ws.write_string(r, i, v, body)
        ws.write_number(r, 6, counts.get(u.id, 0), body)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(roster.units), len(headers) - 1)
    print_setup(ws, 0, 0)


def readme_lines(
    tl: TaskList, plans: list[UnitPlan], due: str, contact: str, round_label: str, unit_sheets: bool = True
) -> list[str]:
    return [
        f"{tl.title}",
        f"发文单位：{tl.issuer or '（未注明）'}    年度：{tl.year or '（未注明）'}    轮次：{round_label}",
        f"共 {len(tl.tasks)} 项任务，涉及 {len(plans)} 个单位。",
        "",
        "本工作簿包括：",
        "  总表 —— 全部任务，按栏目排列；“总体状态”等列在汇总各单位报送后自动填写。",
        *(["  各单位工作表 —— 每个单位承担的任务及其角色（牵头 / 责任）。"] if unit_sheets else []),
        "  单位名册 —— 单位全称、简称、类别、邮箱。",
        "",
        "各单位填报方法：",
        "  1. 打开收到的“填报表”，只在黄色单元格中填写；" + LOCKED_NOTE,
        "  2. 完成状态从下拉列表选择：" + "、".join(STATUSES) + "。",
        "  3. 牵头单位还须填写“牵头汇总”，说明整项任务（含各责任单位）的落实情况。",
        "  4. 填写填报人、联系电话、填报日期后保存，文件名可不改，原样发回。",
        "",
        f"报送截止时间：{due or '（见通知）'}",
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


def build_master(
    tl: TaskList,
    roster: Roster,
    path: str | Path,
    *,
    round_label: str = "1",
    due: str = "",
    contact: str = "",
    now: dt.datetime | None = None,
    extra_meta: Sequence[tuple[str, str]] = (),
    after: Callable[[Workbook], None] | None = None,
) -> BuildResult:
    """``extra_meta`` adds keys to the hidden sheet and ``after`` writes more sheets: how ``zwgk next`` adds the
    round state (roundbook.py) to a master without build knowing about rounds."""
    target = Path(path)
    plans, idle, out = plan_units(tl, roster)
    generated = (now or dt.datetime.now()).isoformat(timespec="seconds")
    with atomic_path(target) as tmp:
        wb = new_workbook(tmp)
        st = Styles(wb)
        write_readme(wb.add_worksheet(C.SHEET_README), st, readme_lines(tl, plans, due, contact, round_label))
        write_master_table(wb.add_worksheet(C.SHEET_MASTER), st, tl)
        taken: set[str] = set(C.RESERVED_SHEETS)
        for plan in plans:
            ws = wb.add_worksheet(sheet_name(plan.unit.short, taken))
            write_unit_sheet(ws, st, tl, plan, protect=False)
        counts = {p.unit.id: len(p.rows) for p in plans}
        write_roster_sheet(wb.add_worksheet(C.SHEET_ROSTER), st, roster, counts)
        pairs = info_pairs(
            tl,
            round_label,
            generated,
            [
                (C.K_KIND, "master"),
                (C.K_DUE, due),
                (C.K_CONTACT, contact),
                (C.K_TASK_IDS, ",".join(t.id for t in tl.tasks)),
                *extra_meta,
            ],
        )
        write_hidden(wb, pairs)
        if after is not None:
            after(wb)
        wb.worksheets()[1].activate()
        wb.close()
    return BuildResult(target, tuple(plans), tuple(idle), tuple(out))
