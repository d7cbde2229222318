"""通报: units ranked by the office's chosen measure, the late and missing named, 红/黄/绿 per unit — as a Word
document in 公文 layout and as the 通报 sheet of the merged workbook. Both lay out ``figures.standings``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from zwgk_xl import contract as C
from zwgk_xl import vocab as V
from zwgk_xl.atomic import atomic_path
from zwgk_xl.documents import figures as F
from zwgk_xl.documents.source import Facts

SHEET_NOTICE = C.SHEET_NOTICE
COLOURS = {"红": "#FFC7CE", "黄": "#FFEB9C", "绿": "#C6EFCE"}
MEANING = {
    "红": "有逾期任务或未报送",
    "黄": "有未填报或{soon}天内到期的任务",
    "绿": "按进度推进",
}
HEADERS = ("名次", "单位", "任务数", "已完成", "完成率", "逾期任务", "报送情况", "评价", "说明")


def notice_title(facts: Facts) -> str:
    year = f"{facts.tasklist.year}年" if facts.tasklist.year else ""
    return f"关于{year}政务公开重点任务落实情况的通报"


def rows(standings: list[F.Standing]) -> list[tuple[str, ...]]:
    return [
        (
            str(s.rank),
            s.unit.unit.short,
            str(s.unit.tasks),
            str(s.unit.counts.get(V.DONE, 0)),
            f"{s.unit.done_rate:.0%}",
            str(s.unit.overdue),
            s.returned,
            s.colour,
            "；".join(s.reasons),
        )
        for s in standings
    ]


def paragraphs(facts: Facts, standings: list[F.Standing], by: str, soon: int) -> dict[str, list[str]]:
    """The 通报's sentences by part (报送情况, 落实情况, 有关要求)."""
    ov = F.overview(facts)
    by = F.measure(by)
    sent = [
        f"截至{F.cn_date(ov.as_of)}，应报送的{ov.units}个单位中已报送{ov.returned}个"
        + (f"，其中按期（{F.cn_date(ov.return_due)}前）报送{len(ov.on_time)}个" if ov.return_due else "")
        + "。"
    ]
    if ov.late:
        sent.append("逾期报送的单位：" + "、".join(f"{n}（{d}报送）" for n, d in ov.late) + "。")
    if ov.undated:
        sent.append("报送时未填写填报日期的单位：" + "、".join(ov.undated) + "。")
    sent.append(("未报送的单位：" + "、".join(ov.missing) + "。") if ov.missing else "全部单位均已报送。")
    groups: dict[str, list[str]] = {"红": [], "黄": [], "绿": []}
    for s in standings:
        groups[s.colour].append(s.unit.unit.short)
    done = [
        f"按{F.MEASURES[by]}排序，各单位落实情况见下表。{ov.tasks}项任务中逾期{ov.overdue}项。",
        *(
            f"{c}色（{MEANING[c].format(soon=soon)}）{len(units)}个"
            + (f"：{'、'.join(units)}。" if units and c != "绿" else "。")
            for c, units in groups.items()
        ),
    ]
    asks = []
    if groups["红"]:
        asks.append("请标为红色的单位对逾期任务和未报送事项逐项说明原因、明确完成时间，尽快补报。")
    if groups["黄"]:
        asks.append("请标为黄色的单位抓紧填报未填报的任务，确保即将到期的任务按期完成。")
    if ov.nothing_returned:
        asks = ["尚无单位报送，请各单位按要求尽快报送落实情况。"]
    return {"报送情况": sent, "落实情况": done, "有关要求": asks}


def write_notice(
    facts: Facts,
    path: str | Path,
    by: str = "completion",
    soon: int = F.SOON_DAYS,
    as_of: dt.date | None = None,
    template: str | Path | None = None,
) -> Path:
    from zwgk_xl.documents import gongwen as G
    from zwgk_xl.documents.draft import cn_number

    standings = F.standings(facts, by, soon)
    parts = paragraphs(facts, standings, by, soon)
    doc = G.new_document(template)
    G.para(doc, G.S_TITLE, notice_title(facts))
    G.blank(doc)
    G.para(doc, G.S_BODY, f"根据《{facts.tasklist.title}》，现将各单位报送和落实情况通报如下。")
    for i, (head, sentences) in enumerate(parts.items(), start=1):
        if not sentences:
            continue
        G.para(doc, G.S_H1, f"{cn_number(i)}、{head}")
        for s in sentences:
            G.para(doc, G.S_BODY, s)
        if head == "落实情况":
            table_rows = rows(standings)
            shading = [{7: COLOURS[s.colour]} for s in standings]
            G.table(doc, HEADERS, table_rows, (11, 30, 12, 12, 13, 13, 26, 11, 28), shading, center=tuple(range(8)))
            G.blank(doc)
    G.blank(doc)
    if facts.tasklist.issuer:
        G.para(doc, G.S_SIGN, facts.tasklist.issuer)
    G.para(doc, G.S_SIGN, F.cn_date(as_of or facts.as_of))
    with atomic_path(Path(path)) as tmp:
        doc.save(str(tmp))
    return Path(path)


def write_notice_sheet(wb: Any, facts: Facts, by: str = "completion", soon: int = F.SOON_DAYS) -> None:
    """The 通报 sheet of the merged workbook (XlsxWriter, written top to bottom: the merged workbook streams)."""
    standings = F.standings(facts, by, soon)
    parts = paragraphs(facts, standings, by, soon)
    ws = wb.add_worksheet(SHEET_NOTICE)
    widths = (6, 24, 7, 7, 8, 8, 22, 6, 26)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "text_wrap": True}
    title = wb.add_format({**base, "bold": True, "font_size": 14, "align": "center", "font_name": "黑体"})
    text = wb.add_format({**base})
    head = wb.add_format({**base, "bold": True, "border": 1, "align": "center", "bg_color": "#D9E1F2"})
    cell = wb.add_format({**base, "border": 1, "align": "center"})
    left = wb.add_format({**base, "border": 1})
    fills = {c: wb.add_format({**base, "border": 1, "align": "center", "bg_color": v}) for c, v in COLOURS.items()}
    last = len(HEADERS) - 1
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last, f"{notice_title(facts)}（截至 {facts.as_of.isoformat()}）", title)
    r = 1
    for sentences in parts.values():
        for s in sentences:
            ws.set_row(r, 15 * max(1, -(-len(s) // 60)))
            ws.merge_range(r, 0, r, last, s, text)
            r += 1
    r += 1
    first = r
    for i, h in enumerate(HEADERS):
        ws.write_string(r, i, h, head)
    pct = wb.add_format({**base, "border": 1, "align": "center", "num_format": "0%"})
    for s, values in zip(standings, rows(standings), strict=True):
        r += 1
        numbers = {0: s.rank, 2: s.unit.tasks, 3: s.unit.counts.get(V.DONE, 0), 5: s.unit.overdue}
        for i, v in enumerate(values):
            if i in numbers:
                ws.write_number(r, i, numbers[i], cell)
            elif i == 4:
                ws.write_number(r, i, s.unit.done_rate, pct)  # 汇总's 完成率, the same number
            else:
                fmt = fills[s.colour] if i == 7 else (left if i in (1, 6, 8) else cell)
                ws.write_string(r, i, v, fmt)
    ws.autofilter(first, 0, max(r, first + 1), last)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(first, first)
    ws.set_footer("&C第 &P 页 共 &N 页")
