"""One way to write a record: what an import or the sample data writes is what the steps
would have written for the same matter (its row, records, counters, history, search text),
and it passes the same consistency check."""

from __future__ import annotations

import pytest

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import CoordinationCase, SupervisionItem
from duban_desktop.domain import consistency, demo
from duban_desktop.domain.importing import FIELDS, SourceRow, import_rows

from ..factories import TODAY
from .one_writer_helpers import (
    case_snapshot,
    item_snapshot,
    made_by_the_steps,
    replay_case,
    replay_item,
)

BASE = dict(title="城区背街小巷改造提升", lead_unit="县住房和城乡建设局（牵头）、县财政局", responsible_person="蒋建华",
            registered_on="2026年5月6日", deadline="2026年6月30日")
LEDGER_ROWS = {
    # urged twice, extended, reported, passed and fed back to the leader who instructed
    "closed": dict(BASE, number="催字〔2026〕7号", source="领导批示", leader_instruction="王建国县长批示：请抓紧研究。",
                   original_deadline="2026年5月31日", urge_count=2, last_urged_on="2026年5月20日", state="已办结",
                   completed_on="2026年6月8日", result="已完成改造。", result_summary="已按批示完成改造方案。"),
    "awaiting_review": dict(BASE, number="催字〔2026〕8号", state="待审理", result="已报送方案。", urge_count=1,
                            last_urged_on="2026-05-10"),
    "passed": dict(BASE, state="待反馈", completed_on="2026年6月1日", result="已办结。"),
    "voided": dict(BASE, state="已撤销", result="上级已调整部署。", completed_on="2026年6月2日"),
    "in_progress": dict(BASE, source="会议决定", urge_count=3, last_urged_on="2026年6月1日"),
    "approved": dict(BASE, source="群众反映", state="办理中"),
    "pending": dict(BASE, source="群众反映", state="待领导批准"),
    "rejected": dict(BASE, source="群众反映", state="不予立项", result="已通过司法途径处理。"),
}


@pytest.mark.parametrize("name", LEDGER_ROWS)
def test_an_imported_item_is_what_the_steps_make(tmp_path, name):
    values = LEDGER_ROWS[name]
    open_database(tmp_path / "imported.sqlite")
    try:
        _plan, result = import_rows([SourceRow(3, values)], {f: FIELDS[f] for f in values}, source_name="台账.xlsx",
                                    today=TODAY)
        assert result.created == 1
        assert consistency.problems() == []
        imported = item_snapshot(SupervisionItem.select().get().id)
    finally:
        close_database()
    steps = made_by_the_steps(tmp_path / "steps.sqlite", imported, replay_item, item_snapshot, TODAY)
    assert imported["item"] == steps["item"]
    assert imported["records"] == steps["records"]
    assert imported["assisting"] == steps["assisting"]
    assert imported["history"] == steps["history"]
    assert imported["search"] == steps["search"]


def test_an_import_names_its_file_before_the_steps(db):
    import_rows([SourceRow(3, LEDGER_ROWS["closed"])], {f: FIELDS[f] for f in LEDGER_ROWS["closed"]},
                source_name="台账.xlsx", today=TODAY)
    snap = item_snapshot(SupervisionItem.select().get().id)
    # (the ledger's result is the joint report: it covers its helping unit, a row of its own)
    assert [row[:2] for row in snap["history"]] == [
        ("create", "number"), ("urge", "urge_count"), ("urge", "urge_count"), ("extend", "deadline"),
        ("report", "covered_units"), ("report", "result"), ("review", "state"), ("update", "result_summary"),
        ("feedback", "state")]
    assert snap["item"]["urge_count"] == 2 and snap["item"]["state"] == "closed"


@pytest.fixture
def sample(tmp_path):
    """A demo database (its path) and the snapshots of one item of every stored state
    and of every case."""
    path = tmp_path / "demo.sqlite"
    open_database(path)
    try:
        demo.generate(items=80, cases=12, seed=5, now=TODAY)
        assert consistency.problems() == []
        items = {}
        for item in SupervisionItem.select().where(SupervisionItem.case_task.is_null(False)).limit(2):
            items[f"task {item.id}"] = item_snapshot(item.id)
        for item in SupervisionItem.select().order_by(SupervisionItem.urge_count.desc(), SupervisionItem.id):
            items.setdefault(item.state, item_snapshot(item.id))
        cases = {c.state: case_snapshot(c.id) for c in CoordinationCase.select().order_by(CoordinationCase.id)}
    finally:
        close_database()
    return items, cases


def test_a_demo_item_is_what_the_steps_make(tmp_path, sample):
    items, _cases = sample
    assert {"pending_approval", "in_progress", "awaiting_review", "passed", "closed", "voided",
            "rejected"} <= set(items)
    for n, (name, snap) in enumerate(items.items()):
        if snap["item"]["case_task"]:
            continue  # made with its case (below)
        steps = made_by_the_steps(tmp_path / f"steps{n}.sqlite", snap, replay_item, item_snapshot, TODAY)
        for part in ("item", "records", "assisting", "history", "search"):
            assert snap[part] == steps[part], (name, part)


def test_a_demo_case_is_what_the_steps_make(tmp_path, sample):
    _items, cases = sample
    assert set(cases) == {"intake", "verification", "consultation", "closed", "declined", "escalated", "voided"}
    for n, (name, snap) in enumerate(cases.items()):
        steps = made_by_the_steps(tmp_path / f"case{n}.sqlite", snap, replay_case, case_snapshot, TODAY)
        for part in ("case", "parties", "sessions", "history"):
            assert snap[part] == steps[part], (name, part)
        for task, made in zip(snap["tasks"], steps["tasks"], strict=True):
            if task["item"] is not None:  # the item made from the decision, as the step makes it
                for part in ("item", "records", "history", "search"):
                    assert task["item"][part] == made["item"][part], (name, part)
