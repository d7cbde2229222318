"""Importers: one per source format, each producing rows for :mod:`zwgk_xl.importers.table`."""

from __future__ import annotations

from pathlib import Path

from zwgk_xl import findings
from zwgk_xl.importers import table
from zwgk_xl.model import ImportResult, TaskList


class ImportError_(Exception):
    """The source cannot be read at all (no such file, unknown format): nothing to import, the run stops."""


def read_table(path: Path) -> list[table.RawTable]:
    suffix = path.suffix.lower()
    if suffix in {".txt", ".text", ".md"}:
        from zwgk_xl.importers import text

        return [text.read(path)]
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}:
        from zwgk_xl.importers import sheet

        return sheet.read(path)
    if suffix == ".docx":
        from zwgk_xl.importers import docx

        return docx.read(path)
    if suffix in {".html", ".htm"}:
        from zwgk_xl.importers import html

        return html.read(path)
    raise ImportError_(f"{path}：不支持的文件类型“{suffix}”（支持 .txt .docx .html .xlsx .xls .csv）")


def import_tasklist(path: str | Path, roster: object = None) -> ImportResult:
    """Read any supported source into a TaskList plus findings (roster checks are added when a roster is given)."""
    from zwgk_xl import checks
    from zwgk_xl.model import Roster

    p = Path(path)
    if not p.exists():
        raise ImportError_(f"找不到任务清单文件：{p}")
    try:
        tables = read_table(p)
    except ImportError_:
        raise
    except Exception as exc:  # a library's own error for a corrupt file: say which file and why
        raise ImportError_(f"{p}：无法读取（{type(exc).__name__}: {exc}）") from exc
    meta = _canonical_meta(p) if p.suffix.lower() in {".xlsx", ".xlsm"} else {}
    best: ImportResult | None = None
    for t in tables:
        result = table.build(t, **meta)
        if best is None or len(result.tasklist.tasks) > len(best.tasklist.tasks):
            best = result
    if best is None:
        tl = TaskList(p.stem, None, "", (), (), "", str(p))
        best = ImportResult(tl, (findings.make("source-unreadable", file=str(p), reason="文件中没有表格或文字"),))
    if isinstance(roster, Roster):
        best = ImportResult(best.tasklist, best.findings + tuple(checks.tasklist_findings(best.tasklist, roster)))
    return best


def _canonical_meta(path: Path) -> dict[str, object]:
    from zwgk_xl import canonical

    return canonical.read_meta(path)
