"""The register on a PostgreSQL server over a 2 ms link (issue 17, "Performance").

    .venv/bin/python -m tests.benchmarks --only server [--repeat 5] [--items 100000]
    .venv/bin/python -m tests.benchmarks.bench_server [--items 100000] [--repeat 5] [--steps 5]

A PostgreSQL cluster of its own, kept in the cache folder (``<cache>/pg``: initdb once,
started for the run on a free port on 127.0.0.1, stopped after; the server's own
defaults, fsync on), holds the sample database made by ``duban-desktop demo --db URL``
with the parameters and seed of the SQLite sample (made once in a process of its own,
timed, and kept under a name holding its parameters and the digest of the code that
makes it, as run.py keeps the SQLite one). Each run works on a copy of it
(``CREATE DATABASE … TEMPLATE``), dropped at the end, since the steps write.

Everything the program does goes through ``latency_proxy.LatencyProxy``: 1 ms each way,
calibrated against a direct connection so that ``SELECT 1`` costs 2 ms more through it.
The measures, each beside the same measure on the SQLite sample in the same run:

  start     ``python -m duban_desktop --db URL`` until its first paint with the register
            filled (run.timed_start), in turns with the bare window and the SQLite start
  search    gui_child.py's keystrokes in the register's search box, on the URL
  steps     server_child.py: 检查催办, 报送结果, 情况审理 on items at the top of the
            register, each from its button to the window refreshed, and its statements
            (peewee's DEBUG records); also once on the server without the proxy, to show
            what the link costs
  transfer  ``duban-desktop transfer`` of the SQLite sample onto a new empty database of
            the cluster through the proxy (it verifies every table's count itself), then
            ``check --db URL`` on what it made: the migration verified on the sample

Goals (issue 17): start under 1.0 s at 100,000 items, a keystroke's median under 100 ms,
a step with the window's refresh under 150 ms, at most 20 statements a step.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests import pgserver

from . import run
from .latency_proxy import LatencyProxy, calibrate

GOAL_START_S = 1.0
GOAL_SEARCH_MS = 100
GOAL_STEP_MS = 150
GOAL_STATEMENTS = 20
DELAY_S = 0.001  # each way: 2 ms a round trip
STEP_LABELS = {"urge": "检查催办", "report": "报送结果", "review": "情况审理"}


class BenchCluster(pgserver.Cluster):
    """pgserver's cluster in a folder that stays (``folder/data``), with the server's
    own defaults for durability (fsync, synchronous commit), stopped cleanly."""

    def __init__(self, bindir: Path, folder: Path):
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.port = pgserver._free_port()
        self._run_as = None
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            self._run_as = owner.pw_name

    def start(self) -> BenchCluster:
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", check=False)  # a run cut short
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=100"
        self._run("pg_ctl", "start", "-D", str(self.data), "-w", "-t", "120", "-l",
                  str(self.folder / "server.log"), "-o", options)
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", check=False)

    def databases(self) -> list[str]:
        import psycopg2

        conn = psycopg2.connect(self.url())
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT datname FROM pg_database WHERE NOT datistemplate")
                return [r[0] for r in cur.fetchall()]
        finally:
            conn.close()

    def server_version(self) -> str:
        import psycopg2

        conn = psycopg2.connect(self.url())
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW server_version")
                return cur.fetchone()[0]
        finally:
            conn.close()


def proxied(url: str, port: int) -> str:
    """``url`` with the proxy's port."""
    head, rest = url.split("@", 1)
    host_port, name = rest.split("/", 1)
    return f"{head}@{host_port.rsplit(':', 1)[0]}:{port}/{name}"


def sample_database(cluster: BenchCluster, cache: Path, items: int, cases: int, seed: int = 2026) -> tuple[str, dict]:
    """The server's sample database for these parameters (its name), made by ``demo --db
    URL`` in a process of its own unless the cluster has it; what it took."""
    key = run.generator_key()
    stem = f"demo_{items}_{cases}_s{seed}"
    name = f"{stem}_{key}"
    meta_path = cluster.folder.parent / f"pg-{name}.json"
    present = cluster.databases()
    if name in present and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        meta["cached"] = True
        return name, meta
    for old in present:
        if old.startswith(stem):  # made by older code, or cut short
            cluster.admin(f"DROP DATABASE IF EXISTS {old} WITH (FORCE)")
    run.say(f"making the server's sample database: {items} items, {cases} cases (once; kept in {cluster.folder})")
    cluster.admin(f"CREATE DATABASE {name} TEMPLATE template0")
    with tempfile.TemporaryFile("w+") as output:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "duban_desktop", "demo", "--db", cluster.url(name),
                                 "--items", str(items), "--cases", str(cases), "--seed", str(seed)],
                                cwd=run.ROOT, env=run.child_env(cache / "data"), stdout=output,
                                stderr=subprocess.STDOUT)
        code, rss = run._wait(proc)
        seconds = time.perf_counter() - start
        output.seek(0)
        if code != 0:
            cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            raise RuntimeError(f"demo --db URL failed: {output.read()[-3000:]}")
    vacuum(cluster.url(name))  # as autovacuum would have by the time an office works in it
    meta = {"items": items, "cases": cases, "seed": seed, "seconds": round(seconds, 1), "peak_rss_mb": round(rss),
            "size_mb": round(database_size(cluster, name) / 2 ** 20), "made_on": dt.date.today().isoformat(),
            "key": key, "cached": False}
    meta_path.write_text(json.dumps(meta, indent=1))
    return name, meta


def database_size(cluster: BenchCluster, name: str) -> int:
    import psycopg2

    conn = psycopg2.connect(cluster.url())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_database_size(%s)", (name,))
            return cur.fetchone()[0]
    finally:
        conn.close()


def copy_database(cluster: BenchCluster, name: str, copy: str) -> str:
    cluster.admin(f"DROP DATABASE IF EXISTS {copy} WITH (FORCE)")
    cluster.admin(f"CREATE DATABASE {copy} TEMPLATE {name} STRATEGY FILE_COPY")
    return cluster.url(copy)


def vacuum(url: str) -> None:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    finally:
        conn.close()


# ------------------------------------------------------------------ the measures


def measure_starts(url: str, sqlite_db: Path, data_dir: Path, repeat: int, exit_ms: int = 1500) -> dict:
    """The program on the server, the program on the SQLite sample and the bare window,
    in turns (after one unmeasured start of each)."""
    env = run.child_env(data_dir, DUBAN_SMOKE_EXIT_MS=exit_ms)
    runs = {"bare": ([sys.executable, str(run.HERE / "bare_window.py")], "bare window shown"),
            "server": ([sys.executable, "-m", "duban_desktop", "--db", url], "main window shown"),
            "sqlite": ([sys.executable, "-m", "duban_desktop", "--db", str(sqlite_db)], "main window shown")}
    for cmd, marker in runs.values():
        run.timed_start(cmd, env, marker)
    found: dict[str, list] = {name: [] for name in runs}
    for n in range(repeat):
        for name in (list(runs) if n % 2 == 0 else list(reversed(runs))):
            cmd, marker = runs[name]
            found[name].append(run.timed_start(cmd, env, marker))
    return found


def measure_steps(db: str, data_dir: Path, items: int) -> dict:
    proc = subprocess.run([sys.executable, "-m", "tests.benchmarks.server_child", "steps", "--db", db, "--items",
                           str(items)], capture_output=True, text=True, env=run.child_env(data_dir), cwd=run.ROOT,
                          timeout=1800)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"server_child steps failed ({proc.returncode}): {proc.stderr[-3000:]}")


def measure_transfer(sqlite_db: Path, url: str, data_dir: Path) -> dict:
    """The SQLite sample copied onto the empty database ``url`` by the program's own
    command (timed, with its per-table counts), then checked by ``check``."""
    env = run.child_env(data_dir)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "duban_desktop", "transfer", "--db", str(sqlite_db), "--to", url],
                          capture_output=True, text=True, env=env, cwd=run.ROOT, timeout=3600)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"transfer failed ({proc.returncode}): {proc.stderr[-1500:]}")
    counts = {}
    for line in proc.stdout.splitlines():
        if "（" in line and line.rstrip().endswith("行"):
            table = line.split("（", 1)[1].split("）", 1)[0]
            counts[table] = int(line.rsplit("：", 1)[1].split()[0])
    check = subprocess.run([sys.executable, "-m", "duban_desktop", "check", "--db", url],
                           capture_output=True, text=True, env=env, cwd=run.ROOT, timeout=3600)
    return {"seconds": round(seconds, 1), "counts": counts, "rows": sum(counts.values()),
            "check_code": check.returncode, "check": (check.stdout + check.stderr)[-3000:]}


def attempt(results: dict, name: str, work) -> None:
    """``results[name] = work()``; a failure is kept as its message (the other measures
    still run, and the table says which one failed)."""
    run.say(f"  {name}…")
    started = time.perf_counter()
    try:
        results[name] = work()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
        results.setdefault("failed", {})[name] = str(exc)[-1500:]
        run.say(f"  {name} failed: {str(exc)[-600:]}")
    else:
        run.say(f"  {name} done in {time.perf_counter() - started:.0f} s")


def measure(db: Path, folder: Path, data_dir: Path, args) -> dict | None:
    """run.py's ``server`` section: ``db`` is the SQLite sample (measured beside)."""
    bindir = pgserver.bin_dir()
    if bindir is None:
        run.say("  PostgreSQL's initdb was not found: server skipped")
        return None
    repeat = args.repeat
    steps_items = getattr(args, "steps", None) or max(3, repeat)
    cluster = BenchCluster(bindir, args.cache / "pg").start()
    results: dict = {}
    copy = f"run_{os.getpid()}"
    try:
        results["server_version"] = cluster.server_version()
        name, meta = sample_database(cluster, args.cache, args.items, args.cases)
        results["database"] = meta
        run.say(f"  server database: {name} ({meta['size_mb']} MB, made in {meta['seconds']} s"
                f"{', cached' if meta['cached'] else ''})")
        direct = copy_database(cluster, name, copy)
        # the SQLite sample beside it: the steps write, so on a copy
        sqlite_copy = folder / "steps.sqlite"
        shutil.copyfile(db, sqlite_copy)
        with LatencyProxy(cluster.port, DELAY_S) as proxy:
            url = proxied(direct, proxy.port)
            results["link"] = calibrate(proxy, cluster.url(), proxied(cluster.url(), proxy.port))
            run.say(f"  link: {results['link']['added_ms']:.2f} ms a round trip through the proxy")
            attempt(results, "start", lambda: measure_starts(url, db, data_dir, repeat))
            attempt(results, "search", lambda: {"server": run.measure_window(url, data_dir, repeat),
                                                "sqlite": run.measure_window(db, data_dir, repeat)})

            def steps() -> dict:
                before = proxy.connections
                found = {"server": measure_steps(url, data_dir, steps_items)}
                found["server"]["connections"] = proxy.connections - before
                found["direct"] = measure_steps(direct, data_dir, steps_items)
                found["sqlite"] = measure_steps(str(sqlite_copy), data_dir, steps_items)
                return found

            attempt(results, "steps", steps)
            target = f"transfer_{os.getpid()}"
            cluster.admin(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
            cluster.admin(f"CREATE DATABASE {target} TEMPLATE template0")
            try:
                attempt(results, "transfer",
                        lambda: measure_transfer(db, proxied(cluster.url(target), proxy.port), data_dir))
            finally:
                with contextlib.suppress(Exception):
                    cluster.admin(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
        sqlite_copy.unlink(missing_ok=True)
    finally:
        with contextlib.suppress(Exception):
            cluster.admin(f"DROP DATABASE IF EXISTS {copy} WITH (FORCE)")
        cluster.stop()
    results["rows"] = rows(results, args)
    return results


# ------------------------------------------------------------------ the rows


def _ms(values) -> str:
    return f"{run.median(values):.0f} ms"


def rows(r: dict, args) -> list[dict]:
    out: list[dict] = []

    def row(measure, baseline, result, goal, met):
        out.append({"measure": measure, "baseline": baseline, "result": result, "goal": goal, "met": met})

    link = f"{r['link']['added_ms']:.1f} ms a round trip"
    for name, problem in r.get("failed", {}).items():
        row(f"server: {name} failed: {problem.splitlines()[-1] if problem else '?'}", "—", "—", "—", False)
    if "start" in r:
        rows_start(r, args, row, link)
    if "search" in r:
        rows_search(r, row)
    if "steps" in r:
        rows_steps(r, row)
    if "transfer" in r:
        x = r["transfer"]
        row(f"server ({link}): `transfer` of the SQLite sample onto an empty database ({x['rows']:,} rows in "
            f"{len(x['counts'])} tables, every table's count verified by the command), then `check` on it",
            "—", f"{x['seconds']:.1f} s; check {'passed' if x['check_code'] == 0 else 'FAILED'}",
            "copies everything, counts agree", x["check_code"] == 0 and x["rows"] > 0)
    return out


def rows_start(r: dict, args, row, link: str) -> None:
    s = r["start"]
    server, sqlite, bare = (run.median(x["seconds"] for x in s[k]) for k in ("server", "sqlite", "bare"))
    row(f"server ({link}): start to a usable window, register filled ({args.items:,} items)",
        f"SQLite {sqlite:.3f} s; bare window {bare:.3f} s",
        f"{server:.3f} s ({run._spread(s['server'])})", f"under {GOAL_START_S:.1f} s", server < GOAL_START_S)


def rows_search(r: dict, row) -> None:
    for backend in ("server", "sqlite"):
        keys = r["search"][backend]["keystrokes"]
        r["search"][backend]["median_ms"] = run.median(k["ms"] for k in keys)
    keys = r["search"]["server"]["keystrokes"]
    worst = max(keys, key=lambda k: k["ms"])
    every = run.median(k["ms"] for k in keys)
    row(f"server: one keystroke in the register search, every keystroke of {len(keys)} typed "
        f"(median; slowest: {worst['query']} → {worst['found']:,} items, {worst['ms']:.0f} ms)",
        f"SQLite {r['search']['sqlite']['median_ms']:.0f} ms", f"{every:.0f} ms", f"under {GOAL_SEARCH_MS} ms",
        every < GOAL_SEARCH_MS)
    for label, pick in (("1 character", lambda k: k["chars"] == 1), ("2 characters", lambda k: k["chars"] == 2),
                        ("3 or more characters", lambda k: k["chars"] >= 3)):
        mine = [k["ms"] for k in keys if pick(k)]
        theirs = [k["ms"] for k in r["search"]["sqlite"]["keystrokes"] if pick(k)]
        if mine:
            row(f"  … a word of {label} (median)", f"SQLite {_ms(theirs)}", _ms(mine), f"under {GOAL_SEARCH_MS} ms",
                run.median(mine) < GOAL_SEARCH_MS)


def rows_steps(r: dict, row) -> None:
    steps = r["steps"]
    for step, label in STEP_LABELS.items():
        mine = [x for x in steps["server"]["steps"] if x["step"] == step]
        sqlite_steps = [x for x in steps["sqlite"]["steps"] if x["step"] == step]
        direct = [x for x in steps["direct"]["steps"] if x["step"] == step]
        ms = run.median(x["ms"] for x in mine)
        parts = "; ".join(f"{part} {run.median(x[part + '_ms'] for x in mine):.0f} ms / "
                          f"{run.median(x[part + '_statements'] for x in mine):.0f}"
                          for part in ("dialog", "domain", "refresh"))
        row(f"server: one step {label} ({step}) from its button to the window refreshed "
            f"(median of {len(mine)}; dialog, domain step, refresh: {parts} statements)",
            f"SQLite {_ms(x['ms'] for x in sqlite_steps)}; server without the proxy {_ms(x['ms'] for x in direct)}",
            f"{ms:.0f} ms", f"under {GOAL_STEP_MS} ms", ms < GOAL_STEP_MS)
        n = run.median(x["statements"] for x in mine)
        row(f"  … statements of {label} (peewee's, button to refreshed; "
            f"{run.median(x['after_statements'] for x in mine):.0f} more in the 0.3 s after)",
            f"SQLite {run.median(x['statements'] for x in sqlite_steps):.0f}", f"{n:.0f}",
            f"at most {GOAL_STATEMENTS}", n <= GOAL_STATEMENTS)


def table(rows_: list[dict]) -> str:
    lines = ["| measure | beside it (same run) | result (median) | goal | met? |", "|---|---|---|---|---|"]
    lines += [f"| {r['measure']} | {r['baseline']} | {r['result']} | {r['goal']} | {run._ok(r['met'])} |"
              for r in rows_]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_server",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--steps", type=int, default=0, help="items taken through the three steps (default: --repeat)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "duban-benchmarks")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    info = run.machine()
    run.say("machine: " + run.describe_machine(info))
    db, meta = run.demo_db(args.cache, args.items, args.cases)
    from duban_desktop.db import backup as backups

    backups.daily_backup(db)
    work = Path(tempfile.mkdtemp(prefix="server-", dir=args.cache))
    try:
        results = measure(db, work, args.cache / "data", args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if results is None:
        return 1
    text = (f"Machine: {run.describe_machine(info)}; PostgreSQL {results['server_version']}\n\n"
            f"Databases: SQLite {meta['size_mb']} MB (made in {meta['seconds']} s); server "
            f"{results['database']['size_mb']} MB (made by demo --db URL in {results['database']['seconds']} s)\n\n"
            + table(results["rows"]) + "\n")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.cache / f"server-{stamp}.md").write_text(text, encoding="utf-8")
    (args.cache / f"server-{stamp}.json").write_text(json.dumps({"machine": info, **results}, indent=1,
                                                                ensure_ascii=False, default=str), encoding="utf-8")
    print(text)
    run.say(f"written: {args.cache / f'server-{stamp}.md'} and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
