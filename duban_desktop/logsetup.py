"""Logging to a file in the data folder (a windowed build has no console)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from .paths import log_dir

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to data-folder/logs/duban.log (rotating). Returns the log file, or None if
    the folder cannot be written (then only warnings go to stderr, if there is one)."""
    root = logging.getLogger()
    if getattr(root, "_duban_configured", False):
        return getattr(root, "_duban_log_file", None)
    root.setLevel(level)
    path: Path | None = log_dir() / "duban.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                       encoding="utf-8")
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
    except OSError:
        path = None
        if sys.stderr is not None:
            stream = logging.StreamHandler(sys.stderr)
            stream.setLevel(logging.WARNING)
            root.addHandler(stream)
    root._duban_configured = True
    root._duban_log_file = path
    return path


def ensure_streams() -> None:
    """A windowed (no console) build has sys.stdout/sys.stderr set to None."""
    import os

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
