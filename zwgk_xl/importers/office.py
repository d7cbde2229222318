"""Old Office and WPS files (.doc, .wps, .et, .rtf, .odt) → .docx / .xlsx through LibreOffice, when installed.

The converted copy is written to a temporary folder (the clerk's file is only read) and read like any .docx or
.xlsx. Without LibreOffice the run stops with a message naming the file and what to do instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, target: str) -> Path:
    """A .docx or .xlsx copy of ``path`` in a temporary folder (kept for the process's life: the importer reads
    it after this returns)."""
    from zwgk_xl.importers import ImportError_

    exe = soffice()
    kind = path.suffix.lower()
    if exe is None:
        raise ImportError_(
            f"{path}：{kind} 文件需要 LibreOffice 转换，但本机未安装 LibreOffice。请用 Word 或 WPS 打开该文件，"
            f"“另存为” .{target}（{'Word 文档' if target == 'docx' else 'Excel 工作簿'}）后再导入；"
            "或安装 LibreOffice（apt-get install libreoffice，或 libreoffice.org）。"
        )
    outdir = Path(tempfile.mkdtemp(prefix="zwgk-import-"))
    profile = outdir / "profile"
    env = dict(os.environ, HOME=str(outdir))
    try:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env=env,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        raise ImportError_(
            f"{path}：LibreOffice 无法转换该文件（{exc}）；请用 Word 或 WPS 另存为 .{target} 后再导入"
        ) from exc
    out = outdir / f"{path.stem}.{target}"
    if not out.exists():
        raise ImportError_(f"{path}：LibreOffice 没有转换出 .{target}；请用 Word 或 WPS 另存为 .{target} 后再导入")
    return out
