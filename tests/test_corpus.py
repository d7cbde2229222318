"""The corpus of real lists in tests/data/lists/ is well formed: every expectation parses and points at its list,
there are enough lists from enough provinces, and every layout of issue 14 is covered or noted as not found.

The importer's score on the corpus is not asserted here (benchmarks/import_corpus.py prints it); these checks keep
the hand-written expectations honest, e.g. that every expected fact can actually be read in the stored text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

LISTS = Path(__file__).resolve().parent / "data" / "lists"
EXPECTATIONS = sorted(LISTS.glob("*.expected.json"))
CORPUS = json.loads((LISTS / "corpus.json").read_text(encoding="utf-8"))
LEVELS = {"province", "city", "district", "town", "department"}
TASK_KEYS = {"number", "text_start", "lead", "responsible", "deadline"}
ROLE_ENDINGS = ("牵头", "负责", "配合", "落实", "参与", "主办", "协办")


def fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_enough_lists_and_provinces() -> None:
    metas = [load(p) for p in EXPECTATIONS]
    zwgk = [m for m in metas if m.get("domain", "政务公开") != "related"]
    assert len(zwgk) >= 20, "issue 14 asks for at least 20 real 政务公开 lists"
    provinces = {m["province"] for m in zwgk if m["province"]}
    assert len(provinces) >= 8, provinces


def test_every_layout_is_covered_or_noted() -> None:
    used = {tag for p in EXPECTATIONS for tag in load(p)["layouts"]}
    known = set(CORPUS["layouts"])
    assert used <= known, f"unknown layout tags: {used - known}"
    missing = known - used
    assert missing <= set(CORPUS["not_found"]), f"layouts neither covered nor noted as not found: {missing}"
    assert len(known) >= 11  # one tag per layout 1-11 of the issue (5 has two)


@pytest.mark.parametrize("path", EXPECTATIONS, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_expectation_is_well_formed(path: Path) -> None:
    meta = load(path)
    source = LISTS / meta["file"]
    assert source.exists() and source.suffix in {".txt", ".html"}
    raw = source.read_bytes()
    assert 200 <= len(raw) <= 30_000, "keep each copy small"
    raw.decode("utf-8")  # stored as UTF-8
    assert meta["source"].startswith("http")
    assert meta["level"] in LEVELS
    assert meta["year"] is None or 2017 <= meta["year"] <= 2025
    assert meta["year"] is not None or meta.get("year_note"), "an unknown year says why"
    assert meta["layouts"] and meta["notes"]
    assert meta["tasks"], "every list has at least one complete task"
    for task in meta["tasks"]:
        assert set(task) >= TASK_KEYS, task
        assert isinstance(task["number"], str) and isinstance(task["deadline"], str)
        assert 4 <= len(task["text_start"]) <= 20
        for name in task["lead"] + task["responsible"]:
            assert name and "等" not in name and not name.endswith(ROLE_ENDINGS), f"{name!r}: names carry no roles"
            assert fold(name) == fold(name).strip("。.,，;；、"), name


@pytest.mark.parametrize(
    "path",
    [p for p in EXPECTATIONS if "traditional" not in load(p)["layouts"]],
    ids=lambda p: p.name.removesuffix(".expected.json"),
)
def test_expected_facts_are_in_the_text(path: Path) -> None:
    """Hand-written facts can be read in the stored copy (traditional copies are checked by hand: their facts are
    written in simplified characters)."""
    meta = load(path)
    text = fold((LISTS / meta["file"]).read_text(encoding="utf-8"))
    for task in meta["tasks"]:
        for fact in [task["text_start"], *task["lead"], *task["responsible"], task["deadline"]]:
            assert fold(fact) in text, f"{fact!r} is not in {meta['file']}"


@pytest.mark.parametrize(
    "path",
    [p for p in EXPECTATIONS if "traditional" in load(p)["layouts"]],
    ids=lambda p: p.name.removesuffix(".expected.json"),
)
def test_expected_facts_are_in_the_traditional_text(path: Path) -> None:
    """The simplified facts of a traditional copy are in its text once converted (OpenCC t2s) and stripped of the
    pinyin some mirrors insert after characters; runs where OpenCC is installed."""
    opencc = pytest.importorskip("opencc")
    meta = load(path)
    raw = (LISTS / meta["file"]).read_text(encoding="utf-8")
    raw = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", raw)
    text = fold(opencc.OpenCC("t2s").convert(raw))
    for task in meta["tasks"]:
        facts = [task["text_start"], *task.get("text_alt", []), *task["lead"], *task["responsible"], task["deadline"]]
        for fact in facts:
            assert fold(fact) in text, f"{fact!r} is not in {meta['file']}"


def _scorer():
    """benchmarks/import_corpus.py, loaded from its file (benchmarks/ is not a package)."""
    import importlib.util
    import sys

    path = LISTS.parent.parent.parent / "benchmarks" / "import_corpus.py"
    spec = importlib.util.spec_from_file_location("import_corpus", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_corpus"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _perfect(scorer, meta: dict) -> list:
    return [
        scorer.Imported(t["number"], t["text_start"] + "……", t["lead"], t["responsible"], t["deadline"])
        for t in meta["tasks"]
    ]


@pytest.mark.parametrize("path", EXPECTATIONS, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_scorer_gives_full_marks_to_the_expected_facts(path: Path) -> None:
    """The scoring rules are not stricter than the expectations: an importer giving exactly them scores 100%."""
    scorer = _scorer()
    meta = load(path)
    imported = _perfect(scorer, meta)
    for exp, got in zip(meta["tasks"], scorer.match(meta["tasks"], list(reversed(imported))), strict=True):
        assert got is not None and scorer._text_ok(exp, got.text) and scorer._number_ok(exp, got.number)
        assert scorer.names_match(exp["lead"], got.lead)
        assert scorer.names_match(exp["responsible"], got.responsible, got.lead, exp["lead"])


def test_scorer_normalises_fairly_but_not_errors() -> None:
    s = _scorer()
    # fair: width, spaces, role words, 等 tails, a collective given split, a bracket note
    assert s.names_match(["市发改局"], ["市发改局牵头落实"])
    assert s.names_match(["区发改委", "各镇(办)"], ["区发改委等相关区直部门", "各镇（办）"])
    assert s.names_match(["市直各部门", "各区、县(市)政府"], ["市直各部门", "各区", "县(市)政府"])
    assert s.names_match(["市有关单位(见附件1,下同)"], ["市有关单位（见附件1，下同）"])
    assert s.norm_number("（一）") == s.norm_number("(一)") == "一"
    assert s.fold("11 月底前") == s.fold("11月底前")
    # errors stay errors: names not split, a name missing or extra, a unit in the wrong role
    assert not s.names_match(["市财政局", "市税务局"], ["市财政局、市税务局"])
    assert not s.names_match(["市财政局", "市税务局"], ["市财政局"])
    assert not s.names_match(["市财政局"], ["市财政局", "各镇(街区)"])
    assert not s.names_match(["各县(市、区)人民政府(管委会)"], ["各县(市", "区)人民政府(管委会)"])
    # text: traditional characters, a number left in the text or a category instead of the task are wrong
    task = {"number": "1", "text_start": "加强内容保障", "lead": [], "responsible": [], "deadline": ""}
    assert not s._text_ok(task, "加強內容保障")
    assert not s._text_ok(task, "1.加强内容保障")
    assert not s._text_ok(task, "(一)加强涉及市场主体的信息公开。")
