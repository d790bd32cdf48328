"""The steps of the register in the real window, timed and counted (started by
``bench_server.py``; works on SQLite and on a server URL alike).

    python -m tests.benchmarks.server_child steps --db PATH_OR_URL [--items K]

The real main window on the database (as gui_child.py opens it), the register shown. For
each of ``K`` items in progress near the top of the register (its newest items, as the
office sees them), selected first (not timed), three steps one after the other, each as a
click on its button does it (``LedgerTab.run_step``): 检查催办, 报送结果, 情况审理 (passed).
The step's dialog is built as in the window and, instead of waiting for the user, filled
(a content where it needs one) and submitted at once (``FormDialog.exec`` is replaced, as
the GUI tests replace it); so a step is: the dialog built, the domain's step, the window's
refresh after it (the register re-queried, the item re-read and its detail drawn, the
counts and alerts), and the events that follow, until no background task is left.

Each step is timed in three parts (dialog, domain step, refresh) and its SQL statements
are counted, as peewee logs each one at DEBUG on the ``peewee`` logger, in the same
parts. After each step the window is left alone for ``--after-ms`` (events processed),
and what it queries then (a notification of the change, a poll) is counted apart.
Prints one line ``RESULT {json}``. ``--sql`` keeps each step's statements; ``--profile FILE``
writes pyinstrument's report of the steps (``pip install pyinstrument`` first).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from .gui_child import open_window, peak_rss_mb, result

STEPS = ("urge", "report", "review")


class Counter(logging.Handler):
    """Counts peewee's statements (one DEBUG record each), and keeps the last few."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0
        self.sql: list[str] = []
        self.keep = False

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.keep:
            msg = record.msg
            self.sql.append(str(msg[0] if isinstance(msg, tuple) else record.getMessage())[:160])


def install_counter() -> Counter:
    counter = Counter()
    logger = logging.getLogger("peewee")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    logger.propagate = False  # not into the program's log file
    return counter


def settle(app, budget_s: float = 30.0) -> None:
    """Process events until no background task is left, then a few passes more (paints)."""
    from duban_desktop.ui import tasks

    deadline = time.perf_counter() + budget_s
    while tasks.running() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.0005)
    for _ in range(3):
        app.processEvents()


def idle(app, ms: float) -> None:
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def measure_steps(db: str, items: int, after_ms: float, keep_sql: bool, profile: str | None = None) -> None:
    from duban_desktop.domain import ledger
    from duban_desktop.ui.dialogs.form_dialog import FormDialog

    counter = install_counter()
    started = time.perf_counter()
    app, window = open_window(db)
    settle(app)
    opened_s = time.perf_counter() - started
    reg = window.ledger
    marks: dict[str, float | int] = {}

    def submit_now(dialog: FormDialog) -> int:
        """The user's OK: a content where the step needs one, then the dialog's submit,
        timed apart from building the dialog and from the refresh."""
        content = dialog.fields.get("content")
        if content is not None and not content.value().strip():
            content.set_value("已按要求办理，情况如下：相关工作已完成。")
        covers = dialog.fields.get("covers_units")  # the lead's joint report covers its helping units
        if covers is not None:
            covers.setChecked(True)
        marks["submit"], marks["submit_n"] = time.perf_counter(), counter.count
        dialog.submit()
        marks["submitted"], marks["submitted_n"] = time.perf_counter(), counter.count
        return dialog.result()

    FormDialog.exec = submit_now

    in_progress = set(ledger.item_ids(ledger.ItemFilter(state="in_progress")))
    chosen = [i for i in reg.model.ids[:2000] if i in in_progress][:items]
    steps = []
    counter.keep = keep_sql
    profiler = None
    if profile:  # where a step's time goes (pyinstrument, when it is installed), the steps only
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    for item_id in chosen:
        reg.select_id(item_id)
        settle(app)
        for step in STEPS:
            counter.sql.clear()
            marks.clear()
            if profiler:
                profiler.start()
            n0, t0 = counter.count, time.perf_counter()
            reg.run_step(step)
            settle(app)
            t1, n1 = time.perf_counter(), counter.count
            if profiler:
                profiler.stop()
            if "submitted" not in marks:
                raise RuntimeError(f"the {step} dialog was never submitted (item {item_id})")
            idle(app, after_ms)
            item = reg.current_record()
            expected = {"urge": "in_progress", "report": "awaiting_review", "review": "passed"}[step]
            if item is None or item.state != expected:
                raise RuntimeError(f"{step} of item {item_id} left it {getattr(item, 'state', None)}")
            steps.append({
                "step": step, "item": item_id,
                "ms": (t1 - t0) * 1000,
                "dialog_ms": (marks["submit"] - t0) * 1000,
                "domain_ms": (marks["submitted"] - marks["submit"]) * 1000,
                "refresh_ms": (t1 - marks["submitted"]) * 1000,
                "statements": n1 - n0,
                "dialog_statements": marks["submit_n"] - n0,
                "domain_statements": marks["submitted_n"] - marks["submit_n"],
                "refresh_statements": n1 - marks["submitted_n"],
                "after_statements": counter.count - n1,
                **({"sql": list(counter.sql)} if keep_sql else {}),
            })
    if profiler:
        with open(profile, "w", encoding="utf-8") as out:
            out.write(profiler.output_text(unicode=True, show_all=False))
    if not steps:
        raise RuntimeError("no item in progress among the register's first 2,000")
    result({"steps": steps, "window_open_s": opened_s, "rows": len(reg.model.ids),
            "statements_total": counter.count, "peak_rss_mb": peak_rss_mb()})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["steps"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--after-ms", type=float, default=300)
    parser.add_argument("--sql", action="store_true", help="keep each step's statements in the result")
    parser.add_argument("--profile", metavar="FILE", help="pyinstrument's report of the steps, written to FILE")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    measure_steps(args.db, args.items, args.after_ms, args.sql, args.profile)
    sys.stdout.flush()
    os._exit(0)  # leave at once: Qt's teardown is not measured


if __name__ == "__main__":
    main()
