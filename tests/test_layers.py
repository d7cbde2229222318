"""Imports run one way (docs/ARCHITECTURE.md): a module imports only from its own layer or the layers below it.

Every module of the package is parsed (not imported) and each of its imports checked, those inside functions too;
an import under ``if TYPE_CHECKING:`` is for annotations only and runs nothing, so it is exempt. A new module must
be given a layer here: the test fails for a module it does not know.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "zwgk_xl"

#: Lowest first. A name matches the module itself and everything under it (a package); the longest match wins.
LAYERS: tuple[tuple[str, ...], ...] = (
    # 0 — data and words: no I/O, no rules
    ("model", "vocab", "findings", "contract", "atomic", "bulk", "config", "textfile"),
    # 1 — names, dates, who gets which task
    ("units", "deadlines", "plan"),
    # 2 — rules over data in memory
    # (with the importers' pure part: rows or cells in, a TaskList out; the readers of each source are stages)
    (
        *("checks", "verify", "consolidation", "rounds", "report"),
        *("importers.table", "importers.cells", "importers.roles", "importers.detect", "importers.stream"),
        *("importers.prose", "importers.traditional", "importers.tasks"),
        *("documents.facts", "documents.figures", "documents.wording", "documents.standing"),
    ),
    # 3 — everything that knows sheets, cells and zip parts
    ("workbook", "canonical"),
    # 4 — the stages: read sources, write outputs, walk folders
    ("importers", "build", "split", "collect", "merge", "record", "cycle"),
    # 5 — what is made from the stages' results
    ("documents", "mail"),
    # 6 — shells and tools: parse, call, print or write
    ("cli", "cli_help", "cli_render", "xl", "control", "demo", "simulate", ""),
)


def layer(module: str) -> int | None:
    """The layer of ``zwgk_xl.<module>`` ("" is the package itself, zwgk_xl/__init__.py)."""
    best: tuple[int, int] | None = None
    for i, names in enumerate(LAYERS):
        for name in names:
            matches = module == name or (name and module.startswith(name + "."))
            if matches and (best is None or len(name) > best[1]):
                best = (i, len(name))
    return best[0] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, zwgk_xl module) for every import of the package in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    package_parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if node.lineno in skip if isinstance(node, ast.stmt) else True:
            continue
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "zwgk_xl"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(["zwgk_xl", *package_parts[: len(package_parts) - node.level + 1]])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.split(".")[0] != "zwgk_xl":
                continue
            for alias in node.names:  # `from zwgk_xl import contract` names a module; `import consolidate`, a call
                sub = f"{target}.{alias.name}"
                is_module = (PACKAGE.parent / sub.replace(".", "/")).with_suffix(".py").exists() or (
                    PACKAGE.parent / sub.replace(".", "/") / "__init__.py"
                ).exists()
                out.append((node.lineno, sub if is_module else target))
    return out


def test_every_module_has_a_layer() -> None:
    unknown = [module_name(p) for p in PACKAGE.rglob("*.py") if layer(module_name(p)) is None]
    assert not unknown, f"give these modules a layer in tests/test_layers.py and docs/ARCHITECTURE.md: {unknown}"


def test_imports_run_one_way() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        own = layer(name)
        for line, target in imports(path, name):
            theirs = layer(target.removeprefix("zwgk_xl").removeprefix("."))
            if own is not None and theirs is not None and theirs > own:
                wrong.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line} ({name}, layer {own}) imports {target} (layer {theirs})"
                )
    assert not wrong, "imports against the direction:\n" + "\n".join(wrong)


def test_the_check_sees_a_wrong_import(tmp_path) -> None:
    """The checker itself: a rule module importing a stage is caught, the same import for annotations is not."""
    bad = tmp_path / "checks.py"
    bad.write_text("from zwgk_xl.collect import collect\nif TYPE_CHECKING:\n    from zwgk_xl.merge import x\n")
    found = [(line, t) for line, t in imports(bad, "checks") if layer(t.removeprefix("zwgk_xl.")) > layer("checks")]
    assert found == [(1, "zwgk_xl.collect")]
