"""The Excel side, built without Excel: a macro-enabled control workbook and a ribbon add-in made from xlwings'
own BSD-licensed templates (the files `xlwings quickstart --standalone` and `--addin --ribbon` copy).

The templates' VBA imports a Python module named after the workbook file (``import zwgk_control; main()``), which
is why the files get ASCII names (xlwings breaks on module names taken from Chinese file names), and why a small
``zwgk_control.py`` / ``zwgk_addin.py`` is written beside each: one line that hands over to :mod:`zwgk_xl.xl`.

The control workbook's three buttons all run the template's ``SampleCall`` macro; Python tells them apart by
``Application.Caller`` (the button's name). The template add-in has one ribbon callback, so the add-in's 政务公开 tab
has one button, 一键汇总. The full three-button ribbon is in ``macros/`` as VBA text and customUI XML, for IT to
import once in Excel (macros/README.md); no VBA can be compiled into a workbook on a machine without Excel.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zwgk_xl import contract as C
from zwgk_xl import findings
from zwgk_xl.atomic import atomic_path
from zwgk_xl.vocab import returned_units
from zwgk_xl.workbook.xlsx import Styles, new_workbook

if TYPE_CHECKING:
    from xlsxwriter import Workbook

SETTINGS_SHEET = "设置"
STATUS_ROW = 2  # 运行状态 in B3
#: label → key of the 设置 sheet; the values are what a clerk types (paths may be relative to the workbook).
SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("任务清单", "tasks", "官方清单文件（.txt/.docx/.html/.xlsx），生成分发时使用"),
    ("单位名册", "roster", "单位名册 .xlsx 或 .csv"),
    ("总表", "master", "zwgk 生成的总表工作簿；生成分发时写出，一键汇总时读取"),
    ("报送文件夹", "returns", "各单位发回的文件所在文件夹"),
    ("输出文件夹", "output", "汇总结果、分发文件写到这里"),
    ("汇总截至日期", "as_of", "判断逾期的日期，留空为今天"),
    ("轮次", "round", "如 2022-Q3；“下一轮”时填新一轮的轮次，如 2022-Q4"),
    ("报送截止", "due", "写入各单位填报表"),
    ("联系人", "contact", "写入各单位填报表"),
    ("区府办邮箱", "office", "发送汇总时的收件人，多个用分号分隔"),
    ("配置文件", "config", "zwgk.toml（邮件服务器），留空则写 .eml 到输出文件夹"),
)
FIRST_SETTING_ROW = 5
BUTTONS = (
    ("Button 1", "一键汇总", "consolidate"),
    ("Button 2", "生成分发", "build_and_split"),
    ("Button 3", "发送汇总", "send_summary"),
    ("Button 4", "下一轮", "next_round"),
)
#: The status line when Excel cannot say which button was clicked (Application.Caller is Windows desktop Excel's).
UNKNOWN_BUTTON = (
    "无法识别点击的按钮（仅 Windows 版 Excel 能识别），未执行任何操作；"
    "请使用“政务公开”选项卡中的按钮，或双击 一键汇总.cmd"
)
RESULT_SHEETS = (C.SHEET_MASTER, C.SHEET_DASHBOARD, C.SHEET_FINDINGS)
STUB = (
    '"""Called by the workbook of the same name through xlwings. All logic is in zwgk_xl."""\n\n'
    "from zwgk_xl.xl import main  # noqa: F401\n"
)

RIBBON = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="zwgkTab" label="政务公开">
        <group id="zwgkGroup" label="重点任务清单">
          <button id="zwgkConsolidate" label="一键汇总" size="large"
                  onAction="RibbonMyAddin.RunMain" imageMso="TableSummarizeWithPivot" />
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def _template(name: str) -> Path:
    """A template file shipped inside the xlwings package, located without importing xlwings."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise SettingsError("需要安装 xlwings 才能生成控制工作簿：pip install xlwings")
    return Path(spec.origin).parent / name


def build_control(folder: str | Path, interpreter: str | None = "", now: dt.datetime | None = None) -> list[Path]:
    """Write zwgk_control.xlsm, zwgk_addin.xlam and their Python stubs into ``folder``; return the paths.

    ``interpreter`` is the workbook's xlwings Interpreter_Win ("" = xlwings' default, the python on PATH). None
    leaves the setting out of the workbook, so xlwings reads it from an ``xlwings.conf`` file beside the workbook:
    the Windows bundle's launchers write that file with the folder's absolute path (xlwings takes no relative
    path), see tools/bundle.py. ``now`` is the workbook's creation time (the bundle fixes it: same checkout, same
    bytes)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    xlsm = out / "zwgk_control.xlsm"
    _write_control(xlsm, interpreter, now)
    (out / "zwgk_control.py").write_text(STUB, encoding="utf-8")
    xlam = out / "zwgk_addin.xlam"
    with (
        atomic_path(xlam) as tmp,
        zipfile.ZipFile(_template("quickstart_addin_ribbon.xlam")) as zin,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for item in zin.infolist():
            data = RIBBON.encode() if item.filename.startswith("customUI/") else zin.read(item.filename)
            zout.writestr(item, data)
    (out / "zwgk_addin.py").write_text(STUB, encoding="utf-8")
    cmd = out / "一键汇总.cmd"
    cmd.write_bytes(
        (Path(__file__).resolve().parent.parent / "macros" / "一键汇总.cmd").read_bytes()
        if (Path(__file__).resolve().parent.parent / "macros" / "一键汇总.cmd").exists()
        else CMD.encode()
    )
    return [xlsm, out / "zwgk_control.py", xlam, out / "zwgk_addin.py", cmd]


def _write_control(xlsm: Path, interpreter: str | None, now: dt.datetime | None) -> None:
    """The control workbook: xlwings' standalone template's VBA, the settings sheet with its buttons, 说明, the
    empty result sheets and the hidden xlwings.conf sheet."""
    with zipfile.ZipFile(_template("quickstart_standalone.xlsm")) as z:
        vba = z.read("xl/vbaProject.bin")
    with atomic_path(xlsm) as tmp:
        tmp_xlsm = tmp.with_suffix(".xlsm")
        wb = new_workbook(tmp_xlsm)
        if now is not None:
            wb.set_properties({**wb.doc_properties, "created": now})
        wb.add_vba_project(io.BytesIO(vba), is_stream=True)
        wb.set_vba_name("ThisWorkbook")
        _settings_sheet(wb)
        readme = wb.add_worksheet("说明")
        readme.set_vba_name("Sheet2")
        readme.set_column(0, 0, 100)
        for r, line in enumerate(_HELP):
            readme.write_string(r, 0, line)
        for name in RESULT_SHEETS:
            wb.add_worksheet(name)
        conf_sheet = wb.add_worksheet("xlwings.conf")
        conf = [("PYTHONPATH", ""), ("Show Console", "False")]
        if interpreter is not None:
            conf.insert(0, ("Interpreter_Win", interpreter))
        for r, (k, v) in enumerate(conf):
            conf_sheet.write_string(r, 0, k)
            conf_sheet.write_string(r, 1, v)
        conf_sheet.hide()
        wb.close()
        tmp_xlsm.replace(tmp)


def _settings_sheet(wb: Workbook) -> None:
    """The sheet the clerk fills in: status, one row per setting with its help, a button per action."""
    st = Styles(wb)
    ws = wb.add_worksheet(SETTINGS_SHEET)
    ws.set_vba_name("Sheet1")
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 50)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.write_string(0, 0, "政务公开重点任务清单 —— 一键汇总", st.get(font_name=C.FONT_HEAD, font_size=15))
    ws.write_string(STATUS_ROW, 0, "运行状态", st.head())
    ws.write_string(STATUS_ROW, 1, "尚未运行", st.get(border=1, bg_color="#E2EFDA"))
    ws.write_string(FIRST_SETTING_ROW - 1, 0, "项目", st.head())
    ws.write_string(FIRST_SETTING_ROW - 1, 1, "值（请填写）", st.head())
    ws.write_string(FIRST_SETTING_ROW - 1, 2, "说明", st.head())
    for r, (label, _, help_text) in enumerate(SETTINGS, start=FIRST_SETTING_ROW):
        ws.write_string(r, 0, label, st.get(border=1))
        ws.write_blank(r, 1, None, st.get(border=1, bg_color=C.COLOR_INPUT, locked=False))
        ws.write_string(r, 2, help_text, st.get(border=1, font_color="#595959"))
    for i, (_, caption, _) in enumerate(BUTTONS):
        ws.insert_button(
            FIRST_SETTING_ROW + len(SETTINGS) + 1,
            i,
            {"macro": "SampleCall", "caption": caption, "width": 110, "height": 36},
        )


CMD = (
    '@echo off\r\nchcp 65001 >nul\r\ncd /d "%~dp0"\r\n'
    "python -m zwgk_xl.cli run zwgk_control.xlsm --action consolidate\r\npause\r\n"
)

_HELP = (
    "使用方法",
    "1. 在“设置”表中填写各项路径（可以是相对于本工作簿的路径）。",
    "2. 点“生成分发”：导入任务清单，生成总表和各单位填报表（写到输出文件夹）。",
    "3. 各单位发回后放入“报送文件夹”，点“一键汇总”：结果写入本工作簿的总表、汇总、问题清单三张表，",
    "   完整的汇总工作簿写到输出文件夹。",
    "4. 点“发送汇总”：把汇总结果发给区府办邮箱（未配置邮件服务器时生成 .eml 文件）。",
    "5. 下一轮（如下一季度）：在“轮次”填新轮次、“报送截止”填新日期，点“下一轮”：用最近一次汇总结果生成新一轮总表和",
    "   各单位填报表（预填上轮内容），再把“总表”改为新生成的总表。每次汇总都记入总表旁的留痕库。",
    "运行状态显示在“设置”表 B3 单元格；出错时这里会写明原因。",
    "本工作簿需与 zwgk_control.py 放在同一文件夹，且文件名不要改为中文（xlwings 按文件名导入 Python 模块）。",
)


# ------------------------------------------------------------------------------------------------ running


class SettingsError(Exception):
    """A setting is missing or wrong: the message names the 设置 row to fix."""


def settings_from_rows(rows: Sequence[Sequence[object]]) -> dict[str, object]:
    labels = {label: key for label, key, _ in SETTINGS}
    out: dict[str, object] = {}
    for row in rows:
        if len(row) >= 2 and str(row[0] or "").strip() in labels:
            value = row[1]
            out[labels[str(row[0]).strip()]] = value.strip() if isinstance(value, str) else value
    return out


def read_settings(path: str | Path) -> dict[str, object]:
    """The 设置 sheet of a control workbook file, read without Excel (for 一键汇总.cmd and `zwgk run`)."""
    from python_calamine import CalamineWorkbook

    if not Path(path).exists():
        raise SettingsError(f"找不到控制工作簿：{path}")
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own error types for a file it cannot read
        raise SettingsError(f"{path}：无法读取（{exc}）") from exc
    if SETTINGS_SHEET not in wb.sheet_names:
        raise SettingsError(f"{path}：找不到“{SETTINGS_SHEET}”工作表")
    return settings_from_rows(wb.get_sheet_by_name(SETTINGS_SHEET).to_python())


def _label(key: str) -> str:
    return next(label for label, k, _ in SETTINGS if k == key)


def _path(settings: dict[str, object], key: str, base: Path, must_exist: bool = True) -> Path:
    value = str(settings.get(key) or "").strip().strip('"')
    if not value:
        raise SettingsError(f"请在“设置”表中填写“{_label(key)}”")
    p = Path(value)
    p = p if p.is_absolute() else base / p
    if must_exist and not p.exists():
        raise SettingsError(f"“{_label(key)}”指向的 {p} 不存在，请检查“设置”表")
    return p


def _date(value: object):
    if value in (None, ""):
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().rstrip("Z").split("T")[0]
    try:
        return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError as exc:
        raise SettingsError(f"“汇总截至日期”应为日期，例如 2022-12-15，而不是“{value}”") from exc


ActionResult = tuple[str, "dict[str, list[list[object]]] | None", "dt.date | None"]


def run(action: str, settings: dict[str, object], base: Path) -> ActionResult:
    """Run one button's action with the 设置 values; returns (status message, result sheets or None, as_of)."""
    actions = {
        "consolidate": _consolidate,
        "build_and_split": _build_and_split,
        "send_summary": _send_summary,
        "next_round": _next_round,
    }
    if action not in actions:
        raise SettingsError(f"未知操作：{action}")
    return actions[action](settings, base, _path(settings, "output", base, must_exist=False))


def _consolidate(settings: dict[str, object], base: Path, output: Path) -> ActionResult:

    from zwgk_xl import cycle

    as_of = _date(settings.get("as_of"))
    merged = output / f"汇总_{as_of.isoformat()}.xlsx"
    master, returns = _path(settings, "master", base), _path(settings, "returns", base)
    result = cycle.merge(master, returns, merged, as_of=as_of).consolidation  # recorded in the 留痕库
    msg = (
        f"一键汇总完成：{returned_units(result.returned, len(result.units))}，{findings.tally(result.findings)}，"
        f"结果已写入本工作簿和 {merged}"
    )
    return msg, result.sheet_arrays(), as_of


def _build_and_split(settings: dict[str, object], base: Path, output: Path) -> ActionResult:
    import zwgk_xl

    roster, _ = zwgk_xl.load_roster(_path(settings, "roster", base))
    imported = zwgk_xl.import_tasklist(_path(settings, "tasks", base), roster)
    built = zwgk_xl.build_master(
        imported.tasklist,
        roster,
        _path(settings, "master", base, must_exist=False),
        round_label=str(settings.get("round") or "1"),
        due=str(settings.get("due") or ""),
        contact=str(settings.get("contact") or ""),
    )
    split = zwgk_xl.split_units(built.path, output / "分发")
    return f"生成分发完成：总表 {built.path}，{len(split.files)} 个单位填报表在 {output / '分发'}", None, None


def _send_summary(settings: dict[str, object], base: Path, output: Path) -> ActionResult:
    import zwgk_xl
    from zwgk_xl import config, mail

    as_of = _date(settings.get("as_of"))
    merged = output / f"汇总_{as_of.isoformat()}.xlsx"
    if not merged.exists():
        raise SettingsError(f"找不到 {merged}，请先“一键汇总”")
    office = [a.strip() for a in str(settings.get("office") or "").replace("；", ";").split(";") if a.strip()]
    if not office:
        raise SettingsError("请在“设置”表中填写“区府办邮箱”")
    cfg = config.load(_path(settings, "config", base) if settings.get("config") else None)
    out = [mail.summary(zwgk_xl.read_report(merged), merged, cfg.mail.sender or cfg.mail.user, office)]
    transport: mail.Transport
    if cfg.mail.smtp:
        transport = mail.SmtpTransport(
            cfg.mail.host, cfg.mail.port, cfg.mail.security, cfg.mail.user, cfg.mail.password(), cfg.mail.timeout
        )
        log = Path(cfg.source).parent / "已发送记录.jsonl"
    else:
        transport, log = mail.OutboxTransport(output / "邮件"), output / "邮件" / "已发送记录.jsonl"
    sent = mail.deliver(out, transport, log)
    from zwgk_xl.cycle import record_mail

    record_mail(merged, sent, transport.name)  # the trail; a record that cannot be written costs only that
    if sent.failed:
        raise SettingsError(f"发送失败：{sent.failed[0][1]}")
    how = "已发送" if cfg.mail.smtp else f"已生成 .eml 到 {output / '邮件'}"
    now = dt.datetime.now()
    return f"发送汇总：{how}（{len(sent.sent)} 封，跳过已发送 {len(sent.skipped)} 封）{now:%H:%M}", None, None


def _next_round(settings: dict[str, object], base: Path, output: Path) -> ActionResult:
    """下一轮: the last 一键汇总's workbook → the new round's master and pre-filled unit workbooks."""
    import zwgk_xl
    from zwgk_xl import cycle

    as_of = _date(settings.get("as_of"))
    merged = output / f"汇总_{as_of.isoformat()}.xlsx"
    if not merged.exists():
        raise SettingsError(f"找不到 {merged}，请先“一键汇总”（下一轮从汇总结果生成）")
    label = str(settings.get("round") or "").strip()
    if not label:
        raise SettingsError("请在“设置”表的“轮次”中填写新一轮的轮次，如 2022-Q4")
    try:
        nxt = cycle.next_round(merged, label, output / f"总表_{label}.xlsx", due=str(settings.get("due") or ""))
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc
    split = zwgk_xl.split_units(nxt.path, output / f"分发_{label}")
    return (
        f"下一轮完成：总表 {nxt.path}（预填 {nxt.carried} 项上轮填报），{len(split.files)} 个单位填报表在 "
        f"{output / f'分发_{label}'}；请把“总表”改为 {nxt.path.name}",
        None,
        None,
    )
