"""Refusals of the office's rules. ``str(error)`` is a Chinese message for the user."""

from __future__ import annotations

from ..system.cancel import Cancelled
from ..system.errors import UserError

__all__ = ["Cancelled", "DomainError", "NotFound", "StaleEdit", "StepNotAllowed", "ValidationError"]


class DomainError(UserError):
    """Base: an operation was refused; nothing was written."""


class ValidationError(DomainError):
    """A field's value is not acceptable. ``field`` is the code name of the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class StepNotAllowed(DomainError):
    """The step is not allowed in the record's current state."""


class NotFound(DomainError):
    pass


class StaleEdit(ValidationError):
    """An edit begun on an older version of the record: another desk changed it since the
    dialog opened. The message says who, when and what changed; nothing was stored. (A
    ValidationError of no field: a form shows it above its fields and stays open.)"""

    def __init__(self, message: str):
        super().__init__("version", message)
