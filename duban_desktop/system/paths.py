"""Where things live: the user data folder, logs, the office's templates, shipped files.

No Qt here: the command line needs the same paths. Every path can be pointed elsewhere
with DUBAN_DATA_DIR (tests point it at a temporary folder).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "DubanDesktop"


def data_dir() -> Path:
    override = os.environ.get("DUBAN_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
    return path


def default_db_path() -> Path:
    return data_dir() / "duban.sqlite"


def log_dir() -> Path:
    return data_dir() / "logs"


def office_templates_dir() -> Path:
    """The office's own edited templates; they override the shipped ones."""
    return data_dir() / "templates"


def install_root() -> Path:
    """The folder holding forms/ and resources/: the source tree, or a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent.parent  # duban_desktop/system/paths.py


def shipped_forms_dir() -> Path:
    return install_root() / "forms"


def resources_dir() -> Path:
    return install_root() / "resources"
