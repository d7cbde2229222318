"""Three reporting rounds end to end on the Shangyu sample, through the CLI where a clerk would use it.

Round 1 (2022-Q3): every unit fills in; one unit edits a locked cell (tampered).
Round 2 (2022-Q4): `zwgk next` pre-fills; one unit updates, the tampered unit starts from blank cells, one unit
resends its round-1 file, the rest return every carried value as it was.
Round 3 (2023-Q1): the updating unit goes back from 已完成 to 推进中; a merge is killed mid-transaction first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

import zwgk_xl
from zwgk_xl import contract as C
from zwgk_xl import cycle
from zwgk_xl import record as rec
from zwgk_xl import rounds as R
from zwgk_xl.cli import app
from zwgk_xl.workbook.roundbook import read_state

from .conftest import SAMPLES, fill_unit

runner = CliRunner()
Q3, Q4, Q1 = "2022-Q3", "2022-Q4", "2023-Q1"


def _first_status(task_id: str) -> str:
    return "已完成" if int(task_id[1:]) % 4 == 0 else "推进中"


def _answers(task_ids: list[str], tag: str) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for t in task_ids:
        status = _first_status(t)
        out[t] = {"status": status, "progress": f"{tag}：{t} 第一轮进展"}
        if status == "已完成":
            out[t]["done_date"] = dt.datetime(2022, 9, 1)
    return out


def _grid(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _codes(result: cycle.MergeResult) -> set[tuple[str, str, str]]:
    return {(f.code, f.unit, f.task_id) for f in result.findings}


def _files(outbox: Path, master: Path) -> dict[str, Path]:
    m = zwgk_xl.read_master(master)
    return {u.name: p for u, p in zwgk_xl.mail_files(m, outbox)}


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    base = tmp_path_factory.mktemp("rounds")
    source, roster_path = SAMPLES["shangyu_2022"]
    roster, _ = zwgk_xl.load_roster(roster_path)
    tl = zwgk_xl.import_tasklist(source, roster).tasklist
    m1 = zwgk_xl.build_master(tl, roster, base / "总表-Q3.xlsx", round_label=Q3, due="2022-09-25").path
    zwgk_xl.split_units(m1, base / "outbox1")
    plans = {p.unit.name: p for p in zwgk_xl.read_master(m1).plans}
    by_size = sorted(plans, key=lambda n: (-len(plans[n].rows), n))
    a, c, d = by_size[0], by_size[1], by_size[2]  # updates; resends round 1; tampered in round 1
    files1 = _files(base / "outbox1", m1)
    day1 = {"date": dt.datetime(2022, 9, 20)}
    for name, src in files1.items():
        tasks = [t.id for t, _ in plans[name].rows]

        def tamper(ws) -> None:
            ws.cell(C.UNIT_FIRST_ROW + 1, 3).value = "改动过的任务内容"

        info = {"date": dt.datetime(2022, 9, 28)} if name == a else day1  # late
        fill_unit(src, base / "returns1" / f"{name}.xlsx", _answers(tasks, name), info, tamper if name == d else None)
    r1 = cycle.merge(m1, base / "returns1", base / "汇总-Q3.xlsx", as_of=dt.date(2022, 9, 30))
    return {"base": base, "plans": plans, "a": a, "c": c, "d": d, "r1": r1, "m1": m1}


def test_round_one_is_recorded_and_knows_no_earlier_round(rounds) -> None:
    r1, base = rounds["r1"], rounds["base"]
    assert not r1.consolidation.mark_shown
    assert ("locked-text-edited", rounds["d"]) in {(f.code, f.unit) for f in r1.findings}
    with rec.open_record(base / rec.RECORD_NAME)[0] as r:
        counts = r.counts()
    assert counts["merges"] == 1
    assert counts["files"] == len(rounds["plans"])
    assert counts["answers"] == sum(len(p.rows) for p in rounds["plans"].values())
    state = read_state(base / "汇总-Q3.xlsx")
    assert state is not None and state.labels == (Q3,)
    assert set(state.withheld_units) == {rounds["plans"][rounds["d"]].unit.id}


@pytest.fixture(scope="module")
def round_two(rounds):
    base, plans, a, c, d = rounds["base"], rounds["plans"], rounds["a"], rounds["c"], rounds["d"]
    res = runner.invoke(
        app,
        ["next", str(base / "汇总-Q3.xlsx"), "--round", Q4, "--due", "2022-12-20", "-o", str(base / "总表-Q4.xlsx")],
    )
    assert res.exit_code == 0, res.output
    m2 = base / "总表-Q4.xlsx"
    res = runner.invoke(app, ["split", str(m2), "-o", str(base / "outbox2")])
    assert res.exit_code == 0, res.output
    files2 = _files(base / "outbox2", m2)
    a_tasks = [t.id for t, _ in plans[a].rows]
    updated = next(t for t in a_tasks if _first_status(t) == "推进中")
    day = {"date": dt.datetime(2022, 12, 10)}
    for name, src in files2.items():
        dst = base / "returns2" / f"{name}.xlsx"
        if name == a:
            fill_unit(
                src, dst, {updated: {"status": "已完成", "progress": "第二轮：已完成", "done_date": "2022-12-01"}}, day
            )
        elif name == c:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(base / "returns1" / f"{name}.xlsx", base / "returns2" / f"{name}（补发）.xlsx")
        elif name == d:
            fill_unit(src, dst, _answers([t.id for t, _ in plans[d].rows], "重新填写"), day)
        else:
            fill_unit(src, dst, {}, day)  # every carried value left as it was
    r2 = cycle.merge(m2, base / "returns2", base / "汇总-Q4.xlsx", as_of=dt.date(2022, 12, 15))
    return {**rounds, "m2": m2, "files2": files2, "r2": r2, "updated": updated}


def test_next_round_master_carries_the_list_and_the_answers(round_two) -> None:
    m2 = zwgk_xl.read_master(round_two["m2"])
    assert m2.round == Q4 and m2.meta[C.K_DUE] == "2022-12-20"
    assert m2.earlier_rounds == frozenset({Q3})
    assert [t.id for t in m2.tasklist.tasks] == [t.id for t in zwgk_xl.read_master(round_two["m1"]).tasklist.tasks]
    res = runner.invoke(app, ["next", str(round_two["base"] / "汇总-Q3.xlsx"), "--round", Q3, "-o", "x.xlsx"])
    assert res.exit_code == 2 and "已经汇总过" in res.output


def test_split_prefills_marks_and_blanks_withheld_units(round_two) -> None:
    plans, files2, c, d = round_two["plans"], round_two["files2"], round_two["c"], round_two["d"]
    wb = load_workbook(files2[c])
    ws = wb[C.SHEET_UNIT]
    headers = {ws.cell(C.UNIT_HEADER_ROW + 1, i).value: i for i in range(1, ws.max_column + 1)}
    assert C.UNIT_CARRIED.header in headers
    note = ws.cell(C.UNIT_NOTE_ROW + 1, 1).value
    assert Q4 in note and Q3 in note and "无需再填" in note
    seen_done = seen_open = False
    for r in range(C.UNIT_FIRST_ROW + 1, ws.max_row + 1):
        tid = ws.cell(r, 1).value
        status = ws.cell(r, headers["完成状态"]).value
        progress = ws.cell(r, headers["进展情况"])
        mark = ws.cell(r, headers[C.UNIT_CARRIED.header]).value
        assert status == _first_status(tid)
        assert progress.value == f"{c}：{tid} 第一轮进展"
        assert progress.fill.fgColor.rgb.endswith(C.COLOR_CARRIED[1:])
        assert progress.protection.locked is False
        if status == "已完成":
            assert mark == f"已完成（{Q3}已报），无需再填；如有变化请修改"
            assert ws.cell(r, headers["完成（预计）时间"]).value == dt.datetime(2022, 9, 1)
            seen_done = True
        else:
            assert mark == f"沿用{Q3}填报，有变化请修改"
            seen_open = True
    assert seen_done and seen_open
    ws = load_workbook(files2[d])[C.SHEET_UNIT]
    assert "重新填写" in ws.cell(C.UNIT_NOTE_ROW + 1, 1).value
    for r in range(C.UNIT_FIRST_ROW + 1, C.UNIT_FIRST_ROW + 1 + len(plans[d].rows)):
        assert ws.cell(r, 9).value is None  # 完成状态: blank
        assert "锁定内容被改动" in ws.cell(r, ws.max_column).value


def test_round_two_marks_stalls_and_a_stale_resend(round_two) -> None:
    r2, plans, a, c, d = round_two["r2"], round_two["plans"], round_two["a"], round_two["c"], round_two["d"]
    cons = r2.consolidation
    assert cons.mark_shown and cons.changes is not None and cons.changes.previous == Q3
    ids = {n: plans[n].unit.id for n in plans}
    assert cons.mark(ids[a], round_two["updated"]) == R.UPDATED
    other_a = next(t.id for t, _ in plans[a].rows if t.id != round_two["updated"])
    assert cons.mark(ids[a], other_a) == R.KEPT
    assert all(cons.mark(ids[d], t.id) == R.NEW for t, _ in plans[d].rows)
    keeper = next(n for n in plans if n not in (a, c, d))
    assert all(cons.mark(ids[keeper], t.id) == R.KEPT for t, _ in plans[keeper].rows)
    # the round-1 file sent again: refused, both rounds named, its text kept
    refused = [f for f in r2.findings if f.code == "round-refused"]
    assert len(refused) == 1 and refused[0].unit == c and Q3 in refused[0].message and Q4 in refused[0].message
    kept = " ".join(f.message for f in r2.findings if f.file == refused[0].file and f.code == "row-added")
    assert f"{c}：{plans[c].rows[0][0].id} 第一轮进展" in kept
    # stalled: not done, every answer kept
    stalled = set(cons.changes.stalled)
    assert stalled
    for tid in stalled:
        assert next(t for t in cons.tasks if t.task.id == tid).status not in ("已完成", "不涉及")
        for name in plans:
            if any(t.id == tid for t, _ in plans[name].rows) and name not in (c,):
                assert cons.mark(ids[name], tid) == R.KEPT
    codes = _codes(r2)
    some = next(iter(stalled))
    assert any(code == "progress-stalled" and t == some for code, _, t in codes)
    assert a in cons.changes.improved_units
    assert keeper in cons.changes.stalled_units
    out = round_two["base"] / "汇总-Q4.xlsx"
    # 总表, 填报明细 and the unit sheets show the marks; 汇总 shows the stalled figure
    master = _grid(out, C.SHEET_MASTER)
    assert any("〔沿用上轮〕" in str(c_) for row in master for c_ in row)
    # (a cell with many units lists only their names under each status, so not every mark shows in 总表)
    detail = _grid(out, C.SHEET_DETAIL)
    col = detail[0].index("本轮变化")
    assert {row[col] for row in detail[1:]} >= {R.NEW, R.UPDATED, R.KEPT}
    unit_sheet = _grid(out, plans[a].unit.short)
    flat = [str(x) for row in unit_sheet for x in row]
    assert R.UPDATED in flat and C.UNIT_CARRIED.header in flat
    dash = _grid(out, C.SHEET_DASHBOARD)
    at = dash[2].index(R.STALLED)
    assert dash[3][at] == len(stalled)
    hist = _grid(out, C.SHEET_HISTORY)
    head = next(row for row in hist if row and row[0] == "任务编号")
    assert head[3:5] == [Q3, Q4]
    assert any(str(row[0]).startswith("进展提升的单位（") and a in str(row[0]) for row in hist)


@pytest.fixture(scope="module")
def round_three(round_two):
    base, _plans, a = round_two["base"], round_two["plans"], round_two["a"]
    res = runner.invoke(app, ["next", str(base / "汇总-Q4.xlsx"), "--round", Q1, "-o", str(base / "总表-Q1.xlsx")])
    assert res.exit_code == 0, res.output
    m3 = base / "总表-Q1.xlsx"
    zwgk_xl.split_units(m3, base / "outbox3")
    files3 = _files(base / "outbox3", m3)
    back = round_two["updated"]  # 已完成 in round 2, back to 推进中 now
    day = {"date": dt.datetime(2023, 3, 10)}
    for name, src in files3.items():
        changes = {back: {"status": "推进中", "progress": "第三轮：发现问题，重新推进"}} if name == a else {}
        fill_unit(src, base / "returns3" / f"{name}.xlsx", changes, day)
    return {**round_two, "m3": m3, "back": back}


def test_a_merge_killed_mid_transaction_leaves_the_record_as_before(round_three) -> None:
    base = round_three["base"]
    path = base / rec.RECORD_NAME
    with rec.open_record(path)[0] as r:
        before = r.counts()
    assert before["merges"] == 2
    marker = base / "paused"
    out = base / "汇总-Q1.xlsx"
    env = {**os.environ, rec.PAUSE_ENV: str(marker)}
    args = [sys.executable, "-m", "zwgk_xl.cli", "merge", str(round_three["m3"]), str(base / "returns3")]
    child = subprocess.Popen(
        [*args, "-o", str(out), "--as-of", "2023-03-31", "--json"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        for _ in range(1200):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), "the merge never reached the record's commit"
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    with rec.open_record(path)[0] as r:
        assert r.counts() == before
        assert r.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the next merge works (through the CLI, as a clerk would run it again)
    res = runner.invoke(
        app, ["merge", str(round_three["m3"]), str(base / "returns3"), "-o", str(out), "--as-of", "2023-03-31"]
    )
    assert res.exit_code in (0, 1), res.output
    assert "状态倒退 1 处" in res.output
    with rec.open_record(path)[0] as r:
        assert r.counts()["merges"] == 3


def test_round_three_regression_history_and_timeline(round_three) -> None:
    if not (round_three["base"] / "汇总-Q1.xlsx").exists():
        cycle.merge(
            round_three["m3"],
            round_three["base"] / "returns3",
            round_three["base"] / "汇总-Q1.xlsx",
            as_of=dt.date(2023, 3, 31),
        )
    base, _plans, a, back = round_three["base"], round_three["plans"], round_three["a"], round_three["back"]
    out = base / "汇总-Q1.xlsx"
    findings = zwgk_xl.read_report(out).findings
    regressed = [f for f in findings if f.code == "status-regressed"]
    assert [(f.unit, f.task_id) for f in regressed] == [(a, back)]
    assert Q4 in regressed[0].message
    hist = _grid(out, C.SHEET_HISTORY)
    head_at = next(i for i, row in enumerate(hist) if row and row[0] == "任务编号")
    head = hist[head_at]
    assert head[3:6] == [Q3, Q4, Q1] and head[6] == "完成于"
    rows = {row[0]: row for row in hist[head_at + 1 :]}
    assert rows[back][3:6] != ["", "", ""] and "有单位状态倒退" in rows[back][7]
    table = {row[0]: row for row in hist[3:6]}
    assert set(table) == {Q3, Q4, Q1}
    assert all(isinstance(table[q][3], float) for q in table)  # 已完成 counts per round (the chart's data)
    state = read_state(out)
    assert state is not None and state.labels == (Q3, Q4, Q1)
    # the record's rows: three merges, every file, every answer, every task status
    with rec.open_record(base / rec.RECORD_NAME)[0] as r:
        merges = r.latest_merges()
        assert [m["round"] for m in merges] == [Q3, Q4, Q1]
        assert all(len(m["output_sha256"]) == 64 for m in merges)
        assert merges[1]["output_sha256"] == cycle.sha256(base / "汇总-Q4.xlsx")
        q4_files = r.rows("files", "WHERE merge_key = ?", (merges[1]["merge_key"],))
        outcomes = {Path(f["path"]).name: f["outcome"] for f in q4_files}
        assert outcomes[f"{round_three['c']}（补发）.xlsx"] == "未采用"
        assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in q4_files)
        with pytest.raises(Exception, match="只能追加"):
            r.conn.execute("DELETE FROM merges")
    # zwgk history: the timeline of one task and one unit, as JSON and as a table
    res = runner.invoke(
        app, ["history", "--record", str(base / rec.RECORD_NAME), "--task", back, "--unit", a, "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [(e["round"], e["status"], e["change"]) for e in data["entries"]] == [
        (Q3, "推进中", ""),
        (Q4, "已完成", R.UPDATED),
        (Q1, "推进中", R.UPDATED),
    ]
    assert data["entries"][0]["late"] is True  # 填报日期 2022-09-28 after the due date 2022-09-25
    res = runner.invoke(app, ["history", "--record", str(base / rec.RECORD_NAME), "--unit", round_three["c"], "--json"])
    files = json.loads(res.output)["files"]
    stale = [f for f in files if f["outcome"] == "未采用"]
    assert [(f["round"], f["file_round"]) for f in stale] == [(Q4, Q3)]
    assert "round-refused" in stale[0]["findings"]
    res = runner.invoke(app, ["history", "--record", str(base / rec.RECORD_NAME), "--unit", round_three["c"]])
    assert res.exit_code == 0 and "历次汇总" in res.output and "报送文件" in res.output


def test_the_record_is_rebuilt_from_merged_workbooks(round_three, tmp_path) -> None:
    base = round_three["base"]
    if not (base / "汇总-Q1.xlsx").exists():
        pytest.skip("round three not merged")
    fresh = tmp_path / rec.RECORD_NAME
    merged = [base / "汇总-Q3.xlsx", base / "汇总-Q4.xlsx", base / "汇总-Q1.xlsx"]
    added, notes = cycle.rebuild(fresh, merged)
    assert added == 3 and [n.code for n in notes] == ["record-recreated"]
    assert cycle.rebuild(fresh, merged)[0] == 0  # each workbook once
    tl = cycle.history(fresh, task=round_three["back"], unit=round_three["a"])
    assert [(e["round"], e["status"]) for e in tl.entries] == [(Q3, "推进中"), (Q4, "已完成"), (Q1, "推进中")]
    assert {f["outcome"] for f in tl.files} >= {"采用"}


def test_a_missing_record_never_blocks_a_merge(round_two, tmp_path) -> None:
    where = tmp_path / "elsewhere" / rec.RECORD_NAME
    res = cycle.merge(round_two["m2"], round_two["base"] / "returns2", tmp_path / "m.xlsx", record=where)
    assert ("record-recreated", "", "") in _codes(res) and where.exists()
    bad = tmp_path / "ro"
    bad.mkdir()
    (bad / rec.RECORD_NAME).mkdir()  # a folder where the file should be: cannot be opened or moved aside well
    res = cycle.merge(
        round_two["m2"], round_two["base"] / "returns2", tmp_path / "m2.xlsx", record=bad / rec.RECORD_NAME
    )
    assert (tmp_path / "m2.xlsx").exists()
    assert any(f.code in ("record-unavailable", "record-recreated") for f in res.findings)


def test_reminders_name_tasks_unchanged_since_the_last_round_and_mails_are_recorded(round_two, tmp_path) -> None:
    from zwgk_xl.workbook import roundbook

    base, plans = round_two["base"], round_two["plans"]
    merged = base / "汇总-Q4.xlsx"
    unchanged, previous = roundbook.reminder_context(merged)
    assert previous == Q3
    keeper = next(n for n in plans if n not in (round_two["a"], round_two["c"], round_two["d"]))
    kid = plans[keeper].unit.id
    assert set(unchanged[kid]) == {t.id for t, _ in plans[keeper].rows if _first_status(t.id) != "已完成"}
    out, _ = zwgk_xl.mail.reminders(zwgk_xl.read_report(merged), "a@b.example", None, unchanged, previous)
    mail = next(o for o in out if o.unit == keeper)
    body = mail.message.get_body(("plain",)).get_content()
    assert f"与上轮（{Q3}）相同" in body and "进展与上轮相同" in str(mail.message["Subject"])
    with rec.open_record(base / rec.RECORD_NAME)[0] as r:
        before = r.counts()["mails"]
    res = runner.invoke(app, ["remind", str(merged), "--outbox", str(tmp_path / "eml")])
    assert res.exit_code == 0, res.output
    sent = len(list((tmp_path / "eml").glob("*.eml")))
    with rec.open_record(base / rec.RECORD_NAME)[0] as r:
        rows = r.rows("mails", "WHERE id > ?", (before,))
    assert len(rows) == sent > 0 and {m["state"] for m in rows} == {"drafted"} and {m["kind"] for m in rows} == {"催报"}


def test_edits_made_in_the_merged_master_carry_into_the_next_round(rounds, tmp_path) -> None:
    """The clerk retitles a task and changes its lead in 汇总.xlsx's 总表 (in Excel; openpyxl here), then `next`."""
    src = rounds["base"] / "汇总-Q3.xlsx"
    edited = tmp_path / "汇总-Q3-改.xlsx"
    wb = load_workbook(src)
    ws = wb[C.SHEET_MASTER]
    head = [c.value for c in ws[2]]
    text_col, lead_col = head.index("重点工作") + 1, head.index("牵头单位") + 1
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "T002")
    ws.cell(row, text_col).value = "修改后的任务内容：按新要求公开"
    new_lead = rounds["d"]
    ws.cell(row, lead_col).value = new_lead
    wb.save(edited)
    res = cycle.next_round(edited, Q4, tmp_path / "总表-Q4.xlsx")
    m = zwgk_xl.read_master(res.path)
    task = next(t for t in m.tasklist.tasks if t.id == "T002")
    assert task.text == "修改后的任务内容：按新要求公开"
    assert [u.name for u in task.lead] == [new_lead]
    assert res.previous == Q3 and res.carried > 0


def test_a_master_without_round_state_learns_the_last_round_from_the_record(round_two, tmp_path) -> None:
    """A clerk who built round 2's master with `zwgk build` (not `next`): the merge compares with the record's
    round 1, here a record rebuilt from 汇总-Q3.xlsx alone."""
    base, plans, a, c, d = round_two["base"], round_two["plans"], round_two["a"], round_two["c"], round_two["d"]
    record = tmp_path / rec.RECORD_NAME
    assert cycle.rebuild(record, [base / "汇总-Q3.xlsx"])[0] == 1
    m1 = zwgk_xl.read_master(round_two["m1"])
    fresh = zwgk_xl.build_master(m1.tasklist, m1.roster, tmp_path / "总表-Q4.xlsx", round_label=Q4).path
    assert read_state(fresh) is None
    res = cycle.merge(fresh, base / "returns2", tmp_path / "汇总-Q4.xlsx", record=record)
    cons = res.consolidation
    assert cons.changes is not None and cons.changes.previous == Q3
    keeper = next(n for n in plans if n not in (a, c, d))
    assert all(cons.mark(plans[keeper].unit.id, t.id) == R.KEPT for t, _ in plans[keeper].rows)
    assert [(f.code, f.unit) for f in res.findings if "round" in f.code] == [("round-refused", c)]


def test_a_carried_text_longer_than_a_cell_is_cut_as_the_form_will_show_it(tmp_path) -> None:
    from zwgk_xl.workbook.roundbook import write_state
    from zwgk_xl.workbook.xlsx import new_workbook

    long = "长" * 40_000
    state = R.RoundState("Q4", (R.RoundInfo("Q3", "2022-09-30"),), carried=(R.Carried("u", "T1", "Q3", progress=long),))
    wb = new_workbook(tmp_path / "s.xlsx")
    write_state(wb, state)
    wb.add_worksheet("x")
    wb.close()
    back = read_state(tmp_path / "s.xlsx")
    assert back is not None
    text = back.carried[0].progress
    assert len(text) <= 32767 and text.startswith("长" * 1000) and "上轮报送文件" in text
