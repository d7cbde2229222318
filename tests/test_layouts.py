"""Issue 14's layouts, one table of small excerpts each (most cut from real published lists in tests/data/lists/):
the importer must read every task's number, text, lead, responsible units and deadline as printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from zwgk_xl import import_tasklist
from zwgk_xl.model import ImportResult

Fact = tuple[str, str, list[str], list[str], str]  # number (as printed; "" when assigned), text start, lead, resp, dl


def _facts(result: ImportResult) -> list[Fact]:
    return [
        (
            "" if t.number_assigned else t.number,
            t.text[:8],
            [u.display().replace("（", "(").replace("）", ")") for u in t.lead],
            [u.display().replace("（", "(").replace("）", ")") for u in t.responsible],
            t.deadline.text,
        )
        for t in result.tasklist.tasks
    ]


def _read(tmp_path: Path, text: str) -> ImportResult:
    p = tmp_path / "list.txt"
    p.write_text(text, encoding="utf-8")
    return import_tasklist(p)


CASES: list[tuple[str, str, str, list[Fact]]] = [
    (
        # 1. one cell per line, a lone "|" between cells, no blank line between rows; a category cell and a number
        # column the header does not name (池州市信访局)
        "lone-pipes",
        "工作任务\n|\n具体要求\n|\n责任科室\n|\n时限要求\n|\n强化行政规范性文件集中规范公开\n|\n1\n|\n"
        "对行政规范性文件进行全面清理,并向社会公布现行有效行政规范性文件目录。\n|\n办公室\n|\n年底前\n|\n"
        "做好主动公开基础工作\n|\n2\n|\n严格规范政府信息公开专栏,及时、集中、规范发布法定主动公开内容。\n|\n"
        "各科室\n|\n持续推进\n|\n3\n|\n规范做好政府信息公开工作年度报告编制发布工作。\n|\n办公室\n|\n持续推进\n|\n",
        "pipe-cells",
        [
            ("1", "对行政规范性文件", [], ["办公室"], "年底前"),
            ("2", "严格规范政府信息", [], ["各科室"], "持续推进"),
            ("3", "规范做好政府信息", [], ["办公室"], "持续推进"),
        ],
    ),
    (
        # 2. cells ending in " |", rows starting with an empty "|", section rows (相山区 2025)
        "trailing-pipes",
        "|\n工作任务 |\n具体工作要求 |\n责任单位 |\n完成时限 |\n|\n|\n一、深入推进政策公开,服务高质量发展 |\n1 |\n"
        "聚焦建设“美好相山”重点工作,及时规范发布政策信息及执行效果。 |\n各区直部门、各镇(办)、经开区 |\n持续推进 |\n|\n"
        "2 |\n深化“高效办成一件事”信息公开。 |\n区数据资源局、区发改委等相关区直部门、各镇(办) |\n持续推进 |\n|\n",
        "pipe-cells",
        [
            ("1", "聚焦建设“美好相", [], ["各区直部门", "各镇(办)", "经开区"], "持续推进"),
            ("2", "深化“高效办成一", [], ["区数据资源局", "区发改委等相关区直部门", "各镇(办)"], "持续推进"),
        ],
    ),
    (
        # 2. rows on one line with " | ", a leading category cell on a group's first row, role words (江门 2021)
        "inline-pipes-category",
        "工作任务 | 具体要求 | 责任部门 |\n"
        "一、做好财政信息公开。 | 1.积极推进本中心预算、决算及相关报表公开。 | 财务科 |\n"
        "二、做好政府网站专栏信息公开。 | 2.及时更新网站频道的各类型概况信息。 | 办公室 |\n"
        "3.及时更新微信公众号信息。 | 办公室牵头,各科室配合 | |\n",
        "piped",
        [
            ("1", "积极推进本中心预", [], ["财务科"], ""),
            ("2", "及时更新网站频道", [], ["办公室"], ""),
            ("3", "及时更新微信公众", ["办公室"], ["各科室"], ""),
        ],
    ),
    (
        # 3. prose: headings, numbered tasks, labelled brackets separated by commas, deadline inside (东洲区 2023)
        "prose-labelled",
        "2023年某区政务公开工作要点\n一、深化政策公开\n"
        "1.全面公开现行有效行政规范性文件。做好行政规范性文件认定。(牵头单位:区司法局、区政府办公室,"
        "责任单位:区政府各部门、各乡镇街道,完成时限:长期坚持)\n"
        "2.完善动态更新机制。〔责任单位：各县（市、区）人民政府〕\n",
        "prose",
        [
            ("1", "全面公开现行有效", ["区司法局", "区政府办公室"], ["区政府各部门", "各乡镇街道"], "长期坚持"),
            ("2", "完善动态更新机制", [], ["各县(市、区)人民政府"], ""),
        ],
    ),
    (
        # 3/10. tasks numbered （一） with their own units; an unlabelled bracket with roles; a note that is not a unit
        "prose-roles",
        "一、推进规划公开\n"
        "(一)推进各类规划主动公开。公开本地规划纲要。(省发展改革委、省自然资源厅牵头;省直有关部门,"
        "各州、市人民政府按照职责分工负责)\n"
        "(二)做好政策解读。〔牵头单位:市政府办公室;责任单位:市司法局;以下均需各区县(市)政府组织落实,不再列出〕\n"
        "(三)加强政务舆情回应,市委网信办牵头,市公安局、市信访局配合。\n",
        "prose",
        [
            ("(一)", "推进各类规划主动", ["省发展改革委", "省自然资源厅"], ["省直有关部门", "各州、市人民政府"], ""),
            ("(二)", "做好政策解读。", ["市政府办公室"], ["市司法局"], ""),
            ("(三)", "加强政务舆情回应", ["市委网信办"], ["市公安局", "市信访局"], ""),
        ],
    ),
    (
        # 3. one paragraph holding several tasks, each closed by its own bracket (北京 2018)
        "prose-several-in-a-paragraph",
        "一、加强政府重点工作信息公开\n(一)围绕重点工作做好信息公开。制定发布城市设计导则等规划信息。(市规划国土委负责落实)"
        "推进支持雄安新区建设等信息公开。(市发展改革委、市经济信息化委分别负责落实)\n",
        "prose",
        [
            ("(一)", "围绕重点工作做好", [], ["市规划国土委"], ""),
            ("", "推进支持雄安新区", [], ["市发展改革委", "市经济信息化委"], ""),
        ],
    ),
    (
        # 4. no delimiter, one cell per line; header one name per line; category cells; 牵头落实 (潍坊 2017)
        "lines-no-delimiter",
        "潍坊市2017年政务公开工作要点实施方案\n目标\n任务\n主要内容\n责任单位\n一、以政务公开助力稳增长\n(一)加强预期引导\n"
        "围绕我市经济社会发展形势及时宣传解读。\n市发改委牵头落实\n围绕出台促进就业规划,加强就业创业政策信息公开。\n"
        "市人社局牵头落实\n加强金融政策信息公开,加大预期引导。\n市金融办、人民银行潍坊市中心支行分别牵头落实\n",
        "line-cells",
        [
            ("", "围绕我市经济社会", ["市发改委"], [], ""),
            ("", "围绕出台促进就业", ["市人社局"], [], ""),
            ("", "加强金融政策信息", ["市金融办", "人民银行潍坊市中心支行"], [], ""),
        ],
    ),
    (
        # 4. rows flattened into lines, cells separated by spaces, a two-unit cell broken over lines (谯城区 2025)
        "spaced-rows",
        "谯城区2025年政府工作报告重点工作任务分解表\n序号 重点工作任务 主要责任单位 协同配合单位\n"
        "一、2025年经济社会发展的主要预期目标\n1 地区生产总值增长6.5%左右。 区发改委 区政府各部门,谯城经开区管委会。\n"
        "2 一般公共预算收入增长5%左右。 区财政局\n区税务局\n区政府有关部门,魏武国控集团。\n",
        "spaced",
        [
            ("1", "地区生产总值增长", ["区发改委"], ["区政府各部门", "谯城经开区管委会"], ""),
            ("2", "一般公共预算收入", ["区财政局", "区税务局"], ["区政府有关部门", "魏武国控集团"], ""),
        ],
    ),
    (
        # 4/5/7. one cell per paragraph, spaced header words, an unknown column, a merged category (沈阳 2017 / 莲都)
        "paragraph-cells",
        "沈阳市2017年政务公开工作要点任务明细表\n\n分类\n\n序号\n\n事项\n\n责任单位\n\n牵头单位\n\n发展目标\n\n1\n\n"
        "地区生产总值增长6.5%以上。\n\n区农业农村局、区经商局\n\n区发改局\n\n2\n\n区本级固定资产投资增长25%。\n\n"
        "区发改局\n\n区发改局\n",
        "blank-cells|para-cells",
        [
            ("1", "地区生产总值增长", ["区发改局"], ["区农业农村局", "区经商局"], ""),
            ("2", "区本级固定资产投", ["区发改局"], ["区发改局"], ""),
        ],
    ),
    (
        # 5/8. header broken over two lines; a unit cell merged over the next row (台山 2021)
        "split-header-merged-units",
        "工作任务 | 具体要求\n| 责任单位 |\n一、做好财政信息公开。 | 1.积极推进部门单位财政预算、决算公开。 | "
        "市财政局牵头,市直各部门落实;各镇(街)参照落实 |\n2.持续深化地方政府债务信息公开。 |\n",
        "piped",
        [
            ("1", "积极推进部门单位", ["市财政局"], ["市直各部门", "各镇(街)"], ""),
            ("2", "持续深化地方政府", ["市财政局"], ["市直各部门", "各镇(街)"], ""),
        ],
    ),
    (
        # 6. traditional characters from a mirror (花都 2022), imported in simplified characters
        "traditional",
        "工作任務 | 具體要求 | 責任單位 |\n一、以公開助力經濟平穩健康發展 |\n"
        "(一)加強涉及市場主體的信息公開。 | "
        "1.加大受疫情影響重的餐飲、住宿、零售等行業幫扶政策的公開力度,促進穩就業和消費恢復。"
        " | 區發展改革局、各鎮(街) |\n"
        "3.持續推進反壟斷和反不正當競爭執法信息公開工作,為各類市場主體規范健康發展營造誠信守法、公平競爭的市場環境。"
        " | 區市場監管局、各鎮(街) |\n",
        "piped",
        [
            ("1", "加大受疫情影响重", [], ["区发展改革局", "各镇(街)"], ""),
            ("3", "持续推进反垄断和", [], ["区市场监管局", "各镇(街)"], ""),
        ],
    ),
]


CASES += [
    (
        # 3/4. a whole notice flattened into one line with no spaces left (绥棱县 2018 on a document site)
        "prose-flattened",
        "某县2018年政务公开工作要点实施方案为深入贯彻落实有关通知精神,结合本县实际,制定本方案。一、工作目标紧紧围绕"
        "重大决策部署,进一步加大全县政务公开力度,拓宽政务公开范围和渠道,加强政策解读回应,提升政务服务水平,"
        "助力全县营商环境优化。二、工作任务(一)围绕建设法治政府,全面推进政务公开。1.把公开透明作为政府工作的基本要求,"
        "充分保障人民群众的知情权。(县政府办牵头,县直各部门配合)2.制定出台涉及公共利益的政策文件,要对公开相关信息"
        "作出明确规定。(县法制办牵头,县直各部门按职责分工落实)(二)围绕重点领域加大公开力度。3.全面公开财政预决算信息。"
        "(县财政局负责)\n",
        "prose",
        [
            ("1", "把公开透明作为政", ["县政府办"], ["县直各部门"], ""),
            ("2", "制定出台涉及公共", ["县法制办"], ["县直各部门"], ""),
            ("3", "全面公开财政预决", [], ["县财政局"], ""),
        ],
    ),
    (
        # 3. prose whose units and deadline follow each task on labelled lines of their own
        "prose-labelled-lines",
        "2023年某市政务公开工作任务分解\n一、深化主动公开\n1.推进预算公开，做好决算公开。\n牵头单位：市财政局\n"
        "责任单位：各县区政府\n完成时限：2023年6月底前\n2.做好政策解读。\n责任单位：市司法局、市府办\n完成时限：长期坚持\n",
        "prose",
        [
            ("1", "推进预算公开，做", ["市财政局"], ["各县区政府"], "2023年6月底前"),
            ("2", "做好政策解读。", [], ["市司法局", "市府办"], "长期坚持"),
        ],
    ),
    (
        # rows copied out of Excel or WPS: tabs between cells, empty cells in place
        "excel-tabs",
        "2023年某区政务公开重点任务清单\n序号\t工作任务\t牵头单位\t责任单位\t完成时限\n一、主动公开\t\t\t\t\n"
        "1\t公开预算\t区财政局\t各部门\t年底前\n2\t公开决算\t区财政局\t\t8月底前\n",
        "tsv",
        [("1", "公开预算", ["区财政局"], ["各部门"], "年底前"), ("2", "公开决算", ["区财政局"], [], "8月底前")],
    ),
    (
        # a Markdown table (pipes at both ends, a rule line under the header)
        "markdown",
        "| 序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限 |\n| --- | --- | --- | --- | --- |\n"
        "| 1 | 公开预算 | 区财政局 | 各部门 | 年底前 |\n| 2 | 公开决算 | 区财政局 |  | 8月底前 |\n",
        "piped",
        [("1", "公开预算", ["区财政局"], ["各部门"], "年底前"), ("2", "公开决算", ["区财政局"], [], "8月底前")],
    ),
    (
        # 4. a table run together into text by a PDF-to-text site, header repeated, page markers (威海 2017)
        "running-text",
        "1、某局2017年政务公开重点工作实施方案序号 工作任务 具体要求 责任科室(单位) 完成时限加强组织领导,主要负责人"
        "年内至少听取 1 次政务公开工作汇报。办公室牵头,各科室、单位配合 11 月底前局机关各网站栏目信息更新及时,不发\n"
        "2、生严重错误。各科室、单位 11 月底前序号 工作任务 具体要求 责任科室(单位) 完成时限定期向档案馆报送政府信息。"
        " 办公室 11 月底前\n",
        "running",
        [
            ("", "加强组织领导,主", ["办公室"], ["各科室", "单位"], "11 月底前"),
            ("", "局机关各网站栏目", [], ["各科室", "单位"], "11 月底前"),
            ("", "定期向档案馆报送", [], ["办公室"], "11 月底前"),
        ],
    ),
]


@pytest.mark.parametrize(("name", "text", "layout", "facts"), CASES, ids=[c[0] for c in CASES])
def test_layout(name: str, text: str, layout: str, facts: list[Fact], tmp_path: Path) -> None:
    result = _read(tmp_path, text)
    assert result.layout is not None and result.layout.name in layout.split("|")
    assert _facts(result) == facts


def _text(name: str) -> str:
    return next(c[1] for c in CASES if c[0] == name)


def test_traditional_is_a_finding(tmp_path: Path) -> None:
    result = _read(tmp_path, _text("traditional"))
    assert [f.code for f in result.findings if f.code == "traditional-converted"] == ["traditional-converted"]
    assert "區" not in result.tasklist.tasks[0].text + str(result.to_json())


def test_merged_unit_cell_in_text_is_an_info_finding(tmp_path: Path) -> None:
    result = _read(tmp_path, _text("split-header-merged-units"))
    inherited = [(f.task_id, f.cell) for f in result.findings if f.code == "cell-inherited"]
    assert inherited == [("T002", "第4行")]


def test_cell_printed_empty_is_not_inherited(tmp_path: Path) -> None:
    """A lone "|" pair is an empty cell as printed; a cell missing altogether was merged from the row above."""
    cells = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]
    cells += ["1", "公开年度预算。", "区财政局", "", "年底前", "2", "公开部门决算。", "区财政局", "区审计局", ""]
    cells += ["3", "做好政策解读。", "区司法局", "持续推进"]
    result = _read(tmp_path, "\n|\n".join(cells) + "\n|\n")
    assert [t.deadline.text for t in result.tasklist.tasks] == ["年底前", "", "持续推进"]
    # row 3 prints one unit and no empty cell: the lead above was merged over it
    assert _facts(result)[2][2:4] == (["区财政局"], ["区司法局"])
    inherited = [(f.task_id, f.message) for f in result.findings if f.code == "cell-inherited"]
    assert len(inherited) == 1 and inherited[0][0] == "T003" and "牵头单位" in inherited[0][1]


def test_prose_note_is_kept_not_a_task(tmp_path: Path) -> None:
    text = "一、深化公开\n以下均需各县市区落实，不再逐一列出。\n1.推进预算公开。（牵头单位：市财政局）\n"
    result = _read(tmp_path, text)
    assert [t.text for t in result.tasklist.tasks] == ["推进预算公开。"]
    kept = [f for f in result.findings if f.code == "text-kept"]
    assert len(kept) == 1 and "以下均需各县市区落实" in kept[0].message and kept[0].cell == "第2行"


def test_note_between_table_rows_is_kept_not_a_task(tmp_path: Path) -> None:
    result = _read(
        tmp_path,
        "序号 | 工作任务 | 责任单位 | 完成时限\n1 | 公开预算 | 区财政局 | 年底前\n注：以上任务均需每月5日前报送进展\n",
    )
    assert len(result.tasklist.tasks) == 1
    assert [(f.cell, f.task_id) for f in result.findings if f.code == "text-kept"] == [("第3行", "T001")]


def test_repeated_header_and_title_rows(tmp_path: Path) -> None:
    text = (
        "2022年某县政务公开重点任务清单\n序号 | 工作任务 | 责任单位 | 完成时限\n"
        "1 | 公开预算 | 县财政局 | 2022年6月底前完成\n"
        "序号 | 工作任务 | 责任单位 | 完成时限\n2 | 公开决算 | 县财政局 | 11月底前完成\n"
    )
    result = _read(tmp_path, text)
    assert _facts(result) == [
        ("1", "公开预算", [], ["县财政局"], "2022年6月底前完成"),
        ("2", "公开决算", [], ["县财政局"], "11月底前完成"),
    ]
    assert result.tasklist.year == 2022 and [str(t.deadline.due) for t in result.tasklist.tasks] == [
        "2022-06-30",
        "2022-11-30",
    ]


def test_numbered_row_with_own_units_inside_a_table_is_a_task(tmp_path: Path) -> None:
    text = (
        "工作任务 | 责任单位 | 完成时限\n一、主动公开\n"
        "（一）公开规划信息 | 区发改局 | 年底前\n（二）公开预算 | 区财政局 | 全年\n"
    )
    result = _read(tmp_path, text)
    assert _facts(result) == [
        ("（一）", "公开规划信息", [], ["区发改局"], "年底前"),
        ("（二）", "公开预算", [], ["区财政局"], "全年"),
    ]
    assert [s.heading for s in result.tasklist.sections] == ["一、主动公开"]
