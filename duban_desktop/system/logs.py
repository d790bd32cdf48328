"""Logging to a file in the data folder (a windowed build has no console).

The log rotates (2 MB, five old files). The window starts with a plain file handler
and turns rotation on once it is shown (``rotate_log``): the rotating handler's module
loads sockets, pickling and queues with it, 7 ms of every start.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from .paths import log_dir

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES, BACKUPS = 2_000_000, 5


def setup_logging(level: int = logging.INFO, *, rotate: bool = True) -> Path | None:
    """Log to data-folder/logs/duban.log, rotating at once or, with ``rotate=False``,
    once ``rotate_log()`` is called. Returns the log file, or None if the folder cannot
    be written (then only warnings go to stderr, if there is one)."""
    root = logging.getLogger()
    if getattr(root, "_duban_configured", False):
        return getattr(root, "_duban_log_file", None)
    root.setLevel(level)
    path: Path | None = log_dir() / "duban.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _rotating(path) if rotate else logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
        if not rotate:
            root._duban_plain_handler = handler
    except OSError:
        path = None
        if sys.stderr is not None:
            stream = logging.StreamHandler(sys.stderr)
            stream.setLevel(logging.WARNING)
            root.addHandler(stream)
    root._duban_configured = True
    root._duban_log_file = path
    sys.unraisablehook = _log_unraisable
    return path


def _log_unraisable(info) -> None:
    """An error Python cannot raise (a library's object cleaning up after a failed write,
    such as zipfile's ``__del__`` on a full disk) goes to the log, never to the user's
    console after the Chinese message that already said what happened."""
    logging.getLogger("unraisable").warning(
        "ignored in %r: %s: %s", info.object, getattr(info.exc_type, "__name__", info.exc_type), info.exc_value)


def _rotating(path: Path) -> logging.Handler:
    import logging.handlers

    return logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                encoding="utf-8")


def rotate_log() -> None:
    """Replace the plain file handler of ``setup_logging(rotate=False)`` with the rotating
    one (on the same file: a file already over the limit rolls over at the next line)."""
    root = logging.getLogger()
    plain = getattr(root, "_duban_plain_handler", None)
    if plain is None:
        return
    rotating = _rotating(Path(plain.baseFilename))
    rotating.setFormatter(plain.formatter)
    root.addHandler(rotating)
    root.removeHandler(plain)
    plain.close()
    root._duban_plain_handler = None


def ensure_streams() -> None:
    """A windowed (no console) build has sys.stdout/sys.stderr set to None."""
    import os

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
