"""Everything the documents say, computed without writing anything: figures, rankings, colours, the units' words
trimmed to whole sentences, duplicates merged. The Word and Excel writers only lay these values out, so a test can
hold every number to the merged workbook and every quoted text to a unit's own answer.

Rules (what the issue left to us, chosen here):

- 按期报送: a unit returned and its 填报日期 is on or before the return deadline the master was built with
  (``--due``); a return without a date, or a master without a deadline, counts as returned but not dated.
- 通报 colours per unit: 红 — not returned, or at least one task overdue; 黄 — a task it has not filled in
  (未填报), or a task not yet done whose 完成时限 falls within ``soon`` days (30) after the as-of date;
  绿 — otherwise.
- Rankings (``--by``): ``completion`` 完成率 (已完成 + 不涉及 over its tasks, as 汇总 computes it) high to low, then
  fewer overdue; ``overdue`` fewer overdue tasks first, then 完成率; ``ontime`` on-time returns first (earliest
  first), then returned without a date, then late (least late first), then not returned. Equal keys share a rank.
- A quote is whole sentences of one unit's field (split after 。！？；!?; or a line break), at most ``limit``
  characters unless its first sentence alone is longer: a sentence is never cut. Quotes are exact substrings.
- 存在问题及下步计划 is one column: a sentence that starts like a plan (下一步, 将, 拟, 继续 …) is a plan; one that
  names a problem (问题, 不足, 困难, 滞后 …) is a problem, and its tail after a comma that starts like a plan is a
  plan; anything else is a plan. "无", "暂无" and the like are dropped.
- Duplicates: the same statement (ignoring white space and end punctuation) from several units or tasks is said
  once, with every unit named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from zwgk_xl import vocab as V
from zwgk_xl.documents.facts import Entry, Facts, UnitReturn, parse_day
from zwgk_xl.model import Section, Task

NOT_REPORTED = V.NOT_REPORTED
UNFILLED = V.UNFILLED
DONE = V.SETTLED
LEAD = V.ROLE_LEAD
#: Statuses in the order the documents list them (the merged workbook's order).
STATUS_ORDER = V.TASK_STATUSES  # a task's 总体状态 (待指定 included), 汇总's key figures
QUOTE_LIMIT = 100
QUOTED_GROUPS = 4
NAMES_SHOWN = 8
SOON_DAYS = 30

# ------------------------------------------------------------------------------------------------ text


@dataclass(frozen=True)
class Quote:
    """Words of one or more units, exactly as typed (a substring of each named unit's ``field``)."""

    units: tuple[str, ...]
    field: str
    text: str


Segment = str | Quote


_END = "。！？；!?;"
_SENT = re.compile(rf"[^{_END}\n]*(?:[{_END}]+[”’」』）)]*|\n|$)")


def sentences(text: str) -> list[str]:
    """Whole sentences, each with its end mark; exact substrings of ``text`` (surrounding blanks dropped)."""
    out = []
    for m in _SENT.finditer(text or ""):
        s = m.group(0).strip()
        if s:
            out.append(s)
    return out


def trim(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The leading whole sentences of ``text`` that fit in ``limit`` characters (at least the first sentence), as
    one exact substring of ``text``: the quote runs from its first sentence to the last one kept."""
    text = (text or "").strip()
    parts = sentences(text)
    if not parts:
        return ""
    start = text.find(parts[0])
    end = start + len(parts[0])
    pos = end
    for s in parts[1:]:
        at = text.find(s, pos)
        if at - start + len(s) > limit:
            break
        end = at + len(s)
        pos = end
    return text[start:end]


_CLAUSE = re.compile(r"[，,：:；;]")
_VERB = re.compile(
    r"^(做好|推进|推动|加强|深化|完善|开展|落实|规范|健全|建立|提升|强化|严格|抓好|全面|持续|及时|主动|依法|加大|优化|"
    r"聚焦|围绕|统筹|探索|扎实|积极|创新|梳理|编制|发布|公开|组织|建设)"
)


def short_title(text: str, limit: int = 30) -> str:
    """A task's short title, always the list's own words: its first sentence where that is short; else its leading
    clauses up to ``limit`` characters; else its first clause that starts with a verb (做好, 推进 …) and fits;
    else its first ``limit`` characters and "……". A cut never leaves a quotation mark or bracket open."""
    first = sentences(text)[0] if sentences(text) else (text or "").strip()
    first = first.rstrip(_END + "，,")
    if len(first) <= limit:
        return first
    cut = 0
    for m in _CLAUSE.finditer(first):
        if m.start() > limit:
            break
        cut = m.start()
    if cut >= 8:
        return first[:cut]
    for clause in _CLAUSE.split(first)[1:]:
        clause = clause.strip()
        if _VERB.match(clause) and 6 <= len(clause) <= limit and _balanced(clause):
            return clause
    head = first[:limit].rstrip("“‘《（(")
    closing = "".join(b * (head.count(a) - head.count(b)) for a, b in reversed(_PAIRS) if head.count(a) > head.count(b))
    return head + "……" + closing  # a mark left open inside the cut is closed after the ellipsis


_PAIRS: tuple[tuple[str, str], ...] = (("“", "”"), ("‘", "’"), ("《", "》"), ("（", "）"), ("(", ")"))


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).rstrip(_END + "，,。.")


_PLAN_START = re.compile(r"^(下一步|下步|下阶段|今后|后续|接下来|将|拟|计划|继续|进一步|争取|力争|确保)")
_PROBLEM = re.compile(
    r"问题|不足|困难|短板|薄弱|滞后|不够|欠缺|有待|尚未|尚不|较少|偏少|不高|不强|不到位|不及时|难以|缺乏|压力"
)
_NOTHING = re.compile(r"^(无|暂无|没有|无问题|暂无问题|无明显问题|/|／|-|—)[。.]?$")
_CLAUSE_PLAN = re.compile(r"[，,；;]\s*(?=(下一步|下步|下阶段|今后|后续|接下来|将|拟|计划|继续|进一步|争取|力争))")


def split_plan(text: str) -> tuple[list[str], list[str]]:
    """存在问题及下步计划 → (problems, plans), each an exact substring of ``text`` (rules in the module docstring)."""
    problems, plans = [], []
    for s in sentences(text):
        if _NOTHING.match(s.strip()):
            continue
        if _PLAN_START.match(s) or not _PROBLEM.search(s):
            plans.append(s)
            continue
        m = _CLAUSE_PLAN.search(s)
        if m:
            problems.append(s[: m.start()])
            tail = s[m.end() :].strip()
            if tail:
                plans.append(tail)
        else:
            problems.append(s)
    return problems, plans


@dataclass
class Statement:
    """One statement said once: its text (as the first unit typed it), every unit and task it came from."""

    text: str
    field: str
    units: list[str] = dataclasses.field(default_factory=list)
    tasks: list[str] = dataclasses.field(default_factory=list)

    def quote(self) -> Quote:
        return Quote(tuple(self.units), self.field, self.text)


def merge_duplicates(items: list[tuple[str, str, str, str]]) -> list[Statement]:
    """(unit, task label, field, text) → statements, the same text (white space and end marks aside) said once,
    in the order first said."""
    out: dict[str, Statement] = {}
    seen: set[tuple[str, str, str]] = set()  # (key, "u"/"t", name): one statement may come from every unit
    keys: dict[str, str] = {}
    for unit, task, fld, text in items:
        k = keys.get(text)
        if k is None:
            k = keys[text] = _key(text)
        if not k:
            continue
        st = out.get(k)
        if st is None:
            st = out[k] = Statement(text, fld)
        if (k, "u", unit) not in seen:
            seen.add((k, "u", unit))
            st.units.append(unit)
        if task and (k, "t", task) not in seen:
            seen.add((k, "t", task))
            st.tasks.append(task)
    return list(out.values())


def names(units: list[str] | tuple[str, ...], shown: int = NAMES_SHOWN) -> str:
    if len(units) <= shown:
        return "、".join(units)
    return "、".join(units[:shown]) + f"等{len(units)}个单位"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ------------------------------------------------------------------------------------------------ figures


@dataclass(frozen=True)
class Overview:
    """总体情况: every figure equals the merged workbook's (汇总's key figures and its table of units)."""

    as_of: dt.date
    round: str
    tasks: int
    sections: int
    statuses: dict[str, int]
    overdue: int
    units: int
    returned: int
    on_time: tuple[str, ...]
    undated: tuple[str, ...]
    late: tuple[tuple[str, str], ...]
    missing: tuple[str, ...]
    return_due: dt.date | None
    leads: int

    @property
    def nothing_returned(self) -> bool:
        return self.returned == 0


def return_standing(u: UnitReturn, due: dt.date | None, year: int) -> tuple[str, dt.date | None]:
    """ "on_time" / "late" / "undated" / "missing", and the return's date."""
    if not u.returned:
        return "missing", None
    day = parse_day(u.date, year)
    if day is None:
        return "undated", None
    if due is None:
        return "undated", day
    return ("on_time" if day <= due else "late"), day


def overview(facts: Facts) -> Overview:
    rep = facts.report
    counts = Counter(t.status for t in rep.tasks)
    due = facts.return_due
    year = facts.tasklist.year or facts.as_of.year
    on_time, undated, late, missing = [], [], [], []
    for u in facts.units:
        kind, day = return_standing(u, due, year)
        name = u.unit.short
        if kind == "on_time":
            on_time.append(name)
        elif kind == "undated":
            undated.append(name)
        elif kind == "late":
            late.append((name, cn_date(day) if day else u.date))
        else:
            missing.append(name)
    return Overview(
        as_of=facts.as_of,
        round=facts.round,
        tasks=len(rep.tasks),
        sections=sum(1 for s in facts.tasklist.sections if s.level == 1),
        statuses={s: counts.get(s, 0) for s in STATUS_ORDER},
        overdue=sum(1 for t in rep.tasks if t.overdue),
        units=len(facts.units),
        returned=sum(1 for u in facts.units if u.returned),
        on_time=tuple(on_time),
        undated=tuple(undated),
        late=tuple(late),
        missing=tuple(missing),
        return_due=due,
        leads=sum(1 for u in facts.units if u.leads),
    )


def overview_text(ov: Overview, title: str) -> list[str]:
    """The paragraphs of 总体情况."""
    first = (
        f"《{title}》共{ov.sections}个部分、{ov.tasks}项重点任务，涉及{ov.units}个单位（其中牵头单位{ov.leads}个）。"
    )
    first += f"本次汇总轮次为“{ov.round}”，" if ov.round else ""
    first += f"数据截至{cn_date(ov.as_of)}。"
    if ov.nothing_returned:
        return [
            first,
            f"截至{cn_date(ov.as_of)}，尚无单位报送落实情况（应报送{ov.units}个单位），"
            f"{ov.tasks}项任务均为未报送，以下各项暂无进展可报。待各单位报送后重新汇总生成本报告。",
        ]
    ret = f"报送方面，{ov.units}个单位中已报送{ov.returned}个"
    parts = []
    if ov.return_due:
        parts.append(f"按期（{cn_date(ov.return_due)}前）报送{len(ov.on_time)}个")
        if ov.late:
            parts.append(f"逾期报送{len(ov.late)}个（{names([n for n, _ in ov.late])}）")
        if ov.undated:
            parts.append(f"未填报送日期{len(ov.undated)}个")
    ret += ("，其中" + "，".join(parts)) if parts else ""
    ret += f"；未报送{len(ov.missing)}个（{names(list(ov.missing))}）。" if ov.missing else "；全部单位均已报送。"
    st = "，".join(f"{s}{n}项" for s, n in ov.statuses.items() if n and s != NOT_REPORTED)
    tasks = f"任务方面，{ov.tasks}项任务中{st}"
    if ov.statuses.get(NOT_REPORTED):
        tasks += f"，尚无单位报送的{ov.statuses[NOT_REPORTED]}项"
    tasks += f"；已过完成时限仍未完成的（逾期）{ov.overdue}项。" if ov.overdue else "；没有逾期任务。"
    return [first, ret, tasks]


# ------------------------------------------------------------------------------------------------ tasks


def task_labels(tasks: tuple[Task, ...]) -> dict[str, str]:
    """How a task is named: its printed 序号 where those are unique across the list, else its 任务编号."""
    numbers = Counter(t.number for t in tasks)
    unique = all(n == 1 for n in numbers.values()) and all(t.number for t in tasks)
    return {t.id: (t.number if unique else t.id) for t in tasks}


@dataclass(frozen=True)
class TaskAccount:
    task: Task
    label: str
    short: str
    status: str
    overdue: bool
    reported: str
    segments: tuple[Segment, ...]


def said_by(head: str, quote: Quote) -> list[Segment]:
    """Who said it, their words, and a full stop where their words end without one."""
    out: list[Segment] = [head, quote]
    if quote.text and quote.text[-1] not in _END + "”’」』）)":
        out.append("。")
    return out


def _plain_status(e: Entry) -> str:
    return UNFILLED if e.status == UNFILLED else e.status


def task_account(facts: Facts, task: Task, label: str) -> TaskAccount:
    """One task: its figures from the report, and a paragraph of its units' own words (lead first)."""
    line = facts.report.line(task.id)
    entries = facts.entries_of(task.id)
    segs: list[Segment] = []
    returned = sorted((e for e in entries if e.returned), key=lambda e: e.role != LEAD)  # leads first
    leads = [e for e in returned if e.role == LEAD]
    few = len(leads) <= 3  # with a few leads each is marked (牵头); a task led by every town says so once

    def who(units: list[str]) -> str:
        marked = [f"{u}（牵头）" if few and u in lead_names else u for u in units]
        return names(marked)

    lead_names = {e.unit.short for e in leads}
    if leads and not few:
        segs.append(f"牵头单位{len(leads)}个已报送。")
    summaries = merge_duplicates([(e.unit.short, "", "lead_summary", trim(e.lead_summary)) for e in leads])
    for st in summaries[:3]:
        segs += said_by(f"{names(st.units)}牵头汇总：", st.quote())
    if len(summaries) > 3:
        segs.append(f"另有{sum(len(s.units) for s in summaries[3:])}个牵头单位填写了牵头汇总。")
    groups = merge_duplicates([(e.unit.short, "", "progress", trim(e.progress)) for e in returned if e.progress])
    for st in groups[:QUOTED_GROUPS]:
        segs += said_by(f"{who(st.units)}：", st.quote())
    if len(groups) > QUOTED_GROUPS:
        rest = sum(len(s.units) for s in groups[QUOTED_GROUPS:])
        segs.append(f"另有{rest}个单位报送了进展（见附件及汇总工作簿“填报明细”）。")
    resp = returned
    silent: dict[str, list[str]] = {}
    for e in resp:
        if not e.progress:
            silent.setdefault(_plain_status(e), []).append(e.unit.short)
    for status, units in silent.items():
        segs.append(f"{who(units)}：{status}，未填写进展情况。")
    missing = [e.unit.short for e in entries if not e.returned]
    if missing and len(missing) == len(entries):
        segs.append("尚无单位报送。")
    elif missing:
        segs.append(f"{names(missing)}尚未报送。")
    return TaskAccount(task, label, short_title(task.text), line.status, line.overdue, line.reported, tuple(segs))


@dataclass(frozen=True)
class SectionAccount:
    section: Section | None
    subsections: tuple[tuple[Section | None, tuple[TaskAccount, ...]], ...]


def by_section(facts: Facts) -> list[SectionAccount]:
    """Tasks under their level-1 and level-2 sections, in the list's order."""
    tl = facts.tasklist
    labels = task_labels(tl.tasks)
    out: list[SectionAccount] = []
    index: dict[str | None, dict[str | None, list[TaskAccount]]] = {}
    groups: dict[tuple[str, ...], list[Task]] = {}
    for t in tl.tasks:
        groups.setdefault(t.section_path, []).append(t)
    local: dict[str, str] = {}  # a list that numbers its tasks afresh in each section (海曙 2021) is labelled so
    for tasks in groups.values():
        local.update(task_labels(tuple(tasks)))
    for t in tl.tasks:
        path = list(t.section_path)
        top = path[0] if path else None
        sub = path[1] if len(path) > 1 else None
        index.setdefault(top, {}).setdefault(sub, []).append(task_account(facts, t, local.get(t.id, labels[t.id])))
    for top, subs in index.items():
        out.append(
            SectionAccount(
                tl.section(top) if top else None,
                tuple((tl.section(s) if s else None, tuple(accts)) for s, accts in subs.items()),
            )
        )
    return out


def _top(facts: Facts, task: Task) -> str:
    return task.section_path[0] if task.section_path else ""


def statements(facts: Facts, which: str) -> list[tuple[Section | None, list[Statement]]]:
    """存在的问题 (``which="problems"``) or 下步计划 (``"plans"``), grouped by level-1 section, duplicates merged."""
    tl = facts.tasklist
    labels = task_labels(tl.tasks)
    items: dict[str, list[tuple[str, str, str, str]]] = {}
    for t in tl.tasks:
        for e in facts.entries_of(t.id):
            if not e.plan:
                continue
            problems, plans = split_plan(e.plan)
            for s in problems if which == "problems" else plans:
                items.setdefault(_top(facts, t), []).append((e.unit.short, labels[t.id], "plan", s))
    out = []
    for sid, got in items.items():
        merged = merge_duplicates(got)
        if merged:
            out.append((tl.section(sid) if sid else None, merged))
    return out


def unfinished(facts: Facts) -> dict[str, list[TaskAccount]]:
    """Tasks not yet done, by what holds them: 逾期 first, then 未启动, 未报送, 推进中."""
    tl = facts.tasklist
    labels = task_labels(tl.tasks)
    out: dict[str, list[TaskAccount]] = {"逾期": [], "未启动": [], NOT_REPORTED: [], "推进中": []}
    for t in tl.tasks:
        line = facts.report.line(t.id)
        acct = TaskAccount(t, labels[t.id], short_title(t.text), line.status, line.overdue, line.reported, ())
        if line.overdue:
            out["逾期"].append(acct)
        elif line.status in out:
            out[line.status].append(acct)
    return {k: v for k, v in out.items() if v}


# ------------------------------------------------------------------------------------------------ attachment


@dataclass(frozen=True)
class AttachmentRow:
    label: str
    text: str
    lead: str
    status: str
    done_date: str
    evidence: str


def _lead_names(facts: Facts, task: Task) -> str:
    units = [e.unit.short for e in facts.entries_of(task.id) if e.role == LEAD]
    return "、".join(units) or task.lead_raw or "、".join(u.display() for u in task.lead)


def completion_date(entries: list[Entry]) -> str:
    """The lead's 完成（预计）时间 where it gave one, else the latest any unit gave (as typed)."""
    for e in entries:
        if e.role == LEAD and e.done_date:
            return e.done_date
    dates = [e.done_date for e in entries if e.done_date]
    return max(dates) if dates else ""


def attachment(facts: Facts) -> list[AttachmentRow]:
    """附件：重点任务落实情况表, one row per task."""
    tl = facts.tasklist
    labels = task_labels(tl.tasks)
    rows = []
    for t in tl.tasks:
        line = facts.report.line(t.id)
        entries = facts.entries_of(t.id)
        given = [e for e in entries if e.evidence]
        first = [e for e in given if e.role == LEAD] or given  # the lead's evidence where it gave any
        ev = merge_duplicates([(e.unit.short, "", "evidence", e.evidence) for e in first])
        evidence = "；".join(f"{names(s.units, 2)}：{s.text}" for s in ev[:2])
        others = len(given) - sum(len(s.units) for s in ev[:2])
        if others > 0:
            evidence += f"；另有{others}个单位（见台账）"
        status = line.status + ("（逾期）" if line.overdue else "")
        done = completion_date(entries)
        lead = "、".join(u.display() for u in t.lead) or t.lead_raw  # as the list prints it
        rows.append(AttachmentRow(labels[t.id], t.text, lead, status, done, evidence))
    return rows


# ------------------------------------------------------------------------------------------------ 通报

MEASURES = {
    "completion": "完成率",
    "overdue": "逾期任务数",
    "ontime": "按时报送",
}
MEASURE_ALIASES = {
    "completion": "completion",
    "完成率": "completion",
    "完成": "completion",
    "overdue": "overdue",
    "逾期": "overdue",
    "逾期任务": "overdue",
    "ontime": "ontime",
    "on-time": "ontime",
    "按时报送": "ontime",
    "报送": "ontime",
}


@dataclass(frozen=True)
class Standing:
    rank: int
    unit: UnitReturn
    colour: str  # 红 / 黄 / 绿
    reasons: tuple[str, ...]
    returned: str  # 按期报送 / 逾期报送（日期） / 已报送（未填日期） / 未报送
    unfilled: int
    due_soon: int


def measure(by: str) -> str:
    """The canonical measure of a ``--by`` value (English or Chinese); ValueError names the choices."""
    key = MEASURE_ALIASES.get((by or "").strip().lower())
    if key is None:
        choices = "、".join(f"{k}（{v}）" for k, v in MEASURES.items())
        raise ValueError(f"排序依据“{by}”无法识别，可选：{choices}")
    return key


def colour(facts: Facts, u: UnitReturn, soon: int = SOON_DAYS) -> tuple[str, tuple[str, ...], int, int]:
    """红/黄/绿 for one unit, the reasons, its unfilled tasks and its tasks due soon (rules in the module docstring)."""
    mine = facts.entries_for(u.unit.id)
    unfilled = sum(1 for e in mine if e.status == UNFILLED)
    horizon = facts.as_of + dt.timedelta(days=soon)
    due_soon = 0
    for e in mine:
        task = facts.task(e.task_id)
        due = task.deadline.due
        if e.status in DONE or e.overdue or due is None or not (facts.as_of <= due <= horizon):
            continue
        if e.status == V.ONGOING and task.deadline.kind == "ongoing":
            continue
        due_soon += 1
    reasons = []
    if not u.returned:
        reasons.append("未报送")
    if u.overdue:
        reasons.append(f"逾期{u.overdue}项")
    if reasons:
        return "红", tuple(reasons), unfilled, due_soon
    if unfilled:
        reasons.append(f"未填报{unfilled}项")
    if due_soon:
        reasons.append(f"{soon}天内到期{due_soon}项")
    return ("黄" if reasons else "绿"), tuple(reasons), unfilled, due_soon


def standings(facts: Facts, by: str = "completion", soon: int = SOON_DAYS) -> list[Standing]:
    """Units ranked by ``by`` (rules in the module docstring), each with its colour."""
    by = measure(by)
    due = facts.return_due
    year = facts.tasklist.year or facts.as_of.year
    keyed = []
    for u in facts.units:
        kind, day = return_standing(u, due, year)
        rate = round(u.done_rate, 6)
        if by == "completion":  # a unit that has not returned ranks after every unit that has, even at 0 %
            key: tuple = (not u.returned, -rate, u.overdue)
        elif by == "overdue":
            key = (u.overdue, not u.returned, -rate)
        else:
            order = {"on_time": 0, "undated": 1, "late": 2, "missing": 3}[kind]
            key = (order, day.toordinal() if day and kind != "undated" else 0)
        if kind == "on_time":
            ret = "按期报送"
        elif kind == "late":
            ret = f"逾期报送（{cn_date(day)}）" if day else "逾期报送"
        elif kind == "undated":
            ret = f"已报送（{cn_date(day)}）" if day else "已报送（未填日期）"
        else:
            ret = "未报送"
        keyed.append((key, u, ret))
    keyed.sort(key=lambda k: k[0])  # stable: equal keys keep the roster's order
    out = []
    rank = 0
    prev = None
    for i, (key, u, ret) in enumerate(keyed, start=1):
        if key != prev:
            rank, prev = i, key
        c, reasons, unfilled, soon_n = colour(facts, u, soon)
        out.append(Standing(rank, u, c, reasons, ret, unfilled, soon_n))
    return out


RAG_FILLS = {"红": "#FFC7CE", "黄": "#FFEB9C", "绿": "#C6EFCE"}
MEANING = {
    "红": "有逾期任务或未报送",
    "黄": "有未填报或{soon}天内到期的任务",
    "绿": "按进度推进",
}
NOTICE_HEADERS = ("名次", "单位", "任务数", "已完成", "完成率", "逾期任务", "报送情况", "评价", "说明")


def notice_title(facts: Facts) -> str:
    year = f"{facts.tasklist.year}年" if facts.tasklist.year else ""
    return f"关于{year}政务公开重点任务落实情况的通报"


def notice_rows(standings: list[Standing]) -> list[tuple[str, ...]]:
    return [
        (
            str(s.rank),
            s.unit.unit.short,
            str(s.unit.tasks),
            # a unit that has not returned has no rate (it is not at 0 %): README, "未报送的单位不计完成率"
            str(s.unit.counts.get(V.DONE, 0)) if s.unit.returned else "—",
            f"{s.unit.done_rate:.0%}" if s.unit.returned else "—",
            str(s.unit.overdue),
            s.returned,
            s.colour,
            "；".join(s.reasons),
        )
        for s in standings
    ]


def notice_paragraphs(facts: Facts, standings: list[Standing], by: str, soon: int) -> dict[str, list[str]]:
    """The 通报's sentences by part (报送情况, 落实情况, 有关要求)."""
    ov = overview(facts)
    by = measure(by)
    sent = [
        f"截至{cn_date(ov.as_of)}，应报送的{ov.units}个单位中已报送{ov.returned}个"
        + (f"，其中按期（{cn_date(ov.return_due)}前）报送{len(ov.on_time)}个" if ov.return_due else "")
        + "。"
    ]
    if ov.late:
        sent.append("逾期报送的单位：" + "、".join(f"{n}（{d}报送）" for n, d in ov.late) + "。")
    if ov.undated:
        sent.append("报送时未填写填报日期的单位：" + "、".join(ov.undated) + "。")
    sent.append(("未报送的单位：" + "、".join(ov.missing) + "。") if ov.missing else "全部单位均已报送。")
    groups: dict[str, list[str]] = {"红": [], "黄": [], "绿": []}
    for s in standings:
        groups[s.colour].append(s.unit.unit.short)
    done = [
        f"按{MEASURES[by]}排序，各单位落实情况见下表。{ov.tasks}项任务中逾期{ov.overdue}项。",
        *(
            f"{c}色（{MEANING[c].format(soon=soon)}）{len(units)}个"
            + (f"：{'、'.join(units)}。" if units and c != "绿" else "。")
            for c, units in groups.items()
        ),
    ]
    asks = []
    if groups["红"]:
        asks.append("请标为红色的单位对逾期任务和未报送事项逐项说明原因、明确完成时间，尽快补报。")
    if groups["黄"]:
        asks.append("请标为黄色的单位抓紧填报未填报的任务，确保即将到期的任务按期完成。")
    if ov.nothing_returned:
        asks = ["尚无单位报送，请各单位按要求尽快报送落实情况。"]
    return {"报送情况": sent, "落实情况": done, "有关要求": asks}


# ------------------------------------------------------------------------------------------------ 台账

#: (header, width): the widths add up so that A4 landscape prints 12 pt text at no less than 9 pt.
LEDGER_COLUMNS: tuple[tuple[str, float], ...] = (
    ("栏目", 6),
    ("任务编号", 6),
    ("序号", 4),
    ("重点工作", 19),
    ("牵头单位", 9),
    ("完成时限", 6),
    ("单位", 8),
    ("角色", 4),
    ("完成状态", 6),
    ("逾期", 4),
    ("进展情况", 19),
    ("完成（预计）时间", 8),
    ("佐证材料", 12),
    ("存在问题及下步计划", 12),
    ("牵头汇总", 11),
    ("填报人", 5.5),
    ("联系电话", 8),
    ("填报日期", 8),
    ("报送文件", 9),
)


@dataclass(frozen=True)
class LedgerRow:
    heading: str  # the full section heading(s) the row's task sits under
    cells: list[str]


def ledger_rows(facts: Facts) -> list[LedgerRow]:
    """台账: one row per task and unit, sorted by section and task (the list's order), units lead first then in
    roster order; every field as typed, all text. The 栏目 cell holds the section numbers (一、（一）) and the
    row its full heading, which the writer prints as a band above each section."""
    tl = facts.tasklist
    returns = {u.unit.id: u for u in facts.units}
    rows = []
    for t in tl.tasks:
        secs = [tl.section(sid) for sid in t.section_path]
        code = "".join(s.number for s in secs)
        heading = "　".join(s.heading for s in secs)
        lead = "、".join(u.display() for u in t.lead) or t.lead_raw  # as the list prints it
        entries = sorted(facts.entries_of(t.id), key=lambda e: e.role != LEAD)
        for e in entries:
            r = returns.get(e.unit.id) if e.returned else None
            rows.append(
                LedgerRow(
                    heading,
                    [
                        code,
                        t.id,
                        t.number,
                        t.text,
                        lead,
                        t.deadline.text,
                        e.unit.short,
                        e.role,
                        e.status,
                        "逾期" if e.overdue else "",
                        e.progress,
                        e.done_date,
                        e.evidence,
                        e.plan,
                        e.lead_summary,
                        r.reporter if r else "",
                        r.phone if r else "",
                        r.date if r else "",
                        r.file if r else "",
                    ],
                )
            )
    return rows
