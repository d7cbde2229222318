"""Rounds as stages: the next round's master, a merge that leaves a trail in the audit record, the timeline, and
the record rebuilt from merged workbooks.

What the CLI, the control workbook and the demo call, so each holds no logic: rounds.py decides, roundbook.py
reads and writes the workbooks' round state, record.py stores; here they are put in order. The record never stops
a merge: a missing record is created, a failing one becomes a finding and the merged workbook is written anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl import record as rec
from zwgk_xl import rounds as R
from zwgk_xl.build import build_master
from zwgk_xl.consolidation import Consolidation, unit_status
from zwgk_xl.merge import consolidate
from zwgk_xl.model import Finding

if TYPE_CHECKING:
    from zwgk_xl.mail.transports import Delivery
from zwgk_xl.workbook.master import MasterError, read_master
from zwgk_xl.workbook.merged import write_merged
from zwgk_xl.workbook.roundbook import earlier_rounds, read_state, write_state


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ------------------------------------------------------------------------------------------------ next round


@dataclass(frozen=True)
class NextResult:
    path: Path
    round: str
    previous: str
    units: int
    carried: int
    done: int
    withheld: tuple[str, ...]
    findings: tuple[Finding, ...]


def next_round(
    merged: str | Path,
    round_label: str,
    output: str | Path,
    *,
    due: str = "",
    contact: str | None = None,
    record: str | Path | None = None,
    now: dt.datetime | None = None,
) -> NextResult:
    """The next round's master from a merged workbook: its 总表 and 单位名册 as the clerk left them (edits carry
    over), the new round label and due date, and every unit's last answers for `zwgk split` to pre-fill."""
    merged = Path(merged)
    master = read_master(merged)
    state = read_state(merged)
    if state is None or not state.rounds:
        state = _from_record(Path(record) if record else rec.default_path(merged), master.list_id, master.round)
    if state is None:
        raise MasterError(f"{merged}：没有汇总结果（请先运行 zwgk merge，用汇总后的工作簿生成下一轮）")
    new = R.for_next_round(state, round_label)
    contact = master.meta.get(C.K_CONTACT, "") if contact is None else contact
    built = build_master(
        master.tasklist,
        master.roster,
        output,
        round_label=round_label,
        due=due,
        contact=contact,
        now=now,
        extra_meta=[(C.K_EARLIER_ROUNDS, earlier_rounds(new))],
        after=lambda wb: write_state(wb, new),
    )
    units = {p.unit.id for p in built.plans}
    return NextResult(
        built.path,
        round_label,
        new.previous,
        len(units),
        sum(1 for c in new.carried if c.unit_id in units and c.unit_id not in new.withheld_units),
        sum(1 for c in new.carried if c.done and c.unit_id in units),
        tuple(u.name for u in master.roster.units if u.id in new.withheld_units),
        tuple(master.findings) + tuple(built.findings),
    )


def _from_record(path: Path, list_id: str, current: str) -> R.RoundState | None:
    if not path.exists():
        return None
    try:
        r, _ = rec.open_record(path)
    except rec.RecordError:
        return None
    with r:
        st = r.state(list_id, "")
    if st is None:
        return None
    return replace(st, current=current)


# ------------------------------------------------------------------------------------------------ merge


@dataclass(frozen=True)
class MergeResult:
    consolidation: Consolidation
    output: Path
    record: Path | None
    findings: tuple[Finding, ...]  # the consolidation's and the record's

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def merge(
    master: str | Path,
    returns: str | Path,
    output: str | Path,
    *,
    as_of: dt.date | None = None,
    unit_sheets: bool | None = None,
    previous: str | Path | None = None,
    record: str | Path | None = None,
    use_record: bool = True,
    progress: Callable[[Path], None] | None = None,
    now: dt.datetime | None = None,
) -> MergeResult:
    """Consolidate, write the merged workbook and record it, in one record transaction: a merge killed half-way
    leaves the record as it was. ``previous``: a merged workbook of the round before, for a master that does not
    carry it (otherwise the master's own round state, else the record's)."""
    record_path = Path(record) if record else rec.default_path(master)
    notes: list[Finding] = []
    prev_state = read_state(previous) if previous else read_state(master)
    opened: rec.Record | None = None
    if use_record:
        try:
            opened, notes = rec.open_record(record_path)
        except rec.RecordError as exc:
            notes = [_unavailable(record_path, exc)]
    if prev_state is None and opened is not None:
        m = read_master(master)
        prev_state = opened.state(m.list_id, m.round)
    result = consolidate(master, returns, as_of=as_of, progress=progress, previous=prev_state)
    files = file_rows(result)
    result = replace(result, state_after=replace(result.state_after, files=tuple(file_fields(f) for f in files)))
    out = Path(output)
    try:
        if opened is None:
            write_merged(result, out, now=now, unit_sheets=unit_sheets)
        else:
            try:
                with opened.merge() as tx:
                    _record_rows(tx, result, files)
                    write_merged(result, out, now=now, unit_sheets=unit_sheets)
                    tx.finish(merge_row(result, out, now))
            except rec.RecordError as exc:
                notes.append(_unavailable(record_path, exc))
                if not out.exists():
                    write_merged(result, out, now=now, unit_sheets=unit_sheets)
    finally:
        if opened is not None:
            opened.close()
    return MergeResult(result, out, record_path if opened else None, (*result.findings, *notes))


def _unavailable(path: Path, exc: Exception) -> Finding:
    return findings.make("record-unavailable", file=str(path), path=path.name, reason=str(exc))


def figures(result: Consolidation) -> dict[str, object]:
    out: dict[str, object] = dict(result.status_counts())
    out["逾期"] = sum(1 for t in result.tasks if t.overdue)
    if result.changes is not None and result.changes.previous:
        out[R.STALLED] = len(result.changes.stalled)
        out["状态倒退"] = len(result.changes.regressed)
        out.update(result.changes.counts())
    return out


def merge_row(result: Consolidation, out: Path, now: dt.datetime | None = None) -> rec.MergeRow:
    m = result.master
    return rec.MergeRow(
        list_id=m.list_id,
        title=m.tasklist.title,
        round=m.round,
        as_of=result.as_of.isoformat(),
        due=m.meta.get(C.K_DUE, ""),
        master_path=str(m.path.resolve()),
        master_sha256=sha256(m.path),
        output_path=str(out.resolve()),
        output_sha256=sha256(out),
        units=len(result.units),
        returned=sum(1 for u in result.units if u.returned),
        tasks=len(result.tasks),
        findings=len(result.findings),
        figures=figures(result),
        merged_at=(now or dt.datetime.now()).isoformat(timespec="seconds"),
    )


def file_rows(result: Consolidation) -> list[rec.FileRow]:
    """Every file of the returns folder with what became of it and the findings that name it."""
    col = result.collection
    m = result.master
    by_file: dict[str, list[str]] = {}
    for f in result.findings:
        if f.file:
            by_file.setdefault(f.file, []).append(f.code)
    subs = {s.file: (s, "采用") for s in col.submissions}
    subs.update({s.file: (s, "较早报送") for s in col.superseded})
    read_at = dt.datetime.now().isoformat(timespec="seconds")
    out = []
    for path in col.files:
        key = str(path)
        codes = by_file.get(key, [])
        got = subs.get(key)
        try:
            size, digest = path.stat().st_size, sha256(path)
        except OSError:
            size, digest = -1, ""
        if got:
            s, outcome = got
            out.append(
                rec.FileRow(
                    key,
                    size,
                    digest,
                    s.unit.id,
                    s.unit.name,
                    m.list_id,
                    s.round,
                    s.date.isoformat() if s.date else s.date_raw,
                    read_at,
                    outcome,
                    tuple(codes),
                )
            )
            continue
        unit = next((f.unit for f in result.findings if f.file == key and f.unit), "")
        outcome = "重复" if "duplicate-file" in codes else ("跳过" if not codes else "未采用")
        u = m.index.lookup(unit) if unit else None
        meta = _hidden(path) if outcome == "未采用" else {}
        out.append(
            rec.FileRow(
                key,
                size,
                digest,
                u.id if u else meta.get(C.K_UNIT_ID, ""),
                unit or meta.get(C.K_UNIT_NAME, ""),
                meta.get(C.K_LIST_ID, ""),
                meta.get(C.K_ROUND, ""),
                "",
                read_at,
                outcome,
                tuple(codes),
            )
        )
    return out


def _hidden(path: Path) -> dict[str, str]:
    """A refused file's own hidden sheet (its list, round and unit), for the record; {} when it has none."""
    from python_calamine import CalamineWorkbook

    from zwgk_xl.workbook.master import read_hidden

    try:
        return read_hidden(CalamineWorkbook.from_path(str(path)))
    except Exception:  # any reader error: the merge has reported on this file already
        return {}


def _record_rows(tx: rec.MergeTx, result: Consolidation, files: list[rec.FileRow]) -> None:
    tx.files(files)
    by_unit = {s.unit.id: s for s in result.collection.submissions}
    rows = []
    for plan in result.plans:
        sub = by_unit.get(plan.unit.id)
        if sub is None:
            continue
        date = sub.date.isoformat() if sub.date else sub.date_raw
        for task, a in plan.rows:
            ans = sub.answer(task.id)
            if ans is None:
                continue
            values = R.answer_values(ans)
            values["status"] = values["status"] or unit_status(sub, task.id)
            rows.append(
                rec.AnswerRow(
                    plan.unit.id,
                    plan.unit.name,
                    task.id,
                    a.role,
                    values,
                    result.mark(plan.unit.id, task.id),
                    sub.file,
                    date,
                )
            )
    tx.answers(result.master.round, rows)
    tx.tasks(result.master.round, [(t.task.id, t.status, t.overdue) for t in result.tasks])


# ------------------------------------------------------------------------------------------------ history


def history(record: str | Path, task: str = "", unit: str = "") -> rec.Timeline:
    path = Path(record)
    if not path.exists():
        raise rec.RecordError(f"找不到留痕库：{path}（汇总时会在总表旁自动建立；也可用 --rebuild 从汇总工作簿重建）")
    r, _ = rec.open_record(path)
    with r:
        return rec.timeline(r, task=task, unit=unit)


def rebuild(record: str | Path, merged: list[Path]) -> tuple[int, list[Finding]]:
    """Add to the record every merged workbook it does not hold yet (by the workbook's sha256), from the workbook's
    hidden results and round state. Returns how many merges were added."""
    from zwgk_xl.workbook.results import read_report

    r, notes = rec.open_record(record)
    added = 0
    with r:
        for path in sorted(merged, key=lambda p: p.stat().st_mtime):
            digest = sha256(path)
            if r.has_output(digest):
                continue
            report = read_report(path)
            state = read_state(path) or R.RoundState()
            m = report.master
            names = {u.id: u.name for u in m.roster.units}
            with r.merge() as tx:
                tx.files(_file_row(f) for f in state.files)
                marks = {(u, t): mk for u, t, mk in state.marks}
                roles = {(a.unit_id, a.task_id): a.role for a in report.assignments}
                tx.answers(
                    m.round,
                    [
                        rec.AnswerRow(
                            c.unit_id,
                            names.get(c.unit_id, c.unit_id),
                            c.task_id,
                            roles.get((c.unit_id, c.task_id), ""),
                            c.values(),
                            marks.get((c.unit_id, c.task_id), ""),
                        )
                        for c in state.carried
                        if c.round == m.round
                    ],
                )
                tx.tasks(m.round, [(t.task_id, t.status, t.overdue) for t in report.tasks])
                counts: dict[str, object] = {}
                for t in report.tasks:
                    counts[t.status] = int(str(counts.get(t.status, 0))) + 1
                tx.finish(
                    rec.MergeRow(
                        list_id=m.list_id,
                        title=m.tasklist.title,
                        round=m.round,
                        as_of=report.as_of,
                        due=m.meta.get(C.K_DUE, ""),
                        output_path=str(path.resolve()),
                        output_sha256=digest,
                        units=len(report.units),
                        returned=sum(1 for u in report.units if u.returned),
                        tasks=len(report.tasks),
                        findings=len(report.findings),
                        figures=counts,
                        source="rebuild",
                    )
                )
            added += 1
    return added, notes


def file_fields(f: rec.FileRow) -> tuple[str, ...]:
    """A file row as the text the merged workbook's round state keeps (for a rebuild of the record)."""
    return (
        f.path,
        str(f.size),
        f.sha256,
        f.unit_id,
        f.unit,
        f.list_id,
        f.round,
        f.report_date,
        f.read_at,
        f.outcome,
        ",".join(f.findings),
    )


def _file_row(f: tuple[str, ...]) -> rec.FileRow:
    v = [*f, *([""] * 11)][:11]
    size = int(v[1]) if v[1].lstrip("-").isdigit() else -1
    return rec.FileRow(
        v[0], size, v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], tuple(x for x in v[10].split(",") if x)
    )


def record_mail(beside: str | Path, delivery: Delivery, via: str) -> list[Finding]:
    """Every mail of a delivery in the record beside the workbook it came from: written as .eml (drafted), sent
    by SMTP, or failed. A record that cannot be written costs only this trail (a finding), never the mail."""
    path = rec.default_path(beside)
    state = "drafted" if via == "outbox" else "sent"
    rows = [
        {
            "kind": o.kind,
            "unit": o.unit,
            "to": o.to,
            "subject": str(o.message["Subject"]),
            "key": o.key,
            "via": via,
            "state": state,
        }
        for o in delivery.sent
    ]
    rows += [
        {
            "kind": o.kind,
            "unit": o.unit,
            "to": o.to,
            "subject": str(o.message["Subject"]),
            "key": o.key,
            "via": via,
            "state": "failed",
            "detail": why,
        }
        for o, why in delivery.failed
    ]
    try:
        r, notes = rec.open_record(path)
        with r:
            r.mails(rows)
        return [n for n in notes if n.code != "record-recreated"]
    except rec.RecordError as exc:
        return [_unavailable(path, exc)]
