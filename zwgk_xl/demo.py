"""`make demo`: the whole loop on the bundled Shangyu sample, in a fresh folder.

Each step calls the same library functions as the CLI, so the demo shows exactly what a clerk gets.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from rich.console import Console

import zwgk_xl
from zwgk_xl.cli import show_findings

WORKBOOKS = Path(__file__).resolve().parent.parent / "workbooks"
console = Console()


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "demo_out")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    source = WORKBOOKS / "shangyu_2022_tasklist.txt"
    roster, roster_findings = zwgk_xl.load_roster(WORKBOOKS / "shangyu_roster.csv")
    console.rule("1. 导入任务清单")
    result = zwgk_xl.import_tasklist(source, roster)
    tl = result.tasklist
    tasks_xlsx = zwgk_xl.write_canonical(tl, out / "任务清单.xlsx")
    console.print(f"{tl.title}（{tl.year}）：{len(tl.sections)} 个栏目，{len(tl.tasks)} 项任务 → {tasks_xlsx}")
    show_findings([*roster_findings, *result.findings], limit=10)
    console.rule("2. 生成总表")
    built = zwgk_xl.build_master(
        tl,
        roster,
        out / "总表.xlsx",
        round_label="2022-1",
        due="2022年11月30日",
        contact="区府办 政务公开科 0575-00000000",
    )
    console.print(f"总表 → {built.path}（{len(built.plans)} 个单位工作表）")
    console.rule("3. 拆分为各单位填报表")
    split = zwgk_xl.split_units(built.path, out / "outbox")
    console.print(f"{len(split.files)} 个单位填报表 → {out / 'outbox'}")
    if split.idle_units:
        console.print("没有任务的单位：" + "、".join(u.name for u in split.idle_units))
    console.rule("完成")
    console.print(f"所有输出在 {out.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
