"""The CLI is a shell over the library: --json equals what the library returns; every command is documented."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from zwgk_xl import import_tasklist, load_roster
from zwgk_xl.cli import app

from .conftest import SAMPLES

runner = CliRunner()


def test_import_json_equals_library() -> None:
    source, roster_path = SAMPLES["shangyu_2022"]
    res = runner.invoke(app, ["import", str(source), "-r", str(roster_path), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == import_tasklist(source, load_roster(roster_path)[0]).to_json()


def test_import_writes_canonical_and_prints_summary(tmp_path) -> None:
    out = tmp_path / "t.xlsx"
    res = runner.invoke(app, ["import", str(SAMPLES["haishu_2021"][0]), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists()
    assert "34 项任务" in res.stdout


def test_missing_file_is_a_clear_error() -> None:
    res = runner.invoke(app, ["import", "nope.txt"])
    assert res.exit_code == 2
    assert "找不到任务清单文件" in res.output


def test_every_command_has_chinese_help_and_example() -> None:
    for cmd in app.registered_commands:
        name = cmd.name or cmd.callback.__name__
        res = runner.invoke(app, [name, "--help"])
        assert res.exit_code == 0
        assert re.search(r"[\u4e00-\u9fff]", res.stdout), name
        assert "示例" in res.stdout, f"{name} --help shows no example"


def test_merge_json_equals_library_and_exit_code(built, tmp_path) -> None:
    import datetime as dt

    from zwgk_xl import consolidate, simulate

    _, b, _, base = built["haishu_2021"]
    returns = tmp_path / "returns"
    simulate.fill_returns(base / "outbox", returns, seed=5, due=dt.date(2021, 11, 30))
    out = tmp_path / "merged.xlsx"
    res = runner.invoke(app, ["merge", str(b.path), str(returns), "-o", str(out), "--as-of", "2021-12-31", "--json"])
    lib = consolidate(b.path, returns, as_of=dt.date(2021, 12, 31)).to_json()
    assert json.loads(res.stdout) == lib
    has_error = any(f["severity"] == "error" for f in lib["findings"])
    assert res.exit_code == (1 if has_error else 0)
    assert out.exists()


def test_merge_bad_date_and_bad_master(tmp_path) -> None:
    res = runner.invoke(app, ["merge", "x.xlsx", str(tmp_path), "--as-of", "12/15"])
    assert res.exit_code == 2 and "2022-12-15" in res.output
    res = runner.invoke(app, ["merge", str(tmp_path / "none.xlsx"), str(tmp_path)])
    assert res.exit_code == 2 and "找不到总表" in res.output


def test_every_finding_code_has_a_chinese_title() -> None:
    import ast
    from pathlib import Path

    from zwgk_xl.findings import CATALOGUE, TITLES

    assert set(TITLES) == set(CATALOGUE)
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in TITLES.values())
    # every code raised anywhere in the package is catalogued (and none is catalogued but never raised)
    used = set()
    for p in (Path(__file__).resolve().parent.parent / "zwgk_xl").rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CATALOGUE:
                used.add(node.value)
    assert used == set(CATALOGUE)


def test_merge_refuses_a_missing_returns_folder(built, tmp_path) -> None:
    _, b, _, _ = built["haishu_2021"]
    res = runner.invoke(app, ["merge", str(b.path), str(tmp_path / "typo"), "-o", str(tmp_path / "m.xlsx")])
    assert res.exit_code == 2 and "找不到报送文件夹" in res.output
    assert not (tmp_path / "m.xlsx").exists()


def test_help_and_usage_errors_are_chinese_and_fit_80_columns() -> None:
    """Every command's help, and a usage error, in Chinese (typer/click's own strings too), within 80 columns, with
    nothing cut off with "…"."""
    from rich.cells import cell_len
    from typer.testing import CliRunner

    from zwgk_xl.cli import app

    runner = CliRunner()
    env = {"COLUMNS": "80", "TERMINAL_WIDTH": "80"}
    english = ("Usage", "Options", "Arguments", "Commands", "Show this message", "[required]", "default:", "Error")
    english += ("<path>", "<str>", "<bool>", "<int>", "<list", "{master}", "{returns}", "{tasks}", "{source}")
    outputs = [runner.invoke(app, ["--help"], env=env).output]
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    for name in names:
        res = runner.invoke(app, [name, "--help"], env=env)
        assert res.exit_code == 0, res.output
        outputs.append(res.output)
    bad = runner.invoke(app, ["merge"], env=env)
    assert bad.exit_code == 2 and "缺少参数" in bad.output and "用法：" in bad.output
    outputs.append(bad.output)
    for text in outputs:
        assert all(cell_len(line) <= 80 for line in text.splitlines()), text
        assert "…" not in text, text
        assert not [w for w in english if w in text], text


def test_merge_runs_in_a_fresh_process_as_a_clerk_runs_it(built, tmp_path) -> None:
    """`zwgk merge` in its own process (not after the tests imported every module): no traceback, file-level
    findings show the file as their example (a junk file among the returns)."""
    import datetime as dt
    import subprocess
    import sys

    from zwgk_xl import simulate

    _, b, _, base = built["haishu_2021"]
    returns = tmp_path / "returns"
    simulate.fill_returns(base / "outbox", returns, seed=5, due=dt.date(2021, 11, 30))
    (returns / "垃圾.xlsx").write_bytes(b"not a workbook" * 100)
    out = tmp_path / "merged.xlsx"
    code = "import sys; from zwgk_xl.cli import main; sys.argv[0] = 'zwgk'; main()"
    args = ["merge", str(b.path), str(returns), "-o", str(out), "--as-of", "2021-12-31"]
    run = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env={"COLUMNS": "120", "PATH": ""}
    )
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert run.returncode in (0, 1), run.stderr
    assert out.exists()
    row = next(line for line in run.stdout.splitlines() if "文件无法读取" in line)
    assert "垃圾.xlsx" in row
