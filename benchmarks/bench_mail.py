"""Reminders (催报) and lead mails (牵头任务进展) for N units, from a Report made in memory (no workbooks).

    python benchmarks/bench_mail.py [N ...]        (default 1000 10000)

Every unit leads one task and is responsible on four others (benchmarks/common.py); a third of the units did not
return, the rest answered with a mix of statuses, some overdue. Prints seconds per builder and per unit, so a
builder that grows faster than the units shows in the last column. Runs against whichever zwgk_xl is importable
(``PYTHONPATH=old/checkout`` measures an older commit: the Report and Master it builds exist there too).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

from zwgk_xl import mail
from zwgk_xl.report import Assign, Report, TaskLine, UnitLine

try:
    from zwgk_xl.plan import Master, plan_units
except ImportError:  # before the plan module (for a before/after run)
    from zwgk_xl.master import Master  # type: ignore[no-redef]

    from zwgk_xl.build import plan_units  # type: ignore[no-redef]

STATUSES = ("已完成", "持续推进", "推进中", "未启动", "未填报")


def report(n: int, seed: int = 3) -> Report:
    rng = random.Random(seed)
    roster = common.roster(n)
    tl = common.tasklist(roster)
    master = Master(Path("master.xlsx"), tl, roster, {"list_id": "bench"}, ())
    plans = plan_units(tl, roster)[0]
    returned = {u.id: rng.random() > 0.33 for u in roster.units}
    assigns = []
    for plan in plans:
        for task, a in plan.rows:
            status = rng.choice(STATUSES) if returned[plan.unit.id] else "未报送"
            assigns.append(Assign(plan.unit.id, task.id, a.role, status, rng.random() < 0.1))
    units = tuple(
        UnitLine(p.unit, returned[p.unit.id], len(p.rows), sum(1 for _, a in p.rows if a.role == "牵头"), {}, 0)
        for p in plans
    )
    tasks = tuple(TaskLine(t.id, "推进中", "3/5", False) for t in tl.tasks)
    return Report(master, "2022-12-15", units, tasks, tuple(assigns), ())


def main(sizes: list[int]) -> None:
    print("mail builders (one run each, seconds):")
    print("|      N | report s | reminders s | mails | lead mails s | mails | ms/unit (both) |")
    print("| -----: | -------: | ----------: | ----: | -----------: | ----: | -------------: |")
    for n in sizes:
        t = time.perf_counter()
        r = report(n)
        t_report = time.perf_counter() - t
        t = time.perf_counter()
        reminders, _ = mail.reminders(r, "office@x.example")
        t_remind = time.perf_counter() - t
        t = time.perf_counter()
        leads, _ = mail.lead_status(r, "office@x.example")
        t_lead = time.perf_counter() - t
        per_unit = 1000 * (t_remind + t_lead) / n
        print(
            f"| {n:>6,} | {t_report:>8.2f} | {t_remind:>11.2f} | {len(reminders):>5} | {t_lead:>12.2f} "
            f"| {len(leads):>5} | {per_unit:>14.2f} |"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
