"""Rounds in workbooks: the very hidden round sheet of masters and merged workbooks, and the 历次进展 sheet.

A master made by ``zwgk next`` and every merged workbook carry their :class:`~zwgk_xl.rounds.RoundState` as JSON
rows in ``_zwgk_rounds`` (a cell per 30,000 characters, like the hidden results), so the next round, the merge's
comparison and a rebuild of the audit record need nothing but the workbooks. Workbook layer: it calls rounds.py,
never the reverse.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from python_calamine import CalamineWorkbook

from zwgk_xl import contract as C
from zwgk_xl import rounds as R
from zwgk_xl.model import TaskList
from zwgk_xl.workbook.xlsx import CELL_LIMIT, Styles, fit_cell, print_setup, row_height

_CHUNK = 30_000


def write_state(wb, state: R.RoundState) -> None:
    """The state as JSON text cut into cells down column A of a very hidden sheet.

    A carried text longer than a cell holds is cut here, with fit_cell's note, as the next form's cell will show
    it: a unit that sends that cell back unchanged then compares as 沿用上轮 (the whole text stays in its return file
    and in the audit record)."""
    state = replace(state, carried=tuple(_fit(c) for c in state.carried))
    ws = wb.add_worksheet(C.SHEET_ROUNDS)
    text = json.dumps(list(R.state_rows(state)), ensure_ascii=False, separators=(",", ":"))
    for r, start in enumerate(range(0, max(len(text), 1), _CHUNK)):
        ws.write_string(r, 0, text[start : start + _CHUNK])
    ws.very_hidden()


def _fit(c: R.Carried) -> R.Carried:
    long = {f: v for f, v in c.values().items() if len(v) > CELL_LIMIT}
    if not long:
        return c
    return replace(c, **{f: fit_cell(v, "上轮报送文件") for f, v in long.items()})


def state_from_grid(grid: Iterable[Sequence[object]]) -> R.RoundState:
    text = "".join(str(row[0]) for row in grid if row and isinstance(row[0], str))
    try:
        data = json.loads(text) if text else []
    except ValueError:
        data = []
    return R.state_from_rows([[str(v) for v in row] for row in data if isinstance(row, list)])


def read_state(path: str | Path) -> R.RoundState | None:
    """The round state a workbook carries, or None (a master built by ``zwgk build``, or an older merged book)."""
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine's own errors: the caller has read this file already and reported on it
        return None
    if C.SHEET_ROUNDS not in wb.sheet_names:
        return None
    return state_from_grid(wb.get_sheet_by_name(C.SHEET_ROUNDS).to_python())


def earlier_rounds(state: R.RoundState | None) -> str:
    """The hidden-sheet value naming the rounds whose returns are now stale (JSON list)."""
    labels = [r for r in (state.labels if state else ()) if r != (state.current if state else "")]
    return json.dumps(labels, ensure_ascii=False)


def carried_answers(state: R.RoundState | None, unit_id: str) -> dict[str, dict[str, object]]:
    """task id → field → value, for the unit sheet writer (dates as dates where they parse)."""
    import datetime as dt

    out: dict[str, dict[str, object]] = {}
    if state is None or unit_id in state.withheld_units:
        return out
    for task_id, c in state.carried_for(unit_id).items():
        values: dict[str, object] = dict(c.values())
        with contextlib.suppress(ValueError):
            values["done_date"] = dt.date.fromisoformat(c.done_date) if c.done_date else ""
        out[task_id] = values
    return out


def carried_notes(state: R.RoundState | None, unit_id: str, task_ids: Iterable[str]) -> dict[str, str]:
    """task id → the 上轮填报 column's text for one unit's form."""
    if state is None or not state.rounds:
        return {}
    reason = state.withheld_units.get(unit_id, "")
    mine = state.carried_for(unit_id)
    return {t: R.carried_note(mine.get(t), reason) for t in task_ids}


def form_note(state: R.RoundState | None, unit_id: str) -> str:
    """The form's line of instructions in a round after the first (before the due date and contact)."""
    if state is None or not state.rounds:
        return ""
    if unit_id in state.withheld_units:
        return (
            f"本轮为“{state.current}”。贵单位{state.withheld_units[unit_id]}，上轮内容未沿用，请在黄色单元格中重新填写全部任务；"
            "完成状态从下拉列表选择；其他内容已锁定，请勿修改、增删行或调整顺序。"
        )
    mine = state.carried_for(unit_id)
    if not mine:
        return ""
    rounds = "、".join(sorted({c.round for c in mine.values()}))
    return (
        f"本轮为“{state.current}”。绿色单元格已预填贵单位{rounds}报送的内容（见“{C.UNIT_CARRIED.header}”列），"
        "有变化的请直接修改，没有变化的保持不变；已完成的任务无需再填。完成状态从下拉列表选择；其他内容已锁定。"
    )


def write_history_sheet(
    wb,
    st: Styles,
    tl: TaskList,
    state: R.RoundState,
    changes: R.Changes | None,
) -> None:
    """历次进展: the completion of every round (a table and a chart), the units that moved or did not, then each
    task's 总体状态 in every round and the round since which it has been 已完成. Written top to bottom (the merged
    workbook streams its sheets)."""
    ws = wb.add_worksheet(C.SHEET_HISTORY)
    labels = list(state.labels)
    n_cols = 3 + len(labels) + 2
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 11)  # 序号 below, 截至 (a date) in the round table above
    ws.set_column(2, 2, 44)
    ws.set_column(3, 3 + len(labels) - 1, 11)
    ws.set_column(3 + len(labels), 3 + len(labels) + 1, 12)
    head, body = st.head(), st.get(border=1, align="center")
    wrap = st.get(border=1, text_wrap=True, align="left")
    pct = st.get(border=1, align="center", num_format="0%")
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, max(n_cols - 1, 6), f"{tl.title}  历次进展", st.title())
    last = _round_table(ws, state, changes, head, body, pct)
    _round_chart(wb, ws, last)
    r = last + 2 + 14  # below the chart (240 px)
    lines = _change_lines(state, changes)
    for line in lines:
        ws.merge_range(r, 0, r, max(n_cols - 1, 6), line, wrap)
        ws.set_row(r, row_height([(line, 100)]))
        r += 1
    r += 1
    header_row, r = _task_table(ws, st, tl, state, changes, r, head, body)
    ws.freeze_panes(header_row + 1, 3)
    ws.autofilter(header_row, 0, max(r, header_row + 1), len(labels) + 4)
    print_setup(ws, header_row, header_row)


def _round_table(ws, state: R.RoundState, changes: R.Changes | None, head: object, body: object, pct: object) -> int:
    """Each round's completion from row 2 (轮次, 截至, tasks, done, 完成率, stalled now); returns its last row."""
    table = ("轮次", "截至", "任务数", "已完成", "完成率", R.STALLED)
    for i, h in enumerate(table):
        ws.write_string(2, i, h, head)
    per_round = R.completion(state)
    for r, (label, as_of, total, done) in enumerate(per_round, start=3):
        ws.write_string(r, 0, label, body)
        ws.write_string(r, 1, as_of, body)
        ws.write_number(r, 2, total, body)
        ws.write_number(r, 3, done, body)
        ws.write_number(r, 4, done / total if total else 0.0, pct)
        if changes is not None and label == state.current:
            ws.write_number(r, 5, len(changes.stalled), body)
        else:
            ws.write_string(r, 5, "", body)
    return 3 + len(per_round) - 1


def _round_chart(wb, ws, last: int) -> None:
    """The columns of each round's 完成率, under the round table."""
    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "完成率",
            "categories": [C.SHEET_HISTORY, 3, 0, last, 0],
            "values": [C.SHEET_HISTORY, 3, 4, last, 4],
            "fill": {"color": "#70AD47"},
            "data_labels": {"value": True, "num_format": "0%"},
        }
    )
    chart.set_title({"name": "各轮完成率", "name_font": {"name": C.FONT_HEAD, "size": 12}})
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 420, "height": 240})
    # under the round table, within the task table's width: a chart to its right made the page wider than the
    # table, and fitting it to A4 printed the text below 9 pt
    ws.insert_chart(last + 2, 0, chart)


def _change_lines(state: R.RoundState, changes: R.Changes | None) -> list[str]:
    """What moved since the last round, in sentences (none in a first round)."""
    if changes is None or not changes.previous:
        return []
    return [
        f"本轮（{state.current}）与上轮（{changes.previous}）相比：",
        f"进展提升的单位（{len(changes.improved_units)} 个）：" + ("、".join(changes.improved_units) or "无"),
        f"进展未更新的单位（{len(changes.stalled_units)} 个，未完成的任务全部沿用上轮）："
        + ("、".join(changes.stalled_units) or "无"),
        f"进展未更新的任务（{len(changes.stalled)} 项）：" + ("、".join(changes.stalled) or "无"),
        f"状态倒退（已完成 → 未完成）：{len(changes.regressed)} 处" + ("，见“问题清单”" if changes.regressed else ""),
    ]


def _task_table(
    ws,
    st: Styles,
    tl: TaskList,
    state: R.RoundState,
    changes: R.Changes | None,
    r: int,
    head: object,
    body: object,
) -> tuple[int, int]:
    """Each task's 总体状态 in every round, the round it was completed in and this round's marks, from row r;
    returns the header row and the last row."""
    labels = list(state.labels)
    headers = ("任务编号", "序号", "重点工作", *labels, "完成于", "本轮")
    for i, h in enumerate(headers):
        ws.write_string(r, i, h, head)
    header_row = r
    stalled = set(changes.stalled) if changes else set()
    regressed = {t for _, t in changes.regressed} if changes else set()
    text_fmt = st.get(border=1, text_wrap=True, align="left", font_name=C.FONT_TEXT)
    status_fmts = {s: st.get(border=1, align="center", bg_color=c) for s, c in C.STATUS_COLORS.items()}
    for task in tl.tasks:
        r += 1
        ws.write_string(r, 0, task.id, body)
        ws.write_string(r, 1, task.number, body)
        ws.write_string(r, 2, task.text, text_fmt)
        statuses = state.statuses(task.id)
        for i, label in enumerate(labels, start=3):
            s = statuses.get(label, "")
            ws.write_string(r, i, s, status_fmts.get(s, body))
        ws.write_string(r, 3 + len(labels), R.completed_in(state, task.id), body)
        marks = ((R.STALLED, task.id in stalled), ("有单位状态倒退", task.id in regressed))
        note = "、".join(x for x, on in marks if on)
        ws.write_string(r, 4 + len(labels), note, st.get(border=1, align="center", font_color="#C00000"))
        ws.set_row(r, row_height([(task.text, 44)]))
    return header_row, r


def unchanged_tasks(state: R.RoundState | None) -> dict[str, list[str]]:
    """unit id → the unfinished tasks it left as they were last round (for reminders), from a merged workbook."""
    if state is None:
        return {}
    done = {(c.unit_id, c.task_id) for c in state.carried if c.status in (R.DONE, R.NOT_APPLICABLE)}
    out: dict[str, list[str]] = {}
    for unit_id, task_id, mark in state.marks:
        if mark == R.KEPT and (unit_id, task_id) not in done:
            out.setdefault(unit_id, []).append(task_id)
    return out


def mark_map(state: R.RoundState | None) -> Mapping[tuple[str, str], str]:
    return {(u, t): m for u, t, m in state.marks} if state else {}


def reminder_context(path: str | Path) -> tuple[dict[str, list[str]], str]:
    """For reminders from a merged workbook: unit id → unfinished tasks left unchanged, and the round compared."""
    state = read_state(path)
    if state is None or len(state.rounds) < 2:
        return {}, ""
    return unchanged_tasks(state), state.rounds[-2].label
