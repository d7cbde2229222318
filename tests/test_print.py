"""What people print and read: every printed sheet at 9 pt or more on A4 landscape, measured in the PDF LibreOffice
makes of it (word heights from ``pdftotext -bbox``, against 9-pt text LibreOffice prints at 100 %), and a unit's
typed text whole on the page, typed through LibreOffice's UNO bridge as a person types it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import xlsxwriter

from zwgk_xl import contract as C
from zwgk_xl import read_master, read_report

HERE = Path(__file__).resolve().parent
UNO_PYTHON = "/usr/bin/python3"
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def words(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, height in pt, text) of every word LibreOffice put on the pages."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    result, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        elif m := _WORD.search(line):
            result.append((page, float(m.group(4)) - float(m.group(2)), m.group(5)))
    return result


def raw_text(pdf: Path) -> str:
    """The PDF's text in the order LibreOffice drew it (cell by cell, line by line), white space removed: a cell's
    wrapped lines join up again."""
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.fixture(scope="session")
def nine_pt(libreoffice, tmp_path_factory) -> float:
    """The height pdftotext gives a word of 9-pt text printed at 100 % (LibreOffice's fonts: Noto CJK here)."""
    folder = tmp_path_factory.mktemp("calibrate")
    path = folder / "nine.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for i, font in enumerate((C.FONT_BODY, C.FONT_TEXT, C.FONT_HEAD)):
        ws.write(i, 0, "九磅字 T001 2022年11月30日", wb.add_format({"font_name": font, "font_size": 9}))
    ws.set_print_scale(100)
    wb.close()
    heights = [h for _, h, _ in words(libreoffice(path, "pdf", folder))]
    assert heights
    return min(heights)


def assert_readable(pdf: Path, nine: float, what: str) -> int:
    """Every word on every page at 9 pt or more; returns the number of pages."""
    found = words(pdf)
    assert found, f"{what}: no text in {pdf}"
    small = [(p, round(h, 2), t) for p, h, t in found if h < nine * 0.98]
    assert not small, f"{what}: {len(small)} words below 9 pt (page, height, word; 9 pt = {nine:.2f}): {small[:12]}"
    return max(p for p, _, _ in found)


def test_unit_form_prints_at_9pt(built, libreoffice, nine_pt, tmp_path) -> None:
    """The form a unit prints and stamps: a unit that leads tasks has the most columns (牵头汇总)."""
    for name in ("shangyu_2022", "haishu_2021"):
        _, _, s, _ = built[name]
        lead = max(s.files, key=lambda f: (f.leads > 0, f.tasks))
        pdf = libreoffice(lead.path, "pdf", tmp_path / name)
        assert_readable(pdf, nine_pt, f"{name} unit form {lead.path.name}")


@pytest.fixture(scope="module")
def small(built, tmp_path_factory):
    """The Shangyu list cut to its first 16 tasks, built, split, returned and merged: every sheet a person prints,
    in a PDF of tens of pages rather than hundreds (type sizes do not depend on the list's length)."""
    from zwgk_xl import build_master, consolidate, simulate, split_units, write_merged

    imported, b, _, _ = built["shangyu_2022"]
    tl = dataclasses.replace(imported.tasklist, tasks=imported.tasklist.tasks[:16])
    folder = tmp_path_factory.mktemp("small")
    roster = read_master(b.path).roster
    now = dt.datetime(2022, 3, 1, 9)
    master = build_master(tl, roster, folder / "总表.xlsx", due="2022-11-30", contact="区府办 张三", now=now).path
    split_units(master, folder / "outbox", now=now)
    simulate.fill_returns(folder / "outbox", folder / "returns", seed=11)
    r = consolidate(master, folder / "returns", as_of=dt.date(2022, 12, 15))
    merged = write_merged(r, folder / "汇总.xlsx", unit_sheets=False)
    return master, merged, folder


def test_master_prints_at_9pt(small, libreoffice, nine_pt) -> None:
    """The master: 说明, 总表, every unit sheet, 单位名册."""
    master, _, folder = small
    assert_readable(libreoffice(master, "pdf", folder / "pdf_master"), nine_pt, "总表.xlsx")


def test_canonical_list_prints_at_9pt(built, libreoffice, nine_pt, tmp_path) -> None:
    """`import -o`'s 任务清单, which a clerk prints to check against the notice."""
    from zwgk_xl import write_canonical

    imported, _, _, _ = built["shangyu_2022"]
    path = write_canonical(imported.tasklist, tmp_path / "任务清单.xlsx")
    pdf = libreoffice(path, "pdf", tmp_path / "pdf")
    pages = assert_readable(pdf, nine_pt, "任务清单.xlsx")
    assert pages >= 3
    task_pages = 0
    for p in range(1, pages + 1):  # one page wide: every page of tasks has the headings, first to last column
        text = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True, text=True)
        flat = re.sub(r"\s+", "", text.stdout)  # a narrow heading wraps (任务编 / 号)
        if not re.search(r"T\d{3}", flat):
            continue  # the 清单信息 sheet
        task_pages += 1
        # every heading whole (the header row once showed only the last line of 任务编号: 号; wrapped, its two lines
        # come out beside 序号's text)
        assert all(h in flat for h in ("任务编", "一级栏目", "重点工作", "牵头单位", "责任单位", "备注")), (
            p,
            flat[:200],
        )
    assert task_pages >= 3


@pytest.fixture(scope="module")
def merged_pdf(small, libreoffice):
    _, merged, folder = small
    return libreoffice(merged, "pdf", folder / "pdf_merged")


def test_merged_workbook_prints_at_9pt(merged_pdf, nine_pt) -> None:
    """说明, 总表, 汇总 (tables and charts), 问题清单, 填报明细 of the merged workbook."""
    assert_readable(merged_pdf, nine_pt, "汇总.xlsx")


def test_dashboard_charts_print_on_pages_of_their_own(small, merged_pdf) -> None:
    pdf = merged_pdf
    pages: dict[int, list[str]] = {}
    for p, _, t in words(pdf):
        pages.setdefault(p, []).append(t)
    text = {p: "".join(ts) for p, ts in pages.items()}
    pie = next(p for p, t in text.items() if t.startswith("任务状态分布"))  # the chart's title heads its page
    bar = next(p for p, t in text.items() if t.startswith("各单位完成率"))
    assert "合计" not in text[pie] and "合计" not in text[bar]  # no table beside a chart
    assert pie != bar
    assert "区府办" in text[bar] and "100%" in text[bar]  # the bars are labelled with units and rates
    # every unit named, not every other one (LibreOffice skipped crowded axis labels); those without a bar in the title
    report = read_report(small[1])
    names = [u.unit.short for u in report.units]
    assert len(names) >= 25
    assert all(n in text[bar] for n in names), [n for n in names if n not in text[bar]]


# ------------------------------------------------------------------------------------------------ typing (UNO)


def _uno_available() -> bool:
    if not Path(UNO_PYTHON).exists():
        return False
    return subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def uno(libreoffice, tmp_path_factory):
    """Type into a workbook in a headless LibreOffice through UNO (tests/uno_type.py, run by the system Python that
    has python3-uno), export it to PDF. Skips where uno is missing, fails in CI."""
    if not _uno_available():
        if os.environ.get("CI"):
            pytest.fail("python3-uno is required in CI (apt-get install python3-uno)")
        pytest.skip("python3-uno 未安装（apt-get install python3-uno）")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    profile = tmp_path_factory.mktemp("uno_profile")

    def run(workbook: Path, pdf: Path, sheet: str, cells: list[tuple[int, int, str]]) -> dict:
        job = pdf.with_suffix(".json")
        job.write_text(json.dumps({"sheet": sheet, "cells": cells}, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run(
            [UNO_PYTHON, str(HERE / "uno_type.py"), str(soffice), str(workbook), str(pdf), str(profile), str(job)],
            capture_output=True,
            text=True,
            timeout=300,
            env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert pdf.exists()
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run


def _long(k: int, n: int) -> str:
    """A text of about ``n`` characters whose every sentence is distinct: 开头k号 …第k格第ii句… 结尾k号."""
    body = "".join(f"第{k}格第{i:02d}句已按要求落实。" for i in range(max(1, (n - 8) // 13)))
    return f"开头{k}号{body}结尾{k}号"


#: Characters typed into each free-text input cell: the issue's 600-character progress text, and in the narrower
#: columns as much as a row one page tall holds there (a spreadsheet row is never split across pages).
TYPED = {"progress": 600, "plan": 200, "evidence": 160, "lead_summary": 220}


def test_typed_text_prints_whole(built, uno, tmp_path) -> None:
    """A unit types long texts into every input cell of its form in LibreOffice (the status from its dropdown, a
    date in the date cell, 160–600 characters in each text cell) and prints it: every sentence of every cell is on
    the pages, from its first character to its last, and the rows grew to hold them."""
    from openpyxl import load_workbook

    _, _, s, _ = built["shangyu_2022"]
    f = max(s.files, key=lambda f: (f.leads > 0, f.tasks))
    ws = load_workbook(f.path)[C.SHEET_UNIT]
    headers = {ws.cell(C.UNIT_HEADER_ROW + 1, c).value: c - 1 for c in range(1, ws.max_column + 1)}
    col = {c.field: headers[c.header] for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY) if c.header in headers}
    cells: list[tuple[int, int, str]] = []
    texts: list[str] = []
    where: list[str] = []
    k = 0
    for r in range(C.UNIT_FIRST_ROW, C.UNIT_FIRST_ROW + f.tasks):
        cells.append((r, col["status"], "推进中"))
        cells.append((r, col["done_date"], "2022-11-30"))
        for field, n in TYPED.items():
            if field in col and not ws.cell(r + 1, col[field] + 1).protection.locked:
                k += 1
                texts.append(_long(k, n))
                where.append(f"{field} row {r + 1}")
                cells.append((r, col[field], texts[-1]))
    assert k >= 4 and any(len(t) >= 600 for t in texts)
    pdf = tmp_path / "typed.pdf"
    heights = uno(f.path, pdf, C.SHEET_UNIT, cells)["row_heights_mm100"]
    assert max(heights[C.UNIT_FIRST_ROW :]) > 5000  # rows grew (50 mm): not held at the height they were sent with
    printed = raw_text(pdf)
    for text, cell in zip(texts, where, strict=True):
        sentences = re.findall(r"开头\d+号|第\d+格第\d+句|结尾\d+号", text)
        missing = [x for x in sentences if x not in printed]
        assert not missing, f"{cell}: {len(missing)} of {len(sentences)} parts not printed: {missing[:5]}; {pdf}"


def test_form_opens_with_every_task_text_shown(built, uno, tmp_path) -> None:
    """Opened as sent (nothing typed), every task's whole text is on the page: rows open tall enough for it."""
    _, _, s, _ = built["haishu_2021"]
    f = max(s.files, key=lambda f: f.tasks)
    pdf = tmp_path / "as_sent.pdf"
    uno(f.path, pdf, C.SHEET_UNIT, [])
    printed = raw_text(pdf)
    from openpyxl import load_workbook

    ws = load_workbook(f.path)[C.SHEET_UNIT]
    text_col = next(c for c in range(1, ws.max_column + 1) if ws.cell(C.UNIT_HEADER_ROW + 1, c).value == "重点工作")
    for r in range(C.UNIT_FIRST_ROW + 1, C.UNIT_FIRST_ROW + 1 + f.tasks):
        task = re.sub(r"\s+", "", str(ws.cell(r, text_col).value))
        assert task[:12] in printed and task[-12:] in printed, task[:30]
