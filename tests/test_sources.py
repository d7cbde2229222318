"""Every source format reads the same list the same way: merged cells inherited (with a finding) in .docx, .html
and .xlsx; PDF through pdfplumber (ruled tables, and text); .doc through LibreOffice; the clerk told when nothing
is read."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from zwgk_xl import import_tasklist, write_canonical
from zwgk_xl.cli import app
from zwgk_xl.importers import ImportError_, office
from zwgk_xl.model import ImportResult

HEADER = ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"]
ROWS = [
    ["1", "公开年度预算和部门预算", "区财政局", "区级各部门", "2023年6月底前完成"],
    ["2", "公开部门决算", "区财政局", "区级各部门", "11月底前完成"],
    ["3", "做好政策解读工作", "区政府办公室", "区司法局", "长期坚持"],
]
EXPECTED = [
    ("1", ["区财政局"], ["区级各部门"], "2023-06-30"),
    ("2", ["区财政局"], ["区级各部门"], "2023-11-30"),
    ("3", ["区政府办公室"], ["区司法局"], "ongoing"),
]


def _facts(result: ImportResult) -> list[tuple[str, list[str], list[str], str | None]]:
    return [
        (t.number, [u.name for u in t.lead], [u.name for u in t.responsible], t.deadline.to_json())
        for t in result.tasklist.tasks
    ]


def _inherited(result: ImportResult) -> list[tuple[str, str]]:
    return [(f.task_id, f.message.split("“")[1].split("”")[0]) for f in result.findings if f.code == "cell-inherited"]


def _docx(path: Path, merged: bool = True, ruled: bool = True) -> Path:
    d = docx.Document()
    d.add_paragraph("2023年某区政务公开重点任务清单")
    t = d.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    if ruled:
        t.style = "Table Grid"
    for c, h in enumerate(HEADER):
        t.cell(0, c).text = h
    for r, row in enumerate(ROWS, start=1):
        for c, v in enumerate(row):
            if not (merged and r == 2 and c in (2, 3)):
                t.cell(r, c).text = v
    if merged:  # the lead and responsible cells of rows 1-2 merged down, as printed
        t.cell(1, 2).merge(t.cell(2, 2))
        t.cell(1, 3).merge(t.cell(2, 3))
    d.save(path)
    return path


def test_docx_vertical_merge_is_inherited(tmp_path: Path) -> None:
    result = import_tasklist(_docx(tmp_path / "清单.docx"))
    assert _facts(result) == EXPECTED
    assert _inherited(result) == [("T002", "牵头单位"), ("T002", "责任单位")]
    assert result.layout is not None and result.layout.name == "docx"


def test_html_rowspan_colspan(tmp_path: Path) -> None:
    cells = "".join(f"<th>{h}</th>" for h in HEADER)
    body = (
        '<tr><td colspan="5">一、主动公开</td></tr>'
        '<tr><td>1</td><td>公开年度预算和部门预算</td><td rowspan="2">区财政局</td><td rowspan="2">区级各部门</td>'
        "<td>2023年6月底前完成</td></tr>"
        "<tr><td>2</td><td>公开部门决算</td><td>11月底前完成</td></tr>"
        "<tr><td>3</td><td>做好政策解读工作</td><td>区政府办公室</td><td>区司法局</td><td>长期坚持</td></tr>"
    )
    p = tmp_path / "page.html"
    p.write_text(f"<html><body><p>2023年某区政务公开重点任务清单</p><table><tr>{cells}</tr>{body}</table>", "utf-8")
    result = import_tasklist(p)
    assert _facts(result) == EXPECTED
    assert _inherited(result) == [("T002", "牵头单位"), ("T002", "责任单位")]
    assert [s.heading for s in result.tasklist.sections] == ["一、主动公开"]


def test_xlsx_merged_units_and_repeated_category(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["2023年某区政务公开重点任务清单"])
    ws.append(["类别", *HEADER])
    for row in ROWS:
        ws.append(["主动公开", *row])
    ws.merge_cells("D3:D4")
    ws.merge_cells("E3:E4")
    ws.merge_cells("A3:A5")
    p = tmp_path / "清单.xlsx"
    wb.save(p)
    result = import_tasklist(p)
    assert _facts(result) == EXPECTED
    assert _inherited(result) == [("T002", "牵头单位"), ("T002", "责任单位")]
    tl = result.tasklist
    assert {tl.section(t.section_path[0]).title for t in tl.tasks} == {"主动公开"}


def test_xlsx_category_in_task_column_is_a_section(tmp_path: Path) -> None:
    """工作任务 merged down over 具体要求: the category is a section, 具体要求 the task text."""
    wb = Workbook()
    ws = wb.active
    ws.append(["工作任务", "具体要求", "责任单位", "完成时限"])
    ws.append(["强化规范性文件公开", "全面清理规范性文件", "办公室", "年底前"])
    ws.append([None, "公布现行有效文件目录", "办公室", "年底前"])
    ws.append([None, "规范发布文件标准文本", "法规科", "年底前"])
    ws.merge_cells("A2:A4")
    p = tmp_path / "c.xlsx"
    wb.save(p)
    tl = import_tasklist(p).tasklist
    assert [t.text for t in tl.tasks] == ["全面清理规范性文件", "公布现行有效文件目录", "规范发布文件标准文本"]
    assert [s.title for s in tl.sections] == ["强化规范性文件公开"]


def test_pdf_ruled_table_and_text(tmp_path: Path, libreoffice) -> None:
    pdf = libreoffice(_docx(tmp_path / "清单.docx"), "pdf", tmp_path / "out")
    result = import_tasklist(pdf)
    assert _facts(result) == EXPECTED
    assert result.layout is not None and result.layout.name == "pdf-table"
    assert _inherited(result) == [("T002", "牵头单位"), ("T002", "责任单位")]
    # no rules: the same list typed as prose, printed to PDF, is read from its text
    d = docx.Document()
    d.add_paragraph("2023年某区政务公开工作要点")
    d.add_paragraph("一、深化主动公开")
    d.add_paragraph(
        "1.公开年度预算和部门预算。（牵头单位：区财政局；责任单位：区级各部门；完成时限：2023年6月底前完成）"
    )
    d.add_paragraph("2.做好政策解读工作，区政府办公室牵头，区司法局配合。")
    prose = libreoffice(d.save(tmp_path / "要点.docx") or tmp_path / "要点.docx", "pdf", tmp_path / "out")
    result = import_tasklist(prose)
    assert [(t.number, [u.name for u in t.lead], [u.name for u in t.responsible]) for t in result.tasklist.tasks] == [
        ("1", ["区财政局"], ["区级各部门"]),
        ("2", ["区政府办公室"], ["区司法局"]),
    ]
    assert result.tasklist.tasks[0].deadline.to_json() == "2023-06-30"


def test_pdf_without_rules_by_word_positions(tmp_path: Path, libreoffice) -> None:
    """No rules: columns from where the words stand under the header; a long cell wraps over lines, joined."""
    path = _docx(tmp_path / "无线.docx", merged=False, ruled=False)
    d = docx.Document(str(path))
    d.tables[0].cell(3, 1).text = "做好政策解读工作，围绕重大政策开展多形式解读，及时回应社会关切，提升解读质量。"
    d.save(path)
    pdf = libreoffice(path, "pdf", tmp_path / "out")
    result = import_tasklist(pdf)
    assert result.layout is not None and result.layout.name == "pdf-columns"
    assert _facts(result) == EXPECTED
    assert result.tasklist.tasks[2].text.endswith("提升解读质量。")


def test_doc_through_libreoffice(tmp_path: Path, libreoffice) -> None:
    # via .odt: LibreOffice's .doc export of python-docx's table drops the table
    odt = libreoffice(_docx(tmp_path / "清单.docx", merged=False), "odt", tmp_path / "odt")
    doc = libreoffice(odt, "doc:MS Word 97", tmp_path / "old")
    assert _facts(import_tasklist(doc)) == EXPECTED


def test_doc_without_libreoffice_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "清单.wps"
    p.write_bytes(b"\xd0\xcf\x11\xe0")
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without LibreOffice
    assert office.soffice() is None
    with pytest.raises(ImportError_, match=r"清单\.wps.*未安装 LibreOffice.*另存为” \.docx"):
        import_tasklist(p)


def test_zero_tasks_exits_non_zero_naming_the_layouts(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text("关于做好政务公开工作的通知\n各单位要高度重视。\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["import", str(p)])
    assert res.exit_code != 0
    assert "没有读出任何任务" in res.output and "已尝试" in res.output and "Excel" in res.output


def test_cli_says_layout_and_canonical_highlights_guesses(tmp_path: Path) -> None:
    p = tmp_path / "list.txt"
    p.write_text(
        "工作任务 | 具体要求\n| 责任单位 |\n"
        "一、做好财政信息公开。 | 1.积极推进部门预算公开。 | 市财政局牵头,市直各部门落实 |\n"
        "2.持续深化地方政府债务信息公开。 |\n",
        encoding="utf-8",
    )
    out = tmp_path / "tasks.xlsx"
    res = CliRunner().invoke(app, ["import", str(p), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "识别为" in res.output and "把握" in res.output
    ws = load_workbook(out)["任务清单"]
    assert ws.cell(1, 11).value == "核对提示"
    assert "合并单元格" in ws.cell(3, 11).value and ws.cell(3, 5).fill.fgColor.rgb.endswith("FFF2CC")
    info = {r[0].value: r[1].value for r in load_workbook(out)["清单信息"].iter_rows()}
    assert info["识别版式"].startswith("表格文字") and "把握" in info["识别版式"]
    again = import_tasklist(out).tasklist  # the 核对提示 column is read past
    assert [t.text for t in again.tasks] == [t.text for t in import_tasklist(p).tasklist.tasks]


def test_write_canonical_without_findings_is_unchanged(tmp_path: Path) -> None:
    tl = import_tasklist(_docx(tmp_path / "清单.docx", merged=False)).tasklist
    ws = load_workbook(write_canonical(tl, tmp_path / "t.xlsx"))["任务清单"]
    assert ws.max_column == 10
