"""The command line: the same domain and io functions as the window, no window.

Errors print one clear Chinese line on stderr and exit 1; usage errors exit 2;
a traceback goes to the log file, never to the user.
"""

from __future__ import annotations

import logging
import sqlite3
import sys

import peewee as pw

from ..db import current_path
from ..db.connection import set_busy_waiter, sqlite_target
from ..db.errors import classify
from ..system.errors import UserError
from ..system.logs import setup_logging
from ..system.oserrors import describe
from .common import db_target
from .parser import ChineseParser

log = logging.getLogger(__name__)

# The subcommands, named here so that starting the window need not import the command
# line's modules (tests/core/test_cli.py checks this list against the parser).
COMMANDS = frozenset({"alerts", "backup", "check", "demo", "export", "import", "show", "transfer"})


def modules() -> list:
    """The modules that add subcommands: each has register(subparsers)."""
    from . import core, export, imports, show

    return [core, export, imports, show]


def build_parser() -> ChineseParser:
    parser = ChineseParser(prog="duban-desktop", description="督办 Desktop 命令行")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseParser)
    for module in modules():
        module.register(sub)
    return parser


def command_names() -> set[str]:
    return set(COMMANDS)


def _fail(message: str) -> int:
    if sys.stderr is not None:
        sys.stderr.write(message.rstrip() + "\n")
    return 1


def _say_waiting():
    """While a write waits for another writer: one line on stderr, then the wait goes on."""
    said = []

    def waiting(seconds: float) -> None:
        if seconds < 0:
            said.clear()
        elif seconds >= 1 and not said and sys.stderr is not None:
            said.append(True)
            sys.stderr.write("正在等待另一项操作（如窗口中的保存、备份）完成……\n")
            sys.stderr.flush()
    return waiting


def _server_error(exc: BaseException):
    """What the server's error means, in the office's words (None on SQLite)."""
    from ..db.connection import describe_open, is_server
    from ..db.server import classify_server

    return classify_server(exc, describe_open()) if is_server() else None


def run(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    log_file = setup_logging()
    set_busy_waiter(_say_waiting())
    try:
        return args.handler(args)
    except UserError as exc:  # a refusal with its own Chinese message
        return _fail(f"错误：{exc}")
    except BrokenPipeError:  # output piped into head and the like
        return 0
    except (pw.DatabaseError, sqlite3.DatabaseError) as exc:
        log.exception("database error in %s", argv)
        found = _server_error(exc) or classify(exc, current_path() or sqlite_target(db_target(args)))
        if found is not None:
            return _fail(f"错误：{found}")
        where = f"详细信息已写入日志 {log_file}。" if log_file else ""
        return _fail(f"错误：读写数据库时出错（{exc}）。刚才的操作没有完成。{where}")
    except OSError as exc:
        return _fail(f"错误：{describe(exc)}")
    except KeyboardInterrupt:
        return _fail("已中断。")
    except Exception as exc:  # noqa: BLE001 - the user gets one line, the log the traceback
        log.exception("unexpected error in %s", argv)
        where = f"详细信息已写入日志 {log_file}。" if log_file else ""
        return _fail(f"程序内部错误：{exc}。{where}")
