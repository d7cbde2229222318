"""The one catalogue of finding codes.

Codes are stable identifiers that tests and scripts rely on; the Chinese template is what a clerk reads. Every
stage creates findings through :func:`make` so a code cannot be used without being listed here.
"""

from __future__ import annotations

from zwgk_xl.model import Finding, Severity

CATALOGUE: dict[str, tuple[Severity, str]] = {
    # import
    "source-unreadable": ("error", "无法读取任务清单：{reason}"),
    "header-not-found": ("error", "未找到表头（需含“重点工作/工作任务”等列名）：{reason}"),
    "header-guessed": ("warning", "未找到表头，已按单元格内容推断各列：{reason}"),
    "row-ambiguous": ("warning", "该行单元格数量与表头不符，已按内容推断各列，请核对：{cells}"),
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
    "roster-unreadable": ("error", "无法读取单位名册：{reason}"),
    "roster-duplicate": ("warning", "名册中“{name}”重复出现，已保留第一条"),
}


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
