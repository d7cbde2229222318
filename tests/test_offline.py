"""The offline installs (issue 19): the Windows bundle run under Wine, the Linux wheelhouse installed with the
network unused, and the pieces of both that need neither.

The slow tests carry the ``offline`` marker: ``make test`` leaves them out (``-m "not offline"`` in pyproject),
``make test-offline`` (run by .ci/run after ``make test``) runs them. They download wheels from the package index
once (cached in ~/.cache/zwgk-offline). Without Wine or mingw-w64 the Wine test skips with a message, except in CI
(CI=true), where .ci/run installs both and a skip would hide a broken bundle.

Under Wine 8 some of Windows is missing, and a test-only DLL built here from tests/wine/bcryptprimitives.c
supplies it (never in the bundle): bcryptprimitives.dll's ProcessPrng (Rust-built .pyd files import it), the C99
complex functions of ucrtbase.dll (numpy calls crealf while it imports; Wine 8 has only aborting stubs) and
propsys.dll's VariantToString (platform.machine() asks WMI when pandas imports).
The test loads that DLL through one .pth file it adds to its own unpacked copy of the bundle.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from .conftest import ROOT, WORKBOOKS

sys.path.insert(0, str(ROOT / "tools"))

import bundle
import zwgk_bundle


def _need(tool: str, package: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI (.ci/run installs {package})")
        pytest.skip(f"{tool} 未安装，跳过 Windows 免安装包在 Wine 下的测试（apt-get install {package}）")
    return exe


# ------------------------------------------------------------------------------------------- fast, no network


def test_launchers_are_ascii_crlf_and_call_the_bundled_python() -> None:
    """cmd.exe reads a .cmd in the console's code page (and Wine's even after chcp 65001): ASCII only."""
    assert set(bundle.LAUNCHERS) == {"zwgk.cmd", "一键汇总.cmd", "生成分发.cmd", "发送汇总.cmd", "演示.cmd"}
    for name, text in bundle.LAUNCHERS.items():
        assert text.isascii(), name
        assert text.count("\r\n") == text.count("\n"), name
        assert '"%~dp0python\\python.exe" -X utf8 -m zwgk_bundle ' in text, name
    assert "--action consolidate" in bundle.LAUNCHERS["一键汇总.cmd"]
    assert "pause" not in bundle.LAUNCHERS["zwgk.cmd"]


def test_pth_points_at_lib_and_turns_site_on() -> None:
    lines = [ln for ln in bundle.PTH.split("\r\n") if ln and not ln.startswith("#")]
    assert lines == ["python313.zip", ".", "..\\lib", "import site"]


def test_wire_excel_writes_xlwings_conf(tmp_path: Path) -> None:
    assert zwgk_bundle.wire_excel(tmp_path) is None
    for conf in ("xlwings.conf", "myaddin.conf"):  # the control workbook's and the ribbon add-in's
        text = (tmp_path / conf).read_bytes().decode()
        assert text == f'"INTERPRETER_WIN","{tmp_path / "python" / "pythonw.exe"}"\r\n'


def test_control_workbook_can_leave_the_interpreter_to_xlwings_conf(tmp_path: Path) -> None:
    from zwgk_xl import control

    for interpreter, expected in ((None, ["PYTHONPATH", "Show Console"]), ("", ["Interpreter_Win", "PYTHONPATH"])):
        xlsm = control.build_control(tmp_path / str(interpreter), interpreter=interpreter)[0]
        rows = CalamineWorkbook.from_path(str(xlsm)).get_sheet_by_name("xlwings.conf").to_python()
        assert [r[0] for r in rows][:2] == expected


# ------------------------------------------------------------------------------------------- slow: offline marker


@pytest.fixture(scope="session")
def bundle_zip() -> Path:
    """The bundle, built once a session from this checkout (wheels cached between runs)."""
    return bundle.build()


@pytest.mark.offline
def test_bundle_contents_and_reproducible(bundle_zip: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(bundle_zip) as z:
        names = set(z.namelist())
        pth = z.read("zwgk/python/python313._pth").decode()
    for must in (
        "zwgk/python/python.exe",
        "zwgk/python/pythonw.exe",
        "zwgk/python/python313.dll",
        "zwgk/python/python.cat",
        "zwgk/lib/zwgk_xl/cli.py",
        "zwgk/lib/zwgk_bundle.py",
        "zwgk/lib/sitecustomize.py",
        "zwgk/lib/pywin32.pth",
        "zwgk/lib/xlwings/__init__.py",
        "zwgk/lib/python_calamine/__init__.py",
        "zwgk/zwgk_control.xlsm",
        "zwgk/zwgk_addin.xlam",
        "zwgk/zwgk_control.py",
        "zwgk/workbooks/shangyu_2022_tasklist.txt",
        "zwgk/workbooks/shangyu_roster.csv",
        "zwgk/使用说明.txt",
        *(f"zwgk/{n}" for n in bundle.LAUNCHERS),
    ):
        assert must in names, must
    assert "import site" in pth and "..\\lib" in pth
    assert not [n for n in names if "bcryptprimitives" in n.lower()]  # the Wine shim is never shipped
    assert not [n for n in names if "/tests/" in n and n.startswith(("zwgk/lib/pandas", "zwgk/lib/numpy"))]
    again = bundle.build(tmp_path / "again.zip")
    with zipfile.ZipFile(bundle_zip) as a, zipfile.ZipFile(again) as b:
        differ = [i.filename for i in a.infolist() if i.CRC != b.getinfo(i.filename).CRC]
    assert not differ  # (the project's README is in its wheel's METADATA: edit nothing while this runs)
    assert again.read_bytes() == bundle_zip.read_bytes()  # same checkout, same bytes


@pytest.fixture(scope="session")
def wine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A Wine prefix with the test-only shim DLL in its system32."""
    _need("wine", "wine wine64")
    gcc = _need("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64")
    prefix = Path.home() / ".cache" / "zwgk-wine"
    env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all", "WINEDLLOVERRIDES": "mscoree,mshtml="}
    if not (prefix / "system.reg").exists():
        subprocess.run(["wineboot", "-i"], env=env, check=True, capture_output=True, timeout=300)
    system32 = prefix / "drive_c" / "windows" / "system32"
    source = ROOT / "tests" / "wine" / "bcryptprimitives.c"
    subprocess.run(
        [
            gcc,
            "-shared",
            "-O2",
            "-s",
            "-static-libgcc",
            "-o",
            str(system32 / "bcryptprimitives.dll"),
            str(source),
            "-ladvapi32",
            "-loleaut32",
        ],
        check=True,
        timeout=120,
    )
    return env


@pytest.fixture(scope="session")
def unpacked(bundle_zip: Path, wine: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle unzipped (as Windows Explorer would: UTF-8 names) into a path with Chinese and a space."""
    base = tmp_path_factory.mktemp("win") / "政务 公开 测试"
    with zipfile.ZipFile(bundle_zip) as z:
        z.extractall(base)
    root = base / "zwgk"
    (root / "lib" / "zz_wine_test.pth").write_text("import ctypes; ctypes.WinDLL('bcryptprimitives')\n")
    return root


def run_cmd(env: dict[str, str], root: Path, launcher: str, *args: str, timeout: int = 600) -> tuple[int, str]:
    """Run a launcher under Wine's cmd; output through a pipe (Wine's console code page is cp1252)."""
    res = subprocess.run(
        ["wine", "cmd", "/c", launcher, *args],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
    )
    return res.returncode, res.stdout.decode("utf-8", errors="replace")


@pytest.mark.offline
def test_wine_help_import_and_errors_in_chinese(wine: dict[str, str], unpacked: Path) -> None:
    rc, out = run_cmd(wine, unpacked, "zwgk.cmd", "--help")
    assert rc == 0, out
    assert "用法：zwgk" in out and "导入任务清单并检查单位名称" in out  # UTF-8 through the pipe, cp1252 console
    rc, out = run_cmd(
        wine,
        unpacked,
        "zwgk.cmd",
        "import",
        "workbooks\\shangyu_2022_tasklist.txt",
        "-r",
        "workbooks\\shangyu_roster.csv",
        "--json",
    )
    assert rc == 0, out[-3000:]
    import zwgk_xl

    roster, _ = zwgk_xl.load_roster(WORKBOOKS / "shangyu_roster.csv")
    linux = zwgk_xl.import_tasklist(WORKBOOKS / "shangyu_2022_tasklist.txt", roster).to_json()
    windows = json.loads(out[out.index("{") :])
    for key in ("title", "year", "sections", "tasks"):  # the same list, task for task
        assert windows[key] == linux[key], key
    assert [(f["code"], f["unit"], f["task_id"]) for f in windows["findings"]] == [
        (f["code"], f["unit"], f["task_id"]) for f in linux["findings"]
    ]
    # Excel's side: pywin32 (its DLLs found through pywin32.pth, read by the bundle's sitecustomize) and xlwings;
    # pandas (HTML import). win32com.client itself needs more of Windows' COM than Wine 8 has.
    code = "import pywintypes, win32api, pythoncom, pandas, xlwings; print('xlwings', xlwings.__version__)"
    res = subprocess.run(
        ["wine", str(unpacked / "python" / "python.exe"), "-X", "utf8", "-c", code],
        env=wine,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
    )
    assert res.returncode == 0 and b"xlwings 0.37.8" in res.stdout, res.stderr[-2000:]
    # the control: without UTF-8 mode, Chinese cannot go out through Wine's cp1252 (as on an English Windows)
    bare = subprocess.run(
        ["wine", str(unpacked / "python" / "python.exe"), "-c", "print('政务公开')"],
        env=wine,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
    )
    assert bare.returncode != 0 and b"UnicodeEncodeError" in bare.stderr
    rc, out = run_cmd(wine, unpacked, "zwgk.cmd", "run", "没有这个文件.xlsm")
    assert rc == 2 and "错误：找不到控制工作簿" in out and "Traceback" not in out
    assert (unpacked / "xlwings.conf").read_bytes().startswith(b'"INTERPRETER_WIN","')


def _values(path: Path, sheet: str) -> list[Any]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


@pytest.mark.offline
def test_wine_demo_loop_matches_linux(wine: dict[str, str], unpacked: Path, tmp_path: Path) -> None:
    """演示.cmd under Wine: build, split, simulated returns, merge, mail drafts — the same results as on Linux."""
    start = time.perf_counter()
    rc, out = run_cmd(wine, unpacked, "演示.cmd")
    seconds = time.perf_counter() - start
    assert rc == 0, out[-3000:]
    print(f"\n演示.cmd under Wine: {seconds:.1f} s")
    win = unpacked / "演示输出"
    from zwgk_xl import demo

    assert demo.main([str(tmp_path / "linux")]) == 0
    lin = tmp_path / "linux"
    for sub in ("outbox", "returns"):
        assert sorted(p.name for p in (win / sub).rglob("*.xlsx")) == sorted(
            p.name for p in (lin / sub).rglob("*.xlsx")
        )
    assert len(list((win / "outbox").glob("*.xlsx"))) == 35
    for sheet in ("总表", "填报明细"):
        assert _values(win / "汇总.xlsx", sheet) == _values(lin / "汇总.xlsx", sheet), sheet
    assert _values(win / "任务清单.xlsx", "任务清单") == _values(lin / "任务清单.xlsx", "任务清单")
    kinds = {k: sum(1 for _ in (win / "邮件发件箱").rglob(f"*{k}*.eml")) for k in ("分发", "催报", "汇总")}
    assert len(list((win / "邮件发件箱").rglob("*.eml"))) == len(list((lin / "邮件发件箱").rglob("*.eml"))) > 0, kinds
    assert "所有输出在" in out


@pytest.mark.offline
def test_wine_cmd_launcher_on_a_control_workbook(wine: dict[str, str], unpacked: Path) -> None:
    """The WPS path: 设置 filled in (here by openpyxl, as WPS or Excel would save it), 一键汇总.cmd run."""
    from openpyxl import load_workbook

    from zwgk_xl import control

    if not (unpacked / "演示输出" / "总表.xlsx").exists():
        assert run_cmd(wine, unpacked, "演示.cmd")[0] == 0
    book = unpacked / "zwgk_control.xlsm"
    wb = load_workbook(book, keep_vba=True)
    ws = wb[control.SETTINGS_SHEET]
    values = {"master": "演示输出\\总表.xlsx", "returns": "演示输出\\returns", "output": "结果", "as_of": "2022-12-15"}
    for r in range(1, ws.max_row + 1):
        key = {label: k for label, k, _ in control.SETTINGS}.get(ws.cell(r, 1).value)
        if key in values:
            ws.cell(r, 2).value = values[key]
    wb.save(book)
    rc, out = run_cmd(wine, unpacked, "一键汇总.cmd")
    assert rc == 0, out[-3000:]
    assert "一键汇总完成：已报送 34/35 个单位" in out
    assert (unpacked / "结果" / f"汇总_{dt.date(2022, 12, 15).isoformat()}.xlsx").exists()
    values["returns"] = "没有这个文件夹"
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == "报送文件夹":
            ws.cell(r, 2).value = values["returns"]
    wb.save(book)
    rc, out = run_cmd(wine, unpacked, "一键汇总.cmd")
    assert rc == 2 and "“报送文件夹”指向的" in out and "不存在" in out and "Traceback" not in out


def _no_network_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.offline
def test_wheelhouse_installs_offline_and_runs_the_demo(tmp_path: Path) -> None:
    import tarfile

    import wheelhouse

    archive = wheelhouse.build("x86_64")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    folder = tmp_path / "zwgk-linux-x86_64"
    assert sorted(p.name for p in folder.iterdir()) == ["install.sh", "wheels", "workbooks", "使用说明.txt"]
    dest = tmp_path / "安装 目录"
    env = {**os.environ, "PYTHON": sys.executable, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
    offline = ["unshare", "-n"] if _no_network_works() else []  # a network namespace with no interfaces
    res = subprocess.run(
        [*offline, "sh", str(folder / "install.sh"), str(dest)], env=env, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert "安装完成" in res.stdout
    out = tmp_path / "演示"
    res = subprocess.run(
        [str(dest / "bin" / "python"), "-m", "zwgk_xl.demo", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert len(list((out / "outbox").glob("*.xlsx"))) == 35 and (out / "汇总.xlsx").exists()
    rc = subprocess.run([str(dest / "bin" / "zwgk"), "--help"], capture_output=True, text=True)
    assert rc.returncode == 0 and "导入任务清单" in rc.stdout
