"""Identify, verify and read returns; the returned files are never changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from zwgk_xl import build_master, consolidate, import_tasklist, load_roster, split_units, write_merged
from zwgk_xl import contract as C
from zwgk_xl.collect import collect
from zwgk_xl.verify import normalise_status, parse_date
from zwgk_xl.workbook.master import read_hidden, read_master

from .conftest import SAMPLES, fill_unit

DONE = {"status": "已完成", "progress": "已公开", "done_date": dt.datetime(2021, 6, 1)}


@pytest.fixture
def hs(built, tmp_path):
    """Haishu master and outbox; a fresh returns folder per test."""
    _, b, s, _ = built["haishu_2021"]
    files = {f.unit.name: f for f in s.files}
    return b.path, files, tmp_path / "returns"


def _codes(result) -> set[tuple[str, str, str]]:
    return {(f.code, f.unit, f.task_id) for f in result.findings}


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("已完成", "已完成"),
        ("完成", "已完成"),
        ("已办结", "已完成"),
        (" 完成 ", "已完成"),
        ("进行中", "推进中"),
        ("正在推进", "推进中"),
        ("未开始", "未启动"),
        ("持续开展", "持续推进"),
        ("无", "不涉及"),
        ("差不多", ""),
    ],
)
def test_status_synonyms(raw: str, status: str) -> None:
    assert normalise_status(raw) == status


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2022, 9, 30), dt.date(2022, 9, 30)),
        (44834.0, dt.date(2022, 9, 30)),
        ("2022年9月30日", dt.date(2022, 9, 30)),
        ("2022.9.30", dt.date(2022, 9, 30)),
        ("2022/9/30", dt.date(2022, 9, 30)),
        ("2022-09-30", dt.date(2022, 9, 30)),
        ("9月底", dt.date(2022, 9, 30)),
        ("不知道", None),
        ("2022.13.1", None),
    ],
)
def test_dates(value: object, expected: dt.date | None) -> None:
    assert parse_date(value, 2022) == expected


def test_identified_by_hidden_sheet_not_by_name(hs) -> None:
    master, files, returns = hs
    f = files["宁波市海曙区司法局"]
    fill_unit(f.path, returns / "sub" / "随便起的名字.xlsx", {t: DONE for t in ("T016",)})
    col = collect(read_master(master), returns)
    assert [s.unit.name for s in col.submissions] == ["宁波市海曙区司法局"]
    assert col.submissions[0].identified_by == "hidden"


def test_hidden_sheet_deleted_falls_back_with_warning(hs) -> None:
    master, files, returns = hs
    f = files["宁波市海曙区司法局"]

    def drop_hidden(ws):
        del ws.parent[C.SHEET_HIDDEN]

    fill_unit(f.path, returns / "a.xlsx", {"T016": DONE}, edit=drop_hidden)
    col = collect(read_master(master), returns)
    assert col.submissions[0].unit.name == "宁波市海曙区司法局"
    assert col.submissions[0].identified_by == "cell"
    assert any(x.code == "no-hidden-sheet" for x in col.findings)


def test_tampered_return_is_reported_precisely_and_values_kept(hs) -> None:
    master, files, returns = hs
    f = files["宁波市海曙区财政局"]

    def tamper(ws):
        r = C.UNIT_FIRST_ROW + 1
        ws.cell(r, 3).value = "改过的任务文字"
        ws.cell(r + 1, 7).value = "牵头" if ws.cell(r + 1, 7).value == "责任" else "责任"

    fill_unit(f.path, returns / "x.xlsx", {"T008": DONE}, edit=tamper)
    col = collect(read_master(master), returns)
    got = {(x.code, x.cell) for x in col.findings}
    first = C.UNIT_FIRST_ROW + 1
    assert ("locked-text-edited", f"C{first}") in got
    assert ("role-changed", f"G{first + 1}") in got
    assert col.submissions[0].answer("T008").status == "已完成"


def test_deleted_sorted_and_inserted_column(hs) -> None:
    master, files, returns = hs
    f = files["宁波市海曙区财政局"]
    ids = ("T008", "T009", "T010", "T011", "T012")

    def reshape(ws):
        first = C.UNIT_FIRST_ROW + 1
        ws.insert_cols(3)  # a unit inserts a column
        ws.cell(C.UNIT_HEADER_ROW + 1, 3).value = "我的备注"
        ws.move_range(f"A{first}:P{first}", rows=ws.max_row - first + 1)  # move the first row to the end
        ws.delete_rows(first)

    fill_unit(f.path, returns / "x.xlsx", {t: {"status": "推进中", "progress": f"进展{t}"} for t in ids}, edit=reshape)
    col = collect(read_master(master), returns)
    sub = col.submissions[0]
    assert {a.task_id for a in sub.answers} >= {"T009", "T010"}
    assert all(a.progress == f"进展{a.task_id}" for a in sub.answers)
    codes = {x.code for x in col.findings}
    assert "row-moved" in codes


def test_row_deleted(hs) -> None:
    master, files, returns = hs
    f = files["宁波市海曙区财政局"]
    first_id = read_hidden(CalamineWorkbook.from_path(str(f.path)))[C.K_TASK_IDS].split(",")[0]
    fill_unit(f.path, returns / "x.xlsx", {}, edit=lambda ws: ws.delete_rows(C.UNIT_FIRST_ROW + 1))
    col = collect(read_master(master), returns)
    assert ("row-deleted", "宁波市海曙区财政局", first_id) in {(x.code, x.unit, x.task_id) for x in col.findings}


def test_foreign_and_stale_returns(built, hs, tmp_path) -> None:
    master, _files, returns = hs
    _, _, sy, _ = built["shangyu_2022"]
    fill_unit(sy.files[0].path, returns / "foreign.xlsx", {})
    # the same list split again for another round
    source, roster_path = SAMPLES["haishu_2021"]
    roster, _ = load_roster(roster_path)
    m2 = build_master(import_tasklist(source, roster).tasklist, roster, tmp_path / "m2.xlsx", round_label="2")
    s2 = split_units(m2.path, tmp_path / "out2")
    f2 = next(f for f in s2.files if f.unit.name == "宁波市海曙区司法局")
    fill_unit(f2.path, returns / "round2.xlsx", {"T016": DONE})
    col = collect(read_master(master), returns)
    codes = {(x.code, Path(x.file).name) for x in col.findings}
    assert ("foreign-list", "foreign.xlsx") in codes
    assert ("stale-round", "round2.xlsx") in codes
    assert [s.unit.name for s in col.submissions] == ["宁波市海曙区司法局"]


def test_last_years_workbook_is_refused_with_its_year(hs, tmp_path) -> None:
    """A unit sends back last year's file (same district, same tasks, same unit): named, not counted, text kept."""
    from dataclasses import replace

    master, _files, returns = hs
    source, roster_path = SAMPLES["haishu_2021"]
    roster, _ = load_roster(roster_path)
    this_year = import_tasklist(source, roster).tasklist
    last = replace(this_year, title=this_year.title.replace("2021", "2020"), year=2020)
    old = split_units(build_master(last, roster, tmp_path / "2020.xlsx").path, tmp_path / "out2020")
    f = next(f for f in old.files if f.unit.name == "宁波市海曙区司法局")
    fill_unit(f.path, returns / "司法局.xlsx", {"T016": {"status": "已完成", "progress": "去年的进展"}})
    col = collect(read_master(master), returns)
    (hit,) = [x for x in col.findings if x.code == "foreign-list"]
    assert Path(hit.file).name == "司法局.xlsx" and "2020" in hit.message
    assert not col.submissions
    assert any(x.code == "row-added" and "去年的进展" in x.message for x in col.findings)


def test_resend_newest_wins_and_older_text_kept(hs) -> None:
    master, files, returns = hs
    f = files["宁波市海曙区司法局"]
    fill_unit(
        f.path,
        returns / "old.xlsx",
        {"T016": {"status": "推进中", "progress": "第一次"}},
        {"date": dt.datetime(2021, 6, 1)},
    )
    fill_unit(
        f.path,
        returns / "new.xlsx",
        {"T016": {"status": "已完成", "progress": "第二次"}},
        {"date": dt.datetime(2021, 7, 1)},
    )
    col = collect(read_master(master), returns)
    assert col.submissions[0].answer("T016").progress == "第二次"
    assert [Path(s.file).name for s in col.superseded] == ["old.xlsx"]
    assert any(x.code == "superseded-text" and "第一次" in x.message for x in col.findings)


def test_formula_typed_by_unit_and_skipped_files(hs) -> None:
    master, files, returns = hs
    f = files["宁波市海曙区司法局"]
    fill_unit(
        f.path, returns / "f.xlsx", {"T016": {"status": "已完成", "progress": '=HYPERLINK("http://x.invalid","点我")'}}
    )
    (returns / "~$f.xlsx").write_bytes(b"lock")
    (returns / "说明.txt").write_text("备注", encoding="utf-8")
    col = collect(read_master(master), returns)
    found = {x.code: x for x in col.findings}
    assert "HYPERLINK" in found["formula-in-input"].message and found["formula-in-input"].cell
    assert "file-lock-skipped" in found and "file-not-spreadsheet" in found


def test_returns_are_byte_identical_after_merge(built, tmp_path) -> None:
    from zwgk_xl import simulate

    _, b, _s, base = built["shangyu_2022"]
    returns = tmp_path / "returns"
    simulate.fill_returns(base / "outbox", returns, seed=3)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returns.rglob("*") if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    result = consolidate(b.path, returns, as_of=dt.date(2022, 12, 15))
    write_merged(result, tmp_path / "merged.xlsx")
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returns.rglob("*") if p.is_file()}
    assert after == before
    assert {p: p.stat().st_mtime_ns for p in before} == mtimes


def test_unreadable_file_is_a_finding(hs) -> None:
    master, _, returns = hs
    returns.mkdir(parents=True)
    (returns / "bad.xlsx").write_bytes(b"PK\x03\x04 broken")
    shutil.copy(SAMPLES["haishu_2021"][1], returns / "roster.csv")
    col = collect(read_master(master), returns)
    assert [x.code for x in col.findings if "bad.xlsx" in x.file] == ["file-unreadable"]


def test_zip_parts_read_from_the_buffer_equal_zipfile(tmp_path) -> None:
    """The formula scan inflates parts itself; whatever the compression, it must read what zipfile reads."""
    import io
    import zipfile

    from zwgk_xl.workbook.xmlparts import member as _member

    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", method) as z:
            z.writestr("xl/worksheets/sheet1.xml", "<c r='A1'><f>SUM(1)</f></c>" * 500)
            z.writestr("xl/worksheets/sheet2.xml", "")
        z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
        for name in z.namelist():
            assert _member(z, name) == z.read(name), (method, name)
