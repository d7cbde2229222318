"""The canonical task-list workbook: one row per task with its stable id, for a clerk to review and correct.

It is an ordinary table the importer reads like any other (the 任务编号 column carries the ids through), plus a
清单信息 sheet with the title, year and issuer, so import → canonical → import gives the same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from zwgk_xl.atomic import atomic_path
from zwgk_xl.model import Finding, TaskList
from zwgk_xl.units import is_none_mark, join_names

COLUMNS = (
    "任务编号",
    "序号",
    "一级栏目",
    "二级栏目",
    "重点工作",
    "工作要求",
    "牵头单位",
    "责任单位",
    "完成时限",
    "备注",
)
#: Designed for an A4 landscape page (contract.page_widths stretches 重点工作 and 工作要求 to fill it).
WIDTHS = (5, 4, 10, 10, 30, 16, 9, 10, 7, 7)
_FLEX = (4, 5)
META_SHEET = "清单信息"
META_KEYS = {"标题": "title", "年度": "year", "发文单位": "issuer"}


def rows(tl: TaskList) -> list[list[str]]:
    out = []
    for t in tl.tasks:
        secs = [tl.section(s) for s in t.section_path]
        level1 = next((s.heading for s in secs if s.level == 1), "")
        level2 = next((s.heading for s in secs if s.level == 2), "")
        lead = join_names(t.lead) or ("\\" if is_none_mark(t.lead_raw) else "")
        out.append(
            [
                t.id,
                t.number,
                level1,
                level2,
                t.text,
                t.requirement,
                lead,
                join_names(t.responsible),
                t.deadline.text,
                t.remark,
            ]
        )
    return out


#: Findings that mark a row the importer had to guess: the clerk reviews exactly these rows (highlighted).
GUESSED = frozenset(
    {"cell-inherited", "column-by-content", "units-from-text", "row-short", "row-unparsed", "deadline-unknown"}
)
CHECK_COLUMN = "核对提示"


def write(tl: TaskList, path: str | Path, findings: Iterable[Finding] = (), layout: str = "") -> Path:
    """The reviewable workbook; rows named by a guessing finding are filled yellow with the findings' messages in a
    last column (read past on re-import: it is not a list column); ``layout`` (how the source was read, and how
    sure) goes on the 清单信息 sheet."""
    notes: dict[str, list[str]] = {}
    for f in findings:
        if f.code in GUESSED and f.task_id:
            notes.setdefault(f.task_id, []).append(f"{f.cell} {f.message}".strip())

    from zwgk_xl.contract import estimate_lines, page_widths
    from zwgk_xl.workbook.xlsx import grow_row, height, new_workbook, print_setup

    target = Path(path)
    with atomic_path(target) as tmp:
        wb = new_workbook(tmp)
        head = wb.add_format(
            {
                "bold": True,
                "font_name": "黑体",
                "font_size": 10.5,
                "bg_color": "#D9E1F2",
                "border": 1,
                "text_wrap": True,
            }
        )
        body = wb.add_format({"font_name": "宋体", "font_size": 10.5, "text_wrap": True, "valign": "top", "border": 1})
        guess = wb.add_format(
            {
                "font_name": "宋体",
                "font_size": 10.5,
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "bg_color": "#FFF2CC",
            }
        )
        ws = wb.add_worksheet("任务清单")
        ws.write_row(0, 0, COLUMNS, head)
        widths = page_widths([*WIDTHS, *((20,) if notes else ())], [*_FLEX, *((len(COLUMNS),) if notes else ())])
        for i, w in enumerate(widths):
            ws.set_column(i, i, w, body)
        if notes:
            ws.write_string(0, len(COLUMNS), CHECK_COLUMN, head)
        # The header wraps in the narrow columns (任务编号 over two lines, beside the filter's arrow): a default-height
        # row showed only its last line (号).
        ws.set_row(0, height(max(estimate_lines(h, w - 2) for h, w in zip(COLUMNS, widths, strict=False))))
        for r, (task, row) in enumerate(zip(tl.tasks, rows(tl), strict=True), start=1):
            cells = [*row, "\n".join(notes[task.id])] if task.id in notes else row
            ws.write_row(r, 0, cells, guess if task.id in notes else body)
            grow_row(ws, r, height(max(estimate_lines(str(v), w) for v, w in zip(cells, widths, strict=False))))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(tl.tasks), len(COLUMNS) - 1)
        print_setup(ws, 0, 0, f"{tl.title}  任务清单")
        _meta_sheet(wb.add_worksheet(META_SHEET), tl, layout, head, body)
        wb.close()
    return target


def _meta_sheet(meta: Any, tl: TaskList, layout: str, head: Any, body: Any) -> None:
    """清单信息: title, year, issuer, notice and how the source was read (read back by ``read_meta``)."""
    meta.set_column(0, 0, 12)
    meta.set_column(1, 1, 80)
    for r, (label, value) in enumerate(
        [("标题", tl.title), ("年度", tl.year or ""), ("发文单位", tl.issuer), ("通知", tl.notice)]
        + ([("识别版式", layout)] if layout else [])
    ):
        meta.write_string(r, 0, label, head)
        meta.write_string(r, 1, str(value), body)


def read_meta(path: Path) -> dict[str, object]:
    """Title, year and issuer from a 清单信息 sheet, if the workbook has one ({} when it has none). A workbook that
    cannot be read raises (calamine's own error), so the caller can say so instead of silently losing them."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    if META_SHEET not in wb.sheet_names:
        return {}
    data = wb.get_sheet_by_name(META_SHEET).to_python()
    out: dict[str, object] = {}
    for row in data:
        if len(row) >= 2 and str(row[0]).strip() in META_KEYS and str(row[1]).strip():
            key = META_KEYS[str(row[0]).strip()]
            value: object = str(row[1]).strip()
            if key == "year":
                try:
                    value = int(float(str(value)))
                except ValueError:
                    continue
            out[key] = value
    return out
