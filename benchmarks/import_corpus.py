"""How well the importer reads real published lists: the corpus in ``tests/data/lists/`` against its hand-written
expectations, per list and overall.

    python benchmarks/import_corpus.py                 # table
    python benchmarks/import_corpus.py --details       # and every wrong field, expected vs imported
    python benchmarks/import_corpus.py --json          # machine-readable
    python benchmarks/import_corpus.py NAME [NAME ...] # only these lists (file stems)

Each list is imported with ``import_tasklist(path)`` and NO roster: the expectations are the names as printed, and a
roster built from them would let the importer "find" names it cannot read. The scoring rules (what is normalised and
why) are in ``tests/data/lists/README.md``; in short, an imported task is matched to an expected one by its text start
(preferring the one whose number also matches, falling back to the number alone), and then each field is compared after
folding width and whitespace; unit names are compared as sets after removing role words and any 等… tail.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LISTS = HERE.parent / "tests" / "data" / "lists"
FIELDS = ("text", "number", "lead", "responsible", "deadline")

# Role words written after unit names. Longest first, so "按职责分工分别落实" goes before "落实".
_ROLE_SUFFIXES = sorted(
    {
        "按照职责分工负责",
        "按职责分工分别落实",
        "按职责分工负责",
        "按职责分工落实",
        "按职能分工落实",
        "分别牵头落实",
        "分别牵头",
        "分别落实",
        "牵头落实",
        "牵头负责",
        "负责落实",
        "配合落实",
        "参照落实",
        "组织落实",
        "牵头",
        "负责",
        "配合",
        "落实",
        "参与",
        "主办",
        "协办",
    },
    key=len,
    reverse=True,
)
_TRAILING_PUNCT = "。.，,；;：:、"
_NUMBER_PUNCT = re.compile(r"[()（）.．、\s]")


def fold(text: str) -> str:
    """NFKC (full-width letters, digits, brackets and commas become half-width) and no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def norm_number(number: str) -> str:
    return _NUMBER_PUNCT.sub("", fold(number))


def norm_name(name: str) -> str:
    """A unit name as printed, minus what is not part of it: role words at the end and the vague tail after 等."""
    s = fold(name).strip(_TRAILING_PUNCT)
    if "等" in s:
        s = s.split("等", 1)[0]
    changed = True
    while changed and s:
        changed = False
        for suffix in _ROLE_SUFFIXES:
            if s.endswith(suffix) and len(s) > len(suffix):
                s, changed = s[: -len(suffix)], True
                break
        s = s.strip(_TRAILING_PUNCT)
    return s


def _split_outside_brackets(name: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in name:
        depth += ch in "(（〔[【"
        depth -= ch in ")）〕]】"
        if ch == "、" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p for p in parts if p]


def names_match(
    expected: Sequence[str], imported: Iterable[str], drop: Iterable[str] = (), drop_expected: Iterable[str] = ()
) -> bool:
    """Same multiset of names. An expected collective written with 、 ("各区、县(市)政府") may also be given split.
    ``drop`` / ``drop_expected``: names not counted on the imported / expected side (a task's lead units, when its
    responsible units are compared: a list that prints the lead again among the responsible is read either way)."""
    dropped = {norm_name(x) for x in drop}
    got = sorted(n for n in (norm_name(x) for x in imported) if n and n not in dropped)
    skip = {norm_name(x) for x in drop_expected}
    expected = [name for name in expected if norm_name(name) not in skip]
    options = []
    for name in expected:
        whole = norm_name(name)
        parts = [norm_name(p) for p in _split_outside_brackets(fold(name))]
        options.append([[whole], parts] if len(parts) > 1 else [[whole]])
    return any(sorted(n for group in combo for n in group if n) == got for combo in itertools.product(*options))


@dataclass
class Imported:
    number: str
    text: str
    lead: list[str]
    responsible: list[str]
    deadline: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text[:30],
            "lead": self.lead,
            "responsible": self.responsible,
            "deadline": self.deadline,
        }


@dataclass
class ListScore:
    name: str
    meta: dict[str, Any]
    expected: int = 0
    found: int = 0
    imported: int = 0
    full: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    error: str = ""
    misses: list[dict[str, Any]] = field(default_factory=list)

    def share(self, n: int) -> float:
        return n / self.expected if self.expected else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.name,
            "province": self.meta.get("province"),
            "level": self.meta.get("level"),
            "year": self.meta.get("year"),
            "domain": self.meta.get("domain", "政务公开"),
            "layouts": self.meta.get("layouts", []),
            "expected": self.expected,
            "imported": self.imported,
            "found": self.found,
            "fully_correct": self.full,
            "correct": self.correct,
            "error": self.error,
            "misses": self.misses,
        }


def _text_ok(expected: dict[str, Any], text: str) -> bool:
    got = fold(text)
    return any(got.startswith(fold(start)) for start in [expected["text_start"], *expected.get("text_alt", [])])


def _number_ok(expected: dict[str, Any], number: str) -> bool:
    return not expected["number"] or norm_number(expected["number"]) == norm_number(number)


def match(expected: list[dict[str, Any]], imported: list[Imported]) -> list[Imported | None]:
    """For each expected task in order, the first unused imported task with the same text start and number; else the
    same text start; else (numbered tasks only) the same number."""
    used: set[int] = set()
    out: list[Imported | None] = []
    tests = (
        lambda e, t: _text_ok(e, t.text) and _number_ok(e, t.number),
        lambda e, t: _text_ok(e, t.text),
        lambda e, t: bool(e["number"]) and _number_ok(e, t.number),
    )
    for exp in expected:
        hit = None
        for test in tests:
            hit = next((i for i, t in enumerate(imported) if i not in used and test(exp, t)), None)
            if hit is not None:
                break
        if hit is not None:
            used.add(hit)
        out.append(imported[hit] if hit is not None else None)
    return out


def import_list(path: Path) -> list[Imported]:
    from zwgk_xl import import_tasklist

    result = import_tasklist(path)
    return [
        Imported(
            number=t.number,
            text=t.text,
            lead=[u.display() for u in t.lead],
            responsible=[u.display() for u in t.responsible],
            deadline=t.deadline.text,
        )
        for t in result.tasklist.tasks
    ]


def score(expectation: Path) -> ListScore:
    meta = json.loads(expectation.read_text(encoding="utf-8"))
    name = expectation.name.removesuffix(".expected.json")
    s = ListScore(name, meta, expected=len(meta["tasks"]))
    try:
        imported = import_list(expectation.parent / meta["file"])
    except Exception as exc:  # an importer that raises reads nothing: the list scores zero, the run goes on
        s.error = f"{type(exc).__name__}: {exc}"[:200]
        imported = []
    s.imported = len(imported)
    for exp, got in zip(meta["tasks"], match(meta["tasks"], imported), strict=True):
        if got is None:
            s.misses.append({"expected": exp, "imported": None})
            continue
        s.found += 1
        ok = {
            "text": _text_ok(exp, got.text),
            "number": _number_ok(exp, got.number),
            "lead": names_match(exp["lead"], got.lead),
            "responsible": names_match(exp["responsible"], got.responsible, got.lead, exp["lead"]),
            "deadline": fold(exp["deadline"]) == fold(got.deadline),
        }
        for f in FIELDS:
            s.correct[f] += ok[f]
        if all(ok.values()):
            s.full += 1
        else:
            s.misses.append({"expected": exp, "imported": got.as_dict(), "wrong": [f for f in FIELDS if not ok[f]]})
    return s


def overall(scores: list[ListScore]) -> dict[str, Any]:
    expected = sum(s.expected for s in scores)

    def pct(n: int) -> float:
        return round(100 * n / expected, 1) if expected else 0.0

    return {
        "lists": len(scores),
        "expected": expected,
        "found": sum(s.found for s in scores),
        "fully_correct_pct": pct(sum(s.full for s in scores)),
        "field_pct": {f: pct(sum(s.correct[f] for s in scores)) for f in FIELDS},
        "zero_task_lists": [s.name for s in scores if s.imported == 0],
    }


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.0f}" if d else "    -"


def print_table(scores: list[ListScore], details: bool) -> None:
    head = f"{'list':34} {'exp':>4} {'imp':>4} {'found':>5} {'full%':>5} {'text%':>5} {'no.%':>5} {'lead%':>5}"
    print(head + f" {'resp%':>5} {'dl%':>5}  layouts")
    for s in scores:
        mark = "*" if s.meta.get("domain") == "related" else " "
        cells = [_pct(s.full, s.expected)] + [_pct(s.correct[f], s.expected) for f in FIELDS]
        print(f"{s.name[:33] + mark:34} {s.expected:4} {s.imported:4} {s.found:5} " + " ".join(cells), end="")
        print("  " + ",".join(s.meta.get("layouts", [])) + (f"  ERROR {s.error}" if s.error else ""))
        if details:
            for m in s.misses:
                exp = m["expected"]
                print(f"    - expected {exp['number'] or '(no number)'} {exp['text_start']}")
                if m["imported"] is None:
                    print("      not found")
                    continue
                for f in m["wrong"]:
                    want = exp["text_start"] if f == "text" else exp[f]
                    print(f"      {f}: expected {want!r} got {m['imported'][f]!r}")
    zwgk = [s for s in scores if s.meta.get("domain") != "related"]
    for label, subset in (("overall", scores), ("政务公开 only", zwgk)):
        o = overall(subset)
        fields = " ".join(f"{k} {v}%" for k, v in o["field_pct"].items())
        print(f"\n{label}: {o['lists']} lists, {o['expected']} tasks expected, {o['found']} found, ", end="")
        print(f"{o['fully_correct_pct']}% fully correct; {fields}")
        print(f"  lists with zero tasks: {len(o['zero_task_lists'])} {' '.join(o['zero_task_lists'])}")
    print("(* = a related list, not 政务公开: a 政府工作报告 breakdown kept for its layout)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="only these lists (file stems)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ap.add_argument("--details", action="store_true", help="list every wrong field, expected vs imported")
    ap.add_argument("--lists", type=Path, default=LISTS, help="corpus folder (default tests/data/lists)")
    args = ap.parse_args(argv)
    files = sorted(args.lists.glob("*.expected.json"))
    if args.names:
        files = [f for f in files if f.name.removesuffix(".expected.json") in args.names]
    scores = [score(f) for f in files]
    if args.json:
        out = {
            "overall": overall(scores),
            "zwgk_only": overall([s for s in scores if s.meta.get("domain") != "related"]),
            "lists": [s.as_dict() for s in scores],
        }
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
    else:
        print_table(scores, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
