"""All benchmarks in one run: import of both samples, build + split against XlsxWriter, merge against calamine's
bare read, peak memory, and reminders and lead mails, for N = 100, 1,000 and 10,000 (or the sizes given).

    python benchmarks/run.py [--data DIR] [N ...]

``--data DIR`` keeps the merge benchmark's prepared returns in DIR for the next run (10,000 take about ten minutes).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from zwgk_xl import import_tasklist, load_roster  # noqa: E402


def imports() -> None:
    root = HERE.parent / "zwgk_xl" / "samples"
    print("import (best of 5):")
    for name in ("shangyu_2022", "haishu_2021"):
        src, ros = root / f"{name}_tasklist.txt", root / f"{name.split('_')[0]}_roster.csv"
        roster, _ = load_roster(ros)
        best = min(_timed(lambda s=src, r=roster: import_tasklist(s, r)) for _ in range(5))
        print(f"  {name}: {1000 * best:.1f} ms ({len(import_tasklist(src).tasklist.tasks)} tasks, with roster checks)")


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(argv: list[str]) -> None:
    data = argv[:2] if argv[:1] == ["--data"] else []
    sizes = [int(a) for a in argv[len(data) :]] or [100, 1000, 10000]
    imports()
    print()
    subprocess.run([sys.executable, str(HERE / "bench_split.py"), *map(str, sizes)], check=True)
    print()
    subprocess.run([sys.executable, str(HERE / "bench_merge.py"), *data, *map(str, sizes)], check=True)
    print()
    subprocess.run([sys.executable, str(HERE / "bench_mail.py"), *map(str, sizes)], check=True)
    print(json.dumps({"sizes": sizes}))


if __name__ == "__main__":
    main(sys.argv[1:])
