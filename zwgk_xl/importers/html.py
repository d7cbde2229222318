"""A saved government web page (.html) → candidate readings: each table, and the page's text.

Tables are expanded here (not by pandas) so that a cell filled from a ``rowspan`` above is known and reported:
``rowspan`` fills down (marked inherited), ``colspan`` fills across (a section band). Nested layout tables are
skipped. The page text (block elements and ``<br>`` as line breaks) goes to the text layouts, for pages that type
the list as prose or as " | " text.
"""

from __future__ import annotations

from pathlib import Path

from zwgk_xl.importers.table import RawRow, RawTable, clean
from zwgk_xl.textfile import read_text

_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}


def read(path: Path) -> list[RawTable]:
    return [t for _, t in candidates(path)]


def _fill_from_above(carry: dict[int, tuple[str, int]], col: int, row: list[str], marks: set[int]) -> None:
    """Column ``col`` of this row is covered by a rowspan above: its text, marked as inherited, one row used up."""
    text, left = carry[col]
    row.append(text)
    marks.add(col)
    if left <= 1:
        del carry[col]
    else:
        carry[col] = (text, left - 1)


def _grid(el: object) -> tuple[list[list[str]], list[set[int]]]:
    """Rows of cell texts with rowspan/colspan expanded, and per row the columns filled from a rowspan above."""
    grid: list[list[str]] = []
    inherited: list[set[int]] = []
    carry: dict[int, tuple[str, int]] = {}  # column → (text, rows still to fill)
    for tr in el.iter("tr"):  # type: ignore[attr-defined]
        if tr.xpath("ancestor::table[1]")[0] is not el:
            continue
        row: list[str] = []
        marks: set[int] = set()
        col = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while col in carry:
                _fill_from_above(carry, col, row, marks)
                col += 1
            text = clean(cell.text_content())
            span = max(1, min(int(cell.get("colspan", "1") or 1), 50))
            down = max(1, min(int(cell.get("rowspan", "1") or 1), 500))
            for _ in range(span):
                row.append(text)
                if down > 1:
                    carry[col] = (text, down - 1)
                col += 1
        while col in carry or any(c >= col for c in carry):
            if col in carry:
                _fill_from_above(carry, col, row, marks)
            else:
                row.append("")
            col += 1
        grid.append(row)
        inherited.append(marks)
    return grid, inherited


def candidates(path: Path) -> list[tuple[str, RawTable]]:
    import lxml.html

    from zwgk_xl.importers import text

    doc = lxml.html.fromstring(read_text(path))
    for bad in doc.xpath("//script|//style"):
        bad.getparent().remove(bad)
    out: list[tuple[str, RawTable]] = []
    for n, el in enumerate(doc.iter("table"), start=1):
        if el.xpath("ancestor::table"):
            continue
        for br in el.iter("br"):
            br.tail = "\n" + (br.tail or "")
        grid, inherited = _grid(el)
        if not grid:
            continue
        pairs = enumerate(zip(grid, inherited, strict=True), 1)
        rows = [RawRow(row, [f"表{n}第{r}行" for _ in row], marks) for r, (row, marks) in pairs]
        preamble = [t.strip() for t in el.xpath("preceding::text()") if t.strip()][-30:]
        out.append(("html", RawTable(rows, str(path), f"表格{n}", preamble=preamble)))
    for el in doc.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if el.tag in ("td", "th"):
                el.tail = " | " + (el.tail or "")
    body = doc.text_content()
    if body.strip():
        out.extend(text.candidates(body, str(path)))
    return out
