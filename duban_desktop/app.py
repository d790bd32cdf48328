"""The one entry point: ``duban-desktop`` (GUI script) and ``python -m duban_desktop``.

main(argv): a subcommand goes to the command line; otherwise paths -> logging ->
open and migrate the database -> window.

Python's cycle collector is off while the program loads: loading allocates a great
deal (modules, classes, Qt's enums) and frees almost nothing, so each collection
walks a growing heap for nothing (15-18 ms of a window's start). A command turns
it back on at once; the window does once it is shown (ui/startup/start.py: collect_again).
"""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    gc.disable()
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        gc.enable()


def _main(argv: list[str]) -> int:
    from .system.logs import ensure_streams

    ensure_streams()
    from . import cli

    first = next((a for a in argv if not a.startswith("-")), None)
    if first is not None and first in cli.command_names():
        gc.enable()
        return cli.run(argv)
    parser = cli.parser.ChineseParser(prog="duban-desktop", description="督办 Desktop:办公室协调督查工作",
                                      epilog="命令行用法:duban-desktop 命令 --help,命令有:"
                                      + "、".join(sorted(cli.command_names())))
    parser.add_argument("--demo", action="store_true", help="在临时文件夹中用示例数据打开程序")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="打开指定的数据库(默认:用户数据文件夹)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from .ui.startup.start import run_gui

    return run_gui(db=args.db, demo=args.demo)
