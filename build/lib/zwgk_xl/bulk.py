"""Bulk work: reading thousands of returns and writing a workbook of a million cells create millions of small objects
(cells, tuples, answers) that hold no reference cycles. Python's cyclic garbage collector still walks the whole heap
again and again while they pile up, which at 10,000 returns cost a fifth of the merge; it is paused for that work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
