"""落实情况报告: a Word draft in 公文 layout, every sentence from ``figures`` (this module only lays it out)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from zwgk_xl import vocab as V
from zwgk_xl.atomic import atomic_path
from zwgk_xl.documents import figures as F
from zwgk_xl.documents import gongwen as G
from zwgk_xl.documents import wording as W
from zwgk_xl.documents.facts import Facts

CN_NUM = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (section numbers of the document)."""
    if n <= 10:
        return CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUM[tens - 1] if tens > 1 else "") + "十" + (CN_NUM[ones - 1] if ones else "")


def report_title(facts: Facts) -> str:
    """关于<the list's subject>落实情况的报告: the list's title without its 清单/分解表 ending."""
    return f"关于{W.list_subject(facts.tasklist.title)}落实情况的报告"


def segments_text(segments: tuple[W.Segment, ...]) -> str:
    return "".join(s.text if isinstance(s, W.Quote) else s for s in segments)


def _task_paragraph(doc, acct: F.TaskAccount) -> None:
    label = f"（{acct.label}）" if acct.label.isdigit() else f"【{acct.label}】"
    status = acct.status + ("，已逾期" if acct.overdue else "")
    lead = f"{label}{acct.short}。"
    G.runs(
        doc,
        G.S_BODY,
        [
            (lead, True),
            (f"状态：{status}（已报/应报 {acct.reported}）。", False),
            (segments_text(acct.segments), False),
        ],
    )


def write_draft(
    facts: Facts, path: str | Path, as_of: dt.date | None = None, template: str | Path | None = None
) -> Path:
    """``as_of``: the date the draft is dated (落款); the figures are the merge's, as of its own date."""
    ov = F.overview(facts)
    tl = facts.tasklist
    doc = G.new_document(template)
    G.para(doc, G.S_TITLE, report_title(facts))
    G.blank(doc)
    G.para(doc, G.S_BODY, f"根据《{tl.title}》要求，现将截至{W.cn_date(ov.as_of)}各项重点任务落实情况报告如下。")
    for n, (heading, part) in enumerate(_PARTS, start=1):
        G.para(doc, G.S_H1, f"{cn_number(n)}、{heading}")
        part(doc, facts, ov)
    G.blank(doc)
    G.para(doc, G.S_BODY, "附件：重点任务落实情况表")
    G.blank(doc)
    if tl.issuer:
        G.para(doc, G.S_SIGN, tl.issuer)
    G.para(doc, G.S_SIGN, W.cn_date(as_of or ov.as_of))
    _attachment(doc, facts)
    with atomic_path(Path(path)) as tmp:
        doc.save(str(tmp))
    return Path(path)


def _overview_part(doc, facts: Facts, ov: F.Overview) -> None:
    for p in F.overview_text(ov, facts.tasklist.title):
        G.para(doc, G.S_BODY, p)


def _tasks_part(doc, facts: Facts, ov: F.Overview) -> None:
    """Each task's paragraph under its section and subsection headings."""
    if not ov.nothing_returned:
        G.para(doc, G.S_BODY, "以下各单位进展摘自其报送内容（整句摘录），全文见汇总工作簿“填报明细”工作表。")
    if ov.nothing_returned:
        G.para(doc, G.S_BODY, f"尚无单位报送，{ov.tasks}项任务的进展待各单位报送后汇总（任务见附件）。")
    for i, sec in enumerate(() if ov.nothing_returned else F.by_section(facts), start=1):
        if sec.section:
            G.para(doc, G.S_H2, f"（{cn_number(i)}）{sec.section.title}")
        for j, (sub, accts) in enumerate(sec.subsections, start=1):
            if sub:
                G.para(doc, G.S_H3, f"{j}.{sub.title}")
            for acct in accts:
                _task_paragraph(doc, acct)


def _problems_part(doc, facts: Facts, ov: F.Overview) -> None:
    problems = F.statements(facts, "problems")
    if not problems:
        G.para(doc, G.S_BODY, "尚无单位报告存在的问题。" if ov.nothing_returned else "各单位未报告存在的问题。")
    for i, (psec, items) in enumerate(problems, start=1):
        if psec:
            G.para(doc, G.S_H2, f"（{cn_number(i)}）{psec.title}")
        for st in items:
            G.para(doc, G.S_BODY, _statement(st))


def _next_part(doc, facts: Facts, ov: F.Overview) -> None:
    """The tasks not yet done by kind, then the units' plans said once each."""
    k = 0
    todo = F.unfinished(facts)
    if todo:
        k += 1
        G.para(doc, G.S_H2, f"（{cn_number(k)}）推进尚未完成的任务")
        for kind, undone in todo.items():
            listed = "；".join(f"{a.label}.{a.short}" for a in undone)
            G.para(doc, G.S_BODY, f"{_KIND[kind]}{len(undone)}项：{listed}。")
    plans = [st for _, items in F.statements(facts, "plans") for st in items]
    plans = W.merge_duplicates([(u, t, st.field, st.text) for st in plans for u in st.units for t in st.tasks])
    if plans:
        k += 1
        G.para(doc, G.S_H2, f"（{cn_number(k)}）各单位下步计划")
        for st in plans:
            G.para(doc, G.S_BODY, _statement(st))
    if not todo and not plans:
        G.para(doc, G.S_BODY, "各项任务均已完成，各单位未报告下步计划。")


#: The report's parts in order, each under its numbered heading.
_PARTS = (
    ("总体情况", _overview_part),
    ("各项任务落实情况", _tasks_part),
    ("存在的问题", _problems_part),
    ("下一步工作", _next_part),
)


def _attachment(doc, facts: Facts) -> None:
    """附件 on a page of its own: the table of every task with its status, date and evidence."""
    G.page_break(doc)
    att = G.para(doc, G.S_H1, "附件")
    att.paragraph_format.first_line_indent = G.Pt(0)
    G.blank(doc)
    G.para(doc, G.S_TITLE, "重点任务落实情况表")
    G.blank(doc)
    rows = [(r.label, r.text, r.lead, r.status, r.done_date, r.evidence) for r in F.attachment(facts)]
    G.table(
        doc,
        ("序号", "重点任务", "牵头单位", "状态", "完成时间", "佐证材料"),
        rows,
        (12, 52, 22, 18, 18, 34),
        center=(0, 3, 4),
    )


_KIND = {
    "逾期": "已过完成时限的任务",
    V.NOT_STARTED: "尚未启动的任务",
    V.NOT_REPORTED: "尚无单位报送的任务",
    V.IN_PROGRESS: "正在推进的任务",
}


def _statement(st: W.Statement) -> str:
    shown = "、".join(st.tasks[:6]) + (f"等{len(st.tasks)}项" if len(st.tasks) > 6 else "")
    tasks = f"（涉及任务{shown}）" if st.tasks else ""
    end = "" if st.text[-1:] in "。！？；!?;" else "。"
    return f"{W.names(st.units)}：{st.text}{end}{tasks}"
