"""The per-unit sheet: written into each unit's own workbook (split), into the master (build) and, with the
unit's answers, into the rebuilt master (merge). One layout, one writer, so what a unit receives, what the master
shows and what consolidation reads can never drift apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from xlsxwriter.worksheet import Worksheet

from zwgk_xl import contract as C
from zwgk_xl.model import Assignment, Task, TaskList
from zwgk_xl.plan import UnitPlan, locked_values
from zwgk_xl.vocab import STATUS_HELP, UNIT_NOTE
from zwgk_xl.workbook.xlsx import Styles, fit_cell, grow_row, page_widths, print_setup, row_height


def unit_hidden(tl: TaskList, cols: Sequence[C.Column]) -> set[int]:
    """Columns a unit need not see: 工作要求 when the list has none, 完成时限 when no task has one."""
    hide = set()
    for i, col in enumerate(cols):
        if col.field == "requirement" and not tl.has_requirement:
            hide.add(i)
        if col.field == "deadline" and not any(t.deadline.text for t in tl.tasks):
            hide.add(i)
    return hide


def unit_widths(tl: TaskList, cols: Sequence[C.Column]) -> list[float]:
    """The unit sheet's column widths, the long-text columns stretched or narrowed to fill the printed page."""
    flex = [i for i, c in enumerate(cols) if c.field in C.UNIT_FLEX]
    return page_widths([c.width for c in cols], flex, unit_hidden(tl, cols))


def write_unit_sheet(
    ws: Worksheet,
    st: Styles,
    tl: TaskList,
    plan: UnitPlan,
    *,
    protect: bool,
    password: str = "",
    note: str = "",
    answers: Mapping[str, Mapping[str, object]] | None = None,
    info: Mapping[str, object] | None = None,
    overdue: set[str] | None = None,
    note_alert: bool = False,
    notes: Mapping[str, str] | None = None,
    prefilled: bool = False,
) -> list[list[str]]:
    """Write the sheet and return the locked rows (for the fingerprint).

    Task rows open tall enough for every locked text and grow with what a unit types (``grow_row``: no fixed
    height), and every body cell is aligned to the top, so a long answer shows from its first line on screen and
    on paper. Columns fill an A4 landscape page at about 90 % (``unit_widths``).

    ``notes``: a round after the first adds the locked 上轮填报 column, task id → its text (where the pre-filled
    answers come from, or how an answer compares with them); ``prefilled``: ``answers`` are last round's, shown in
    green input cells rather than yellow ones."""
    cols = plan.columns() + ((C.UNIT_CARRIED,) if notes is not None else ())
    n = len(cols)
    hidden = unit_hidden(tl, cols)
    widths = unit_widths(tl, cols)
    for i in range(n):
        ws.set_column(i, i, widths[i], None, {"hidden": True} if i in hidden else {})
    ws.set_row(C.UNIT_TITLE_ROW, 30)
    ws.merge_range(C.UNIT_TITLE_ROW, 0, C.UNIT_TITLE_ROW, n - 1, f"{tl.title}  填报表", st.title())
    _info_row(ws, st, plan, info or {}, widths, hidden)
    note_text = note or UNIT_NOTE
    visible = sum(w for i, w in enumerate(widths) if i not in hidden)
    ws.set_row(C.UNIT_NOTE_ROW, row_height([(note_text, visible)]))
    note_fmt = st.get(
        text_wrap=True, font_size=10.5, bold=bool(note_alert), font_color=C.COLOR_OVERDUE if note_alert else "#000000"
    )
    ws.merge_range(C.UNIT_NOTE_ROW, 0, C.UNIT_NOTE_ROW, n - 1, note_text, note_fmt)
    ws.set_row(C.UNIT_HEADER_ROW, row_height([(col.header, widths[i]) for i, col in enumerate(cols)]))
    for i, col in enumerate(cols):
        ws.write_string(C.UNIT_HEADER_ROW, i, col.header, st.head())
    locked_rows: list[list[str]] = []
    answers = answers or {}
    overdue = overdue or set()
    for r, (task, a) in enumerate(plan.rows, start=C.UNIT_FIRST_ROW):
        given = answers.get(task.id, {})
        late = task.id in overdue
        carried = (notes or {}).get(task.id, "")
        locked_rows.append(_task_row(ws, st, r, task, a, cols, given, late, carried, prefilled, widths, hidden))
    _validations(ws, cols, len(plan.rows))
    ws.freeze_panes(C.UNIT_FIRST_ROW, 2)
    # the column headings repeat on each page; the title and unit go in the page header (rows left for answers)
    print_setup(ws, C.UNIT_HEADER_ROW, C.UNIT_HEADER_ROW, f"{tl.title}  填报表  {plan.unit.name}")
    if protect:
        ws.protect(
            password,
            {"format_columns": True, "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True},
        )
    return locked_rows


def _info_row(
    ws: Worksheet, st: Styles, plan: UnitPlan, info: Mapping[str, object], widths: list[float], hidden: set[int]
) -> None:
    """The row of 填报单位 (locked) and who fills in, their phone and the date (input cells, the date validated)."""
    label = st.get(font_name=C.FONT_HEAD, border=1, align="center", text_wrap=True)
    locked_value = st.get(border=1, align="left", text_wrap=True)
    input_value = st.get(border=1, align="left", locked=False, bg_color=C.COLOR_INPUT, text_wrap=True)
    input_date = st.get(border=1, align="left", locked=False, bg_color=C.COLOR_INPUT, num_format="yyyy-mm-dd")
    # merged cells never grow by themselves: the row is as tall as the unit's name wrapped in its merged cell
    shown = [(text, sum(widths[i] for i in range(c0, c1 + 1) if i not in hidden)) for text, c0, c1 in _info_texts(plan)]
    ws.set_row(C.UNIT_INFO_ROW, max(30.0, row_height(shown)))
    for name, l0, l1, v0, v1 in C.UNIT_INFO:
        _merge(ws, C.UNIT_INFO_ROW, l0, l1, name, label)
        field = C.INFO_FIELDS[name]
        if field == "unit":
            _merge(ws, C.UNIT_INFO_ROW, v0, v1, plan.unit.name, locked_value)
            continue
        value = info.get(field, "")
        fmt = input_date if field == "date" else input_value
        _merge(ws, C.UNIT_INFO_ROW, v0, v1, value, fmt)
        if field == "date":
            _date_validation(ws, C.UNIT_INFO_ROW, v0, C.UNIT_INFO_ROW, v0)


def _task_row(
    ws: Worksheet,
    st: Styles,
    r: int,
    task: Task,
    a: Assignment,
    cols: Sequence[C.Column],
    given: Mapping[str, object],
    late: bool,
    carried: str,
    prefilled: bool,
    widths: list[float],
    hidden: set[int],
) -> list[str]:
    """One task's row: the locked cells (number, text and deadline red when overdue), 牵头汇总 shut to a
    responsible unit, 上轮填报, the input cells; the row as tall as its texts. Returns the locked values."""
    values = locked_values(task, a)
    texts: list[tuple[str, float]] = []
    for i, col in enumerate(cols):
        if i < len(C.UNIT_LOCKED):
            v: object = values[i]
            red = late and col.field in ("number", "text", "deadline")
            fmt = st.cell(col, valign="top", font_color=C.COLOR_OVERDUE) if red else st.cell(col, valign="top")
            if col.field == "number" and str(v).isdigit():
                ws.write_number(r, i, int(str(v)), fmt)
                continue
        elif col.field == "lead_summary" and a.role != C.ROLE_LEAD:
            ws.write_string(r, i, "—", st.cell(col, fill=C.COLOR_LOCKED_NA, valign="top"))
            continue
        elif col.field == "carried":
            v = carried
            fmt = st.cell(col, fill=C.MARK_COLORS.get(v, C.COLOR_CARRIED if v else None))
        else:
            v = given.get(col.field, "")
            plain = C.COLOR_CARRIED if prefilled and v not in (None, "") else C.COLOR_INPUT
            fill = C.STATUS_COLORS.get(str(v), plain) if col.field == "status" else plain
            extra = {"num_format": "yyyy-mm-dd"} if col.field == "done_date" else {}
            fmt = st.cell(col, locked=False, fill=fill, valign="top", **extra)
        write_value(ws, r, i, v, fmt)
        if i not in hidden:
            texts.append((str(v), widths[i]))
    grow_row(ws, r, row_height(texts))
    return values


def _validations(ws: Worksheet, cols: Sequence[C.Column], rows: int) -> None:
    """The status dropdown and the date check over every task row (one row when there are none)."""
    first, last = C.UNIT_FIRST_ROW, C.UNIT_FIRST_ROW + max(rows, 1) - 1
    status_col = next(i for i, c in enumerate(cols) if c.field == "status")
    date_col = next(i for i, c in enumerate(cols) if c.field == "done_date")
    ws.data_validation(
        first,
        status_col,
        last,
        status_col,
        {
            "validate": "list",
            "source": list(C.STATUSES),
            "input_title": "完成状态",
            "input_message": STATUS_HELP,
            "error_title": "完成状态",
            "error_message": STATUS_HELP,
            "error_type": "warning",
        },
    )
    _date_validation(ws, first, date_col, last, date_col)


def _info_texts(plan: UnitPlan) -> list[tuple[str, int, int]]:
    """The header block's fixed texts with the columns each spans: every label, and the unit's name."""
    out = [(name, l0, l1) for name, l0, l1, _, _ in C.UNIT_INFO]
    out += [(plan.unit.name, v0, v1) for name, _, _, v0, v1 in C.UNIT_INFO if C.INFO_FIELDS[name] == "unit"]
    return out


def _merge(ws: Worksheet, row: int, c0: int, c1: int, value: object, fmt: object) -> None:
    if c0 == c1:
        write_value(ws, row, c0, value, fmt)
    else:
        ws.merge_range(row, c0, row, c1, "", fmt)
        write_value(ws, row, c0, value, fmt)


def write_value(ws: Worksheet, r: int, c: int, value: object, fmt: object) -> None:
    """Text stays text (never a formula); dates and numbers keep their type. A text past Excel's 32,767 characters
    (possible from an .ods return) is cut with a note saying where the whole is, never silently."""
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        ws.write_datetime(
            r, c, value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day), fmt
        )
    elif isinstance(value, bool):
        ws.write_string(r, c, str(value), fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, fit_cell(str(value), "该单位的报送文件"), fmt)


def _date_validation(ws: Worksheet, r0: int, c0: int, r1: int, c1: int) -> None:
    ws.data_validation(
        r0,
        c0,
        r1,
        c1,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(2000, 1, 1),
            "maximum": dt.date(2100, 12, 31),
            "input_title": "日期",
            "input_message": "请输入日期，例如 2022-09-30",
            "error_title": "日期格式",
            "error_message": "请输入日期，例如 2022-09-30",
            "error_type": "warning",
        },
    )


def info_pairs(
    tl: TaskList, round_label: str, generated: str, extra: Sequence[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    return [
        (C.K_VERSION, C.FORMAT_VERSION),
        (C.K_LIST_ID, C.list_id(tl.title, tl.year, tl.issuer)),
        (C.K_TITLE, tl.title),
        (C.K_YEAR, str(tl.year or "")),
        (C.K_ISSUER, tl.issuer),
        (C.K_ROUND, round_label),
        (C.K_GENERATED, generated),
        *extra,
    ]
