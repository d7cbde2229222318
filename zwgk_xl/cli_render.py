"""What `zwgk` prints: findings, tallies and result tables on the terminal (rich). Printing only: every figure
comes from the library's results; the commands in cli.py decide what to show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

import zwgk_xl
from zwgk_xl.model import Finding
from zwgk_xl.vocab import SEVERITY_ORDER, SEVERITY_TITLES, returned_units

if TYPE_CHECKING:
    from zwgk_xl.cycle import MergeResult
    from zwgk_xl.mail.message import Outgoing
    from zwgk_xl.mail.transports import Delivery
    from zwgk_xl.model import TaskList
    from zwgk_xl.record import Timeline

console = Console()
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


def show_layout(result: zwgk_xl.ImportResult) -> None:
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


def show_tasklist(tl: TaskList) -> None:
    """The imported list as the clerk checks it: sections as bold rows, long task texts shortened."""
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


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        out.append(x)
    return tuple(out)


def show_split(result: zwgk_xl.SplitResult, output: Path) -> None:
    """The unit workbooks written, one row each, and the units left without a file."""
    table = Table(title=f"已生成 {len(result.files)} 个单位填报表 → {output}", expand=True)
    for col in ("单位", "任务数", "其中牵头", "文件"):
        table.add_column(col, overflow="fold")
    for f in result.files:
        table.add_row(f.unit.name, str(f.tasks), str(f.leads), f.path.name)
    console.print(table)
    if result.idle_units:
        console.print("没有任务、未生成文件的单位：" + "、".join(u.name for u in result.idle_units))


def show_merge(merged: MergeResult, output: Path, *, show_all: bool) -> None:
    """A merge on the terminal: findings (by type unless ``show_all``), the tallies, who is missing, the change
    since the last round, where the result went."""
    result = merged.consolidation
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


def show_timeline(tl: Timeline, *, entries: bool) -> None:
    """The record's timeline: the merges, each unit's entries (when a task or unit is asked for), the files."""
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
    if entries:
        table = Table(title="各轮填报", expand=True)
        for col in ("轮次", "任务", "单位", "角色", "状态", "本轮变化", "填报日期", "文件"):
            table.add_column(col, overflow="fold")
        for e in tl.entries:
            date = e["report_date"] + ("（逾期报送）" if e["late"] else "")
            table.add_row(e["round"], e["task_id"], e["unit"], e["role"], e["status"], e["change"], date, e["file"])
        console.print(table)
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


def show_outgoing(outgoing: list[Outgoing], *, dry_run: bool) -> None:
    """The mails about to go (or, with --dry-run, that would go): kind, unit, address, subject, attachment size."""
    table = Table(title=f"{'将' if dry_run else '准备'}发送 {len(outgoing)} 封邮件", expand=True)
    for col in ("类型", "单位", "收件人", "主题", "附件大小"):
        table.add_column(col, overflow="fold")
    for o in outgoing:
        size = f"{o.size / 1024:.0f} KB" if o.attachment else ""
        table.add_row(o.kind, o.unit or "区府办", o.to, str(o.message["Subject"]), size)
    console.print(table)


def show_delivery(result: Delivery, folder: Path | None, host: str) -> None:
    """What was sent or written as drafts (to ``folder``), what was skipped as sent before, what failed."""
    skipped = f"；此前已写过或已发送、跳过 {len(result.skipped)} 封（需重写请加 --resend）" if result.skipped else ""
    if folder is not None:
        console.print(f"已写成草稿 {len(result.sent)} 封{skipped}。")
        console.print(f"草稿在 {folder}：用 Outlook 或 Foxmail 打开，核对后点“发送”。")
    else:
        console.print(f"已发送 {len(result.sent)} 封（邮件服务器 {host} 已接收）{skipped}。")
    for o, reason in result.failed:
        err.print(f"[red]发送失败[/] {escape(o.unit or '区府办')} {escape(o.to)}：{escape(reason)}")


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[object], None]]:
    """A bar on stderr that disappears when done; the call it yields advances it by one file."""
    with Progress(console=err, transient=True) as bar:
        job = bar.add_task(label, total=total)
        yield lambda _: bar.advance(job)
