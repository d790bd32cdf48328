"""The templates page installs a Word file from elsewhere cleaned, and says what was removed."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from duban_desktop.io import forms

from ..core.hostile_templates import (
    EVIL,
    assert_harmless,
    hostile,
    put_office_template,
    system_entity,
)

NOTICE_ROW = list(forms.FORM_KINDS).index("notice")


@pytest.fixture
def page(qtbot, db, dialogs):
    from duban_desktop.ui.dialogs.templates_page import TemplatesPage

    widget = TemplatesPage()
    qtbot.addWidget(widget)
    return widget


def choose(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def test_installing_a_hostile_template_keeps_a_cleaned_copy_and_says_what_went(page, dialogs, monkeypatch, tmp_path):
    source = tmp_path / "外单位发来的通知模板.docx"
    source.write_bytes(hostile())
    choose(monkeypatch, source)
    page.table.selectRow(NOTICE_ROW)
    page.install_template()
    kind, text = dialogs.messages[-1]
    assert kind == "information"
    assert "已将“外单位发来的通知模板.docx”安装为“催(交)办通知”的模板" in text
    assert f"已删除外部附加模板（{EVIL}/normal.dotm）" in text and "域代码 DDEAUTO" in text
    assert forms.is_office_template("notice")
    assert_harmless(forms.template_path("notice"))
    assert page.table.item(NOTICE_ROW, 1).text().startswith("本办公室的模板")
    assert page.table.item(NOTICE_ROW, 2).text() == "可以使用"


def test_a_template_with_a_dtd_is_refused_by_name(page, dialogs, monkeypatch, tmp_path):
    source = tmp_path / "带实体的模板.docx"
    source.write_bytes(system_entity())
    choose(monkeypatch, source)
    page.table.selectRow(NOTICE_ROW)
    page.install_template()
    kind, text = dialogs.messages[-1]
    assert kind == "warning" and "带实体的模板.docx" in text and "DTD" in text
    assert not forms.is_office_template("notice")


def test_nothing_selected_asks_to_select_a_form(page, dialogs, monkeypatch):
    choose(monkeypatch, "/nowhere.docx")
    page.table.clearSelection()
    page.table.setCurrentCell(-1, -1)
    page.install_template()
    assert "请先在表中选中" in dialogs.messages[-1][1]


def test_a_hostile_file_put_in_the_folder_by_hand_is_shown(qtbot, db, dialogs):
    from duban_desktop.ui.dialogs.templates_page import TemplatesPage

    put_office_template("notice", hostile())
    widget = TemplatesPage()
    qtbot.addWidget(widget)
    cell = widget.table.item(NOTICE_ROW, 2)
    assert cell.text().startswith("可以使用；每次导出时会删除")
    assert "域代码 DDEAUTO" in cell.toolTip()
