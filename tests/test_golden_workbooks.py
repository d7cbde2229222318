"""Golden dumps of the built workbooks (tests/data/workbook_*.json): the master, one unit's workbook and the merged
workbook of the Haishu sample, compared by meaning. A deliberate change is reviewed as a diff of the dump and
accepted with ``pytest --update-golden``."""

from __future__ import annotations

import datetime as dt

from zwgk_xl import build_master, consolidate, import_tasklist, load_roster, simulate, split_units, write_merged

from .conftest import SAMPLES
from .workbook_dump import dump

NOW = dt.datetime(2022, 3, 1, 9, 0, 0)


def test_built_workbooks_match_their_golden_dumps(tmp_path, golden) -> None:
    source, roster_path = SAMPLES["haishu_2021"]
    roster, _ = load_roster(roster_path)
    tl = import_tasklist(source, roster).tasklist
    built = build_master(tl, roster, tmp_path / "总表.xlsx", due="2022-11-30", contact="区府办 0575-00000000", now=NOW)
    split = split_units(built.path, tmp_path / "outbox", now=NOW)
    simulate.fill_returns(tmp_path / "outbox", tmp_path / "returns", seed=7)
    result = consolidate(built.path, tmp_path / "returns", as_of=dt.date(2021, 12, 31))
    merged = write_merged(result, tmp_path / "汇总.xlsx", now=NOW, unit_sheets=False)
    unit = next(f for f in split.files if f.leads and f.tasks > 3)
    golden("workbook_master", dump(built.path, tmp_path, sheets=2))
    golden("workbook_unit", dump(unit.path, tmp_path))
    golden("workbook_merged", dump(merged, tmp_path))
