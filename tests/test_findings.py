"""The findings catalogue helpers."""

from __future__ import annotations

import pytest

from zwgk_xl import findings


@pytest.mark.parametrize(
    ("codes", "text"),
    [
        ([], "问题 0 条"),
        (["row-deleted"], "问题 1 条（错误 1）"),
        (["row-deleted", "overdue", "overdue", "row-moved"], "问题 4 条（错误 1，警告 2，提示 1）"),
        (["row-moved"], "问题 1 条（提示 1）"),
    ],
)
def test_tally(codes: list[str], text: str) -> None:
    items = [findings.make(c, task_id="T1", due="2022-09-30", status="推进中") for c in codes]
    assert findings.tally(items) == text
