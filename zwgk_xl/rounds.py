"""Reporting rounds: what each unit said last time, what it says now, and what that means.

A list is polled every quarter or half-year. Rules on burden (同一事项最多报一次) mean a unit should only type what
changed: the next round's forms hold its last answers, and the merge of round N compares every answer with the value
it was sent. Pure: values in, values out; the workbook layer (roundbook.py) and the audit record (record.py) store
a :class:`RoundState`, the merge and ``zwgk next`` compute with the functions here.

Rules:

- an answer is 新填 when the unit had no carried value for the task (first round, new task, new unit, or its last
  answers were withheld), 沿用上轮 when every field equals the carried value, 已更新 otherwise;
- a task is 进展未更新 (stalled) when it is neither 已完成 nor 不涉及 overall, at least one unit answered it this
  round, and every answer is 沿用上轮: a finding per unit that answered it;
- a unit's status that goes back from 已完成 to anything but 已完成 or 不涉及 is a regression (a warning);
- a unit improved when a status moved forward (未启动 < 推进中 < 持续推进 < 已完成); a unit stalled when it
  returned and every answer it gave on an unfinished task is 沿用上轮;
- what is carried into the next round: a unit's answers of this round where its return was accepted; otherwise
  what it had been carried before (with that older round named); nothing where its return was refused as tampered
  or foreign (blank cells and a note, so wrong data is not sent back out as if it were the unit's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from zwgk_xl import findings
from zwgk_xl.model import Answer, Finding
from zwgk_xl.vocab import DONE, IN_PROGRESS, NOT_APPLICABLE, NOT_STARTED, ONGOING

NEW, UPDATED, KEPT = "新填", "已更新", "沿用上轮"
MARKS = (NEW, UPDATED, KEPT)
STALLED = "进展未更新"
FIELDS = ("status", "progress", "done_date", "evidence", "plan", "lead_summary")
#: How far a status is along: a move up is progress, a move down from 已完成 a regression.
RANK = {NOT_STARTED: 0, IN_PROGRESS: 1, ONGOING: 2, DONE: 3}
#: Codes that withhold a unit's answers from the next round's forms (its return was refused or tampered with).
WITHHOLDING = {
    "fingerprint-mismatch": "上轮报送的文件锁定内容被改动",
    "locked-text-edited": "上轮报送的文件锁定内容被改动",
    "role-changed": "上轮报送的文件锁定内容被改动",
    "foreign-list": "上轮报送的不是本清单的文件",
}


@dataclass(frozen=True, slots=True)
class Carried:
    """One unit's answer on one task as the next round's form holds it, and the round it was given in."""

    unit_id: str
    task_id: str
    round: str
    status: str = ""
    progress: str = ""
    done_date: str = ""
    evidence: str = ""
    plan: str = ""
    lead_summary: str = ""

    def values(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS}

    @property
    def done(self) -> bool:
        return self.status == DONE


@dataclass(frozen=True, slots=True)
class RoundInfo:
    label: str
    as_of: str = ""


@dataclass(frozen=True)
class RoundState:
    """What a master or merged workbook knows about the rounds before it.

    ``rounds`` and ``history`` (round, task id, 总体状态) are the merged rounds in order; ``carried`` the answers the
    forms of ``current`` hold (a master) or will hold (a merged workbook: ready for ``zwgk next``); ``withheld`` the
    units whose last answers were refused, with why; ``files`` the returns read by the merge that wrote it, and
    ``marks`` (unit id, task id, mark) its answers' marks: enough to rebuild the audit record from workbooks."""

    current: str = ""
    rounds: tuple[RoundInfo, ...] = ()
    history: tuple[tuple[str, str, str], ...] = ()
    carried: tuple[Carried, ...] = ()
    withheld: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, ...], ...] = ()
    marks: tuple[tuple[str, str, str], ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(r.label for r in self.rounds)

    @property
    def previous(self) -> str:
        """The last merged round before ``current`` (what carried values are compared against)."""
        earlier = [r for r in self.labels if r != self.current]
        return earlier[-1] if earlier else ""

    @cached_property
    def by_unit(self) -> dict[str, dict[str, Carried]]:
        out: dict[str, dict[str, Carried]] = {}
        for c in self.carried:
            out.setdefault(c.unit_id, {})[c.task_id] = c
        return out

    def carried_for(self, unit_id: str) -> dict[str, Carried]:
        return self.by_unit.get(unit_id, {})

    @cached_property
    def withheld_units(self) -> dict[str, str]:
        return dict(self.withheld)

    def statuses(self, task_id: str) -> dict[str, str]:
        """Round label → 总体状态 of one task, in round order."""
        return self._by_task.get(task_id, {})

    @cached_property
    def _by_task(self) -> dict[str, dict[str, str]]:
        """The history indexed once (历次进展 asks for every task: a scan each was 2 s at 1,000 tasks)."""
        out: dict[str, dict[str, str]] = {}
        for r, t, s in self.history:
            out.setdefault(t, {})[r] = s
        return out


def answer_values(a: Answer) -> dict[str, str]:
    """An answer's fields as the text compared across rounds (the status as counted, a date in ISO form)."""
    return {
        "status": a.status or a.status_raw,
        "progress": a.progress,
        "done_date": a.done_date.isoformat() if a.done_date else a.done_date_raw,
        "evidence": a.evidence,
        "plan": a.plan,
        "lead_summary": a.lead_summary,
    }


def _norm(v: str) -> str:
    return " ".join(str(v or "").split())


def change(values: Mapping[str, str], carried: Carried | None) -> str:
    """新填 / 已更新 / 沿用上轮 for one answer; "" for a row left blank with nothing carried (nothing was said)."""
    given = {f: _norm(values.get(f, "")) for f in FIELDS}
    if carried is None or not any(_norm(v) for v in carried.values().values()):
        return NEW if any(given.values()) else ""
    before = {f: _norm(v) for f, v in carried.values().items()}
    return KEPT if given == before else UPDATED


@dataclass(frozen=True, slots=True)
class Entry:
    """One (unit, task) pair of this round: ``values`` is None where the unit did not answer it."""

    unit_id: str
    unit_name: str
    task_id: str
    values: Mapping[str, str] | None


@dataclass(frozen=True)
class Changes:
    """What round N says against round N-1."""

    previous: str
    marks: dict[tuple[str, str], str]
    stalled: tuple[str, ...]
    regressed: tuple[tuple[str, str], ...]
    improved_units: tuple[str, ...]
    stalled_units: tuple[str, ...]
    findings: tuple[Finding, ...]

    def mark(self, unit_id: str, task_id: str) -> str:
        return self.marks.get((unit_id, task_id), "")

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(MARKS, 0)
        for m in self.marks.values():
            if m:
                out[m] += 1
        return out


def compare(state: RoundState, entries: Sequence[Entry], task_status: Mapping[str, str]) -> Changes:
    """Marks, stalls, regressions and the units that moved or did not, by the rules in the module docstring."""
    previous = state.previous
    marks: dict[tuple[str, str], str] = {}
    per_task: dict[str, list[tuple[Entry, str]]] = {}
    regressed: list[tuple[str, str]] = []
    out: list[Finding] = []
    moved: dict[str, bool] = {}
    still: dict[str, bool] = {}
    names: dict[str, str] = {}
    for e in entries:
        names[e.unit_id] = e.unit_name
        if e.values is None:
            continue
        before = state.carried_for(e.unit_id).get(e.task_id)
        mark = change(e.values, before)
        marks[(e.unit_id, e.task_id)] = mark
        per_task.setdefault(e.task_id, []).append((e, mark))
        status = e.values.get("status", "")
        if before is not None and before.status:
            if before.done and status and status not in (DONE, NOT_APPLICABLE):
                regressed.append((e.unit_id, e.task_id))
                out.append(
                    findings.make(
                        "status-regressed",
                        unit=e.unit_name,
                        task_id=e.task_id,
                        round=before.round,
                        status=status,
                    )
                )
            if RANK.get(status, -1) > RANK.get(before.status, 99):
                moved[e.unit_id] = True
        if status not in (DONE, NOT_APPLICABLE):
            still[e.unit_id] = still.get(e.unit_id, True) and mark == KEPT
    stalled = []
    for task_id, answered in per_task.items():
        overall = task_status.get(task_id, "")
        if overall in (DONE, NOT_APPLICABLE) or not previous:
            continue
        if answered and all(m == KEPT for _, m in answered):
            stalled.append(task_id)
            for e, _ in answered:
                out.append(
                    findings.make(
                        "progress-stalled",
                        unit=e.unit_name,
                        task_id=task_id,
                        round=state.carried_for(e.unit_id)[task_id].round,
                        status=overall,
                    )
                )
    return Changes(
        previous,
        marks,
        tuple(stalled),
        tuple(regressed),
        tuple(names[u] for u in moved),
        tuple(names[u] for u, s in still.items() if s and previous and u not in moved),
        tuple(out),
    )


def withheld(found: Iterable[Finding], winners: Mapping[str, str], unit_ids: Mapping[str, str]) -> dict[str, str]:
    """Units whose answers must not be carried: their winning return was tampered with, or they sent only a file of
    another list. ``winners``: unit id → file accepted; ``unit_ids``: unit name → id."""
    out: dict[str, str] = {}
    for f in found:
        reason = WITHHOLDING.get(f.code)
        uid = unit_ids.get(f.unit)
        if reason is None or uid is None:
            continue
        if f.code == "foreign-list" and uid in winners:
            continue  # it also sent ours: that one counts
        if f.code != "foreign-list" and winners.get(uid) != f.file:
            continue  # a tampered resend that lost to a clean one
        out.setdefault(uid, reason)
    return out


def carry_forward(
    state: RoundState,
    this_round: str,
    answers: Mapping[str, Mapping[str, Mapping[str, str]]],
    assigned: Mapping[str, Sequence[str]],
    refused: Mapping[str, str],
) -> tuple[Carried, ...]:
    """The answers the next round's forms will hold: ``answers`` unit id → task id → values (accepted returns of
    this round), ``assigned`` unit id → its task ids (today's list), ``refused`` unit id → why withheld."""
    out: list[Carried] = []
    for unit_id, tasks in assigned.items():
        if unit_id in refused:
            continue
        mine = answers.get(unit_id)
        before = state.carried_for(unit_id)
        for task_id in tasks:
            values = mine.get(task_id) if mine is not None else None
            if values is not None and any(_norm(v) for v in values.values()):
                out.append(Carried(unit_id, task_id, this_round, **{f: values.get(f, "") for f in FIELDS}))
            elif mine is None and task_id in before:
                out.append(before[task_id])
    return tuple(out)


def after_merge(
    state: RoundState,
    this_round: str,
    as_of: dt.date,
    task_status: Mapping[str, str],
    carried: tuple[Carried, ...],
    refused: Mapping[str, str],
    files: Sequence[Sequence[str]] = (),
    marks: Mapping[tuple[str, str], str] | None = None,
) -> RoundState:
    """The state a merged workbook carries: this round's 总体状态 added to (or replacing a re-merge of it in) the
    history, and the values for the next round's forms."""
    rounds = [r for r in state.rounds if r.label != this_round] + [RoundInfo(this_round, as_of.isoformat())]
    history = [h for h in state.history if h[0] != this_round]
    history += [(this_round, t, s) for t, s in task_status.items()]
    return RoundState(
        current=this_round,
        rounds=tuple(rounds),
        history=tuple(history),
        carried=carried,
        withheld=tuple(refused.items()),
        files=tuple(tuple(f) for f in files),
        marks=tuple((u, t, m) for (u, t), m in (marks or {}).items() if m),
    )


def for_next_round(state: RoundState, label: str) -> RoundState:
    """The state a new master carries: the same history and carried values, for round ``label``."""
    if label in state.labels:
        raise ValueError(f"轮次“{label}”已经汇总过，请换一个新的轮次名称（已有：{'、'.join(state.labels)}）")
    return RoundState(label, state.rounds, state.history, state.carried, state.withheld)


def completed_in(state: RoundState, task_id: str) -> str:
    """The round since which a task has stood at 已完成 (the start of its last run of 已完成), or ""."""
    since = ""
    for r, s in state.statuses(task_id).items():
        since = (since or r) if s == DONE else ""
    return since


def completion(state: RoundState) -> list[tuple[str, str, int, int]]:
    """(round, as of, tasks, 已完成) for each merged round, in order: the completion-per-round chart."""
    per_round: dict[str, list[str]] = {}
    for label, _, s in state.history:
        per_round.setdefault(label, []).append(s)
    out = []
    for r in state.rounds:
        statuses = per_round.get(r.label, [])
        out.append((r.label, r.as_of, len(statuses), sum(1 for s in statuses if s == DONE)))
    return out


def carried_note(c: Carried | None, withheld_reason: str = "") -> str:
    """The mark a form shows beside a task: where its pre-filled values come from, and what the unit need do."""
    if withheld_reason:
        return f"{withheld_reason}，未沿用，请重新填写"
    if c is None:
        return ""
    if c.done:
        return f"已完成（{c.round}已报），无需再填；如有变化请修改"
    return f"沿用{c.round}填报，有变化请修改"


# ------------------------------------------------------------------------------------------------ stored rows


def state_rows(state: RoundState) -> Iterator[list[str]]:
    """The rows a workbook's hidden round sheet (or a test) stores: a kind, then the fields, all text."""
    yield ["state", state.current]
    for r in state.rounds:
        yield ["round", r.label, r.as_of]
    for h in state.history:
        yield ["task", *h]
    for c in state.carried:
        yield ["carried", c.unit_id, c.task_id, c.round, *(getattr(c, f) for f in FIELDS)]
    for unit_id, reason in state.withheld:
        yield ["withheld", unit_id, reason]
    for f in state.files:
        yield ["file", *f]
    for m in state.marks:
        yield ["mark", *m]


def state_from_rows(rows: Iterable[Sequence[str]]) -> RoundState:
    current = ""
    rounds: list[RoundInfo] = []
    history: list[tuple[str, str, str]] = []
    carried: list[Carried] = []
    held: list[tuple[str, str]] = []
    files: list[tuple[str, ...]] = []
    marks: list[tuple[str, str, str]] = []
    for row in rows:
        kind, rest = (row[0], [str(x) for x in row[1:]]) if row else ("", [])
        if kind == "state":
            current = ([*rest, ""])[0]
        elif kind == "round":
            rounds.append(RoundInfo(*([*rest, ""])[:2]))
        elif kind == "task" and len(rest) >= 3:
            history.append((rest[0], rest[1], rest[2]))
        elif kind == "carried" and len(rest) >= 3:
            vals = (rest[3:] + [""] * len(FIELDS))[: len(FIELDS)]
            carried.append(Carried(rest[0], rest[1], rest[2], *vals))
        elif kind == "withheld" and len(rest) >= 2:
            held.append((rest[0], rest[1]))
        elif kind == "file":
            files.append(tuple(rest))
        elif kind == "mark" and len(rest) >= 3:
            marks.append((rest[0], rest[1], rest[2]))
    return RoundState(current, tuple(rounds), tuple(history), tuple(carried), tuple(held), tuple(files), tuple(marks))
