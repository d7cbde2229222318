"""Unit names as printed → roster units.

Lists print unit names by hand: broken across lines, with full- or half-width brackets, a bracketed note
(区委宣传部（区新闻办）), several names in one cell, collective designations (各乡镇人民政府、街道办事处) and vague
ones (有关部门单位). This module turns a printed cell into :class:`UnitRef` values and resolves each against the
roster. No unit is named here: designations are patterns over kinds, and units come only from the roster.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from zwgk_xl import findings
from zwgk_xl.contract import cell_text
from zwgk_xl.model import Finding, Resolved, Roster, Unit, UnitRef
from zwgk_xl.textfile import TextEncodingError, read_text

#: Kinds (类别) that collective designations expand to; a roster's 类别 column uses these words.
TOWNSHIP = "乡镇"
STREET = "街道"
DEPARTMENT = "区级部门"
KIND_SYNONYMS = {"镇": TOWNSHIP, "乡": TOWNSHIP, "镇乡": TOWNSHIP, "乡镇": TOWNSHIP, "街道": STREET}

NONE_MARKS = frozenset({"\\", "/", "／", "＼", "无", "-", "—", "——"})

# Collective designations, matched on the folded name with brackets removed. Order matters: the first match wins.
_COLLECTIVES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (
        re.compile(r"^各?(?:乡镇|镇乡|镇|乡)(?:人民政府)?(?:街道|、街道|和街道|街道办事处)(?:办事处)?$"),
        frozenset({TOWNSHIP, STREET}),
    ),
    (re.compile(r"^各?(?:乡镇|镇乡|镇乡|镇)(?:人民政府|政府)?$"), frozenset({TOWNSHIP})),
    (re.compile(r"^各?街道(?:办事处)?$"), frozenset({STREET})),
    (re.compile(r"^(?:区级|区政府|区)各(?:部门|单位|部门单位)$"), frozenset({DEPARTMENT})),
)
_VAGUE = re.compile(r"^(?:区级|市级|县级|区政府)?各?(?:有关|相关|其他)|^各(?:单位|部门)$|^(?:有关|相关)")

_BRACKETS = str.maketrans({"(": "（", ")": "）"})
_SPLIT_CHARS = "、,;，；"


def fold(text: str) -> str:
    """NFKC (full-width brackets and commas become ASCII), no white space: names never contain spaces, and a name
    broken across lines (区大数据发展管理⏎中心) is one name. (str.split drops the same white space as the regex
    class \\s; with the normalisation check first it is several times faster, and this runs for every name.)"""
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


#: The marks a list prints for "no unit", folded.
NONE_FOLDED = frozenset(fold(m) for m in NONE_MARKS)


def is_none_mark(text: str) -> bool:
    return fold(text) in NONE_FOLDED


def _split_top(text: str) -> list[str]:
    """Split on 、 , ; and 及, but never inside brackets (a note may itself list names)."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if depth == 0 and (ch in _SPLIT_CHARS or ch == "及"):
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p for p in parts if p]


@functools.lru_cache(maxsize=8192)  # the same names recur on task after task
def designation_kinds(name: str) -> frozenset[str] | None:
    """The kinds a collective designation stands for, or None when the name is not one."""
    plain = re.sub(r"[()]", "", fold(name))
    for pattern, kinds in _COLLECTIVES:
        if pattern.match(plain):
            return kinds
    return None


def is_vague(name: str) -> bool:
    plain = re.sub(r"[()]", "", fold(name))
    return designation_kinds(name) is None and bool(_VAGUE.search(plain))


_REGION_HEAD = re.compile(r"^各[省市区县州乡镇旗]{1,2}$")
_REGION_TAIL = re.compile(r"^[省市区县州乡镇旗](?:\([^)]*\))?(?:人民)?政府")


def _join_regions(parts: list[str]) -> list[str]:
    """ "各州、市人民政府" and "各区、县(市)政府" are one collective: a bare "各州" joins the name after it."""
    out: list[str] = []
    for part in parts:
        if out and _REGION_HEAD.match(out[-1]) and _REGION_TAIL.match(part):
            out[-1] += "、" + part
        else:
            out.append(part)
    return out


def split_names(cell: str) -> tuple[UnitRef, ...]:
    """One printed lead/responsible cell → names as printed, normalised, with bracketed notes split off."""
    text = fold(cell).rstrip("。.")
    if not text or text in NONE_FOLDED:
        return ()
    refs: list[UnitRef] = []
    for part in _join_regions(_split_top(text)):
        if part in NONE_MARKS:
            continue
        if designation_kinds(part) is not None:
            refs.append(UnitRef(part.translate(_BRACKETS)))
            continue
        m = re.fullmatch(r"(.+?)\((.+)\)", part)
        ref = UnitRef(m.group(1), m.group(2).translate(_BRACKETS)) if m else UnitRef(part.translate(_BRACKETS))
        if ref not in refs:
            refs.append(ref)
    return tuple(refs)


def join_names(refs: Iterable[UnitRef]) -> str:
    """The inverse of :func:`split_names` for writing a cell a clerk can edit and we can read back."""
    return _joined(tuple(refs))


@functools.lru_cache(maxsize=4096)  # one string per task's units, not one per unit that has the task
def _joined(refs: tuple[UnitRef, ...]) -> str:
    return "、".join(r.display() for r in refs)


_ROLE_BRACKET = re.compile(
    r"[(]\s*牵头(?:单位|部门)\s*[:]\s*(?P<lead>[^;)]*?)\s*(?:;\s*(?:责任|配合|参与)(?:单位|部门)\s*[:]\s*(?P<resp>[^)]*?))?\s*[)]"
)
_ROLE_PHRASE = re.compile(
    r"^(?P<lead>[^,]+?)(?:分别)?牵头(?:落实|负责)?(?:[,](?P<resp>[^,]+?)(?:配合|参与|协同|协助)(?:落实)?)?$"
)
_ROLE_DUTY = re.compile(r"^(?P<lead>[^,]+?)(?:分别)?负责(?:落实)?$")


def extract_roles(text: str) -> tuple[str, str, str] | None:
    """Units written inside a cell: "（牵头单位：A、B；责任单位：C）", "A牵头，B、C配合", "A、B分别牵头落实",
    "A负责落实". Returns (lead, responsible, the text without the bracket) or None."""
    folded = unicodedata.normalize("NFKC", text or "")
    m = _ROLE_BRACKET.search(folded)
    if m:
        rest = (folded[: m.start()] + folded[m.end() :]).strip()
        return m.group("lead") or "", m.group("resp") or "", rest
    compact = fold(text).rstrip("。.")
    for pattern in (_ROLE_PHRASE, _ROLE_DUTY):
        m = pattern.match(compact)
        if m and len(m.group("lead")) <= 60:
            return m.group("lead"), (m.groupdict().get("resp") or ""), ""
    # "……，由A牵头，B配合。" at the end of a task text
    m = re.search(
        r"[,。](?:由)?(?P<lead>[^,。]{2,60}?)(?:分别)?牵头(?:落实)?(?:,(?P<resp>[^,。]+?)(?:配合|参与)(?:落实)?)?[。]?$",
        compact,
    )
    if m and any(sep in m.group("lead") for sep in ("局", "办", "委", "部", "中心", "政府", "街道", "镇", "单位")):
        return m.group("lead"), m.group("resp") or "", compact[: m.start() + 1]
    return None


# ---------------------------------------------------------------------------------------------------------- roster

_HEADERS = {
    "name": ("全称", "单位名称", "单位全称", "名称", "单位"),
    "aliases": ("简称/别名", "简称", "别名", "简称别名"),
    "kind": ("类别", "单位类别", "类型"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "contact": ("联系人",),
    "id": ("编号", "单位编号", "id"),
}
_REGION = re.compile(r"^(?:[^市区县]{1,4}市)?[^市区县]{1,4}[区县]")


def _keys(name: str, region: bool) -> set[str]:
    base = fold(name)
    keys = {base}
    if region:
        stripped = _REGION.sub("", base)
        if len(stripped) >= 2:
            keys.add(stripped)
    for k in list(keys):
        if k[:1] in "区市" and len(k) > 3:
            keys.add(k[1:])
        else:
            keys.add("区" + k)
    return keys


class RosterIndex:
    """Look-ups over one roster; built once so resolving thousands of names costs a dict hit each."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self._by_key: dict[str, Unit] = {}
        for unit in roster.units:
            for key in _keys(unit.name, region=True):
                self._by_key.setdefault(key, unit)
        for unit in roster.units:  # explicit aliases win over derived keys of other units
            for alias in unit.aliases:
                for key in _keys(alias, region=False):
                    self._by_key[key] = unit
        self._seen: dict[str, Unit | None] = {}
        self._names = sorted({u.name for u in roster.units} | {a for u in roster.units for a in u.aliases})

    def lookup(self, name: str) -> Unit | None:
        if name in self._seen:  # a name recurs on task after task, and in every return
            return self._seen[name]
        found = next((self._by_key[k] for k in _keys(name, region=False) if k in self._by_key), None)
        self._seen[name] = found
        return found

    def resolve(self, ref: UnitRef) -> Resolved:
        kinds = designation_kinds(ref.name)
        if kinds is not None:
            return Resolved(ref, "collective", self.roster.of_kinds(kinds))
        unit = self.lookup(ref.name)
        if unit is not None:
            return Resolved(ref, "unit", (unit,))
        if is_vague(ref.name):
            return Resolved(ref, "vague")
        close = difflib.get_close_matches(fold(ref.name), self._names, n=3, cutoff=0.5)
        full = tuple(dict.fromkeys((self.lookup(c) or Unit(c, c)).name for c in close))
        return Resolved(ref, "unknown", suggestions=full)


def roster_from_rows(rows: Sequence[Sequence[object]], source: str = "") -> tuple[Roster, list[Finding]]:
    """Rows of a 单位名册 sheet (header row first, anywhere in the first ten rows) → Roster."""
    out: list[Finding] = []
    header_at, cols = -1, {}
    for i, row in enumerate(rows[:10]):
        texts = [fold(cell_text(c)).lower() for c in row]
        found = {f: texts.index(n) for f, names in _HEADERS.items() for n in names if n in texts}
        if "name" in found:
            header_at, cols = i, found
            break
    if header_at < 0:
        raise RosterError(f"{source}：找不到“全称”或“单位名称”列")
    units: list[Unit] = []
    seen: set[str] = set()
    for r, row in enumerate(rows[header_at + 1 :], start=header_at + 2):

        def get(field: str, row: Sequence[object] = row) -> str:
            i = cols.get(field)
            return cell_text(row[i]) if i is not None and i < len(row) else ""

        name = fold(get("name"))
        if not name:
            continue
        if name in seen:
            out.append(findings.make("roster-duplicate", file=source, cell=f"第{r}行", name=name))
            continue
        seen.add(name)
        aliases = tuple(a for a in (fold(x) for x in re.split(r"[、,;，；/|\s]+", get("aliases"))) if a)
        kind = get("kind")
        units.append(
            Unit(
                id=get("id") or name,
                name=name,
                aliases=aliases,
                kind=KIND_SYNONYMS.get(kind, kind),
                email=get("email"),
                contact=get("contact"),
            )
        )
    return Roster(tuple(units), source), out


class RosterError(Exception):
    """The roster cannot be read at all: the run cannot resolve any unit, so it stops."""


def load_roster(path: str | Path) -> tuple[Roster, list[Finding]]:
    """Read a roster from .xlsx/.xlsm/.xls (the 单位名册 sheet if there is one, else the first) or .csv."""
    p = Path(path)
    if not p.exists():
        raise RosterError(f"找不到单位名册文件：{p}")
    if p.suffix.lower() == ".csv":
        try:
            text = read_text(p)
        except TextEncodingError as exc:
            raise RosterError(str(exc)) from exc
        return roster_from_rows(list(csv.reader(io.StringIO(text))), str(p))
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(p))
        name = "单位名册" if "单位名册" in wb.sheet_names else wb.sheet_names[0]
        grid: list[list[object]] = [list(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
    except Exception as exc:  # calamine raises several types for a file it cannot read
        raise RosterError(f"{p}：无法读取（{exc}）") from exc
    return roster_from_rows(grid, str(p))


# Role words printed inside unit cells: what remains are the names (the roles themselves are read by
# importers/roles.py). Longest first, so 负责落实 goes before 负责.
_ROLE_LABEL = re.compile(
    r"(?:牵头|责任|配合|参与|协办|主办|承办|协同)(?:单位|部门|科室|处室)?[:：]|(?:主办|协办|牵头|配合)(?=[:：])"
)
_ROLE_SUFFIX = re.compile(
    r"(?:等)?(?:按照?职[责能]分工|按照?职[责能]|依职[责能]|根据职[责能]|分别|共同|牵头负责|牵头落实|负责落实|具体落实|组织落实|配合落实|参与落实"
    r"|参照落实|参照执行|参照|牵头|负责|落实|配合|参与|协助|协同|主办|协办|执行|推进)+$"
)
_ROLE_NOTE = re.compile(r"[（(](?:牵头|主办|协办|配合|责任|负责)[）)]")


def strip_role_words(cell: str) -> str:
    """A unit cell without its role words: "A牵头，B、C配合" → "A，B、C"; "A会同B" → "A、B"; "主办：A" → "A";
    "A、B等按职责分工落实" → "A、B"."""
    text = _ROLE_NOTE.sub("", cell or "")
    text = _ROLE_LABEL.sub("、", text)
    text = re.sub(r"(?<=[局办委部心府处队站所室组科股院馆])会同(?=\S)", "、", text)
    parts = re.split(r"([、,;，；\n])", text)
    out = []
    for part in parts:
        stripped = part.strip().rstrip("。.")
        for _ in range(2):
            stripped = _ROLE_SUFFIX.sub("", stripped).strip()
        stripped = re.sub(r"等$", "", stripped) if len(stripped) > 3 else stripped
        out.append(stripped)
    return "".join(out)
