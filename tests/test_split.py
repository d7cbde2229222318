"""Per-unit workbooks, read back with a second library, and the hidden proof of origin."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from zwgk_xl import contract as C
from zwgk_xl import split_units
from zwgk_xl.workbook.master import read_hidden

from .conftest import SAMPLES, page_ink


@pytest.mark.parametrize("name", list(SAMPLES))
def test_one_file_per_unit_with_only_its_tasks(built, name: str) -> None:
    _, b, s, _ = built[name]
    assert [f.unit.id for f in s.files] == [p.unit.id for p in b.plans]
    assert len({f.path.name.lower() for f in s.files}) == len(s.files)
    for f, plan in zip(s.files, b.plans, strict=True):
        wb = CalamineWorkbook.from_path(str(f.path))
        assert wb.sheet_names == [C.SHEET_UNIT, C.SHEET_HIDDEN]
        rows = wb.get_sheet_by_name(C.SHEET_UNIT).to_python()
        assert rows[C.UNIT_INFO_ROW][2] == f.unit.name
        body = rows[C.UNIT_FIRST_ROW :]
        assert [r[0] for r in body] == [t.id for t, _ in plan.rows]
        assert [r[6] for r in body] == [a.role for _, a in plan.rows]
        meta = read_hidden(wb)
        assert meta[C.K_UNIT_NAME] == f.unit.name and meta[C.K_KIND] == "unit"
        assert meta[C.K_TASK_IDS].split(",") == [t.id for t, _ in plan.rows]
        locked = [r[: len(C.UNIT_LOCKED)] for r in body]
        assert meta[C.K_FINGERPRINT] == C.fingerprint(f.unit.name, locked)


def test_protection_locks_validations_print(built) -> None:
    _, _, s, _ = built["shangyu_2022"]
    lead_file = next(f for f in s.files if f.leads and f.leads < f.tasks)
    wb = load_workbook(lead_file.path)
    ws = wb[C.SHEET_UNIT]
    assert wb[C.SHEET_HIDDEN].sheet_state == "veryHidden"
    assert ws.protection.sheet and not ws.protection.password
    headers = [c.value for c in ws[C.UNIT_HEADER_ROW + 1]]
    assert headers[-1] == C.LEAD_SUMMARY.header
    first = C.UNIT_FIRST_ROW + 1
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(first, col)
        is_input = header in {c.header for c in C.UNIT_INPUT} or header == C.LEAD_SUMMARY.header
        role = ws.cell(first, 7).value
        if header == C.LEAD_SUMMARY.header and role != C.ROLE_LEAD:
            is_input = False
        assert cell.protection.locked is (not is_input), header
        if is_input:
            assert cell.fill.fgColor.rgb.endswith(C.COLOR_INPUT.lstrip("#"))
    assert ws.cell(C.UNIT_INFO_ROW + 1, 3).protection.locked  # 填报单位
    assert not ws.cell(C.UNIT_INFO_ROW + 1, 6).protection.locked  # 填报人
    dvs = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert dvs["list"].formula1 == '"' + ",".join(C.STATUSES) + '"'
    assert "I5" in str(dvs["list"].sqref)
    assert "date" in dvs
    assert ws.freeze_panes == "C5"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$4"  # the column headings; title and unit are in the page header
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    roles = {ws.cell(r, 7).value for r in range(first, ws.max_row + 1)}
    assert roles == {C.ROLE_LEAD, C.ROLE_RESPONSIBLE}


def test_responsible_only_unit_has_no_lead_summary(built) -> None:
    _, _, s, _ = built["haishu_2021"]  # in Shangyu every unit leads a task through 各乡镇…; in Haishu not
    f = next(f for f in s.files if f.leads == 0)
    rows = CalamineWorkbook.from_path(str(f.path)).get_sheet_by_name(C.SHEET_UNIT).to_python()
    assert C.LEAD_SUMMARY.header not in rows[C.UNIT_HEADER_ROW]


def test_split_follows_edits_made_in_the_master(built, tmp_path) -> None:
    _, b, _, _ = built["haishu_2021"]
    wb = load_workbook(b.path)
    ws = wb[C.SHEET_MASTER]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "T001")
    row[2].value = "改过的任务文字"
    row[4].value = "区司法局"  # the clerk names a lead for a task printed with "\"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    s = split_units(edited, tmp_path / "out", now=dt.datetime(2021, 1, 1))
    f = next(f for f in s.files if f.unit.name == "宁波市海曙区司法局")
    body = CalamineWorkbook.from_path(str(f.path)).get_sheet_by_name(C.SHEET_UNIT).to_python()[C.UNIT_FIRST_ROW :]
    t1 = next(r for r in body if r[0] == "T001")
    assert (t1[2], t1[6]) == ("改过的任务文字", C.ROLE_LEAD)


def test_split_again_gives_same_cells(built, tmp_path) -> None:
    _, b, s, _ = built["haishu_2021"]
    again = split_units(b.path, tmp_path / "again", now=dt.datetime(2030, 1, 1))
    for f1, f2 in zip(s.files, again.files, strict=True):
        w1, w2 = CalamineWorkbook.from_path(str(f1.path)), CalamineWorkbook.from_path(str(f2.path))
        assert w1.get_sheet_by_name(C.SHEET_UNIT).to_python() == w2.get_sheet_by_name(C.SHEET_UNIT).to_python()
        m1, m2 = read_hidden(w1), read_hidden(w2)
        m1.pop(C.K_GENERATED), m2.pop(C.K_GENERATED)
        assert m1 == m2


def test_unit_pdf_and_libreoffice_resave_keep_the_proof(built, libreoffice, tmp_path) -> None:
    _, _, s, _ = built["shangyu_2022"]
    f = s.files[0]
    pdf = libreoffice(f.path, "pdf", tmp_path / "pdf")
    assert page_ink(pdf, 1) > 0.01
    resaved = libreoffice(f.path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "resaved")
    wb = CalamineWorkbook.from_path(str(resaved))
    meta = read_hidden(wb)
    assert meta[C.K_UNIT_NAME] == f.unit.name
    body = wb.get_sheet_by_name(C.SHEET_UNIT).to_python()[C.UNIT_FIRST_ROW :]
    assert C.fingerprint(f.unit.name, [r[: len(C.UNIT_LOCKED)] for r in body]) == meta[C.K_FINGERPRINT]
    assert load_workbook(resaved)[C.SHEET_HIDDEN].sheet_state in {"veryHidden", "hidden"}


def test_outbox_files_name_what_they_leave_out(built, tmp_path) -> None:
    """A damaged or foreign workbook in the outbox is not sent, and a finding says which and why (it was left out
    without a word)."""
    import shutil
    from pathlib import Path

    from zwgk_xl import read_master
    from zwgk_xl.split import mail_files, outbox_files

    _, b, s, _ = built["haishu_2021"]
    outbox = tmp_path / "outbox"
    shutil.copytree(s.files[0].path.parent, outbox)
    (outbox / "损坏.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (outbox / "别的表.xlsx").write_bytes(b.path.read_bytes())  # the master: not a unit workbook
    master = read_master(b.path)
    files, found = outbox_files(master, outbox)
    assert len(files) == len(s.files) and files == mail_files(master, outbox)
    why = {Path(f.file).name: f.message for f in found}
    assert set(why) == {"损坏.xlsx", "别的表.xlsx"} and {f.code for f in found} == {"outbox-skipped"}
    assert "无法读取" in why["损坏.xlsx"] and "不是本清单的单位填报表" in why["别的表.xlsx"]


def test_the_unit_name_shows_whole_in_its_merged_cell(built) -> None:
    """Merged cells never grow by themselves: the 填报单位 row opens tall enough for the longest unit name."""
    from zwgk_xl.workbook.unitsheet import unit_hidden, unit_widths
    from zwgk_xl.workbook.xlsx import row_height

    imported, b, s, _ = built["shangyu_2022"]
    f = max(s.files, key=lambda f: len(f.unit.name))
    plan = next(p for p in b.plans if p.unit.id == f.unit.id)
    ws = load_workbook(f.path).worksheets[0]
    cols = plan.columns()
    widths, hidden = unit_widths(imported.tasklist, cols), unit_hidden(imported.tasklist, cols)
    v0, v1 = next((v0, v1) for name, _, _, v0, v1 in C.UNIT_INFO if C.INFO_FIELDS[name] == "unit")
    width = sum(widths[i] for i in range(v0, v1 + 1) if i not in hidden)
    needed = row_height([(f.unit.name, width)])
    assert needed > 30  # the name wraps: the old fixed 30 pt cut it
    assert ws.row_dimensions[C.UNIT_INFO_ROW + 1].height >= needed
