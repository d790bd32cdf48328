"""What every subcommand shares: opening the database it names, printing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..db import open_database
from ..system.errors import UserError
from ..system.paths import default_db_path


class CommandError(UserError):
    """A refusal to print as one line on stderr (exit 1)."""


def db_target(args) -> str | Path:
    return args.db if getattr(args, "db", None) else default_db_path()


# The commands that write hold the program's lock while they run (db/lock.py): they refuse
# while a window has the database open. Every other command reads, read-only when a window
# holds the database. Only demo makes a new database; no command turns a missing or 0-byte
# file into one.
WRITING_COMMANDS = {"demo": "demo", "import": "import"}


def writing_role(args) -> str | None:
    if getattr(args, "dry_run", False):
        return None
    return WRITING_COMMANDS.get(getattr(args, "command", None))


def open_db(args, *, create: bool = False):
    """Open the database the command names. ``create`` is kept for callers' clarity, but only
    ``demo`` creates a database."""
    role = writing_role(args)
    making = role == "demo"
    target = db_target(args)
    return open_database(target, create=making, replace_empty=making, role=role,
                         password=server_password(target))


PASSWORD_ENV = "DUBAN_DB_PASSWORD"


def server_password(target) -> str | None:
    """The password for a server address on the command line: the one in the URL, else the
    one this PC's keyring keeps for the address, else DUBAN_DB_PASSWORD (libpq itself reads
    PGPASSWORD and the pgpass file after these). Never printed."""
    from ..db.server import ServerAddress, is_server_url

    if not is_server_url(str(target)):
        return None
    address, in_url = ServerAddress.from_url(str(target))
    if in_url:
        return in_url
    from ..system import credentials

    return credentials.get_password(address.display()) or os.environ.get(PASSWORD_ENV) or None


def add_db_option(parser) -> None:
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="数据库文件路径或地址(默认:用户数据文件夹中的 duban.sqlite)")


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
