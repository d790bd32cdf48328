"""The one ``Cancelled``: long work stopped by the user (取消) or by the window closing.

It lives here, below every layer, so that db/ (a backup), io/ (an export, an import) and
domain/ can raise it and ui/tasks.py catches it once. The layers' own kinds are
subclasses (``io.files.Cancelled`` is also a ``FileError``, ``db.backup.BackupCancelled``
also a ``DatabaseError``). ``str(error)`` is a Chinese message; whatever was cancelled
left nothing behind.
"""

from __future__ import annotations

from .errors import UserError


class Cancelled(UserError):
    """The work was cancelled; nothing of it was kept."""

    def __init__(self, message: str = "已取消，没有留下任何改动。"):
        super().__init__(message)
