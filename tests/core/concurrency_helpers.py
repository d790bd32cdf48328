"""The other desks of tests/core/test_concurrency.py: each a separate process that opens
the same database (the SQLite file or the server's URL) through the real open path and
works through the domain, as a second PC would.

Run as ``python -m tests.core.concurrency_helpers ACTION TARGET FOLDER JSON``. FOLDER is
where the test and the desks signal each other by files: a desk writes ``<name>.ready``
once the database is open, waits for ``go`` before it starts, and prints one JSON line
(what it did, or the refusal it got: its kind and its Chinese message). A refusal the user
would see (a ``UserError``) ends it with exit 1 and ``错误：…`` on stderr, as the command
line does; anything else is a fault and leaves its traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

TODAY = dt.date(2026, 6, 15)
WAIT_S = 120.0


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {path.name}")
        time.sleep(0.01)


def _open(target: str) -> None:
    """Open as a plain writer (no program lock role). Two such openings at the same instant
    may see each other's momentary check of the program's lock and open read-only (what a
    reader does while another holds it): then open again."""
    from duban_desktop.db import close_database, open_database

    for attempt in range(50):
        db = open_database(target)
        if not str(getattr(db, "database", "")).startswith("file:"):  # not the read-only URI
            return
        close_database()
        time.sleep(0.02 * (attempt + 1))
    raise SystemExit("the database kept opening read-only")


def urge(args: dict) -> dict:
    from duban_desktop.domain import supervision

    made = [supervision.urge(args["item"], method="phone", content=f"第 {n + 1} 次", urged_on=TODAY, now=TODAY).id
            for n in range(args["times"])]
    return {"urges": made}


def register(args: dict) -> dict:
    from duban_desktop.domain import supervision

    numbers = []
    for n in range(args["times"]):
        item = supervision.register_item(
            title=f"{args.get('who', '')}登记的第 {n + 1} 件", lead_unit=args.get("unit", "县应急管理局"),
            responsible_person="周敏", source="meeting_decision", registered_on=dt.date(2026, 6, 1),
            deadline=dt.date(2026, 6, 30), number=args.get("number"), now=TODAY)
        numbers.append(item.number)
    return {"numbers": numbers}


def edit(args: dict) -> dict:
    from duban_desktop.domain import supervision

    item = supervision.update_item(args["item"], **args["values"])
    return {"version": item.version}


def hold_urge(args: dict) -> dict:
    """An urge whose transaction stays open (the row locked, everything written but not
    committed) from ``held`` until the test writes ``release``."""
    from duban_desktop.db import write_transaction
    from duban_desktop.domain import supervision

    folder = Path(args["folder"])
    with write_transaction():
        record = supervision.urge(args["item"], method="notice", content="请于三日内报送。", urged_on=TODAY,
                                  now=TODAY)
        (folder / "held").write_text("held")
        _wait_for(folder / "release")
    return {"urge": record.id}


def waiting_urge(args: dict) -> dict:
    """An urge that says (``waiting``) when it has to wait for another desk's lock."""
    from duban_desktop.db.connection import set_busy_waiter
    from duban_desktop.domain import supervision

    folder = Path(args["folder"])
    set_busy_waiter(lambda seconds: (folder / "waiting").write_text("waiting") if seconds >= 0 else None)
    record = supervision.urge(args["item"], method="phone", urged_on=TODAY, now=TODAY)
    return {"urge": record.id}


ACTIONS = {"urge": urge, "register": register, "edit": edit, "hold_urge": hold_urge,
           "waiting_urge": waiting_urge}


def main(argv: list[str]) -> int:
    from duban_desktop.system.errors import UserError

    action, target, folder, raw = argv
    args = json.loads(raw)
    args["folder"] = folder
    name = args.get("name", action)
    try:
        _open(target)
        (Path(folder) / f"{name}.ready").write_text("ready")
        if args.get("barrier", True):
            _wait_for(Path(folder) / "go")
        result = ACTIONS[action](args)
    except UserError as exc:
        print(json.dumps({"refused": type(exc).__name__, "message": str(exc)}, ensure_ascii=False))
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
