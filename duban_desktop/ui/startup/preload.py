"""The first screen's data, read on a worker thread while the window is being built.

Building the window is Python and Qt on the GUI thread; reading the register's ids and
computing the alerts is mostly SQLite, which runs without the GIL. So at start the
worker reads them (its own connection) while the GUI thread imports and builds the
window, and the window takes the results when it fills its lists.

Each result is filed under the question it answers (what was asked, with which filter,
sort and day). A list that asks anything else, or finds the worker failed, reads for
itself: the preload can make the start faster, never different. Every query the worker
runs returns one row (ids and rows come back as one string, db/ids.py): a thread that
steps a cursor row by row would wait for the GIL after every row while the GUI thread
is busy.

The worker is a job of ui/tasks.py like every other (its connection opened and closed
there); it delivers nothing through the event loop: the window waits for it (``finish``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Hashable

from ...domain import alerts, case_list, ledger
from ..tasks import Job

log = logging.getLogger(__name__)

MISSING = object()  # what take() returns for a question it has no answer to


def ids_key(f: ledger.ItemFilter | case_list.CaseFilter, sort: str, descending: bool,
            today: dt.date) -> tuple:
    """The register's or the coordination list's ids (the filter's class tells which:
    filters are tuples, and equal tuples of two classes would be one key)."""
    return ("ids", type(f).__name__, f, sort, descending, today)


def alerts_key(today: dt.date) -> tuple:
    return ("alerts", today)


COUNTS_KEY = ("counts",)


def status_counts() -> tuple[int, int, int]:
    """The status bar's figures: supervision items in all, items open, coordination
    cases open."""
    return (ledger.count(), ledger.count(ledger.ItemFilter(state=ledger.OPEN)),
            case_list.count(case_list.CaseFilter(state=case_list.OPEN)))


def sort_text(sort: str, descending: bool) -> str:
    """A list's sort as window.ini keeps it, so that the next start knows it before the
    window exists: "deadline desc"."""
    return f"{sort} {'desc' if descending else 'asc'}"


def read_sort(text: object, known, default: tuple[str, bool]) -> tuple[str, bool]:
    """The sort kept by sort_text(), or ``default`` if it is missing or not one of
    ``known``."""
    parts = str(text or "").split()
    if len(parts) == 2 and parts[0] in known and parts[1] in ("asc", "desc"):
        return parts[0], parts[1] == "desc"
    return default


class Preload:
    """Runs ``jobs`` (question -> function) in order on one worker thread."""

    def __init__(self, jobs: dict[Hashable, Callable[[], object]]):
        self._jobs = dict(jobs)
        self._results: dict[Hashable, object] = {}
        self._worker = Job(self._run, name="first-screen").start()

    def _run(self, _progress) -> None:
        for key, job in self._jobs.items():
            try:
                self._results[key] = job()
            except Exception:  # noqa: BLE001 - the list then reads for itself
                log.exception("reading %s ahead failed", key[0])

    def __contains__(self, key: Hashable) -> bool:
        """Whether this preload reads the answer to ``key``."""
        return key in self._jobs

    def take(self, key: Hashable) -> object:
        """The answer to ``key`` (once), or MISSING."""
        if key not in self._jobs:
            return MISSING
        self.finish()
        return self._results.pop(key, MISSING)

    def answer(self, key: Hashable, compute: Callable[[], object]) -> object:
        """The answer to ``key``, or ``compute()`` when there is none."""
        found = self.take(key)
        return compute() if found is MISSING else found

    def finish(self) -> None:
        """Wait for the worker."""
        self._worker.wait()


def answer_once(owner, key: Hashable, compute: Callable[[], object]) -> object:
    """The answer of ``owner.preload`` to ``key``, or ``compute()`` without one. The
    owner's preload is dropped at its first question, whatever it asks: afterwards it
    reads for itself, so an answer left unasked can never be handed out stale."""
    preload, owner.preload = owner.preload, None
    return compute() if preload is None else preload.answer(key, compute)


def first_screen(register_sort: tuple[str, bool], today: dt.date | None = None) -> Preload:
    """Start reading what the window shows first: the whole register (unfiltered, as the
    window opens it) in its restored order, the alerts and the status bar's counts.
    (The coordination list is built after the first paint and reads for itself.)"""
    today = today or dt.date.today()
    item_filter = ledger.ItemFilter()
    return Preload({
        ids_key(item_filter, *register_sort, today):
            lambda: ledger.item_ids(item_filter, *register_sort, today=today, lazy=True),
        alerts_key(today): lambda: alerts.compute_alerts(today),
        COUNTS_KEY: status_counts,
    })
