"""The window after a step on one supervision item: what else shows the item, brought up
to date without reading (issue 17: on the office's server every statement is a round
trip, and the whole step must stay within twenty).

The register has read the item once (domain/item_view.py: ItemView) and drawn its row and
its detail from it (ui/lists/list_tab.py: after_step), reading its ids again only when the
step can have moved the item in its list. From the same view:

- 逾期提醒: the item's alerts are judged in Python (domain/alerts.py: item_alerts, the rules
  compute_alerts states in SQL) and replace the ones it had, each at its place; the other
  alerts cannot have changed by this step (another desk's changes come through the
  watcher, which reads everything again);
- the status bar: items in all and open coordination cases are as they were; items open
  move by the change of the item's state; overdue is read from 逾期提醒's heading;
- the coordination list is read when it is next shown (or now, when it is shown).

When the day has changed since the lists were read, or the rules are being read again
(the settings), 逾期提醒 is computed again instead.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..domain import alerts
from ..domain.vocab import ITEM_OPEN_STATES

if TYPE_CHECKING:
    from .lists.ledger_tab import ItemStep
    from .main_window import MainWindow


def after_item_step(window: MainWindow, step: ItemStep) -> None:
    """What the window shows besides the register, after ``step`` (LedgerTab.item_stepped)."""
    if window._refreshing:
        return
    window._refreshing = True
    try:
        view, model = step.view, window.ledger_model
        rules = model.rules
        if rules is not None and model.current() and rules.today == dt.date.today():
            fresh = alerts.item_alerts(rules, view.item, view.item.lead_unit.name, view.latest_urge(),
                                       view.passed_on(), view.tasks)
            replaced = window.alerts.replace_item(view.id, fresh, rules.today)
        else:
            replaced = False
        if not replaced:
            window.alerts.refresh(keep_selection=True)
        cases = window._cases
        if cases is not None:
            if cases.isVisible():
                cases.refresh_keeping_view()
            else:  # read again when its tab is shown
                cases.stale_list = True
        items, items_open, cases_open = window.counts
        items_open += (view.item.state in ITEM_OPEN_STATES) - (step.before.state in ITEM_OPEN_STATES)
        window.refresh_status(calendar=False, counts=(items, items_open, cases_open))
    finally:
        window._refreshing = False
