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
