"""The Chinese around typer's help and errors: typer and click print their own English (Usage, Options, Missing
argument, <path> …); `install` replaces it once, before the app is made."""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text


def install() -> None:
    """typer and its click print their own English (Usage, Options, Show this message and exit., Missing argument,
    [required] …) around our Chinese: replaced here at import, in the strings and the few places they are made."""
    _words()
    _usage()
    _errors()
    _folding()
    _value_names()


def _words() -> None:
    """The panel titles and the fixed strings rich_utils prints."""
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.ABORTED_TEXT = "已中止。"
    rich_utils.DEFAULT_STRING = "［默认：{}］"
    rich_utils.REQUIRED_LONG_STRING = "［必填］"
    rich_utils.ENVVAR_STRING = "［环境变量：{}］"
    rich_utils.DEPRECATED_STRING = "（已弃用）"
    rich_utils.RICH_HELP = "用 [blue]{command_path} {help_option}[/] 查看帮助。"


def _usage() -> None:
    """The usage line and the --help option's own help."""
    from typer import _click

    write_usage = _click.formatting.HelpFormatter.write_usage

    def usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "［选项］").replace("COMMAND", "命令").replace("[ARGS]", "［参数］")
        write_usage(self, prog, args, prefix or "用法：")

    _click.formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]
    get_help_option = _click.core.Command.get_help_option

    def help_option(self, ctx):
        opt = get_help_option(self, ctx)
        if opt is not None:
            opt.help = "显示本帮助并退出。"
        return opt

    _click.core.Command.get_help_option = help_option  # type: ignore[method-assign]


def _errors() -> None:
    """click's error messages, translated as they are printed."""
    from typer import rich_utils

    format_error = rich_utils.rich_format_error

    def error(self) -> None:
        english = self.format_message
        self.format_message = lambda: _chinese_error(english())
        format_error(self)

    rich_utils.rich_format_error = error


def _folding() -> None:
    """Help tables that fold long Chinese lines rather than cutting them."""
    from typer import rich_utils

    class FoldingTable(Table):
        """Long Chinese help has no spaces to wrap at: fold it onto the next line instead of cutting it with …"""

        def add_row(self, *cells, **kwargs):
            super().add_row(*cells, **kwargs)
            for column in self.columns:
                column.overflow = "fold"

    rich_utils.Table = FoldingTable  # type: ignore[misc]
    columns = rich_utils.Columns

    def join(items, *args, **kwargs):
        """An option's help, default and [required] as one text that folds (rich's Columns cut each with …)."""
        if items and all(isinstance(i, Text) for i in items):
            return Text(" ").join(items)
        return columns(items, *args, **kwargs)

    rich_utils.Columns = join  # type: ignore[misc,assignment]


def _value_names() -> None:
    """Value types and argument names in Chinese."""
    from typer.core import TyperArgument, TyperOption

    def display_type(self: TyperArgument | TyperOption, ctx: object) -> str | None:
        """The value column in Chinese (typer prints <path>, <str>; a flag takes no value, so it shows none)."""
        if getattr(self, "is_flag", False):
            return None
        english = self.display_type(ctx)  # type: ignore[arg-type]
        return _TYPES.get(english, english)

    TyperArgument.display_type_rich = display_type  # type: ignore[method-assign,assignment]
    TyperOption.display_type_rich = display_type  # type: ignore[method-assign]
    TyperArgument.display_name_raw = property(  # type: ignore[method-assign,assignment]
        lambda self: self.metavar or _ARGUMENTS.get(self.name or "", self.name or "")
    )


#: typer's value types and our argument names as a clerk reads them in help, usage and errors
_TYPES = {
    "<path>": "路径",
    "<str>": "文字",
    "<int>": "整数",
    "<list[str]>": "文字（可多个）",
    "<list[Path]>": "路径（可多个）",
}
_ARGUMENTS = {
    "control_book": "控制工作簿",
    "master": "总表",
    "merged": "汇总工作簿",
    "outbox_dir": "分发文件夹",
    "returns": "报送文件夹",
    "source": "清单文件",
    "tasks": "清单文件",
}


_ERRORS = (
    (re.compile(r"^Missing argument '(.+)'\.?$"), "缺少参数 {0}。"),
    (re.compile(r"^Missing option '(.+)'\.?$"), "缺少选项 {0}。"),
    (re.compile(r"^Missing parameter: (.+)$"), "缺少参数 {0}。"),
    (re.compile(r"^No such option: (.+)$"), "没有这个选项：{0}"),
    (re.compile(r"^No such command '(.+)'\.?$"), "没有这个命令：{0}"),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), "多余的参数：{0}"),
    (re.compile(r"^Invalid value for '?(.+?)'?: (.+)$"), "{0} 的值无效：{1}"),
    (re.compile(r"^Option '(.+)' requires an argument\.?$"), "选项 {0} 需要一个值。"),
    (re.compile(r"^Missing command\.?$"), "缺少命令。"),
)


def _chinese_error(message: str) -> str:
    for pattern, text in _ERRORS:
        if m := pattern.match(message.strip()):
            return text.format(*m.groups())
    return message
