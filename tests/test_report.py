"""The report read back from merged.xlsx is the one built in memory, whatever form its hidden sheet has."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import zwgk_xl
from zwgk_xl import report as R
from zwgk_xl import simulate
from zwgk_xl.workbook import results


@pytest.fixture
def merged(built, tmp_path):
    _, b, _s, base = built["shangyu_2022"]
    simulate.fill_returns(base / "outbox", tmp_path / "returns", seed=7)
    result = zwgk_xl.consolidate(b.path, tmp_path / "returns", as_of=dt.date(2022, 12, 15))
    return result, zwgk_xl.write_merged(result, tmp_path / "汇总.xlsx")


def test_read_back_equals_the_report_in_memory(merged) -> None:
    result, path = merged
    built, read = R.from_consolidation(result), zwgk_xl.read_report(path)
    assert read.as_of == built.as_of
    assert read.units == built.units and read.tasks == built.tasks and read.assignments == built.assignments
    assert read.findings == built.findings and len(read.findings) > 100


def test_hidden_rows_in_either_form(merged) -> None:
    result, _ = merged
    rows = list(R.rows(R.from_consolidation(result)))
    assert results._read_rows([list(row) for row in rows]) == rows  # merged before the JSON form
    text = json.dumps(rows, ensure_ascii=False)
    chunks = [[text[i : i + 1000]] for i in range(0, len(text), 1000)]
    assert results._read_rows(chunks) == rows
    with pytest.raises(results.ReportError, match="已损坏"):
        results._read_rows(chunks[:-1])


@pytest.mark.parametrize("chunk", [7, 997])
def test_written_in_chunks_read_back_whole(merged, tmp_path, monkeypatch, chunk) -> None:
    """The JSON is cut into cells as it is encoded: any cell size, the rows read back are the same."""
    result, _ = merged
    monkeypatch.setattr(results, "_CHUNK", chunk)
    path = zwgk_xl.write_merged(result, tmp_path / f"c{chunk}.xlsx")
    from python_calamine import CalamineWorkbook

    cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(results.C.SHEET_RESULT).to_python()
    assert len(cells) > 10 and all(len(row[0]) <= chunk for row in cells)
    assert results._read_rows(cells) == list(R.rows(R.from_consolidation(result)))
