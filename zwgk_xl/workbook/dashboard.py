"""The merged workbook's 汇总 dashboard: key figures, the table of units, the table of sections, the units that
returned late, and the two charts on chart sheets of their own.

The sheet is streamed (XlsxWriter constant_memory): every step writes below the rows the previous step wrote, so
the steps run in the order of the page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zwgk_xl import contract as C
from zwgk_xl.consolidation import NOT_REPORTED, RATE_NOTE, Consolidation, TaskResult, UnitResult, return_due
from zwgk_xl.rounds import STALLED
from zwgk_xl.vocab import DONE, NOT_APPLICABLE, SUMMARY_STATUSES, TASK_STATUSES
from zwgk_xl.workbook.xlsx import FOOTER, Styles, grow_row, page_widths, print_setup, row_height

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

_CHART_TITLE = {"name": C.FONT_HEAD, "size": 13}
_TOTAL = {"border": 1, "align": "center", "bold": True, "bg_color": C.COLOR_HEAD}

#: The first row of the table of units (its header).
_UNITS_ROW = 5


@dataclass
class _Page:
    """What every step of the dashboard shares: the sheet, its columns and its formats."""

    ws: Any
    st: Styles
    result: Consolidation
    widths: list[float]
    at: dict[str, int]

    @property
    def last_col(self) -> int:
        return len(self.at) - 1

    def fmt(self, **props: object):
        return self.st.get(border=1, valign="top", **props)


def write_dashboard(wb, st: Styles, result: Consolidation) -> None:
    """Key figures, the table of units (序号, a 合计 row, 完成率 as RATE_NOTE defines it, a unit that has not
    returned marked 未报送 in red instead of 0 %, a late return's date in red), the table of sections, the units that
    returned late, and the two charts below them on a page of their own. Written top to bottom (streamed)."""
    ws = wb.add_worksheet(C.SHEET_DASHBOARD)
    headers = [h for h, _ in DASH_UNIT_COLS]
    at = {h: i for i, h in enumerate(headers)}
    widths = page_widths([w for _, w in DASH_UNIT_COLS], [at["单位"], at["报送文件"]])
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    page = _Page(ws, st, result, widths, at)
    ws.set_row(0, 30)
    title = f"{result.master.tasklist.title}  汇总（截至{C.display_date(result.as_of)}）"
    ws.merge_range(0, 0, 0, page.last_col, title, st.title())
    key, key_at = _key_figures(page)
    for i, u in enumerate(result.units, start=1):
        _unit_row(page, _UNITS_ROW + i, i, u)
    note_row = _total_row(page) + 1
    note_width = sum(widths)
    ws.set_row(note_row, row_height([(RATE_NOTE, note_width)]))
    ws.merge_range(note_row, 0, note_row, page.last_col, RATE_NOTE, st.get(text_wrap=True, valign="top"))
    r = _section_table(page, note_row + 2) + 2
    _late_units(page, r, note_width)
    ws.freeze_panes(_UNITS_ROW + 1, 2)
    print_setup(ws, 0, 0)
    # the charts: each on a chart sheet of its own, which prints as one A4 landscape page
    _status_chart(wb, result, key, key_at)
    _rate_chart(wb, page)


def _key_figures(page: _Page) -> tuple[list[tuple[str, object]], list[int]]:
    """The key figures (rows 2–3) and the header of the table of units; returns the figures and their columns,
    which the status chart reads."""
    ws, result, widths, at = page.ws, page.result, page.widths, page.at
    returned = sum(1 for u in result.units if u.returned)
    key: list[tuple[str, object]] = [
        ("任务总数", len(result.tasks)),
        *result.status_counts().items(),
        ("逾期", sum(1 for t in result.tasks if t.overdue)),
        ("已报送单位", f"{returned}/{len(result.units)}"),
        ("逾期报送单位", sum(1 for u in result.units if u.late)),
        *([(STALLED, len(result.changes.stalled))] if result.changes and result.mark_shown else []),
    ]
    key_at = [at["单位"], *range(at["任务数"], at["任务数"] + len(key) - 1)]
    head, body = page.st.head(), page.fmt(align="center")
    ws.set_row(2, row_height([(label, widths[c]) for c, (label, _) in zip(key_at, key, strict=True)]))
    for c, (label, _) in zip(key_at, key, strict=True):  # row by row: the sheet is streamed
        ws.write_string(2, c, label, head)
    for c, (_, value) in zip(key_at, key, strict=True):
        ws.write(3, c, value, body)
    ws.set_row(_UNITS_ROW, row_height([(h, widths[i]) for i, h in enumerate(at)]))
    for h, i in at.items():
        ws.write_string(_UNITS_ROW, i, h, head)
    return key, key_at


def _unit_row(page: _Page, r: int, n: int, u: UnitResult) -> None:
    """One unit's row: its counts, 完成率 (未报送 in red when it has not returned), who returned it and when."""
    ws, widths, at = page.ws, page.widths, page.at
    body, pct = page.fmt(align="center"), page.fmt(align="center", num_format="0%")
    name_fmt = page.fmt(align="left", text_wrap=True)
    red = page.fmt(align="center", font_color=C.COLOR_OVERDUE, bold=True)
    red_left = page.fmt(align="left", font_color=C.COLOR_OVERDUE, text_wrap=True)
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
        ws.write_string(r, at["完成率"], NOT_REPORTED if not u.returned else "—", red if not u.returned else body)
    else:
        ws.write_number(r, at["完成率"], rate, pct)
    for c in C.DASHBOARD_RETURN_COLUMNS:
        fmt = red_left if c.field == "date" and u.late else name_fmt
        ws.write_string(r, at[c.header], returned_cells[c.field], fmt)  # a late date in red (listed below)


def _total_row(page: _Page) -> int:
    """The 合计 row under the units (完成率 over the units that returned); returns its row."""
    ws, units, at = page.ws, page.result.units, page.at
    total = _UNITS_ROW + len(units) + 1
    total_fmt = page.st.get(**_TOTAL)
    returned = sum(1 for u in units if u.returned)
    ws.write_string(total, 0, "", total_fmt)
    ws.write_string(total, at["单位"], f"合计（{len(units)} 个单位）", total_fmt)
    ws.write_number(total, at["任务数"], sum(u.tasks for u in units), total_fmt)
    ws.write_number(total, at["其中牵头"], sum(u.leads for u in units), total_fmt)
    ws.write_string(total, at["是否报送"], f"{returned}/{len(units)}", total_fmt)
    for s in SUMMARY_STATUSES:
        ws.write_number(total, at[s], sum(u.counts.get(s, 0) for u in units), total_fmt)
    ws.write_number(total, at["逾期"], sum(u.overdue for u in units), total_fmt)
    done = sum(u.counts.get(DONE, 0) for u in units if u.returned)
    base = sum(u.tasks - u.counts.get(NOT_APPLICABLE, 0) for u in units if u.returned)
    ws.write(total, at["完成率"], done / base if base else "—", page.st.get(**{**_TOTAL, "num_format": "0%"}))
    for c in C.DASHBOARD_RETURN_COLUMNS:
        ws.write_string(total, at[c.header], "", total_fmt)
    return total


def _section_table(page: _Page, s0: int) -> int:
    """The table of sections (栏目) from row s0: tasks per status and overdue; returns its last row."""
    ws, widths, at = page.ws, page.widths, page.at
    head, body = page.st.head(), page.fmt(align="center")
    name_fmt = page.fmt(align="left", text_wrap=True)
    sec_headers = ("序号", "栏目", "任务数", *TASK_STATUSES, "逾期")
    sec_at = [0, at["单位"], *range(at["任务数"], at["任务数"] + len(sec_headers) - 2)]
    ws.set_row(s0, row_height([(h, widths[c]) for c, h in zip(sec_at, sec_headers, strict=True)]))
    for c, h in zip(sec_at, sec_headers, strict=True):
        ws.write_string(s0, c, h, head)
    sections: dict[str, list[TaskResult]] = {}
    for t in page.result.tasks:
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
    return r


def _late_units(page: _Page, r: int, note_width: float) -> None:
    """One line naming the units that returned after the return deadline, with their dates."""
    result = page.result
    late_units = [u for u in result.units if u.late]
    title = f"逾期报送的单位（报送截止时间 {C.display_date(return_due(result.master)) or '未设定'}）："
    listing = "、".join(f"{u.unit.short}（{u.late}）" for u in late_units) if late_units else "无"
    fmt = page.st.get(text_wrap=True, valign="top", bold=True)
    page.ws.merge_range(r, 0, r, page.last_col, title + listing, fmt)
    page.ws.set_row(r, row_height([(title + listing, note_width)]))


def _status_chart(wb, result: Consolidation, key: list[tuple[str, object]], key_at: list[int]) -> None:
    """The pie of tasks by overall status, read from the key figures' cells."""
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


def _rate_chart(wb, page: _Page) -> None:
    """The bars of each unit's 完成率, read from the table of units; the units without a return named in the title."""
    at, units = page.at, page.result.units
    last_unit = _UNITS_ROW + len(units)
    bar = wb.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": "完成率",
            "categories": [C.SHEET_DASHBOARD, _UNITS_ROW + 1, at["单位"], last_unit, at["单位"]],
            "values": [C.SHEET_DASHBOARD, _UNITS_ROW + 1, at["完成率"], last_unit, at["完成率"]],
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
    missing = [u.unit.short for u in units if not u.returned]
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


def _chart_sheet(wb, name: str, chart) -> None:
    cs = wb.add_chartsheet(name)
    cs.set_chart(chart)
    cs.set_paper(9)
    cs.set_landscape()
    cs.set_footer(FOOTER, {"margin": 0.3})
