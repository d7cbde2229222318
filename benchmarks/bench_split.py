"""Split N unit workbooks, against XlsxWriter writing the same cells (no styles) in the same run.

python benchmarks/bench_split.py [N ...]        (default 100 1000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import now, roster, tasklist

from zwgk_xl import build_master, split_units
from zwgk_xl import contract as C


def baseline(files: list[Path], out: Path, options: dict[str, bool]) -> float:
    """XlsxWriter alone: the same cell values of each unit sheet, written plainly, one file per unit."""
    grids = [CalamineWorkbook.from_path(str(f)).get_sheet_by_name(C.SHEET_UNIT).to_python() for f in files]
    t = time.perf_counter()
    for i, grid in enumerate(grids):
        wb = xlsxwriter.Workbook(str(out / f"{i}.xlsx"), options)
        ws = wb.add_worksheet()
        for r, row in enumerate(grid):
            ws.write_row(r, 0, row)
        wb.close()
    return time.perf_counter() - t


def run(n: int, repeat: int = 3) -> dict[str, float]:
    """Best of ``repeat`` for each side, the runs interleaved, so a busy neighbour on a shared machine skews
    both sides alike instead of deciding the ratio."""
    with tempfile.TemporaryDirectory() as d:
        base = Path(d)
        ros = roster(n)
        tl = tasklist(ros)
        t = time.perf_counter()
        b = build_master(tl, ros, base / "master.xlsx", now=now())
        t_build = time.perf_counter() - t
        splits, plains, mems = [], [], []
        files: list[Path] = []
        for i in range(repeat):
            t = time.perf_counter()
            s = split_units(b.path, base / f"out{i}", now=now())
            splits.append(time.perf_counter() - t)
            files = [f.path for f in s.files]
            (base / f"plain{i}").mkdir()
            plains.append(baseline(files, base / f"plain{i}", {}))
            mems.append(baseline(files, base / f"plain{i}", {"in_memory": True}))
        return {"n": n, "build": t_build, "split": min(splits), "xlsxwriter": min(plains), "in_memory": min(mems)}


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [100, 1000]
    print("split: zwgk split; xlsxwriter: the same cells, no styles, default options; in_memory: same, in_memory=True")
    print("best of 3 interleaved runs for each side")
    print(
        f"{'N':>6} {'build s':>8} {'split s':>8} {'ms/unit':>8}"
        f" {'xlsxwriter':>10} {'ratio':>6} {'in_memory':>9} {'ratio':>6}"
    )
    for n in sizes:
        r = run(n)
        print(
            f"{n:>6} {r['build']:>8.2f} {r['split']:>8.2f} {1000 * r['split'] / n:>8.2f} {r['xlsxwriter']:>10.2f}"
            f" {r['split'] / r['xlsxwriter']:>6.2f} {r['in_memory']:>9.2f} {r['split'] / r['in_memory']:>6.2f}"
        )
    print("goal: split <= 1.2x XlsxWriter writing the same cells")


if __name__ == "__main__":
    main(sys.argv[1:])
