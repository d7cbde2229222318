"""zwgk_xl: 政务公开重点任务清单 — import, build, split, consolidate, mail.

The calls below are the whole public API; the CLI and the Excel layer use nothing else.
"""

from zwgk_xl.canonical import write as write_canonical
from zwgk_xl.importers import ImportError_, import_tasklist
from zwgk_xl.model import Finding, ImportResult, Roster, Task, TaskList, Unit
from zwgk_xl.units import RosterError, load_roster

__version__ = "0.1.0"

__all__ = [
    "Finding",
    "ImportError_",
    "ImportResult",
    "Roster",
    "RosterError",
    "Task",
    "TaskList",
    "Unit",
    "import_tasklist",
    "load_roster",
    "write_canonical",
]
