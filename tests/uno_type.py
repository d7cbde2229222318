"""Type into a workbook through LibreOffice's UNO bridge, the way a unit does, then export it to PDF.

Run with the system Python that has ``uno`` (python3-uno), not the project's venv:

    /usr/bin/python3 tests/uno_type.py SOFFICE WORKBOOK PDF PROFILE_DIR JOB.json

JOB.json: {"sheet": name, "cells": [[row, col, text], ...]} with 0-based rows and columns. Each text is set with
``setString`` on the cell (what typing and Enter do), row heights are left to LibreOffice (as after typing), the
document is exported with the calc_pdf_Export filter and closed without saving. LibreOffice listens on a pipe
with a private name and a private profile, so parallel runs do not meet.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(soffice: str, workbook: str, pdf: str, profile: str, job_path: str) -> int:
    with open(job_path, encoding="utf-8") as f:
        job = json.load(f)
    pipe = f"zwgk_uno_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(240):  # the first start of a fresh profile takes a while
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if proc.poll() is not None:
                    raise RuntimeError("soffice exited before accepting a connection") from None
                time.sleep(0.5)
        if ctx is None:
            raise RuntimeError("could not connect to soffice")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(workbook)), "_blank", 0, (_prop("Hidden", True),)
        )
        try:
            sheet = doc.Sheets.getByName(job["sheet"])
            for row, col, text in job["cells"]:
                sheet.getCellByPosition(col, row).setString(text)
            doc.calculateAll()
            filt = (_prop("FilterName", "calc_pdf_Export"),)
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(pdf)), filt)
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            heights = [sheet.Rows.getByIndex(r).Height for r in range(cursor.RangeAddress.EndRow + 1)]
            print(json.dumps({"row_heights_mm100": heights}))
        finally:
            doc.close(True)
        with contextlib.suppress(Exception):  # the bridge drops as soffice exits
            desktop.terminate()
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:6]))
