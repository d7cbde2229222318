"""Verification of one return: who sent it, which of its rows are the issued tasks, what the unit changed, and
the answers read from it. Pure rules over a file already read (workbook.returnfile loads it): a grid, the hidden
sheet's values, the columns found, the formulas. Every doubt becomes a finding; nothing here opens a file.

Each file is identified by its very hidden sheet (list id, round, unit), not by its name; a file whose hidden sheet
is gone (a unit copied its rows into a new workbook) is identified by its 填报单位 cell or its file name, with a
warning, and a 填报单位 cell naming another unit than the hidden sheet is noted for the winner's choice. Rows are
matched by task id, else by task text, so sorted, moved or renumbered rows still count, and whatever cannot be
matched goes to the findings with every cell's whole text.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_col_to_name

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.contract import cell_text
from zwgk_xl.deadlines import parse as parse_deadline
from zwgk_xl.model import Answer, Finding, Submission, Unit
from zwgk_xl.plan import Master, UnitPlan
from zwgk_xl.units import RosterIndex, fold
from zwgk_xl.vocab import STATUS_SYNONYMS

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
            if field:
                out[field] = next((x for x in row[c + 1 :] if cell_text(x)), "")
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

    def finding(self, code: str, path: Path, sheet: str = "", cell: str = "", **kw: object) -> None:
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
                self.finding(code, path, **({"unit": unit} | params))

        if header < 0:
            notes()
            self.finding("sheet-missing", path, sheet=C.SHEET_UNIT)
            return None
        if meta.get(C.K_KIND) == "unit" and meta.get(C.K_LIST_ID) != self.master.list_id:
            notes()
            self.finding("foreign-list", path, sheet, title=meta.get(C.K_TITLE, "?"), year=meta.get(C.K_YEAR, "?"))
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
        visible = cell_text(info.get("unit"))
        if how == "hidden" and visible and fold(visible) not in {fold(n) for n in (unit.name, *unit.aliases)}:
            other = self.index.lookup(visible)
            if other is None or other.id != unit.id:
                self.conflicts[str(path)] = (unit, visible)
        if how == "hidden" and meta.get(C.K_ROUND, "") != self.master.round:
            self.finding(
                "stale-round", path, sheet, unit=unit.name, got=meta.get(C.K_ROUND, ""), expected=self.master.round
            )
        plan = self.plans.get(unit.id, UnitPlan(unit, ()))
        answers = self._rows(path, sheet, grid, header, cols, unit, plan, meta, got.formulas)
        year = self.master.tasklist.year or dt.date.today().year
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

    def _rows(self, path, sheet, grid, header, cols, unit: Unit, plan: UnitPlan, meta, formulas) -> list[Answer]:
        expected = {t.id: a for t, a in plan.rows}
        all_tasks, by_text = self.all_tasks, self.by_text
        year = self.master.tasklist.year or dt.date.today().year
        seen: list[str] = []
        answers: list[Answer] = []
        locked_rows: list[list[str]] = []
        # this runs for every row of every return: column positions are looked up once per file
        locked_at = [cols.get(c.field) for c in C.UNIT_LOCKED]
        input_at = [(f, cols[f]) for f in INPUT_FIELDS if f in cols]
        columns = _columns(tuple(input_at))  # one tuple shared by every answer of this file (and of most files)
        check = [(k, c) for k, c in enumerate(C.UNIT_LOCKED) if c.field in cols]

        for r in range(header + 1, len(grid)):
            row = grid[r]
            if not any(map(cell_text, row)):
                continue
            n = len(row)
            locked = [cell_text(row[c]) if c is not None and c < n else "" for c in locked_at]
            locked_rows.append(locked)
            tid = locked[_ID_AT]
            if tid not in all_tasks:
                match = by_text.get(fold(locked[_TEXT_AT]))
                if match:
                    self.finding("row-matched-by-text", path, sheet, cell_ref(r, 0), unit=unit.name, task_id=match)
                    tid = match
                else:  # every cell of the row, whole: notes typed under the table may be in any column
                    whole = "；".join(t for v in row if (t := cell_text(v)))
                    self.finding("row-added", path, sheet, cell_ref(r, 0), unit=unit.name, task_id=tid, text=whole)
                    continue
            if tid in seen:
                texts = "；".join(t for t in (cell_text(row[c]) if c < n else "" for _, c in input_at) if t)
                self.finding(
                    "row-added", path, sheet, cell_ref(r, 0), unit=unit.name, task_id=tid, text=texts or "（重复行）"
                )
                continue
            seen.append(tid)
            assignment = expected.get(tid)
            if assignment is not None:
                want = plan.locked[tid]
                for k, c in check:
                    got, w = locked[k], want[k]
                    if got == w or fold(got) == fold(w):
                        continue
                    code = "role-changed" if c.field == "role" else "locked-text-edited"
                    self.finding(
                        code,
                        path,
                        sheet,
                        cell_ref(r, cols[c.field]),
                        unit=unit.name,
                        task_id=tid,
                        column=c.header,
                        expected=w,
                        got=got,
                    )
            answer = self._answer(
                path, sheet, r, row, input_at, columns, tid, assignment.role if assignment else "", formulas, year, unit
            )
            if assignment is None:
                self.finding("no-role", path, sheet, cell_ref(r, 0), unit=unit.name, task_id=tid)
                for field_name, text in answer.texts().items():
                    self.finding(
                        "superseded-text",
                        path,
                        sheet,
                        answer.cell(field_name),
                        unit=unit.name,
                        task_id=tid,
                        field=label(field_name),
                        text=text,
                    )
                continue
            answers.append(answer)
        order = [t for t in seen if t in expected]
        if order != [t.id for t, _ in plan.rows if t.id in order]:
            self.finding("row-moved", path, sheet, unit=unit.name)
        for t, _ in plan.rows:
            if t.id not in seen:
                self.finding("row-deleted", path, sheet, unit=unit.name, task_id=t.id)
        fp = meta.get(C.K_FINGERPRINT)
        if fp:
            now_fp = C.fingerprint(unit.name, locked_rows)
            if now_fp != fp and str(path) not in self.errors_by_file:
                self.finding("fingerprint-mismatch", path, sheet, unit=unit.name)
            elif now_fp == fp and fp != plan.fingerprint:
                self.finding("master-changed", path, sheet, unit=unit.name)
        return answers

    def _answer(self, path, sheet, r, row, input_at, columns, tid, role, formulas, year, unit: Unit) -> Answer:
        values: dict[str, object] = {}
        n = len(row)
        for f, c in input_at:
            if c >= n:
                continue
            v = values[f] = row[c]
            if formulas and (ref := cell_ref(r, c)) in formulas:
                self.finding(
                    "formula-in-input",
                    path,
                    sheet,
                    ref,
                    unit=unit.name,
                    task_id=tid,
                    formula="=" + formulas[ref],
                    value=cell_text(v),
                )
        letters = dict(columns)

        def cell(field_name: str) -> str:
            return f"{letters[field_name]}{r + 1}" if field_name in letters else ""

        raw_status = cell_text(values.get("status"))
        status = normalise_status(raw_status) if raw_status else ""
        ref_status = cell("status")
        if raw_status and not status:
            self.finding("status-unknown", path, sheet, ref_status, unit=unit.name, task_id=tid, raw=raw_status)
        elif raw_status and status != raw_status:
            self.finding(
                "status-normalised", path, sheet, ref_status, unit=unit.name, task_id=tid, raw=raw_status, status=status
            )
        lead_summary = cell_text(values.get("lead_summary"))
        if role != C.ROLE_LEAD and lead_summary == "—":
            lead_summary = ""
        date_v = values.get("done_date")
        done = parse_date(date_v, year)
        raw_date = cell_text(date_v)
        if raw_date and done is None:
            self.finding("date-unparsed", path, sheet, cell("done_date"), unit=unit.name, task_id=tid, raw=raw_date)
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
            columns=columns,
        )


def label(field_name: str) -> str:
    return next((c.header for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY) if c.field == field_name), field_name)
