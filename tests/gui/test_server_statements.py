"""One step in the window, its refresh included, costs at most a few statements (issue 17:
an urge was 85 statements, its detail pane drawn four times; each is a round trip to the
server)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt

from duban_desktop.domain import supervision

from .helpers import step_button

# the window's part of a step (the list's ids, the detail pane, the alerts, the counts); the
# detail pane alone is about ten (domain/timeline.py and supervision.unit_results read the
# item's records one table at a time)
REFRESH_MAX = 27  # (+1: 待签收超时, the alerts of units that have not signed)
# the whole step from the click: the dialog's reads, the step (on the server with its BEGIN,
# lock timeout and COMMIT), the refresh
STEP_MAX = 48  # (+3: the unit tasks: the lead's task read and its urge count, the unsigned alerts)


class Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record) -> None:
        self.sql.append(str(record.msg if isinstance(record.msg, tuple) else record.getMessage()))


def counting():
    handler = Statements()
    logger = logging.getLogger("peewee")
    old = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return handler, lambda: (logger.removeHandler(handler), logger.setLevel(old))


def detail_draws(sql: list[str]) -> int:
    """How many times the detail pane was drawn: it reads the record's change history once."""
    return sum(text.startswith("('SELECT") and 'FROM "change_log"' in text for text in sql)


def test_an_urge_and_the_windows_refresh_read_the_detail_once(qtbot, db, window, dialogs):
    """From the click on 检查催办 to the refreshed window: the ids once, the detail pane
    once, the alerts and the counts; the coordination list (not shown) read when it is
    next shown. The window's part is bounded by REFRESH_MAX; the whole (the dialog's
    reads and the step's own statements included) by STEP_MAX."""
    from ..factories import item as make_item

    for n in range(5):
        make_item(title=f"第{n}件")
    target = make_item(title="要催办的事项")
    window.finish_start()  # the coordination list built, as after the first paint
    window.tabs.setCurrentWidget(window.ledger)
    window.refresh_all()
    assert window.ledger.select_id(target.id)
    dialogs.expect(lambda d: d.fields["method"].set_value("phone"))
    handler, stop = counting()
    try:
        qtbot.mouseClick(step_button(window.ledger, "检查催办"), Qt.LeftButton)
    finally:
        stop()
    assert supervision.get_item(target.id).urge_count == 1
    assert window.ledger.selected_id == target.id
    assert "1 次" in window.ledger.detail.toPlainText()
    assert detail_draws(handler.sql) == 1, "\n".join(handler.sql)
    assert len(handler.sql) <= STEP_MAX, "\n".join(handler.sql)

    supervision.urge(target.id, method="phone")  # the step alone, then the window's part
    handler, stop = counting()
    try:
        window.ledger.after_step(target.id)
    finally:
        stop()
    assert "2 次" in window.ledger.detail.toPlainText()
    assert detail_draws(handler.sql) == 1
    assert len(handler.sql) <= REFRESH_MAX, "\n".join(handler.sql)
    window.tabs.setCurrentWidget(window.cases)  # read when shown
    assert window.cases.stale_list is False


def test_another_desks_change_reads_the_lists_and_the_detail_once(qtbot, db, window):
    from ..factories import item as make_item

    target = make_item(title="要催办的事项")
    window.refresh_all()
    window.tabs.setCurrentWidget(window.ledger)
    assert window.ledger.select_id(target.id)
    handler, stop = counting()
    try:
        window.refresh_from_others()
    finally:
        stop()
    assert detail_draws(handler.sql) == 1, "\n".join(handler.sql)
