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
LABEL = re.compile(rf"(?P<label>{_LEAD}|{_RESP}|{_DEADLINE})\s*[:：]")
OPEN, CLOSE = "（(〔【[［", "）)〕】]］"


@dataclass(frozen=True)
class Roles:
    lead: str = ""
    responsible: str = ""
    deadline: str = ""

    def __bool__(self) -> bool:
        return bool(self.lead or self.responsible or self.deadline)


_LEAD_WORD = re.compile(r"牵头|主办")
_RESP_WORD = re.compile(r"配合|协办|参与|参照|协助|协同|负责|落实|按(?:照)?职[责能]|依职[责能]|执行")
_NOT_UNITS = re.compile(r"以下|不再|均需|均要|需要|应当|确保|做好|加强|推进|开展|列出|建立|完善")
_TOGETHER = re.compile(r"^(?P<lead>.+?(?:局|办|委|部|厅|室|中心|政府|院))会同?(?P<resp>.+)$")


def _top_split(text: str, seps: str) -> list[str]:
    """Split on any of ``seps`` outside brackets (各县（市、区）人民政府 stays one name)."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and ch in seps:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _names(clause: str) -> str:
    """A clause's unit names without role words, or "" when it is not about units (a note, a sentence)."""
    if _NOT_UNITS.search(clause):
        return ""
    names = strip_role_words(clause).strip("、,，;； ")
    return names if names and is_units(names) and not is_deadline(names) else ""


def phrase(text: str, default: str = "responsible") -> Roles | None:
    """A unit cell or bracket written with roles, in any order and punctuation: "A牵头，B配合", "A牵头,B,C负责",
    "A、B牵头;C配合;各镇参照落实", "A会同B", "A、B等按职责分工落实", labels (牵头单位：A；责任单位：B；完成时限：…).
    牵头/主办 mark the lead; 配合/协办/参与/参照/负责/落实/按职责 the responsible; a clause with no role word takes
    the role of the next clause that has one, else ``default``. None when no clause names units."""
    body = unicodedata.normalize("NFKC", text or "").strip().rstrip("。.;；")
    body = re.sub(r"\s+", "", body)
    if not body:
        return None
    body = LABEL.sub(lambda m: ";" + m.group(0), body)  # 主办：A 协办：B → clauses of their own
    lead: list[str] = []
    resp: list[str] = []
    deadline: list[str] = []
    pending: list[str] = []
    label = ""
    for clause in _top_split(body, ";；,，"):
        if m := LABEL.match(clause):
            name = m.group("label")
            label = "deadline" if re.fullmatch(_DEADLINE, name) else "lead" if re.fullmatch(_LEAD, name) else "resp"
            clause = clause[m.end() :].strip()
        if label == "deadline":
            deadline.append(clause)
            continue
        if (t := _TOGETHER.match(clause)) and _names(t.group("lead")) and _names(t.group("resp")):
            lead.append(_names(t.group("lead")))
            resp.append(_names(t.group("resp")))
            continue
        names = _names(clause)
        if not names:
            continue
        role = label or ("lead" if _LEAD_WORD.search(clause) else "resp" if _RESP_WORD.search(clause) else "")
        if not role:
            pending.append(names)
            continue
        (lead if role == "lead" else resp).extend([*pending, names])
        pending = []
    if pending:
        (lead if default == "lead" else resp).extend(pending)
    if not (lead or resp or deadline):
        return None
    return Roles("、".join(lead), "、".join(resp), "；".join(deadline))


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
    # a deadline in a bracket of its own after the units: （责任单位：A）（2023年6月底前完成）
    last = core[pairs[-1][0] + 1 : -1] if pairs and pairs[-1][1] == len(core) else ""
    before = trailing(core[: pairs[-1][0]]) if last and not LABEL.search(last) and is_deadline(last) else None
    if before and not before[0].deadline:
        found, rest = before
        return Roles(found.lead, found.responsible, last), rest
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
    # "……。责任单位：A；完成时限：B" with no bracket, after the task's last sentence
    folded = unicodedata.normalize("NFKC", t)
    label = LABEL.search(folded)
    after_sentence = label is not None and label.start() > 0 and folded[label.start() - 1] in "。;；."
    if label and after_sentence and (roles := phrase(folded[label.start() :])) and (roles.lead or roles.responsible):
        return roles, t[: label.start()].rstrip()
    # "……，由A牵头，B、C配合。" / "……。A负责。" at the end of a sentence
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
