"""The words of the loop, in one place: the statuses a unit chooses and what else it may type for them, the roles,
what a task shows when nobody answered, severity titles, the fixed instructions a unit reads, and "已报送 x/y".

Every module that compares, counts or prints one of these takes it from here, so a word is changed once (the
literal 已完成 was in eight modules). Pure data and tiny functions: no imports from the package.
"""

from __future__ import annotations

# ------------------------------------------------------------------------------------------------ statuses
DONE = "已完成"
ONGOING = "持续推进"
IN_PROGRESS = "推进中"
NOT_STARTED = "未启动"
NOT_APPLICABLE = "不涉及"
#: The dropdown of a unit workbook, in the order offered.
STATUSES = (DONE, ONGOING, IN_PROGRESS, NOT_STARTED, NOT_APPLICABLE)

#: A task or a unit's row nobody answered (the file or the row is missing).
NOT_REPORTED = "未报送"
#: A row of a returned file left blank (nothing typed in it): not reported, with a finding; named in reminders.
UNFILLED = "未填报"
#: The statuses the dashboard, the mail and the hidden results count of a unit's tasks, in their column order
#: (未填报 last: a workbook merged before it existed has the six counts before it).
SUMMARY_STATUSES = (*STATUSES, NOT_REPORTED, UNFILLED)
#: Statuses that end a task's work: neither is overdue (完成率 counts 已完成 and leaves 不涉及 out of both sides).
SETTLED = frozenset({DONE, NOT_APPLICABLE})

#: What units type for a status → the status it counts as. Anything else is kept as text with a finding.
STATUS_SYNONYMS: dict[str, str] = {
    **{s: s for s in STATUSES},
    **dict.fromkeys(("完成", "已办结", "办结", "已落实", "已经完成", "全部完成", "已结束", "完成了", "已完成。"), DONE),
    **dict.fromkeys(("持续开展", "长期推进", "常态化", "常态化推进", "持续", "持续进行", "长期坚持"), ONGOING),
    **dict.fromkeys(
        ("进行中", "正在推进", "正在进行", "在推进", "推进", "正在办理", "办理中", "部分完成", "实施中"), IN_PROGRESS
    ),
    **dict.fromkeys(("未开始", "尚未开展", "未开展", "没开始", "尚未启动", "未实施"), NOT_STARTED),
    **dict.fromkeys(("无", "不适用", "无此项", "本单位不涉及", "未涉及", "不涉及。"), NOT_APPLICABLE),
}

# ------------------------------------------------------------------------------------------------ roles
ROLE_LEAD = "牵头"
ROLE_RESPONSIBLE = "责任"
#: What a task's unit cell says while a vague designation waits for the clerk to name the units; also the 总体状态
#: of a task that reaches no unit (nobody can report it).
TO_BE_NAMED = "待指定"
#: A task's 总体状态, in the order the dashboard counts them.
TASK_STATUSES = (*STATUSES, NOT_REPORTED, TO_BE_NAMED)

# ------------------------------------------------------------------------------------------------ findings
SEVERITY_TITLES = {"error": "错误", "warning": "警告", "info": "提示"}
#: Errors first, then warnings, then information: the order of every list of findings a clerk reads.
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# ------------------------------------------------------------------------------------------------ instructions
#: The sentence every unit reads about the locked cells (unit sheet, the 说明 sheet, the distribution mail).
LOCKED_NOTE = "其他内容已锁定，请勿修改、增删行或调整顺序。"
#: The instruction line above a unit sheet's headers.
UNIT_NOTE = "请在黄色单元格中填写（内容多时行高随之增加）；完成状态从下拉列表选择；" + LOCKED_NOTE
STATUS_HELP = "请从下拉列表选择：" + "、".join(STATUSES)


def returned_units(returned: int, total: int) -> str:
    """ "已报送 12/40 个单位": the one wording of the terminal, the 说明 sheet, Excel's status line and the mail."""
    return f"已报送 {returned}/{total} 个单位"


def fraction(part: int, whole: int) -> str:
    """ "2/3": reported of expected (a task's 已报/应报 cell, the dashboard's 已报送单位)."""
    return f"{part}/{whole}"
