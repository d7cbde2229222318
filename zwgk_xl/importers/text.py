"""Text of a notice → rows, for the shared table logic.

Three layouts are recognised, by looking at the text rather than the file name:

* **tabbed** (what Word gives when a table is copied as text, e.g. Shangyu 2022): each cell is a line that starts
  with a tab; a line without the tab continues the cell above (a name broken across lines); blank lines separate
  rows. A row may simply lack a cell, so these rows are aligned by content.
* **piped** (a web page's table copied as text): cells separated by " | " on one line, or by lines holding only
  "|"; blank lines separate rows when cells are on lines of their own.
* **blank-line cells** (e.g. Haishu 2021): every cell is a paragraph, cells are separated by one blank line, and an
  empty cell shows as one extra blank line. Rows are not marked at all: the header's cells say how many columns a
  row has, and a lone heading cell (一、… （一）…) is a section row.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from zwgk_xl.importers.cells import section_of
from zwgk_xl.importers.table import RawRow, RawTable
from zwgk_xl.units import read_text


def _line_ref(n: int) -> str:
    return f"第{n}行"


def _tabbed(lines: list[str], source: str) -> RawTable:
    rows: list[RawRow] = []
    preamble: list[str] = []
    cells: list[str] = []
    refs: list[str] = []

    def flush() -> None:
        if cells:
            rows.append(RawRow(list(cells), list(refs)))
            cells.clear()
            refs.clear()

    for n, line in enumerate(lines, start=1):
        if not line.strip():
            flush()
        elif line.lstrip(" ").startswith("\t"):
            cells.append(line.strip())
            refs.append(_line_ref(n))
        elif cells:
            cells[-1] += "\n" + line.strip()
        elif not rows:
            preamble.append(line.strip())
        else:
            cells.append(line.strip())
            refs.append(_line_ref(n))
    flush()
    return RawTable(rows, source, preamble=preamble, positional=False)


def _tsv(lines: list[str], source: str) -> RawTable:
    """Rows copied from Excel or WPS: one row a line, cells separated by tabs, empty cells kept in place."""
    rows = [
        RawRow([c.strip() for c in ln.rstrip("\r\n").split("\t")], [_line_ref(n)] * (ln.count("\t") + 1))
        for n, ln in enumerate(lines, start=1)
        if ln.strip()
    ]
    return RawTable(rows, source, positional=True)


def _piped(lines: list[str], source: str) -> RawTable:
    rows: list[RawRow] = []
    cells: list[str] = []
    refs: list[str] = []
    open_cell = False

    def flush() -> None:
        nonlocal open_cell
        if cells:
            rows.append(RawRow([c.strip() for c in cells], list(refs)))
        cells.clear()
        refs.clear()
        open_cell = False

    for n, line in enumerate(lines, start=1):
        s = line.strip()
        if not s:
            flush()
        elif re.fullmatch(r"[|:\-\s]*-{3,}[|:\-\s]*", s):
            continue  # a Markdown table's rule line
        elif s == "|":
            open_cell = False
        elif "|" in s:
            flush()
            parts = [p.strip() for p in s.strip("|").split("|")]
            rows.append(RawRow(parts, [_line_ref(n)] * len(parts)))
        elif open_cell:
            cells[-1] += "\n" + s
        else:
            cells.append(s)
            refs.append(_line_ref(n))
            open_cell = True
    flush()
    return RawTable(rows, source, positional=False, flexible=True)


def _blank_line_cells(lines: list[str], source: str) -> RawTable:
    # paragraphs, with the count of blank lines before each
    paras: list[tuple[str, int, int]] = []  # text, blank lines before, line number
    buf: list[str] = []
    start, blanks, pending_blanks = 0, 0, 0
    for n, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not buf:
                start, pending_blanks = n, blanks
            buf.append(line.strip())
            blanks = 0
        else:
            if buf:
                paras.append(("\n".join(buf), pending_blanks, start))
                buf = []
            blanks += 1
    # find the header: the first run of >= 2 consecutive paragraphs that are all column names
    from zwgk_xl.importers.stream import _header_run

    named = [(p[0], p[2]) for p in paras]
    head, ncols = -1, 0
    for i in range(len(paras)):
        run = _header_run(named, i)
        if run >= 2:
            head, ncols = i, run
            break
    if head < 0:
        return RawTable([RawRow([p[0]], [_line_ref(p[2])]) for p in paras], source, positional=False)
    preamble = [p[0] for p in paras[:head]]
    rows = [RawRow([p[0] for p in paras[head : head + ncols]], [_line_ref(p[2]) for p in paras[head : head + ncols]])]
    cells: list[str] = []
    refs: list[str] = []
    for text, before, n in paras[head + ncols :]:
        # each blank line beyond the one separating cells is an empty cell (only inside a row)
        if cells:
            for _ in range(max(0, before - 1)):
                if len(cells) < ncols:
                    cells.append("")
                    refs.append(_line_ref(n - 1))
        if not cells and section_of(text):
            rows.append(RawRow([text], [_line_ref(n)]))
            continue
        if len(cells) >= ncols:
            rows.append(RawRow(cells, refs))
            cells, refs = [], []
        cells.append(text)
        refs.append(_line_ref(n))
        if len(cells) == ncols:
            rows.append(RawRow(cells, refs))
            cells, refs = [], []
    if cells:
        rows.append(RawRow(cells, refs))
    return RawTable(rows, source, preamble=preamble, positional=False)


def parse_text(text: str, source: str = "") -> RawTable:
    """Pick the layout the text is in and cut it into rows (see the module docstring)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = [ln for ln in lines if ln.strip()]
    tabbed = sum(1 for ln in nonblank if ln.lstrip(" ").startswith("\t"))
    piped = sum(1 for ln in nonblank if ln.strip() == "|" or re.search(r"\s\|\s", ln))
    if nonblank and tabbed >= 0.3 * len(nonblank):
        return _tabbed(lines, source)
    if nonblank and piped >= 0.2 * len(nonblank):
        return _piped(lines, source)
    return _blank_line_cells(lines, source)


def candidates(text: str, source: str = "") -> list[tuple[str, RawTable]]:
    """Every text layout that could apply, as (layout name, rows); the caller keeps the one that reads best.
    The layout :func:`parse_text` picks comes first, so it wins a tie."""
    from zwgk_xl.importers import traditional

    text, converted = traditional.simplify_text(text)  # column names and units are recognised in simplified form
    out = _candidates(text, source)
    for _, t in out:
        t.converted = converted
    return out


def _candidates(text: str, source: str) -> list[tuple[str, RawTable]]:
    from zwgk_xl.importers import prose, stream

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = [ln for ln in lines if ln.strip()]
    tabbed = sum(1 for ln in nonblank if ln.lstrip(" ").startswith("\t"))
    piped = sum(1 for ln in nonblank if ln.strip() == "|" or re.search(r"\s\|\s", ln))
    pipes = sum(1 for ln in nonblank if "|" in ln)
    out: list[tuple[str, RawTable]] = []
    inner_tabs = sum(1 for ln in nonblank if ln.strip("\r\n").lstrip(" \t").count("\t") >= 2)
    if nonblank and inner_tabs >= 0.3 * len(nonblank):
        out.append(("tsv", _tsv(lines, source)))
    if nonblank and tabbed >= 0.3 * len(nonblank):
        out.append(("tabbed", _tabbed(lines, source)))
    inline = sum(1 for ln in nonblank if ln.strip().strip("|").count("|") >= 1)
    if inline >= 0.2 * len(nonblank) and inline >= 2:
        out.append(("piped", _piped(lines, source)))
    if pipes >= 0.2 * len(nonblank) and pipes >= 2 and inline < 0.5 * pipes:
        out.append(("pipe-cells", stream.segment(stream.piped_cells(lines), source)))
    elif nonblank and piped >= 0.2 * len(nonblank):
        out.append(("piped", _piped(lines, source)))
    blank = sum(1 for a, b in itertools.pairwise(lines) if a.strip() and not b.strip())
    if blank >= 0.2 * len(nonblank):
        out.append(("blank-cells", _blank_line_cells(lines, source)))
        out.append(("para-cells", stream.segment(stream.paragraph_cells(lines), source)))
    if not any(name == "pipe-cells" for name, _ in out):
        out.append(("line-cells", stream.segment(stream.line_cells(lines), source)))
    from zwgk_xl.importers import running

    flat = running.rows(lines, source)
    if len(flat.rows) > 1:
        out.append(("running", flat))
    spaced = stream.spaced_rows(lines, source)
    if spaced.rows:
        out.append(("spaced", spaced))
    out.append(("prose", prose.parse(lines, source)))
    return out


def read(path: Path) -> RawTable:
    return parse_text(read_text(path), str(path))
