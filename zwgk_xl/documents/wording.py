"""The units' words as the documents quote them, pure: whole sentences trimmed to a limit (a sentence is never cut,
a quote is an exact substring), a task's short title, 存在问题及下步计划 split into problems and plans, the same
statement from several units said once, lists of unit names, dates in Chinese.

Rules (what the issue left to us, chosen here):

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
from dataclasses import dataclass

QUOTE_LIMIT = 100
NAMES_SHOWN = 8


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


def said_by(head: str, quote: Quote) -> list[Segment]:
    """Who said it, their words, and a full stop where their words end without one."""
    out: list[Segment] = [head, quote]
    if quote.text and quote.text[-1] not in _END + "”’」』）)":
        out.append("。")
    return out


_LIST_WORDS = re.compile(r"(清单|分解表|一览表)$")


def list_subject(title: str) -> str:
    """What the list is about, for a document's title: its title without the 清单/分解表 ending (the report and the
    通报 both name it, so the reader sees which district's and which year's list they are about)."""
    return _LIST_WORDS.sub("", title.strip()) or title
