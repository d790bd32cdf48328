"""``import ledger``: the office's existing Excel ledger (see io/ledger_import)."""

from __future__ import annotations


def register(sub) -> None:
    """Adds the import subcommand (work in progress)."""
