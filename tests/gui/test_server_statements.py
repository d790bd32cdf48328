"""One step in the window, its refresh included, costs at most twenty statements (issue 17:
an urge was 85 statements, its detail pane drawn four times, then 45; each is a round trip
to the server). Run on SQLite and on PostgreSQL (the ``db`` fixture)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt

from duban_desktop.domain import ledger, supervision
from duban_desktop.domain.alerts import compute_alerts

from .helpers import step_button

# the window's part of a step on one item: the item and its records, one statement a table
# (domain/item_view.py: read); its row, its alerts and the counts come from them
REFRESH_MAX = 8
# the whole step from the click: the dialog's reads, the step (on the server with its lock
# timeout and the lock's savepoint), the refresh
STEP_MAX = 20
URGES = 7  # the register's 催办次数 column


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


def ids_queries(sql: list[str]) -> int:
    """How many times the register's ids were read (db/ids.py: ids_of)."""
    return sum("group_concat(found.id)" in text or "string_agg(found.id" in text for text in sql)


def click_step(qtbot, window, label: str) -> list[str]:
    """Click a step's button of the register's selected item; the statements it cost."""
    handler, stop = counting()
    try:
        qtbot.mouseClick(step_button(window.ledger, label), Qt.LeftButton)
    finally:
        stop()
    return handler.sql


def status_is_current(window) -> bool:
    """The status bar says what counting afresh says."""
    shown = window.count_status.text()
    window.refresh_status()
    return window.count_status.text() == shown


STEPS = (
    ("检查催办", lambda d: d.fields["method"].set_value("phone")),
    # (the lead's joint report covers its helping unit: the item goes to review)
    ("报送结果", lambda d: (d.fields["content"].set_value("已按要求完成。"),
                        "covers_units" in d.fields and d.fields["covers_units"].setChecked(True))),
    ("情况审理", lambda d: None),
)


def test_each_step_and_the_windows_refresh_cost_at_most_twenty_statements(qtbot, db, window, dialogs):
    """From the click on 检查催办, 报送结果, 情况审理 to the refreshed window: the register's
    ids are not read again (its order and filter cannot have changed), the detail pane is
    read and drawn once, 逾期提醒 and the status bar are what computing them afresh gives;
    the coordination list (not shown) is read when it is next shown."""
    from ..factories import item as make_item

    for n in range(5):
        make_item(title=f"第{n}件")
    target = make_item(title="要催办的事项", assisting=["县财政局"])
    window.finish_start()  # the coordination list built, as after the first paint
    window.tabs.setCurrentWidget(window.ledger)
    window.refresh_all()
    assert window.ledger.select_id(target.id)
    row = window.ledger.model.row_of(target.id)
    for label, fill in STEPS:
        dialogs.expect(fill)
        sql = click_step(qtbot, window, label)
        assert len(sql) <= STEP_MAX, (label, len(sql), "\n".join(sql))
        assert detail_draws(sql) == 1, "\n".join(sql)
        assert ids_queries(sql) == 0, "\n".join(sql)
        assert window.ledger.selected_id == target.id
        assert window.ledger.table.selectionModel().currentIndex().row() == row
        assert window.alerts.alerts == compute_alerts(), label
        assert status_is_current(window), label
    assert supervision.get_item(target.id).state == "passed"
    model = window.ledger.model
    assert model.index(row, URGES).data() == 2  # (its two units at work, each urged)
    assert model.index(row, 8).data() == "待反馈"
    assert "审理通过" in window.ledger.detail.toPlainText() or "通过" in window.ledger.detail.toPlainText()
    window.tabs.setCurrentWidget(window.cases)  # read when shown
    assert window.cases.stale_list is False


def test_the_windows_part_of_a_step_is_the_items_records_once(qtbot, db, window):
    from ..factories import item as make_item

    target = make_item(title="要催办的事项")
    window.tabs.setCurrentWidget(window.ledger)
    window.refresh_all()
    assert window.ledger.select_id(target.id)
    before = window.ledger.current_record()
    supervision.urge(target.id, method="phone")  # the step alone, then the window's part
    handler, stop = counting()
    try:
        window.ledger.after_step(target.id, before=before)
    finally:
        stop()
    assert "1 次" in window.ledger.detail.toPlainText()
    assert detail_draws(handler.sql) == 1
    assert len(handler.sql) <= REFRESH_MAX, "\n".join(handler.sql)
    assert window.alerts.alerts == compute_alerts()


def test_a_step_that_moves_the_item_in_the_register_reads_its_ids_again(qtbot, db, window, dialogs):
    """Sorted by 催办次数, an urge moves the item up: the ids read again (once), the item
    selected at its new row; with 只看办理中, a reported result takes it out of the list."""
    from ..factories import item as make_item

    urged = make_item(title="已催办两次")
    for _ in range(2):
        supervision.urge(urged.id, method="phone")
    others = [make_item(title=f"第{n}件") for n in range(6)]
    target = others[2]
    window.tabs.setCurrentWidget(window.ledger)
    window.refresh_all()
    tab, model = window.ledger, window.ledger.model
    model.sort(URGES, Qt.DescendingOrder)
    assert tab.select_id(target.id)
    assert model.row_of(target.id) > 1
    dialogs.expect(STEPS[0][1])
    sql = click_step(qtbot, window, "检查催办")
    assert ids_queries(sql) == 1 and detail_draws(sql) == 1 and len(sql) <= STEP_MAX + 1, "\n".join(sql)
    assert list(model.ids) == list(ledger.item_ids(ledger.ItemFilter(), "urge_count", True))
    assert model.row_of(target.id) == 1
    assert tab.selected_id == target.id
    assert tab.table.selectionModel().currentIndex().row() == 1
    assert window.alerts.alerts == compute_alerts()

    tab.state_box.setCurrentIndex(tab.state_box.findData("in_progress"))
    assert tab.select_id(target.id)
    dialogs.expect(STEPS[1][1])
    sql = click_step(qtbot, window, "报送结果")
    assert ids_queries(sql) == 1, "\n".join(sql)
    assert target.id not in list(model.ids)
    assert list(model.ids) == list(ledger.item_ids(ledger.ItemFilter(state="in_progress"), "urge_count", True))
    assert "待审理" in tab.detail.toPlainText()  # still shown, no longer listed
    assert window.alerts.alerts == compute_alerts()
    assert status_is_current(window)


def test_a_step_keeps_the_registers_scroll(qtbot, db, window, dialogs):
    from ..factories import item as make_item

    made = [make_item(title=f"第{n}件背街小巷改造") for n in range(80)]
    window.tabs.setCurrentWidget(window.ledger)
    window.refresh_all()
    tab = window.ledger
    bar = tab.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    row = tab.table.rowAt(tab.table.viewport().height() // 2)
    target = tab.model.id_at(row)
    assert target in {m.id for m in made}
    tab.table.selectRow(row)
    where = bar.value()
    dialogs.expect(STEPS[0][1])
    click_step(qtbot, window, "检查催办")
    assert bar.value() == where
    assert tab.selected_id == target and tab.table.selectionModel().currentIndex().row() == row
    assert tab.model.index(row, URGES).data() == 1


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
