"""Measurements that need a fresh process of their own (started by ``run.py``).

    python -m tests.benchmarks.gui_child window --db PATH [--repeat K]
    python -m tests.benchmarks.gui_child memory --db PATH
    python -m tests.benchmarks.gui_child alerts --db PATH [--repeat K]

``window``: the real main window on the database; typing into the register's search box
one character at a time (as an input method commits it), each keystroke timed until the
register's model holds the new ids; then sorting the register by 完成时限.
``memory``: the real window with the register open and scrolled through from the first
row to the last (every page painted), the last row selected; the process's peak RSS.
``alerts``: the first ``compute_alerts()`` of a fresh process (cold), then 2K more (warm)
after what was loaded is frozen for the cycle collector, as the program does once its
window is shown (ui/start.py: collect_again): the alerts are refreshed in that state.
Each prints one line ``RESULT {json}`` at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

# typed one character at a time; every prefix is a search the office could make
WORDS = ["城区背街小巷", "农村饮水安全", "王建国", "县财政局", "吴晓燕", "催字〔2020〕", "航天飞机"]


def peak_rss_mb() -> float:
    """The process's peak resident memory (VmHWM on Linux, ru_maxrss elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / (1024 * 1024) if sys.platform == "darwin" else usage / 1024


def result(data: dict) -> None:
    print("RESULT " + json.dumps(data, ensure_ascii=False), flush=True)


def open_window(db: str):
    """The window as run_gui builds it: the application's style and translation, the
    database opened through the real path, the main window shown and painted."""
    from duban_desktop.db import open_database
    from duban_desktop.ui.main_window import MainWindow
    from duban_desktop.ui.startup.application import make_app

    app = make_app()
    open_database(db)
    window = MainWindow(db)
    window.show()
    app.processEvents()
    window.tabs.setCurrentWidget(window.ledger)
    app.processEvents()
    return app, window


def wait_for(signal, action, timeout_s: float = 120.0) -> float:
    """Run ``action`` and wait (running the event loop) until ``signal`` fires; seconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    done: list[float] = []

    def finish(*_args):
        done.append(time.perf_counter())
        loop.quit()

    signal.connect(finish)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(int(timeout_s * 1000))
    start = time.perf_counter()
    action()
    if not done:
        loop.exec()
    timer.stop()
    signal.disconnect(finish)
    if not done:
        raise TimeoutError("the register never reloaded")
    return done[0] - start


def measure_window(db: str, repeat: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    app, window = open_window(db)
    reg = window.ledger
    # The search waits 250 ms after the last keystroke before it runs (debounce), so
    # that fast typing runs one search, not one per key. That wait is not work: set it to
    # zero here so each keystroke's own work (the query on a worker thread, the ids
    # handed back, the model reset) is what is timed.
    reg._debounce.setInterval(0)
    reg.search.setFocus()

    def type_char(ch: str):
        event = QInputMethodEvent()
        event.setCommitString(ch)
        return lambda: QApplication.sendEvent(reg.search, event)

    def settle() -> None:
        """Let the window repaint what changed (the table, the count, the detail pane)."""
        for _ in range(3):
            app.processEvents()

    keystrokes = []
    for _ in range(max(1, repeat // 2)):
        for word in WORDS:
            for n, ch in enumerate(word, start=1):
                start = time.perf_counter()
                seconds = wait_for(reg.model.loaded, type_char(ch))
                settle()  # (and so the next keystroke does not wait for this one's paint)
                keystrokes.append({"query": word[:n], "chars": n, "ms": seconds * 1000,
                                   "painted_ms": (time.perf_counter() - start) * 1000,
                                   "found": len(reg.model.ids)})
            wait_for(reg.model.loaded, reg.search.clear)
            settle()
    assert len(reg.model.ids) > 0

    deadline = next(i for i, (key, _h) in enumerate(reg.model.COLUMNS) if key == "deadline")
    sorts, sorts_painted = [], []
    for n in range(repeat * 2):
        order = Qt.AscendingOrder if n % 2 == 0 else Qt.DescendingOrder
        start = time.perf_counter()
        seconds = wait_for(reg.model.modelReset, lambda o=order: reg.table.sortByColumn(deadline, o))
        settle()
        sorts.append(seconds * 1000)
        sorts_painted.append((time.perf_counter() - start) * 1000)
    result({"keystrokes": keystrokes, "sort_ms": sorts, "sort_painted_ms": sorts_painted,
            "rows": len(reg.model.ids),
            "peak_rss_mb": peak_rss_mb()})


def measure_memory(db: str) -> None:
    app, window = open_window(db)
    table = window.ledger.table
    model = window.ledger.model
    bar = table.verticalScrollBar()
    steps = 400
    for n in range(steps + 1):
        bar.setValue(bar.maximum() * n // steps)
        app.processEvents()
    table.scrollToBottom()
    table.selectRow(model.rowCount() - 1)
    app.processEvents()
    result({"peak_rss_mb": peak_rss_mb(), "rows": model.rowCount(), "pages_painted": steps + 1,
            "cached_rows": len(model._rows_by_id)})


def measure_alerts(db: str, repeat: int) -> None:
    from duban_desktop.db import open_database
    from duban_desktop.domain.alerts import compute_alerts

    open_database(db)
    start = time.perf_counter()
    alerts = compute_alerts()
    cold = (time.perf_counter() - start) * 1000
    from duban_desktop.ui.startup.start import collect_again

    collect_again()
    warm = []
    for _ in range(repeat * 2):
        start = time.perf_counter()
        compute_alerts()
        warm.append((time.perf_counter() - start) * 1000)
    result({"ms": cold, "warm_ms": warm, "alerts": len(alerts)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["window", "memory", "alerts"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.what == "window":
        measure_window(args.db, args.repeat)
    elif args.what == "memory":
        measure_memory(args.db)
    else:
        measure_alerts(args.db, args.repeat)
    sys.stdout.flush()
    os._exit(0)  # leave at once: Qt's teardown is not measured


if __name__ == "__main__":
    main()
