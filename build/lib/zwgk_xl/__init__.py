"""zwgk_xl: 政务公开重点任务清单 — import, build, split, consolidate, mail.

The calls below are the whole public API; the CLI and the Excel layer use nothing else.
"""

from zwgk_xl import config, findings, mail
from zwgk_xl.atomic import OutputLocked
from zwgk_xl.build import BuildResult, build_master
from zwgk_xl.canonical import write as write_canonical
from zwgk_xl.collect import ReturnsError
from zwgk_xl.importers import ImportError_, import_tasklist
from zwgk_xl.master import Master, MasterError, read_master
from zwgk_xl.merge import Consolidation, consolidate, write_merged
from zwgk_xl.model import Finding, ImportResult, Roster, Task, TaskList, Unit
from zwgk_xl.report import Report, ReportError, read_report
from zwgk_xl.split import SplitResult, mail_files, split_units
from zwgk_xl.units import RosterError, load_roster

__version__ = "0.1.0"

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
