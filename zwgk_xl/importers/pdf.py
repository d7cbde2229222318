"""PDF (pdfplumber) → candidate readings: the ruled tables of all pages as one table, and the pages' text.

A list's table runs over many pages, its header repeated on each; the pages' tables are read as one (the table
logic skips a repeated header). pdfplumber gives None for the grid cells a merged cell covers: in a row that has
other cells such a cell is filled from the cell above and marked inherited (a merged unit, deadline or category
cell); a row that is one merged band across (a section) keeps its single cell. Without rules, the text (one line
per printed line) goes to the text layouts. A scanned PDF has no text: nothing is read, and the clerk is told.
"""

from __future__ import annotations

from pathlib import Path

from zwgk_xl.importers.table import RawRow, RawTable, clean


def candidates(path: Path) -> list[tuple[str, RawTable]]:
    import pdfplumber

    from zwgk_xl.importers import text

    rows: list[RawRow] = []
    lines: list[str] = []
    with pdfplumber.open(str(path)) as pdf:
        for p, page in enumerate(pdf.pages, start=1):
            for table in page.extract_tables():
                rows.extend(_rows(table, p, rows[-1].cells if rows else []))
            lines.extend((page.extract_text() or "").split("\n"))
    out: list[tuple[str, RawTable]] = []
    if rows:
        # the title, year and issuer are printed above the table on the first page
        first = next((i for i, ln in enumerate(lines) if rows[0].cells and rows[0].cells[0] in ln), 30)
        preamble = [ln.strip() for ln in lines[: min(first, 30)] if ln.strip()]
        out.append(("pdf-table", RawTable(rows, str(path), preamble=preamble)))
    if any(ln.strip() for ln in lines):
        out.extend(text.candidates("\n".join(lines), str(path)))
    return out


def _rows(table: list[list[str | None]], page: int, above: list[str]) -> list[RawRow]:
    out: list[RawRow] = []
    prev = list(above)
    for r, raw in enumerate(table, start=1):
        present = [c for c in raw if c is not None]
        cells: list[str] = []
        marks: set[int] = set()
        for c, value in enumerate(raw):
            if value is None and len(present) >= 2 and c < len(prev):
                cells.append(prev[c])
                marks.add(c)
            else:
                cells.append(clean(value) if value is not None else "")
        refs = [f"第{page}页表格第{r}行第{c}列" for c in range(1, len(cells) + 1)]
        out.append(RawRow(cells, refs, marks))
        prev = cells
    return out
