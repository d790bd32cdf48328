"""The tabs beyond the main workflow: alerts, search, window state, models."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QWidget

from duban_desktop.db.connection import is_server
from duban_desktop.domain import coordination, supervision, unit_steps
from duban_desktop.ui.lists.alerts_tab import ALERT_ROLE
from duban_desktop.ui.lists.table_models import CaseTableModel, ItemTableModel

from .helpers import click, type_into

TODAY = dt.date.today()


def make_item(title, days, *, signed=True, **kw):
    """An item registered 60 days ago; its unit signed for it that day unless ``signed``
    is false (else it would be 待签收超时 too)."""
    values = dict(title=title, lead_unit="县财政局", responsible_person="吴晓燕", source="document",
                  registered_on=TODAY - dt.timedelta(days=60), deadline=TODAY + dt.timedelta(days=days))
    values.update(kw)
    made = supervision.register_item(**values)
    if signed:
        unit_steps.sign(made.id, signed_on=values["registered_on"])
    return supervision.get_item(made.id)


@pytest.fixture
def office(db):
    late = make_item("城区背街小巷改造", -5)
    soon = make_item("农村饮水安全", 0, lead_unit="县水利局")
    calm = make_item("燃气安全排查", 60)
    case = coordination.intake(title="停车场选址协调", source="peer", requester="县自然资源局", kind="business",
                               requested_on=TODAY - dt.timedelta(days=30), deadline=TODAY - dt.timedelta(days=1))
    return {"late": late, "soon": soon, "calm": calm, "case": case}


def test_alerts_tab_opens_first_when_overdue_and_counts(qtbot, office, window):
    assert window.tabs.currentWidget() is window.alerts
    assert window.tabs.tabText(2) == "逾期提醒 (3)"
    model = window.alerts.model
    heads = {level: model.index(row, 0).data() for level, (row, _count) in model.heads.items()}
    assert heads["overdue"] == "已逾期(1 件)" and heads["due_soon"] == "即将到期(1 件)"
    assert heads["coordination_overdue"] == "协调事项逾期(1 件)"
    assert list(heads)[:2] == ["overdue", "due_soon"]  # the unit's lateness first


def test_batch_urge_from_alerts(qtbot, office, window, dialogs):
    alerts = window.alerts
    for level in ("overdue", "due_soon"):
        first = alerts.model.alert_index(level, 0)
        alerts.table.selectionModel().select(first, QItemSelectionModel.Select | QItemSelectionModel.Rows)
    assert alerts.urge_button.text() == "催办选中事项(2 件)…"
    dialogs.expect(lambda d: d.fields["method"].set_value("notice"))
    click(qtbot, alerts.urge_button)
    assert [supervision.get_item(office[k].id).urge_count for k in ("late", "soon", "calm")] == [1, 1, 0]
    assert "批量催办(2 件)" in dialogs.seen[0].windowTitle()


def test_double_click_jumps_to_the_item_and_case(qtbot, office, window):
    alerts = window.alerts
    row = alerts.model.alert_index("overdue", 0)
    rect = alerts.table.visualRect(row)
    qtbot.mouseClick(alerts.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.mouseDClick(alerts.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert window.tabs.currentWidget() is window.ledger
    assert window.ledger.selected_id == office["late"].id
    case_row = alerts.model.alert_index("coordination_overdue", 0)
    assert case_row.data(ALERT_ROLE).entity == "case"
    window.tabs.setCurrentWidget(alerts)
    alerts.table.setCurrentIndex(case_row)
    click(qtbot, alerts.open_button)
    assert window.tabs.currentWidget() is window.cases
    assert window.cases.selected_id == office["case"].id


def test_search_runs_in_the_background_and_keeps_selection(qtbot, office, window):
    reg = window.ledger
    window.tabs.setCurrentWidget(reg)
    reg.select_id(office["soon"].id)
    with qtbot.waitSignal(reg.model.loaded, timeout=5000):
        type_into(qtbot, reg.search, "饮水")
    assert reg.model.ids == [office["soon"].id]
    assert reg.selected_id == office["soon"].id and reg.table.currentIndex().row() == 0
    with qtbot.waitSignal(reg.model.loaded, timeout=5000):
        reg.search.clear()
    assert len(reg.model.ids) == 3


def test_overdue_only_and_sorting(qtbot, office, window):
    reg = window.ledger
    window.act_overdue.trigger()
    assert reg.model.ids == [office["late"].id]
    reg.overdue.setChecked(False)
    reg.table.sortByColumn(5, Qt.AscendingOrder)  # 完成时限
    assert reg.model.ids == [office["late"].id, office["soon"].id, office["calm"].id]
    reg.table.sortByColumn(5, Qt.DescendingOrder)
    assert reg.model.ids[0] == office["calm"].id
    colour = QColor(reg.model.data(reg.model.index(2, 0), Qt.BackgroundRole)).name()
    assert colour == "#f9d6d5"  # the overdue row is red


def test_window_state_survives_a_restart(qtbot, office, window):
    from duban_desktop.ui.main_window import MainWindow

    # the offscreen screen is 800 x 800 and the window needs about 800 wide: vary the height
    window.resize(window.width(), 555)
    window.ledger.table.setColumnWidth(1, 333)
    window.ledger.table.sortByColumn(5, Qt.DescendingOrder)
    window.close()
    again = MainWindow("测试数据库")
    qtbot.addWidget(again)
    assert again.height() == 555
    assert again.ledger.table.columnWidth(1) == 333
    header = again.ledger.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (5, Qt.DescendingOrder)
    assert again.ledger.model.ids[0] == office["calm"].id


def test_a_restart_reads_the_first_screen_ahead_in_the_restored_order(qtbot, office, window):
    from duban_desktop.domain import ledger
    from duban_desktop.domain.alerts import compute_alerts
    from duban_desktop.ui.main_window import MainWindow
    from duban_desktop.ui.startup import preload as preloads
    from duban_desktop.ui.startup.start import first_screen_preload

    window.ledger.table.sortByColumn(5, Qt.DescendingOrder)  # 完成时限, latest first
    window.close()  # keeps the sort for the next start
    loaded = first_screen_preload()
    items_key = preloads.ids_key(ledger.ItemFilter(), "deadline", True, TODAY)
    assert items_key in loaded and preloads.alerts_key(TODAY) in loaded
    again = MainWindow("测试数据库", preload=loaded)
    qtbot.addWidget(again)
    # the lists took the worker's answers (each is taken once), and they are what they
    # would have read themselves
    assert loaded.take(items_key) is preloads.MISSING
    assert loaded.take(preloads.alerts_key(TODAY)) is preloads.MISSING
    assert again.ledger.model.ids == ledger.item_ids(ledger.ItemFilter(), "deadline", True, today=TODAY)
    assert again.ledger.model.ids[0] == office["calm"].id
    assert again.alerts.alerts == compute_alerts() and len(again.alerts.alerts) == 3
    assert again.tabs.currentWidget() is again.alerts


def test_a_start_with_an_unknown_stored_sort_reads_the_default_order(qtbot, db):
    from duban_desktop.domain import ledger
    from duban_desktop.ui.settings_store import ui_settings
    from duban_desktop.ui.startup import preload as preloads
    from duban_desktop.ui.startup.start import first_screen_preload

    ui_settings().setValue("register/sort", "月亮 desc")
    loaded = first_screen_preload()
    assert preloads.ids_key(ledger.ItemFilter(), "number", True, TODAY) in loaded
    loaded.finish()


def test_the_coordination_tab_is_built_after_the_first_screen(qtbot, office, window):
    from duban_desktop.ui.main_window import MainWindow

    assert window._cases is None  # not built with the window
    assert window.tabs.tabText(0) == "协调事项" and window.tabs.currentWidget() is window.alerts
    window.finish_start()  # what the start does after the first paint
    cases = window._cases
    assert window.tabs.widget(0) is cases and window.tabs.tabText(0) == "协调事项"
    assert window.tabs.currentWidget() is window.alerts  # the user's tab is left as it was
    assert cases.model.ids == [office["case"].id]
    # a window closed before it was built keeps the list's stored state
    cases.table.setColumnWidth(1, 321)
    window.close()
    again = MainWindow("测试数据库")
    qtbot.addWidget(again)
    again.close()
    third = MainWindow("测试数据库")
    qtbot.addWidget(third)
    third.show()
    # clicking its tab before it was built builds it there and then
    qtbot.mouseClick(third.tabs.tabBar(), Qt.LeftButton, pos=third.tabs.tabBar().tabRect(0).center())
    assert third.tabs.currentWidget() is third._cases and third._cases.model.ids == [office["case"].id]
    assert third._cases.table.columnWidth(1) == 321


def test_the_start_reads_the_status_counts_ahead(qtbot, office, window):
    from duban_desktop.ui.main_window import MainWindow
    from duban_desktop.ui.startup import preload as preloads
    from duban_desktop.ui.startup.start import first_screen_preload

    loaded = first_screen_preload()
    assert preloads.COUNTS_KEY in loaded
    again = MainWindow("测试数据库", preload=loaded)
    qtbot.addWidget(again)
    assert loaded.take(preloads.COUNTS_KEY) is preloads.MISSING  # taken by the window
    assert again.count_status.text() == "督办事项 3 件，在办 3 件，其中已逾期 1 件；在办协调事项 1 件"
    supervision.register_item(title="新登记的事项", lead_unit="县财政局", responsible_person="吴晓燕",
                              source="document", deadline_workdays=10)
    again.refresh_all()  # later refreshes count afresh
    assert again.count_status.text() == "督办事项 4 件，在办 4 件，其中已逾期 1 件；在办协调事项 1 件"


def test_settings_survive_a_restart(qtbot, db, db_target):
    from duban_desktop.db import close_database, open_database
    from duban_desktop.db.models import Setting
    from duban_desktop.domain import settings
    from duban_desktop.system import desk
    from duban_desktop.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.fields["office_name"].clear()
    type_into(qtbot, dialog.fields["office_name"], "青山县人民政府办公室")
    dialog.fields["due_soon_days"].setValue(5)
    type_into(qtbot, dialog.fields["operator_name"], "林晓")
    dialog.save()
    assert dialog.result() == QDialog.Accepted
    close_database()
    open_database(db_target)
    assert settings.get("office_name") == "青山县人民政府办公室"
    assert settings.get("due_soon_days") == 5
    # the operator is this PC's: kept on the desk, never in the shared database
    assert settings.get("operator_name") == "林晓" and desk.operator() == "林晓"
    assert not Setting.select().where(Setting.key == "operator_name").exists()


def test_the_operator_is_this_desks_and_an_old_files_name_is_still_read(qtbot, db, backend):
    from duban_desktop.db.models import Setting
    from duban_desktop.domain import history, settings
    from duban_desktop.system import desk
    from duban_desktop.ui.dialogs.settings_dialog import SettingsDialog

    Setting.insert(key="operator_name", value="旧版本的名字").execute()  # as an older version stored it
    if backend == "sqlite":  # one file, one desk: the old name still names it
        assert settings.get("operator_name") == "旧版本的名字" == history.current_operator()
    else:  # the shared server's name is nobody's
        assert settings.get("operator_name") == ""
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QLabel

    assert any(label.text() == "操作员姓名（本机）:" for label in dialog.findChildren(QLabel))
    dialog.fields["operator_name"].clear()
    type_into(qtbot, dialog.fields["operator_name"], "周敏")
    dialog.save()
    assert desk.operator() == "周敏" == history.current_operator() == settings.get("operator_name")


def test_bad_setting_is_shown_beside_the_field(qtbot, db):
    from duban_desktop.domain import settings
    from duban_desktop.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.fields["number_pattern"].setText("{prefix}{seq}号")
    dialog.save()
    assert "{year}" in dialog.errors["number_pattern"].text()
    assert settings.get("number_pattern") == "{prefix}〔{year}〕{seq}号"


def test_working_days_page_enters_next_years_holidays(qtbot, db):
    from PySide6.QtWidgets import QPushButton

    from duban_desktop.domain.workdays import current_calendar
    from duban_desktop.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.workdays
    # two years ahead: never in the official data (it is published late in the year before)
    year = TODAY.year + 2
    page.year_box.setCurrentIndex(page.year_box.findData(year))
    status = page.status.text()
    assert f"{year}年的法定节假日和调休安排尚未录入" in status and "暂按周六、周日休息" in status
    assert current_calendar().is_workday(dt.date(year, 1, 3)) == (dt.date(year, 1, 3).weekday() < 5)
    page.first.set_value(dt.date(year, 1, 1))
    page.last.set_value(dt.date(year, 1, 3))
    type_into(qtbot, page.note, "元旦")
    [holiday] = [b for b in page.findChildren(QPushButton) if b.text() == "设为放假"]
    click(qtbot, holiday)
    assert page.table.rowCount() == 3
    assert [page.table.item(row, 1).text() for row in range(3)] == ["放假"] * 3
    assert page.table.item(0, 2).text() == "元旦"
    status = page.status.text()
    assert status.startswith(f"{year}年") and "使用本办公室录入的安排" in status
    assert "尚未录入" not in status
    assert not any(current_calendar().is_workday(dt.date(year, 1, day)) for day in (1, 2, 3))


@pytest.mark.parametrize("model_class", [ItemTableModel, CaseTableModel])
def test_models_pass_qtmodeltester(qtmodeltester, office, model_class):
    model = model_class()
    model.reload()
    assert model.rowCount() >= 1
    qtmodeltester.check(model, force_py=True)


def test_alert_model_passes_qtmodeltester(qtmodeltester, office):
    from duban_desktop.domain.alerts import LEVELS, compute_alerts
    from duban_desktop.ui.lists.alerts_tab import AlertModel

    model = AlertModel()
    model.set_alerts(compute_alerts())
    counts = {level: count for level, (_row, count) in model.heads.items()}
    assert set(counts) == set(LEVELS)  # a heading for every level, empty ones too
    assert {level: n for level, n in counts.items() if n} == {"overdue": 1, "due_soon": 1,
                                                              "coordination_overdue": 1}
    assert model.rowCount() == len(LEVELS) + 3 and model.alert(model.index(0, 0)) is None
    qtmodeltester.check(model, force_py=True)


@pytest.mark.sqlite_only  # the file's backups (a server's: db/server_backup.py)
def test_restore_from_backup_in_the_window(qtbot, office, window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from duban_desktop.db import backup as backups

    backups.take_backup(tmp_path / "office.sqlite", "manual")
    make_item("备份之后登记的事项", 30)
    window.refresh_all()
    assert len(window.ledger.model.ids) == 4
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: (a[3][0], True)))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.Yes))
    said = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text: said.append(text)))
    window.act_restore.trigger()
    assert len(window.ledger.model.ids) == 3
    assert "恢复前的数据库原样另存为" in said[0]
    assert len(backups.list_backups(tmp_path / "office.sqlite")) == 2  # the manual one and the copy aside


def test_check_database_in_the_window(qtbot, office, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    said = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text: said.append(text)))
    window.act_check.trigger()
    assert "触发器检查：通过" in said[0] and "规则检查：通过" in said[0]
    if is_server():  # what only the server itself can check is said, not claimed
        assert "完整性检查" not in said[0] and "在数据库服务器上无法由本程序检查" in said[0]
    else:
        assert "完整性检查：通过" in said[0] and "外键检查：通过" in said[0]


def test_tab_order_follows_the_form(qtbot, db):
    from duban_desktop.ui.dialogs.form_dialog import FormDialog
    from duban_desktop.ui.dialogs.item_dialogs import _item_fields

    dialog = FormDialog(None, "新建督办事项")
    qtbot.addWidget(dialog)
    _item_fields(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    fields = list(dialog.fields.values())
    owners = {}
    for index, field in enumerate(fields):
        for widget in [field, *field.findChildren(QWidget)]:
            owners[widget] = index
    seen, widget = [], fields[0]
    widget.setFocus()
    for _ in range(1000):  # the whole chain once: a table of unit rows has many widgets of its own
        index = owners.get(widget)
        if index is not None and (not seen or seen[-1] != index):
            seen.append(index)
        widget = widget.nextInFocusChain()
        if widget is fields[0]:
            break
    first_pass = seen[: seen.index(0, 1)] if 0 in seen[1:] else seen
    assert first_pass == sorted(first_pass) and len(first_pass) == len(fields)


def test_the_data_folder_opens_in_the_file_manager(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile())))
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "办公室数据"))
    window.act_data_folder.trigger()
    assert opened == [str(tmp_path / "办公室数据")] and (tmp_path / "办公室数据").is_dir()
