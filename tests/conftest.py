from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "zwgk_xl" / "samples"
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = {
    "shangyu_2022": (WORKBOOKS / "shangyu_2022_tasklist.txt", WORKBOOKS / "shangyu_roster.csv"),
    "haishu_2021": (WORKBOOKS / "haishu_2021_tasklist.txt", WORKBOOKS / "haishu_roster.csv"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/data golden files on purpose")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare a JSON-able value with tests/data/NAME.json; rewrite it only with --update-golden."""

    def check(name: str, value: object) -> None:
        path = DATA / f"{name}.json"
        text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if request.config.getoption("--update-golden") or not path.exists():
            if not request.config.getoption("--update-golden"):
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden once and review it")
            path.write_text(text, encoding="utf-8")
        assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text)

    return check


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that renders through LibreOffice carries the ``libreoffice`` marker, so a quick local run can
    leave them out (``pytest -m "not libreoffice"``); CI runs them all."""
    for item in items:
        if "libreoffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)


def _soffice() -> str | None:
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def libreoffice():
    """Convert files with a real LibreOffice; skip with a message where it is not installed (CI installs it)."""
    import os
    import subprocess

    exe = _soffice()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (.ci/run installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice 未安装（apt-get install libreoffice-calc-nogui）")

    def convert(src: Path, fmt: str, outdir: Path) -> Path:
        outdir.mkdir(parents=True, exist_ok=True)
        profile = outdir / ".lo-profile"
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        out = outdir / (src.stem + "." + fmt.split(":")[0])
        assert out.exists(), f"LibreOffice did not write {out}"
        return out

    return convert


def page_ink(pdf: Path, page: int = 1) -> float:
    """Share of non-white pixels on a PDF page rendered by pdftoppm (grey, low resolution)."""
    import subprocess

    data = subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)], check=True, capture_output=True
    ).stdout
    # P5 header: magic, width, height, maxval, then the bytes
    parts = data.split(maxsplit=4)
    pixels = parts[4]
    return sum(1 for b in pixels if b < 200) / max(1, len(pixels))


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Both samples built and split once per session (the files are only read by the tests)."""
    import datetime as dt

    from zwgk_xl import build_master, import_tasklist, load_roster, split_units

    out = {}
    for name, (source, roster_path) in SAMPLES.items():
        base = tmp_path_factory.mktemp(name)
        roster, _ = load_roster(roster_path)
        imported = import_tasklist(source, roster)
        now = dt.datetime(2022, 3, 1, 9, 0, 0)
        b = build_master(
            imported.tasklist,
            roster,
            base / "总表.xlsx",
            round_label="1",
            due="2022-11-30",
            contact="区府办 张三 0575-12345678",
            now=now,
        )
        s = split_units(b.path, base / "outbox", now=now)
        out[name] = (imported, b, s, base)
    return out


def fill_unit(
    src: Path, dst: Path, answers: dict[str, dict[str, object]], info: dict[str, object] | None = None, edit=None
) -> Path:
    """Fill a unit workbook like a unit would (openpyxl, as a re-save by office software), task id → field → value.
    ``edit(ws)`` may tamper with the sheet before saving."""
    from openpyxl import load_workbook

    from zwgk_xl import contract as C

    wb = load_workbook(src)
    ws = wb[C.SHEET_UNIT]
    headers = {ws.cell(C.UNIT_HEADER_ROW + 1, c).value: c for c in range(1, ws.max_column + 1)}
    col = {c.field: headers.get(c.header) for c in (*C.UNIT_INPUT, C.LEAD_SUMMARY)}
    for name, _, _, v0, _ in C.UNIT_INFO:
        field = C.INFO_FIELDS[name]
        if info and field in info:
            ws.cell(C.UNIT_INFO_ROW + 1, v0 + 1).value = info[field]
    for r in range(C.UNIT_FIRST_ROW + 1, ws.max_row + 1):
        for field, value in answers.get(ws.cell(r, 1).value, {}).items():
            ws.cell(r, col[field]).value = value
    if edit:
        edit(ws)
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst
