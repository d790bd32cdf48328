"""The command line as a user runs it: real processes, real files."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from duban_desktop.db import close_database, open_database

from .. import factories
from ..factories import file_digest


def run(*args, env_dir=None, check=None):
    env = dict(os.environ)
    if env_dir:
        env["DUBAN_DATA_DIR"] = str(env_dir)
    proc = subprocess.run([sys.executable, "-m", "duban_desktop", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "sample.sqlite"
    run("demo", "--db", path, "--items", 120, "--cases", 12, "--seed", 5, check=0)
    return path


def test_demo_alerts_json(sample):
    proc = run("alerts", "--db", sample, "--json", check=0)
    data = json.loads(proc.stdout)
    assert data, "the sample data has overdue and due-soon items"
    from duban_desktop.domain.alerts import LEVELS

    assert {a["level"] for a in data} <= set(LEVELS)
    assert all(a["level_label"] == LEVELS[a["level"]] for a in data)
    for alert in data:
        assert {"number", "title", "lead_unit", "deadline", "level", "days"} <= set(alert)
        assert isinstance(alert["days"], int) and alert["days"] >= 0


def test_demo_is_repeatable_with_seed(tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    run("demo", "--db", a, "--items", 30, "--cases", 4, "--seed", 9, check=0)
    run("demo", "--db", b, "--items", 30, "--cases", 4, "--seed", 9, check=0)
    import sqlite3

    rows = [sqlite3.connect(p).execute(
        "SELECT number, title, state, deadline FROM supervision_item ORDER BY id").fetchall() for p in (a, b)]
    assert rows[0] == rows[1] and len(rows[0]) == 30


def test_demo_refuses_a_database_with_data(sample):
    proc = run("demo", "--db", sample, check=1)
    assert "已经有数据" in proc.stderr


def test_alerts_text_says_there_are_none(tmp_path):
    path = tmp_path / "empty.sqlite"
    open_database(path)
    close_database()
    lines = run("alerts", "--db", path, check=0).stdout.splitlines()
    assert lines[0] == "没有逾期或即将到期的事项。"
    assert not [line for line in lines if "【" in line]


def test_alerts_text_lists_each_level_with_its_items(tmp_path):
    """One overdue item, one due tomorrow (by the real clock, as the command counts), one
    closed on time: the text names the first two under their headings, not the third."""
    path = tmp_path / "office.sqlite"
    open_database(path)
    try:
        late = factories.item(title="逾期未报的事项", signed=True).number  # due 2026-06-30, nothing reported
        now = dt.date.today()
        soon = factories.item(title="明天到期的事项", registered_on=now, instruction_date=now,
                              deadline=now + dt.timedelta(days=1), now=now).number
        done = factories.closed_item(title="按期办结的事项").number
    finally:
        close_database()
    text = run("alerts", "--db", path, check=0).stdout
    lines = text.splitlines()
    assert "没有逾期" not in text and done not in text
    heads = {line: n for n, line in enumerate(lines) if line.startswith("【")}
    assert "【已逾期】1 件" in heads and "【即将到期】1 件" in heads
    assert lines[heads["【已逾期】1 件"] + 1].split()[:2] == [late, "逾期未报的事项"]
    assert "已逾期" in lines[heads["【已逾期】1 件"] + 1]
    assert lines[heads["【即将到期】1 件"] + 1].split()[:2] == [soon, "明天到期的事项"]
    assert len(heads) == 2, heads


def test_check_passes_on_sample_and_lists_backups(sample):
    proc = run("check", "--db", sample, check=0)
    for words in ("完整性检查：通过", "外键检查：通过", "规则检查：通过", "督办事项 120 件"):
        assert words in proc.stdout


def test_backup_and_restore_latest(sample, tmp_path):
    out = tmp_path / "copy.sqlite"
    run("backup", "--db", sample, "-o", out, check=0)
    run("check", "--db", out, check=0)
    work = tmp_path / "work.sqlite"
    run("demo", "--db", work, "--items", 5, "--cases", 0, check=0)
    from duban_desktop.db import backup as backups

    backups.take_backup(work, "manual")
    proc = run("check", "--db", work, "--restore", "latest", check=0)
    assert "已从备份" in proc.stdout


@pytest.mark.parametrize("args, code, words", [
    (["alerts", "--db", "{missing}"], 1, "不存在，程序没有新建它"),
    (["check", "--db", "{letter}"], 1, "不是督办 Desktop 的数据库"),
    (["alerts", "--bogus"], 2, "无法识别的参数"),
    (["demo"], 2, "缺少必需的参数"),
    (["demo", "--db", "{new}", "--items", "many"], 2, "需要整数"),
    (["demo", "--db", "{new}", "--items", "-3"], 1, "不能为负数"),
    (["backup", "--db", "{letter}", "-o", "{out}"], 1, "不是督办 Desktop 的数据库"),
    (["check", "--db", "{empty_dir}", "--restore", "latest"], 1, "没有找到"),
])
def test_errors_are_one_clear_line(tmp_path, args, code, words):
    letter = tmp_path / "letter.txt"
    letter.write_text("这是一封信")
    (tmp_path / "folder").mkdir()
    names = {"missing": tmp_path / "missing.sqlite", "letter": letter, "new": tmp_path / "new.sqlite",
             "out": tmp_path / "out.sqlite", "empty_dir": tmp_path / "folder" / "x.sqlite"}
    args = [a.format(**names) for a in args]
    digest = file_digest(letter)
    proc = run(*args, check=code)
    assert words in proc.stderr
    if code == 1:
        assert len(proc.stderr.strip().splitlines()) == 1
    assert file_digest(letter) == digest
    assert not names["missing"].exists()


def test_backup_to_a_place_that_cannot_be_written(sample, tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    proc = run("backup", "--db", sample, "-o", not_a_folder / "x.sqlite", check=1)
    assert "无法写入" in proc.stderr or "无法读写" in proc.stderr or "无法备份" in proc.stderr


def test_backup_cannot_overwrite_the_database(sample):
    proc = run("backup", "--db", sample, "-o", sample, check=1)
    assert "不能与数据库文件相同" in proc.stderr


def test_help_is_chinese():
    proc = run("--help", check=0)
    assert "用法" in proc.stdout and "--demo" in proc.stdout


def test_sample_data_keeps_every_field(sample):
    """Bulk inserts take columns from the first row; no optional field may be dropped."""
    import sqlite3

    conn = sqlite3.connect(sample)
    try:
        missing = conn.execute(
            "SELECT COUNT(*) FROM supervision_item WHERE (approved_by != '' AND approved_on IS NULL)"
            " OR (state = 'closed' AND (closed_on IS NULL OR completed_on IS NULL))"
            " OR (state != 'pending_approval' AND state != 'rejected' AND number IS NULL)").fetchone()[0]
        assert missing == 0
        assert conn.execute("SELECT COUNT(*) FROM supervision_item WHERE approved_by != ''").fetchone()[0] > 0
    finally:
        conn.close()


def test_damaged_database_is_reported_not_crashed(tmp_path):
    path = tmp_path / "damaged.sqlite"
    run("demo", "--db", path, "--items", 200, "--cases", 10, check=0)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8000] = b"\xde\xad\xbe\xef" * 2000
    path.write_bytes(bytes(data))
    proc = run("check", "--db", path, check=1)
    assert "未通过" in proc.stdout and "check --restore latest" in proc.stdout
    data[8192:len(data) - 4096] = b"\xde\xad\xbe\xef" * ((len(data) - 12288) // 4)  # most pages
    path.write_bytes(bytes(data))
    proc = run("export", "ledger", "--db", path, "-o", tmp_path / "x.xlsx", check=1)
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "数据库可能已损坏" in proc.stderr or "不是督办 Desktop 的数据库" in proc.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_the_listed_commands_are_the_parsers():
    from duban_desktop import cli

    parser = cli.build_parser()
    names = next(set(a.choices) for a in parser._subparsers._group_actions)
    assert cli.command_names() == names


def test_the_cycle_collector_is_back_on_after_a_command(tmp_path, monkeypatch, capsys):
    """app.main turns Python's cycle collector off while the program loads; a command
    (or any return from main) turns it back on."""
    import gc

    from duban_desktop.app import main

    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "data"))
    assert gc.isenabled()
    assert main(["check", "--db", str(tmp_path / "none.sqlite")]) != 0  # a command that fails
    assert gc.isenabled()
    assert main(["--help"]) == 0  # the window's own arguments
    assert gc.isenabled()
    capsys.readouterr()
