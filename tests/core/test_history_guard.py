"""The triggers the program relies on: dropped or changed outside the program (the sqlite3
tool), ``check_structure`` names them and ``reinstall_missing_triggers`` puts them back."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import peewee as pw
import pytest

from duban_desktop.db import close_database, open_database
from duban_desktop.db.integrity import check_structure, reinstall_missing_triggers
from duban_desktop.db.models import ChangeLog, ItemSearch

from ..factories import item

DATA = Path(__file__).resolve().parent.parent / "data"


def outside(db_path, *statements) -> None:
    """As someone with the sqlite3 tool would: a connection of its own, not our code."""
    conn = sqlite3.connect(db_path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def history_is_append_only() -> None:
    assert ChangeLog.select().exists()  # (a row trigger needs a row to refuse)
    with pytest.raises(pw.IntegrityError, match="append-only"):
        ChangeLog.update(note="改写").execute()
    with pytest.raises(pw.IntegrityError, match="append-only"):
        ChangeLog.delete().execute()


def test_a_healthy_database_has_no_trigger_problem(db):
    report = check_structure()
    assert report.ok and report.trigger_problems == [] and report.reinstalled_triggers == []
    assert reinstall_missing_triggers(db) == []


def test_a_dropped_history_trigger_is_reported_and_reinstalled(db, db_path):
    item()
    outside(db_path, "DROP TRIGGER change_log_no_update")
    report = check_structure()
    assert not report.ok
    assert report.trigger_problems == ["缺少触发器“变更记录不可修改”（change_log_no_update）"]
    assert reinstall_missing_triggers(db) == ["“变更记录不可修改”（change_log_no_update）"]
    report = check_structure()
    assert report.ok and report.trigger_problems == []
    assert report.reinstalled_triggers == ["“变更记录不可修改”（change_log_no_update）"]
    history_is_append_only()


def test_an_altered_history_trigger_is_reported_and_replaced(db, db_path):
    item()
    outside(db_path, "DROP TRIGGER change_log_no_delete",
            "CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log WHEN 0 BEGIN SELECT 1; END")
    ChangeLog.delete().where(ChangeLog.id == -1).execute()  # (the altered one lets deletes through)
    assert check_structure().trigger_problems == ["触发器“变更记录不可删除”（change_log_no_delete）的定义被改动过"]
    assert reinstall_missing_triggers(db) == ["“变更记录不可删除”（change_log_no_delete）"]
    assert check_structure().ok
    history_is_append_only()


def test_a_dropped_search_trigger_is_reinstalled_and_the_search_refilled(db, db_path):
    outside(db_path, "DROP TRIGGER item_search_ai")
    assert check_structure().trigger_problems == ["缺少触发器“新登记的督办事项加入搜索”（item_search_ai）"]
    made = item(title="农村饮水安全巩固提升工程")
    assert not ItemSearch.select().where(ItemSearch.id == made.id).exists()  # missed while it was gone
    assert reinstall_missing_triggers(db) == ["“新登记的督办事项加入搜索”（item_search_ai）"]
    assert "农村饮水安全" in ItemSearch.get_by_id(made.id).text
    assert check_structure().ok


def test_an_unknown_trigger_is_reported_not_dropped(db, db_path):
    outside(db_path, "CREATE TRIGGER sneaky AFTER INSERT ON unit BEGIN SELECT 1; END")
    report = check_structure()
    assert not report.ok and len(report.trigger_problems) == 1 and "“sneaky”" in report.trigger_problems[0]
    assert reinstall_missing_triggers(db) == []
    assert "sneaky" in {r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}


def test_a_file_changed_while_closed_is_reported_when_opened_again(db, db_path):
    item()
    close_database()
    outside(db_path, "DROP TRIGGER change_log_no_update", "DROP TRIGGER item_fts_au")
    reopened = open_database(db_path)
    # (the open path may already put them back; then check_structure says which it put back)
    report = check_structure()
    named = report.trigger_problems + report.reinstalled_triggers
    assert any("change_log_no_update" in text for text in named)
    assert any("item_fts_au" in text for text in named)
    reinstall_missing_triggers(reopened)
    assert check_structure().trigger_problems == []
    history_is_append_only()


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_migrated_databases_have_every_trigger_as_defined(tmp_path, version):
    path = tmp_path / f"v{version}.sqlite"
    shutil.copy(DATA / f"schema-v{version}.sqlite", path)
    open_database(path)
    try:
        assert check_structure().trigger_problems == []
    finally:
        close_database()


def test_check_says_a_dropped_guard_was_put_back_then_passes(tmp_path, data_dir):
    import os
    import subprocess
    import sys

    path = tmp_path / "office.sqlite"
    env = dict(os.environ, DUBAN_DATA_DIR=str(data_dir))

    def check():
        return subprocess.run([sys.executable, "-m", "duban_desktop", "check", "--db", str(path)],
                              capture_output=True, text=True, env=env, timeout=60)
    subprocess.run([sys.executable, "-m", "duban_desktop", "demo", "--db", str(path), "--items", "5",
                    "--cases", "0"], check=True, capture_output=True, env=env)
    assert check().returncode == 0
    conn = sqlite3.connect(path)  # the sqlite3 tool, as someone at the office might
    conn.execute("DROP TRIGGER change_log_no_update")
    conn.commit()
    conn.close()
    first = check()
    assert first.returncode == 1
    assert "已重新安装" in first.stdout and "变更记录" in first.stdout
    assert "check --restore" not in first.stdout and "不需要从备份恢复" in first.stdout
    again = check()
    assert again.returncode == 0, again.stdout
    assert "触发器检查：通过" in again.stdout
