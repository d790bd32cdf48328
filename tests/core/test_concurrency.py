"""Several desks on one register at once (issue 17): separate processes open the same
database (the SQLite file, or the server's URL) and work through the domain. Nothing is
lost, no number is given twice or skipped, a stale edit is refused saying who changed
what, a step never undoes another desk's change, and a connection cut off in the middle
of a step leaves nothing half-written. Also: what one step costs in SQL statements.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duban_desktop.db import close_database, open_database, write_transaction
from duban_desktop.db.connection import set_busy_waiter
from duban_desktop.db.models import ChangeLog, SupervisionItem, Unit, Urge
from duban_desktop.db.server import ConnectionLostError
from duban_desktop.domain import coordination, numbering, supervision
from duban_desktop.domain.errors import StaleEdit, ValidationError

from ..factories import ALL_LOOKS, TODAY
from ..factories import case as make_case
from ..factories import item as make_item

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 180


class Desks:
    """Other desks: child processes of tests/core/concurrency_helpers.py."""

    def __init__(self, target, folder: Path, data_dir: Path):
        self.target = str(target)
        self.folder = folder
        self.folder.mkdir(exist_ok=True)
        self.env = dict(os.environ, DUBAN_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, action: str, name: str, operator: str = "王秘书", **args) -> subprocess.Popen:
        args["name"] = name
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.core.concurrency_helpers", action, self.target, str(self.folder),
             json.dumps(args, ensure_ascii=False)],
            cwd=ROOT, env=dict(self.env, DUBAN_OPERATOR=operator), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.children.append((name, child))
        return child

    def wait_file(self, name: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while not (self.folder / name).exists():
            dead = [n for n, c in self.children if c.poll() is not None and c.returncode != 0]
            assert not dead, f"desk {dead} ended early: {self.finish(dead[0])}"
            assert time.monotonic() < deadline, f"no {name} after {WAIT_S} s"
            time.sleep(0.01)

    def go(self) -> None:
        """Start them together, once every desk has the database open."""
        for name, _ in self.children:
            self.wait_file(f"{name}.ready")
        (self.folder / "go").write_text("go")

    def finish(self, name: str) -> tuple[int, dict, str]:
        child = dict(self.children)[name]
        out, err = child.communicate(timeout=WAIT_S)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        return child.returncode, json.loads(lines[-1]) if lines else {}, err

    def finish_all(self) -> list[dict]:
        results = []
        for name, _ in self.children:
            code, result, err = self.finish(name)
            assert "Traceback" not in err, err
            assert code == 0, (name, result, err)
            results.append(result)
        return results

    def kill_all(self) -> None:
        for _, child in self.children:
            if child.poll() is None:
                child.kill()
                child.wait()


@pytest.fixture
def desks(db_target, tmp_path, data_dir):
    made = Desks(db_target, tmp_path / "signals", data_dir)
    yield made
    made.kill_all()


def _item(**overrides) -> int:
    made = make_item(**overrides).id
    close_database()  # the test is not a desk while the others work
    return made


# ------------------------------------------------------------------ nothing lost


def test_parallel_urges_of_one_item_lose_no_increment(db_target, desks):
    open_database(db_target)
    item_id = _item()
    for n in range(4):
        desks.start("urge", f"desk{n}", operator=f"秘书{n}", item=item_id, times=10)
    desks.go()
    results = desks.finish_all()

    open_database(db_target)
    item = SupervisionItem.get_by_id(item_id)
    assert sum(len(r["urges"]) for r in results) == 40
    assert item.urge_count == 40
    assert Urge.select().where(Urge.item == item_id).count() == 40
    history = ChangeLog.select().where((ChangeLog.entity == "item") & (ChangeLog.entity_id == item_id)
                                       & (ChangeLog.action == "urge")).order_by(ChangeLog.id)
    # each urge saw the count the one before it left: 0 -> 1, 1 -> 2, ... 39 -> 40
    assert [(int(h.old_value), int(h.new_value)) for h in history] == [(n, n + 1) for n in range(40)]
    assert {h.operator for h in history} == {f"秘书{n}" for n in range(4)}
    assert item.version == 1 + 40


def test_parallel_registrations_give_every_number_once(db_target, desks):
    open_database(db_target)
    close_database()
    for n in range(4):
        # every desk names the same new unit: made once, by whichever desk came first
        desks.start("register", f"desk{n}", who=f"第{n}台", times=25)
    desks.go()
    results = desks.finish_all()

    open_database(db_target)
    given = [number for r in results for number in r["numbers"]]
    assert len(given) == len(set(given)) == 100
    seqs = sorted(s for (s,) in SupervisionItem.select(SupervisionItem.seq).tuples())
    assert seqs == list(range(1, 101))  # no gap, no number twice
    assert sorted(given) == sorted(numbering.NumberFormat.read("supervision").format(2026, s) for s in seqs)
    assert numbering.preview("supervision", 2026).endswith("101号")
    assert Unit.select().where(Unit.name == "县应急管理局").count() == 1
    unit = Unit.get(Unit.name == "县应急管理局")
    made = ChangeLog.select().where((ChangeLog.entity == "unit") & (ChangeLog.entity_id == unit.id))
    assert [c.action for c in made] == ["create"]
    assert numbering.counter_problems() == []


def test_a_number_typed_at_two_desks_at_once_is_refused_in_chinese(db_target, desks):
    open_database(db_target)
    item_id = _item()
    # the other desk's registration waits behind this desk's, which holds the same number
    open_database(db_target)
    with write_transaction():
        supervision.register_item(title="本台登记", lead_unit="县财政局", responsible_person="李强",
                                  source="other", registered_on=dt.date(2026, 6, 1),
                                  deadline=dt.date(2026, 6, 30), number="特督〔2026〕A1", now=TODAY)
        desks.start("register", "other", times=1, number="特督〔2026〕A1", barrier=False)
        desks.wait_file("other.ready")
        time.sleep(0.6)  # the other desk reaches its insert and waits for this transaction
    close_database()
    code, result, err = desks.finish("other")
    assert code == 1 and "Traceback" not in err, err
    assert result["refused"] == "ValidationError"
    assert "特督〔2026〕A1" in result["message"] and "不能重复" in result["message"]
    open_database(db_target)
    assert SupervisionItem.select().count() == 2 and SupervisionItem.get_by_id(item_id).number


# ------------------------------------------------------------------ stale edits


def test_a_stale_edit_is_refused_saying_who_changed_what(db_target, desks):
    open_database(db_target)
    item_id = _item()
    open_database(db_target)
    opened = supervision.item_for_edit(item_id)  # this desk's edit dialog opens
    close_database()
    desks.start("edit", "wang", operator="王秘书", item=item_id, barrier=False,
                values={"title": "城区背街小巷改造（第一批）"})
    assert desks.finish_all() == [{"version": opened.version + 1}]

    open_database(db_target)
    before = ChangeLog.select().count()
    with pytest.raises(StaleEdit) as refused:
        supervision.update_item(item_id, expected_version=opened.version, seen_history=opened.seen_history,
                                responsible_person="赵刚")
    message = str(refused.value)
    at = ChangeLog.select().order_by(ChangeLog.id.desc()).first().at
    assert message.startswith(f"此事项已被王秘书在 {at:%H:%M} 修改，请刷新后再改。")
    assert "催办项目：落实县长关于城区背街小巷改造的批示 → 城区背街小巷改造（第一批）" in message
    assert "没有保存" in message
    item = SupervisionItem.get_by_id(item_id)
    assert (item.responsible_person, item.title) == ("蒋建华", "城区背街小巷改造（第一批）")
    assert ChangeLog.select().count() == before and item.version == opened.version + 1
    # opened again, the edit goes through
    fresh = supervision.item_for_edit(item_id)
    done = supervision.update_item(item_id, expected_version=fresh.version, seen_history=fresh.seen_history,
                                   responsible_person="赵刚")
    assert (done.responsible_person, done.title, done.version) == ("赵刚", "城区背街小巷改造（第一批）",
                                                                   fresh.version + 1)


def test_a_stale_case_edit_is_refused(db):
    made = make_case()
    opened = coordination.case_for_edit(made.id)
    coordination.screen(made.id, decision="accept", screened_on=dt.date(2026, 5, 5), now=TODAY)
    with pytest.raises(StaleEdit, match=r"此协调事项已被.+修改，请刷新后再改。.*审理（状态：待审理 → 核查中）"):
        coordination.update_case(made.id, expected_version=opened.version, seen_history=opened.seen_history,
                                 title="改过的标题")
    assert coordination.get_case(made.id).title == made.title
    fresh = coordination.case_for_edit(made.id)
    assert coordination.update_case(made.id, expected_version=fresh.version, seen_history=fresh.seen_history,
                                    title="改过的标题").title == "改过的标题"


# ------------------------------------------------------------ no change undone


def test_a_reported_result_is_never_wiped_by_an_urge(db_target, desks):
    open_database(db_target)
    item_id = _item()
    open_database(db_target)
    # this desk reports; meanwhile another desk, which had the item on its screen while it
    # was still being handled, urges it and has to wait for this desk's step
    with write_transaction():
        supervision.report_result(item_id, content="已完成改造方案并报县政府。", reported_on=TODAY, now=TODAY)
        desks.start("waiting_urge", "urger", item=item_id, barrier=False)
        desks.wait_file("waiting")
    close_database()
    code, result, err = desks.finish("urger")
    assert code == 1 and "Traceback" not in err
    assert result["refused"] == "StepNotAllowed" and "已报送" in result["message"]

    open_database(db_target)
    item = SupervisionItem.get_by_id(item_id)
    assert (item.state, item.result, item.urge_count) == ("awaiting_review", "已完成改造方案并报县政府。", 0)


def test_an_urge_and_a_report_at_once_both_stay(db_target, desks):
    open_database(db_target)
    item_id = _item()
    desks.start("hold_urge", "urger", item=item_id, barrier=False)
    desks.wait_file("held")  # the other desk's urge is written, not yet committed
    open_database(db_target)
    # this desk's report waits for it; when it starts waiting the other desk commits
    set_busy_waiter(lambda seconds: (desks.folder / "release").write_text("") if seconds >= 0 else None)
    try:
        supervision.report_result(item_id, content="已完成。", reported_on=TODAY, now=TODAY)
    finally:
        set_busy_waiter(None)
    assert (desks.folder / "release").exists(), "the report never waited for the urge"
    desks.finish_all()
    item = SupervisionItem.get_by_id(item_id)
    assert (item.state, item.result, item.urge_count, item.last_urged_on) == (
        "awaiting_review", "已完成。", 1, TODAY)
    assert item.version == 3


def test_a_title_change_is_not_reverted_by_another_desks_step_or_save(db_target, desks):
    open_database(db_target)
    item_id = _item()
    open_database(db_target)
    on_screen = supervision.get_item(item_id)  # this desk shows the item with its old title
    close_database()
    desks.start("edit", "wang", item=item_id, barrier=False, values={"title": "新标题"})
    desks.finish_all()

    open_database(db_target)
    supervision.urge(on_screen.id, method="phone", urged_on=TODAY, now=TODAY)
    supervision.update_item(on_screen.id, responsible_person="赵刚")  # one field, as the dialog sends
    item = SupervisionItem.get_by_id(item_id)
    assert (item.title, item.responsible_person, item.urge_count) == ("新标题", "赵刚", 1)


# ------------------------------------------------------------ connection lost


def test_a_connection_cut_off_during_an_urge_leaves_nothing_half_written(pg_cluster, tmp_path, data_dir):
    url = pg_cluster.new_database()
    desks = Desks(url, tmp_path / "signals", data_dir)
    try:
        open_database(url)
        item_id = make_item().id
        history_before = ChangeLog.select().count()
        close_database()
        desks.start("hold_urge", "urger", item=item_id, barrier=False)
        desks.wait_file("held")  # written, the row locked, not committed
        pg_cluster.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name='duban-desktop' AND pid <> pg_backend_pid()")
        (desks.folder / "release").write_text("")
        code, result, err = desks.finish("urger")
        assert code == 1 and "Traceback" not in err, err
        assert result["refused"] == ConnectionLostError.__name__
        assert "连接断开" in result["message"] and "没有保存" in result["message"]

        open_database(url)
        item = SupervisionItem.get_by_id(item_id)
        assert item.urge_count == Urge.select().where(Urge.item == item_id).count() == 0
        assert ChangeLog.select().count() == history_before  # the urge's row went with it
        # the lock went with the connection: the next urge goes through
        supervision.urge(item_id, method="phone", urged_on=TODAY, now=TODAY)
        item = SupervisionItem.get_by_id(item_id)
        assert item.urge_count == Urge.select().where(Urge.item == item_id).count() == 1
    finally:
        desks.kill_all()
        close_database()
        pg_cluster.drop_database(url)


# ------------------------------------------------------------ what a step costs


class Statements(logging.Handler):
    """The SQL statements peewee sends (its logger, at DEBUG)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sent: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.sent.append(record.getMessage())


@pytest.fixture
def statements():
    handler = Statements()
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_step_costs_at_most_twenty_statements(db, statements):
    made = make_item(assisting=["县财政局"])
    counts = {}
    for step, run in (
        ("urge", lambda: supervision.urge(made.id, method="phone", reply_days=3, urged_on=TODAY, now=TODAY)),
        ("report", lambda: supervision.report_result(made.id, content="已完成。", reported_on=TODAY,
                                                     covers_units=True, now=TODAY)),
        ("review", lambda: supervision.review(made.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=TODAY,
                                              now=TODAY)),
    ):
        statements.sent.clear()
        run()
        counts[step] = len(statements.sent)
    assert all(0 < n <= 20 for n in counts.values()), (counts, statements.sent)
    assert SupervisionItem.get_by_id(made.id).state == "passed"


def test_a_unique_violation_left_becomes_a_chinese_refusal(db):
    from duban_desktop.domain import units

    units.create_unit("县财政局")
    other = units.create_unit("县教育局")
    with pytest.raises(ValidationError, match="单位“县财政局”已经存在"):
        units.update_unit(other.id, name="县财政局")
