"""Text whose table lost its row marks: a stream of cells, cut into rows by what the cells look like.

Two sources give such streams (issue 14, layouts 1, 2 and 4):

* **lone or trailing "|"**: a web page's table copied as one cell per line, each cell closed by a line holding
  only "|" or by " |" at its end, with no blank line between rows (``A\\n|\\nB\\n|`` or ``A |\\nB |``);
* **no delimiter**: one cell per line with no blank lines (text taken from a PDF), long cells wrapped over
  several lines.

The header's cells (the first run of column names, possibly split over lines) give the columns. A row ends after
the cell that fits the last column (usually 完成时限 or a unit column); a number cell, or a sentence after a unit
or deadline cell, starts the next row; a lone heading (一、 （一）) between rows is a section. The rows go to the
table logic as ``flexible`` rows, aligned to the columns by content (:func:`cells.align`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from zwgk_xl.importers.cells import is_deadline, is_number, is_units, section_of
from zwgk_xl.importers.table import RawRow, RawTable, header_field, header_map

Cell = tuple[str, int]  # text, line number


def piped_cells(lines: Sequence[str]) -> list[Cell]:
    """Cells closed by "|" (a lone "|" line, or "|" at the end of a cell's line); "||" is an empty cell."""
    out: list[Cell] = []
    buf: list[str] = []
    start = 0
    for n, line in enumerate(lines, start=1):
        for k, piece in enumerate(line.split("|")):
            if k > 0:  # a "|" closed the cell before this piece
                if len(buf) > 1 and _is_header_cell(buf[-1]):  # text above the table, then its first column name
                    out.append(("\n".join(buf[:-1]).strip(), start or n))
                    buf, start = buf[-1:], n
                out.append(("\n".join(buf).strip(), start or n))
                buf, start = [], 0
            if piece.strip():
                if not buf:
                    start = n
                buf.append(piece.strip())
    if buf:
        out.append(("\n".join(buf).strip(), start))
    # a "|" right after another (lone "|" lines around an already closed cell) is not a cell of its own
    cleaned: list[Cell] = []
    for text, n in out:
        if not text and cleaned and not cleaned[-1][0]:
            continue
        cleaned.append((text, n))
    return cleaned


def paragraph_cells(lines: Sequence[str]) -> list[Cell]:
    """One cell per paragraph (blank lines between cells; a web page or Word copy of a table)."""
    out: list[Cell] = []
    buf: list[str] = []
    start = 0
    for n, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not buf:
                start = n
            buf.append(line.strip())
        elif buf:
            out.append(("\n".join(buf), start))
            buf = []
    return out


def _starts_cell(s: str) -> bool:
    return bool(is_number(s) or section_of(s) or is_units(s) or is_deadline(s) or re.match(r"^\d{1,3}[.．、]", s))


def line_cells(lines: Sequence[str]) -> list[Cell]:
    """One cell per line; a line wrapped by the PDF's width (long, no sentence end) continues on the next."""
    rows = [(ln.strip(), n) for n, ln in enumerate(lines, start=1) if ln.strip()]
    if not rows:
        return []
    lengths = sorted(len(s) for s, _ in rows)
    wide = lengths[int(len(lengths) * 0.9) - 1 if len(lengths) > 1 else 0]
    out: list[Cell] = []
    joining = False
    for s, n in rows:
        if joining and out and not _starts_cell(s):
            out[-1] = (out[-1][0] + "\n" + s, out[-1][1])
        else:
            out.append((s, n))
        joining = len(s) >= max(12, int(wide * 0.85)) and s[-1] not in "。；;！？!?:："
    return out


def _is_header_cell(c: str) -> bool:
    return bool(c) and len("".join(c.split())) <= 12 and header_field(c) is not None


def _header_run(cells: Sequence[Cell], i: int) -> int:
    """How many cells from ``i`` are column names; a short unknown name between two (公开载体) is a column too."""
    run = 0
    while i + run < len(cells):
        c = cells[i + run][0]
        if _is_header_cell(c) or (
            run
            and 0 < len(c) <= 6
            and not is_number(c)
            and i + run + 1 < len(cells)
            and _is_header_cell(cells[i + run + 1][0])
        ):
            run += 1
        else:
            break
    return run


def _find_header(cells: Sequence[Cell]) -> tuple[int, int]:
    """(start, length) of the first run of column names that makes a header, or (-1, 0)."""
    for i in range(len(cells)):
        run = _header_run(cells, i)
        if run >= 2 and header_map([c for c, _ in cells[i : i + run]]):
            return i, run
    return -1, 0


def _texty(c: str) -> bool:
    return bool(c) and not (is_number(c) or is_units(c) or is_deadline(c)) and len(c) >= 4


def _fits(kind: str, c: str) -> bool:
    if kind == "deadline":
        return is_deadline(c)
    if kind in ("lead", "responsible"):
        return is_units(c)
    return False


def _repeated_header(cells: Sequence[Cell], i: int, ncols: int) -> int | None:
    """Where the cells after a header repeated at ``i`` (a page break) resume, or None."""
    if not all(_is_header_cell(x) for x, _ in cells[i : i + min(ncols, 3)]):
        return None
    while i < len(cells) and _is_header_cell(cells[i][0]):
        i += 1
    return i


def _starts_row(c: str, filled: Sequence[str], text_before_units: bool) -> bool:
    """A number after a row's number or units, or a sentence after its units or deadline, starts the next row."""
    if is_number(c):
        return any(is_number(x) or is_units(x) or is_deadline(x) for x in filled)
    return _texty(c) and text_before_units and any(is_units(x) or is_deadline(x) for x in filled)


def _header_layout(head: Sequence[str]) -> tuple[str, int, int, bool]:
    """What the header says about a row's end: the field of its last significant column (deadline or units), how
    many columns follow it (remarks), how many significant columns there are, and whether the task's text comes
    before its units."""
    kinds = [header_field(c) or "remark" for c in head]
    significant = [i for i, k in enumerate(kinds) if k in ("deadline", "lead", "responsible")]
    last = kinds[significant[-1]] if significant else kinds[-1]
    trailing = len(kinds) - 1 - significant[-1] if significant else 0
    text_first = min((i for i, k in enumerate(kinds) if k in ("text", "requirement")), default=0)
    units_first = min((i for i, k in enumerate(kinds) if k in ("lead", "responsible")), default=len(kinds))
    return last, trailing, len(significant), text_first < units_first


def segment(cells: Sequence[Cell], source: str, ref: str = "第{}行") -> RawTable:
    """Cut a cell stream into rows (see the module docstring)."""
    start, ncols = _find_header(cells)
    if start < 0:
        return RawTable([RawRow([c], [ref.format(n)]) for c, n in cells if c], source, positional=False)
    head = [c for c, _ in cells[start : start + ncols]]
    last, trailing, significant, text_before_units = _header_layout(head)
    rows = [RawRow(head, [ref.format(n) for _, n in cells[start : start + ncols]])]
    cur: list[Cell] = []
    after_end = -1  # cells taken after the row's last significant cell (a remark column)

    def flush() -> None:
        nonlocal after_end
        if any(c for c, _ in cur):
            rows.append(RawRow([c for c, _ in cur], [ref.format(n) for _, n in cur]))
        cur.clear()
        after_end = -1

    i = start + ncols
    while i < len(cells):
        c, n = cells[i]
        i += 1
        if (skip := _repeated_header(cells, i - 1, ncols)) is not None:
            flush()
            i = skip
            continue
        filled = [x for x, _ in cur if x]
        if not c:
            if filled:
                cur.append((c, n))
            continue
        if after_end >= 0 and (after_end >= trailing or is_number(c) or section_of(c) or _texty(c)):
            flush()
            filled = []
        if section_of(c) and not filled and len(c) <= 60:
            nxt = next((x for x, _ in cells[i : i + 2] if x), "")
            if not (is_units(nxt) or is_deadline(nxt)):
                rows.append(RawRow([c], [ref.format(n)]))
                continue
        if _starts_row(c, filled, text_before_units):
            flush()
        cur.append((c, n))
        if after_end >= 0:
            after_end += 1
        elif (
            _fits(last, c)
            and sum(1 for x, _ in cur if x) >= 2
            and (last == "deadline" or sum(1 for x, _ in cur if is_units(x) or is_deadline(x)) >= significant)
        ):
            after_end = 0
            if trailing == 0:
                flush()
        if len(cur) >= ncols + 3:
            flush()
    flush()
    return RawTable(rows, source, preamble=[c for c, _ in cells[:start]], positional=False, flexible=True)


def spaced_rows(lines: Sequence[str], source: str) -> RawTable:
    """A table flattened into lines whose cells are separated only by spaces ("1 地区生产总值增长6.5%左右。 区发改委
    区政府各部门"): the header line's names give the columns; a line starting with a number starts a row, other
    lines continue it (a cell of two units broken over lines); a lone heading is a section."""
    head_at, head = -1, []
    for i, line in enumerate(lines):
        tokens = line.split()
        if len(tokens) >= 3 and all(_is_header_cell(t) for t in tokens) and header_map(tokens):
            head_at, head = i, tokens
            break
    if head_at < 0:
        return RawTable([], source, positional=False)
    rows = [RawRow(head, [f"第{head_at + 1}行"] * len(head))]
    cur: list[list[str]] = []  # tokens per line of the current row
    start = 0

    def flush() -> None:
        if cur:
            cells = _fit_tokens(cur, len(head))
            rows.append(RawRow(cells, [f"第{start}行"] * len(cells)))
            cur.clear()

    for n, line in enumerate(lines[head_at + 1 :], start=head_at + 2):
        tokens = line.split()
        if not tokens:
            continue
        if section_of(line.strip()) and not is_number(tokens[0]):
            flush()
            rows.append(RawRow([line.strip()], [f"第{n}行"]))
        elif is_number(tokens[0]) or not cur:
            flush()
            cur.append(tokens)
            start = n
        else:
            cur.append(tokens)
    flush()
    return RawTable(
        rows, source, preamble=[ln.strip() for ln in lines[:head_at] if ln.strip()], positional=False, flexible=True
    )


def _fit_tokens(lines: list[list[str]], ncols: int) -> list[str]:
    """Tokens of one row's lines → at most ``ncols`` cells: a line of one unit name continuing the line above joins
    the unit cell before it (区财政局 / 区税务局), then adjacent non-unit tokens join (a sentence with a space)."""
    cells: list[str] = list(lines[0])
    for more in lines[1:]:
        if len(more) == 1 and cells and is_units(cells[-1]) and is_units(more[0]) and len(cells) >= ncols - 1:
            if len(cells) < ncols and not re.search(r"[、,，;；]", more[0]):
                cells[-1] += "、" + more[0]
            else:
                cells.append(more[0])
        else:
            cells.extend(more)
    while len(cells) > ncols:
        k = next((i for i in range(len(cells) - 1) if not is_units(cells[i]) and not is_units(cells[i + 1])), None)
        if k is None:
            k = next(
                (i for i in range(len(cells) - 1) if is_units(cells[i]) and is_units(cells[i + 1])), len(cells) - 2
            )
            cells[k : k + 2] = [cells[k] + "、" + cells[k + 1]]
        else:
            cells[k : k + 2] = [cells[k] + " " + cells[k + 1]]
    return cells
