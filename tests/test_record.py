"""record.py: the append-only SQLite audit record, on real SQLite files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zwgk_xl import record as rec
from zwgk_xl.rounds import KEPT


def merge_rows(tx: rec.MergeTx, round_label: str = "Q3", status: str = "推进中") -> None:
    tx.files(
        [
            rec.FileRow("r/a.xlsx", 10, "aa", "a", "甲局", "L", round_label, "2022-09-20", "t", "采用", ("x",)),
            rec.FileRow("r/a0.xlsx", 9, "a0", "a", "甲局", "L", round_label, "2022-09-10", "t", "较早报送"),
        ]
    )
    tx.answers(
        round_label,
        [rec.AnswerRow("a", "甲局", "T1", "牵头", {"status": status, "progress": "p"}, KEPT, "r/a.xlsx", "2022-09-20")],
    )
    tx.tasks(round_label, [("T1", status, False)])
    tx.finish(rec.MergeRow("L", "清单", round_label, "2022-09-30", due="2022-09-15", output_sha256=round_label))


def test_a_merge_is_one_transaction_and_the_record_is_append_only(tmp_path: Path) -> None:
    path = tmp_path / rec.RECORD_NAME
    r, notes = rec.open_record(path)
    assert [n.code for n in notes] == ["record-recreated"]
    with r.merge() as tx:
        merge_rows(tx)
    assert r.counts() == {"merges": 1, "files": 2, "answers": 1, "tasks": 1, "mails": 0, "meta": 2}
    for sql in ("UPDATE answers SET status = '已完成'", "DELETE FROM files", "UPDATE merges SET round = 'x'"):
        with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
            r.conn.execute(sql)
    with pytest.raises(RuntimeError), r.merge() as tx:  # a failure half-way leaves nothing
        tx.files([rec.FileRow("b.xlsx", 1, "b", "b", "乙局", "L", "Q3", "", "t", "采用")])
        raise RuntimeError("stop")
    with r.merge() as tx:  # a block that never finished is rolled back
        tx.tasks("Q3", [("T9", "已完成", False)])
    assert r.counts()["files"] == 2 and r.counts()["tasks"] == 1
    assert r.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    r.close()
    r, notes = rec.open_record(path)  # reopened: nothing to say
    assert notes == [] and r.counts()["merges"] == 1
    r.close()


def test_a_damaged_record_is_moved_aside_and_recreated(tmp_path: Path) -> None:
    path = tmp_path / rec.RECORD_NAME
    path.write_bytes(b"this is not a database" * 100)
    r, notes = rec.open_record(path)
    assert [n.code for n in notes] == ["record-recreated"] and "损坏" in notes[0].message
    assert r.counts()["merges"] == 0
    assert len(list(tmp_path.glob("留痕库.损坏-*.sqlite"))) == 1
    r.close()


def test_timeline_names_late_returns_resends_and_the_latest_merge_of_each_round(tmp_path: Path) -> None:
    r, _ = rec.open_record(tmp_path / rec.RECORD_NAME)
    with r.merge() as tx:
        merge_rows(tx, "Q3", "推进中")
    with r.merge() as tx:
        merge_rows(tx, "Q3", "已完成")  # merged again: replaces the first
    with r.merge() as tx:
        merge_rows(tx, "Q4", "已完成")
    r.mails([{"kind": "催报", "unit": "甲局", "to": "a@x", "subject": "s", "state": "drafted"}])
    tl = rec.timeline(r, task="T1", unit="甲")
    assert [x["round"] for x in tl.rounds] == ["Q3", "Q4"]
    assert [(e["round"], e["status"], e["late"]) for e in tl.entries] == [
        ("Q3", "已完成", True),
        ("Q4", "已完成", True),
    ]
    assert all(f["resend"] for f in tl.files)
    assert tl.mails == []  # mails are not per task
    assert len(rec.timeline(r, unit="甲局").mails) == 1
    st = r.state("L", "Q5")
    assert st is not None and st.labels == ("Q3", "Q4") and st.carried[0].round == "Q4"
    assert st.statuses("T1") == {"Q3": "已完成", "Q4": "已完成"}
    r.close()


CHILD = """
import sys
from zwgk_xl import record as rec
sys.path.insert(0, {tests!r})
from test_record import merge_rows
r, _ = rec.open_record({path!r})
with r.merge() as tx:
    merge_rows(tx, "Q4")
"""


def test_a_process_killed_mid_merge_leaves_the_record_as_before(tmp_path: Path) -> None:
    path = tmp_path / rec.RECORD_NAME
    r, _ = rec.open_record(path)
    with r.merge() as tx:
        merge_rows(tx, "Q3")
    before = r.counts()
    r.close()
    marker = tmp_path / "paused"
    env = {**os.environ, rec.PAUSE_ENV: str(marker)}
    code = CHILD.format(tests=str(Path(__file__).parent), path=str(path))
    child = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        for _ in range(600):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), "the child never reached the pause point"
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    r, notes = rec.open_record(path)
    assert notes == []
    assert r.counts() == before
    assert r.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with r.merge() as tx:  # and the next merge works
        merge_rows(tx, "Q4")
    assert r.counts()["merges"] == before["merges"] + 1
    r.close()
