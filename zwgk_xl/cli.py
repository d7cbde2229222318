"""`zwgk` command line: parses arguments, calls the library, prints. No logic lives here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

import zwgk_xl
from zwgk_xl.cli_help import install as _install_chinese_help
from zwgk_xl.cli_render import (
    console,
    err,
    progress_bar,
    show_delivery,
    show_findings,
    show_layout,
    show_merge,
    show_outgoing,
    show_split,
    show_tasklist,
    show_timeline,
)

_install_chinese_help()

app = typer.Typer(
    help="政务公开重点任务清单：导入、生成总表、分发、汇总。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def _root() -> None:
    """政务公开重点任务清单：导入、生成总表、分发、汇总。"""


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]错误：[/]{escape(message)}")
    return typer.Exit(2)


@app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="任务清单：.txt .docx .doc .wps .html .pdf .xlsx .xls .et .csv")],
    roster: Annotated[Path | None, typer.Option("--roster", "-r", help="单位名册 .xlsx 或 .csv")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写出规范任务清单 .xlsx，供核对修改")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出清单和问题")] = False,
) -> None:
    """导入任务清单并检查单位名称。

    示例：zwgk import zwgk_xl/samples/shangyu_2022_tasklist.txt -r zwgk_xl/samples/shangyu_roster.csv -o tasks.xlsx
    """
    try:
        ros = zwgk_xl.load_roster(roster)[0] if roster else None
        result = zwgk_xl.import_tasklist(source, ros)
    except (zwgk_xl.ImportError_, zwgk_xl.RosterError) as exc:
        raise _fail(str(exc)) from exc
    if output and result.tasklist.tasks:
        layout = result.layout
        described = f"{layout.label}（把握{layout.sureness}，{round(layout.confidence * 100)}%）" if layout else ""
        zwgk_xl.write_canonical(result.tasklist, output, findings=result.findings, layout=described)
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        if not result.tasklist.tasks:
            raise typer.Exit(1)
        return
    if not result.tasklist.tasks:
        show_findings(result.findings)
        no_tasks = next((f.message for f in result.findings if f.code == "no-tasks"), "没有读出任何任务")
        raise _fail(f"{source}：{no_tasks}")
    show_layout(result)
    show_tasklist(result.tasklist)
    show_findings(result.findings)
    if output:
        console.print(f"规范任务清单已写出：{output}")


@app.command("build")
def build_(
    tasks: Annotated[Path, typer.Argument(help="任务清单（导入支持的任意格式，或核对后的规范任务清单）")],
    roster: Annotated[Path, typer.Option("--roster", "-r", help="单位名册 .xlsx 或 .csv")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出的总表工作簿 .xlsx")] = Path("总表.xlsx"),
    round_label: Annotated[str, typer.Option("--round", help="轮次，如 2022-1 或 三季度")] = "1",
    due: Annotated[str, typer.Option("--due", help="报送截止时间，写入说明和各单位填报表")] = "",
    contact: Annotated[str, typer.Option("--contact", help="联系人及电话")] = "",
) -> None:
    """生成总表工作簿（说明、总表、各单位工作表、单位名册）。

    示例：zwgk build zwgk_xl/samples/shangyu_2022_tasklist.txt -r zwgk_xl/samples/shangyu_roster.csv
          -o 总表.xlsx --due 2022-11-30
    """
    try:
        ros, roster_findings = zwgk_xl.load_roster(roster)
        imported = zwgk_xl.import_tasklist(tasks, ros)
        if not imported.tasklist.tasks:
            no_tasks = next((f.message for f in imported.findings if f.code == "no-tasks"), "没有读出任何任务")
            raise _fail(f"{tasks}：{no_tasks}")
        result = zwgk_xl.build_master(imported.tasklist, ros, output, round_label=round_label, due=due, contact=contact)
    except (zwgk_xl.ImportError_, zwgk_xl.RosterError, zwgk_xl.OutputLocked) as exc:
        raise _fail(str(exc)) from exc
    console.print(
        f"总表已生成：{result.path}（{len(imported.tasklist.tasks)} 项任务，{len(result.plans)} 个单位工作表）"
    )
    if result.idle_units:
        console.print("名册中没有任务的单位（不生成工作表）：" + "、".join(u.name for u in result.idle_units))
    show_findings([*roster_findings, *result.findings])


@app.command("split")
def split_(
    master: Annotated[Path, typer.Argument(help="总表工作簿（zwgk build 生成，可在 Excel 中修改后再拆分）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件夹")] = Path("outbox"),
    password: Annotated[str, typer.Option("--password", help="工作表保护密码（默认不设密码）")] = "",
) -> None:
    """把总表拆分为各单位的填报工作簿（每单位一个文件）。

    示例：zwgk split 总表.xlsx -o outbox/
    """
    try:
        result = zwgk_xl.split_units(master, output, password=password)
    except (zwgk_xl.MasterError, zwgk_xl.OutputLocked) as exc:
        raise _fail(str(exc)) from exc
    show_split(result, output)
    show_findings(result.findings)


@app.command("merge")
def merge_(
    master: Annotated[Path, typer.Argument(help="总表工作簿（zwgk build 生成）")],
    returns: Annotated[Path, typer.Argument(help="各单位报送文件所在文件夹（含子文件夹，文件名不限）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="汇总后的新总表（不会覆盖原总表）")] = Path(
        "汇总.xlsx"
    ),
    as_of: Annotated[str, typer.Option("--as-of", help="按此日期判断逾期，默认今天，如 2022-12-15")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出问题和各任务结果")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="逐条列出全部问题（默认按类型计数，只列错误）")] = False,
    unit_sheets: Annotated[
        bool | None,
        typer.Option("--unit-sheets/--no-unit-sheets", help="每个单位一张工作表（默认：不超过 200 个单位时生成）"),
    ] = None,
    previous: Annotated[
        Path | None, typer.Option("--previous", help="上一轮的汇总工作簿（总表不是 zwgk next 生成时，用于比较各轮）")
    ] = None,
    record: Annotated[Path | None, typer.Option("--record", help="留痕库文件（默认：总表旁的 留痕库.sqlite）")] = None,
    use_record: Annotated[bool, typer.Option("--record-trail/--no-record-trail", help="是否写入留痕库")] = True,
) -> None:
    """汇总各单位报送的填报表，重建总表、汇总页、问题清单和填报明细。有“错误”级问题时退出码为 1。

    示例：zwgk merge 总表.xlsx returns/ -o 汇总.xlsx --as-of 2022-12-15
    """
    from zwgk_xl import cycle

    options = {"as_of": _day(as_of), "unit_sheets": unit_sheets, "previous": previous, "record": record}
    try:
        if as_json:
            merged = cycle.merge(master, returns, output, use_record=use_record, **options)  # type: ignore[arg-type]
        else:
            from zwgk_xl.collect import list_files

            with progress_bar("读取报送文件", len(list_files(returns)) if returns.is_dir() else 0) as advance:
                merged = cycle.merge(
                    master,
                    returns,
                    output,
                    use_record=use_record,
                    progress=advance,
                    **options,  # type: ignore[arg-type]
                )
    except (zwgk_xl.MasterError, zwgk_xl.ReturnsError, zwgk_xl.OutputLocked, ValueError) as exc:
        raise _fail(str(exc)) from exc
    result = merged.consolidation
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        show_merge(merged, output, show_all=show_all)
    raise typer.Exit(1 if result.has_errors else 0)


@app.command("next")
def next_(
    merged: Annotated[Path, typer.Argument(help="上一轮 zwgk merge 生成的汇总工作簿")],
    round_label: Annotated[str, typer.Option("--round", help="新一轮的轮次，如 2022-Q4")],
    output: Annotated[Path, typer.Option("--output", "-o", help="新一轮的总表工作簿")] = Path("总表-下一轮.xlsx"),
    due: Annotated[str, typer.Option("--due", help="本轮报送截止时间")] = "",
    contact: Annotated[str | None, typer.Option("--contact", help="联系人及电话（默认沿用上一轮）")] = None,
    record: Annotated[Path | None, typer.Option("--record", help="留痕库文件（汇总工作簿缺少轮次信息时使用）")] = None,
) -> None:
    """用上一轮的汇总工作簿生成下一轮总表：清单和单位名册沿用（含在汇总表中所做的修改），各单位上轮填报内容预填。

    示例：zwgk next 汇总.xlsx --round 2022-Q4 --due 2022-12-20 -o 总表-2022-Q4.xlsx
    """
    from zwgk_xl import cycle

    try:
        result = cycle.next_round(merged, round_label, output, due=due, contact=contact, record=record)
    except (zwgk_xl.MasterError, zwgk_xl.OutputLocked, ValueError) as exc:
        raise _fail(str(exc)) from exc
    console.print(
        f"下一轮总表已生成：{result.path}（轮次 {result.round}，上一轮 {result.previous}；{result.units} 个单位，"
        f"预填 {result.carried} 项上轮填报，其中已完成 {result.done} 项）"
    )
    if result.withheld:
        console.print("[yellow]上轮报送未采用、本轮不预填的单位：[/]" + "、".join(result.withheld))
    console.print(f"下一步：zwgk split {result.path} -o outbox/")
    show_findings(list(result.findings))


@app.command("history")
def history_(
    task: Annotated[str, typer.Option("--task", help="只看某项任务，如 T012")] = "",
    unit: Annotated[str, typer.Option("--unit", help="只看某个单位（全称或其中几个字）")] = "",
    record: Annotated[Path, typer.Option("--record", help="留痕库文件")] = Path("留痕库.sqlite"),
    rebuild: Annotated[
        list[Path] | None, typer.Option("--rebuild", help="从汇总工作簿重建（补入）留痕库，可多次指定")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """显示留痕库中的时间线：各轮次、各单位状态、谁在何时报送、逾期报送、重复报送。

    示例：zwgk history --task T012 --unit 区财政局
    """
    from zwgk_xl import cycle
    from zwgk_xl.record import RecordError

    try:
        if rebuild:
            added, _ = cycle.rebuild(record, list(rebuild))
            if not as_json:
                console.print(f"已从汇总工作簿补入 {added} 次汇总 → {record}")
        tl = cycle.history(record, task=task, unit=unit)
    except (RecordError, zwgk_xl.MasterError, zwgk_xl.ReportError) as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        print(json.dumps(tl.to_json(), ensure_ascii=False, indent=1))
        return
    show_timeline(tl, entries=bool(task or unit))
    if tl.mails:
        console.print(f"邮件 {len(tl.mails)} 封（--json 查看明细）")


ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="配置文件 zwgk.toml（邮件服务器等）")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="只列出将发给谁、附件多大，不发送")]
ResendOpt = Annotated[bool, typer.Option("--resend", help="已发送过的邮件也重新发送")]
OutboxOpt = Annotated[Path | None, typer.Option("--outbox", help="写成 .eml 文件到此文件夹（不经邮件服务器）")]


def _deliver(
    outgoing: list,
    found: list,
    config: Path | None,
    dry_run: bool,
    resend: bool,
    outbox: Path | None,
    record_beside: Path | None = None,
) -> None:
    """Shared tail of send/remind/report: show, then send or write, then report."""
    try:
        cfg = zwgk_xl.config.load(config)
    except zwgk_xl.config.ConfigError as exc:
        raise _fail(str(exc)) from exc
    show_outgoing(outgoing, dry_run=dry_run)
    show_findings(found, quiet=True)
    if dry_run or not outgoing:
        return
    mail = cfg.mail
    transport: zwgk_xl.mail.Transport
    drafts = bool(outbox or not mail.smtp)
    if not drafts and not any(o.message["From"] for o in outgoing):
        raise _fail("经邮件服务器发送需要发件人：请在 zwgk.toml 的 [mail] 中设置 sender 或 user")
    if drafts:
        folder = outbox or Path(mail.outbox)
        transport = zwgk_xl.mail.OutboxTransport(folder)
        log = folder / "已发送记录.jsonl"
    else:
        transport = zwgk_xl.mail.SmtpTransport(
            mail.host, mail.port, mail.security, mail.user, mail.password(), mail.timeout
        )
        log = Path(cfg.source).parent / "已发送记录.jsonl"
    try:
        result = zwgk_xl.mail.deliver(outgoing, transport, log, resend=resend, pause=0 if outbox else mail.pause)
    except zwgk_xl.mail.MailServerError as exc:
        raise _fail(str(exc)) from exc
    if record_beside is not None:
        from zwgk_xl import cycle

        for f in cycle.record_mail(record_beside, result, transport.name):
            err.print(f"[yellow]{f.message}[/]")
    show_delivery(result, folder if drafts else None, mail.host)
    if result.failed:
        raise typer.Exit(1)


def _sender(config: Path | None) -> str:
    try:
        cfg = zwgk_xl.config.load(config)
    except zwgk_xl.config.ConfigError as exc:
        raise _fail(str(exc)) from exc
    return cfg.mail.sender or cfg.mail.user  # none: drafts go out from the clerk's own mail account


@app.command("send")
def send_(
    outbox_dir: Annotated[Path, typer.Argument(help="zwgk split 生成的各单位填报表文件夹")],
    master: Annotated[Path, typer.Option("--master", "-m", help="总表工作簿（取单位名册中的邮箱）")],
    config: ConfigOpt = None,
    dry_run: DryRunOpt = False,
    resend: ResendOpt = False,
    outbox: OutboxOpt = None,
) -> None:
    """把各单位填报表分别发给各单位。

    示例：zwgk send outbox/ -m 总表.xlsx --dry-run
    """
    from zwgk_xl.split import outbox_files

    try:
        m = zwgk_xl.read_master(master)
        files, skipped = outbox_files(m, outbox_dir)
    except zwgk_xl.MasterError as exc:
        raise _fail(str(exc)) from exc
    outgoing, found = zwgk_xl.mail.distribution(m, files, _sender(config))
    _deliver(outgoing, [*skipped, *found], config, dry_run, resend, outbox, record_beside=master)


@app.command("remind")
def remind_(
    merged: Annotated[Path, typer.Argument(help="zwgk merge 生成的汇总工作簿")],
    forms: Annotated[
        Path | None, typer.Option("--forms", "-f", help="各单位填报表文件夹（zwgk split 的输出）：给未报送的单位再附上")
    ] = None,
    config: ConfigOpt = None,
    dry_run: DryRunOpt = False,
    resend: ResendOpt = False,
    outbox: OutboxOpt = None,
) -> None:
    """给未报送、或有逾期任务的单位发催报邮件，逐项列出任务。

    示例：zwgk remind 汇总.xlsx --dry-run
    """
    from zwgk_xl.workbook import roundbook

    try:
        report = zwgk_xl.read_report(merged)
        attached = {u.id: p for u, p in zwgk_xl.mail_files(report.master, forms)} if forms else {}
    except (zwgk_xl.MasterError, zwgk_xl.ReportError) as exc:
        raise _fail(str(exc)) from exc
    unchanged, previous = roundbook.reminder_context(merged)
    outgoing, found = zwgk_xl.mail.reminders(report, _sender(config), attached, unchanged, previous)
    _deliver(outgoing, found, config, dry_run, resend, outbox, record_beside=merged)


@app.command("report")
def report_(
    merged: Annotated[Path, typer.Argument(help="zwgk merge 生成的汇总工作簿")],
    to: Annotated[list[str] | None, typer.Option("--to", help="区府办收件人（默认取配置 mail.office）")] = None,
    leads: Annotated[bool, typer.Option("--leads/--no-leads", help="同时给各牵头单位发其牵头任务的进展")] = True,
    config: ConfigOpt = None,
    dry_run: DryRunOpt = False,
    resend: ResendOpt = False,
    outbox: OutboxOpt = None,
) -> None:
    """把汇总结果（附汇总工作簿）发给区府办，并给各牵头单位发其牵头任务的进展。

    示例：zwgk report 汇总.xlsx --to office@example.gov.cn --dry-run
    """
    try:
        report = zwgk_xl.read_report(merged)
        cfg = zwgk_xl.config.load(config)
    except (zwgk_xl.MasterError, zwgk_xl.ReportError, zwgk_xl.config.ConfigError) as exc:
        raise _fail(str(exc)) from exc
    office = list(to or cfg.mail.office)
    if not office:
        raise _fail("请用 --to 指定区府办收件人，或在 zwgk.toml 的 [mail] 中设置 office")
    sender = _sender(config)
    outgoing = [zwgk_xl.mail.summary(report, merged, sender, office)]
    found: list = []
    if leads:
        more, found = zwgk_xl.mail.lead_status(report, sender)
        outgoing += more
    _deliver(outgoing, found, config, dry_run, resend, outbox, record_beside=merged)


@app.command("addin")
def addin_(
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件夹")] = Path("excel"),
) -> None:
    """生成 Excel 控制工作簿 zwgk_control.xlsm（带按钮）和功能区加载项 zwgk_addin.xlam。

    示例：zwgk addin -o excel/
    """
    from zwgk_xl.control import build_control

    for p in build_control(output):
        console.print(f"已生成 {p}")


@app.command("run")
def run_(
    control_book: Annotated[Path, typer.Argument(help="控制工作簿 zwgk_control.xlsm（读取其“设置”表）")],
    action: Annotated[str, typer.Option("--action", help="consolidate（一键汇总）/ build_and_split / send_summary")] = (
        "consolidate"
    ),
) -> None:
    """不打开 Excel，按控制工作簿“设置”表运行按钮对应的操作（供 一键汇总.cmd 和 WPS 用户使用）。

    示例：zwgk run zwgk_control.xlsm --action consolidate
    """
    from zwgk_xl import control

    try:
        settings = control.read_settings(control_book)
        message, _, _ = control.run(action, settings, control_book.resolve().parent)
    except (
        control.SettingsError,
        zwgk_xl.MasterError,
        zwgk_xl.ImportError_,
        zwgk_xl.RosterError,
        zwgk_xl.OutputLocked,
        zwgk_xl.ReportError,
        zwgk_xl.config.ConfigError,
    ) as exc:
        raise _fail(str(exc)) from exc
    console.print(message)


MergedArg = Annotated[Path, typer.Argument(help="zwgk merge 生成的汇总工作簿")]
TemplateOpt = Annotated[Path | None, typer.Option("--template", help="Word 模板 .docx（沿用其样式、页面和页脚）")]


def _facts(merged: Path):
    from zwgk_xl.documents.source import read_facts

    try:
        return read_facts(merged)
    except (zwgk_xl.MasterError, zwgk_xl.ReportError) as exc:
        raise _fail(str(exc)) from exc


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise _fail(f"--as-of 日期格式应为 2022-12-15，收到“{text}”") from exc


@app.command("draft")
def draft_(
    merged: MergedArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出的 Word 文件")] = Path("落实情况报告.docx"),
    as_of: Annotated[str, typer.Option("--as-of", help="落款日期，默认为汇总日期，如 2022-12-20")] = "",
    template: TemplateOpt = None,
) -> None:
    """按汇总结果起草落实情况报告（Word，公文格式），供修改后上报。

    示例：zwgk draft 汇总.xlsx -o 落实情况报告.docx --as-of 2022-12-20
    """
    from zwgk_xl.documents.draft import write_draft

    try:
        path = write_draft(_facts(merged), output, as_of=_day(as_of), template=template)
    except zwgk_xl.OutputLocked as exc:
        raise _fail(str(exc)) from exc
    console.print(f"落实情况报告（草稿）：{path}")


@app.command("notice")
def notice_(
    merged: MergedArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出的 Word 文件")] = Path("通报.docx"),
    by: Annotated[
        str, typer.Option("--by", help="排序依据：completion（完成率）/ overdue（逾期任务数）/ ontime（按时报送）")
    ] = "completion",
    soon: Annotated[int, typer.Option("--soon", help="几天内到期算“即将到期”（黄色）")] = 30,
    as_of: Annotated[str, typer.Option("--as-of", help="落款日期，默认为汇总日期")] = "",
    template: TemplateOpt = None,
) -> None:
    """起草通报：各单位按所选指标排名，点名逾期和未报送的单位，红黄绿标注（Word，公文格式）。

    示例：zwgk notice 汇总.xlsx -o 通报.docx --by overdue
    """
    from zwgk_xl.documents.notice import write_notice

    try:
        path = write_notice(_facts(merged), output, by=by, soon=soon, as_of=_day(as_of), template=template)
    except (ValueError, zwgk_xl.OutputLocked) as exc:
        raise _fail(str(exc)) from exc
    console.print(f"通报（草稿）：{path}")


@app.command("ledger")
def ledger_(
    merged: MergedArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出的台账工作簿")] = Path("台账.xlsx"),
) -> None:
    """生成工作台账：每项任务每个单位一行，含全部填报内容、佐证材料、报送文件和日期（A4 横向，可筛选）。

    示例：zwgk ledger 汇总.xlsx -o 台账.xlsx
    """
    from zwgk_xl.documents.ledger import write_ledger

    try:
        path = write_ledger(_facts(merged), output)
    except zwgk_xl.OutputLocked as exc:
        raise _fail(str(exc)) from exc
    console.print(f"台账：{path}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
