"""Units and deadlines written inside text: the brackets at the end of a prose task and role phrases in unit cells.

Lists print roles in many ways; all of these are read (full- or half-width, any bracket, any order of roles):

* ``（牵头单位：A、B；责任单位：C）``, ``〔责任单位：……〕``, ``(责任单位:……)``,
  ``【牵头单位：A；配合单位：B；完成时限：6月底前】``
* ``（A牵头，B、C配合）``, ``（A负责落实）``, ``（A、B分别负责）``, ``（A会同B负责）``, ``主办：A 协办：B``
* ``……，A牵头，B、C配合。`` at the end of a sentence; ``A、B等按职责分工落实``

"负责/牵头/主办" mark the lead; "责任/配合/参与/协办/会同" the responsible units; a bracket holding only unit
names (no role word) gives responsible units. A bracket whose content is not units (``（以下简称……）``) is text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from zwgk_xl.importers.cells import is_deadline, is_units
from zwgk_xl.units import strip_role_words

_LEAD = r"牵头单位|牵头部门|牵头科室|牵头处室|牵头|主办单位|主办|负责单位"
_RESP = r"责任单位|责任部门|责任科室|责任处室|责任主体|配合单位|配合部门|配合|参与单位|协办单位|协办|责任"
_DEADLINE = r"完成时限|完成时间|时间节点|时限要求|时限|完成期限"
_LABEL = re.compile(rf"(?P<label>{_LEAD}|{_RESP}|{_DEADLINE})\s*[:：]")
OPEN, CLOSE = "（(〔【[［", "）)〕】]］"


@dataclass(frozen=True)
class Roles:
    lead: str = ""
    responsible: str = ""
    deadline: str = ""

    def __bool__(self) -> bool:
        return bool(self.lead or self.responsible or self.deadline)


def _labelled(body: str) -> Roles | None:
    marks = list(_LABEL.finditer(body))
    if not marks:
        return None
    lead, resp, deadline = [], [], []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(body)
        value = body[m.end() : end].strip(" ；;，,。、\n")
        label = m.group("label")
        if re.fullmatch(_DEADLINE, label):
            deadline.append(value)
        elif re.fullmatch(_LEAD, label):
            lead.append(value)
        else:
            resp.append(value)
    return Roles("、".join(x for x in lead if x), "、".join(x for x in resp if x), "；".join(deadline))


_PHRASE = re.compile(
    r"^(?:由)?(?P<lead>.+?)(?:分别|共同)?(?:牵头负责|牵头落实|牵头|负责落实|负责|主办)(?:落实)?"
    r"(?:[,，;；]\s*(?P<resp>.+?)(?:等)?(?:分别|共同)?(?:配合落实|配合|参与|协助|协同|协办)(?:落实)?)?$"
)
_TOGETHER = re.compile(r"^(?P<lead>.+?)会同?(?P<resp>.+?)(?:分别|共同)?(?:负责落实|负责|落实|推进)?$")
_SHARED = re.compile(r"^(?P<resp>.+?)(?:等)?(?:按职责分工|按职责|依职责)(?:负责|落实|推进)*$")


def phrase(text: str) -> Roles | None:
    """A unit cell or bracket written as a sentence: "A牵头，B配合", "A负责落实", "A会同B", "A、B等按职责分工落实",
    or only unit names (responsible). None when the text is not about units."""
    body = unicodedata.normalize("NFKC", text or "").strip().rstrip("。.;；")
    body = re.sub(r"\s+", "", body)
    if not body:
        return None
    if labelled := _labelled(body):
        return labelled
    for pattern in (_PHRASE, _TOGETHER, _SHARED):
        m = pattern.match(body)
        if m and all(is_units(v) for v in m.groupdict().values() if v):
            return Roles(m.groupdict().get("lead") or "", m.groupdict().get("resp") or "")
    if is_units(body) and not is_deadline(body):
        return Roles("", strip_role_words(body))
    return None


def _pairs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level bracket pair, nested brackets allowed inside (各县（市、区）人民政府)."""
    out, stack = [], []
    for i, ch in enumerate(text):
        if ch in OPEN:
            stack.append(i)
        elif ch in CLOSE and stack:
            start = stack.pop()
            if not stack:
                out.append((start, i + 1))
    return out


def trailing(text: str) -> tuple[Roles, str] | None:
    """Units (and a deadline) at the end of a task's text → (roles, the text without them)."""
    t = (text or "").rstrip()
    core = t.rstrip("。．.；; ")
    pairs = _pairs(core)
    if pairs and pairs[-1][1] == len(core) and (roles := phrase(core[pairs[-1][0] + 1 : -1])):
        rest = core[: pairs[-1][0]].rstrip()
        # several brackets in a row: （牵头单位：A）（责任单位：B）
        if more := trailing(rest):
            prev, rest2 = more
            if not (prev.lead and roles.lead) and not (prev.responsible and roles.responsible):
                merged = Roles(
                    prev.lead or roles.lead, prev.responsible or roles.responsible, prev.deadline or roles.deadline
                )
                return merged, rest2
        return roles, rest
    # "……，由A牵头，B、C配合。" / "……。A负责。" at the end of a sentence
    folded = unicodedata.normalize("NFKC", t)
    m = re.search(
        r"(?:^|[,，。;；])(?P<tail>[^,，。;；]{2,80}?(?:牵头|负责|主办)(?:落实)?(?:[,，][^,，。;；]{2,200})?)[。.]?$",
        folded,
    )
    if m and (roles := phrase(m.group("tail"))) and roles.lead:
        return roles, t[: m.start("tail")].rstrip("，,")
    return None


def in_brackets(text: str) -> list[tuple[int, int, Roles]]:
    """Every role bracket inside a paragraph, as (start, end, roles): one paragraph may hold several tasks, each
    closed by its own bracket of units."""
    out = []
    for start, end in _pairs(text or ""):
        roles = phrase(text[start + 1 : end - 1])
        if roles and (roles.lead or roles.responsible):
            out.append((start, end, roles))
    return out
