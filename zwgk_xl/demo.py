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
from zwgk_xl import cycle, simulate
from zwgk_xl.cli import show_findings
from zwgk_xl.model import Roster, TaskList

#: The public sample lists and rosters, shipped inside the package so the demo runs from an installed wheel too.
WORKBOOKS = Path(__file__).resolve().parent / "samples"
console = Console()
SENDER = "上虞区府办 <zwgk@shangyu.example>"


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
    _second_merge(_next_round(merged, returns, out), out)
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
        round_label="2022-Q3",
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
    first = cycle.merge(master, returns, out / "汇总.xlsx", as_of=dt.date(2022, 12, 15))
    merge, merged = first.consolidation, first.output
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
    sender = SENDER
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


def _next_round(merged: Path, returns: Path, out: Path) -> Path:
    """Round two: the next master from the merged workbook, split with last round's answers pre-filled, filled."""
    console.rule("8. 下一轮：用汇总结果生成 2022-Q4 总表，各单位上轮内容预填")
    nxt = cycle.next_round(merged, "2022-Q4", out / "总表-2022-Q4.xlsx", due="2023年1月5日")
    console.print(f"下一轮总表 → {nxt.path}（预填 {nxt.carried} 项，其中已完成 {nxt.done} 项）")
    split2 = zwgk_xl.split_units(nxt.path, out / "outbox-2022-Q4")
    console.print(f"{len(split2.files)} 个单位填报表（绿色单元格为上轮内容）→ {out / 'outbox-2022-Q4'}")
    sc2 = simulate.fill_next_round(out / "outbox-2022-Q4", out / "returns-2022-Q4", returns)
    console.print(
        f"情形：有更新 {len(sc2.updated)} 个单位；原样发回 {len(sc2.kept)} 个单位；"
        f"重发上轮文件 {sc2.stale}；未报送 {sc2.never}"
    )
    return Path(nxt.path)


def _second_merge(master: Path, out: Path) -> None:
    """Round two merged against round one, recorded, its reminders drafted and recorded, the record's timeline."""
    console.rule("9. 第二轮汇总（与上轮比较，记入留痕库）")
    second = cycle.merge(master, out / "returns-2022-Q4", out / "汇总-2022-Q4.xlsx", as_of=dt.date(2023, 1, 10))
    ch = second.consolidation.changes
    show_findings([f for f in second.findings if f.code in ("round-refused", "status-regressed")], limit=5)
    if ch is not None:
        marks = "，".join(f"{k} {v}" for k, v in ch.counts().items())
        console.print(
            f"与上轮比较：{marks}；进展未更新的任务 {len(ch.stalled)} 项；进展提升的单位 {len(ch.improved_units)} 个"
        )
    console.print(f"汇总结果（含“历次进展”）→ {second.output}；留痕库 → {second.record}")
    from zwgk_xl.workbook.roundbook import reminder_context

    report2 = zwgk_xl.read_report(second.output)
    reminders2 = zwgk_xl.mail.reminders(report2, SENDER, None, *reminder_context(second.output))[0]
    mailbox2 = out / "邮件发件箱-2022-Q4"
    sent2 = zwgk_xl.mail.deliver(reminders2, zwgk_xl.mail.OutboxTransport(mailbox2), mailbox2 / "已发送记录.jsonl")
    cycle.record_mail(second.output, sent2, "outbox")
    console.print(f"第二轮催报 {len(sent2.sent)} 封（列出与上轮相比没有更新的任务）→ {mailbox2}")
    timeline = cycle.history(second.record) if second.record else None
    if timeline:
        console.print(
            "留痕库：" + "；".join(f"{r['round']} 已报送 {r['returned']}/{r['units']}" for r in timeline.rounds)
        )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
