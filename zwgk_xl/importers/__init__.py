"""Importers: each source format is cut into candidate readings (rows for :mod:`zwgk_xl.importers.table`); the
reading that gives the most complete tasks is kept (:mod:`zwgk_xl.importers.detect`) and its layout reported."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from zwgk_xl import findings
from zwgk_xl.importers import table
from zwgk_xl.model import Finding, ImportResult, Roster, TaskList
from zwgk_xl.textfile import TextEncodingError

Candidate = tuple[str, table.RawTable]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
OFFICE_SUFFIXES = {".doc": "docx", ".wps": "docx", ".rtf": "docx", ".et": "xlsx", ".odt": "docx"}
SUPPORTED = ".txt .docx .doc .wps .html .pdf .xlsx .xls .et .csv"

ADVICE = (
    "请在 Word/WPS 中打开清单，把任务表格复制到 Excel（每项任务一行，列名如“序号、工作任务、牵头单位、责任单位、"
    "完成时限”）另存为 .xlsx 后再导入；或把正文另存为 .docx / .txt 再试。扫描版 PDF 没有文字，需先识别成文字。"
)


class ImportError_(Exception):
    """The source cannot be read at all (no such file, unknown format): nothing to import, the run stops."""


def read_candidates(path: Path) -> list[Candidate]:
    """Every reading of a source worth trying, most likely first."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from zwgk_xl.importers import text
        from zwgk_xl.textfile import read_text

        return text.candidates(read_text(path), str(path))
    if suffix in SHEET_SUFFIXES:
        from zwgk_xl.importers import sheet

        return [("sheet", t) for t in sheet.read(path)]
    if suffix == ".docx":
        from zwgk_xl.importers import docx

        return docx.candidates(path)
    if suffix in {".html", ".htm", ".shtml", ".xhtml"}:
        from zwgk_xl.importers import html

        return html.candidates(path)
    if suffix == ".pdf":
        from zwgk_xl.importers import pdf

        return pdf.candidates(path)
    if suffix in OFFICE_SUFFIXES:
        from zwgk_xl.importers import office

        return read_candidates(office.convert(path, OFFICE_SUFFIXES[suffix]))
    raise ImportError_(f"{path}：不支持的文件类型“{suffix}”（支持 {SUPPORTED}）")


def read_table(path: Path) -> list[table.RawTable]:
    """The candidate readings' rows (kept for callers that want the tables themselves)."""
    return [t for _, t in read_candidates(path)]


RosterArg = Roster | tuple[Roster, Sequence[Finding]] | str | Path | None


def import_tasklist(path: str | Path, roster: RosterArg = None) -> ImportResult:
    """Read any supported source (text, Word, HTML, PDF, a sheet, old Office files) into a TaskList plus findings.

    ``roster`` adds the roster checks (units not in the roster, collective and vague leads, units without a task):
    a Roster, what ``load_roster`` returns (its findings join the result's), or the roster file's path. Raises
    ImportError_ only when the source cannot be read at all; everything else is a finding."""
    from zwgk_xl import checks
    from zwgk_xl.importers import detect, traditional

    roster, roster_findings = _roster(roster)
    p = Path(path)
    if not p.exists():
        raise ImportError_(f"找不到任务清单文件：{p}")
    try:
        candidates = read_candidates(p)
    except ImportError_:
        raise
    except TextEncodingError as exc:
        raise ImportError_(str(exc)) from exc
    except Exception as exc:  # a library's own error for a corrupt file: say which file and why
        raise ImportError_(f"{p}：无法读取（{type(exc).__name__}: {exc}）") from exc
    converted = 0
    simple: list[Candidate] = []
    for name, t in candidates:
        st, changed = traditional.simplify(t)
        converted = max(converted, changed)
        simple.append((name, st))
    meta: dict[str, object] = {}
    meta_findings: list[Finding] = []
    if p.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            meta = _canonical_meta(p)
        except Exception as exc:  # calamine's own error types: the rows were read, the 清单信息 sheet was not
            meta_findings.append(findings.make("list-info-unreadable", file=str(p), reason=str(exc)[:200]))
    best = detect.choose(simple, **meta)
    if best is None:
        tl = TaskList(p.stem, None, "", (), (), "", str(p))
        best = ImportResult(tl, (findings.make("source-unreadable", file=str(p), reason="文件中没有表格或文字"),))
    extra: list[Finding] = [*roster_findings, *meta_findings]
    if converted:
        extra.append(findings.make("traditional-converted", file=str(p), count=converted))
    if not best.tasklist.tasks:
        tried = "、".join(best.layout.tried) if best.layout else "无"
        extra.append(findings.make("no-tasks", file=str(p), tried=f"已尝试：{tried}", advice=ADVICE))
    if roster is not None:
        extra.extend(checks.tasklist_findings(best.tasklist, roster))
    return ImportResult(best.tasklist, best.findings + tuple(extra), best.layout)


def _roster(arg: RosterArg) -> tuple[Roster | None, Sequence[Finding]]:
    """A roster however the caller holds it (the checks were once skipped silently for a path or a tuple)."""
    if arg is None or isinstance(arg, Roster):
        return arg, ()
    if isinstance(arg, tuple):
        return arg[0], arg[1]
    from zwgk_xl.units import load_roster

    return load_roster(arg)


def _canonical_meta(path: Path) -> dict[str, object]:
    from zwgk_xl import canonical

    return canonical.read_meta(path)
