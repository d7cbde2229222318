"""The facts the documents are written from: the merged workbook's results plus every unit's own words.

Plain data and the path from a consolidation in memory; `source.read_facts` reads the same from a merged workbook.

The figures (statuses, overdue, who returned) come from the report the merge wrote into its very hidden sheet
(`read_report`), so every number in a document equals the workbook's. The units' texts are not in that sheet:
they are read from 填报明细 (one row per unit and task), and who filled a return in, when, and in which file from
汇总's table of units — both found by their headers, and matched by unit and task rather than by position, so a
clerk who sorted or filtered those sheets in Excel before saving does not shift an answer onto another unit.

`facts_from_consolidation` builds the same facts from a consolidation in memory (what the merge writer uses for
the 通报 sheet; a test holds the two paths equal).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zwgk_xl import contract as C
from zwgk_xl import vocab as V
from zwgk_xl.deadlines import parse as parse_deadline
from zwgk_xl.model import Task, TaskList, Unit
from zwgk_xl.report import Report, from_consolidation


@dataclass(frozen=True)
class Entry:
    """One unit on one task: the status as the merge counted it, and the unit's texts exactly as typed."""

    unit: Unit
    task_id: str
    role: str
    status: str
    overdue: bool
    progress: str = ""
    done_date: str = ""
    evidence: str = ""
    plan: str = ""
    lead_summary: str = ""

    @property
    def returned(self) -> bool:
        return self.status != V.NOT_REPORTED


@dataclass(frozen=True)
class UnitReturn:
    """One unit's line of 汇总: its figures and its return (filled in by, phone, date, file)."""

    unit: Unit
    returned: bool
    tasks: int
    leads: int
    counts: dict[str, int]
    overdue: int
    reporter: str = ""
    phone: str = ""
    date: str = ""
    file: str = ""

    @property
    def done_rate(self) -> float:
        """汇总's 完成率: 已完成 ÷ (tasks − 不涉及) (consolidation.RATE_NOTE); 0 for a unit that has not returned or
        has only 不涉及 (汇总 shows those as 未报送 / —)."""
        base = self.tasks - self.counts.get(V.NOT_APPLICABLE, 0)
        return self.counts.get(V.DONE, 0) / base if self.returned and base > 0 else 0.0


@dataclass(frozen=True)
class Facts:
    report: Report
    units: tuple[UnitReturn, ...]
    entries: tuple[Entry, ...]

    @property
    def tasklist(self) -> TaskList:
        return self.report.master.tasklist

    @property
    def as_of(self) -> dt.date:
        return dt.date.fromisoformat(self.report.as_of)

    @property
    def round(self) -> str:
        return self.report.master.round

    @property
    def return_due_text(self) -> str:
        return self.report.master.meta.get(C.K_DUE, "")

    @property
    def return_due(self) -> dt.date | None:
        return parse_day(self.return_due_text, self.tasklist.year or self.as_of.year)

    def task(self, task_id: str) -> Task:
        return self.report.task(task_id)

    def entries_of(self, task_id: str) -> list[Entry]:
        return self._index()[0].get(task_id, [])

    def entries_for(self, unit_id: str) -> list[Entry]:
        return self._index()[1].get(unit_id, [])

    def _index(self) -> tuple[dict[str, list[Entry]], dict[str, list[Entry]]]:
        """Entries by task and by unit, built once (a frozen dataclass: kept in its __dict__)."""
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            by_task: dict[str, list[Entry]] = defaultdict(list)
            by_unit: dict[str, list[Entry]] = defaultdict(list)
            for e in self.entries:
                by_task[e.task_id].append(e)
                by_unit[e.unit.id].append(e)
            cached = (by_task, by_unit)
            object.__setattr__(self, "_index_cache", cached)
        return cached


_YMD = re.compile(r"(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})")


def parse_day(text: str, year: int) -> dt.date | None:
    """A day as the office or a unit typed it (2022-11-30, 2022.11.30, 2022年11月30日, 11月30日); None if none."""
    text = (text or "").strip()
    if not text:
        return None
    if m := _YMD.search(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    d = parse_deadline(text, year)
    return d.due if d.kind == "date" else None


def facts_from_consolidation(result: Any) -> Facts:
    """The facts of a consolidation in memory (``zwgk_xl.merge.Consolidation``)."""
    report = from_consolidation(result)
    subs = {s.unit.id: s for s in result.collection.submissions}
    units = tuple(
        UnitReturn(
            u.unit,
            u.returned,
            u.tasks,
            u.leads,
            dict(u.counts),
            u.overdue,
            u.reporter,
            u.phone,
            u.date,
            Path(u.file).name if u.file else "",
        )
        for u in result.units
    )
    entries = []
    for a in report.assignments:
        unit = report.master.roster.get(a.unit_id)
        if unit is None:
            continue
        sub = subs.get(a.unit_id)
        ans = sub.answer(a.task_id) if sub else None
        texts: dict[str, str] = {}
        if ans is not None:
            texts = {
                "progress": ans.progress,
                "done_date": ans.done_date.isoformat() if ans.done_date else ans.done_date_raw,
                "evidence": ans.evidence,
                "plan": ans.plan,
                "lead_summary": ans.lead_summary,
            }
        entries.append(Entry(unit, a.task_id, a.role, a.status, a.overdue, **texts))
    return Facts(report, units, tuple(entries))
