"""An edit dialog open while another desk changes the same record (issue 17): the dialog
opens the record as it is now, saves only what the user changed, and when the record was
changed meanwhile it stays open, says who changed what, and saves nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from duban_desktop.domain import coordination, supervision

from .helpers import click, step_button, type_into
from .test_workflows import fill_new_item


def _new_item(qtbot, window, dialogs):
    dialogs.expect(fill_new_item(qtbot))
    window.act_new_item.trigger()
    return supervision.get_item(window.ledger.selected_id)


def test_an_item_changed_by_another_desk_while_its_dialog_is_open_is_not_saved(qtbot, window, dialogs,
                                                                               monkeypatch):
    item = _new_item(qtbot, window, dialogs)

    def edit_while_another_desk_changes_it(dialog):
        type_into(qtbot, dialog.fields["title"], "（已改）")
        monkeypatch.setenv("DUBAN_OPERATOR", "王秘书")  # the other desk
        supervision.update_item(item.id, responsible_person="赵刚")
        monkeypatch.delenv("DUBAN_OPERATOR")
    dialogs.expect(edit_while_another_desk_changes_it)
    click(qtbot, step_button(window.ledger, "修改"))

    dialog = dialogs.seen[-1]
    assert dialog.result() == QDialog.Rejected  # it stayed open after 保存 (the test then closed it)
    assert dialog.banner.isVisibleTo(dialog)
    message = dialog.banner.text()
    assert message.startswith("此事项已被王秘书在 ") and "修改，请刷新后再改。" in message
    assert "具体负责人：蒋建华 → 赵刚" in message and "没有保存" in message
    stored = supervision.get_item(item.id)
    assert (stored.title, stored.responsible_person) == (item.title, "赵刚")


def test_the_dialog_opens_the_item_as_it_is_now_and_saves_only_what_was_changed(qtbot, window, dialogs,
                                                                                monkeypatch):
    item = _new_item(qtbot, window, dialogs)
    monkeypatch.setenv("DUBAN_OPERATOR", "王秘书")  # another desk, after this window showed the item
    supervision.update_item(item.id, title="城区背街小巷改造（第一批）")
    monkeypatch.delenv("DUBAN_OPERATOR")

    def change_the_person(dialog):
        assert dialog.fields["title"].value() == "城区背街小巷改造（第一批）"
        dialog.fields["responsible_person"].setText("赵刚")
    dialogs.expect(change_the_person)
    click(qtbot, step_button(window.ledger, "修改"))

    assert dialogs.seen[-1].result() == QDialog.Accepted
    stored = supervision.get_item(item.id)
    assert (stored.title, stored.responsible_person) == ("城区背街小巷改造（第一批）", "赵刚")


def test_a_case_changed_meanwhile_is_not_saved_from_its_dialog(qtbot, window, dialogs, monkeypatch):
    cases = window.cases
    window.tabs.setCurrentWidget(cases)

    def intake(dialog):
        type_into(qtbot, dialog.fields["title"], "关于县城停车场建设选址的协调")
        type_into(qtbot, dialog.fields["requester"], "李明副县长")
    dialogs.expect(intake)
    window.act_new_case.trigger()
    case_id = cases.selected_id

    def edit_while_another_desk_changes_it(dialog):
        type_into(qtbot, dialog.fields["requester"], "（办公室）")
        monkeypatch.setenv("DUBAN_OPERATOR", "王秘书")
        coordination.update_case(case_id, title="停车场选址协调")
        monkeypatch.delenv("DUBAN_OPERATOR")
    dialogs.expect(edit_while_another_desk_changes_it)
    click(qtbot, step_button(cases, "修改"))

    dialog = dialogs.seen[-1]
    assert dialog.result() == QDialog.Rejected
    message = dialog.banner.text()
    assert message.startswith("此协调事项已被王秘书在 ") and "停车场选址协调" in message
    stored = coordination.get_case(case_id)
    assert (stored.title, stored.requester) == ("停车场选址协调", "李明副县长")
