"""The merge stage: read the master, collect the returns folder, consolidate (consolidation.py); the caller writes
the result with write_merged (workbook/merged.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from zwgk_xl import contract as C
from zwgk_xl.collect import Collection, collect
from zwgk_xl.consolidation import Consolidation, consolidation, state_for
from zwgk_xl.plan import Master
from zwgk_xl.rounds import RoundState
from zwgk_xl.workbook.master import read_master


def consolidate(
    master: str | Path | Master,
    returns: str | Path | Collection,
    as_of: dt.date | None = None,
    progress: Callable[[Path], None] | None = None,
    previous: RoundState | None = None,
) -> Consolidation:
    """Consolidate a returns folder against a master workbook.

    ``master`` is the master's path or a Master already read (``read_master``); ``returns`` is the folder of
    returned workbooks or a Collection already collected (``collect``); ``as_of`` (default today) is the date the
    overdue rule counts from; ``progress`` is called with each file as it is read. Nothing is written: pass the
    result to ``write_merged``. Bad files become findings; only a missing master or folder raises."""
    m = master if isinstance(master, Master) else read_master(master)
    # rounds: the earlier rounds from ``previous`` (the previous merged workbook, or the audit record), else from
    # the master's own round state (a master made by `zwgk next`); their returns are stale
    from zwgk_xl.workbook.roundbook import earlier_rounds, read_state

    state = state_for(m, previous or read_state(m.path))
    if state.rounds and not m.earlier_rounds:
        m = replace(m, meta={**m.meta, C.K_EARLIER_ROUNDS: earlier_rounds(state)})
    col = returns if isinstance(returns, Collection) else collect(m, returns, progress)
    return consolidation(m, col, as_of or dt.date.today(), state)
