"""The master → one workbook per unit: only its tasks, its role on each, the task text locked, input cells
unlocked and shaded, dropdowns, print setup, and a very hidden sheet that proves where a returned file came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.atomic import atomic_path
from zwgk_xl.model import Finding, Outcome, Unit
from zwgk_xl.plan import Master, UnitPlan, plan_units
from zwgk_xl.rounds import RoundState
from zwgk_xl.vocab import UNIT_NOTE
from zwgk_xl.workbook.master import read_hidden, read_master
from zwgk_xl.workbook.unitsheet import info_pairs, write_unit_sheet
from zwgk_xl.workbook.xlsx import Styles, file_name, new_workbook, write_hidden


@dataclass(frozen=True)
class UnitFile:
    unit: Unit
    path: Path
    tasks: int
    leads: int


@dataclass(frozen=True)
class SplitResult(Outcome):
    files: tuple[UnitFile, ...]
    idle_units: tuple[Unit, ...]
    findings: tuple[Finding, ...]

    def __repr__(self) -> str:
        return f"SplitResult({len(self.files)} files, {len(self.findings)} findings)"


def unit_note(master: Master, rounds_note: str = "") -> str:
    due = master.meta.get(C.K_DUE, "")
    contact = master.meta.get(C.K_CONTACT, "")
    parts = [rounds_note or UNIT_NOTE]
    if due:
        parts.append(f"请于{C.display_date(due)}前报送。")
    if contact:
        parts.append(f"联系人：{contact}")
    return "".join(parts)


def write_unit_workbook(
    master: Master,
    plan: UnitPlan,
    path: Path,
    *,
    password: str = "",
    generated: str,
    state: RoundState | None = None,
) -> Path:
    """``state``: a master of a later round (``zwgk next``) pre-fills each input cell with the unit's last answer,
    marked by colour and by the 上轮填报 column (roundbook.py)."""
    from zwgk_xl.workbook import roundbook

    uid = plan.unit.id
    notes = roundbook.carried_notes(state, uid, [t.id for t, _ in plan.rows]) or None
    with atomic_path(path) as tmp:
        wb = new_workbook(tmp)
        st = Styles(wb)
        ws = wb.add_worksheet(C.SHEET_UNIT)
        locked = write_unit_sheet(
            ws,
            st,
            master.tasklist,
            plan,
            protect=True,
            password=password,
            note=unit_note(master, roundbook.form_note(state, uid)),
            answers=roundbook.carried_answers(state, uid),
            notes=notes,
            prefilled=True,
        )
        pairs = info_pairs(
            master.tasklist,
            master.round,
            generated,
            [
                (C.K_KIND, "unit"),
                (C.K_UNIT_ID, plan.unit.id),
                (C.K_UNIT_NAME, plan.unit.name),
                (C.K_TASK_IDS, ",".join(t.id for t, _ in plan.rows)),
                (C.K_FINGERPRINT, C.fingerprint(plan.unit.name, locked)),
                (C.K_DUE, master.meta.get(C.K_DUE, "")),
                (C.K_CONTACT, master.meta.get(C.K_CONTACT, "")),
            ],
        )
        pairs[1] = (C.K_LIST_ID, master.list_id)  # the master's id, even if the clerk retitled the list
        write_hidden(wb, pairs)
        wb.close()
    return path


def unit_file_stem(master: Master, unit: Unit) -> str:
    return f"{master.tasklist.title}_{unit.name}"


def split_units(
    master_path: str | Path, outdir: str | Path, *, password: str = "", now: dt.datetime | None = None
) -> SplitResult:
    """One protected workbook per unit with tasks, into ``outdir``, from the master as the clerk left it (edits
    made in Excel carry through). ``password`` protects the sheets (empty: protected without a password)."""
    master = read_master(master_path)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    plans, idle, found = plan_units(master.tasklist, master.roster)
    generated = (now or dt.datetime.now()).isoformat(timespec="seconds")
    from zwgk_xl.workbook.roundbook import read_state

    state = read_state(master.path)
    taken: set[str] = set()
    files = []
    for plan in plans:
        path = out / file_name(unit_file_stem(master, plan.unit), taken)
        write_unit_workbook(master, plan, path, password=password, generated=generated, state=state)
        files.append(UnitFile(plan.unit, path, len(plan.rows), plan.leads))
    return SplitResult(tuple(files), tuple(idle), tuple(master.findings) + tuple(found))


def mail_files(master: Master, outbox: str | Path) -> list[tuple[Unit, Path]]:
    """The unit workbooks of an outbox folder with their units, known by each file's hidden sheet (not its name)."""
    return outbox_files(master, outbox)[0]


def outbox_files(master: Master, outbox: str | Path) -> tuple[list[tuple[Unit, Path]], list[Finding]]:
    """``mail_files`` and what it left out: a workbook that cannot be read, or is not this list's unit workbook,
    gets a finding (outbox-skipped) rather than being left out without a word."""
    from python_calamine import CalamineWorkbook

    out, found = [], []
    for path in sorted(Path(outbox).glob("*.xlsx")):
        if path.name.startswith("~$"):
            continue
        try:
            meta = read_hidden(CalamineWorkbook.from_path(str(path)))
        except Exception:  # calamine's own error types: the file is damaged, or not a workbook
            found.append(findings.make("outbox-skipped", file=str(path), why="文件无法读取（可能已损坏或正在编辑）"))
            continue
        unit = master.roster.get(meta.get(C.K_UNIT_ID, ""))
        if meta.get(C.K_LIST_ID) == master.list_id and unit is not None:
            out.append((unit, path))
        else:
            found.append(findings.make("outbox-skipped", file=str(path), why="不是本清单的单位填报表"))
    return out, found
