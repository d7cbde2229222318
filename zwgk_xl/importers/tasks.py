"""Tasks from placed cells: the number printed or assigned, units and roles in the unit cells or the text, the
deadline read, and every guess reported. The table logic (:mod:`zwgk_xl.importers.table`) places a row's cells in
columns; this module makes the task of them, and numbers the list at the end.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, cast

from zwgk_xl import deadlines, findings
from zwgk_xl.importers import roles
from zwgk_xl.importers.cells import NUMBER_ONLY, is_deadline
from zwgk_xl.model import Finding, Section, Task
from zwgk_xl.units import split_names

_NUMBER_PREFIX = re.compile(r"^\s*(?P<num>\d{1,3})\s*(?:[.．、]|(?=[^\d.．]))\s*(?P<rest>\S.*)$", re.S)
#: a task numbered like a sub-section inside a table: （一） (1) ①
_PAREN_PREFIX = re.compile(r"^\s*(?P<num>[（(][一二三四五六七八九十\d]{1,3}[）)]|[①-⑳])\s*(?P<rest>\S.*)$", re.S)


def join_lines(text: str) -> str:
    """A paragraph broken across lines by a PDF or web copy, joined: no space between Chinese lines, a line break
    kept only after sentence-ending punctuation (so a numbered sub-list stays readable)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    out = ""
    for ln in lines:
        if not out:
            out = ln
        elif out[-1] in "。；;：:！!？?" or re.match(r"^[（(]?\d+[)）.、]", ln):
            out += "\n" + ln
        else:
            sep = " " if out[-1].isascii() and ln[0].isascii() and out[-1].isalnum() and ln[0].isalnum() else ""
            out += sep + ln
    return out


@dataclass
class Builder:
    source: str
    sheet: str
    year: int
    sections: list[Section] = field(default_factory=list)
    path: list[Section] = field(default_factory=list)
    tasks: list[dict[str, object]] = field(default_factory=list)
    out: list[Finding] = field(default_factory=list)
    kinds: tuple[str, ...] = ()
    #: cells of the row being read that came from a merged cell: (field, text, ref), reported once the task exists
    pending: list[tuple[str, str, str]] = field(default_factory=list)

    def section(self, level: int, number: str, title: str) -> None:
        while self.path and self.path[-1].level >= level:
            self.path.pop()
        parent = self.path[-1].id if self.path else None
        existing = next(
            (s for s in self.sections if s.number == number and s.title == title and s.parent == parent), None
        )
        if existing is None:
            existing = Section(f"S{len(self.sections) + 1}", number, title, level, parent)
            self.sections.append(existing)
        self.path.append(existing)

    def finding(self, code: str, ref: str = "", task_id: str = "", **params: Any) -> None:
        self.out.append(findings.make(code, file=self.source, sheet=self.sheet, cell=ref, task_id=task_id, **params))


_ROLE_WORDS = re.compile(r"牵头|负责|配合|会同|主办|协办|职责|职能|参与|落实|协同|参照|[:：]")


def _unit_cells(lead_raw: str, resp_raw: str) -> tuple[str, str]:
    """Role words inside the unit cells: "A牵头，B配合" under 责任单位, "A、B分别牵头落实" or "A负责" under 牵头单位,
    "A会同B", "主办：A 协办：B", "A、B等按职责分工落实". What is left are names."""
    lead, resp = lead_raw, resp_raw
    if resp_raw and _ROLE_WORDS.search(resp_raw) and (r := roles.phrase(resp_raw)):
        lead = "、".join(x for x in (lead_raw, r.lead) if x)
        resp = r.responsible
    if lead_raw and _ROLE_WORDS.search(lead_raw) and (r := roles.phrase(lead_raw)):
        explicit = bool(re.search(r"配合|协办|参与|责任|会同?", lead_raw))
        own = r.lead or ("" if explicit else r.responsible)
        extra = r.responsible if (r.lead or explicit) else ""
        lead = "、".join(x for x in (own, lead[len(lead_raw) :].lstrip("、")) if x)
        resp = "、".join(x for x in (resp, extra) if x)
    return lead, resp


def add_task(b: Builder, values: dict[str, list[str]], vrefs: dict[str, str], ref: str) -> None:
    def one(f: str, sep: str = "\n") -> str:
        return sep.join(values.get(f, []))

    text = join_lines(one("text"))
    number = one("number").strip()
    if m := NUMBER_ONLY.match(number):
        number = m.group("num")
    if not number and (m := _NUMBER_PREFIX.match(text) or _PAREN_PREFIX.match(text)):
        number, text = m.group("num"), m.group("rest").strip()
    lead_raw, resp_raw = one("lead", "、"), one("responsible", "、")
    lead_cell, resp_cell = _unit_cells(lead_raw, resp_raw)
    deadline_text = one("deadline", "；")
    if not deadline_text and "deadline" not in b.kinds and is_deadline(one("remark")):
        deadline_text = one("remark")  # no 完成时限 column: a 备注 such as "11月底前完成" is the deadline
    from_text = ""
    if not lead_cell and not resp_cell:
        for src in ("text", "requirement"):
            found = roles.trailing(text if src == "text" else one("requirement"))
            if found and (found[0].lead or found[0].responsible):
                lead_cell, resp_cell = found[0].lead, found[0].responsible
                deadline_text = deadline_text or found[0].deadline
                if src == "text":
                    text = join_lines(found[1])
                from_text = src
                break
    lead, resp = split_names(lead_cell), split_names(resp_cell)
    task_id = one("id").strip() or f"T{len(b.tasks) + 1:03d}"
    if from_text:
        b.finding(
            "units-from-text",
            ref=vrefs.get(from_text, ref),
            task_id=task_id,
            lead="、".join(r.display() for r in lead) or "无",
            responsible="、".join(r.display() for r in resp) or "无",
        )
    dl = deadlines.parse(deadline_text, b.year)
    if dl.kind == "unknown":
        b.finding("deadline-unknown", ref=vrefs.get("deadline", ref), task_id=task_id, text=deadline_text)
    if not text:
        b.finding("row-unparsed", ref=ref, task_id=task_id, text=" | ".join(v for vs in values.values() for v in vs))
    b.tasks.append(
        {
            "id": task_id,
            "number": number,
            "section_path": tuple(s.id for s in b.path),
            "text": text,
            "requirement": join_lines(one("requirement")),
            "lead": lead,
            "responsible": resp,
            "lead_raw": lead_raw,
            "responsible_raw": one("responsible", "、"),
            "deadline": dl,
            "remark": one("remark"),
            "ref": ref,
            "lead_cell": lead_raw,
            "responsible_cell": one("responsible", "、"),
            "deadline_cell": one("deadline", "；"),
        }
    )


_PRIVATE = frozenset({"ref", "lead_cell", "responsible_cell", "deadline_cell"})


def finish(b: Builder) -> tuple[Task, ...]:
    """Assign numbers where the list prints none: per section when its numbers restart in each section, else
    through the whole list; report gaps in printed numbers."""
    printed = [(t["section_path"], int(str(t["number"]))) for t in b.tasks if str(t["number"]).isdigit()]
    restarts = any(n <= prev for (_, prev), (_, n) in itertools.pairwise(printed))
    counters: dict[tuple[str, ...], int] = {}
    out: list[Task] = []
    for t in b.tasks:
        key = cast(tuple[str, ...], t["section_path"]) if restarts else ()
        number = str(t["number"])
        assigned = False
        if number.isdigit():
            n = int(number)
            prev = counters.get(key, 0)
            if n != prev + 1 and not (restarts and n == 1):
                b.finding("number-gap", ref=str(t["ref"]), task_id=str(t["id"]), previous=prev or "开头", number=n)
            counters[key] = n
        elif not number:
            n = counters.get(key, 0) + 1
            counters[key] = n
            number, assigned = str(n), True
            b.finding("number-assigned", ref=str(t["ref"]), task_id=str(t["id"]), number=n)
        fields = {k: v for k, v in t.items() if k not in _PRIVATE}
        fields.update(number=number, number_assigned=assigned)
        out.append(Task(**fields))  # type: ignore[arg-type]
    return tuple(out)
