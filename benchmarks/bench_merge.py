"""Merge N returns: seconds per stage, peak memory, and the ratio to python-calamine's bare read of the same files.

python benchmarks/bench_merge.py [--data DIR] [N ...]        (default 1000)

The returns are prepared first in their own process (build the master, split, fill every unit's workbook as office
software would); preparing 10,000 takes about ten minutes, so ``--data DIR`` keeps them in DIR/nN and reuses them
on the next run. The stages are then timed in a fresh process, and the peak memory is read in another one that
only merges (what `zwgk merge` does), so neither the preparation nor the repeated timing runs count in it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import now, roster, tasklist

from zwgk_xl import build_master, split_units, write_merged
from zwgk_xl import contract as C
from zwgk_xl.collect import collect
from zwgk_xl.merge import consolidate
from zwgk_xl.simulate import fill
from zwgk_xl.workbook.master import read_master

#: Above this, writing a sheet per unit as well (the default stops at UNIT_SHEETS_MAX units) is left out: it is a
#: figure for comparison, and at 10,000 units it alone takes minutes.
FORCED_SHEETS_UP_TO = 1000


def bare_read(files: list[Path]) -> float:
    """calamine alone: open each file and read every sheet's values (the floor for any reader)."""
    t = time.perf_counter()
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - t


def prepare(n: int, base: Path) -> tuple[Path, Path]:
    master, returns = base / "master.xlsx", base / "returns"
    if (base / "ready").exists():
        return master, returns
    ros = roster(n)
    b = build_master(tasklist(ros), ros, master, now=now())
    s = split_units(b.path, base / "outbox", now=now())
    rng = random.Random(1)
    for f in s.files:
        fill(f.path, returns / f.path.name, rng, day=dt.date(2022, 11, 1))
    (base / "ready").write_text(C.FORMAT_VERSION)
    return master, returns


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(base: Path) -> dict[str, float]:
    """One merge, measured stage by stage (in a fresh process: see main)."""
    master_path, returns = base / "master.xlsx", base / "returns"
    files = sorted(returns.glob("*.xlsx"))
    n = len(files)
    t = time.perf_counter()
    master = read_master(master_path)
    _ = master.plans
    t_master = time.perf_counter() - t
    # the ratio is what matters, and this machine's speed drifts: the bare read and collect alternate, best of two
    t_bare, t_collect, t_serial = float("inf"), float("inf"), float("inf")
    for _ in range(2):
        t_bare = min(t_bare, bare_read(files))
        t_collect = min(t_collect, _timed(lambda: collect(master, returns)))
        t_serial = min(t_serial, _timed(lambda: collect(master, returns, threads=1)))
    t = time.perf_counter()
    result = consolidate(master_path, returns, as_of=dt.date(2022, 12, 15))
    t_consolidate = time.perf_counter() - t
    t_write = _timed(lambda: write_merged(result, base / "merged.xlsx"))
    t_sheets = (
        _timed(lambda: write_merged(result, base / "merged_all.xlsx", unit_sheets=True))
        if n <= FORCED_SHEETS_UP_TO
        else float("nan")
    )
    assert len(result.collection.submissions) == n, "every return must be identified"
    assert C.SHEET_DASHBOARD in CalamineWorkbook.from_path(str(base / "merged.xlsx")).sheet_names
    return {
        "n": n,
        "bare": t_bare,
        "master": t_master,
        "collect": t_collect,
        "collect_serial": t_serial,
        "consolidate": t_consolidate,
        "write": t_write,
        "write_all_sheets": t_sheets,
    }


def _rss() -> float:
    """Resident memory now, MiB (Linux)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def peak_of_merge(base: Path) -> dict[str, float]:
    """Max RSS of a process that imports zwgk_xl and merges once, as `zwgk merge` does, and where it goes: the
    interpreter and libraries, the list (the master read and planned; in this benchmark it grows with N), the
    consolidation, the write."""
    start = _rss()
    master = read_master(base / "master.xlsx")
    _ = master.plans
    listed = _rss()
    del master, _
    result = consolidate(base / "master.xlsx", base / "returns", as_of=dt.date(2022, 12, 15))
    consolidated = _rss()
    write_merged(result, base / "merged.xlsx")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux → MiB
    return {
        "peak": peak,
        "mem_start": start,
        "mem_list": listed - start,
        "mem_consolidation": consolidated - listed,
        "mem_write": peak - consolidated,
    }


def _child(*args: str) -> dict[str, float]:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv[:1] == ["--prepare"]:
        prepare(int(argv[1]), Path(argv[2]))
        return
    if argv[:1] == ["--one"]:
        print(json.dumps(run(Path(argv[1]))))
        return
    if argv[:1] == ["--peak"]:
        print(json.dumps(peak_of_merge(Path(argv[1]))))
        return
    data = None
    if argv[:1] == ["--data"]:
        data, argv = Path(argv[1]), argv[2:]
    sizes = [int(a) for a in argv] or [1000]
    print("bare: calamine reads every sheet of every return, one file after another. collect: identify + verify +")
    print("read values, loading in worker threads (the default); 1 thread: the same in one thread. whole: read master")
    print("+ collect + checks (consolidate) + write the merged workbook. peak: max RSS of a process that only merges.")
    print("all sheets: the same write with a sheet per unit forced (by default only up to 200 units).")
    print(
        f"{'N':>6} {'bare s':>7} {'collect s':>9} {'ratio':>6} {'1 thread s':>10} {'ratio':>6} {'master s':>8}"
        f" {'consol. s':>9} {'write s':>8} {'whole s':>8} {'peak MiB':>8} {'all sheets s':>12}"
    )
    peaks: list[tuple[int, float]] = []
    mem: list[tuple[int, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            base = (data or Path(tmp)) / f"n{n}"
            base.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, __file__, "--prepare", str(n), str(base)], check=True)
            r = {**_child("--one", str(base)), **_child("--peak", str(base))}
            whole = r["consolidate"] + r["write"]
            print(
                f"{n:>6} {r['bare']:>7.2f} {r['collect']:>9.2f} {r['collect'] / r['bare']:>6.2f}"
                f" {r['collect_serial']:>10.2f} {r['collect_serial'] / r['bare']:>6.2f} {r['master']:>8.2f}"
                f" {r['consolidate']:>9.2f} {r['write']:>8.2f} {whole:>8.2f} {r['peak']:>8.1f}"
                f" {r['write_all_sheets']:>12.2f}"
            )
            mem.append((n, r))
            peaks.append((n, r["peak"]))
    print("where the peak goes, MiB: at start (interpreter, libraries), + the list read and planned, + consolidation,")
    print("+ write (to the peak); a KiB/return column per part between sizes")
    for n, r in mem:
        parts = ("mem_start", "mem_list", "mem_consolidation", "mem_write")
        print(f"{n:>6} " + " ".join(f"{r[k]:>8.1f}" for k in parts))
    for (n0, r0), (n1, r1) in itertools.pairwise(mem):
        grow = {k: 1024 * (r1[k] - r0[k]) / (n1 - n0) for k in ("mem_list", "mem_consolidation", "mem_write")}
        print(
            f"from N = {n0} to {n1}, KiB per return: list {grow['mem_list']:.1f}, consolidation"
            f" {grow['mem_consolidation']:.1f}, write {grow['mem_write']:.1f}"
        )
    for (n0, p0), (n1, p1) in itertools.pairwise(peaks):
        print(f"peak memory grows {1024 * (p1 - p0) / (n1 - n0):.1f} KiB per return from N = {n0} to {n1}")
    print("goals: collect <= 2x bare read; whole merge of 1,000 returns <= 4 s, of 10,000 < 40 s; memory flat in N")


if __name__ == "__main__":
    main(sys.argv[1:])
