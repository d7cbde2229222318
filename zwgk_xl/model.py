"""Frozen data for the whole pipeline.

Everything here is plain data with no I/O, so each stage can be tested on values it builds in memory and the
CLI's ``--json`` is a straight dump of what the library returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
DeadlineKind = Literal["date", "ongoing", "unknown", "none"]
Role = Literal["牵头", "责任"]
RefKind = Literal["unit", "collective", "vague", "unknown", "none"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a clerk should know; rendered to the terminal, a sheet and mail from this same object."""

    code: str
    severity: Severity
    message: str
    unit: str = ""
    task_id: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A 完成时限 as printed plus what it means; ``dates`` keeps every date a cell names, in order."""

    text: str
    kind: DeadlineKind
    dates: tuple[dt.date, ...] = ()

    @property
    def due(self) -> dt.date | None:
        """The last date named: the day by which the whole task must be done."""
        return max(self.dates) if self.dates else None

    def to_json(self) -> str | None:
        if self.kind == "ongoing":
            return "ongoing"
        due = self.due
        return due.isoformat() if due else None


@dataclass(frozen=True, slots=True)
class UnitRef:
    """A unit name as printed in a lead or responsible cell, normalised, with any bracketed note split off."""

    name: str
    note: str = ""

    def display(self) -> str:
        return f"{self.name}（{self.note}）" if self.note else self.name


@dataclass(frozen=True)
class Section:
    """A heading of the list; ``number`` is kept exactly as printed (一、 or （一）) so outputs can echo it."""

    id: str
    number: str
    title: str
    level: int
    parent: str | None = None

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    number: str
    section_path: tuple[str, ...]
    text: str
    requirement: str = ""
    lead: tuple[UnitRef, ...] = ()
    responsible: tuple[UnitRef, ...] = ()
    lead_raw: str = ""
    responsible_raw: str = ""
    deadline: Deadline = field(default_factory=lambda: Deadline("", "none"))
    remark: str = ""
    number_assigned: bool = False


@dataclass(frozen=True)
class TaskList:
    title: str
    year: int | None
    issuer: str
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    notice: str = ""
    source: str = ""

    def __repr__(self) -> str:
        return f"TaskList({self.title!r}, {self.year}, {len(self.sections)} sections, {len(self.tasks)} tasks)"

    def section(self, section_id: str) -> Section:
        return self._sections[section_id]

    @cached_property
    def _sections(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    @cached_property
    def has_requirement(self) -> bool:
        """Whether the list prints 工作要求 at all (its column is hidden in outputs when not)."""
        return any(t.requirement for t in self.tasks)

    def to_json(self) -> dict[str, Any]:
        """The shape ``zwgk import --json`` prints; unit names are the normalised printed names."""
        return {
            "title": self.title,
            "year": self.year,
            "issuer": self.issuer,
            "notice": self.notice,
            "sections": [
                {"id": s.id, "number": s.number, "title": s.title, "level": s.level, "parent": s.parent}
                for s in self.sections
            ],
            "tasks": [
                {
                    "id": t.id,
                    "number": t.number,
                    "section": [self.section(s).heading for s in t.section_path],
                    "text": t.text,
                    "requirement": t.requirement,
                    "lead": [u.display() for u in t.lead],
                    "responsible": [u.display() for u in t.responsible],
                    "deadline_text": t.deadline.text,
                    "deadline": t.deadline.to_json(),
                    "deadline_dates": [d.isoformat() for d in t.deadline.dates],
                }
                for t in self.tasks
            ],
        }


@dataclass(frozen=True, slots=True)
class Unit:
    """A real unit of the roster; ``kind`` (类别) is what collective designations expand by."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = ""
    email: str = ""
    contact: str = ""

    @property
    def short(self) -> str:
        """The 简称 where the roster gives one: what sheet names, tables and progress lines show."""
        return self.aliases[0] if self.aliases else self.name


@dataclass(frozen=True)
class Resolved:
    """What a printed name means against a roster: one unit, a collective (several units), vague, or unknown."""

    ref: UnitRef
    kind: RefKind
    units: tuple[Unit, ...] = ()
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    unit: Unit
    role: Role
    via: str = ""
    note: str = ""


@dataclass(frozen=True)
class Layout:
    """How the importer read a list: the layout it recognised, in words a clerk reads, and how sure it is
    (the share of tasks with text, a unit and a readable deadline where the list has a deadline)."""

    name: str
    label: str
    confidence: float
    tried: tuple[str, ...] = ()

    @property
    def sureness(self) -> str:
        return "高" if self.confidence >= 0.9 else "中" if self.confidence >= 0.6 else "低"


class Outcome:
    """What every call of the loop returns shares this shape: its result plus ``findings``, and ``has_errors``
    (the CLI's exit status, an analyst's first question)."""

    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


@dataclass(frozen=True)
class ImportResult(Outcome):
    tasklist: TaskList
    findings: tuple[Finding, ...]
    layout: Layout | None = None

    def __repr__(self) -> str:
        return f"ImportResult({self.tasklist!r}, {len(self.findings)} findings)"

    def to_json(self) -> dict[str, Any]:
        out = self.tasklist.to_json()
        out["findings"] = [f.to_dict() for f in self.findings]
        return out


@dataclass(frozen=True)
class Roster:
    """The 单位名册: the only place unit names, kinds and addresses live (no unit is named in code)."""

    units: tuple[Unit, ...]
    source: str = ""

    def __repr__(self) -> str:
        return f"Roster({len(self.units)} units, source={self.source!r})"

    def get(self, unit_id: str) -> Unit | None:
        return self._by_id.get(unit_id)

    @cached_property
    def _by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    def of_kinds(self, kinds: frozenset[str]) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.kind in kinds)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {u.id: i for i, u in enumerate(self.units)}

    def order(self, unit: Unit) -> int:
        """Roster order, which outputs follow so a clerk finds units where the 名册 puts them."""
        return self._positions.get(unit.id, len(self.units))


@dataclass(frozen=True, slots=True)
class Answer:
    """One task row of a return, as the unit filled it. Its cells (for links) are its row and the file's
    field → column letters, a tuple shared by every answer of one return: with a text per field the references
    were a fifth of a consolidation's memory."""

    task_id: str
    role: str
    status: str = ""
    status_raw: str = ""
    progress: str = ""
    done_date: dt.date | None = None
    done_date_raw: str = ""
    evidence: str = ""
    plan: str = ""
    lead_summary: str = ""
    row: int = 0
    columns: tuple[tuple[str, str], ...] = ()

    def cell(self, field_name: str) -> str:
        """The cell ("H7") the unit typed ``field_name`` in, or "" where the row had no such cell."""
        for f, letters in self.columns:
            if f == field_name:
                return f"{letters}{self.row}"
        return ""

    def texts(self) -> dict[str, str]:
        """Every non-empty input a unit typed, by field: what must never be lost."""
        out = {
            "status": self.status_raw or self.status,
            "progress": self.progress,
            "done_date": self.done_date_raw or (self.done_date.isoformat() if self.done_date else ""),
            "evidence": self.evidence,
            "plan": self.plan,
            "lead_summary": self.lead_summary,
        }
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class Submission:
    """A returned workbook that was identified as one unit's answer to this list."""

    file: str
    sheet: str
    unit: Unit
    identified_by: str
    round: str
    reporter: str
    phone: str
    date: dt.date | None
    date_raw: str
    mtime: float
    answers: tuple[Answer, ...]

    def answer(self, task_id: str) -> Answer | None:
        return self._by_task.get(task_id)

    @cached_property
    def _by_task(self) -> dict[str, Answer]:
        return {a.task_id: a for a in self.answers}
