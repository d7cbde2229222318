"""rounds.py: the marks, stalls, regressions and what is carried, as tables of cases."""

from __future__ import annotations

import datetime as dt

import pytest

from zwgk_xl import rounds as R
from zwgk_xl.model import Answer


def carried(unit: str, task: str, status: str, progress: str = "p", rnd: str = "Q3") -> R.Carried:
    return R.Carried(unit, task, rnd, status=status, progress=progress)


def vals(status: str, progress: str = "p", **kw: str) -> dict[str, str]:
    return {"status": status, "progress": progress, **kw}


@pytest.mark.parametrize(
    ("given", "before", "mark"),
    [
        (vals("推进中"), None, R.NEW),
        ({}, None, ""),
        (vals("推进中"), carried("u", "T1", "推进中"), R.KEPT),
        (vals("推进中", " p "), carried("u", "T1", "推进中"), R.KEPT),  # white space is not a change
        (vals("已完成"), carried("u", "T1", "推进中"), R.UPDATED),
        (vals("推进中", "p2"), carried("u", "T1", "推进中"), R.UPDATED),
        (vals("推进中", evidence="链接"), carried("u", "T1", "推进中"), R.UPDATED),
        (vals("推进中"), R.Carried("u", "T1", "Q3"), R.NEW),  # nothing was carried: blank cells
    ],
)
def test_change(given: dict[str, str], before: R.Carried | None, mark: str) -> None:
    assert R.change(given, before) == mark


def test_answer_values_use_the_counted_status_and_iso_dates() -> None:
    a = Answer("T1", "责任", status="已完成", status_raw="完成", done_date=dt.date(2022, 9, 30), progress="x")
    assert R.answer_values(a)["status"] == "已完成"
    assert R.answer_values(a)["done_date"] == "2022-09-30"


def state_q3() -> R.RoundState:
    return R.RoundState(
        current="Q4",
        rounds=(R.RoundInfo("Q3", "2022-09-30"),),
        history=(("Q3", "T1", "推进中"), ("Q3", "T2", "已完成"), ("Q3", "T3", "推进中")),
        carried=(
            carried("a", "T1", "推进中"),
            carried("b", "T1", "推进中"),
            carried("a", "T2", "已完成"),
            carried("a", "T3", "未启动"),
            carried("b", "T3", "推进中"),
        ),
    )


def test_compare_marks_stalls_regressions_and_units() -> None:
    entries = [
        R.Entry("a", "甲局", "T1", vals("推进中")),  # kept
        R.Entry("b", "乙局", "T1", vals("推进中")),  # kept → T1 stalled
        R.Entry("a", "甲局", "T2", vals("推进中")),  # 已完成 → 推进中: regression
        R.Entry("a", "甲局", "T3", vals("推进中")),  # 未启动 → 推进中: improved, T3 not stalled
        R.Entry("b", "乙局", "T3", None),  # not answered
    ]
    ch = R.compare(state_q3(), entries, {"T1": "推进中", "T2": "推进中", "T3": "推进中"})
    assert ch.previous == "Q3"
    assert ch.mark("a", "T1") == R.KEPT and ch.mark("a", "T3") == R.UPDATED and ch.mark("b", "T3") == ""
    assert ch.stalled == ("T1",)
    assert ch.regressed == (("a", "T2"),)
    assert ch.improved_units == ("甲局",)
    assert ch.stalled_units == ("乙局",)
    got = sorted((f.code, f.unit, f.task_id) for f in ch.findings)
    assert got == [
        ("progress-stalled", "乙局", "T1"),
        ("progress-stalled", "甲局", "T1"),
        ("status-regressed", "甲局", "T2"),
    ]
    regressed = next(f for f in ch.findings if f.code == "status-regressed")
    assert "Q3" in regressed.message and "推进中" in regressed.message
    assert ch.counts() == {R.NEW: 0, R.UPDATED: 2, R.KEPT: 2}


def test_no_stall_in_the_first_round_or_on_done_tasks() -> None:
    first = R.RoundState(current="Q3")
    ch = R.compare(first, [R.Entry("a", "甲局", "T1", vals("推进中"))], {"T1": "推进中"})
    assert ch.stalled == () and ch.mark("a", "T1") == R.NEW and ch.findings == ()
    st = state_q3()
    ch = R.compare(st, [R.Entry("a", "甲局", "T2", vals("已完成", "p2"))], {"T2": "已完成"})
    assert ch.mark("a", "T2") == R.UPDATED and ch.stalled == ()
    ch = R.compare(
        R.RoundState("Q4", st.rounds, st.history, (carried("a", "T2", "已完成"),)),
        [R.Entry("a", "甲局", "T2", vals("已完成"))],
        {"T2": "已完成"},
    )
    assert ch.mark("a", "T2") == R.KEPT and ch.stalled == ()


def test_carry_forward_keeps_older_answers_of_silent_units_and_withholds_refused() -> None:
    st = state_q3()
    out = R.carry_forward(
        st,
        "Q4",
        answers={"a": {"T1": vals("已完成"), "T3": {"status": ""}}},
        assigned={"a": ["T1", "T3"], "b": ["T1", "T3"], "c": ["T1"]},
        refused={},
    )
    got = {(c.unit_id, c.task_id): (c.round, c.status) for c in out}
    assert got == {("a", "T1"): ("Q4", "已完成"), ("b", "T1"): ("Q3", "推进中"), ("b", "T3"): ("Q3", "推进中")}
    out = R.carry_forward(st, "Q4", {}, {"b": ["T1"]}, refused={"b": "上轮报送的文件锁定内容被改动"})
    assert out == ()


def test_withheld_only_for_the_winning_tampered_file_or_a_foreign_file_alone() -> None:
    from zwgk_xl import findings

    found = [
        findings.make("fingerprint-mismatch", unit="甲局", file="a2.xlsx"),
        findings.make("fingerprint-mismatch", unit="乙局", file="b-old.xlsx"),
        findings.make("foreign-list", unit="丙局", file="c.xlsx", title="x", year=2020),
        findings.make("foreign-list", unit="丁局", file="d.xlsx", title="x", year=2020),
    ]
    ids = {"甲局": "a", "乙局": "b", "丙局": "c", "丁局": "d"}
    out = R.withheld(found, {"a": "a2.xlsx", "b": "b-new.xlsx", "d": "d2.xlsx"}, ids)
    assert set(out) == {"a", "c"}


def test_state_rows_round_trip_and_history() -> None:
    st = state_q3()
    after = R.after_merge(
        st,
        "Q4",
        dt.date(2022, 12, 15),
        {"T1": "推进中", "T2": "已完成", "T3": "已完成"},
        carried=(carried("a", "T1", "推进中", rnd="Q4"),),
        refused={"b": "上轮报送的不是本清单的文件"},
        files=[("f.xlsx", "10", "abc")],
        marks={("a", "T1"): R.KEPT, ("b", "T1"): ""},
    )
    back = R.state_from_rows([[str(x) for x in row] for row in R.state_rows(after)])
    assert back == after
    assert back.labels == ("Q3", "Q4")
    assert back.marks == (("a", "T1", R.KEPT),)
    assert R.completed_in(back, "T2") == "Q3"
    assert R.completed_in(back, "T3") == "Q4"
    assert R.completed_in(back, "T1") == ""
    assert R.completion(back) == [("Q3", "2022-09-30", 3, 1), ("Q4", "2022-12-15", 3, 2)]
    nxt = R.for_next_round(back, "Q1")
    assert nxt.current == "Q1" and nxt.previous == "Q4" and nxt.carried == back.carried
    with pytest.raises(ValueError, match="Q3"):
        R.for_next_round(back, "Q3")


def test_a_remerge_of_the_same_round_replaces_its_history() -> None:
    st = R.after_merge(R.RoundState("Q3"), "Q3", dt.date(2022, 9, 1), {"T1": "推进中"}, (), {})
    st = R.after_merge(st, "Q3", dt.date(2022, 9, 30), {"T1": "已完成"}, (), {})
    assert st.rounds == (R.RoundInfo("Q3", "2022-09-30"),)
    assert st.history == (("Q3", "T1", "已完成"),)


@pytest.mark.parametrize(
    ("c", "reason", "note"),
    [
        (None, "", ""),
        (R.Carried("u", "T1", "Q3", status="推进中"), "", "沿用Q3填报，有变化请修改"),
        (R.Carried("u", "T1", "Q3", status="已完成"), "", "已完成（Q3已报），无需再填；如有变化请修改"),
        (None, "上轮报送的文件锁定内容被改动", "上轮报送的文件锁定内容被改动，未沿用，请重新填写"),
    ],
)
def test_carried_note(c: R.Carried | None, reason: str, note: str) -> None:
    assert R.carried_note(c, reason) == note
