"""A saved government web page (.html) → rows.

Tables are read by pandas.read_html (lxml underneath), which expands rowspan and colspan so merged cells fill
down and across; the page text above a table gives the title, year and issuer. A page without a table (the list
typed as text with " | " between cells) goes through the text layouts.
"""

from __future__ import annotations

import io
from pathlib import Path

from zwgk_xl.importers.table import RawRow, RawTable, clean
from zwgk_xl.importers.text import parse_text
from zwgk_xl.units import read_text


def read(path: Path) -> list[RawTable]:
    import lxml.html
    import pandas as pd

    text = read_text(path)
    doc = lxml.html.fromstring(text)
    tables: list[RawTable] = []
    for n, el in enumerate(doc.iter("table"), start=1):
        if el.xpath("ancestor::table"):
            continue
        for br in el.iter("br"):
            br.tail = "\n" + (br.tail or "")
        html = lxml.html.tostring(el, encoding="unicode")
        frames = pd.read_html(io.StringIO(html), header=None, keep_default_na=False, flavor="lxml")
        if not frames:
            continue
        frame = frames[0]
        grid = frame.astype(object).values.tolist()
        if not isinstance(frame.columns, pd.RangeIndex):  # pandas lifts <th> rows into the column labels
            labels = [c[-1] if isinstance(c, tuple) else c for c in frame.columns]
            grid.insert(0, ["" if str(c).startswith("Unnamed:") else c for c in labels])
        rows = [RawRow([clean(v) for v in row], [f"表{n}第{r}行" for _ in row]) for r, row in enumerate(grid, 1)]
        preamble = [t.strip() for t in el.xpath("preceding::text()") if t.strip()][-30:]
        tables.append(RawTable(rows, str(path), f"表格{n}", preamble=preamble))
    if not tables:
        tables.append(parse_text(doc.text_content(), str(path)))
    return tables
