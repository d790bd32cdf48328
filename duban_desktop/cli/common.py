"""What every subcommand shares: opening the database it names, printing."""

from __future__ import annotations

import sys
from pathlib import Path

from ..db import open_database
from ..paths import default_db_path


class CommandError(Exception):
    """A refusal to print as one line on stderr (exit 1)."""


def db_target(args) -> str | Path:
    return args.db if getattr(args, "db", None) else default_db_path()


def open_db(args, *, create: bool = False):
    return open_database(db_target(args), create=create)


def add_db_option(parser) -> None:
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="数据库文件路径或地址(默认:用户数据文件夹中的 duban.sqlite)")


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
