"""The one catalogue of finding codes.

Codes are stable identifiers that tests and scripts rely on; the Chinese template is what a clerk reads. Every
stage creates findings through :func:`make` so a code cannot be used without being listed here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from zwgk_xl.model import Finding, Severity

CATALOGUE: dict[str, tuple[Severity, str]] = {
    # import
    "source-unreadable": ("error", "无法读取任务清单：{reason}"),
    "header-not-found": ("error", "未找到表头（需含“重点工作/工作任务”等列名）：{reason}"),
    "row-short": ("info", "该行缺少“{columns}”单元格，已留空（按单元格内容对齐各列）"),
    "row-unparsed": ("warning", "无法识别为任务或栏目的行，已作为任务导入，请核对：{text}"),
    "number-assigned": ("info", "清单未印序号，已自动编号为 {number}"),
    "number-gap": ("warning", "序号不连续：{previous} 之后是 {number}"),
    "units-from-text": ("info", "单位写在任务文字中，已提取：牵头 {lead}；责任 {responsible}"),
    "year-unknown": ("warning", "未能从标题中识别年度，完成时限按 {year} 年解析"),
    "no-deadline-column": ("info", "清单没有完成时限列"),
    "deadline-unknown": ("warning", "完成时限“{text}”无法识别，保留原文，请人工确认"),
    # units and task-list checks
    "lead-missing": ("warning", "该任务没有牵头单位"),
    "lead-none-printed": ("info", "清单中牵头单位印为“\\”（无牵头单位）"),
    "lead-and-responsible": ("warning", "{unit} 同时是该任务的牵头单位和责任单位"),
    "lead-collective": ("warning", "牵头单位“{name}”是统称，展开为 {count} 个单位，请确认由谁汇总"),
    "lead-vague": ("warning", "牵头单位“{name}”是泛称，请在名册中指定具体单位"),
    "vague-designation": (
        "warning",
        "“{name}”是泛称，无法确定具体单位；请在总表中改为具体单位名称（用“、”分隔），否则这些单位收不到该任务",
    ),
    "unit-unknown": ("warning", "单位“{name}”不在名册中{hint}"),
    "unit-no-task": ("info", "名册单位 {unit} 在清单中没有任务"),
    "roster-duplicate": ("warning", "名册中“{name}”重复出现，已保留第一条"),
    # collect: files
    "file-lock-skipped": ("info", "Office 临时锁文件（~$ 开头），已跳过"),
    "file-not-spreadsheet": ("info", "不是 Excel 工作簿，已跳过"),
    "file-unreadable": ("error", "无法读取该文件：{reason}"),
    "file-locked": ("error", "文件被其他程序占用或无权读取（可能正在 Excel/WPS 中打开），请关闭后重新汇总：{reason}"),
    "file-encrypted": ("error", "文件设置了打开密码，无法读取；请该单位取消密码后重新报送"),
    "file-too-large": ("error", "文件过大或解压后过大（{size}），为安全起见未读取；请核实文件"),
    "range-clipped": (
        "warning",
        "工作表的使用范围很大（最远到 {far}，可能有人在很远的单元格输入了内容），只读取了前 {rows} 行、{cols} 列；"
        "表格内的填报照常汇总，范围以外的内容未读取，请核对",
    ),
    "duplicate-file": ("info", "与 {other} 内容完全相同，只计一次"),
    "no-hidden-sheet": ("warning", "文件缺少隐藏信息表（可能复制到了新工作簿），已按{how}识别为 {unit}，请核对"),
    "unidentified": ("error", "无法识别是哪个单位的报送文件（无隐藏信息表，填报单位和文件名都对不上名册）"),
    "foreign-list": ("error", "不是本清单的报送文件：文件属于“{title}”（{year}），不予汇总"),
    "stale-round": ("warning", "轮次不符：文件为“{got}”，本次汇总为“{expected}”，仍予汇总，请核对是否为旧文件"),
    "master-changed": ("info", "下发后总表中该单位的任务有修改，单位填报的是修改前的版本"),
    "unknown-unit": ("error", "文件中的单位“{name}”不在名册中"),
    "sheet-missing": ("error", "找不到填报表（工作表“{sheet}”或带“任务编号/完成状态”表头的工作表）"),
    "row-deleted": ("error", "任务 {task_id} 的行被删除，该任务视为未报送"),
    "row-added": ("warning", "新增了不在下发任务中的行，其内容未汇入总表，原文：{text}"),
    "row-moved": ("info", "任务行的顺序被调整（已按任务编号对应）"),
    "row-matched-by-text": ("warning", "该行任务编号缺失或被改，已按任务文字对应到 {task_id}"),
    "locked-text-edited": ("warning", "锁定内容被修改：“{column}”原为“{expected}”，现为“{got}”（汇总以总表为准）"),
    "role-changed": ("warning", "本单位角色被改为“{got}”，下发时为“{expected}”（汇总以下发为准）"),
    "fingerprint-mismatch": ("warning", "锁定内容的指纹与下发时不符，文件被改动过"),
    "status-normalised": ("info", "完成状态“{raw}”按“{status}”汇总"),
    "status-unknown": ("warning", "完成状态“{raw}”无法识别，原文保留，按“推进中”统计"),
    "date-unparsed": ("warning", "“{raw}”不是可识别的日期，原文保留"),
    "formula-in-input": ("warning", "输入单元格是公式 {formula}，按其计算结果“{value}”汇总，公式不写入总表"),
    "resend-superseded": ("info", "同一单位有更新的报送 {newer}，本文件未采用"),
    "superseded-text": ("info", "未采用的较早报送中的内容（{field}）：{text}"),
    "not-returned": ("warning", "尚未报送（{count} 项任务）"),
    # checks on returns
    "lead-not-reported": ("warning", "牵头单位 {unit} 未报送该任务，而责任单位已报送"),
    "lead-no-summary": ("warning", "牵头单位 {unit} 未填写“牵头汇总”"),
    "no-role": ("warning", "{unit} 在该任务中没有角色，却填报了该任务"),
    "lead-done-resp-not": ("warning", "牵头单位填“已完成”，但 {units} 尚为“{statuses}”"),
    "resp-done-lead-not": ("info", "各责任单位均已完成，牵头单位尚为“{status}”"),
    "lead-designation": ("warning", "牵头单位仍是“{name}”（统称或泛称），无具体单位汇总该任务"),
    "overdue": ("warning", "已过完成时限 {due}，{unit}填报状态为“{status}”"),
    "done-no-date": ("warning", "填“已完成”但未填完成时间"),
    "done-no-progress": ("warning", "填“已完成”但未填进展情况"),
    # rounds and the audit record (rounds.py, record.py)
    "round-refused": (
        "error",
        "旧轮次的报送：文件为“{got}”轮，本次汇总为“{expected}”轮，不予汇总（请该单位报送本轮填报表）；其内容见下",
    ),
    "progress-stalled": ("warning", "进展未更新：各单位均沿用上轮（{round}）填报，任务仍为“{status}”"),
    "status-regressed": ("warning", "完成状态倒退：上轮（{round}）报“已完成”，本轮为“{status}”，请核实"),
    "record-recreated": ("info", "留痕库 {path} {why}，已新建（可用 zwgk history --rebuild 从汇总工作簿重建）"),
    "record-unavailable": ("warning", "留痕库 {path} 无法写入（{reason}），本次汇总未留痕，汇总结果不受影响"),
    # mail
    "no-email": ("warning", "名册中没有 {unit} 的邮箱，{kind}邮件未生成；请在单位名册中补充“邮箱”"),
}


#: Short Chinese names of the codes: what the 问题清单, the terminal and mail show (codes stay for scripts).
TITLES: dict[str, str] = {
    "source-unreadable": "清单无法读取",
    "header-not-found": "找不到表头",
    "row-short": "缺少单元格",
    "row-unparsed": "无法识别的行",
    "number-assigned": "自动编号",
    "number-gap": "序号不连续",
    "units-from-text": "单位取自文字",
    "year-unknown": "年度不明",
    "no-deadline-column": "无完成时限列",
    "deadline-unknown": "时限无法识别",
    "lead-missing": "缺牵头单位",
    "lead-none-printed": "无牵头单位",
    "lead-and-responsible": "牵头兼责任",
    "lead-collective": "牵头为统称",
    "lead-vague": "牵头为泛称",
    "vague-designation": "泛称待指定",
    "unit-unknown": "单位不在名册",
    "unit-no-task": "名册单位无任务",
    "roster-duplicate": "名册重复",
    "file-lock-skipped": "临时锁文件",
    "file-not-spreadsheet": "非工作簿文件",
    "file-unreadable": "文件无法读取",
    "file-locked": "文件被占用",
    "file-encrypted": "文件有密码",
    "file-too-large": "文件过大",
    "range-clipped": "使用范围过大",
    "duplicate-file": "重复文件",
    "no-hidden-sheet": "缺隐藏信息表",
    "unidentified": "无法识别单位",
    "foreign-list": "非本清单文件",
    "stale-round": "轮次不符",
    "master-changed": "任务已修改",
    "unknown-unit": "单位不在名册",
    "sheet-missing": "找不到填报表",
    "row-deleted": "行被删除",
    "row-added": "新增行",
    "row-moved": "行顺序调整",
    "row-matched-by-text": "按文字对应",
    "locked-text-edited": "锁定内容被改",
    "role-changed": "角色被改",
    "fingerprint-mismatch": "文件被改动",
    "status-normalised": "状态已归并",
    "status-unknown": "状态无法识别",
    "date-unparsed": "日期无法识别",
    "formula-in-input": "输入格含公式",
    "resend-superseded": "较早报送",
    "superseded-text": "未采用的内容",
    "not-returned": "未报送",
    "lead-not-reported": "牵头单位未报",
    "lead-no-summary": "缺牵头汇总",
    "no-role": "无角色填报",
    "lead-done-resp-not": "牵头已完成而责任未完成",
    "resp-done-lead-not": "责任已完成而牵头未完成",
    "lead-designation": "牵头未落实到单位",
    "overdue": "逾期",
    "done-no-date": "缺完成时间",
    "done-no-progress": "缺进展情况",
    "round-refused": "旧轮次文件",
    "progress-stalled": "进展未更新",
    "status-regressed": "状态倒退",
    "record-recreated": "留痕库已新建",
    "record-unavailable": "留痕库不可用",
    "no-email": "缺邮箱",
}
SEVERITY_TITLES = {"error": "错误", "warning": "警告", "info": "提示"}


def tally(items: Iterable[Finding]) -> str:
    """ "问题 163 条（错误 1，警告 156，提示 6）": one wording for the 说明 sheet, the mail and Excel's status line, so
    the counts a clerk reads in each agree."""
    counts = Counter(f.severity for f in items)
    parts = "，".join(f"{t} {counts[s]}" for s, t in SEVERITY_TITLES.items() if counts[s])
    return f"问题 {counts.total()} 条" + (f"（{parts}）" if parts else "")


def title(code: str) -> str:
    return TITLES.get(code, code)


def make(
    code: str,
    *,
    unit: str = "",
    task_id: str = "",
    file: str = "",
    sheet: str = "",
    cell: str = "",
    **params: object,
) -> Finding:
    severity, template = CATALOGUE[code]
    return Finding(
        code=code,
        severity=severity,
        message=template.format(unit=unit, task_id=task_id, **params),
        unit=unit,
        task_id=task_id,
        file=file,
        sheet=sheet,
        cell=cell,
    )
