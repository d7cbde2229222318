from zwgk_xl.checks import tasklist_findings
from zwgk_xl.importers.table import build
from zwgk_xl.importers.text import parse_text
from zwgk_xl.model import Roster, Unit
from zwgk_xl.plan import assignments
from zwgk_xl.units import RosterIndex

ROSTER = Roster(
    (
        Unit("府办", "某区人民政府办公室", ("区府办",), "区级部门"),
        Unit("司法", "某区司法局", (), "区级部门"),
        Unit("教体", "某区教育体育局", (), "区级部门"),
        Unit("甲镇", "某区甲镇人民政府", ("甲镇",), "乡镇"),
        Unit("乙街", "某区乙街道办事处", ("乙街道",), "街道"),
    )
)

TEXT = """序号 | 重点工作 | 牵头单位 | 责任单位 | 完成时限
1 | 甲 | 区府办 | 区司法局、区府办 | 全年
2 | 乙 | \\ | 区司法局 | 全年
3 | 丙 |  | 区司法局 | 全年
4 | 丁 | 各乡镇人民政府 | 有关部门单位 | 全年
5 | 戊 | 区司法所 | 各镇乡(街道) | 全年
6 | 己 | 有关单位 | 区府办 | 全年
"""


def _codes():
    tl = build(parse_text(TEXT, "t.txt")).tasklist
    return tl, {(f.code, f.task_id, f.unit) for f in tasklist_findings(tl, ROSTER)}


def test_each_rule_fires_where_it_should() -> None:
    _, codes = _codes()
    assert ("lead-and-responsible", "T001", "某区人民政府办公室") in codes
    assert ("lead-none-printed", "T002", "") in codes
    assert ("lead-missing", "T003", "") in codes
    assert ("lead-collective", "T004", "") in codes
    assert ("vague-designation", "T004", "有关部门单位") in codes
    assert ("unit-unknown", "T005", "区司法所") in codes
    assert ("lead-vague", "T006", "有关单位") in codes
    assert ("unit-no-task", "", "某区教育体育局") in codes


def test_quiet_where_it_should_be() -> None:
    _, codes = _codes()
    by_task = {}
    for code, task, _ in codes:
        by_task.setdefault(task, set()).add(code)
    assert "lead-missing" not in by_task["T002"]  # "\" printed: info, not a warning
    assert not any(c.startswith("lead") for c in by_task.get("T005", set()) - {"lead-collective"})
    assert ("unit-no-task", "", "某区甲镇人民政府") not in codes  # reached through 各乡镇人民政府


def test_unknown_unit_suggests_closest() -> None:
    tl, _ = _codes()
    msg = next(f.message for f in tasklist_findings(tl, ROSTER) if f.code == "unit-unknown")
    assert "某区司法局" in msg


def test_assignments_expand_collectives_in_roster_order() -> None:
    tl, _ = _codes()
    idx = RosterIndex(ROSTER)
    got = [(a.unit.id, a.role) for a in assignments(tl.tasks[0], idx)]
    assert got == [("府办", "牵头"), ("司法", "责任")]  # lead wins over responsible
    got5 = [(a.unit.id, a.role, a.via) for a in assignments(tl.tasks[4], idx)]
    assert got5 == [("甲镇", "责任", "各镇乡（街道）"), ("乙街", "责任", "各镇乡（街道）")]
