"""zwgk_xl: 政务公开重点任务清单 — import, build, split, consolidate, mail.

The calls below are the whole public API; the CLI and the Excel layer use nothing else. They are loaded on first
use (PEP 562), so ``import zwgk_xl.mail`` to build one email does not load the readers, writers and collectors.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → the module that defines it.
_EXPORTS = {
    "BuildResult": "zwgk_xl.build",
    "build_master": "zwgk_xl.build",
    "write_canonical": ("zwgk_xl.canonical", "write"),
    "ReturnsError": "zwgk_xl.collect",
    "ImportError_": "zwgk_xl.importers",
    "import_tasklist": "zwgk_xl.importers",
    "Master": "zwgk_xl.plan",
    "MasterError": "zwgk_xl.workbook.master",
    "read_master": "zwgk_xl.workbook.master",
    "Consolidation": "zwgk_xl.consolidation",
    "consolidate": "zwgk_xl.merge",
    "write_merged": "zwgk_xl.workbook.merged",
    "Finding": "zwgk_xl.model",
    "ImportResult": "zwgk_xl.model",
    "Roster": "zwgk_xl.model",
    "Task": "zwgk_xl.model",
    "TaskList": "zwgk_xl.model",
    "Unit": "zwgk_xl.model",
    "Report": "zwgk_xl.report",
    "ReportError": "zwgk_xl.workbook.results",
    "read_report": "zwgk_xl.workbook.results",
    "SplitResult": "zwgk_xl.split",
    "mail_files": "zwgk_xl.split",
    "split_units": "zwgk_xl.split",
    "RosterError": "zwgk_xl.units",
    "load_roster": "zwgk_xl.units",
    "OutputLocked": "zwgk_xl.atomic",
}
_MODULES = {"config", "findings", "mail"}

__all__ = [
    "BuildResult",
    "Consolidation",
    "Finding",
    "ImportError_",
    "ImportResult",
    "Master",
    "MasterError",
    "OutputLocked",
    "Report",
    "ReportError",
    "ReturnsError",
    "Roster",
    "RosterError",
    "SplitResult",
    "Task",
    "TaskList",
    "Unit",
    "build_master",
    "config",
    "consolidate",
    "findings",
    "import_tasklist",
    "load_roster",
    "mail",
    "mail_files",
    "read_master",
    "read_report",
    "split_units",
    "write_canonical",
    "write_merged",
]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"zwgk_xl.{name}")
    where = _EXPORTS.get(name)
    if where is None:
        raise AttributeError(f"module 'zwgk_xl' has no attribute {name!r}")
    module, attr = where if isinstance(where, tuple) else (where, name)
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return list(__all__)


if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from zwgk_xl import config, findings, mail
    from zwgk_xl.atomic import OutputLocked
    from zwgk_xl.build import BuildResult, build_master
    from zwgk_xl.canonical import write as write_canonical
    from zwgk_xl.collect import ReturnsError
    from zwgk_xl.consolidation import Consolidation
    from zwgk_xl.importers import ImportError_, import_tasklist
    from zwgk_xl.merge import consolidate
    from zwgk_xl.model import Finding, ImportResult, Roster, Task, TaskList, Unit
    from zwgk_xl.plan import Master
    from zwgk_xl.report import Report
    from zwgk_xl.split import SplitResult, mail_files, split_units
    from zwgk_xl.units import RosterError, load_roster
    from zwgk_xl.workbook.master import MasterError, read_master
    from zwgk_xl.workbook.merged import write_merged
    from zwgk_xl.workbook.results import ReportError, read_report
