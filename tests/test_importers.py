"""Importers: the two real lists exactly, every source format, and layouts no sample has."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from zwgk_xl import import_tasklist, load_roster, write_canonical
from zwgk_xl.importers import ImportError_
from zwgk_xl.importers.text import parse_text
from zwgk_xl.model import TaskList

from .conftest import SAMPLES


def _counts(tl: TaskList) -> tuple[int, int, int]:
    return (
        sum(1 for s in tl.sections if s.level == 1),
        sum(1 for s in tl.sections if s.level == 2),
        len(tl.tasks),
    )


@pytest.mark.parametrize(("name", "counts"), [("shangyu_2022", (4, 15, 49)), ("haishu_2021", (5, 11, 34))])
def test_sample_counts_and_golden(name: str, counts: tuple[int, int, int], golden) -> None:
    source, roster_path = SAMPLES[name]
    roster, _ = load_roster(roster_path)
    result = import_tasklist(source, roster)
    assert _counts(result.tasklist) == counts
    out = result.to_json()
    for f in out["findings"]:
        f["file"] = Path(f["file"]).name
    golden(name, out)


def test_shangyu_numbers_and_fields() -> None:
    tl = import_tasklist(SAMPLES["shangyu_2022"][0]).tasklist
    assert [t.number for t in tl.tasks] == [str(n) for n in range(1, 50)]
    assert tl.year == 2022
    t25 = tl.tasks[24]
    assert [u.name for u in t25.lead] == ["各乡镇人民政府", "街道办事处", "有关部门单位"]  # name broken over a line
    t20 = tl.tasks[19]  # lead and responsible printed in one cell: kept as printed, in the lead
    assert (t20.lead[0].name, t20.lead[0].note) == ("区委宣传部", "区新闻办")
    t24 = tl.tasks[23]  # a row lacking the 责任单位 cell
    assert ([u.name for u in t24.lead], t24.responsible, t24.deadline.text) == (["区司法局"], (), "全年")


def test_haishu_layout() -> None:
    tl = import_tasklist(SAMPLES["haishu_2021"][0]).tasklist
    first = tl.tasks[0]  # an unnumbered task in a sub-section
    assert first.number_assigned and first.number == "1"
    assert first.requirement.startswith("通过各单位信息公开平台")
    assert first.lead == () and first.lead_raw == "\\"
    second_rule = tl.tasks[2]  # the lead cell is empty (an extra blank line)
    assert second_rule.lead == () and second_rule.responsible[0].name == "区发改局"
    assert tl.tasks[13].section_path == ("S7",)  # section 二、 has no sub-sections
    assert tl.issuer == "宁波市海曙区人民政府办公室"
    assert all(t.deadline.kind == "none" for t in tl.tasks)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_canonical_round_trip(name: str, tmp_path: Path) -> None:
    first = import_tasklist(SAMPLES[name][0]).tasklist
    out = write_canonical(first, tmp_path / "tasks.xlsx")
    again = import_tasklist(out).tasklist
    a, b = first.to_json(), again.to_json()
    for key in ("title", "year", "issuer", "sections", "tasks"):
        assert a[key] == b[key], key


# ------------------------------------------------------------------------------------------- other formats

HEADER = ["序号", "重点工作", "工作要求", "牵头单位", "责任单位", "完成时限"]
BODY = [
    ["一、加强主动公开", None, None, None, None, None],
    ["（一）重点领域", None, None, None, None, None],
    [1, "公开预算决算", "按时公开", "区财政局", "各乡镇人民政府、街道办事处", "2022年2月公布预算，8月公布决算"],
    [2, "公开规划", "", "区发改局", "有关部门单位", "三季度前"],
    ["二、做好依申请公开", None, None, None, None, None],
    [3, "规范答复", "", "区司法局", "\\", "持续推进"],
]


def _check_small(tl: TaskList) -> None:
    assert _counts(tl) == (2, 1, 3)
    assert [t.number for t in tl.tasks] == ["1", "2", "3"]
    assert [u.name for u in tl.tasks[0].responsible] == ["各乡镇人民政府", "街道办事处"]
    assert len(tl.tasks[0].deadline.dates) == 2
    assert tl.tasks[2].section_path == ("S3",)
    assert tl.tasks[2].deadline.kind == "ongoing"


def test_xlsx_with_merged_section_rows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["2022年某区政务公开工作任务清单"])
    ws.append(HEADER)
    for row in BODY:
        ws.append(row)
    for r in (3, 4, 7):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
    p = tmp_path / "清单.xlsx"
    wb.save(p)
    tl = import_tasklist(p).tasklist
    _check_small(tl)
    assert tl.year == 2022


def test_csv_gbk_with_reordered_columns(tmp_path: Path) -> None:
    order = [1, 5, 3, 4, 0, 2]  # deadline before units, number last-but-one
    lines = [",".join(HEADER[i] for i in order)]
    for row in BODY:
        lines.append(",".join('"' + str(row[i] if row[i] is not None else "") + '"' for i in order))
    p = tmp_path / "清单.csv"
    p.write_bytes(("\r\n".join(lines)).encode("gb18030"))
    _check_small(import_tasklist(p).tasklist)


def test_xlsx_category_column_merged_down(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["类别", "序号", "重点工作", "牵头单位", "完成时限"])
    ws.append(["一、主动公开", 1, "任务甲", "区府办", "全年"])
    ws.append([None, 2, "任务乙", "区司法局", "全年"])
    ws.append(["二、依申请公开", 3, "任务丙", "区府办", "全年"])
    ws.merge_cells("A2:A3")
    p = tmp_path / "c.xlsx"
    wb.save(p)
    tl = import_tasklist(p).tasklist
    assert [tl.section(t.section_path[0]).title for t in tl.tasks] == ["主动公开", "主动公开", "依申请公开"]


def test_docx_table(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("某区人民政府办公室关于印发2022年政务公开工作要点的通知")
    d.add_paragraph("2022年某区政务公开重点任务清单")
    t = d.add_table(rows=1 + len(BODY), cols=6)
    for c, h in enumerate(HEADER):
        t.cell(0, c).text = h
    for r, row in enumerate(BODY, start=1):
        if row[1] is None:
            merged = t.cell(r, 0).merge(t.cell(r, 5))
            merged.text = str(row[0])
        else:
            for c, v in enumerate(row):
                t.cell(r, c).text = str(v)
    p = tmp_path / "通知.docx"
    d.save(p)
    tl = import_tasklist(p).tasklist
    _check_small(tl)
    assert tl.issuer == "某区人民政府办公室"
    assert tl.title == "2022年某区政务公开重点任务清单"


def test_html_table_with_rowspan(tmp_path: Path) -> None:
    html = """<html><body><h1>2021年某区政务公开工作任务分解表</h1><table>
    <tr><th>工作任务</th><th>牵头单位</th><th>责任单位</th><th>完成时限</th></tr>
    <tr><td colspan="4">一、主动公开</td></tr>
    <tr><td>1.公开预算</td><td rowspan="2">区财政局</td><td>各镇乡(街道)</td><td>年底前</td></tr>
    <tr><td>2.公开决算</td><td>区级各有关部门</td><td>8月底前</td></tr>
    </table></body></html>"""
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    tl = import_tasklist(p).tasklist
    assert _counts(tl) == (1, 0, 2)
    assert [u.name for u in tl.tasks[1].lead] == ["区财政局"]  # rowspan filled down
    assert tl.tasks[0].text == "公开预算" and tl.tasks[0].number == "1"
    assert tl.year == 2021


def test_piped_text_both_forms() -> None:
    inline = "序号 | 重点工作 | 牵头单位 | 责任单位 | 完成时限\n一、主动公开\n"
    inline += "1 | 公开预算 | 区财政局 | 有关部门单位 | 年底前\n"
    lone = "序号\n|\n重点工作\n|\n牵头单位\n|\n完成时限\n\n1\n|\n公开预算\n|\n区财政局\n|\n年底前\n"
    from zwgk_xl.importers.table import build

    a = build(parse_text(inline, "a.txt")).tasklist
    b = build(parse_text(lone, "b.txt")).tasklist
    expected = [("公开预算", "区财政局", "年底前")]
    assert [(t.text, t.lead[0].name, t.deadline.text) for t in a.tasks] == expected
    assert [(t.text, t.lead[0].name, t.deadline.text) for t in b.tasks] == expected


def test_unseen_list_units_in_text_no_numbers(tmp_path: Path) -> None:
    """No numbers, no unit columns: units inside the text, sections as their own rows."""
    text = "\n".join(
        [
            "2023年某市政务公开工作要点",
            "\t工作任务\n\t完成时限",
            "",
            "\t一、深化主动公开",
            "",
            "\t推进预算公开。（牵头单位：市财政局；责任单位：各县区政府）\n\t6月底前",
            "",
            "\t做好政策解读，市府办牵头，市司法局配合。\n\t持续推进",
        ]
    )
    p = tmp_path / "list.txt"
    p.write_text(text, encoding="utf-8")
    result = import_tasklist(p)
    tl = result.tasklist
    assert [t.number for t in tl.tasks] == ["1", "2"]
    assert [u.name for u in tl.tasks[0].lead] == ["市财政局"]
    assert [u.name for u in tl.tasks[0].responsible] == ["各县区政府"]
    assert tl.tasks[0].text == "推进预算公开。"
    assert [u.name for u in tl.tasks[1].lead] == ["市府办"]
    codes = [f.code for f in result.findings]
    assert codes.count("units-from-text") == 2 and codes.count("number-assigned") == 2


def test_responsible_column_with_role_phrase(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "主要内容", "完成时间", "责任单位"])
    ws.append([1, "任务甲", "全年", "区府办牵头，区司法局、区财政局配合"])
    ws.append([2, "任务乙", "全年", "区发改局、区财政局分别牵头落实"])
    p = tmp_path / "r.xlsx"
    wb.save(p)
    tl = import_tasklist(p).tasklist
    assert [u.name for u in tl.tasks[0].lead] == ["区府办"]
    assert [u.name for u in tl.tasks[0].responsible] == ["区司法局", "区财政局"]
    assert [u.name for u in tl.tasks[1].lead] == ["区发改局", "区财政局"]


def test_never_drops_a_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点工作", "牵头单位", "完成时限"])
    ws.append([1, "任务甲", "区府办", "全年"])
    ws.append([None, None, "区司法局", "尽快"])  # no text at all
    ws.append([3, "任务丙", "区府办", "全年"])
    p = tmp_path / "d.xlsx"
    wb.save(p)
    result = import_tasklist(p)
    assert len(result.tasklist.tasks) == 3
    codes = {(f.code, f.cell) for f in result.findings}
    assert ("row-unparsed", "A3") in codes and ("deadline-unknown", "D3") in codes


def test_no_header_is_a_finding_and_bad_files_raise(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text("这里没有表格\n只有文字", encoding="utf-8")
    result = import_tasklist(p)
    codes = [f.code for f in result.findings]
    assert result.tasklist.tasks == () and "header-not-found" in codes and codes[-1] == "no-tasks"
    assert "已尝试" in result.findings[-1].message and ".xlsx" in result.findings[-1].message
    with pytest.raises(ImportError_, match="找不到"):
        import_tasklist(tmp_path / "missing.txt")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ImportError_, match=r"bad\.xlsx"):
        import_tasklist(bad)
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(ImportError_, match=r"a\.pdf"):
        import_tasklist(tmp_path / "a.pdf")
    (tmp_path / "a.png").write_bytes(b"png")
    with pytest.raises(ImportError_, match="不支持"):
        import_tasklist(tmp_path / "a.png")


def test_json_is_serialisable() -> None:
    result = import_tasklist(SAMPLES["haishu_2021"][0])
    back = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert len(back["tasks"]) == len(result.tasklist.tasks) > 30 and back["title"] == result.tasklist.title


def test_role_phrase_beside_a_lead_column_keeps_both_leads() -> None:
    from zwgk_xl.importers.table import build

    text = "序号 | 重点工作 | 牵头单位 | 责任单位 | 完成时限\n1 | 任务甲 | 区财政局 | 区府办牵头，区司法局配合 | 全年\n"
    (task,) = build(parse_text(text, "t.txt")).tasklist.tasks
    assert [u.name for u in task.lead] == ["区财政局", "区府办"]
    assert [u.name for u in task.responsible] == ["区司法局"]


def test_roster_given_any_way_is_checked(tmp_path) -> None:
    """import_tasklist runs the roster checks whether given a Roster, load_roster's (Roster, findings) or a path
    (the path and the tuple were once skipped silently); the tuple's and the file's own findings come along."""
    from zwgk_xl import RosterError

    source, roster_path = SAMPLES["shangyu_2022"]
    loaded = load_roster(roster_path)
    by_object = [f.code for f in import_tasklist(source, loaded[0]).findings]
    by_tuple = [f.code for f in import_tasklist(source, loaded).findings]
    by_path = [f.code for f in import_tasklist(source, roster_path).findings]
    bare = [f.code for f in import_tasklist(source).findings]
    roster_codes = {"unit-unknown", "unit-no-task", "lead-collective", "lead-vague", "vague-designation"}
    assert roster_codes & set(by_object) and not roster_codes & set(bare)
    assert by_tuple == by_path == [f.code for f in loaded[1]] + by_object
    bad = tmp_path / "名册.csv"
    bad.write_bytes(b"\xff\xfe\x00\xd8")
    with pytest.raises(RosterError, match="无法识别文件编码"):
        load_roster(bad)


def test_canonical_meta_says_when_it_cannot_read(tmp_path: Path) -> None:
    """read_meta no longer turns any error into {} (the list's title and year were lost without a word): no
    清单信息 sheet gives {}, an unreadable file raises, and the importer turns that into list-info-unreadable."""
    from zwgk_xl import canonical

    plain = tmp_path / "plain.xlsx"
    wb = Workbook()
    wb.active.append(["序号", "重点工作", "牵头单位"])
    wb.save(plain)
    assert canonical.read_meta(plain) == {}
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 damaged")
    with pytest.raises(Exception):  # noqa: B017 (calamine's own error types)
        canonical.read_meta(broken)
