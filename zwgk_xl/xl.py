"""Excel entry points through xlwings: read the control workbook's 设置, call the library, write back. No logic.

xlwings is imported lazily, so the rest of the package (and the CLI) works where xlwings cannot run. Errors never
reach Excel as a Python traceback: the message is written to the 运行状态 cell instead.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from zwgk_xl import control


def _book():
    import xlwings as xw

    return xw.Book.caller()


def _base(book) -> Path:
    try:
        return Path(book.fullname).parent
    except Exception:  # the remote engine has no file path: paths are then taken as given
        return Path.cwd()


def _status(book, text: str, when: dt.date | None = None) -> None:
    sheet = book.sheets[control.SETTINGS_SHEET]
    sheet[control.STATUS_ROW, 1].value = text
    sheet[control.STATUS_ROW, 2].value = dt.datetime.combine(when, dt.time()) if when else None


def _run(action: str) -> None:
    book = _book()
    try:
        rows = book.sheets[control.SETTINGS_SHEET].range((1, 1), (40, 2)).value
        message, arrays, as_of = control.run(action, control.settings_from_rows(rows), _base(book))
        for name, values in (arrays or {}).items():
            sheet = book.sheets[name]
            sheet.clear_contents()
            sheet["A1"].value = values  # one whole-array write per sheet
        _status(book, message, as_of)
    except Exception as exc:  # shown to the clerk in the status cell, in place of a traceback
        _status(book, f"出错：{exc}" if str(exc) else f"出错：{type(exc).__name__}")


def consolidate() -> None:
    """一键汇总."""
    _run("consolidate")


def build_and_split() -> None:
    """生成分发."""
    _run("build_and_split")


def send_summary() -> None:
    """发送汇总."""
    _run("send_summary")


def next_round() -> None:
    """下一轮."""
    _run("next_round")


def main() -> None:
    """What the template's SampleCall macro runs: the clicked button (Application.Caller) picks the action. Where
    Excel cannot say which button was clicked (not Windows desktop Excel), nothing runs and the status cell says so:
    running 一键汇总 whatever was clicked once sent a click on 发送汇总 to the wrong action."""
    book = _book()
    try:
        caller = str(book.app.api.Caller)
    except Exception:  # not on Windows desktop Excel: no Application.Caller
        caller = ""
    action = {name: act for name, _, act in control.BUTTONS}.get(caller)
    if action is None:
        _status(book, control.UNKNOWN_BUTTON)
        return
    _run(action)
