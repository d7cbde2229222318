"""The merge stage: read the master, collect the returns folder, consolidate (consolidation.py); the caller writes
the result with write_merged (workbook/merged.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from zwgk_xl.collect import Collection, collect
from zwgk_xl.consolidation import Consolidation, consolidation
from zwgk_xl.plan import Master
from zwgk_xl.workbook.master import read_master


def consolidate(
    master: str | Path | Master,
    returns: str | Path | Collection,
    as_of: dt.date | None = None,
    progress: Callable[[Path], None] | None = None,
) -> Consolidation:
    """Consolidate a returns folder against a master workbook.

    ``master`` is the master's path or a Master already read (``read_master``); ``returns`` is the folder of
    returned workbooks or a Collection already collected (``collect``); ``as_of`` (default today) is the date the
    overdue rule counts from; ``progress`` is called with each file as it is read. Nothing is written: pass the
    result to ``write_merged``. Bad files become findings; only a missing master or folder raises."""
    m = master if isinstance(master, Master) else read_master(master)
    col = returns if isinstance(returns, Collection) else collect(m, returns, progress)
    return consolidation(m, col, as_of or dt.date.today())
