"""PDF (pdfplumber) → candidate readings: the ruled tables of all pages as one table, and the pages' text.

A list's table runs over many pages, its header repeated on each; the pages' tables are read as one (the table
logic skips a repeated header). pdfplumber gives None for the grid cells a merged cell covers: in a row that has
other cells such a cell is filled from the cell above and marked inherited (a merged unit, deadline or category
cell); a row that is one merged band across (a section) keeps its single cell. Without rules, the columns come
from where the words are printed under the header's names (a cell wrapped over lines is joined), and the text
(one line per printed line) also goes to the text layouts. A scanned PDF has no text: nothing is read, and the
clerk is told.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zwgk_xl.importers.cells import is_number, section_of
from zwgk_xl.importers.table import RawRow, RawTable, clean, header_field, header_map


def candidates(path: Path) -> list[tuple[str, RawTable]]:
    import pdfplumber

    from zwgk_xl.importers import text

    rows: list[RawRow] = []
    lines: list[str] = []
    words: list[list[dict[str, Any]]] = []
    with pdfplumber.open(str(path)) as pdf:
        for p, page in enumerate(pdf.pages, start=1):
            for table in page.extract_tables():
                rows.extend(_rows(table, p, rows[-1].cells if rows else []))
            lines.extend((page.extract_text() or "").split("\n"))
            words.append(page.extract_words())
    out: list[tuple[str, RawTable]] = []
    if rows:
        # the title, year and issuer are printed above the table on the first page
        first = next((i for i, ln in enumerate(lines) if rows[0].cells and rows[0].cells[0] in ln), 30)
        preamble = [ln.strip() for ln in lines[: min(first, 30)] if ln.strip()]
        out.append(("pdf-table", RawTable(rows, str(path), preamble=preamble)))
    if not rows and (placed := column_rows(words)):  # no rules: columns from where the words are printed
        head = next((i for i, ln in enumerate(lines) if placed[0].cells[0] in ln), 0)
        preamble = [ln.strip() for ln in lines[: min(head, 30)] if ln.strip()]
        out.append(("pdf-columns", RawTable(placed, str(path), preamble=preamble)))
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


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into printed lines (same top, within 3 points), left to right."""
    out: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        if out and abs(float(out[-1][0]["top"]) - float(w["top"])) <= 3:
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(line, key=lambda w: float(w["x0"])) for line in out]


def column_rows(pages: list[list[dict[str, Any]]]) -> list[RawRow]:
    """An unruled table from the words' positions: the header line's names give the columns (a word belongs to the
    column whose header is nearest its centre); a line with a number under 序号 (or, without one, with a deadline)
    starts a row and the lines below it, a cell wrapped over several lines, continue it."""
    rows: list[RawRow] = []
    centres: list[float] = []
    kinds: list[str] = []
    for p, words in enumerate(pages, start=1):
        for n, line in enumerate(_lines(words), start=1):
            texts = [str(w["text"]) for w in line]
            if header_map(texts) and len(texts) >= 3 and all(header_field(t) for t in texts):
                if not centres:
                    centres = [(float(w["x0"]) + float(w["x1"])) / 2 for w in line]
                    kinds = [header_field(t) or "remark" for t in texts]
                    rows.append(RawRow(texts, [f"第{p}页第{n}行"] * len(texts)))
                continue
            if not centres:
                continue
            cells = [""] * len(centres)
            for w in line:
                mid = (float(w["x0"]) + float(w["x1"])) / 2
                k = min(range(len(centres)), key=lambda i: abs(centres[i] - mid))
                cells[k] += str(w["text"])
            filled = [c for c in cells if c]
            start = _starts(cells, kinds)
            if len(filled) == 1 and section_of(filled[0]) and not start:
                rows.append(RawRow([filled[0]], [f"第{p}页第{n}行"]))
            elif start or len(rows) == 1 or len(rows[-1].cells) == 1:
                rows.append(RawRow(cells, [f"第{p}页第{n}行"] * len(cells)))
            else:  # a wrapped cell continues
                rows[-1].cells = [a + ("\n" + b if a and b else b) for a, b in zip(rows[-1].cells, cells, strict=True)]
    return rows if len(rows) > 1 else []


def _starts(cells: list[str], kinds: list[str]) -> bool:
    if "number" in kinds:
        return is_number(cells[kinds.index("number")])
    if "deadline" in kinds:
        return bool(cells[kinds.index("deadline")])
    return bool(cells[0])
