"""``export form|bulletin|notices``: the standard forms in Word (see io/forms)."""

from __future__ import annotations


def register(what) -> None:
    """Adds the form, bulletin and notices subcommands (work in progress)."""
