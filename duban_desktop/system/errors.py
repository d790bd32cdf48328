"""The one base of every error a user is shown.

``str(error)`` is a whole Chinese sentence (or more) that names the field, file or reason
and what to do; the window shows it in a message box, the command line prints it as one
``错误：`` line with exit 1. Anything that is not a ``UserError`` is a fault of the program:
its traceback goes to the log and the user gets a short Chinese note instead.

The layers' own kinds derive from it: ``domain.errors.DomainError`` (a refused step, a bad
field; ``io`` files and templates), ``db.errors.DatabaseError`` (busy, read-only, full,
damaged ...), ``cli.common.CommandError``, ``system.launchers.ShortcutError``, and
``system.cancel.Cancelled`` (the user's own 取消).
"""

from __future__ import annotations


class UserError(Exception):
    """An error whose ``str()`` is the message the user is shown."""
