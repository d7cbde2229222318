"""Verification of one return: who sent it, which of its rows are the issued tasks, what the unit changed, and
the answers read from it. Pure rules over a file already read (workbook.returnfile loads it): a grid, the hidden
sheet's values, the columns found, the formulas. Every doubt becomes a finding; nothing here opens a file.

Each file is identified by its very hidden sheet (list id, round, unit), not by its name; a file whose hidden sheet
is gone (a unit copied its rows into a new workbook) is identified by its 填报单位 cell or its file name, with a
warning, and a 填报单位 cell naming another unit than the hidden sheet is noted for the winner's choice. Rows are
matched by task id, else by task text, so sorted, moved or renumbered rows still count, and whatever cannot be
matched goes to the findings with every cell's whole text.

The rules over one answer alone (overdue as of a date, 已完成 without a date or progress: ``answer_findings``) are
here too, as verification of that return; rules that compare several units' returns (lead against responsible)
are checks.py's.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.contract import cell_text
from zwgk_xl.deadlines import parse as parse_deadline
from zwgk_xl.model import Answer, Finding, Submission, Task, Unit
from zwgk_xl.plan import Master, UnitPlan
from zwgk_xl.units import RosterIndex, fold
from zwgk_xl.vocab import DONE, IN_PROGRESS, ONGOING, SETTLED, STATUS_SYNONYMS

if TYPE_CHECKING:
    from zwgk_xl.workbook.returnfile import Loaded

HEADERS = {c.header: c.field for c in (*C.UNIT_LOCKED, *C.UNIT_INPUT, C.LEAD_SUMMARY)}
INPUT_FIELDS = [c.field for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY)]


def normalise_status(raw: str) -> str:
    key = fold(raw)
    return STATUS_SYNONYMS.get(key, STATUS_SYNONYMS.get(key.rstrip("。."), ""))


_DATE_NUM = re.compile(r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?$")


def parse_date(value: object, year: int) -> dt.date | None:
    """Dates as units type them: a real date cell, an Excel serial, 2022-9-30, 2022.9.30, 2022/9/30,
    2022年9月30日, 9月底 (the list's year)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    text = str(value or "").strip()
    if not text:
        return None
    if m := _DATE_NUM.match(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    d = parse_deadline(text, year)
    return d.dates[-1] if d.kind == "date" and len(d.dates) == 1 else None


column = functools.lru_cache(maxsize=None)(xl_col_to_name)


def cell_ref(row: int, col: int) -> str:
    """(row, column) from 0 → "A1"; a return has a dozen columns, so their letters are worked out once."""
    return f"{column(col)}{row + 1}"


@functools.lru_cache(maxsize=256)
def _columns(input_at: tuple[tuple[str, int], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((f, column(c)) for f, c in input_at)


_ID_AT = next(k for k, c in enumerate(C.UNIT_LOCKED) if c.field == "id")
_TEXT_AT = next(k for k, c in enumerate(C.UNIT_LOCKED) if c.field == "text")


def _info(grid: Sequence[Sequence[object]], header: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for row in grid[: max(header, 0)]:
        for c, v in enumerate(row):
            field = C.INFO_FIELDS.get(v.strip()) if isinstance(v, str) and len(v) <= 10 else None
            if field:  # the first text after the label, unless that is the next label (the value was left empty)
                value = next((x for x in row[c + 1 :] if cell_text(x)), "")
                out[field] = "" if isinstance(value, str) and value.strip() in C.INFO_FIELDS else value
    return out


@dataclass
class Verifier:
    master: Master
    plans: dict[str, UnitPlan]
    index: RosterIndex
    out: list[Finding]

    def __post_init__(self) -> None:
        # built once: every file is matched against the same list
        self.all_tasks = {t.id: t for t in self.master.tasklist.tasks}
        self.by_text = {fold(t.text): t.id for t in self.master.tasklist.tasks}
        self.errors_by_file: set[str] = set()
        #: file → (the unit its hidden sheet names, what its 填报单位 cell says) where they disagree
        self.conflicts: dict[str, tuple[Unit, str]] = {}

    def finding(self, code: str, path: Path, sheet: str = "", cell: str = "", **kw: Any) -> None:
        f = findings.make(code, file=str(path), sheet=sheet, cell=cell, **kw)
        if f.severity != "info":
            self.errors_by_file.add(f.file)
        self.out.append(f)

    def unplaced(self, path: Path, sheet: str, grid: Sequence[Sequence[object]], header: int, cols: dict[str, int]):
        """A file that cannot be counted still loses nothing: each typed text goes to the findings."""
        if header < 0:
            return
        for r in range(header + 1, len(grid)):
            row = grid[r]
            texts = [cell_text(row[cols[f]]) for f in INPUT_FIELDS if f in cols and cols[f] < len(row)]
            texts = [t for t in texts if t]
            if texts:
                texts = [t for v in row if (t := cell_text(v))]  # the whole row, so nothing typed beside is lost
                tid = cell_text(row[cols["id"]]) if "id" in cols and cols["id"] < len(row) else ""
                self.finding("row-added", path, sheet, cell_ref(r, 0), task_id=tid, text="；".join(texts))

    def identify(self, path: Path, meta: dict[str, str], info: dict[str, object]) -> tuple[Unit | None, str]:
        if meta.get(C.K_KIND) == "unit":
            unit = self.master.roster.get(meta.get(C.K_UNIT_ID, "")) or self.index.lookup(meta.get(C.K_UNIT_NAME, ""))
            return unit, "hidden"
        name = cell_text(info.get("unit"))
        if name and (unit := self.index.lookup(name)):
            self.finding("no-hidden-sheet", path, how="“填报单位”单元格", unit=unit.name)
            return unit, "cell"
        stem = fold(path.stem)
        best = None
        for u in self.master.roster.units:
            for n in (u.name, *u.aliases):
                if fold(n) in stem and (best is None or len(n) > best[1]):
                    best = (u, len(n))
        if best:
            self.finding("no-hidden-sheet", path, how="文件名", unit=best[0].name)
            return best[0], "filename"
        return None, ""

    def read(self, got: Loaded) -> Submission | None:
        path, meta, sheet, grid, header, cols = got.path, got.meta, got.sheet, got.grid, got.header, got.cols

        def notes(unit: str = "") -> None:
            for code, params in got.notes:
                kw: dict[str, Any] = {"unit": unit, **params}
                self.finding(code, path, **kw)

        if header < 0:
            notes()
            self.finding("sheet-missing", path, sheet=C.SHEET_UNIT)
            return None
        if meta.get(C.K_KIND) == "unit" and meta.get(C.K_LIST_ID) != self.master.list_id:
            notes()
            self.finding(
                "foreign-list",
                path,
                sheet,
                unit=meta.get(C.K_UNIT_NAME, ""),
                title=meta.get(C.K_TITLE, "?"),
                year=meta.get(C.K_YEAR, "?"),
            )
            self.unplaced(path, sheet, grid, header, cols)
            return None
        info = _info(grid, header)
        unit, how = self.identify(path, meta, info)
        if unit is None:
            notes()
            name = meta.get(C.K_UNIT_NAME) or cell_text(info.get("unit"))
            if name:
                self.finding("unknown-unit", path, sheet, name=name)
            else:
                self.finding("unidentified", path, sheet)
            self.unplaced(path, sheet, grid, header, cols)
            return None
        notes(unit.name)
        if how == "hidden" and not self._round_and_name(path, sheet, unit, meta, info):
            self.unplaced(path, sheet, grid, header, cols)
            return None
        plan = self.plans.get(unit.id, UnitPlan(unit, ()))
        year = self.master.tasklist.year or dt.date.today().year
        answers = self._rows(_Form(self, path, sheet, unit, plan, cols, got.formulas, year), grid, header, meta)
        date_raw = info.get("date", "")
        return Submission(
            file=str(path),
            sheet=sheet,
            unit=unit,
            identified_by=how,
            round=meta.get(C.K_ROUND, ""),
            reporter=cell_text(info.get("reporter")),
            phone=cell_text(info.get("phone")),
            date=parse_date(date_raw, year),
            date_raw=cell_text(date_raw),
            mtime=got.mtime,
            answers=tuple(answers),
        )

    def _round_and_name(
        self, path: Path, sheet: str, unit: Unit, meta: dict[str, str], info: dict[str, object]
    ) -> bool:
        """A file identified by its hidden sheet: False for a return of a round already merged (rounds.py: counting
        it would put old answers in as new); a stale round is noted, and a 填报单位 naming another unit is kept for
        the winner's choice."""
        if meta.get(C.K_ROUND, "") in self.master.earlier_rounds:
            self.finding("round-refused", path, sheet, unit=unit.name, got=meta[C.K_ROUND], expected=self.master.round)
            return False
        visible = cell_text(info.get("unit"))
        if visible and fold(visible) not in {fold(n) for n in (unit.name, *unit.aliases)}:
            other = self.index.lookup(visible)
            if other is None or other.id != unit.id:
                self.conflicts[str(path)] = (unit, visible)
        if meta.get(C.K_ROUND, "") != self.master.round:
            self.finding(
                "stale-round", path, sheet, unit=unit.name, got=meta.get(C.K_ROUND, ""), expected=self.master.round
            )
        return True

    def _rows(self, form: _Form, grid: Sequence[Sequence[object]], header: int, meta: dict[str, str]) -> list[Answer]:
        """Each row under the header matched to an issued task, checked, and read; then the order, the deleted rows
        and the fingerprint over the whole table."""
        seen: list[str] = []
        answers: list[Answer] = []
        locked_rows: list[list[str]] = []
        for r in range(header + 1, len(grid)):
            row = grid[r]
            if not any(map(cell_text, row)):
                continue
            n = len(row)
            locked = [cell_text(row[c]) if c is not None and c < n else "" for c in form.locked_at]
            locked_rows.append(locked)
            tid = self._task_of(form, r, row, locked, seen)
            if not tid:
                continue
            seen.append(tid)
            assignment = form.expected.get(tid)
            if assignment is not None:
                self._check_locked(form, r, tid, locked)
            answer = self._answer(form, r, row, tid, assignment.role if assignment else "")
            if assignment is None:
                self._no_role(form, r, answer)
            else:
                answers.append(answer)
        self._table(form, seen, locked_rows, meta)
        return answers

    def _task_of(self, form: _Form, r: int, row: Sequence[object], locked: list[str], seen: list[str]) -> str:
        """The issued task a row is (by id, else by its text), or "" for a row that is none: a row added or
        repeated goes to the findings with its text whole."""
        tid = locked[_ID_AT]
        if tid not in self.all_tasks:
            match = self.by_text.get(fold(locked[_TEXT_AT]))
            if not match:  # every cell of the row, whole: notes typed under the table may be in any column
                whole = "；".join(t for v in row if (t := cell_text(v)))
                form.say("row-added", cell_ref(r, 0), task_id=tid, text=whole)
                return ""
            form.say("row-matched-by-text", cell_ref(r, 0), task_id=match)
            tid = match
        if tid in seen:
            n = len(row)
            texts = "；".join(t for t in (cell_text(row[c]) if c < n else "" for _, c in form.input_at) if t)
            form.say("row-added", cell_ref(r, 0), task_id=tid, text=texts or "（重复行）")
            return ""
        return tid

    def _check_locked(self, form: _Form, r: int, tid: str, locked: list[str]) -> None:
        """Each locked cell against the form as issued; a change is quoted whole, old and new."""
        want = form.plan.locked[tid]
        for k, c in form.check:
            got, w = locked[k], want[k]
            if got == w or fold(got) == fold(w):
                continue
            code = "role-changed" if c.field == "role" else "locked-text-edited"
            form.say(code, cell_ref(r, form.cols[c.field]), task_id=tid, column=c.header, expected=w, got=got)

    def _no_role(self, form: _Form, r: int, answer: Answer) -> None:
        """A task the unit has no role in: not counted, but every text it typed is quoted."""
        form.say("no-role", cell_ref(r, 0), task_id=answer.task_id)
        for field_name, text in answer.texts().items():
            form.say(
                "no-role-text", answer.cell(field_name), task_id=answer.task_id, field=label(field_name), text=text
            )

    def _table(self, form: _Form, seen: list[str], locked_rows: list[list[str]], meta: dict[str, str]) -> None:
        """What only the whole table shows: rows moved or deleted, and the fingerprint of the locked cells."""
        order = [t for t in seen if t in form.expected]
        if order != [t.id for t, _ in form.plan.rows if t.id in order]:
            form.say("row-moved", "")
        for t, _ in form.plan.rows:
            if t.id not in seen:
                form.say("row-deleted", "", task_id=t.id)
        fp = meta.get(C.K_FINGERPRINT)
        if fp:
            now_fp = C.fingerprint(form.unit.name, locked_rows)
            if now_fp != fp and str(form.path) not in self.errors_by_file:
                form.say("fingerprint-mismatch", "")
            elif now_fp == fp and fp != form.plan.fingerprint:
                form.say("master-changed", "")

    def _answer(self, form: _Form, r: int, row: Sequence[object], tid: str, role: str) -> Answer:
        """One row's answer: the input cells as typed, the status and date understood, each doubt a finding."""
        values: dict[str, object] = {}
        n = len(row)
        for f, c in form.input_at:
            if c < n:
                values[f] = row[c]
                if form.formulas and (ref := cell_ref(r, c)) in form.formulas:
                    form.say(
                        "formula-in-input", ref, task_id=tid, formula="=" + form.formulas[ref], value=cell_text(row[c])
                    )
        status, raw_status = self._status(form, r, tid, cell_text(values.get("status")))
        lead_summary = cell_text(values.get("lead_summary"))
        if role != C.ROLE_LEAD and lead_summary == "—":
            lead_summary = ""
        date_v = values.get("done_date")
        done = parse_date(date_v, form.year)
        raw_date = cell_text(date_v)
        if raw_date and done is None:
            form.say("date-unparsed", form.cell("done_date", r), task_id=tid, raw=raw_date)
        return Answer(
            task_id=tid,
            role=role,
            status=status,
            status_raw=raw_status if raw_status != status else "",
            progress=cell_text(values.get("progress")),
            done_date=done,
            done_date_raw=raw_date if done is None or not isinstance(date_v, dt.date | float | int) else "",
            evidence=cell_text(values.get("evidence")),
            plan=cell_text(values.get("plan")),
            lead_summary=lead_summary,
            row=r + 1,
            columns=form.columns,
        )

    def _status(self, form: _Form, r: int, tid: str, raw: str) -> tuple[str, str]:
        """(the status it counts as, as typed): a synonym is counted and noted, unknown text kept and noted."""
        status = normalise_status(raw) if raw else ""
        if raw and not status:
            form.say("status-unknown", form.cell("status", r), task_id=tid, raw=raw)
        elif raw and status != raw:
            form.say("status-normalised", form.cell("status", r), task_id=tid, raw=raw, status=status)
        return status, raw


@dataclass
class _Form:
    """One return's table as verification reads it: where things are (looked up once per file, as the rows are
    read for every return) and whom the findings name."""

    verifier: Verifier
    path: Path
    sheet: str
    unit: Unit
    plan: UnitPlan
    cols: dict[str, int]
    formulas: dict[str, str]
    year: int

    def __post_init__(self) -> None:
        self.expected = {t.id: a for t, a in self.plan.rows}
        self.locked_at = [self.cols.get(c.field) for c in C.UNIT_LOCKED]
        self.input_at = [(f, self.cols[f]) for f in INPUT_FIELDS if f in self.cols]
        self.columns = _columns(tuple(self.input_at))  # one tuple shared by every answer of this file (and most files)
        self.letters = dict(self.columns)
        self.check = [(k, c) for k, c in enumerate(C.UNIT_LOCKED) if c.field in self.cols]

    def say(self, code: str, cell: str, **kw: object) -> None:
        self.verifier.finding(code, self.path, self.sheet, cell, unit=self.unit.name, **kw)

    def cell(self, field_name: str, r: int) -> str:
        return f"{self.letters[field_name]}{r + 1}" if field_name in self.letters else ""


def label(field_name: str) -> str:
    return next((c.header for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY) if c.field == field_name), field_name)


def is_overdue(task: Task, status: str, as_of: dt.date) -> bool:
    """Past its due date (the last date of its 完成时限) and not 已完成/不涉及; 持续推进 is fine for a task whose
    完成时限 is itself ongoing."""
    due = task.deadline.due
    if due is None or due >= as_of or status in SETTLED:
        return False
    return not (status == ONGOING and task.deadline.kind == "ongoing")


def answer_findings(task: Task, unit: Unit, sub: Submission, a: Answer, as_of: dt.date) -> Iterator[Finding]:
    """One answer on its own, as of a date: overdue, 已完成 without a date or without progress."""
    where = {"file": sub.file, "sheet": sub.sheet}
    status = a.status or IN_PROGRESS
    if is_overdue(task, status, as_of) and task.deadline.due is not None:
        yield findings.make(
            "overdue",
            unit=unit.name,
            task_id=task.id,
            cell=a.cell("status"),
            due=task.deadline.due.isoformat(),
            status=a.status_raw or a.status or "（未填）",
            **where,
        )
    if a.status == DONE and not (a.done_date or a.done_date_raw):
        yield findings.make("done-no-date", unit=unit.name, task_id=task.id, cell=a.cell("done_date"), **where)
    if a.status == DONE and not a.progress:
        yield findings.make("done-no-progress", unit=unit.name, task_id=task.id, cell=a.cell("progress"), **where)
