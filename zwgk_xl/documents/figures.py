"""Everything the draft report and the ledger say, computed without writing anything: the overview's figures, each
task's account with the units' words quoted (wording.py), problems and plans by section, unfinished tasks, the
attachment table and the ledger rows. The Word and Excel writers only lay these values out, so a test can hold every
number to the merged workbook and every quoted text to a unit's own answer. The 通报's colours and rankings are in
standing.py.

Rules (what the issue left to us, chosen here):

- 按期报送: a unit returned and its 填报日期 is on or before the return deadline the master was built with
  (``--due``); a return without a date, or a master without a deadline, counts as returned but not dated.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from zwgk_xl import contract as C
from zwgk_xl import vocab as V
from zwgk_xl.documents.facts import Entry, Facts, UnitReturn, parse_day
from zwgk_xl.documents.wording import (
    Segment,
    Statement,
    cn_date,
    merge_duplicates,
    names,
    said_by,
    short_title,
    split_plan,
    trim,
)
from zwgk_xl.model import Section, Task

NOT_REPORTED = V.NOT_REPORTED
UNFILLED = V.UNFILLED
LEAD = V.ROLE_LEAD
#: Statuses in the order the documents list them (the merged workbook's order).
STATUS_ORDER = V.TASK_STATUSES  # a task's 总体状态 (待指定 included), 汇总's key figures
QUOTED_GROUPS = 4


# ------------------------------------------------------------------------------------------------ figures


@dataclass(frozen=True)
class Overview:
    """总体情况: every figure equals the merged workbook's (汇总's key figures and its table of units)."""

    as_of: dt.date
    round: str
    tasks: int
    sections: int
    statuses: dict[str, int]
    overdue: int
    units: int
    returned: int
    on_time: tuple[str, ...]
    undated: tuple[str, ...]
    late: tuple[tuple[str, str], ...]
    missing: tuple[str, ...]
    return_due: dt.date | None
    leads: int

    @property
    def nothing_returned(self) -> bool:
        return self.returned == 0


def return_standing(u: UnitReturn, due: dt.date | None, year: int) -> tuple[str, dt.date | None]:
    """ "on_time" / "late" / "undated" / "missing", and the return's date."""
    if not u.returned:
        return "missing", None
    day = parse_day(u.date, year)
    if day is None:
        return "undated", None
    if due is None:
        return "undated", day
    return ("on_time" if day <= due else "late"), day


def overview(facts: Facts) -> Overview:
    rep = facts.report
    counts = Counter(t.status for t in rep.tasks)
    due = facts.return_due
    year = facts.tasklist.year or facts.as_of.year
    on_time, undated, late, missing = [], [], [], []
    for u in facts.units:
        kind, day = return_standing(u, due, year)
        name = u.unit.short
        if kind == "on_time":
            on_time.append(name)
        elif kind == "undated":
            undated.append(name)
        elif kind == "late":
            late.append((name, cn_date(day) if day else u.date))
        else:
            missing.append(name)
    return Overview(
        as_of=facts.as_of,
        round=facts.round,
        tasks=len(rep.tasks),
        sections=sum(1 for s in facts.tasklist.sections if s.level == 1),
        statuses={s: counts.get(s, 0) for s in STATUS_ORDER},
        overdue=sum(1 for t in rep.tasks if t.overdue),
        units=len(facts.units),
        returned=sum(1 for u in facts.units if u.returned),
        on_time=tuple(on_time),
        undated=tuple(undated),
        late=tuple(late),
        missing=tuple(missing),
        return_due=due,
        leads=sum(1 for u in facts.units if u.leads),
    )


def overview_text(ov: Overview, title: str) -> list[str]:
    """The paragraphs of 总体情况."""
    first = (
        f"《{title}》共{ov.sections}个部分、{ov.tasks}项重点任务，涉及{ov.units}个单位（其中牵头单位{ov.leads}个）。"
    )
    first += f"本次汇总轮次为“{ov.round}”，" if ov.round else ""
    first += f"数据截至{cn_date(ov.as_of)}。"
    if ov.nothing_returned:
        return [
            first,
            f"截至{cn_date(ov.as_of)}，尚无单位报送落实情况（应报送{ov.units}个单位），"
            f"{ov.tasks}项任务均为未报送，以下各项暂无进展可报。待各单位报送后重新汇总生成本报告。",
        ]
    ret = f"报送方面，{ov.units}个单位中已报送{ov.returned}个"
    parts = []
    if ov.return_due:
        parts.append(f"按期（{cn_date(ov.return_due)}前）报送{len(ov.on_time)}个")
        if ov.late:
            parts.append(f"逾期报送{len(ov.late)}个（{names([n for n, _ in ov.late])}）")
        if ov.undated:
            parts.append(f"未填报送日期{len(ov.undated)}个")
    ret += ("，其中" + "，".join(parts)) if parts else ""
    ret += f"；未报送{len(ov.missing)}个（{names(list(ov.missing))}）。" if ov.missing else "；全部单位均已报送。"
    st = "，".join(f"{s}{n}项" for s, n in ov.statuses.items() if n and s != NOT_REPORTED)
    tasks = f"任务方面，{ov.tasks}项任务中{st}"
    if ov.statuses.get(NOT_REPORTED):
        tasks += f"，尚无单位报送的{ov.statuses[NOT_REPORTED]}项"
    tasks += f"；已过完成时限仍未完成的（逾期）{ov.overdue}项。" if ov.overdue else "；没有逾期任务。"
    return [first, ret, tasks]


# ------------------------------------------------------------------------------------------------ tasks


def task_labels(tasks: tuple[Task, ...]) -> dict[str, str]:
    """How a task is named: its printed 序号 where those are unique across the list, else its 任务编号."""
    numbers = Counter(t.number for t in tasks)
    unique = all(n == 1 for n in numbers.values()) and all(t.number for t in tasks)
    return {t.id: (t.number if unique else t.id) for t in tasks}


@dataclass(frozen=True)
class TaskAccount:
    task: Task
    label: str
    short: str
    status: str
    overdue: bool
    reported: str
    segments: tuple[Segment, ...]


def _plain_status(e: Entry) -> str:
    return UNFILLED if e.status == UNFILLED else e.status


def task_account(facts: Facts, task: Task, label: str) -> TaskAccount:
    """One task: its figures from the report, and a paragraph of its units' own words (lead first)."""
    line = facts.report.line(task.id)
    entries = facts.entries_of(task.id)
    segs: list[Segment] = []
    returned = sorted((e for e in entries if e.returned), key=lambda e: e.role != LEAD)  # leads first
    leads = [e for e in returned if e.role == LEAD]
    few = len(leads) <= 3  # with a few leads each is marked (牵头); a task led by every town says so once

    def who(units: list[str]) -> str:
        marked = [f"{u}（牵头）" if few and u in lead_names else u for u in units]
        return names(marked)

    lead_names = {e.unit.short for e in leads}
    if leads and not few:
        segs.append(f"牵头单位{len(leads)}个已报送。")
    summaries = merge_duplicates([(e.unit.short, "", "lead_summary", trim(e.lead_summary)) for e in leads])
    for st in summaries[:3]:
        segs += said_by(f"{names(st.units)}牵头汇总：", st.quote())
    if len(summaries) > 3:
        segs.append(f"另有{sum(len(s.units) for s in summaries[3:])}个牵头单位填写了牵头汇总。")
    groups = merge_duplicates([(e.unit.short, "", "progress", trim(e.progress)) for e in returned if e.progress])
    for st in groups[:QUOTED_GROUPS]:
        segs += said_by(f"{who(st.units)}：", st.quote())
    if len(groups) > QUOTED_GROUPS:
        rest = sum(len(s.units) for s in groups[QUOTED_GROUPS:])
        segs.append(f"另有{rest}个单位报送了进展（见附件及汇总工作簿“填报明细”）。")
    resp = returned
    silent: dict[str, list[str]] = {}
    for e in resp:
        if not e.progress:
            silent.setdefault(_plain_status(e), []).append(e.unit.short)
    for status, units in silent.items():
        segs.append(f"{who(units)}：{status}，未填写进展情况。")
    missing = [e.unit.short for e in entries if not e.returned]
    if missing and len(missing) == len(entries):
        segs.append("尚无单位报送。")
    elif missing:
        segs.append(f"{names(missing)}尚未报送。")
    return TaskAccount(task, label, short_title(task.text), line.status, line.overdue, line.reported, tuple(segs))


@dataclass(frozen=True)
class SectionAccount:
    section: Section | None
    subsections: tuple[tuple[Section | None, tuple[TaskAccount, ...]], ...]


def by_section(facts: Facts) -> list[SectionAccount]:
    """Tasks under their level-1 and level-2 sections, in the list's order."""
    tl = facts.tasklist
    labels = task_labels(tl.tasks)
    out: list[SectionAccount] = []
    index: dict[str | None, dict[str | None, list[TaskAccount]]] = {}
    groups: dict[tuple[str, ...], list[Task]] = {}
    for t in tl.tasks:
        groups.setdefault(t.section_path, []).append(t)
    local: dict[str, str] = {}  # a list that numbers its tasks afresh in each section (海曙 2021) is labelled so
    for tasks in groups.values():
        local.update(task_labels(tuple(tasks)))
    for t in tl.tasks:
        path = list(t.section_path)
        top = path[0] if path else None
        sub = path[1] if len(path) > 1 else None
        index.setdefault(top, {}).setdefault(sub, []).append(task_account(facts, t, local.get(t.id, labels[t.id])))
    for top, subs in index.items():
        out.append(
            SectionAccount(
                tl.section(top) if top else None,
                tuple((tl.section(s) if s else None, tuple(accts)) for s, accts in subs.items()),
            )
        )
    return out


def _top(facts: Facts, task: Task) -> str:
    return task.section_path[0] if task.section_path else ""


def statements(facts: Facts, which: str) -> list[tuple[Section | None, list[Statement]]]:
    """存在的问题 (``which="problems"``) or 下步计划 (``"plans"``), grouped by level-1 section, duplicates merged."""
    tl = facts.tasklist
    labels = task_labels(tl.tasks)
    items: dict[str, list[tuple[str, str, str, str]]] = {}
    for t in tl.tasks:
        for e in facts.entries_of(t.id):
            if not e.plan:
                continue
            problems, plans = split_plan(e.plan)
            for s in problems if which == "problems" else plans:
                items.setdefault(_top(facts, t), []).append((e.unit.short, labels[t.id], "plan", s))
    out = []
    for sid, got in items.items():
        merged = merge_duplicates(got)
        if merged:
            out.append((tl.section(sid) if sid else None, merged))
    return out


def unfinished(facts: Facts) -> dict[str, list[TaskAccount]]:
    """Tasks not yet done, by what holds them: 逾期 first, then 未启动, 未报送, 推进中."""
    tl = facts.tasklist
    labels = task_labels(tl.tasks)
    out: dict[str, list[TaskAccount]] = {"逾期": [], V.NOT_STARTED: [], NOT_REPORTED: [], V.IN_PROGRESS: []}
    for t in tl.tasks:
        line = facts.report.line(t.id)
        acct = TaskAccount(t, labels[t.id], short_title(t.text), line.status, line.overdue, line.reported, ())
        if line.overdue:
            out["逾期"].append(acct)
        elif line.status in out:
            out[line.status].append(acct)
    return {k: v for k, v in out.items() if v}


# ------------------------------------------------------------------------------------------------ attachment


@dataclass(frozen=True)
class AttachmentRow:
    label: str
    text: str
    lead: str
    status: str
    done_date: str
    evidence: str


def _lead_names(facts: Facts, task: Task) -> str:
    units = [e.unit.short for e in facts.entries_of(task.id) if e.role == LEAD]
    return "、".join(units) or task.lead_raw or "、".join(u.display() for u in task.lead)


def completion_date(entries: list[Entry]) -> str:
    """The lead's 完成（预计）时间 where it gave one, else the latest any unit gave (as typed)."""
    for e in entries:
        if e.role == LEAD and e.done_date:
            return e.done_date
    dates = [e.done_date for e in entries if e.done_date]
    return max(dates) if dates else ""


def attachment(facts: Facts) -> list[AttachmentRow]:
    """附件：重点任务落实情况表, one row per task."""
    tl = facts.tasklist
    labels = task_labels(tl.tasks)
    rows = []
    for t in tl.tasks:
        line = facts.report.line(t.id)
        entries = facts.entries_of(t.id)
        given = [e for e in entries if e.evidence]
        first = [e for e in given if e.role == LEAD] or given  # the lead's evidence where it gave any
        ev = merge_duplicates([(e.unit.short, "", "evidence", e.evidence) for e in first])
        evidence = "；".join(f"{names(s.units, 2)}：{s.text}" for s in ev[:2])
        others = len(given) - sum(len(s.units) for s in ev[:2])
        if others > 0:
            evidence += f"；另有{others}个单位（见台账）"
        status = line.status + ("（逾期）" if line.overdue else "")
        done = completion_date(entries)
        lead = "、".join(u.display() for u in t.lead) or t.lead_raw  # as the list prints it
        rows.append(AttachmentRow(labels[t.id], t.text, lead, status, done, evidence))
    return rows


# ------------------------------------------------------------------------------------------------ 台账

#: (header, width): the widths (with XlsxWriter's padding) add up to contract.PAGE_CHARS, which A4 landscape prints
#: at about 89 %: the 11-pt text at 9.8 pt (wider columns had fit-to-width print 12-pt text at 7.5 pt).
LEDGER_COLUMNS: tuple[tuple[str, float], ...] = (
    ("栏目", 4),
    ("任务编号", 4.5),
    ("序号", 3.5),
    ("重点工作", 12),
    ("牵头单位", 6),
    ("完成时限", 4.5),
    ("单位", 6),
    ("角色", 3.5),
    ("完成状态", 5),
    ("逾期", 3.5),
    ("进展情况", 13),
    ("完成（预计）时间", 6),
    ("佐证材料", 7),
    ("存在问题及下步计划", 7),
    ("牵头汇总", 6),
    ("填报人", 4.5),
    ("联系电话", 7),
    ("填报日期", 6),
    ("报送文件", 5.5),
)


@dataclass(frozen=True)
class LedgerRow:
    heading: str  # the full section heading(s) the row's task sits under
    cells: list[str]


def ledger_rows(facts: Facts) -> list[LedgerRow]:
    """台账: one row per task and unit, sorted by section and task (the list's order), units lead first then in
    roster order; every field as typed, all text. The 栏目 cell holds the section numbers (一、（一）) and the
    row its full heading, which the writer prints as a band above each section."""
    tl = facts.tasklist
    returns = {u.unit.id: u for u in facts.units}
    rows = []
    for t in tl.tasks:
        secs = [tl.section(sid) for sid in t.section_path]
        code = "".join(s.number for s in secs)
        heading = "　".join(s.heading for s in secs)
        lead = "、".join(u.display() for u in t.lead) or t.lead_raw  # as the list prints it
        entries = sorted(facts.entries_of(t.id), key=lambda e: e.role != LEAD)
        for e in entries:
            r = returns.get(e.unit.id) if e.returned else None
            rows.append(
                LedgerRow(
                    heading,
                    [
                        code,
                        t.id,
                        t.number,
                        t.text,
                        lead,
                        t.deadline.text,
                        e.unit.short,
                        e.role,
                        e.status,
                        "逾期" if e.overdue else "",
                        e.progress,
                        C.display_date(e.done_date),
                        e.evidence,
                        e.plan,
                        e.lead_summary,
                        r.reporter if r else "",
                        r.phone if r else "",
                        r.date if r else "",
                        r.file if r else "",
                    ],
                )
            )
    return rows
