"""What the Windows bundle's launchers run (tools/bundle.py copies this file into the bundle's ``lib/``).

``python.exe -X utf8 -m zwgk_bundle [demo OUT | zwgk arguments…]`` first tells Excel where the bundle's Python is,
then runs the command. xlwings' VBA takes no interpreter path relative to the workbook: it reads an absolute one
from ``xlwings.conf`` beside the workbook, as the system's ANSI code page (VBA's ``Open … For Input``). So that
file is written here, from the folder the bundle is in now, in the ``mbcs`` codec (= the ANSI code page); a path
the code page cannot spell (Chinese on an English Windows) is given as its 8.3 short form, and where even that
fails the clerk is told, in Chinese, to use the .cmd launchers or an ASCII folder for the Excel buttons.

An error no command expected is shown as one Chinese sentence, with the traceback written to a log file the clerk
can send on, instead of a traceback in the console.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from pathlib import Path

#: Read by the control workbook (xlwings' own VBA) and by the ribbon add-in (xlwings' custom add-in template, whose
#: project is named "myaddin"): each looks for ``<project>.conf`` in its own folder when its sheet has no setting.
CONFS = ("xlwings.conf", "myaddin.conf")
LOG = "zwgk-错误记录.txt"


def bundle_root() -> Path:
    """The bundle's folder: python.exe lies in its python/ folder."""
    return Path(sys.executable).resolve().parent.parent


def _short(path: Path) -> str:
    """Windows' 8.3 short form of ``path`` (ASCII where the volume keeps short names), else the path unchanged."""
    if sys.platform != "win32":
        return str(path)
    import ctypes

    buf = ctypes.create_unicode_buffer(1024)
    n = ctypes.windll.kernel32.GetShortPathNameW(str(path), buf, len(buf))
    return buf.value if 0 < n < len(buf) else str(path)


def wire_excel(root: Path) -> str | None:
    """Write the .conf files beside the workbooks; a Chinese warning where Excel cannot be wired."""
    interpreter = root / "python" / "pythonw.exe"
    for text in (str(interpreter), _short(interpreter)):
        try:
            line = f'"INTERPRETER_WIN","{text}"\r\n'.encode("mbcs" if sys.platform == "win32" else "utf-8")
        except UnicodeEncodeError:
            continue
        for conf in CONFS:
            target = root / conf
            try:
                if not target.exists() or target.read_bytes() != line:
                    target.write_bytes(line)
            except OSError as exc:
                return f"提示：无法写入 {target}（{exc.strerror}），Excel 中的按钮可能找不到 Python；.cmd 不受影响。"
        return None
    return (
        f"提示：本文件夹的路径 {root} 含有本机系统编码无法表示的字符，Excel 中的按钮无法使用；"
        "请把文件夹移到只含英文和数字的路径（如 D:\\zwgk），或直接双击 .cmd 使用。"
    )


TITLES = {"consolidate": "一键汇总", "build_and_split": "生成分发", "send_summary": "发送汇总", "demo": "演示"}
DEMO_OUT = "演示输出"


def set_title(argv: list[str]) -> None:
    """The console window's title, in Chinese (a .cmd cannot hold Chinese reliably, see tools/bundle.py)."""
    if sys.platform != "win32":
        return
    import ctypes

    word = next((TITLES[a] for a in reversed(argv) if a in TITLES), "")
    ctypes.windll.kernel32.SetConsoleTitleW(f"政务公开重点任务清单 {word}".strip())


def main(argv: list[str]) -> int:
    root = bundle_root()
    set_title(argv)
    warning = wire_excel(root)
    if warning:
        print(warning, file=sys.stderr)
    try:
        if argv[:1] == ["demo"]:
            from zwgk_xl import demo

            return int(demo.main(argv[1:] or [str(root / DEMO_OUT)]))
        from zwgk_xl.cli import app

        app(args=argv, prog_name="zwgk")
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        print("已中止。", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or an unforeseen file: one sentence for the clerk, the details in a file
        log = root / LOG
        try:
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"\n=== {dt.datetime.now():%Y-%m-%d %H:%M:%S} zwgk {' '.join(argv)}\n")
                f.write(traceback.format_exc())
            where = f"详细信息已写入 {log}，请发给信息科或开发者。"
        except OSError:
            where = "\n" + traceback.format_exc()
        print(f"出错：{exc or type(exc).__name__}。{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
