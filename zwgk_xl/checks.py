"""Rules that yield findings over more than one thing: the task list against the roster, and the returns of one
task against each other (the lead unit against the responsible units). Each rule reads data and returns findings;
none raises on bad data.

Where a return rule lives is decided by its input: a rule over one return's answer alone (overdue, 已完成 without a
date or progress) is verification of that return and lives in verify.py; a rule that needs several units' returns
lives here. ``return_findings`` runs both, task by task, so the findings keep their order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from zwgk_xl import findings
from zwgk_xl.model import Answer, Finding, Roster, Submission, Task, TaskList, Unit
from zwgk_xl.plan import UnitPlan, resolve_task, unit_finding
from zwgk_xl.units import RosterIndex, is_none_mark
from zwgk_xl.verify import answer_findings
from zwgk_xl.verify import is_overdue as is_overdue  # consolidation reads it here
from zwgk_xl.vocab import DONE, IN_PROGRESS, NOT_STARTED, ROLE_LEAD, ROLE_RESPONSIBLE


def tasklist_findings(tl: TaskList, roster: Roster) -> list[Finding]:
    return list(_tasklist_findings(tl, roster))


def _tasklist_findings(tl: TaskList, roster: Roster) -> Iterator[Finding]:
    index = RosterIndex(roster)
    src = tl.source
    used: set[str] = set()
    for task in tl.tasks:

        def f(code: str, unit: str = "", task: Task = task, **params: Any) -> Finding:
            return findings.make(code, unit=unit, task_id=task.id, file=src, **params)

        lead, resp = resolve_task(task, index)
        if not task.lead:
            yield f("lead-none-printed" if is_none_mark(task.lead_raw) else "lead-missing")
        for r in lead:
            if r.kind == "collective":
                yield f("lead-collective", name=r.ref.name, count=len(r.units))
            elif r.kind == "vague":
                yield f("lead-vague", unit=r.ref.name, name=r.ref.name)
        lead_ids = {u.id for r in lead if r.kind == "unit" for u in r.units}
        for r in resp:
            if r.kind == "unit" and r.units[0].id in lead_ids:
                yield f("lead-and-responsible", unit=r.units[0].name)
            if r.kind == "vague" and (found := unit_finding(task, r, src)):
                yield found
        for r in (*lead, *resp):
            if r.kind == "unknown" and (found := unit_finding(task, r, src)):
                yield found
            used.update(u.id for u in r.units)
    for unit in roster.units:
        if unit.id not in used:
            yield findings.make("unit-no-task", unit=unit.name, file=roster.source)


# ------------------------------------------------------------------------------------------------ return rules


#: One unit's part in one task, as the return rules see it: the unit, its role, its return and its answer (None
#: when the unit did not return or left the row out).
Entry = tuple[Unit, str, "Submission | None", "Answer | None"]


def return_findings(
    tl: TaskList, plans: Sequence[UnitPlan], submissions: dict[str, Submission], as_of: dt.date, index: RosterIndex
) -> list[Finding]:
    """Lead versus responsible (here), overdue and completeness (verify.answer_findings) over the identified returns.

    ``plans`` are the UnitPlans of the master; ``submissions`` maps unit id → the Submission that counts."""
    out: list[Finding] = []
    for task in tl.tasks:  # nobody leads: the lead is still a designation
        for ref in task.lead:
            if index.resolve(ref).kind in {"collective", "vague"}:
                out.append(findings.make("lead-designation", unit=ref.name, task_id=task.id, name=ref.name))
    per_task: dict[str, list[Entry]] = {t.id: [] for t in tl.tasks}
    for plan in plans:
        sub = submissions.get(plan.unit.id)
        for task, a in plan.rows:
            per_task[task.id].append((plan.unit, a.role, sub, sub.answer(task.id) if sub else None))
    for task in tl.tasks:
        out.extend(_lead_rules(task, per_task[task.id]))
        for unit, _, sub, answer in per_task[task.id]:
            if answer is not None and sub is not None:
                out.extend(answer_findings(task, unit, sub, answer, as_of))
    return out


def _lead_rules(task: Task, entries: list[Entry]) -> Iterator[Finding]:
    """The lead unit against the responsible units of one task."""
    leads = [e for e in entries if e[1] == ROLE_LEAD]
    resps = [e for e in entries if e[1] == ROLE_RESPONSIBLE]
    resp_reported = [(u, a) for u, _, _, a in resps if a is not None]
    for unit, _, sub, a in leads:
        if a is None and resp_reported:
            yield findings.make("lead-not-reported", unit=unit.name, task_id=task.id, file=sub.file if sub else "")
        elif a is not None and sub is not None and not a.lead_summary and resps:
            yield findings.make(
                "lead-no-summary",
                unit=unit.name,
                task_id=task.id,
                file=sub.file,
                sheet=sub.sheet,
                cell=a.cell("lead_summary"),
            )
    lead_done = [u for u, _, _, a in leads if a is not None and a.status == DONE]
    lagging = [(u, a) for u, a in resp_reported if a.status in {NOT_STARTED, IN_PROGRESS}]
    if lead_done and lagging:
        yield findings.make(
            "lead-done-resp-not",
            unit=lead_done[0].name,
            task_id=task.id,
            units="、".join(u.name for u, _ in lagging),
            statuses="、".join(sorted({a.status for _, a in lagging})),
        )
    if resps and len(resp_reported) == len(resps) and all(a.status == DONE for _, a in resp_reported):
        for unit, _, _sub, a in leads:
            if a is not None and a.status not in {DONE, ""}:
                yield findings.make("resp-done-lead-not", unit=unit.name, task_id=task.id, status=a.status)
