"""Word tables (.docx, python-docx) → rows; the paragraphs above the table give the title, year and issuer.

python-docx repeats a merged cell's text in every grid cell it spans, which is exactly the fill-down the table
logic wants. A document whose list is typed as text rather than a table goes through the text layouts instead.
"""

from __future__ import annotations

from pathlib import Path

from zwgk_xl.importers.table import RawRow, RawTable
from zwgk_xl.importers.text import parse_text


def read(path: Path) -> list[RawTable]:
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(str(path))
    body = doc.element.body
    preamble: list[str] = []
    tables: list[RawTable] = []
    t_index = 0
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            if text:
                preamble.append(text)
        elif child.tag == qn("w:tbl"):
            table = doc.tables[t_index]
            t_index += 1
            rows = []
            for r, row in enumerate(table.rows, start=1):
                cells = [c.text for c in row.cells]
                rows.append(RawRow(cells, [f"表{t_index}第{r}行第{c}列" for c in range(1, len(cells) + 1)]))
            tables.append(RawTable(rows, str(path), f"表格{t_index}", preamble=list(preamble)))
    if not tables:
        tables.append(parse_text("\n".join(p.text for p in doc.paragraphs), str(path)))
    return tables
