"""The 通报's figures, pure: each unit's 红/黄/绿 with its reasons, the ranking by the measure asked for, and the
notice's table rows and sentences (the Word notice and the merged workbook's 通报 sheet both lay these out).

Rules (what the issue left to us, chosen here):

- Colours per unit: 红 — not returned, or at least one task overdue; 黄 — a task it has not filled in (未填报), or a
  task not yet done whose 完成时限 falls within ``soon`` days (30) after the as-of date; 绿 — otherwise.
- Rankings (``--by``): ``completion`` 完成率 (settled tasks — done or not applicable — over its tasks, as 汇总
  computes it) high to low, then fewer overdue; ``overdue`` fewer overdue tasks first, then 完成率; ``ontime``
  on-time returns first (earliest first), then returned without a date, then late (least late first), then not
  returned. Equal keys share a rank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zwgk_xl import vocab as V
from zwgk_xl.documents.facts import Facts, UnitReturn
from zwgk_xl.documents.figures import overview, return_standing
from zwgk_xl.documents.wording import cn_date, list_subject

UNFILLED = V.UNFILLED
DONE = V.SETTLED
SOON_DAYS = 30


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
        reasons.append(V.NOT_REPORTED)
    if u.overdue:
        reasons.append(f"逾期{u.overdue}项")
    if reasons:
        return "红", tuple(reasons), unfilled, due_soon
    if unfilled:
        reasons.append(f"{UNFILLED}{unfilled}项")
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
            ret = V.NOT_REPORTED
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
NOTICE_HEADERS = ("名次", "单位", "任务数", V.DONE, "完成率", "逾期任务", "报送情况", "评价", "说明")


def notice_title(facts: Facts) -> str:
    return f"关于{list_subject(facts.tasklist.title)}落实情况的通报"


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
