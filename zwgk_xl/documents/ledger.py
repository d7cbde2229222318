"""台账: the ledger of record for the 考评 — one row per task and unit, every field as typed, print-ready.

Every value is written as a string on purpose (``write_string``): an evidence text such as "=HYPERLINK(...)" or a
link stays the text the unit typed and never becomes a live formula or a hyperlink. A4 landscape, the title and
header rows repeated on every page, 11 pt text fitted to the page width at no less than 9 pt (the column widths
are chosen for that), an AutoFilter over the header.
"""

from __future__ import annotations

from pathlib import Path

from zwgk_xl.atomic import atomic_path
from zwgk_xl.contract import display_date
from zwgk_xl.documents import figures as F
from zwgk_xl.documents.facts import Facts
from zwgk_xl.workbook.xlsx import fit_cell, new_workbook

SHEET_LEDGER = "台账"
FONT_SIZE = 11


def text_lines(text: str, width: float, size: float = FONT_SIZE) -> int:
    """Lines a wrapped cell of ``width`` (Excel's units, 7 px) needs at ``size`` pt: a Chinese character is about
    ``size`` pt wide, a Latin one half that."""
    per_line = max(1.0, (width * 7 - 5) * 0.75 / (size / 2))  # half-character units a line holds
    return sum(max(1, -(-((len(p.encode("utf-8")) + len(p)) // 2) // int(per_line))) for p in text.split("\n"))


def write_ledger(facts: Facts, path: str | Path) -> Path:
    rows = F.ledger_rows(facts)
    cols = F.LEDGER_COLUMNS
    target = Path(path)
    with atomic_path(target) as tmp:
        wb = new_workbook(tmp)
        ws = wb.add_worksheet(SHEET_LEDGER)
        base = {"font_name": "宋体", "font_size": FONT_SIZE, "valign": "top", "text_wrap": True, "border": 1}
        title = wb.add_format({**base, "border": 0, "bold": True, "font_size": 14, "align": "center"})
        head = wb.add_format({**base, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2"})
        text = wb.add_format(base)
        mid = wb.add_format({**base, "align": "center"})
        red = wb.add_format({**base, "align": "center", "font_color": "#C00000"})
        centred = {"任务编号", "序号", "完成时限", "角色", "完成状态", "逾期", "完成（预计）时间", "填报日期"}
        for i, (_, w) in enumerate(cols):
            ws.set_column(i, i, w)
        ws.set_row(0, 28)
        ws.merge_range(
            0, 0, 0, len(cols) - 1, f"{facts.tasklist.title} 工作台账（截至{display_date(facts.as_of)}）", title
        )
        for i, (h, _) in enumerate(cols):
            ws.write_string(1, i, h, head)
        ws.set_row(1, max(text_lines(h, w) for h, w in cols) * FONT_SIZE * 1.3 + 4)  # wrapped headings whole
        band = wb.add_format({**base, "bold": True, "bg_color": "#F2F2F2", "valign": "vcenter"})
        r, heading = 1, None
        for line in rows:
            r += 1
            if line.heading != heading:  # a band with the section's full heading above its rows
                heading = line.heading
                ws.set_row(r, 22)
                ws.merge_range(r, 0, r, len(cols) - 1, heading, band)
                r += 1
            lines = 1
            for i, v in enumerate(line.cells):
                name, width = cols[i]
                v = fit_cell(v, "汇总工作簿“填报明细”")
                fmt = red if name == "逾期" and v else (mid if name in centred else text)
                ws.write_string(r, i, v, fmt)  # always text: never a formula, a number or a link
                lines = max(lines, text_lines(v, width))
            ws.set_row(r, min(409.0, lines * FONT_SIZE * 1.3 + 4))
        last = max(r, 2)
        ws.autofilter(1, 0, last, len(cols) - 1)
        ws.freeze_panes(2, 2)
        ws.set_paper(9)
        ws.set_landscape()
        ws.set_margins(left=0.25, right=0.25, top=0.5, bottom=0.5)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0, 1)
        ws.set_footer("&C&12第 &P 页 共 &N 页", {"margin": 0.2, "scale_with_doc": False})
        wb.close()
    return target
