"""This desk's own settings: what differs between the PCs of one office (who sits here,
which server this desk uses), kept in a small JSON file in the data folder, never in the
shared database. No Qt here: the command line reads the same file.

``DUBAN_OPERATOR`` names the operator for one run (the command line, tests).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from urllib.parse import urlparse

from .paths import data_dir

log = logging.getLogger(__name__)

FILE_NAME = "desk.json"


def desk_file() -> Path:
    return data_dir() / FILE_NAME


def load() -> dict:
    try:
        value = json.loads(desk_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("desk settings %s unreadable (%s): using none", desk_file(), exc)
        return {}
    return value if isinstance(value, dict) else {}


def get(key: str, default=None):
    return load().get(key, default)


def put(key: str, value) -> None:
    """Store ``key`` (None removes it), replacing the file in one step."""
    values = load()
    if value is None:
        values.pop(key, None)
    else:
        values[key] = value
    path = desk_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(values, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def operator() -> str:
    """The operator named at this desk ('' if none)."""
    named = os.environ.get("DUBAN_OPERATOR", "").strip()
    if named:
        return named
    value = get("operator", "")
    return value.strip() if isinstance(value, str) else ""


def set_operator(name: str) -> None:
    put("operator", name.strip() or None)




SERVER_KEY = "server"  # the server this desk opens: a postgresql:// URL, never a password


def server() -> str | None:
    """The server this desk was pointed at (None: the database file on this PC)."""
    url = get(SERVER_KEY)
    return url if isinstance(url, str) and url.split("://")[0] in ("postgresql", "postgres") else None


def set_server(url: str | None) -> None:
    """Point this desk at the server ``url`` (without a password), or back to the file."""
    if url is not None and urlparse(url).password:
        raise ValueError("a server's URL kept on the desk must not hold the password")
    put(SERVER_KEY, url)
