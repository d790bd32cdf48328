"""导入台账 wizard: a number far beyond its year's numbers is shown and must be confirmed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from duban_desktop.db.models import SupervisionItem
from duban_desktop.domain import numbering

from ..core.test_number_safety import _ledger
from .helpers import click, show_import_wizard

pytestmark = pytest.mark.gui


@pytest.fixture
def wizard(qtbot, db, dialogs, monkeypatch, tmp_path):
    path = _ledger(tmp_path / "台账.xlsx", ["催字〔2026〕1号", "催字〔2026〕2号", "催字〔2026〕1200号"])
    return show_import_wizard(qtbot, monkeypatch, path)


def to_check_page(qtbot, wiz):
    qtbot.mouseClick(wiz.file_page.browse, Qt.LeftButton)
    qtbot.waitUntil(lambda: wiz.ledger is not None, timeout=10000)
    qtbot.mouseClick(wiz.button(QWizard.NextButton), Qt.LeftButton)
    qtbot.mouseClick(wiz.button(QWizard.NextButton), Qt.LeftButton)
    check = wiz.check_page
    qtbot.waitUntil(lambda: check.plan is not None, timeout=10000)
    return check


def test_a_number_jump_is_shown_and_needs_confirming(qtbot, wizard, dialogs):
    wiz = wizard
    check = to_check_page(qtbot, wiz)
    assert check.plan.errors == 0 and check.plan.to_import == 3
    rows = [(check.problems.item(r, 0).text(), check.problems.item(r, 2).text(), check.problems.item(r, 3).text())
            for r in range(check.problems.rowCount())]
    assert [(line, level) for line, level, _ in rows] == [("4", "需确认")]
    assert "催字〔2026〕1200号" in rows[0][2] and "1201号" in rows[0][2]
    assert check.jumps.isVisible() and "第 4 行" in check.jumps.text() and "1201号" in check.jumps.text()
    assert check.confirm_jumps.isVisible() and not check.confirm_jumps.isChecked()
    finish = wiz.button(QWizard.FinishButton)
    assert not finish.isEnabled()
    check.validatePage()  # pressing 导入 some other way still writes nothing
    assert wiz.result is None and not SupervisionItem.select().exists()
    click(qtbot, check.confirm_jumps)
    assert check.confirm_jumps.isChecked() and finish.isEnabled()
    qtbot.mouseClick(finish, Qt.LeftButton)
    qtbot.waitUntil(lambda: wiz.result is not None, timeout=10000)
    assert wiz.result.created == 3
    assert dialogs.messages[-1][0] == "information"
    assert numbering.preview("supervision", 2026) == "催字〔2026〕1201号"


def test_unticking_the_confirmation_stops_the_import_again(qtbot, wizard):
    check = to_check_page(qtbot, wizard)
    finish = wizard.button(QWizard.FinishButton)
    click(qtbot, check.confirm_jumps)
    assert finish.isEnabled()
    click(qtbot, check.confirm_jumps)
    assert not finish.isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.BackButton), Qt.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.NextButton), Qt.LeftButton)  # checked again: not ticked
    qtbot.waitUntil(lambda: check.plan is not None, timeout=10000)
    assert check.confirm_jumps.isVisible() and not check.confirm_jumps.isChecked()
    assert not finish.isEnabled() and not SupervisionItem.select().exists()
