"""`make demo`: the whole loop on the bundled Shangyu sample, in a fresh folder.

Each step calls the same library functions as the CLI, so the demo shows exactly what a clerk gets.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

from rich.console import Console

import zwgk_xl
from zwgk_xl import simulate
from zwgk_xl.cli import show_findings
from zwgk_xl.model import Roster, TaskList

#: The public sample lists and rosters, shipped inside the package so the demo runs from an installed wheel too.
WORKBOOKS = Path(__file__).resolve().parent / "samples"
console = Console()


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "demo_out")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tl, roster = _import(out)
    master = _build_and_split(tl, roster, out)
    returns = _simulate(out)
    merged = _merge(master, returns, out)
    _mail(master, merged, out)
    _documents(merged, out)
    console.rule("完成")
    console.print(f"所有输出在 {out.resolve()}")
    return 0


def _import(out: Path) -> tuple[TaskList, Roster]:
    source = WORKBOOKS / "shangyu_2022_tasklist.txt"
    roster, roster_findings = zwgk_xl.load_roster(WORKBOOKS / "shangyu_roster.csv")
    console.rule("1. 导入任务清单")
    result = zwgk_xl.import_tasklist(source, roster)
    tl = result.tasklist
    tasks_xlsx = zwgk_xl.write_canonical(tl, out / "任务清单.xlsx")
    console.print(f"{tl.title}（{tl.year}）：{len(tl.sections)} 个栏目，{len(tl.tasks)} 项任务 → {tasks_xlsx}")
    show_findings([*roster_findings, *result.findings], limit=10)
    return tl, roster


def _build_and_split(tl: TaskList, roster: Roster, out: Path) -> Path:
    """The master built and split into the outbox; its path."""
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
    return Path(built.path)


def _simulate(out: Path) -> Path:
    console.rule("4. 模拟各单位填报并发回（仅演示用）")
    returns = out / "returns"
    scenario = simulate.fill_returns(split_dir := out / "outbox", returns, seed=7)
    console.print(f"{len(list(returns.rglob('*.xlsx')))} 个文件发回 {returns}（{split_dir.name} 中的原件不变）")
    console.print(
        f"情形：逾期报送 {scenario.late}；重复报送 {scenario.resend}；删除一行 {scenario.deleted_row[0]}；"
        f"输入公式 {scenario.formula[0]}；自由填写状态 {scenario.synonyms}；未报送 {scenario.never}"
    )
    return returns


def _merge(master: Path, returns: Path, out: Path) -> Path:
    console.rule("5. 汇总")
    merge = zwgk_xl.consolidate(master, returns, as_of=dt.date(2022, 12, 15))
    merged = zwgk_xl.write_merged(merge, out / "汇总.xlsx")
    show_findings(merge.findings, brief=True)
    counts = "，".join(f"{k} {v}" for k, v in merge.status_counts().items() if v)
    console.print(f"任务状态：{counts}；逾期 {sum(t.overdue for t in merge.tasks)} 项")
    console.print("未报送（催报）：" + "、".join(u.name for u in merge.collection.missing))
    console.print(f"汇总结果 → {merged}")
    return Path(merged)


def _mail(master_path: Path, merged: Path, out: Path) -> None:
    console.rule("6. 邮件草稿（.eml；配置邮件服务器后 zwgk send/remind/report 直接发送）")
    report = zwgk_xl.read_report(merged)
    master = zwgk_xl.read_master(master_path)
    sender = "上虞区府办 <zwgk@shangyu.example>"
    outgoing = zwgk_xl.mail.distribution(master, zwgk_xl.mail_files(master, out / "outbox"), sender)[0]
    forms = {u.id: p for u, p in zwgk_xl.mail_files(master, out / "outbox")}
    outgoing += zwgk_xl.mail.reminders(report, sender, forms)[0]
    outgoing.append(zwgk_xl.mail.summary(report, merged, sender, ["office@shangyu.example"]))
    outgoing += zwgk_xl.mail.lead_status(report, sender)[0]
    mailbox = out / "邮件发件箱"
    sent = zwgk_xl.mail.deliver(outgoing, zwgk_xl.mail.OutboxTransport(mailbox), mailbox / "已发送记录.jsonl")
    kinds = "，".join(f"{k} {sum(1 for o in sent.sent if o.kind == k)} 封" for k in ("分发", "催报", "汇总", "牵头"))
    console.print(f"已写成草稿：{kinds} → {mailbox}（用 Outlook 或 Foxmail 打开，核对后发送）")


def _documents(merged: Path, out: Path) -> None:
    console.rule("7. 落实情况报告、通报、台账（zwgk draft / notice / ledger）")
    from zwgk_xl.documents import draft, ledger, notice
    from zwgk_xl.documents.source import read_facts

    facts = read_facts(merged)
    written = (
        draft.write_draft(facts, out / "落实情况报告.docx"),
        notice.write_notice(facts, out / "通报.docx"),
        ledger.write_ledger(facts, out / "台账.xlsx"),
    )
    console.print("、".join(p.name for p in written) + f" → {out}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
