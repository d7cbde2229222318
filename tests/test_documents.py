"""Documents from the merged data: figures equal the workbook's, quotes are units' own words, layout as GB/T 9704,
an empty or partial merge still gives a draft; rendered through LibreOffice where it is installed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

import zwgk_xl
from zwgk_xl import contract as C
from zwgk_xl import simulate
from zwgk_xl.cli import app
from zwgk_xl.documents import figures as F
from zwgk_xl.documents import gongwen as G
from zwgk_xl.documents import standing as S
from zwgk_xl.documents import wording as Wd
from zwgk_xl.documents.draft import cn_number, write_draft
from zwgk_xl.documents.facts import facts_from_consolidation
from zwgk_xl.documents.ledger import write_ledger
from zwgk_xl.documents.notice import write_notice
from zwgk_xl.documents.source import read_facts

from .conftest import fill_unit
from .test_print import nine_pt  # noqa: F401  (the 9-pt calibration, a fixture)

AS_OF = dt.date(2022, 12, 15)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def merged(built, tmp_path_factory):
    """The Shangyu sample with every scenario of the simulation (late, resend, deleted row, never returned …)."""
    _, b, _s, base = built["shangyu_2022"]
    out = tmp_path_factory.mktemp("docs")
    scenario = simulate.fill_returns(base / "outbox", out / "returns", seed=7)
    result = zwgk_xl.consolidate(b.path, out / "returns", as_of=AS_OF)
    return result, zwgk_xl.write_merged(result, out / "汇总.xlsx"), scenario


@pytest.fixture(scope="module")
def empty(built, tmp_path_factory):
    _, b, _s, _base = built["shangyu_2022"]
    out = tmp_path_factory.mktemp("empty")
    (out / "returns").mkdir()
    result = zwgk_xl.consolidate(b.path, out / "returns", as_of=AS_OF)
    return zwgk_xl.write_merged(result, out / "汇总.xlsx")


def _detail(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """填报明细 read by a second library (openpyxl): (unit, task id) → header → text."""
    wb = load_workbook(path, read_only=True)
    rows = list(wb[C.SHEET_DETAIL].iter_rows(values_only=True))
    wb.close()
    head = [str(h) for h in rows[0]]
    out = {}
    for row in rows[1:]:
        cells = {h: ("" if v is None else str(v)) for h, v in zip(head, row, strict=False)}
        out[(cells["单位"], cells["任务编号"])] = cells
    return out


# ------------------------------------------------------------------------------------------------ pure rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("已完成。正在推进！", ["已完成。", "正在推进！"]),
        ("一句没有句号", ["一句没有句号"]),
        ("第一行\n第二行。", ["第一行", "第二行。"]),
        ("他说：“好。”然后走了。", ["他说：“好。”", "然后走了。"]),
        ("  ", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert Wd.sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("甲。乙。丙。", 4, "甲。乙。"),
        ("一个很长的第一句话超过了限制。短句。", 5, "一个很长的第一句话超过了限制。"),  # never cut inside
        ("没有句号的一段话", 3, "没有句号的一段话"),
        ("", 10, ""),
        ("  前后有空格。 ", 10, "前后有空格。"),
    ],
)
def test_trim_keeps_whole_sentences(text: str, limit: int, expected: str) -> None:
    got = Wd.trim(text, limit)
    assert got == expected
    assert got in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("做好政务公开。", "做好政务公开"),
        (
            "紧紧围绕“锻造上虞高质量发展金名片 奋力谱写现代化共同富裕美好社会新篇章”的战略目标，"
            "做好建设实施方案执行情况信息公开，集中展示建设成果。",
            "做好建设实施方案执行情况信息公开",
        ),
        (
            "加强稳进提质系列政策的集成发布、权威解读，依法依规做好扩大有效投资相关政策",
            "加强稳进提质系列政策的集成发布、权威解读",
        ),
    ],
)
def test_short_title_is_the_lists_own_words(text: str, expected: str) -> None:
    assert Wd.short_title(text) == expected
    assert expected in text


def test_short_title_never_leaves_a_quote_open() -> None:
    got = Wd.short_title("“" + "很" * 40 + "”长")
    assert got == "“" + "很" * 29 + "……”"


@pytest.mark.parametrize(
    ("text", "problems", "plans"),
    [
        ("存在人员力量不足的问题，将加强统筹。", ["存在人员力量不足的问题"], ["将加强统筹。"]),
        ("下一步将继续加强督促检查，确保按期完成。", [], ["下一步将继续加强督促检查，确保按期完成。"]),
        ("无", [], []),
        ("暂无。", [], []),
        ("基层公开专区建设滞后。下步完善专区。", ["基层公开专区建设滞后。"], ["下步完善专区。"]),
    ],
)
def test_split_plan(text: str, problems: list[str], plans: list[str]) -> None:
    got = Wd.split_plan(text)
    assert got == (problems, plans)
    assert all(s in text for s in got[0] + got[1])


def test_duplicates_said_once_with_every_unit() -> None:
    st = Wd.merge_duplicates(
        [("甲", "1", "plan", "人员不足。"), ("乙", "2", "plan", "人员不足"), ("甲", "3", "plan", "经费 不足。")]
    )
    assert [(s.text, s.units, s.tasks) for s in st] == [
        ("人员不足。", ["甲", "乙"], ["1", "2"]),
        ("经费 不足。", ["甲"], ["3"]),
    ]


@pytest.mark.parametrize(("n", "cn"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三")])
def test_cn_number(n: int, cn: str) -> None:
    assert cn_number(n) == cn


def test_measure_names() -> None:
    assert S.measure("完成率") == S.measure("completion") == "completion"
    assert S.measure("ontime") == S.measure("按时报送") == "ontime"
    with pytest.raises(ValueError, match="completion"):
        S.measure("速度")


# ------------------------------------------------------------------------------------------------ figures


def test_facts_from_the_workbook_equal_those_in_memory(merged) -> None:
    result, path, _ = merged
    mem, read = facts_from_consolidation(result), read_facts(path)
    assert read.entries == mem.entries
    assert read.units == mem.units
    assert sum(1 for e in read.entries if e.progress) > 100


def test_figures_equal_the_merged_workbook(merged) -> None:
    _, path, scenario = merged
    facts = read_facts(path)
    ov = F.overview(facts)
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(C.SHEET_DASHBOARD).to_python()
    labels, values = grid[2], grid[3]
    key = {str(k): v for k, v in zip(labels, values, strict=False) if k}
    assert ov.tasks == key["任务总数"]
    for status, n in ov.statuses.items():
        assert n == key[status], status
    assert ov.overdue == key["逾期"]
    assert f"{ov.returned}/{ov.units}" == key["已报送单位"]
    report = zwgk_xl.read_report(path)
    assert ov.overdue == sum(t.overdue for t in report.tasks)
    short = {u.name: u.short for u in facts.report.master.roster.units}
    assert ov.missing == (short[scenario.never],)
    assert [n for n, _ in ov.late] == [short[scenario.late]]
    assert len(ov.on_time) == ov.returned - 1  # every other return is dated before 2022-11-30
    # the draft's 总体情况 says those numbers
    text = "".join(F.overview_text(ov, facts.tasklist.title))
    assert f"已报送{ov.returned}个" in text and f"逾期）{ov.overdue}项" in text
    assert f"已完成{ov.statuses['已完成']}项" in text
    # the 通报's table: 完成率 and 逾期 per unit as 汇总's table of units
    r0 = next(i for i, row in enumerate(grid) if len(row) > 1 and row[0] == "序号" and row[1] == "单位")
    head = [str(h) for h in grid[r0]]
    table = {row[1]: dict(zip(head, row, strict=False)) for row in grid[r0 + 1 :] if len(row) > 1 and row[1]}
    for s in S.standings(facts):
        line = table[s.unit.unit.short]
        rate = line["完成率"] if isinstance(line["完成率"], float) else 0.0  # 未报送: no rate (— in the 通报)
        assert s.unit.overdue == line["逾期"] and abs(s.unit.done_rate - rate) < 1e-9
        assert s.unit.tasks == line["任务数"]


def test_notice_sheet_in_the_merged_workbook(merged) -> None:
    _, path, _ = merged
    wb = CalamineWorkbook.from_path(str(path))
    assert C.SHEET_NOTICE in wb.sheet_names
    grid = wb.get_sheet_by_name(C.SHEET_NOTICE).to_python()
    r0 = next(i for i, row in enumerate(grid) if row and row[0] == "名次")
    got = [(row[1], row[7]) for row in grid[r0 + 1 :] if row and row[1]]
    facts = read_facts(path)
    assert got == [(s.unit.unit.short, s.colour) for s in S.standings(facts)]
    # the table's header row is tall enough for its wrapped headings (逾期任务 over two lines was cut)
    ws = load_workbook(path)[C.SHEET_NOTICE]
    assert (ws.row_dimensions[r0 + 1].height or 15) >= 30
    # the title names the list as the report's does (its district and year), not a generic 政务公开重点任务
    title = str(grid[0][0])
    assert title.startswith(f"关于{facts.tasklist.title.removesuffix('分解表').removesuffix('清单')}落实情况的通报")


def test_colours_follow_the_rules(merged) -> None:
    _, path, scenario = merged
    facts = read_facts(path)
    report = zwgk_xl.read_report(path)
    roster = report.master.roster
    for s in S.standings(facts, soon=30):
        mine = [a for a in report.assignments if a.unit_id == s.unit.unit.id]
        overdue = any(a.overdue for a in mine)
        if not s.unit.returned or overdue:
            assert s.colour == "红", s
        elif any(a.status == "未填报" for a in mine) or s.due_soon:
            assert s.colour == "黄", s
        else:
            assert s.colour == "绿" and s.reasons == (), s
    never = next(u for u in roster.units if u.name == scenario.never)
    assert next(s for s in S.standings(facts) if s.unit.unit.id == never.id).colour == "红"
    assert {s.colour for s in S.standings(facts)} == {"红", "黄", "绿"}


@pytest.mark.parametrize("by", ["completion", "overdue", "ontime"])
def test_ranking_by_each_measure(merged, by: str) -> None:
    facts = read_facts(merged[1])
    st = S.standings(facts, by)
    assert [s.rank for s in st] == sorted(s.rank for s in st) and st[0].rank == 1
    if by == "completion":  # units that have not returned last, with no rate (not 0 %)
        assert [s.unit.returned for s in st] == sorted((s.unit.returned for s in st), reverse=True)
        assert not st[-1].unit.returned
        rates = [s.unit.done_rate for s in st if s.unit.returned]
        assert rates == sorted(rates, reverse=True)
        row = S.notice_rows(st)[-1]
        assert row[3] == row[4] == "—" and row[6] == "未报送"
    elif by == "overdue":
        assert [s.unit.overdue for s in st] == sorted(s.unit.overdue for s in st)
    else:
        assert st[-1].returned == "未报送" and st[-2].returned.startswith("逾期报送")
    for a, b in itertools.pairwise(st):  # a tie shares its rank
        assert b.rank == a.rank or b.rank == st.index(b) + 1


def test_every_quote_is_a_units_own_words(merged, tmp_path) -> None:
    _, path, _ = merged
    facts = read_facts(path)
    detail = _detail(path)
    headers = {c.field: c.header for c in C.DETAIL_COLUMNS}
    quotes = []
    for sec in F.by_section(facts):
        for _, accts in sec.subsections:
            for acct in accts:
                for seg in acct.segments:
                    if isinstance(seg, Wd.Quote):
                        quotes.append((acct.task.id, seg))
    assert len(quotes) > 100
    for task_id, q in quotes:
        units = [u.removesuffix("（牵头）") for u in q.units]
        assert any(q.text in detail[(u, task_id)][headers[q.field]] for u in units), (task_id, q)
    for which in ("problems", "plans"):
        for _, items in F.statements(facts, which):
            for st in items:
                owners = [v[headers["plan"]] for (u, _), v in detail.items() if u in st.units]
                assert any(st.text in text for text in owners), st
    # and the draft prints them
    doc = Document(str(write_draft(facts, tmp_path / "r.docx")))
    body = "".join(p.text for p in doc.paragraphs)
    assert all(q.text in body for _, q in quotes)


# ------------------------------------------------------------------------------------------------ layout


def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def test_draft_layout_after_gbt_9704(merged, tmp_path) -> None:
    facts = read_facts(merged[1])
    path = write_draft(facts, tmp_path / "落实情况报告.docx", as_of=dt.date(2022, 12, 20))
    doc = Document(str(path))
    sec = doc.sections[0]
    mm = [round(x / 36000) for x in (sec.page_width, sec.page_height)]
    assert mm == [210, 297]
    assert [round(x / 36000) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [
        37,
        35,
        28,
        26,
    ]
    styles = _xml(path, "word/styles.xml")

    def style(name: str) -> str:
        m = re.search(rf'<w:style [^>]*>\s*<w:name w:val="{name}"/>.*?</w:style>', styles, re.S)
        assert m, name
        return m.group(0)

    for name, font, half_points in (
        (G.S_TITLE, "方正小标宋简体", 44),
        (G.S_BODY, "仿宋_GB2312", 32),
        (G.S_H1, "黑体", 32),
        (G.S_H2, "楷体_GB2312", 32),
    ):
        xml = style(name)
        assert f'w:eastAsia="{font}"' in xml, name
        assert f'<w:sz w:val="{half_points}"/>' in xml, name
    body = style(G.S_BODY)
    assert 'w:lineRule="exact"' in body and 'w:line="560"' in body  # 28 pt fixed
    assert 'w:firstLineChars="200"' in body
    assert '<w:jc w:val="center"/>' in style(G.S_TITLE)
    fonts = _xml(path, "word/fontTable.xml")
    for face, alt in G.FALLBACKS.items():
        assert re.search(rf'w:name="{face}"><w:altName w:val="{alt}"/>', fonts), face
    paras = [p for p in doc.paragraphs if p.text]
    assert paras[0].style.name == G.S_TITLE and paras[0].text.startswith("关于")
    heads = [p.text for p in paras if p.style.name == G.S_H1]
    assert heads == ["一、总体情况", "二、各项任务落实情况", "三、存在的问题", "四、下一步工作", "附件"]
    assert all(p.text.startswith("（") for p in paras if p.style.name == G.S_H2)
    assert "2022年12月20日" in [p.text for p in paras if p.style.name == G.S_SIGN]
    # page numbers: a PAGE field, odd right and even left; nothing else is a field, no text boxes
    assert "<w:evenAndOddHeaders/>" in _xml(path, "word/settings.xml")
    assert sec.footer.paragraphs[0].alignment == 2 and sec.even_page_footer.paragraphs[0].alignment == 0
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert set(re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)) == {" PAGE "}
    assert "fldSimple" not in xml and "txbxContent" not in xml and "<v:textbox" not in xml
    assert sec.footer.paragraphs[0].text == "— 1 —"
    # the attachment table repeats its header row
    table = doc.tables[-1]
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert [c.text for c in table.rows[0].cells] == ["序号", "重点任务", "牵头单位", "状态", "完成时间", "佐证材料"]
    assert len(table.rows) == 1 + len(facts.tasklist.tasks)


def test_template_styles_are_kept(merged, tmp_path) -> None:
    facts = read_facts(merged[1])
    tpl = Document()
    st = tpl.styles.add_style(G.S_BODY, 1)
    st.font.size = G.Pt(15)
    tpl.add_paragraph("模板正文，将被替换")
    tpl.save(str(tmp_path / "模板.docx"))
    doc = Document(str(write_draft(facts, tmp_path / "r.docx", template=tmp_path / "模板.docx")))
    assert doc.styles[G.S_BODY].font.size == G.Pt(15)
    assert "模板正文" not in "".join(p.text for p in doc.paragraphs)
    assert doc.sections[0].footer.paragraphs[0].text == "— 1 —"


def test_empty_merge_gives_a_draft_that_says_so(empty, tmp_path) -> None:
    facts = read_facts(empty)
    assert F.overview(facts).nothing_returned
    text = "\n".join(p.text for p in Document(str(write_draft(facts, tmp_path / "r.docx"))).paragraphs)
    assert "尚无单位报送" in text and "四、下一步工作" in text
    notice = "\n".join(p.text for p in Document(str(write_notice(facts, tmp_path / "n.docx"))).paragraphs)
    assert "尚无单位报送" in notice
    wb = load_workbook(write_ledger(facts, tmp_path / "l.xlsx"), read_only=True)
    rows = list(wb["台账"].iter_rows(values_only=True))
    assert {r[8] for r in rows[2:] if r[1]} == {"未报送"}


def test_partial_merge(built, tmp_path) -> None:
    """Two units returned: their words are in the draft, everyone else is named as not returned."""
    _, b, s, _ = built["haishu_2021"]
    files = sorted(s.files, key=lambda f: -f.tasks)[:2]
    for f in files:
        first = next(iter(_task_ids(f.path)))
        fill_unit(
            f.path,
            tmp_path / "returns" / f.path.name,
            {first: {"status": "推进中", "progress": f"{f.unit.name}正在推进。"}},
        )
    result = zwgk_xl.consolidate(b.path, tmp_path / "returns", as_of=dt.date(2021, 12, 31))
    path = zwgk_xl.write_merged(result, tmp_path / "汇总.xlsx")
    facts = read_facts(path)
    ov = F.overview(facts)
    assert ov.returned == 2 and len(ov.missing) == ov.units - 2
    text = "\n".join(p.text for p in Document(str(write_draft(facts, tmp_path / "r.docx"))).paragraphs)
    for f in files:
        assert f"{f.unit.name}正在推进。" in text
    assert "尚无单位报送。" in text
    # 海曙 numbers its tasks afresh in each section: the draft labels them so, (1) again under each heading
    for sec in F.by_section(facts):
        for _, accts in sec.subsections:
            labels = [a.label for a in accts]
            assert labels == [a.task.number for a in accts] and len(set(labels)) == len(labels)
    assert F.task_labels(facts.tasklist.tasks)[facts.tasklist.tasks[0].id] == facts.tasklist.tasks[0].id


def _task_ids(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    ws = wb[C.SHEET_UNIT]
    ids = [r[0] for r in ws.iter_rows(min_row=C.UNIT_FIRST_ROW + 1, values_only=True) if r and r[0]]
    wb.close()
    return ids


def test_ledger_rows_print_setup_and_text_only(built, tmp_path) -> None:
    _, b, s, _ = built["haishu_2021"]
    f = max(s.files, key=lambda f: f.tasks)
    first = _task_ids(f.path)[0]
    typed = '=HYPERLINK("http://example.gov.cn/a","链接")'

    def as_text(ws) -> None:  # the unit typed a formula-looking text ('=… in Excel)
        for row in ws.iter_rows(min_row=C.UNIT_FIRST_ROW + 1):
            if row[0].value == first:
                cell = ws.cell(row[0].row, [c.value for c in ws[C.UNIT_HEADER_ROW + 1]].index("佐证材料") + 1)
                cell.value, cell.data_type = typed, "s"

    fill_unit(
        f.path,
        tmp_path / "returns" / "a.xlsx",
        {first: {"status": "已完成", "progress": "+86 热线已公开", "plan": "-无-"}},
        {"date": dt.datetime(2021, 11, 1)},
        edit=as_text,
    )
    result = zwgk_xl.consolidate(b.path, tmp_path / "returns", as_of=dt.date(2021, 12, 31))
    facts = read_facts(zwgk_xl.write_merged(result, tmp_path / "汇总.xlsx"))
    path = write_ledger(facts, tmp_path / "台账.xlsx")
    wb = load_workbook(path)
    ws = wb["台账"]
    header = [c.value for c in ws[2]]
    assert header == [h for h, _ in F.LEDGER_COLUMNS]
    data = [r for r in ws.iter_rows(min_row=3) if r[1].value]
    assert len(data) == len(facts.entries)
    assert all(c.data_type == "s" for r in data for c in r if c.value is not None)
    row = next(r for r in data if r[1].value == first and r[6].value == f.unit.short)
    cells = dict(zip(header, (c.value for c in row), strict=True))
    assert (
        cells["佐证材料"] == typed and cells["进展情况"] == "+86 热线已公开" and cells["存在问题及下步计划"] == "-无-"
    )
    assert cells["填报日期"] == "2021年11月1日" and cells["报送文件"] == "a.xlsx"
    assert ws["A1"].value.endswith("工作台账（截至2021年12月31日）")  # dates as people read them, not 2021-12-31
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$1:$2"
    xml = _xml(path, "xl/worksheets/sheet1.xml")
    assert "<f>" not in xml and "hyperlink" not in xml
    order = [(facts.tasklist.tasks.index(facts.task(r[1].value))) for r in data]
    assert order == sorted(order)


# ------------------------------------------------------------------------------------------------ CLI


def test_cli_writes_all_three(merged, tmp_path) -> None:
    _, path, _ = merged
    runner = CliRunner()
    for cmd, out in (("draft", "r.docx"), ("notice", "n.docx"), ("ledger", "l.xlsx")):
        res = runner.invoke(app, [cmd, str(path), "-o", str(tmp_path / out)])
        assert res.exit_code == 0, res.output
        assert (tmp_path / out).stat().st_size > 5000
    res = runner.invoke(app, ["notice", str(path), "-o", str(tmp_path / "x.docx"), "--by", "速度"])
    assert res.exit_code == 2 and "completion" in res.output
    res = runner.invoke(app, ["draft", str(tmp_path / "l.xlsx"), "-o", str(tmp_path / "y.docx")])
    assert res.exit_code == 2 and not (tmp_path / "y.docx").exists()


# ------------------------------------------------------------------------------------------------ rendering


def _pdf_text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        (w, float(a), float(b), float(c), float(d))
        for a, b, c, d, w in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', xml
        )
    ]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered(merged, libreoffice, tmp_path_factory):
    facts = read_facts(merged[1])
    out = tmp_path_factory.mktemp("render")
    docs = {
        "draft": write_draft(facts, out / "落实情况报告.docx"),
        "notice": write_notice(facts, out / "通报.docx", by="overdue"),
        # the first 150 rows: a few pages show the print setup (the whole ledger is 229 pages, 25 s to render)
        "ledger": write_ledger(dataclasses.replace(facts, entries=facts.entries[:150]), out / "台账.xlsx"),
    }
    return {k: (p, libreoffice(p, "pdf", out / "pdf")) for k, p in docs.items()}


@pytest.mark.parametrize("kind", ["draft", "notice"])
def test_word_documents_render(rendered, kind: str) -> None:
    docx, pdf = rendered[kind]
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    lines = fonts.splitlines()[2:]
    assert lines and all(" yes " in line for line in lines), fonts  # every font embedded
    assert any("CJK" in line for line in lines), fonts  # Chinese rendered through a CJK face (a fallback here)
    doc = Document(str(docx))
    title = doc.paragraphs[0].text
    pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1]
    )
    assert pages >= 2
    first = _flat(_pdf_text(pdf, 1))
    assert first.startswith(_flat(title)) and "一、" in first
    words = _words(pdf, 1)
    head = next(w for w in words if w[0] and w[0][0] in title[:2])
    line = [w for w in words if abs(w[2] - head[2]) < 2]
    centre = (min(w[1] for w in line) + max(w[3] for w in line)) / 2
    left, right = 28 / 25.4 * 72, 595.3 - 26 / 25.4 * 72
    assert abs(centre - (left + right) / 2) < 12  # the title centred on the type area
    for page, side in ((1, "right"), (2, "left")):
        foot = [w for w in _words(pdf, page) if w[2] > 842 - 35 / 25.4 * 72]
        assert [w[0] for w in foot] == ["—", str(page), "—"], foot
        x = foot[1][1]
        assert (x > 400) if side == "right" else (x < 200)
    # no text cut: every paragraph is in the PDF whole (page numbers taken out), and every character of the
    # tables is somewhere in it
    text = re.sub(r"—\d+—", "", _flat(_pdf_text(pdf)))
    for p in doc.paragraphs:
        assert _flat(p.text) in text, p.text
    cells = Counter(_flat("".join(c.text for t in doc.tables for r in t.rows for c in r.cells)))
    assert not cells - Counter(text)


def test_ledger_renders_landscape_at_nine_points(rendered, nine_pt) -> None:  # noqa: F811 (fixture)
    _, pdf = rendered["ledger"]
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    w, h = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert w > h and abs(w - 841.9) < 2
    for page in (1, 2):
        words = _words(pdf, page)
        # against 9-pt text as LibreOffice prints it (a word box is taller than its point size: 9.0 let 7.5 pt pass)
        assert min(d - b for _, _, b, _, d in words if _) >= nine_pt * 0.98
        assert "重点工作" in _flat(_pdf_text(pdf, page))  # header row repeated


def test_dates_people_read_are_chinese_in_detail_and_ledger(merged, tmp_path) -> None:
    """Issue 16: dates people read say 2022年11月30日: 填报明细's completion dates and the 台账's, not 2022-11-30."""
    _, path, _ = merged
    ws = load_workbook(path)[C.SHEET_DETAIL]
    dated = [c for row in ws.iter_rows() for c in row if isinstance(c.value, dt.datetime | dt.date)]
    assert dated and all(c.number_format == C.DATE_FORMAT for c in dated)
    out = write_ledger(read_facts(path), tmp_path / "台账.xlsx")
    cells = [str(c.value) for row in load_workbook(out).active.iter_rows(min_row=3) for c in row if c.value]
    assert any(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", v) for v in cells)
    assert not [v for v in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)]
