"""The one catalogue of finding codes.

Codes are stable identifiers that tests and scripts rely on; the Chinese template is what a clerk reads. Every
stage creates findings through :func:`make` so a code cannot be used without being listed here.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from zwgk_xl.model import Finding, Severity
from zwgk_xl.vocab import SEVERITY_TITLES


class Kind(NamedTuple):
    """One kind of finding: how grave, its short Chinese title (what the 问题清单, the terminal and mail show; codes
    stay for scripts), and the Chinese message template (its fields are ``make``'s keyword arguments)."""

    severity: Severity
    title: str
    template: str


#: The one table of finding codes, as frictionless declares each of its errors once.
TABLE: dict[str, Kind] = {
    # import
    "source-unreadable": Kind("error", "清单无法读取", "无法读取任务清单：{reason}"),
    "header-not-found": Kind("error", "找不到表头", "未找到表头（需含“重点工作/工作任务”等列名）：{reason}"),
    "row-short": Kind("info", "缺少单元格", "该行缺少“{columns}”单元格，已留空（按单元格内容对齐各列）"),
    "row-unparsed": Kind("warning", "无法识别的行", "无法识别为任务或栏目的行，已作为任务导入，请核对：{text}"),
    "number-assigned": Kind("info", "自动编号", "清单未印序号，已自动编号为 {number}"),
    "number-gap": Kind("warning", "序号不连续", "序号不连续：{previous} 之后是 {number}"),
    "units-from-text": Kind("info", "单位取自文字", "单位写在任务文字中，已提取：牵头 {lead}；责任 {responsible}"),
    "list-info-unreadable": Kind(
        "warning", "清单信息无法读取", "工作簿的“清单信息”表无法读取（{reason}），标题、年度、发文单位按表格内容识别"
    ),
    "year-unknown": Kind("warning", "年度不明", "未能从标题中识别年度，完成时限按 {year} 年解析"),
    "no-deadline-column": Kind("info", "无完成时限列", "清单没有完成时限列"),
    "deadline-unknown": Kind("warning", "时限无法识别", "完成时限“{text}”无法识别，保留原文，请人工确认"),
    "cell-inherited": Kind("info", "沿用合并单元格", "合并单元格：本行的“{column}”沿用上方的“{text}”，请核对"),
    "column-by-content": Kind("info", "按内容分列", "文字没有表格分隔，本行各格按内容判断所属列（{columns}），请核对"),
    "traditional-converted": Kind(
        "warning", "繁体转简体", "清单为繁体字（约 {count} 个繁体字），已转换为简体导入，请核对单位名称"
    ),
    "text-kept": Kind("info", "非任务文字", "不是任务或标题的文字，已保留在此，请核对：{text}"),
    "no-tasks": Kind("error", "没有任务", "没有读出任何任务（{tried}）。{advice}"),
    # units and task-list checks
    "lead-missing": Kind("warning", "缺牵头单位", "该任务没有牵头单位"),
    "lead-none-printed": Kind("info", "无牵头单位", "清单中牵头单位印为“\\”（无牵头单位）"),
    "lead-and-responsible": Kind("warning", "牵头兼责任", "{unit} 同时是该任务的牵头单位和责任单位"),
    "lead-collective": Kind("warning", "牵头为统称", "牵头单位“{name}”是统称，展开为 {count} 个单位，请确认由谁汇总"),
    "lead-vague": Kind("warning", "牵头为泛称", "牵头单位“{name}”是泛称，请在名册中指定具体单位"),
    "vague-designation": Kind(
        "warning",
        "泛称待指定",
        "“{name}”是泛称，无法确定具体单位；请在总表中改为具体单位名称（用“、”分隔），否则这些单位收不到该任务",
    ),
    "unit-unknown": Kind("warning", "单位不在名册", "单位“{name}”不在名册中{hint}"),
    "unit-no-task": Kind("info", "名册单位无任务", "名册单位 {unit} 在清单中没有任务"),
    "roster-duplicate": Kind("warning", "名册重复", "名册中“{name}”重复出现，已保留第一条"),
    # collect: files
    "file-lock-skipped": Kind("info", "临时锁文件", "Office 临时锁文件（~$ 开头），已跳过"),
    "file-not-spreadsheet": Kind("info", "非工作簿文件", "不是 Excel 工作簿，已跳过"),
    "file-unreadable": Kind("error", "文件无法读取", "无法读取该文件：{reason}"),
    "file-locked": Kind(
        "error", "文件被占用", "文件被其他程序占用或无权读取（可能正在 Excel/WPS 中打开），请关闭后重新汇总：{reason}"
    ),
    "file-encrypted": Kind("error", "文件有密码", "文件设置了打开密码，无法读取；请该单位取消密码后重新报送"),
    "file-too-large": Kind("error", "文件过大", "文件过大或解压后过大（{size}），为安全起见未读取；请核实文件"),
    "range-clipped": Kind(
        "warning",
        "使用范围过大",
        "工作表的使用范围很大（最远到 {far}，可能有人在很远的单元格输入了内容），只读取了前 {rows} 行、{cols} 列；"
        "表格内的填报照常汇总，范围以外的内容未读取，请核对",
    ),
    "duplicate-file": Kind("info", "重复文件", "与 {other} 内容完全相同，只计一次"),
    "file-litter": Kind("info", "附属文件", "{kind}，不是报送文件，已跳过"),
    "file-name-garbled": Kind(
        "info", "文件名乱码", "文件名不是 UTF-8 编码（常见于在 Windows 上打包、在本机解压的压缩包），显示为“{name}”"
    ),
    "folder-unreadable": Kind("error", "文件夹无法读取", "无法读取该文件夹，其中的文件未汇总：{reason}"),
    "file-too-slow": Kind(
        "error",
        "文件读取超时",
        "读取该文件超过 {seconds} 秒仍未完成（文件内部结构异常），已跳过，其余文件照常汇总；"
        "请核实后让该单位重新保存报送",
    ),
    "own-workbook": Kind("warning", "非报送文件", "这是本工具生成的{kind}，不是单位报送文件，已跳过"),
    "container-opened": Kind("info", "压缩包或邮件", "{kind}中有 {count} 个工作簿，已逐个汇总：{names}"),
    "container-empty": Kind("warning", "压缩包中无工作簿", "{kind}中没有 Excel 工作簿{detail}"),
    "container-unsupported": Kind(
        "error", "压缩包无法打开", "{kind}无法在本机打开（{reason}）；请解压后把其中的工作簿放入报送文件夹"
    ),
    "no-hidden-sheet": Kind(
        "warning", "缺隐藏信息表", "文件缺少隐藏信息表（可能复制到了新工作簿），已按{how}识别为 {unit}，请核对"
    ),
    "unidentified": Kind(
        "error", "无法识别单位", "无法识别是哪个单位的报送文件（无隐藏信息表，填报单位和文件名都对不上名册）"
    ),
    "foreign-list": Kind("error", "非本清单文件", "不是本清单的报送文件：文件属于“{title}”（{year}），不予汇总"),
    "stale-round": Kind(
        "warning", "轮次不符", "轮次不符：文件为“{got}”，本次汇总为“{expected}”，仍予汇总，请核对是否为旧文件"
    ),
    "master-changed": Kind("info", "任务已修改", "下发后总表中该单位的任务有修改，单位填报的是修改前的版本"),
    "unknown-unit": Kind("error", "文件单位不在名册", "文件中的单位“{name}”不在名册中"),
    "identity-conflict": Kind(
        "error",
        "单位与隐藏信息不符",
        "隐藏信息表表明这是 {hidden} 的填报表，但“填报单位”单元格写的是“{visible}”"
        "（可能是一个单位填写了另一个单位的表）；{outcome}，请核实",
    ),
    "sheet-missing": Kind(
        "error", "找不到填报表", "找不到填报表（工作表“{sheet}”或带“任务编号/完成状态”表头的工作表）"
    ),
    "row-deleted": Kind("error", "行被删除", "任务 {task_id} 的行被删除，该任务视为未报送"),
    "row-added": Kind("warning", "新增行", "新增了不在下发任务中的行，其内容未汇入总表，原文：{text}"),
    "header-changed": Kind(
        "warning", "表头被改", "表头“{expected}”被改为“{got}”，已按列的位置和含义照常读取该列，请核对"
    ),
    "sheet-copy": Kind("warning", "填写了复制的表", "单位填写的是工作表“{sheet}”（{why}），已按该表汇总，请核对"),
    "merged-input": Kind(
        "warning", "输入格被合并", "输入单元格被合并（{range}），已按合并的含义把“{text}”计入其中每一行，请核对"
    ),
    "cell-comment": Kind("warning", "批注中的文字", "单元格批注中的文字未汇入总表，原文：{text}"),
    "drawing-text": Kind("warning", "文本框中的文字", "文本框或图形中的文字未汇入总表，原文：{text}"),
    "column-added": Kind("warning", "新增列", "新增了列“{header}”，其内容未汇入总表，原文：{text}"),
    "sheet-added": Kind("warning", "新增工作表", "新增的工作表中有文字，未汇入总表，原文：{text}"),
    "row-moved": Kind("info", "行顺序调整", "任务行的顺序被调整（已按任务编号对应）"),
    "row-matched-by-text": Kind("warning", "按文字对应", "该行任务编号缺失或被改，已按任务文字对应到 {task_id}"),
    "locked-text-edited": Kind(
        "warning", "锁定内容被改", "锁定内容被修改：“{column}”原为“{expected}”，现为“{got}”（汇总以总表为准）"
    ),
    "role-changed": Kind("warning", "角色被改", "本单位角色被改为“{got}”，下发时为“{expected}”（汇总以下发为准）"),
    "fingerprint-mismatch": Kind("warning", "文件被改动", "锁定内容的指纹与下发时不符，文件被改动过"),
    "status-normalised": Kind("info", "状态已归并", "完成状态“{raw}”按“{status}”汇总"),
    "status-unknown": Kind("warning", "状态无法识别", "完成状态“{raw}”无法识别，原文保留，按“推进中”统计"),
    "date-unparsed": Kind("warning", "日期无法识别", "“{raw}”不是可识别的日期，原文保留"),
    "formula-in-input": Kind(
        "warning", "输入格含公式", "输入单元格是公式 {formula}，按其计算结果“{value}”汇总，公式不写入总表"
    ),
    "resend-superseded": Kind("info", "较早报送", "同一单位有更新的报送 {newer}，本文件未采用"),
    "superseded-text": Kind("info", "未采用的内容", "未采用的较早报送中的内容（{field}）：{text}"),
    "not-returned": Kind("warning", "未报送", "尚未报送（{count} 项任务）"),
    "late-return": Kind("warning", "逾期报送", "逾期报送：{how} {date}，晚于报送截止时间 {due}"),
    "row-unfilled": Kind(
        "warning", "未填报", "{unit}发回了文件，但第 {number} 项任务（{task_id}）一栏未填，按未填报统计"
    ),
    # checks on returns
    "lead-not-reported": Kind("warning", "牵头单位未报", "牵头单位 {unit} 未报送该任务，而责任单位已报送"),
    "lead-no-summary": Kind("warning", "缺牵头汇总", "牵头单位 {unit} 未填写“牵头汇总”"),
    "no-role": Kind("warning", "无角色填报", "{unit} 在该任务中没有角色，却填报了该任务"),
    "no-role-text": Kind("info", "无角色的填报内容", "本单位在该任务中没有角色，该行“{field}”未汇入总表，原文：{text}"),
    "lead-done-resp-not": Kind("warning", "牵头已完成而责任未完成", "牵头单位填“已完成”，但 {units} 尚为“{statuses}”"),
    "resp-done-lead-not": Kind("info", "责任已完成而牵头未完成", "各责任单位均已完成，牵头单位尚为“{status}”"),
    "lead-designation": Kind("warning", "牵头未落实到单位", "牵头单位仍是“{name}”（统称或泛称），无具体单位汇总该任务"),
    "overdue": Kind("warning", "逾期", "已过完成时限 {due}，{unit}填报状态为“{status}”"),
    "done-no-date": Kind("warning", "缺完成时间", "填“已完成”但未填完成时间"),
    "done-no-progress": Kind("warning", "缺进展情况", "填“已完成”但未填进展情况"),
    # rounds and the audit record (rounds.py, record.py)
    "round-refused": Kind(
        "error",
        "旧轮次文件",
        "旧轮次的报送：文件为“{got}”轮，本次汇总为“{expected}”轮，不予汇总（请该单位报送本轮填报表）；其内容见下",
    ),
    "progress-stalled": Kind(
        "warning", "进展未更新", "进展未更新：各单位均沿用上轮（{round}）填报，任务仍为“{status}”"
    ),
    "status-regressed": Kind(
        "warning", "状态倒退", "完成状态倒退：上轮（{round}）报“已完成”，本轮为“{status}”，请核实"
    ),
    "record-recreated": Kind(
        "info", "留痕库已新建", "留痕库 {path} {why}，已新建（可用 zwgk history --rebuild 从汇总工作簿重建）"
    ),
    "record-unavailable": Kind(
        "warning", "留痕库不可用", "留痕库 {path} 无法写入（{reason}），本次汇总未留痕，汇总结果不受影响"
    ),
    # mail
    "outbox-skipped": Kind("warning", "分发文件未发送", "{why}，未发送"),
    "no-email": Kind("warning", "缺邮箱", "名册中没有 {unit} 的邮箱，{kind}邮件未生成；请在单位名册中补充“邮箱”"),
}

#: Views of the table kept for scripts written against them.
CATALOGUE: dict[str, tuple[Severity, str]] = {code: (k.severity, k.template) for code, k in TABLE.items()}
TITLES: dict[str, str] = {code: k.title for code, k in TABLE.items()}


def tally(items: Iterable[Finding]) -> str:
    """ "问题 163 条（错误 1，警告 156，提示 6）": one wording for the 说明 sheet, the mail and Excel's status line, so
    the counts a clerk reads in each agree."""
    counts: Counter[str] = Counter(f.severity for f in items)
    parts = "，".join(f"{t} {counts[s]}" for s, t in SEVERITY_TITLES.items() if counts[s])
    return f"问题 {counts.total()} 条" + (f"（{parts}）" if parts else "")


def title(code: str) -> str:
    kind = TABLE.get(code)
    return kind.title if kind else code


#: What a placeholder the caller did not fill reads as: a finding with a gap in its sentence, never a crash (one
#: template naming a value its caller did not pass once aborted a whole merge).
MISSING = "（未知）"


class _Defaults(dict[str, object]):
    def __missing__(self, key: str) -> object:
        return MISSING


def render(template: str, params: Mapping[str, object]) -> str:
    """The template filled from ``params``; a missing placeholder reads MISSING and a value its format spec does
    not fit is written as plain text, so rendering a message cannot raise."""
    try:
        return string.Formatter().vformat(template, (), _Defaults(params))
    except (ValueError, TypeError, IndexError, AttributeError, KeyError):
        out: list[str] = []
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError:
            return template
        for literal, name, _spec, _conv in parsed:
            out.append(literal)
            if name is not None:
                out.append(str(params.get(name, MISSING)))
        return "".join(out)


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
    severity, _, template = TABLE[code]
    where = {"unit": unit, "task_id": task_id, "file": file, "sheet": sheet, "cell": cell}
    return Finding(
        code=code,
        severity=severity,
        message=render(template, {**where, **params}),
        unit=unit,
        task_id=task_id,
        file=file,
        sheet=sheet,
        cell=cell,
    )
