"""Seeing the other desks' work (db/changes.py): the watcher says yes once another
connection has saved something, and no for this connection's own steps and for reads."""

from __future__ import annotations

import threading
import time

from duban_desktop.db import changes, database
from duban_desktop.domain import supervision

from ..factories import item as make_item


def in_another_connection(work) -> None:
    """``work`` on a thread of its own: its own connection (peewee keeps one per thread)."""
    failed = []

    def run():
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - reported below
            failed.append(exc)
        finally:
            database.close()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not failed, failed


def poll_until(watcher, want: bool, tries: int = 50) -> bool:
    """The server delivers a notification a moment after the commit: look a few times."""
    for _ in range(tries):
        if watcher.poll() == want:
            return True
        time.sleep(0.02)
    return False


def test_the_triggers_are_installed_once(db, backend):
    if backend == "sqlite":
        assert changes.install(db) == [] and changes.installed(db) == []
        return
    changes.install(db)
    assert changes.installed(db) == sorted(changes.TABLES)
    assert changes.install(db) == []  # again: nothing to do


def test_another_connections_step_is_seen_and_our_own_is_not(db, backend):
    changes.install(db)
    item = make_item()
    watcher = changes.Watcher(db)
    assert watcher.connect()
    assert watcher.poll() is False  # nothing yet
    supervision.urge(item.id, method="phone")  # this connection's own step
    assert not poll_until(watcher, True, tries=10)
    supervision.get_item(item.id)  # reading changes nothing
    assert watcher.poll() is False
    in_another_connection(lambda: supervision.urge(item.id, method="notice"))
    assert poll_until(watcher, True)
    if backend == "postgresql":
        assert "supervision_item" in watcher.tables and "urge" in watcher.tables
    assert watcher.poll() is False  # told once
    watcher.close()


def test_a_watcher_whose_server_connection_broke_says_so_and_connects_again(db, backend, request):
    if backend == "sqlite":
        return
    cluster = request.getfixturevalue("pg_cluster")
    changes.install(db)
    watcher = changes.Watcher(db)
    assert watcher.connect()
    cluster.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  f"WHERE datname = '{db.database}' AND pid <> pg_backend_pid()")
    for _ in range(100):  # the broken connection shows at the next look
        if watcher.poll() is False and watcher.lost:
            break
        time.sleep(0.02)
    assert watcher.lost
    assert watcher.connect() and not watcher.lost
    assert watcher.poll() is True  # anything may have changed meanwhile
    watcher.close()
