"""Returned workbooks → Submissions + findings. Files are opened for reading only: never written, moved or renamed.

Here: the walk over the folder (which cannot raise), the loader threads with a time budget per file, duplicates,
and the choice of the return that counts per unit. Verification (identity, rows, locked text, answers) is
verify.py. Values are read with python-calamine (several times faster than openpyxl). The worksheets' XML is read
besides, for what calamine cannot do: bound each sheet's range before calamine builds it (cell_span; a sheet too
large for it is read in part through openpyxl), find formulas in input cells, comments, text boxes and percentage
styles. Loading (the file's bytes, the safety sniff, the XML scans, the parse) runs a few files ahead in worker
threads: calamine and zlib release the GIL, so on two cores the parsing overlaps the checks. The checks run in this
thread, file by file in name order, so the result does not depend on the threads.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zwgk_xl import findings
from zwgk_xl.bulk import paused_gc
from zwgk_xl.model import Finding, Submission, Unit
from zwgk_xl.plan import Master
from zwgk_xl.verify import Verifier, label
from zwgk_xl.workbook.returnfile import Loaded, display, load_all, os_reason, unreadable_reason


@dataclass(frozen=True)
class Collection:
    submissions: tuple[Submission, ...]
    superseded: tuple[Submission, ...]
    findings: tuple[Finding, ...]
    missing: tuple[Unit, ...]
    files: tuple[Path, ...]


#: Files loaded ahead of the checks. Each holds one return's bytes and grid, so memory stays bounded.
AHEAD = 8
#: Seconds one file may take to load before it is named as too slow and the run goes on without it. Every scan is
#: linear, so only a parser's own defect could stall; the largest file allowed (100 MB) loads in well under this.
FILE_BUDGET = 120.0


def _loaded(files: Iterable[Path], threads: int, budget: float | None = FILE_BUDGET) -> Iterator[Loaded]:
    """``load_all`` over the files in their order, in ``threads`` daemon worker threads, at most AHEAD files ahead
    of the consumer. A file not loaded within ``budget`` seconds becomes a file-too-slow finding; its thread is
    left to finish on its own (a thread cannot be stopped; being a daemon, it cannot hold up the process's exit)
    and a fresh one takes its place."""
    jobs: queue.SimpleQueue[tuple[Path, Future[list[Loaded]]] | None] = queue.SimpleQueue()

    def work() -> None:
        while (job := jobs.get()) is not None:
            path, fut = job
            if fut.set_running_or_notify_cancel():
                fut.set_result(load_all(path))  # load_all never raises

    def start() -> None:
        threading.Thread(target=work, name="zwgk-load", daemon=True).start()

    alive = max(1, threads)
    for _ in range(alive):
        start()
    it = iter(files)
    pending: deque[tuple[Path, Future[list[Loaded]]]] = deque()

    def feed(n: int) -> None:
        for p in itertools.islice(it, n):
            fut: Future[list[Loaded]] = Future()
            jobs.put((p, fut))
            pending.append((p, fut))

    feed(AHEAD)
    try:
        while pending:
            path, fut = pending.popleft()
            try:
                got = fut.result(timeout=budget)
            except FutureTimeout:
                got = [Loaded(display(path), ("file-too-slow", {"seconds": f"{budget:g}"}))]
                start()
                alive += 1
            feed(1)
            yield from got
    finally:
        for _, fut in pending:
            fut.cancel()
        for _ in range(alive):
            jobs.put(None)


def default_threads() -> int:
    """Two loaders keep two cores busy (calamine and zlib let go of the GIL); more only contend for it."""
    return min(2, os.cpu_count() or 1)


def walk(returns: Path) -> tuple[list[Path], list[tuple[Path, tuple[str, dict[str, Any]]]]]:
    """Every file under the folder, in name order, and every folder that could not be listed with the reason.
    os.walk reports what it cannot read to ``onerror`` instead of raising; symbolic links to folders are not
    followed (a link to a parent would loop)."""
    problems: list[tuple[Path, tuple[str, dict[str, Any]]]] = []

    def failed(exc: OSError) -> None:
        _, params = os_reason(exc)
        where = Path(exc.filename) if exc.filename else returns
        problems.append((where, ("folder-unreadable", params)))

    files: list[Path] = []
    try:
        for folder, _dirs, names in os.walk(returns, onerror=failed, followlinks=False):
            files.extend(Path(folder, n) for n in names)
    except OSError as exc:  # os.walk reports through onerror; this is for what no version of it foresaw
        failed(exc)
    files.sort(key=lambda p: str(display(p)))
    return files, problems


def list_files(returns: Path) -> list[Path]:
    return walk(returns)[0]


class ReturnsError(Exception):
    """The returns folder does not exist: stop, rather than report every unit as not returned (and remind them all)."""


def collect(
    master: Master,
    returns: str | Path,
    progress: Callable[[Path], None] | None = None,
    threads: int | None = None,
    budget: float | None = FILE_BUDGET,
) -> Collection:
    """Files are loaded in ``threads`` worker threads (default: default_threads()) and checked here in name order.
    Worker processes were tried and taken out: on a 2-core machine spawning them (as Windows must) cost about a
    second and saved nothing (benchmarks/README.md); threads cost nothing to start."""
    root = Path(returns)
    if not root.is_dir():
        raise ReturnsError(f"找不到报送文件夹：{root}（请检查路径；未汇总任何文件）")
    out: list[Finding] = []
    plans = master.plans
    reader = Verifier(master, {p.unit.id: p for p in plans}, master.index, out)
    files, folder_problems = walk(root)
    for folder, (code, params) in folder_problems:
        reader.finding(code, display(folder), **params)
    subs, shown = _read_all(reader, files, default_threads() if threads is None else threads, budget, progress)
    winners, superseded = _winners(subs, reader.conflicts)
    out += _conflict_findings(subs, winners, reader.conflicts)
    out += _superseded_findings(superseded, winners)
    missing = tuple(p.unit for p in plans if p.unit.id not in winners)
    for u in missing:
        out.append(findings.make("not-returned", unit=u.name, count=len(reader.plans[u.id].rows)))
    ordered = sorted(winners.values(), key=lambda s: master.roster.order(s.unit))
    return Collection(tuple(ordered), tuple(superseded), tuple(out), missing, tuple(shown))


def _read_all(
    reader: Verifier,
    files: list[Path],
    threads: int,
    budget: float | None,
    progress: Callable[[Path], None] | None,
) -> tuple[list[Submission], list[Path]]:
    """Every file loaded (in worker threads) and verified here in name order: a byte-identical copy is told once,
    a file's problem becomes its findings, and a defect of ours in one file costs only that file."""
    subs: list[Submission] = []
    shown: list[Path] = []
    seen_bytes: dict[str, Path] = {}
    with paused_gc():
        for got in _loaded(files, threads, budget):
            path = got.path
            shown.append(path)
            if progress:
                progress(path)
            if got.digest:
                if got.digest in seen_bytes:
                    reader.finding("duplicate-file", path, other=seen_bytes[got.digest].name)
                    continue
                seen_bytes[got.digest] = path
            if got.problem:
                for code, params in got.notes:
                    reader.finding(code, path, **params)
                reader.finding(got.problem[0], path, **got.problem[1])
                continue
            try:
                sub = reader.read(got)
            except Exception as exc:  # a defect of ours must not cost the other units their merge
                reader.finding("file-unreadable", path, reason=unreadable_reason(exc))
                continue
            if sub is not None:
                subs.append(sub)
    return subs, shown


def _winners(
    subs: list[Submission], conflicts: dict[str, tuple[Unit, str]]
) -> tuple[dict[str, Submission], list[Submission]]:
    """The return that counts per unit (the latest by 填报日期, then file time, then name) and those it superseded.
    A file whose 填报单位 names another unit never supersedes a unit's own return: it sorts first, so it counts
    only where the unit sent nothing else."""
    winners: dict[str, Submission] = {}
    superseded: list[Submission] = []
    for sub in sorted(subs, key=lambda s: (s.file not in conflicts, s.date or dt.date.min, s.mtime, s.file)):
        if sub.unit.id in winners:
            superseded.append(winners[sub.unit.id])
        winners[sub.unit.id] = sub
    return winners, superseded


def _conflict_findings(
    subs: list[Submission], winners: dict[str, Submission], conflicts: dict[str, tuple[Unit, str]]
) -> list[Finding]:
    """Each file whose hidden unit and 填报单位 disagree, with what became of it."""
    out = []
    for sub in subs:
        if sub.file in conflicts:
            unit, visible = conflicts[sub.file]
            counted = winners[unit.id] is sub
            outcome = (
                f"已按 {unit.name} 的报送汇总（{unit.name} 没有其他报送）"
                if counted
                else f"{unit.name} 另有本单位的报送 {Path(winners[unit.id].file).name}，本文件未采用"
            )
            out.append(
                findings.make(
                    "identity-conflict",
                    unit=unit.name,
                    file=sub.file,
                    sheet=sub.sheet,
                    hidden=unit.name,
                    visible=visible,
                    outcome=outcome,
                )
            )
    return out


def _superseded_findings(superseded: list[Submission], winners: dict[str, Submission]) -> list[Finding]:
    """Each superseded return, and every text in it the return that counts no longer says (quoted, not lost)."""
    out = []
    for old in superseded:
        new = winners[old.unit.id]
        out.append(findings.make("resend-superseded", unit=old.unit.name, file=old.file, newer=Path(new.file).name))
        for a in old.answers:
            kept = new.answer(a.task_id)
            kept_texts = kept.texts() if kept else {}
            for field_name, text in a.texts().items():
                if kept_texts.get(field_name) != text:
                    out.append(
                        findings.make(
                            "superseded-text",
                            unit=old.unit.name,
                            task_id=a.task_id,
                            file=old.file,
                            sheet=old.sheet,
                            cell=a.cell(field_name),
                            field=label(field_name),
                            text=text,
                        )
                    )
    return out
