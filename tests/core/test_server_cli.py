"""The command line on both databases (``db_target``: the file or a server's URL), and the
copy of a file's register onto the server (``transfer``)."""

from __future__ import annotations

import datetime as dt

import pytest

from duban_desktop.db import close_database, open_database, server
from duban_desktop.db.models import MODELS, ChangeLog, ItemSearch, Meta, SupervisionItem
from duban_desktop.domain import consistency, supervision
from duban_desktop.domain.ledger import ItemFilter, item_ids

from .test_cli import run


def test_demo_check_and_a_registration_after_it(db_target, data_dir):
    run("demo", "--db", db_target, "--items", 60, "--cases", 8, "--seed", 3, env_dir=data_dir, check=0)
    proc = run("check", "--db", db_target, env_dir=data_dir, check=0)
    assert "触发器检查：通过" in proc.stdout and "规则检查：通过" in proc.stdout and "督办事项 60 件" in proc.stdout
    open_database(db_target)
    try:
        made = supervision.register_item(title="示例之后登记的事项", source="other", lead_unit="县财政局",
                                    responsible_person="王刚", deadline=dt.date.today() + dt.timedelta(days=30))
        assert made.id > 60 and SupervisionItem.select().count() == 61
        assert item_ids(ItemFilter(text="示例之后")) == [made.id]
    finally:
        close_database()


@pytest.mark.postgresql
def test_check_on_the_server_finds_a_disabled_guard_and_says_what_it_cannot_check(pg_cluster, data_dir):
    url = pg_cluster.new_database()
    try:
        run("demo", "--db", url, "--items", 20, "--cases", 2, env_dir=data_dir, check=0)
        proc = run("check", "--db", url, env_dir=data_dir, check=0)
        assert "无法由本程序检查" in proc.stdout and "完整性检查" not in proc.stdout
        db = open_database(url)
        db.execute_sql("ALTER TABLE change_log DISABLE TRIGGER change_log_no_delete")
        db.execute_sql("DROP TRIGGER item_search_unit_au ON unit")
        close_database()
        proc = run("check", "--db", url, env_dir=data_dir, check=1)
        assert "change_log_no_delete）被停用了" in proc.stdout and "缺少触发器“单位改名时更新搜索”" in proc.stdout
    finally:
        close_database()
        pg_cluster.drop_database(url)


@pytest.mark.postgresql
def test_backup_and_restore_latest_on_the_server(pg_cluster, data_dir, tmp_path):
    url = pg_cluster.new_database()
    try:
        run("demo", "--db", url, "--items", 15, "--cases", 2, env_dir=data_dir, check=0)
        out = tmp_path / "server.dump"
        proc = run("backup", "--db", url, "-o", out, env_dir=data_dir, check=0)
        assert out.read_bytes()[:5] == b"PGDMP" and "已把数据库服务器上的台账备份到" in proc.stdout
        run("check", "--db", url, "--restore", "latest", env_dir=data_dir, check=1)  # none in the folder yet
        proc = run("check", "--db", url, "--restore", out, env_dir=data_dir, check=0)
        assert "已从备份" in proc.stdout and "督办事项 15 件" in proc.stdout
        sqlite_file = tmp_path / "a.sqlite"
        run("demo", "--db", sqlite_file, "--items", 1, "--cases", 0, env_dir=data_dir, check=0)
        proc = run("check", "--db", url, "--restore", sqlite_file, env_dir=data_dir, check=1)
        assert "不是数据库服务器的备份" in proc.stderr
    finally:
        pg_cluster.drop_database(url)


def _counts():
    return {m._meta.table_name: m.select().count() for m in MODELS if m not in (Meta, ItemSearch)}


@pytest.mark.postgresql
def test_transfer_copies_everything_and_verifies_the_counts(pg_cluster, data_dir, tmp_path):
    source = tmp_path / "office.sqlite"
    run("demo", "--db", source, "--items", 400, "--cases", 30, "--seed", 9, env_dir=data_dir, check=0)
    open_database(source)
    before = _counts()
    history = [(r.id, r.at, r.operator, r.action, r.new_value) for r in ChangeLog.select().order_by(ChangeLog.id)]
    close_database()
    assert all(before[t] > 0 for t in ("unit", "case_party", "urge", "review", "feedback", "extension", "change_log"))
    url = pg_cluster.new_database()
    try:
        proc = run("transfer", "--db", source, "--to", url, env_dir=data_dir, check=0)
        assert "两边逐表核对的行数一致" in proc.stdout and f"变更记录（change_log）：{before['change_log']} 行" in proc.stdout
        db = open_database(url)
        assert _counts() == before
        assert [(r.id, r.at, r.operator, r.action, r.new_value)
                for r in ChangeLog.select().order_by(ChangeLog.id)] == history
        assert consistency.problems() == [] and server.guard_problems(db) == []
        assert len(item_ids(ItemFilter(text="县"))) > 0
        made = supervision.register_item(title="复制之后登记", source="other", lead_unit="县财政局",
                                    responsible_person="王刚", deadline=dt.date.today() + dt.timedelta(days=30))
        assert made.id == 401 and item_ids(ItemFilter(text="复制之后")) == [made.id]
        close_database()
        proc = run("transfer", "--db", source, "--to", url, env_dir=data_dir, check=1)
        assert "已有数据" in proc.stderr
        assert "Traceback" not in proc.stderr
    finally:
        close_database()
        pg_cluster.drop_database(url)
