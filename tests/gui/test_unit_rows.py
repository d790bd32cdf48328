"""Registering and correcting an item's units as rows in the real dialog: each unit's
role, the task it is a part of, its part, deadline and person."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog, QListWidget

from duban_desktop.db.models import SupervisionItem, UnitTask
from duban_desktop.domain import supervision, unit_tasks, units
from duban_desktop.domain.workdays import current_calendar

from .helpers import click, step_button, type_into


def _basics(qtbot, f, title="落实县长关于背街小巷改造的批示"):
    type_into(qtbot, f["title"], title)
    f["source"].set_value("other")
    type_into(qtbot, f["lead_unit"], "县住房和城乡建设局")
    type_into(qtbot, f["responsible_person"], "蒋建华")
    f["deadline"].by_days.setChecked(True)
    f["deadline"].days.setValue(10)


def _row(editor, n: int, *, unit=None, role=None, parent=None, part=None, deadline=None, person=None, qtbot=None):
    if unit is not None:
        type_into(qtbot, editor.unit_box(n).lineEdit(), unit)
    if role is not None:
        box = editor.table.cellWidget(n, 1)
        box.setCurrentIndex(box.findData(role))
    if parent is not None:
        box = editor.table.cellWidget(n, 2)
        assert box.findData(parent) >= 0, [box.itemData(i) for i in range(box.count())]
        box.setCurrentIndex(box.findData(parent))
    for column, text in ((3, part), (4, deadline), (5, person)):
        if text is not None:
            editor.table.cellWidget(n, column).clear()
            type_into(qtbot, editor.table.cellWidget(n, column), text)


# (typing a unit of the list pops up its completion, which the offscreen platform cannot raise)
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_registering_units_as_rows(qtbot, db, dialogs, monkeypatch):
    from duban_desktop.ui.main_window import MainWindow

    for name in ("县住房和城乡建设局", "县财政局", "县自然资源局", "县水利局"):  # the office's list of units
        units.create_unit(name)
    window = MainWindow("测试数据库")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    today = dt.date.today()
    calendar = current_calendar()

    def tick(dialog):  # 选择单位…: the unit list's dialog, answered by ticking two units
        listing = dialog.findChild(QListWidget)
        for r in range(listing.count()):
            if listing.item(r).text() in ("县财政局", "县自然资源局"):
                listing.item(r).setCheckState(listing.item(r).checkState().Checked)
        return QDialog.Accepted

    monkeypatch.setattr(QDialog, "exec", tick)

    def fill(dialog):
        f = dialog.fields
        _basics(qtbot, f)
        editor = f["units"]
        click(qtbot, editor.pick)
        picked = [r["unit"] for r in editor.value()]  # (in the list's order)
        assert sorted(picked) == sorted(["县财政局", "县自然资源局"])
        assert editor.table.rowCount() == 3  # and an empty row to type the next unit in
        _row(editor, picked.index("县财政局"), part="落实改造资金。", person="吴晓燕", qtbot=qtbot)
        _row(editor, picked.index("县自然资源局"), role="cooperate", deadline="3个工作日", qtbot=qtbot)
        _row(editor, 2, unit="城关镇", parent="县财政局", part="摸清城关片区底数。", qtbot=qtbot)
        assert editor.table.rowCount() == 4
    dialogs.expect(fill)
    window.act_new_item.trigger()
    # 城关镇 was not in the list: asked before it became a unit
    assert any("“城关镇”不在单位名录中" in m for _k, m in dialogs.messages)
    item = supervision.get_item(window.ledger.selected_id)
    tasks = {t.unit.name: t for t in unit_tasks.tasks(item)}
    assert sorted(tasks) == sorted(["县住房和城乡建设局", "县财政局", "县自然资源局", "城关镇"])
    assert list(tasks)[0] == "县住房和城乡建设局" and list(tasks)[-1] == "城关镇"
    assert (tasks["县财政局"].part, tasks["县财政局"].responsible_person) == ("落实改造资金。", "吴晓燕")
    assert (tasks["县自然资源局"].role, tasks["县自然资源局"].deadline) == ("cooperate", calendar.add_workdays(today, 3))
    assert tasks["城关镇"].parent_id == tasks["县财政局"].id and tasks["城关镇"].deadline == item.deadline
    assert "0/4" in window.ledger.model.index(0, 6).data()

    # a correction in the same rows: a part's deadline after its owner's is refused, naming the row
    late = calendar.add_workdays(today, 12)

    def refused(dialog):
        editor = dialog.fields["units"]
        assert [r["unit"] for r in editor.value()] == list(tasks)[1:]
        assert editor.table.cellWidget(2, 2).currentData() == "县财政局"
        _row(editor, 2, deadline=f"{late.year}年{late.month}月{late.day}日", qtbot=qtbot)
    dialogs.expect(refused)
    click(qtbot, step_button(window.ledger, "修改"))
    message = dialogs.seen[-1].errors["units"].text()
    assert message.startswith("第 3 个协办（配合）单位“城关镇”的完成时限晚于所属的“县财政局”的完成时限"), message
    assert UnitTask.get(UnitTask.id == tasks["城关镇"].id).deadline == item.deadline  # nothing stored

    def corrected(dialog):
        editor = dialog.fields["units"]
        _row(editor, 2, part="摸清城关、北湖片区底数。", person="陈立新", qtbot=qtbot)
        editor.table.selectRow(list(tasks).index("县自然资源局") - 1)
        click(qtbot, editor.remove)
    dialogs.expect(corrected)
    click(qtbot, step_button(window.ledger, "修改"))
    tasks = {t.unit.name: t for t in unit_tasks.tasks(SupervisionItem.get_by_id(item.id))}
    assert list(tasks) == ["县住房和城乡建设局", "县财政局", "城关镇"]
    assert (tasks["城关镇"].part, tasks["城关镇"].responsible_person) == ("摸清城关、北湖片区底数。", "陈立新")
    assert "0/3" in window.ledger.model.index(0, 6).data()
