"""Who gets which task in which role: the one answer that build, split, collect, the checks, consolidation and mail
share. A task's lead and responsible names resolve through the roster (collectives expanded, vague designations
left for the clerk to name); each unit gets its tasks in list order, and the locked cells it is sent.

Also the one place that says a task names a unit nobody can find (``vague-designation``, ``unit-unknown``): the
task-list checks and the plan raise them through :func:`unit_finding`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.model import Assignment, Finding, Resolved, Roster, Task, TaskList, Unit
from zwgk_xl.units import RosterIndex, join_names
from zwgk_xl.vocab import ROLE_LEAD, ROLE_RESPONSIBLE


@dataclass(frozen=True)
class UnitPlan:
    """One unit's share of the list: its tasks in list order with its role on each."""

    unit: Unit
    rows: tuple[tuple[Task, Assignment], ...]

    @property
    def leads_any(self) -> bool:
        return any(a.role == ROLE_LEAD for _, a in self.rows)

    @property
    def leads(self) -> int:
        """How many of its tasks the unit leads."""
        return sum(1 for _, a in self.rows if a.role == ROLE_LEAD)

    def columns(self) -> tuple[C.Column, ...]:
        return C.UNIT_LOCKED + C.UNIT_INPUT + ((C.LEAD_SUMMARY,) if self.leads_any else ())

    @cached_property
    def locked(self) -> dict[str, list[str]]:
        """Each task's locked cells as sent, by task id (every return of this unit is compared with them)."""
        return {t.id: locked_values(t, a) for t, a in self.rows}

    @cached_property
    def fingerprint(self) -> str:
        return C.fingerprint(self.unit.name, list(self.locked.values()))


def task_fields(task: Task) -> dict[str, str]:
    """A task's own cells as text, by column field: the one task → cells mapping of every sheet that shows tasks
    (the 总表, a unit sheet's locked columns, 填报明细, the arrays Excel is given)."""
    return {
        "id": task.id,
        "number": task.number,
        "text": task.text,
        "requirement": task.requirement,
        "lead": join_names(task.lead),
        "responsible": join_names(task.responsible),
        "deadline": task.deadline.text,
    }


def locked_values(task: Task, a: Assignment) -> list[str]:
    """The locked cells of one task row, as text, in UNIT_LOCKED order (what the fingerprint covers)."""
    values = {**task_fields(task), "role": a.role}
    return [values[c.field] for c in C.UNIT_LOCKED]


def resolve_task(task: Task, index: RosterIndex) -> tuple[list[Resolved], list[Resolved]]:
    return [index.resolve(r) for r in task.lead], [index.resolve(r) for r in task.responsible]


def assignments(task: Task, index: RosterIndex) -> list[Assignment]:
    """The units a task reaches, in roster order, each once; a unit that is both lead and responsible is lead."""
    lead, resp = resolve_task(task, index)
    seen: dict[str, Assignment] = {}
    for role, resolved in ((ROLE_LEAD, lead), (ROLE_RESPONSIBLE, resp)):
        for r in resolved:
            for unit in r.units:
                if unit.id not in seen:
                    via = r.ref.name if r.kind == "collective" else ""
                    seen[unit.id] = Assignment(unit, role, via, r.ref.note)  # type: ignore[arg-type]
    return sorted(seen.values(), key=lambda a: index.roster.order(a.unit))


def hint(r: Resolved) -> str:
    """The nearest roster names for a name the roster does not know, for the clerk to correct it."""
    return f"，最接近的名册单位：{'、'.join(r.suggestions)}" if r.suggestions else "，名册中也没有相近的名称"


def unit_finding(task: Task, r: Resolved, file: str = "") -> Finding | None:
    """A name on a task that reaches no unit: a vague designation the clerk must name, or a name not in the roster."""
    if r.kind == "vague":
        return findings.make("vague-designation", unit=r.ref.name, task_id=task.id, file=file, name=r.ref.name)
    if r.kind == "unknown":
        return findings.make("unit-unknown", unit=r.ref.name, task_id=task.id, file=file, name=r.ref.name, hint=hint(r))
    return None


def plan_units(tl: TaskList, roster: Roster) -> tuple[list[UnitPlan], list[Unit], list[Finding]]:
    """Which unit gets which tasks (collectives expanded through the roster), in roster order.

    Units named only by a vague designation get nothing until the clerk names them; the findings say where."""
    index = RosterIndex(roster)
    rows: dict[str, list[tuple[Task, Assignment]]] = {u.id: [] for u in roster.units}
    out: list[Finding] = []
    for task in tl.tasks:
        for a in assignments(task, index):
            rows[a.unit.id].append((task, a))
        for ref in (*task.lead, *task.responsible):
            if f := unit_finding(task, index.resolve(ref)):
                out.append(f)
    plans = [UnitPlan(u, tuple(rows[u.id])) for u in roster.units if rows[u.id]]
    idle = [u for u in roster.units if not rows[u.id]]
    return plans, idle, out


@dataclass(frozen=True)
class Master:
    """A master workbook as read back: the list (with the clerk's edits), the roster, the hidden data and what
    reading found. Data only; ``workbook.master.read_master`` makes one, and every later stage plans from it."""

    path: Path
    tasklist: TaskList
    roster: Roster
    meta: dict[str, str]
    findings: tuple[Finding, ...]

    def __repr__(self) -> str:
        return f"Master({str(self.path)!r}, {self.tasklist!r}, {self.roster!r}, round={self.round!r})"

    @property
    def list_id(self) -> str:
        return self.meta.get(C.K_LIST_ID, "")

    @property
    def round(self) -> str:
        return self.meta.get(C.K_ROUND, "")

    @cached_property
    def earlier_rounds(self) -> frozenset[str]:
        """Rounds merged before this master's (``zwgk next`` writes them): a return of one of them is stale."""
        import json

        try:
            labels = json.loads(self.meta.get(C.K_EARLIER_ROUNDS, "") or "[]")
        except ValueError:
            return frozenset()
        return frozenset(str(x) for x in labels if str(x) != self.round)

    @cached_property
    def index(self) -> RosterIndex:
        return RosterIndex(self.roster)

    @cached_property
    def plans(self) -> tuple[UnitPlan, ...]:
        """Who gets which task, worked out once per master: collect, the checks, merge and mail all need it (at
        1,000 units it was a tenth of a merge when each planned again)."""
        return tuple(plan_units(self.tasklist, self.roster)[0])
