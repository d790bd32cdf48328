"""Forms from the window: the detail pane's buttons, the alerts tab's batch, templates."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document
from PySide6.QtWidgets import QMessageBox

from duban_desktop.domain import supervision
from duban_desktop.ui.settings_store import ui_settings

from .helpers import answer_file_dialogs, click, step_button

TODAY = dt.date.today()


def make_item(title, days):
    return supervision.register_item(title=title, lead_unit="县财政局", responsible_person="吴晓燕",
                                     source="document", registered_on=TODAY - dt.timedelta(days=40),
                                     deadline=TODAY + dt.timedelta(days=days))


@pytest.fixture
def saving(monkeypatch, tmp_path):
    """The save dialog answers with a file in tmp_path; the 'open it now?' question says no."""
    asked = {}

    def save(dialog):
        asked["title"], asked["suggested"] = dialog.windowTitle(), dialog.selectedFiles()[0]
        return str(tmp_path / "out" / asked.setdefault("name", "form.docx"))
    (tmp_path / "out").mkdir()
    answer_file_dialogs(monkeypatch, save)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.No))
    return asked


def extra_button(tab, text):
    buttons = [tab.extra_bar.itemAt(i).widget() for i in range(tab.extra_bar.count())]
    found = [b for b in buttons if b is not None and b.text() == text]
    assert found, [b.text() for b in buttons if b]
    return found[0]


def test_notice_from_the_detail_pane(qtbot, db, window, saving, tmp_path):
    item = make_item("城区背街小巷改造", 10)
    window.show_item(item.id)
    click(qtbot, extra_button(window.ledger, "打印催办通知"))
    target = tmp_path / "out" / "form.docx"
    qtbot.waitUntil(target.exists, timeout=10000)
    assert saving["suggested"].endswith(f"催办通知-{item.number}.docx")
    text = "\n".join(p.text for p in Document(target).paragraphs)
    assert "城区背街小巷改造" in text and "县财政局" in "\n".join(
        c.text for t in Document(target).tables for r in t.rows for c in r.cells) + text
    assert ui_settings().value("folders/export") == str(tmp_path / "out")


def test_batch_notices_from_alerts(qtbot, db, window, saving, tmp_path):
    a, b = make_item("饮水安全", -3), make_item("燃气排查", -1)
    window.alerts.refresh()
    window.alerts.select_level("overdue")
    assert window.alerts.notices_button.isEnabled()
    saving["name"] = "notices.docx"
    click(qtbot, window.alerts.notices_button)
    target = tmp_path / "out" / "notices.docx"
    qtbot.waitUntil(target.exists, timeout=10000)
    body = Document(target).element.body.xml
    assert a.number in body and b.number in body
    assert len(Document(target).sections) == 2  # one notice per page


def test_register_and_instruction_report_buttons_follow_state(qtbot, db, window):
    item = make_item("城区背街小巷改造", 10)
    window.show_item(item.id)
    texts = [window.ledger.extra_bar.itemAt(i).widget().text()
             for i in range(window.ledger.extra_bar.count()) if window.ledger.extra_bar.itemAt(i).widget()]
    assert texts == ["打印登记单", "打印催办通知"]


def test_templates_page_copies_for_editing(qtbot, db, monkeypatch):
    from duban_desktop.io import forms
    from duban_desktop.ui.dialogs.templates_page import TemplatesPage

    said = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text: said.append(text)))
    page = TemplatesPage()
    qtbot.addWidget(page)
    assert page.table.item(0, 1).text().startswith("程序自带")
    page.copy_templates()
    assert "已复制" in said[0]
    assert all(forms.is_office_template(kind) for kind in forms.FORM_KINDS)
    assert page.table.item(0, 1).text().startswith("本办公室的模板")
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.Yes))
    page.restore_defaults()
    assert not any(forms.is_office_template(kind) for kind in forms.FORM_KINDS)


def test_step_then_print(qtbot, db, window, dialogs, saving, tmp_path):
    item = make_item("城区背街小巷改造", 10)
    window.show_item(item.id)
    dialogs.expect(lambda d: d.fields["method"].set_value("notice"))
    click(qtbot, step_button(window.ledger, "检查催办"))
    click(qtbot, extra_button(window.ledger, "打印登记单"))
    target = tmp_path / "out" / "form.docx"
    qtbot.waitUntil(target.exists, timeout=10000)
    assert "通知单" in Document(target).element.body.xml  # the urge record is on the register form


def test_ledger_export_follows_the_register_filter(qtbot, db, window, saving, tmp_path):
    from openpyxl import load_workbook

    make_item("饮水安全", -3)
    make_item("燃气排查", 20)
    reg = window.ledger
    reg.overdue.setChecked(True)
    saving["name"] = "ledger.xlsx"
    window.act_export_ledger.trigger()
    target = tmp_path / "out" / "ledger.xlsx"
    qtbot.waitUntil(target.exists, timeout=20000)
    assert saving["suggested"].endswith(".xlsx") and "督办台账" in saving["suggested"]
    sheet = load_workbook(target)["督办台账"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "饮水安全" in text and "燃气排查" not in text


def test_the_saved_message_says_what_a_hostile_template_lost(qtbot, db, window, tmp_path, monkeypatch):
    from ..core.hostile_templates import hostile, put_office_template

    put_office_template("register", hostile("register"))
    (tmp_path / "out").mkdir()
    answer_file_dialogs(monkeypatch, lambda _dialog: str(tmp_path / "out" / "登记单.docx"))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda _p, _t, text, *a, **k: (
        asked.append(text), QMessageBox.No)[1]))
    item = make_item("城区背街小巷改造", 10)
    window.show_item(item.id)
    click(qtbot, extra_button(window.ledger, "打印登记单"))
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    assert "已保存到：" in asked[0] and "用不到的内容已在导出时删除" in asked[0] and "DDEAUTO" in asked[0]
