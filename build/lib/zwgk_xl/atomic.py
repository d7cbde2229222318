"""Write every output to a temporary file beside the target, then rename it into place.

A crash, a full disk or a file open in Excel then never leaves a half-written output, and the previous output
stays intact until the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


class OutputLocked(Exception):
    """The target cannot be replaced, usually because it is open in Excel or WPS on Windows."""


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise OutputLocked(f"无法写入 {target}：文件可能正在 Excel/WPS 中打开，请关闭后重试") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
