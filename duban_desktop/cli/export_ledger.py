"""``export ledger``: the supervision ledger in Excel (see io/ledger)."""

from __future__ import annotations


def register(what) -> None:
    """Adds the ledger subcommand (work in progress)."""
