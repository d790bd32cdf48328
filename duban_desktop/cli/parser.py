"""argparse speaking Chinese: usage errors exit 2 with one clear line."""

from __future__ import annotations

import argparse
import re
import sys

_ERRORS = [
    (re.compile(r"the following arguments are required: (.+)"), r"缺少必需的参数:\1"),
    (re.compile(r"argument (\S+): invalid choice: '?([^']*)'? \(choose from (.+)\)"),
     r"参数 \1 的取值“\2”无效,可选:\3"),
    (re.compile(r"unrecognized arguments: (.+)"), r"无法识别的参数:\1"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 后面需要一个值"),
    (re.compile(r"argument (\S+): invalid int value: '?([^']*)'?"), r"参数 \1 需要整数,收到“\2”"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), r"参数 \1 不能与 \2 同时使用"),
]

_HELP = [
    ("usage:", "用法:"),
    ("positional arguments:", "参数:"),
    ("options:", "选项:"),
    ("optional arguments:", "选项:"),
    ("show this help message and exit", "显示帮助并退出"),
    ("show program's version number and exit", "显示版本号并退出"),
]


def translate(message: str) -> str:
    for pattern, replacement in _ERRORS:
        if pattern.search(message):
            return pattern.sub(replacement, message)
    return message


class ChineseParser(argparse.ArgumentParser):
    def format_usage(self) -> str:
        return self._zh(super().format_usage())

    def format_help(self) -> str:
        return self._zh(super().format_help())

    @staticmethod
    def _zh(text: str) -> str:
        for english, chinese in _HELP:
            text = text.replace(english, chinese)
        return text

    def error(self, message: str):
        usage = self.format_usage().strip()
        if sys.stderr is not None:
            sys.stderr.write(f"用法错误：{translate(message)}\n{usage}\n")
        raise SystemExit(2)
