"""TaskList + Roster → the master workbook: 说明 · 总表 · one sheet per unit · 单位名册 · very hidden _zwgk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from zwgk_xl import contract as C
from zwgk_xl.atomic import atomic_path
from zwgk_xl.model import Finding, Outcome, Roster, TaskList, Unit
from zwgk_xl.plan import UnitPlan, plan_units
from zwgk_xl.workbook.master import readme_lines, write_master_table, write_readme, write_roster_sheet
from zwgk_xl.workbook.unitsheet import info_pairs, write_unit_sheet
from zwgk_xl.workbook.xlsx import (
    Styles,
    Workbook,
    new_workbook,
    sheet_name,
    write_hidden,
)


@dataclass(frozen=True)
class BuildResult(Outcome):
    path: Path
    plans: tuple[UnitPlan, ...]
    idle_units: tuple[Unit, ...]
    findings: tuple[Finding, ...]

    def __repr__(self) -> str:
        return f"BuildResult({str(self.path)!r}, {len(self.plans)} units, {len(self.findings)} findings)"


def build_master(
    tl: TaskList,
    roster: Roster,
    path: str | Path,
    *,
    round_label: str = "1",
    due: str = "",
    contact: str = "",
    now: dt.datetime | None = None,
    extra_meta: Sequence[tuple[str, str]] = (),
    after: Callable[[Workbook], None] | None = None,
) -> BuildResult:
    """Write the master workbook (说明, 总表, a sheet per unit, 单位名册, hidden data) to ``path``, atomically.

    ``round_label``, ``due`` and ``contact`` go into the hidden sheet and every unit workbook split from it; the
    result says which units got tasks, which got none, and the plan's findings (names no unit answers to).
    ``extra_meta`` adds keys to the hidden sheet and ``after`` writes more sheets: how ``zwgk next`` adds the round
    state (workbook/roundbook.py) to a master without build knowing about rounds."""
    target = Path(path)
    plans, idle, out = plan_units(tl, roster)
    generated = (now or dt.datetime.now()).isoformat(timespec="seconds")
    with atomic_path(target) as tmp:
        wb = new_workbook(tmp)
        st = Styles(wb)
        write_readme(wb.add_worksheet(C.SHEET_README), st, readme_lines(tl, plans, due, contact, round_label))
        write_master_table(wb.add_worksheet(C.SHEET_MASTER), st, tl)
        taken: set[str] = set(C.RESERVED_SHEETS)
        for plan in plans:
            ws = wb.add_worksheet(sheet_name(plan.unit.short, taken))
            write_unit_sheet(ws, st, tl, plan, protect=False)
        counts = {p.unit.id: len(p.rows) for p in plans}
        write_roster_sheet(wb.add_worksheet(C.SHEET_ROSTER), st, roster, counts)
        pairs = info_pairs(
            tl,
            round_label,
            generated,
            [
                (C.K_KIND, "master"),
                (C.K_DUE, due),
                (C.K_CONTACT, contact),
                (C.K_TASK_IDS, ",".join(t.id for t in tl.tasks)),
                *extra_meta,
            ],
        )
        write_hidden(wb, pairs)
        if after is not None:
            after(wb)
        wb.worksheets()[1].activate()
        wb.close()
    return BuildResult(target, tuple(plans), tuple(idle), tuple(out))
