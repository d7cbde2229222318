"""The per-unit sheet: written into each unit's own workbook (split), into the master (build) and, with the
unit's answers, into the rebuilt master (merge). One layout, one writer, so what a unit receives, what the master
shows and what consolidation reads can never drift apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from xlsxwriter.worksheet import Worksheet

from zwgk_xl import contract as C
from zwgk_xl.model import TaskList
from zwgk_xl.plan import UnitPlan, locked_values
from zwgk_xl.vocab import STATUS_HELP, UNIT_NOTE
from zwgk_xl.workbook.xlsx import Styles, fit_cell, print_setup, row_height


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
    notes: Mapping[str, str] | None = None,
    prefilled: bool = False,
) -> list[list[str]]:
    """Write the sheet and return the locked rows (for the fingerprint).

    ``notes``: a round after the first adds the locked 上轮填报 column, task id → its text (where the pre-filled
    answers come from, or how an answer compares with them); ``prefilled``: ``answers`` are last round's, shown in
    green input cells rather than yellow ones."""
    cols = plan.columns() + ((C.UNIT_CARRIED,) if notes is not None else ())
    n = len(cols)
    has_requirement = tl.has_requirement
    for i, col in enumerate(cols):
        hide = col.field == "requirement" and not has_requirement
        ws.set_column(i, i, col.width, None, {"hidden": True} if hide else {})
    ws.set_row(C.UNIT_TITLE_ROW, 30)
    ws.merge_range(C.UNIT_TITLE_ROW, 0, C.UNIT_TITLE_ROW, n - 1, f"{tl.title}  填报表", st.title())
    label = st.get(font_name=C.FONT_HEAD, border=1, align="center", text_wrap=True)
    locked_value = st.get(border=1, align="left", text_wrap=True)
    input_value = st.get(border=1, align="left", locked=False, bg_color=C.COLOR_INPUT, text_wrap=True)
    input_date = st.get(border=1, align="left", locked=False, bg_color=C.COLOR_INPUT, num_format="yyyy-mm-dd")
    ws.set_row(C.UNIT_INFO_ROW, 24)
    info = info or {}
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
    note_text = note or UNIT_NOTE
    ws.set_row(C.UNIT_NOTE_ROW, 20 if len(note_text) < 90 else 34)
    ws.merge_range(C.UNIT_NOTE_ROW, 0, C.UNIT_NOTE_ROW, n - 1, note_text, st.get(text_wrap=True, font_size=10))
    ws.set_row(C.UNIT_HEADER_ROW, 32)
    for i, col in enumerate(cols):
        ws.write_string(C.UNIT_HEADER_ROW, i, col.header, st.head())
    locked_rows: list[list[str]] = []
    answers = answers or {}
    for r, (task, a) in enumerate(plan.rows, start=C.UNIT_FIRST_ROW):
        values = locked_values(task, a)
        locked_rows.append(values)
        given = answers.get(task.id, {})
        texts: list[tuple[str, float]] = []
        for i, col in enumerate(cols):
            if i < len(C.UNIT_LOCKED):
                v: object = values[i]
                fmt = st.cell(col)
                if col.field == "number" and str(v).isdigit():
                    ws.write_number(r, i, int(str(v)), fmt)
                    continue
            elif col.field == "lead_summary" and a.role != C.ROLE_LEAD:
                ws.write_string(r, i, "—", st.cell(col, fill=C.COLOR_LOCKED_NA))
                continue
            elif col.field == "carried":
                v = (notes or {}).get(task.id, "")
                fmt = st.cell(col, fill=C.MARK_COLORS.get(v, C.COLOR_CARRIED if v else None))
            else:
                v = given.get(col.field, "")
                plain = C.COLOR_CARRIED if prefilled and v not in (None, "") else C.COLOR_INPUT
                fill = C.STATUS_COLORS.get(str(v), plain) if col.field == "status" else plain
                extra = {"num_format": "yyyy-mm-dd"} if col.field == "done_date" else {}
                fmt = st.cell(col, locked=False, fill=fill, **extra)
            write_value(ws, r, i, v, fmt)
            if not (col.field == "requirement" and not has_requirement):
                texts.append((str(v), col.width))
        ws.set_row(r, row_height(texts))
    first, last = C.UNIT_FIRST_ROW, C.UNIT_FIRST_ROW + max(len(plan.rows), 1) - 1
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
    ws.freeze_panes(C.UNIT_FIRST_ROW, 2)
    print_setup(ws, C.UNIT_TITLE_ROW, C.UNIT_HEADER_ROW)
    if protect:
        ws.protect(
            password,
            {"format_columns": True, "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True},
        )
    return locked_rows


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
