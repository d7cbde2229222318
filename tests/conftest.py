from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
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
