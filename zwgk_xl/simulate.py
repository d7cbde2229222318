"""A seeded simulation of units filling in their workbooks — for `make demo` and the tests, never for real
consolidation (nothing in collect or merge imports it).

Files are filled with openpyxl, the way a unit's office software re-saves them. Scenarios, chosen by seed among
the units of an outbox: most units return on time; one returns late with work not started; one resends a
corrected file; one deletes a row; one types a formula; one uses its own words for statuses; one never returns.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from zwgk_xl import contract as C
from zwgk_xl import vocab as V

PROGRESS = (
    "已在政府信息公开平台专栏集中公开相关信息{n}条，并同步更新政务新媒体。",
    "已制定工作方案，明确责任科室和时间节点，正在按计划推进。",
    "组织开展专题培训{n}次，覆盖工作人员{m}人次。",
    "已完成栏目梳理和内容更新，累计发布政策解读{n}篇。",
)
PLANS = ("下一步将继续加强督促检查，确保按期完成。", "", "存在人员力量不足的问题，将加强统筹。")


@dataclass
class Scenario:
    on_time: list[str] = field(default_factory=list)
    late: str = ""
    resend: str = ""
    deleted_row: tuple[str, str] = ("", "")
    formula: tuple[str, str] = ("", "")
    synonyms: str = ""
    never: str = ""
    files: dict[str, list[Path]] = field(default_factory=dict)


def _unit_name(path: Path) -> str:
    wb = load_workbook(path, read_only=True)
    ws = wb[C.SHEET_HIDDEN]
    meta = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    wb.close()
    return str(meta[C.K_UNIT_NAME])


def fill(
    src: Path,
    dst: Path,
    rng: random.Random,
    *,
    day: dt.date,
    statuses: tuple[str, ...] = C.STATUSES,
    formula: bool = False,
    delete_row: bool = False,
    words: bool = False,
) -> str:
    """Fill one unit workbook like a unit would and save it under ``dst``. Returns the task id acted on, if any."""
    wb = load_workbook(src)
    ws = wb[C.SHEET_UNIT]
    headers = {ws.cell(C.UNIT_HEADER_ROW + 1, c).value: c for c in range(1, ws.max_column + 1)}
    col = {c.field: headers.get(c.header) for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY)}
    role_col = headers[next(c.header for c in C.UNIT_LOCKED if c.field == "role")]
    info = {name: v0 + 1 for name, _, _, v0, _ in C.UNIT_INFO}
    ws.cell(C.UNIT_INFO_ROW + 1, info["填报人"]).value = rng.choice(("王芳", "李强", "陈静", "张伟", "刘洋"))
    ws.cell(C.UNIT_INFO_ROW + 1, info["联系电话"]).value = f"0575-8{rng.randint(1000000, 9999999)}"
    ws.cell(C.UNIT_INFO_ROW + 1, info["填报日期"]).value = dt.datetime(day.year, day.month, day.day)
    acted = ""
    first = C.UNIT_FIRST_ROW + 1
    for r in range(first, ws.max_row + 1):
        tid = ws.cell(r, 1).value
        if not tid:
            continue
        status = rng.choices(statuses, weights=[5, 3, 3, 1, 1][: len(statuses)])[0]
        if words:
            status = {V.DONE: "完成", V.IN_PROGRESS: "进行中", V.NOT_STARTED: "未开始"}.get(status, status)
        ws.cell(r, col["status"]).value = status
        n, m = rng.randint(2, 30), rng.randint(20, 300)
        if status != V.NOT_STARTED:
            ws.cell(r, col["progress"]).value = rng.choice(PROGRESS).format(n=n, m=m)
        if status == V.DONE:
            ws.cell(r, col["done_date"]).value = dt.datetime(day.year, rng.randint(1, day.month), rng.randint(1, 28))
            ws.cell(r, col["evidence"]).value = f"公开链接{n}条、工作方案1份"
        ws.cell(r, col["plan"]).value = rng.choice(PLANS) or None
        if col.get("lead_summary") and ws.cell(r, role_col).value == C.ROLE_LEAD:
            ws.cell(r, col["lead_summary"]).value = "已汇总各责任单位落实情况，整体按计划推进。"
        if formula and not acted:
            ws.cell(r, col["progress"]).value = '=HYPERLINK("http://example.invalid","详见链接")'
            acted = str(tid)
    if delete_row and ws.max_row > first:
        acted = str(ws.cell(first, 1).value)
        ws.delete_rows(first)
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    stamp = dt.datetime(day.year, day.month, day.day, 10).timestamp()
    os.utime(dst, (stamp, stamp))
    return acted


def fill_returns(outbox: Path, returns: Path, *, seed: int = 7, due: dt.date = dt.date(2022, 11, 30)) -> Scenario:
    """Fill every workbook of an outbox into ``returns`` according to the scenarios above."""
    rng = random.Random(seed)
    files = sorted(outbox.glob("*.xlsx"))
    names = {f: _unit_name(f) for f in files}
    order = list(files)
    rng.shuffle(order)
    sc = Scenario()
    roles = dict(zip(("never", "late", "resend", "deleted", "formula", "synonyms"), order, strict=False))
    returns.mkdir(parents=True, exist_ok=True)
    for f in files:
        name = names[f]
        dst = returns / f.name
        on_time = due - dt.timedelta(days=rng.randint(1, 20))
        if f == roles.get("never"):
            sc.never = name
            continue
        if f == roles.get("late"):
            fill(f, dst, rng, day=due + dt.timedelta(days=12), statuses=(V.NOT_STARTED, V.IN_PROGRESS))
            sc.late = name
        elif f == roles.get("resend"):
            first = returns / "第一次报送" / f.name
            fill(f, first, rng, day=on_time - dt.timedelta(days=5))
            fill(f, dst.with_name(f.stem + "（更正）.xlsx"), rng, day=on_time)
            sc.resend = name
            sc.files[name] = [first, dst.with_name(f.stem + "（更正）.xlsx")]
            continue
        elif f == roles.get("deleted"):
            sc.deleted_row = (name, fill(f, dst, rng, day=on_time, delete_row=True))
        elif f == roles.get("formula"):
            sc.formula = (name, fill(f, dst, rng, day=on_time, formula=True))
        elif f == roles.get("synonyms"):
            fill(f, dst, rng, day=on_time, words=True)
            sc.synonyms = name
        else:
            fill(f, dst, rng, day=on_time)
            sc.on_time.append(name)
        sc.files[name] = [dst]
    return sc


@dataclass
class NextScenario:
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    stale: str = ""
    never: str = ""


def fill_next_round(
    outbox: Path, returns: Path, previous: Path, *, seed: int = 11, day: dt.date = dt.date(2023, 1, 4)
) -> NextScenario:
    """A later round's returns from pre-filled workbooks: about half the units move some tasks on (推进中 → 已完成,
    new progress text), the rest send every carried value back as it was (only the 填报日期 changes), one unit sends
    its file of the earlier round again (from ``previous``), one does not return."""
    rng = random.Random(seed)
    files = sorted(outbox.glob("*.xlsx"))
    names = {f: _unit_name(f) for f in files}
    order = list(files)
    rng.shuffle(order)
    stale, never = [*order, None, None][:2]
    sc = NextScenario()
    returns.mkdir(parents=True, exist_ok=True)
    old = {_unit_name(p): p for p in sorted(previous.rglob("*.xlsx"))}
    for f in files:
        name = names[f]
        if f == never:
            sc.never = name
            continue
        if f == stale and name in old:
            data = old[name].read_bytes()
            (returns / f"{f.stem}（上轮）.xlsx").write_bytes(data)
            sc.stale = name
            continue
        wb = load_workbook(f)
        ws = wb[C.SHEET_UNIT]
        headers = {ws.cell(C.UNIT_HEADER_ROW + 1, c).value: c for c in range(1, ws.max_column + 1)}
        col = {c.field: headers.get(c.header) for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY)}
        info = {n: v0 + 1 for n, _, _, v0, _ in C.UNIT_INFO}
        ws.cell(C.UNIT_INFO_ROW + 1, info["填报日期"]).value = dt.datetime(day.year, day.month, day.day)
        moved = False
        if rng.random() < 0.5:
            for r in range(C.UNIT_FIRST_ROW + 1, ws.max_row + 1):
                status = ws.cell(r, col["status"]).value
                if status in (V.IN_PROGRESS, V.NOT_STARTED) and rng.random() < 0.6:
                    ws.cell(r, col["status"]).value = V.DONE
                    ws.cell(r, col["progress"]).value = rng.choice(PROGRESS).format(n=rng.randint(2, 30), m=50)
                    ws.cell(r, col["done_date"]).value = dt.datetime(day.year, day.month, rng.randint(1, day.day))
                    moved = True
        (sc.updated if moved else sc.kept).append(name)
        wb.save(returns / f.name)
    return sc
