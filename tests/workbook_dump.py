"""A workbook dumped by meaning, as XlsxWriter's tests compare files: per sheet its state, cells, merged ranges,
protection and unlocked cells, data validations, freeze panes and print setup, read back by openpyxl (a second
library). Two dumps compare as data, so a change to a sheet shows up as a readable diff of what changed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import load_workbook

from zwgk_xl import contract as C


def _value(v: object, tmp: str) -> object:
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return v.replace(tmp, "<tmp>").replace(Path(tmp).as_uri(), "<tmp-uri>")
    return v


def dump(path: Path, tmp: Path, sheets: int | None = None) -> dict[str, object]:
    """The workbook at ``path`` as data; ``tmp`` (where the test wrote its files) is replaced by <tmp>. Every
    sheet's name is kept; with ``sheets``, only the reserved sheets and the first ``sheets`` others are dumped (the
    master's unit sheets are all written by one function: two show it)."""
    wb = load_workbook(path)
    out: dict[str, object] = {"sheets": wb.sheetnames}
    others = [ws for ws in wb.worksheets if ws.title not in C.RESERVED_SHEETS]
    skip = {ws.title for ws in others[sheets:]} if sheets is not None else set()
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        cells: dict[str, object] = {
            c.coordinate: _value(c.value, str(tmp))
            for row in ws.iter_rows()
            for c in row
            if c.value is not None and c.value != ""
        }
        if ws.title == C.SHEET_RESULT:  # the hidden results: JSON cut into cells, compared as the rows it holds
            text = "".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
            cells = {"rows": json.loads(str(_value(text, str(tmp))))}
        unlocked = sorted(
            c.coordinate for row in ws.iter_rows() for c in row if c.protection is not None and not c.protection.locked
        )
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "protected": bool(ws.protection.sheet),
            "unlocked": unlocked if ws.protection.sheet else [],
            "validations": sorted(
                [str(dv.sqref), dv.type, dv.formula1 or "", dv.formula2 or ""]
                for dv in ws.data_validations.dataValidation
            ),
            "freeze": ws.freeze_panes,
            "print": {
                "orientation": ws.page_setup.orientation,
                "paper": ws.page_setup.paperSize,
                "fit_width": ws.page_setup.fitToWidth,
                "titles": ws.print_title_rows,
            },
            "hidden_columns": sorted(k for k, d in ws.column_dimensions.items() if d.hidden),
        }
    return out
