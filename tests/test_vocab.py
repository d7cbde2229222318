"""The vocabulary has one home: a status word written as a literal outside vocab.py is a copy that a renamed status
would leave behind (the 通报 header said 已完成 while the dropdown said something else). Docstrings may name a
status; code uses vocab's names."""

from __future__ import annotations

import ast
from pathlib import Path

from zwgk_xl import vocab as V

PACKAGE = Path(__file__).resolve().parent.parent / "zwgk_xl"

#: (module, literal): the same characters meaning something else, with why.
ALLOWED = {
    ("deadlines.py", V.ONGOING): "持续推进 as a 完成时限 phrase (a deadline, not the status)",
    # issue 16 is rewriting the merged workbook's writers: its two literals go when that lands
    # issue 17 (rounds) is still working on its sheet: the 历次进展 header goes to V.DONE when it lands
    ("workbook/roundbook.py", V.DONE): "pending issue 17",
}


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def status_literals(source: str) -> list[tuple[int, str]]:
    """(line, status) for every string constant that is exactly a status of vocab.STATUSES, docstrings aside."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in V.STATUSES and id(node) not in docs
    ]


def test_no_status_literal_outside_vocab() -> None:
    copies = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name == "vocab.py":
            continue
        for line, status in status_literals(path.read_text(encoding="utf-8")):
            if (name, status) not in ALLOWED:
                copies.append(f"zwgk_xl/{name}:{line} {status!r}")
    assert not copies, "use vocab's names for these status literals:\n" + "\n".join(copies)


def test_the_scan_sees_a_literal_and_spares_docstrings() -> None:
    source = 'def f():\n    """已完成 in a docstring."""\n    return {"已完成": 1, "x": f"{1}项推进中"}\n'
    assert status_literals(source) == [(3, "已完成")]
