"""Read a master workbook back: its hidden data, the 总表 as a TaskList, and the 单位名册 as the roster.

Split and merge read the master rather than the original list, so whatever the clerk corrected in Excel (a task's
text, a lead unit, a new unit in the roster) is what goes out and what returns are checked against.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from python_calamine import CalamineWorkbook

from zwgk_xl import contract as C
from zwgk_xl.importers.sheet import _table
from zwgk_xl.importers.table import build
from zwgk_xl.model import Finding, Roster, TaskList
from zwgk_xl.plan import UnitPlan, plan_units
from zwgk_xl.units import RosterIndex, roster_from_rows


class MasterError(Exception):
    """The file is not a master workbook of this tool (or is too damaged to read): nothing can be split or merged."""


@dataclass(frozen=True)
class Master:
    path: Path
    tasklist: TaskList
    roster: Roster
    meta: dict[str, str]
    findings: tuple[Finding, ...]

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


def read_hidden(wb: CalamineWorkbook) -> dict[str, str]:
    if C.SHEET_HIDDEN not in wb.sheet_names:
        return {}
    return hidden_values(wb.get_sheet_by_name(C.SHEET_HIDDEN).to_python())


def hidden_values(rows: Iterable[Sequence[object]]) -> dict[str, str]:
    """The hidden sheet's key/value rows, whichever reader read them."""
    out = {}
    for row in rows:
        if len(row) >= 2 and row[0] is not None and str(row[0]).strip():
            v = row[1]
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            out[str(row[0]).strip()] = "" if v is None else str(v)
    return out


def read_master(path: str | Path) -> Master:
    p = Path(path)
    if not p.exists():
        raise MasterError(f"找不到总表工作簿：{p}")
    try:
        wb = CalamineWorkbook.from_path(str(p))
    except Exception as exc:
        raise MasterError(f"{p}：无法读取（{exc}）") from exc
    meta = read_hidden(wb)
    if meta.get(C.K_KIND) != "master" or C.SHEET_MASTER not in wb.sheet_names:
        raise MasterError(f"{p}：不是本工具生成的总表工作簿（缺少“{C.SHEET_MASTER}”或隐藏信息表）")
    grid = wb.get_sheet_by_name(C.SHEET_MASTER).to_python(skip_empty_area=False)
    result = build(_table(grid, str(p), C.SHEET_MASTER))
    year = int(meta[C.K_YEAR]) if meta.get(C.K_YEAR, "").isdigit() else result.tasklist.year
    tl = replace(result.tasklist, title=meta.get(C.K_TITLE, ""), year=year, issuer=meta.get(C.K_ISSUER, ""))
    if C.SHEET_ROSTER not in wb.sheet_names:
        raise MasterError(f"{p}：缺少“{C.SHEET_ROSTER}”工作表")
    roster, rf = roster_from_rows(wb.get_sheet_by_name(C.SHEET_ROSTER).to_python(skip_empty_area=False), f"{p}")
    findings = tuple(f for f in result.findings if f.code not in {"number-assigned"}) + tuple(rf)
    return Master(p, tl, roster, meta, findings)
