"""Merge N returns: seconds per stage, peak memory, and the ratio to python-calamine's bare read of the same files.

python benchmarks/bench_merge.py [N ...]        (default 1000)
"""

from __future__ import annotations

import datetime as dt
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
from zwgk_xl.master import read_master
from zwgk_xl.merge import consolidate
from zwgk_xl.simulate import fill


def bare_read(files: list[Path]) -> float:
    """calamine alone: open each file and read every sheet's values (the floor for any reader)."""
    t = time.perf_counter()
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - t


def prepare(n: int, base: Path) -> tuple[Path, Path]:
    ros = roster(n)
    b = build_master(tasklist(ros), ros, base / "master.xlsx", now=now())
    s = split_units(b.path, base / "outbox", now=now())
    rng = random.Random(1)
    returns = base / "returns"
    for f in s.files:
        fill(f.path, returns / f.path.name, rng, day=dt.date(2022, 11, 1))
    return b.path, returns


def run(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        base = Path(d)
        master_path, returns = prepare(n, base)
        files = sorted(returns.glob("*.xlsx"))
        t_bare = bare_read(files)
        t = time.perf_counter()
        master = read_master(master_path)
        t_master = time.perf_counter() - t
        t = time.perf_counter()
        collect(master, returns)
        t_collect = time.perf_counter() - t
        t = time.perf_counter()
        result = consolidate(master_path, returns, as_of=dt.date(2022, 12, 15))
        t_consolidate = time.perf_counter() - t
        t = time.perf_counter()
        write_merged(result, base / "merged.xlsx")
        t_write = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux → MiB
        assert len(result.collection.submissions) == n, "every return must be identified"
        assert C.SHEET_DASHBOARD in CalamineWorkbook.from_path(str(base / "merged.xlsx")).sheet_names
        return {
            "n": n,
            "bare": t_bare,
            "master": t_master,
            "collect": t_collect,
            "consolidate": t_consolidate,
            "write": t_write,
            "peak": peak,
        }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [1000]
    print("bare: calamine reads every sheet of every return; collect: identify + verify + read values;")
    print("whole: read master + collect + checks (consolidate) + write the merged workbook.")
    print("peak: the max RSS of a fresh process per N (preparing the returns included), MiB.")
    print(
        f"{'N':>6} {'bare s':>7} {'collect s':>9} {'ratio':>6} {'master s':>8} {'consol. s':>9} {'write s':>8} "
        f"{'whole s':>8} {'peak MiB':>8} {'KiB/return':>10}"
    )
    for n in sizes:
        proc = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        whole = r["consolidate"] + r["write"]
        print(
            f"{n:>6} {r['bare']:>7.2f} {r['collect']:>9.2f} {r['collect'] / r['bare']:>6.2f} {r['master']:>8.2f}"
            f" {r['consolidate']:>9.2f} {r['write']:>8.2f} {whole:>8.2f} {r['peak']:>8.1f}"
            f" {1024 * r['peak'] / n:>10.1f}"
        )
    print("goals: collect <= 2x bare read; whole merge of 1,000 returns <= 4 s; memory flat in N")


if __name__ == "__main__":
    main(sys.argv[1:])
