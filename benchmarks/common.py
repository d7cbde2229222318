"""Synthetic lists and rosters of any size, so benchmarks measure growth without committing big files."""

from __future__ import annotations

import datetime as dt
import random

from zwgk_xl.deadlines import parse
from zwgk_xl.model import Roster, Section, Task, TaskList, Unit, UnitRef


def roster(n: int) -> Roster:
    return Roster(
        tuple(
            Unit(f"U{i:05d}", f"测试区第{i}号单位局", (f"第{i}号局",), "区级部门", f"u{i}@x.example") for i in range(n)
        )
    )


def tasklist(units: Roster, tasks_per_unit: int = 5, seed: int = 1) -> TaskList:
    """Every unit leads one task and is responsible on ``tasks_per_unit - 1`` others."""
    rng = random.Random(seed)
    sections = (Section("S1", "一、", "主动公开", 1), Section("S2", "（一）", "重点领域", 2, "S1"))
    names = [u.name for u in units.units]
    tasks = []
    for i, lead in enumerate(names):
        others = rng.sample(names, k=min(len(names), tasks_per_unit - 1))
        tasks.append(
            Task(
                id=f"T{i + 1:05d}",
                number=str(i + 1),
                section_path=("S1", "S2"),
                text=f"第{i + 1}项任务：加强政务公开工作，完善信息发布机制，及时准确公开相关政府信息。" * 2,
                requirement="通过政府信息公开平台集中公开。",
                lead=(UnitRef(lead),),
                responsible=tuple(UnitRef(o) for o in others if o != lead),
                lead_raw=lead,
                deadline=parse("三季度前", 2022),
            )
        )
    return TaskList("2022年测试区政务公开工作任务清单", 2022, "测试区人民政府办公室", sections, tuple(tasks))


def now() -> dt.datetime:
    return dt.datetime(2022, 3, 1)
