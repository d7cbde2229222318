"""Which layout a source is in: every candidate reading is built, and the one that reads best is kept.

A reading is scored by its tasks: each task with text counts, more with real unit names and a readable deadline,
less with names that are not units or a deadline that cannot be read. The first candidate (the layout the source's
own marks suggest) wins unless another reads at least 5% better, so a list that reads well in its obvious layout is
never re-read another way. The winner's confidence is the share of its tasks that are complete; it is reported to
the clerk with the layout's name.
"""

from __future__ import annotations

from collections.abc import Sequence

from zwgk_xl.importers.cells import is_units
from zwgk_xl.importers.table import RawTable, build
from zwgk_xl.model import ImportResult, Layout

#: What the clerk reads for each layout.
LABELS = {
    "tsv": "表格文字：从 Excel 复制，制表符分隔，每行一条",
    "tabbed": "表格文字：每格一行、制表符缩进",
    "piped": "表格文字：“|”分隔，每行一条",
    "pipe-cells": "表格文字：每格一行、以“|”分隔",
    "blank-cells": "表格文字：每格一段、空行分隔",
    "para-cells": "表格文字：每格一段、空行分隔（按内容分行）",
    "line-cells": "表格文字：每格一行、无分隔符（如 PDF 复制）",
    "running": "表格文字：整行连排、无分隔（如 PDF 转文字）",
    "spaced": "表格文字：空格分隔，每行一条",
    "prose": "正文条目：一、（一）标题，1. 任务，括号内写单位",
    "sheet": "表格（Excel/CSV）",
    "docx": "Word 表格",
    "html": "网页表格",
    "pdf-table": "PDF 表格",
    "pdf-columns": "PDF 无线表格（按文字位置分列）",
}


def _complete(result: ImportResult) -> tuple[float, float]:
    """(score, confidence): a task is complete with text, real unit names and, where the list has deadlines, a
    readable one."""
    tasks = result.tasklist.tasks
    has_deadline = not any(f.code == "no-deadline-column" for f in result.findings) and any(
        t.deadline.kind != "none" for t in tasks
    )
    score, complete = 0.0, 0
    unplaced = {f.task_id for f in result.findings if f.code in ("row-unparsed",)}
    for t in tasks:
        names = [u.display() for u in (*t.lead, *t.responsible)]
        units = bool(names) and all(is_units(n) for n in names)
        dl = t.deadline.kind in ("date", "ongoing")
        score += (1.0 if t.text else 0.0) + (1.0 if units else -1.0 if names else 0.0)
        score += 0.5 if dl else -0.5 if t.deadline.kind == "unknown" else 0.0
        score -= 2.0 if t.id in unplaced else 0.0
        if t.text and units and (dl or not has_deadline):
            complete += 1
    return score, (complete / len(tasks) if tasks else 0.0)


def choose(candidates: Sequence[tuple[str, RawTable]], **meta: object) -> ImportResult | None:
    """Build every candidate and keep the best reading (see the module docstring)."""
    best: tuple[float, str, float, ImportResult] | None = None
    tried = tuple(dict.fromkeys(LABELS.get(n, n) for n, _ in candidates))
    for name, table in candidates:
        result = build(table, **meta)  # type: ignore[arg-type]
        score, confidence = _complete(result)
        score += confidence  # among readings as full, the one whose tasks are complete
        if best is None or score > best[0] + max(0.5, 0.05 * best[0]):
            best = (score, name, confidence, result)
    if best is None:
        return None
    score, name, confidence, result = best
    layout = Layout(name, LABELS.get(name, name), confidence, tried)
    return ImportResult(result.tasklist, result.findings, layout)
