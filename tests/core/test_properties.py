"""Property tests: no sequence of steps loses a record, reuses a number or skips history."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import ChangeLog, SupervisionItem, Urge
from duban_desktop.domain import supervision as sv
from duban_desktop.domain.errors import DomainError
from duban_desktop.domain.vocab import FOUR_LOOKS, ITEM_SOURCES, URGE_METHODS

TODAY = dt.date(2026, 6, 15)
UNITS = ["县财政局", "县教育局", "县水利局"]


def reject(item_id, now, **kwargs):
    return sv.reject_item(item_id, **kwargs)


class Office(RuleBasedStateMachine):
    items = Bundle("items")

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="duban-prop-"))
        open_database(self.folder / "p.sqlite")
        self.known: set[int] = set()
        self.numbers_seen: dict[int, str] = {}
        self.history_rows = 0

    def teardown(self):
        close_database()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _step(self, item_id, fn, **kwargs):
        before = ChangeLog.select().where(ChangeLog.entity == "item", ChangeLog.entity_id == item_id).count()
        try:
            fn(item_id, now=TODAY, **kwargs)
        except DomainError:
            after = ChangeLog.select().where(ChangeLog.entity == "item", ChangeLog.entity_id == item_id).count()
            assert after == before, "a refused step wrote history"
            return
        after = ChangeLog.select().where(ChangeLog.entity == "item", ChangeLog.entity_id == item_id).count()
        assert after > before, f"{fn.__name__} left no history"

    @rule(target=items, source=st.sampled_from(list(ITEM_SOURCES)), unit=st.sampled_from(UNITS),
          days=st.integers(0, 40), title=st.text(min_size=0, max_size=30))
    def register(self, source, unit, days, title):
        try:
            made = sv.register_item(title=title or "事项", lead_unit=unit, responsible_person="张三",
                                    source=source, leader_instruction="批示", instructing_leader="县长",
                                    registered_on=TODAY - dt.timedelta(days=days),
                                    deadline=TODAY + dt.timedelta(days=10 - days), now=TODAY)
        except DomainError:
            return -1
        self.known.add(made.id)
        return made.id

    @rule(item_id=items, method=st.sampled_from(list(URGE_METHODS)), reply=st.none() | st.integers(0, 100))
    def urge(self, item_id, method, reply):
        self._step(item_id, sv.urge, method=method, reply_days=reply)

    @rule(item_id=items, text=st.text(max_size=20))
    def report(self, item_id, text):
        self._step(item_id, sv.report_result, content=text)

    @rule(item_id=items, verdict=st.sampled_from(["pass", "improve", "redo"]),
          failing=st.sets(st.sampled_from(list(FOUR_LOOKS))), comment=st.text(max_size=5))
    def review(self, item_id, verdict, failing, comment):
        looks = {k: ((False, "问题") if k in failing else True) for k in FOUR_LOOKS}
        self._step(item_id, sv.review, verdict=verdict, looks=looks, comment=comment)

    @rule(item_id=items, kind=st.sampled_from(["special_report", "brief", "instruction_report"]))
    def feedback(self, item_id, kind):
        self._step(item_id, sv.feedback, kind=kind, recipient="县长", result_summary="摘要")

    @rule(item_id=items, days=st.integers(-5, 30))
    def extend(self, item_id, days):
        self._step(item_id, sv.extend, new_deadline=TODAY + dt.timedelta(days=days), reason="理由",
                   approved_by="县长")

    @rule(item_id=items, reason=st.text(max_size=5))
    def void(self, item_id, reason):
        self._step(item_id, sv.void, reason=reason)

    @rule(item_id=items, approve=st.booleans())
    def decide_public_report(self, item_id, approve):
        if approve:
            self._step(item_id, sv.approve_item, approved_by="县长")
        else:
            self._step(item_id, reject, reason="不属实")

    @invariant()
    def nothing_lost_and_numbers_never_reused(self):
        if not hasattr(self, "known"):
            return
        rows = {r.id: r for r in SupervisionItem.select()}
        assert self.known <= set(rows), "a record was lost"
        numbers = [r.number for r in rows.values() if r.number]
        assert len(numbers) == len(set(numbers)), "a number was given twice"
        for item_id, number in self.numbers_seen.items():
            assert rows[item_id].number == number, "a number changed or vanished"
        for r in rows.values():
            if r.number:
                self.numbers_seen.setdefault(r.id, r.number)
            assert r.urge_count == Urge.select().where(Urge.item == r.id).count()
        total = ChangeLog.select().count()
        assert total >= self.history_rows, "history shrank"
        self.history_rows = total
        created = {c.entity_id for c in ChangeLog.select().where(ChangeLog.entity == "item",
                                                                  ChangeLog.action == "create")}
        assert set(rows) <= created, "an item without its creation in history"


Office.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None,
                                    suppress_health_check=[HealthCheck.too_slow])
TestOffice = Office.TestCase
