"""Text files as Windows offices save them: UTF-8 (with or without BOM), else GB18030. Used for rosters (.csv) and
lists (.txt, .csv, .html); each caller turns the one error into its own (a roster error, an import error)."""

from __future__ import annotations

from pathlib import Path


class TextEncodingError(ValueError):
    """The bytes are neither UTF-8 nor GB18030; the message says so in Chinese."""


def read_text(path: Path) -> str:
    """A CSV or text file as saved by Excel or WPS on Windows: UTF-8 (with or without BOM), else GB18030."""
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise TextEncodingError(f"{path}：无法识别文件编码（请另存为 UTF-8 或 GBK）")
