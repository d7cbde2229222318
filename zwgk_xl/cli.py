"""`zwgk` command line: parses arguments, calls the library, prints. No logic lives here."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

import zwgk_xl
from zwgk_xl.model import Finding
from zwgk_xl.vocab import SEVERITY_ORDER, SEVERITY_TITLES, returned_units


def _chinese_help() -> None:
    """typer and its click print their own English (Usage, Options, Show this message and exit., Missing argument,
    [required] …) around our Chinese: replaced here at import, in the strings and the few places they are made."""
    from typer import _click, rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.ABORTED_TEXT = "已中止。"
    rich_utils.DEFAULT_STRING = "［默认：{}］"
    rich_utils.REQUIRED_LONG_STRING = "［必填］"
    rich_utils.ENVVAR_STRING = "［环境变量：{}］"
    rich_utils.DEPRECATED_STRING = "（已弃用）"
    rich_utils.RICH_HELP = "用 [blue]{command_path} {help_option}[/] 查看帮助。"
    write_usage = _click.formatting.HelpFormatter.write_usage

    def usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "［选项］").replace("COMMAND", "命令").replace("[ARGS]", "［参数］")
        write_usage(self, prog, args, prefix or "用法：")

    _click.formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]
    get_help_option = _click.core.Command.get_help_option

    def help_option(self, ctx):
        opt = get_help_option(self, ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出。"
        return opt

    _click.core.Command.get_help_option = help_option  # type: ignore[method-assign]
    format_error = rich_utils.rich_format_error

    def error(self) -> None:
        english = self.format_message
        self.format_message = lambda: _chinese_error(english())
        format_error(self)

    rich_utils.rich_format_error = error

    class FoldingTable(Table):
        """Long Chinese help has no spaces to wrap at: fold it onto the next line instead of cutting it with …"""

        def add_row(self, *cells, **kwargs):
            super().add_row(*cells, **kwargs)
            for column in self.columns:
                column.overflow = "fold"

    rich_utils.Table = FoldingTable  # type: ignore[misc]
    columns = rich_utils.Columns

    def join(items, *args, **kwargs):
        """An option's help, default and [required] as one text that folds (rich's Columns cut each with …)."""
        if items and all(isinstance(i, Text) for i in items):
            return Text(" ").join(items)
        return columns(items, *args, **kwargs)

    rich_utils.Columns = join  # type: ignore[misc,assignment]

    from typer.core import TyperArgument, TyperOption

    def display_type(self: TyperArgument | TyperOption, ctx: object) -> str | None:
        """The value column in Chinese (typer prints <path>, <str>; a flag takes no value, so it shows none)."""
        if getattr(self, "is_flag", False):
            return None
        english = self.display_type(ctx)  # type: ignore[arg-type]
        return _TYPES.get(english, english)

    TyperArgument.display_type_rich = display_type  # type: ignore[method-assign,assignment]
    TyperOption.display_type_rich = display_type  # type: ignore[method-assign]
    TyperArgument.display_name_raw = property(  # type: ignore[method-assign,assignment]
        lambda self: self.metavar or _ARGUMENTS.get(self.name or "", self.name or "")
    )


#: typer's value types and our argument names as a clerk reads them in help, usage and errors
_TYPES = {
    "<path>": "路径",
    "<str>": "文字",
    "<int>": "整数",
    "<list[str]>": "文字（可多个）",
    "<list[Path]>": "路径（可多个）",
}
_ARGUMENTS = {
    "control_book": "控制工作簿",
    "master": "总表",
    "merged": "汇总工作簿",
    "outbox_dir": "分发文件夹",
    "returns": "报送文件夹",
    "source": "清单文件",
    "tasks": "清单文件",
}


_ERRORS = (
    (re.compile(r"^Missing argument '(.+)'\.?$"), "缺少参数 {0}。"),
    (re.compile(r"^Missing option '(.+)'\.?$"), "缺少选项 {0}。"),
    (re.compile(r"^Missing parameter: (.+)$"), "缺少参数 {0}。"),
    (re.compile(r"^No such option: (.+)$"), "没有这个选项：{0}"),
    (re.compile(r"^No such command '(.+)'\.?$"), "没有这个命令：{0}"),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), "多余的参数：{0}"),
    (re.compile(r"^Invalid value for '?(.+?)'?: (.+)$"), "{0} 的值无效：{1}"),
    (re.compile(r"^Option '(.+)' requires an argument\.?$"), "选项 {0} 需要一个值。"),
    (re.compile(r"^Missing command\.?$"), "缺少命令。"),
)


def _chinese_error(message: str) -> str:
    for pattern, text in _ERRORS:
        if m := pattern.match(message.strip()):
            return text.format(*m.groups())
    return message


_chinese_help()

app = typer.Typer(
    help="政务公开重点任务清单：导入、生成总表、分发、汇总。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console()


@app.callback()
def _root() -> None:
    """政务公开重点任务清单：导入、生成总表、分发、汇总。"""


err = Console(stderr=True)

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
_SEVERITY = {s: f"[{_COLOURS[s]}]{t}[/]" for s, t in SEVERITY_TITLES.items()}


def _unique(items: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """Each finding once (build and split meet some of the list's findings twice: from the list and the plan)."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for f in items:
        key = (f.code, f.unit, f.task_id, f.file, f.sheet, f.cell, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def show_findings(
    items: tuple[Finding, ...] | list[Finding], limit: int = 200, *, brief: bool = False, quiet: bool = False
) -> None:
    """The findings as a table. ``brief``: a count per type, then the errors in full (``--all`` shows every one);
    ``quiet``: say nothing when there are none (mail commands: their findings are only about addresses)."""
    items = _unique(items)
    if not items:
        if not quiet:
            console.print("[green]没有发现问题。[/]")
        return
    if brief:
        _show_by_type(items)
        items = [f for f in items if f.severity == "error"]
        if not items:
            return
    title = f"错误（{len(items)} 条）" if brief else f"问题清单（{len(items)} 条）"
    table = Table(title=title, show_lines=False, expand=True)
    for col in ("级别", "问题类型", "任务", "单位", "位置", "说明"):
        table.add_column(col, overflow="fold")
    for f in list(items)[:limit]:
        where = " ".join(x for x in (Path(f.file).name if f.file else "", f.sheet, f.cell) if x)
        row = (zwgk_xl.findings.title(f.code), f.task_id, f.unit, where, f.message)
        table.add_row(_SEVERITY[f.severity], *(escape(x) for x in row))
    console.print(table)
    if len(items) > limit:
        console.print(f"……另有 {len(items) - limit} 条未显示（用 --all 或 --json 查看全部）")


def _show_by_type(items: list[Finding]) -> None:
    counts = Counter((f.severity, f.code) for f in items)
    table = Table(title=f"问题 {len(items)} 条，按类型", expand=False)
    for col in ("级别", "问题类型", "条数", "例"):
        table.add_column(col, overflow="fold")
    for (sev, code), n in sorted(counts.items(), key=lambda kv: (SEVERITY_ORDER[kv[0][0]], -kv[1])):
        example = next(f for f in items if f.code == code)
        table.add_row(
            _SEVERITY[sev],
            zwgk_xl.findings.title(code),
            str(n),
            escape(example.unit or example.task_id or Path(example.file).name),
        )
    console.print(table)


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
    _show_layout(result)
    tl = result.tasklist
    n1 = sum(1 for s in tl.sections if s.level == 1)
    n2 = sum(1 for s in tl.sections if s.level == 2)
    console.print(f"[bold]{tl.title}[/]（{tl.year or '年度未知'}）{tl.issuer}")
    console.print(f"{n1} 个部分，{n2} 个小节，{len(tl.tasks)} 项任务")
    table = Table(show_lines=False, expand=True)
    for col, kw in (
        ("序号", {"width": 4}),
        ("重点工作", {"ratio": 5}),
        ("牵头单位", {"ratio": 2}),
        ("责任单位", {"ratio": 2}),
        ("完成时限", {"width": 10}),
    ):
        table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
    current: tuple[str, ...] = ()
    for t in tl.tasks:
        if t.section_path != current:
            for sid in t.section_path[len(_common(current, t.section_path)) :]:
                table.add_row("", f"[bold]{tl.section(sid).heading}[/]", "", "", "")
            current = t.section_path
        table.add_row(
            t.number,
            t.text if len(t.text) <= 80 else t.text[:78] + "……",
            "、".join(u.display() for u in t.lead) or "—",
            "、".join(u.display() for u in t.responsible) or "—",
            t.deadline.text or "—",
        )
    console.print(table)
    show_findings(result.findings)
    if output:
        console.print(f"规范任务清单已写出：{output}")


def _show_layout(result: zwgk_xl.ImportResult) -> None:
    layout = result.layout
    if layout is not None:
        share = round(layout.confidence * 100)
        console.print(f"识别为：{layout.label}（把握{layout.sureness}：{share}% 的任务读全了文字、单位和时限）")
    from zwgk_xl.canonical import GUESSED

    guessed = sum(1 for f in result.findings if f.code in GUESSED)
    if guessed:
        console.print(
            f"[yellow]{guessed} 处是推断的（合并单元格、文字中的单位、按内容分列等），见问题清单；"
            "写出的规范任务清单中标黄。[/]"
        )


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
    table = Table(title=f"已生成 {len(result.files)} 个单位填报表 → {output}", expand=True)
    for col in ("单位", "任务数", "其中牵头", "文件"):
        table.add_column(col, overflow="fold")
    for f in result.files:
        table.add_row(f.unit.name, str(f.tasks), str(f.leads), f.path.name)
    console.print(table)
    if result.idle_units:
        console.print("没有任务、未生成文件的单位：" + "、".join(u.name for u in result.idle_units))
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
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise _fail(f"--as-of 日期格式应为 2022-12-15，收到“{as_of}”") from exc
    from zwgk_xl import cycle

    options = {"as_of": day, "unit_sheets": unit_sheets, "previous": previous, "record": record}
    try:
        if as_json:
            merged = cycle.merge(master, returns, output, use_record=use_record, **options)  # type: ignore[arg-type]
        else:
            from zwgk_xl.collect import list_files

            files = list_files(returns) if returns.is_dir() else []
            with Progress(console=err, transient=True) as bar:
                job = bar.add_task("读取报送文件", total=len(files))
                merged = cycle.merge(
                    master,
                    returns,
                    output,
                    use_record=use_record,
                    progress=lambda p: bar.advance(job),
                    **options,  # type: ignore[arg-type]
                )
    except (zwgk_xl.MasterError, zwgk_xl.ReturnsError, zwgk_xl.OutputLocked, ValueError) as exc:
        raise _fail(str(exc)) from exc
    result = merged.consolidation
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        show_findings(merged.findings, limit=10_000 if show_all else 200, brief=not show_all)
        if not show_all and any(f.severity != "error" for f in result.findings):
            console.print("全部问题见汇总结果的“问题清单”工作表，或加 --all 在此列出。")
        counts = "，".join(f"{k} {v}" for k, v in result.status_counts().items() if v)
        returned = sum(1 for u in result.units if u.returned)
        overdue = sum(t.overdue for t in result.tasks)
        console.print(f"{returned_units(returned, len(result.units))}；任务状态：{counts}；逾期 {overdue} 项")
        if result.collection.missing:
            console.print("[yellow]未报送（催报）：[/]" + "、".join(u.name for u in result.collection.missing))
        if result.mark_shown and result.changes:
            marks = "，".join(f"{k} {v}" for k, v in result.changes.counts().items())
            console.print(
                f"与上轮（{result.changes.previous}）相比：{marks}；进展未更新的任务 {len(result.changes.stalled)} 项；"
                f"状态倒退 {len(result.changes.regressed)} 处"
            )
        console.print(f"汇总结果：{output}" + (f"；已记入留痕库 {merged.record}" if merged.record else ""))
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
    rounds = Table(title="历次汇总", expand=True)
    for col in ("轮次", "截至", "报送截止", "已报送", "任务状态", "汇总时间", "汇总文件"):
        rounds.add_column(col, overflow="fold")
    for r in tl.rounds:
        figs = "，".join(f"{k} {v}" for k, v in r["figures"].items() if v)
        rounds.add_row(
            r["round"],
            r["as_of"],
            r["due"] or "",
            f"{r['returned']}/{r['units']}",
            figs,
            r["merged_at"],
            Path(r["output"]).name,
        )
    console.print(rounds)
    if task or unit:
        entries = Table(title="各轮填报", expand=True)
        for col in ("轮次", "任务", "单位", "角色", "状态", "本轮变化", "填报日期", "文件"):
            entries.add_column(col, overflow="fold")
        for e in tl.entries:
            date = e["report_date"] + ("（逾期报送）" if e["late"] else "")
            entries.add_row(e["round"], e["task_id"], e["unit"], e["role"], e["status"], e["change"], date, e["file"])
        console.print(entries)
    files = Table(title="报送文件", expand=True)
    for col in ("轮次", "单位", "文件", "文件轮次", "填报日期", "结果", "说明"):
        files.add_column(col, overflow="fold")
    for f in tl.files:
        notes = "、".join(x for x, on in (("重复报送", f["resend"]), ("逾期报送", f["late"])) if on)
        notes = "、".join(x for x in (notes, "、".join(zwgk_xl.findings.title(c) for c in f["findings"])) if x)
        files.add_row(
            f["round"], f["unit"], Path(f["file"]).name, f["file_round"], f["report_date"], f["outcome"], notes
        )
    console.print(files)
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
    table = Table(title=f"{'将' if dry_run else '准备'}发送 {len(outgoing)} 封邮件", expand=True)
    for col in ("类型", "单位", "收件人", "主题", "附件大小"):
        table.add_column(col, overflow="fold")
    for o in outgoing:
        size = f"{o.size / 1024:.0f} KB" if o.attachment else ""
        table.add_row(o.kind, o.unit or "区府办", o.to, str(o.message["Subject"]), size)
    console.print(table)
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
    skipped = f"；此前已写过或已发送、跳过 {len(result.skipped)} 封（需重写请加 --resend）" if result.skipped else ""
    if drafts:
        console.print(f"已写成草稿 {len(result.sent)} 封{skipped}。")
        console.print(f"草稿在 {folder}：用 Outlook 或 Foxmail 打开，核对后点“发送”。")
    else:
        console.print(f"已发送 {len(result.sent)} 封（邮件服务器 {mail.host} 已接收）{skipped}。")
    for o, reason in result.failed:
        err.print(f"[red]发送失败[/] {escape(o.unit or '区府办')} {escape(o.to)}：{escape(reason)}")
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


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        out.append(x)
    return tuple(out)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
