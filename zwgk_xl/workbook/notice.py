"""The 通报 sheet of the merged workbook: units ranked, 红/黄/绿, the late and missing named — the same figures
as `zwgk notice`'s Word document (documents/figures.py)."""

from __future__ import annotations

from typing import Any

from zwgk_xl import contract as C
from zwgk_xl import vocab as V
from zwgk_xl.documents import standing as S
from zwgk_xl.documents.facts import Facts


def write_notice_sheet(wb: Any, facts: Facts, by: str = "completion", soon: int = S.SOON_DAYS) -> None:
    """The 通报 sheet of the merged workbook (XlsxWriter, written top to bottom: the merged workbook streams)."""
    standings = S.standings(facts, by, soon)
    parts = S.notice_paragraphs(facts, standings, by, soon)
    ws = wb.add_worksheet(C.SHEET_NOTICE)
    widths = C.page_widths((4, 12, 5, 5, 6, 5, 14, 5, 18), [1, 6, 8])  # printed at 9 pt or more (issue 16)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "text_wrap": True}
    title = wb.add_format({**base, "bold": True, "font_size": 14, "align": "center", "font_name": "黑体"})
    text = wb.add_format({**base})
    head = wb.add_format({**base, "bold": True, "border": 1, "align": "center", "bg_color": "#D9E1F2"})
    cell = wb.add_format({**base, "border": 1, "align": "center"})
    left = wb.add_format({**base, "border": 1})
    fills = {c: wb.add_format({**base, "border": 1, "align": "center", "bg_color": v}) for c, v in S.RAG_FILLS.items()}
    last = len(S.NOTICE_HEADERS) - 1
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last, f"{S.notice_title(facts)}（截至{C.display_date(facts.as_of)}）", title)
    r = 1
    for sentences in parts.values():
        for s in sentences:
            ws.set_row(r, 15 * C.estimate_lines(s, sum(widths)) + 4)
            ws.merge_range(r, 0, r, last, s, text)
            r += 1
    r += 1
    first = r
    for i, h in enumerate(S.NOTICE_HEADERS):
        ws.write_string(r, i, h, head)
    # the narrow headings wrap (逾期任务 over two lines, beside the filter's arrow): a one-line row cut them
    ws.set_row(r, 15 * max(C.estimate_lines(h, w - 2) for h, w in zip(S.NOTICE_HEADERS, widths, strict=True)) + 4)
    pct = wb.add_format({**base, "border": 1, "align": "center", "num_format": "0%"})
    for st, values in zip(standings, S.notice_rows(standings), strict=True):
        r += 1
        numbers = {0: st.rank, 2: st.unit.tasks, 3: st.unit.counts.get(V.DONE, 0), 5: st.unit.overdue}
        for i, v in enumerate(values):
            if v == "—":  # not returned: no rate, not 0 % (notice_rows)
                ws.write_string(r, i, v, cell)
            elif i in numbers:
                ws.write_number(r, i, numbers[i], cell)
            elif i == 4:
                ws.write_number(r, i, st.unit.done_rate, pct)  # 汇总's 完成率, the same number
            else:
                fmt = fills[st.colour] if i == 7 else (left if i in (1, 6, 8) else cell)
                ws.write_string(r, i, v, fmt)
    ws.autofilter(first, 0, max(r, first + 1), last)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(first, first)
    ws.set_footer('&C&"宋体"&11第 &P 页 共 &N 页')
