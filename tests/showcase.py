"""Open the real window on a sample database at a given tab or dialog, for screenshots.

    ../shared/tools/screenshot shot.png 8 -- .venv/bin/python -m tests.showcase register
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer

from duban_desktop.db import open_database
from duban_desktop.domain import demo
from duban_desktop.ui.main_window import MainWindow
from duban_desktop.ui.startup.application import make_app


def main(what: str) -> int:
    app = make_app()
    folder = Path(tempfile.mkdtemp(prefix="duban-show-"))
    open_database(folder / "show.sqlite")
    demo.generate()
    window = MainWindow(str(folder / "show.sqlite"))
    window.resize(1500, 900)
    window.show()
    window.finish_start()  # as the start does after the first paint
    tabs = {"cases": window.cases, "register": window.ledger, "alerts": window.alerts}
    if what in tabs:
        window.tabs.setCurrentWidget(tabs[what])
        if what in ("register", "cases"):
            tab = tabs[what]
            tab.select_id(tab.model.id_at(min(5, len(tab.model.ids) - 1)))
    elif what.startswith("dialog:"):
        name = what.split(":", 1)[1]
        QTimer.singleShot(500, lambda: open_dialog(window, name))
    return app.exec()


def open_dialog(window, name):
    from duban_desktop.domain import coordination, supervision
    from duban_desktop.domain.ledger import OPEN, ItemFilter, item_ids
    from duban_desktop.ui.dialogs import case_dialogs, item_dialogs
    from duban_desktop.ui.dialogs.settings_dialog import SettingsDialog

    item = supervision.get_item(item_ids(ItemFilter(state=OPEN))[0])
    if name == "new_item":
        item_dialogs.new_item_dialog(window)
    elif name == "settings":
        SettingsDialog(window).exec()
    elif name == "workdays":
        dialog = SettingsDialog(window)
        dialog.tabs.setCurrentWidget(dialog.workdays)
        dialog.exec()
    elif name in item_dialogs.STEP_DIALOGS:
        state = {"review": "awaiting_review", "feedback": "passed"}.get(name, "in_progress")
        item = supervision.get_item(item_ids(ItemFilter(state=state))[0])
        item_dialogs.STEP_DIALOGS[name](window, item)
    elif name == "intake":
        case_dialogs.intake_dialog(window)
    elif name in case_dialogs.CASE_STEP_DIALOGS:
        from duban_desktop.domain.case_list import CaseFilter, case_ids

        state = {"screen": "intake", "verify": "verification"}.get(name, "consultation")
        ids = case_ids(CaseFilter(state=state)) or case_ids()
        case_dialogs.CASE_STEP_DIALOGS[name](window, coordination.get_case(ids[0]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "register"))
