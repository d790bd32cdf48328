"""导入台账 wizard: real widgets offscreen; only the file picker and message boxes are stubbed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from duban_desktop.db.models import SupervisionItem
from duban_desktop.ui.dialogs.import_wizard import ImportWizard, open_import_wizard

from ..core.test_ledger_import import office_ledger
from .helpers import answer_file_dialogs, show_import_wizard

pytestmark = pytest.mark.gui


@pytest.fixture
def wizard(qtbot, db, dialogs, monkeypatch, tmp_path):
    path = office_ledger(tmp_path / "原台账.xlsx")
    return show_import_wizard(qtbot, monkeypatch, path)


def choose_file(qtbot, wiz):
    qtbot.mouseClick(wiz.file_page.browse, Qt.LeftButton)
    qtbot.waitUntil(lambda: wiz.ledger is not None, timeout=10000)
    assert wiz.file_page.isComplete()


def test_choose_correct_check_and_import(qtbot, wizard, dialogs):
    wiz = wizard
    assert not wiz.button(QWizard.NextButton).isEnabled()
    choose_file(qtbot, wiz)
    assert "2026年督办事项" in wiz.file_page.status.text()
    assert wiz.file_page.sheet.currentText() == "2026年督办事项"
    qtbot.mouseClick(wiz.button(QWizard.NextButton), Qt.LeftButton)

    page = wiz.mapping_page
    headers = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]
    combo = page.combos[headers.index("工作任务")]
    assert combo.currentText() == "督办事项"
    assert page.preview.rowCount() == 4 and "→ 督办事项" in page.preview.horizontalHeaderItem(2).text()
    # correcting the mapping: without a title column the page cannot go on
    combo.setCurrentIndex(combo.findData(""))
    assert not wiz.button(QWizard.NextButton).isEnabled()
    assert "督办事项" in page.message.text()
    combo.setCurrentIndex(combo.findData("title"))
    remark = page.combos[headers.index("备注")]
    remark.setCurrentIndex(remark.findData(""))  # leave 备注 out
    assert wiz.button(QWizard.NextButton).isEnabled()
    qtbot.mouseClick(wiz.button(QWizard.NextButton), Qt.LeftButton)

    check = wiz.check_page
    qtbot.waitUntil(lambda: check.plan is not None, timeout=10000)
    assert check.plan.to_import == 3 and check.plan.errors == 1
    rows = [(check.problems.item(r, 0).text(), check.problems.item(r, 1).text(),
             check.problems.item(r, 2).text()) for r in range(check.problems.rowCount())]
    assert ("8", "完成时限", "错误") in rows
    finish = wiz.button(QWizard.FinishButton)
    assert not finish.isEnabled()  # a row has an error
    assert check.skip.isVisible()
    check.skip.setChecked(True)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.LeftButton)
    qtbot.waitUntil(lambda: wiz.result is not None, timeout=10000)
    assert wiz.result.created == 3 and wiz.result.skipped_errors == 1
    assert dialogs.messages and dialogs.messages[-1][0] == "information"
    assert "已导入 3 件" in dialogs.messages[-1][1]
    assert SupervisionItem.select().count() == 3
    assert not any("备注" in i.content for i in SupervisionItem.select())


def test_a_file_that_cannot_be_read_is_explained(qtbot, db, dialogs, monkeypatch, tmp_path):
    bad = tmp_path / "旧台账.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    answer_file_dialogs(monkeypatch, lambda _dialog: str(bad))
    wiz = ImportWizard()
    qtbot.addWidget(wiz)
    wiz.show()
    qtbot.mouseClick(wiz.file_page.browse, Qt.LeftButton)
    qtbot.waitUntil(lambda: "无法读取" in wiz.file_page.status.text(), timeout=10000)
    assert "另存为" in wiz.file_page.status.text()
    assert not wiz.button(QWizard.NextButton).isEnabled()


def test_open_import_wizard_reports_nothing_imported_when_cancelled(qtbot, db, monkeypatch):
    monkeypatch.setattr(QWizard, "exec", lambda self: self.reject() or 0)
    assert open_import_wizard(None) is False
