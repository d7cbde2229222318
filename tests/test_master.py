"""The master book read back by its one column definition (workbook/master.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from zwgk_xl import build_master, consolidate, import_tasklist, load_roster, read_master, write_merged
from zwgk_xl import contract as C

from .conftest import SAMPLES


def _renamed(columns: tuple[C.Column, ...], names: dict[str, str]) -> tuple[C.Column, ...]:
    return tuple(dataclasses.replace(c, header=names.get(c.field, c.header)) for c in columns)


def test_renamed_consolidation_headers_do_not_break_reading(tmp_path, monkeypatch) -> None:
    """The 总表's headers are contract.MASTER_COLUMNS alone: renamed there, a merged master still reads back to the
    same tasks. The names chosen would each be taken for a list column by the importer's synonyms (牵头单位…,
    责任单位…, 完成时限…) if the reader did not leave the consolidation's columns out by that definition."""
    source, roster_path = SAMPLES["shangyu_2022"]
    roster, _ = load_roster(roster_path)
    tl = import_tasklist(source, roster).tasklist
    names = {
        "status": "总体完成时限状态",
        "lead_progress": "牵头单位落实情况",
        "responsible_progress": "责任单位落实情况",
    }
    monkeypatch.setattr(C, "MASTER_COLUMNS", _renamed(C.MASTER_COLUMNS, names))
    built = build_master(tl, roster, tmp_path / "总表.xlsx", due="2022-11-30")
    (tmp_path / "returns").mkdir()
    result = consolidate(built.path, tmp_path / "returns", as_of=dt.date(2022, 12, 1))
    merged = write_merged(result, tmp_path / "汇总.xlsx")
    for path in (built.path, merged):
        back = read_master(path).tasklist
        assert [(t.id, t.text, t.lead, t.responsible, t.deadline.text) for t in back.tasks] == [
            (t.id, t.text, t.lead, t.responsible, t.deadline.text) for t in tl.tasks
        ]
    assert result.sheet_arrays()[C.SHEET_MASTER][0][-5] == "总体完成时限状态"


def test_master_grid_table_keeps_task_columns_only() -> None:
    from zwgk_xl.workbook.master import master_grid_table

    headers = [c.header for c in C.MASTER_COLUMNS]
    grid: list[list[object]] = [
        ["标题"],
        headers,
        ["一、栏目"],
        ["T1", 1, "任务", "", "甲局", "乙局", "2022年底", "已完成"],
    ]
    table = master_grid_table(grid, "x.xlsx")
    assert len(table.rows[1].cells) == len(C.MASTER_COLUMNS) - len(C.CONSOLIDATION_FIELDS)
    assert "总体状态" not in table.rows[1].cells and table.rows[3].refs[-1] == "G4"
