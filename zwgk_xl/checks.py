"""Rules that yield findings. Each rule reads data and returns findings; none raises on bad data."""

from __future__ import annotations

from collections.abc import Iterator

from zwgk_xl import findings
from zwgk_xl.model import Assignment, Finding, Resolved, Roster, Task, TaskList
from zwgk_xl.units import NONE_MARKS, RosterIndex, fold


def resolve_task(task: Task, index: RosterIndex) -> tuple[list[Resolved], list[Resolved]]:
    return [index.resolve(r) for r in task.lead], [index.resolve(r) for r in task.responsible]


def assignments(task: Task, index: RosterIndex) -> list[Assignment]:
    """The units a task reaches, in roster order, each once; a unit that is both lead and responsible is lead."""
    lead, resp = resolve_task(task, index)
    seen: dict[str, Assignment] = {}
    for role, resolved in (("牵头", lead), ("责任", resp)):
        for r in resolved:
            for unit in r.units:
                if unit.id not in seen:
                    via = r.ref.name if r.kind == "collective" else ""
                    seen[unit.id] = Assignment(unit, role, via, r.ref.note)  # type: ignore[arg-type]
    return sorted(seen.values(), key=lambda a: index.roster.order(a.unit))


def _hint(r: Resolved) -> str:
    return f"，最接近的名册单位：{'、'.join(r.suggestions)}" if r.suggestions else "，名册中也没有相近的名称"


def tasklist_findings(tl: TaskList, roster: Roster) -> list[Finding]:
    return list(_tasklist_findings(tl, roster))


def _tasklist_findings(tl: TaskList, roster: Roster) -> Iterator[Finding]:
    index = RosterIndex(roster)
    src = tl.source
    used: set[str] = set()
    for task in tl.tasks:

        def f(code: str, unit: str = "", task: Task = task, **params: object) -> Finding:
            return findings.make(code, unit=unit, task_id=task.id, file=src, **params)

        lead, resp = resolve_task(task, index)
        if not task.lead:
            yield f("lead-none-printed" if fold(task.lead_raw) in {fold(m) for m in NONE_MARKS} else "lead-missing")
        for r in lead:
            if r.kind == "collective":
                yield f("lead-collective", name=r.ref.name, count=len(r.units))
            elif r.kind == "vague":
                yield f("lead-vague", unit=r.ref.name, name=r.ref.name)
        lead_ids = {u.id for r in lead if r.kind == "unit" for u in r.units}
        for r in resp:
            if r.kind == "unit" and r.units[0].id in lead_ids:
                yield f("lead-and-responsible", unit=r.units[0].name)
            if r.kind == "vague":
                yield f("vague-designation", unit=r.ref.name, name=r.ref.name)
        for r in (*lead, *resp):
            if r.kind == "unknown":
                yield f("unit-unknown", unit=r.ref.name, name=r.ref.name, hint=_hint(r))
            used.update(u.id for u in r.units)
    for unit in roster.units:
        if unit.id not in used:
            yield findings.make("unit-no-task", unit=unit.name, file=roster.source)
