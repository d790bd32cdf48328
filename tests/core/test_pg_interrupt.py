"""The server's connection lost in the middle of a long write: nothing half-written, and
the command says so in Chinese, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import ChangeLog, SupervisionItem

pytestmark = pytest.mark.slow


def _cli(*args, env, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "duban_desktop", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kwargs)


def _writing(cluster, dbname: str) -> list[int]:
    """The program's backends holding a write lock on the items table of ``dbname``."""
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=cluster.port, user=cluster.user, dbname=dbname)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT DISTINCT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                        "WHERE a.application_name = 'duban-desktop' AND a.datname = %s "
                        "AND l.mode = 'RowExclusiveLock' AND l.relation = ("
                        "SELECT oid FROM pg_class WHERE relname = 'supervision_item')", (dbname,))
            return [r[0] for r in cur.fetchall()]
    finally:
        conn.close()


def test_an_import_cut_off_by_the_server_leaves_nothing_half_written(pg_cluster, tmp_path, data_dir):
    env = dict(os.environ, DUBAN_DATA_DIR=str(data_dir))
    source = tmp_path / "source.sqlite"
    ledger = tmp_path / "台账.xlsx"
    subprocess.run([sys.executable, "-m", "duban_desktop", "demo", "--db", str(source), "--items", "3000",
                    "--cases", "0"], check=True, env=env, capture_output=True, timeout=300)
    subprocess.run([sys.executable, "-m", "duban_desktop", "export", "ledger", "--db", str(source),
                    "-o", str(ledger)], check=True, env=env, capture_output=True, timeout=300)

    url = pg_cluster.new_database()
    dbname = url.rsplit("/", 1)[1]
    open_database(url)
    before = (SupervisionItem.select().count(), ChangeLog.select().count())
    close_database()

    child = _cli("import", "ledger", "--db", url, str(ledger), env=env)
    deadline = time.monotonic() + 120
    pids: list[int] = []
    while not pids and child.poll() is None and time.monotonic() < deadline:
        pids = _writing(pg_cluster, dbname)
        time.sleep(0.01)
    assert pids, "the import never began writing (or finished before it could be cut off)"
    pg_cluster.admin(f"SELECT pg_terminate_backend({pids[0]})")
    out, err = child.communicate(timeout=120)

    assert child.returncode != 0
    assert "Traceback" not in err and "Traceback" not in out
    assert "连接断开" in err + out and "没有保存" in err + out, err

    open_database(url)
    try:
        assert (SupervisionItem.select().count(), ChangeLog.select().count()) == before
    finally:
        close_database()
        pg_cluster.drop_database(url)
