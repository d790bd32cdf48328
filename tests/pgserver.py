"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, listening on
127.0.0.1 only, gone when the run ends.

Found through Debian's layout (/usr/lib/postgresql/<version>/bin) or PATH. PostgreSQL
refuses to run as root: as root the cluster runs as the ``postgres`` user that Debian's
package creates. ``DUBAN_TEST_PG=0`` skips it (the suite then runs on SQLite only);
``DUBAN_TEST_PG=1`` makes a missing server an error instead of a skip, as in CI.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def wanted() -> str:
    """'off', 'required' or 'auto'."""
    value = os.environ.get("DUBAN_TEST_PG", "auto").strip().lower()
    return {"0": "off", "no": "off", "off": "off", "1": "required", "yes": "required"}.get(value, "auto")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One cluster; ``url(name)`` of a database in it, ``new_database()`` an empty one."""

    user = "duban"

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="duban-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._run_as = None
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._run_as = owner.pw_name

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bindir / args[0]), *args[1:]], user=self._run_as, check=check,
                              capture_output=True, text=True, cwd=self.folder)

    def start(self) -> Cluster:
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                   "-c shared_buffers=64MB")
        self._run("pg_ctl", "start", "-D", str(self.data), "-w", "-t", "60", "-l",
                  str(self.folder / "server.log"), "-o", options)
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"

    def admin(self, sql: str) -> None:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def new_database(self) -> str:
        """An empty database (owned by the cluster's user); its URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.admin(f"CREATE DATABASE {name} TEMPLATE template0 STRATEGY WAL_LOG")
        return self.url(name)

    def password_role(self, name: str, password: str) -> str:
        """A role that must log in with ``password`` (scram-sha-256, the rest of the cluster
        stays trusted) and an empty database it owns; the database's URL, without password."""
        hba = self.data / "pg_hba.conf"
        line = f"host all {name} 127.0.0.1/32 scram-sha-256\n"
        if line not in hba.read_text():
            hba.write_text(line + hba.read_text())
            self._run("pg_ctl", "reload", "-D", str(self.data))
        database = "p_" + uuid.uuid4().hex[:12]
        self.admin(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
                   f"CREATE ROLE {name} LOGIN PASSWORD '{password}'; END IF; END$$")
        self.admin(f"CREATE DATABASE {database} OWNER {name} TEMPLATE template0")
        return f"postgresql://{name}@127.0.0.1:{self.port}/{database}"

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start() -> Cluster | None:
    """The cluster, started; None when there is no server to start (or it is turned off)."""
    mode = wanted()
    if mode == "off":
        return None
    bindir = bin_dir()
    if bindir is None:
        if mode == "required":
            raise RuntimeError("DUBAN_TEST_PG=1 but PostgreSQL's initdb was not found")
        return None
    return Cluster(bindir).start()
