"""Word documents (.docx, python-docx) → candidate readings: each table, and the body text.

python-docx repeats a merged cell's text in every grid cell it spans, which is exactly the fill-down the table
logic wants; a cell continuing a vertical merge (the same cell as the one above) is marked inherited, so a unit or
deadline read from it is reported. The paragraphs above a table give the title, year and issuer. The body text
(every paragraph, one per line) is also offered to the text layouts: many lists are typed as prose.
"""

from __future__ import annotations

from pathlib import Path

from zwgk_xl.importers.table import RawRow, RawTable


def read(path: Path) -> list[RawTable]:
    return [t for _, t in candidates(path)]


def candidates(path: Path) -> list[tuple[str, RawTable]]:
    import docx
    from docx.oxml.ns import qn

    from zwgk_xl.importers import text

    doc = docx.Document(str(path))
    body = doc.element.body
    preamble: list[str] = []
    paragraphs: list[str] = []
    out: list[tuple[str, RawTable]] = []
    t_index = 0
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            line = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            paragraphs.append(line)
            if line:
                preamble.append(line)
        elif child.tag == qn("w:tbl"):
            table = doc.tables[t_index]
            t_index += 1
            out.append(("docx", _table(table, t_index, str(path), list(preamble))))
    if any(p.strip() for p in paragraphs):
        out.extend(text.candidates("\n".join(paragraphs), str(path)))
    if not out:
        out.append(("docx", RawTable([], str(path))))
    return out


def _table(table: object, n: int, source: str, preamble: list[str]) -> RawTable:
    rows: list[RawRow] = []
    above: list[object] = []
    for r, row in enumerate(table.rows, start=1):  # type: ignore[attr-defined]
        cells = list(row.cells)
        inherited = {c for c, cell in enumerate(cells) if c < len(above) and cell._tc is above[c]}
        above = [cell._tc for cell in cells]
        refs = [f"表{n}第{r}行第{c}列" for c in range(1, len(cells) + 1)]
        rows.append(RawRow([cell.text for cell in cells], refs, inherited))
    return RawTable(rows, source, f"表格{n}", preamble=preamble)
