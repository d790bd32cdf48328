"""督办 Desktop benchmarks: every figure of issue 7 with its baseline, in one run.

    .venv/bin/python -m tests.benchmarks [--items 100000] [--cases 10000] [--big 1000000]
                                         [--repeat 5] [--quick] [--only start,search,...]

Makes (once, then cached by its parameters and by the code that makes it) a sample
database of ``--items`` supervision items (urges, reviews, feedback...) and ``--cases``
coordination cases, and one of ``--big`` items, then measures each figure ``--repeat``
times and reports the median, next to its baseline measured in the same run (taken in
turns with it, so both see the same machine; a ratio is the median of the ratios of
the runs made side by side):

  start     a fresh process (``python -m duban_desktop --db ...``, offscreen) until its
            window has been painted with the register filled (the line the program prints
            after its first paint), against a bare PySide6 process that shows one QLabel
            and says so after its first paint (bare_window.py)
  search    one keystroke in the register's search box of the real window, until the
            model holds the new ids (gui_child.py); the 250 ms typing pause is not work
            and is set to 0; words typed one character at a time, so one- and
            two-character words are measured as well
  sort      the register sorted by 完成时限 (QTableView.sortByColumn), until the model reset
  alerts    domain.alerts.compute_alerts(): cold (the first call in a fresh process) and
            warm (the calls after it, once the process has frozen what it loaded for the
            cycle collector, as the program does when its window is shown)
  export    the Excel ledger against bare openpyxl write_only writing the same cells
            (bench_ledger.py)
  notices   200 催办通知 in one Word document (io.forms.export_notices)
  memory    peak RSS of the real window with the register open and scrolled through
  import    an office's 10,000-row Excel ledger read and imported (bench_ledger.py)
  exports   peak memory and time of `export notices --overdue`, `export bulletin` and
            `export ledger`, each a child process, on the database and on a copy with
            nearly every item overdue (bench_exports.py); goal: under 500 MB each
  import_memory  peak memory of importing (bench_import_memory.py, when present)
  backup    the daily backup of the big database, and a first start of the day
  big       the start (as above) on the --big database; goal: under 5 s
  server    the start, the search and the steps on a PostgreSQL server of its own through
            a 2 ms link, beside SQLite (bench_server.py; skipped without PostgreSQL)

Not part of the test run (pytest collects test_*.py only). Needs Linux or macOS (peak
memory from /proc or getrusage). Results are printed and written (Markdown and JSON) to
the cache folder; tests/benchmarks/README.md keeps the reference run.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGE = ROOT / "duban_desktop"
SECTIONS = ["start", "search", "sort", "alerts", "export", "notices", "memory", "import", "exports",
            "import_memory", "backup", "big", "server"]
# sections measured by a module of their own that returns its table rows ("rows": each a
# dict of measure, baseline, result, goal, met), from ``measure(db, folder, data_dir, args)``
ROW_MODULES = {"exports": "bench_exports", "import_memory": "bench_import_memory", "server": "bench_server"}
# what the sample database is made by: a change here makes a new one
GENERATOR = ["domain/demo.py", "db/bulk.py", "db/search.py", "db/models.py", "db/migrations.py"]


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def median(values) -> float:
    return statistics.median(values)


# ------------------------------------------------------------------ the machine


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    if sys.platform == "darwin":
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            return subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True,
                                  text=True).stdout.strip()
    return platform.processor() or platform.machine()


def _ram_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    except (ValueError, OSError, AttributeError):
        return 0.0


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def machine() -> dict:
    import PySide6

    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return {
        "cpu": _cpu_model(), "cpus": os.cpu_count(), "ram_gb": round(_ram_gb(), 1),
        "os": platform.platform(), "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "pyside6": PySide6.__version__, "qt": _qt_version(),
        "peewee": _version("peewee"), "openpyxl": _version("openpyxl"), "python-docx": _version("python-docx"),
        "commit": commit or "?", "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def _qt_version() -> str:
    from PySide6 import QtCore

    return QtCore.qVersion()


# ------------------------------------------------------------------ child processes


def child_env(data_dir: Path, **extra) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DUBAN_DATA_DIR=str(data_dir))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _wait(proc: subprocess.Popen) -> tuple[int, float]:
    """Reap the child: (exit code, its peak RSS in MB)."""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return proc.returncode, rss


def timed_start(cmd: list[str], env: dict, marker: str, timeout: float = 120) -> dict:
    """Start ``cmd``; seconds until it prints ``marker`` (after its first paint), its
    peak RSS, its exit code."""
    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True, env=env, cwd=ROOT)
        line, seen = "", None
        deadline = start + timeout
        for line in proc.stdout:
            if marker in line:
                seen = time.perf_counter() - start
                break
            if time.perf_counter() > deadline:
                break
        if seen is None:
            proc.kill()
        proc.stdout.read()
        code, rss = _wait(proc)
        errors.seek(0)
        if seen is None or code != 0:
            raise RuntimeError(f"{cmd} failed (exit {code}): {errors.read()[-2000:]}")
    return {"seconds": seen, "rss_mb": rss, "line": line.strip()}


def run_child(args: list[str], env: dict, timeout: float = 1800) -> dict:
    """``python -m tests.benchmarks.gui_child ...``: its RESULT line."""
    proc = subprocess.run([sys.executable, "-m", "tests.benchmarks.gui_child", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=timeout)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"gui_child {args} failed ({proc.returncode}): {proc.stderr[-3000:]}")


# ------------------------------------------------------------------ sample databases


def generator_key() -> str:
    from duban_desktop.db import SCHEMA_VERSION

    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
    for name in GENERATOR:
        digest.update((PACKAGE / name).read_bytes())
    return digest.hexdigest()[:12]


UNITS: int | None = None  # ``--units``: handling units an item has on average (none: the demo's mix)


def demo_db(cache: Path, items: int, cases: int, seed: int = 2026) -> tuple[Path, dict]:
    """The sample database for these parameters: made by ``duban-desktop demo`` in its own
    process (timed, peak memory) unless the cache has it."""
    key = generator_key()
    stem = f"demo-{items}-{cases}-s{seed}" + (f"-u{UNITS}" if UNITS else "")
    path, meta_path = cache / f"{stem}-{key}.sqlite", cache / f"{stem}-{key}.json"
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        meta["cached"] = True
        return path, meta
    for old in cache.glob(f"{stem}-*"):  # made by older code
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink()
    say(f"making the sample database: {items} items, {cases} cases (once; cached in {cache})")
    tmp = cache / f"{stem}-{key}.part.sqlite"
    for leftover in cache.glob(tmp.name + "*"):
        leftover.unlink()
    with tempfile.TemporaryFile("w+") as output:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "duban_desktop", "demo", "--db", str(tmp), "--items",
                                 str(items), "--cases", str(cases), "--seed", str(seed),
                                 *(["--units", str(UNITS)] if UNITS else [])], cwd=ROOT,
                                env=child_env(cache / "data"), stdout=output, stderr=subprocess.STDOUT)
        code, rss = _wait(proc)
        seconds = time.perf_counter() - start
        output.seek(0)
        if code != 0:
            raise RuntimeError(f"demo failed: {output.read()[-3000:]}")
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.rename(path)
    meta = {"items": items, "cases": cases, "seed": seed, "seconds": round(seconds, 1),
            "peak_rss_mb": round(rss), "size_mb": round(path.stat().st_size / 2 ** 20),
            "made_on": dt.date.today().isoformat(), "key": key, "cached": False}
    meta_path.write_text(json.dumps(meta, indent=1))
    return path, meta


def counts(path: Path) -> dict:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("supervision_item", "urge", "review", "feedback", "result_report",
                              "coordination_case", "unit_task")}
    finally:
        conn.close()


# ------------------------------------------------------------------ the measures


def empty_db(folder: Path) -> Path:
    """A database with no items (the office's name set, so no first-start welcome)."""
    from duban_desktop.db import close_database, open_database
    from duban_desktop.domain import settings

    path = folder / "empty.sqlite"
    if not path.exists():
        open_database(path)
        settings.update({"office_name": "青山县人民政府办公室"})
        close_database()
    return path


def measure_start(db: Path, data_dir: Path, repeat: int, exit_ms: int = 1500, *, context: Path | None = None) -> dict:
    """Ours and the bare window in turns, after one unmeasured start of each (the disk
    cache warm, as at a user's second start). With ``context`` (a folder), also, for
    reading the figure: the floor (floor_window.py on the same database) and ours on an
    empty database."""
    env = child_env(data_dir, DUBAN_SMOKE_EXIT_MS=exit_ms)
    runs = {"bare": ([sys.executable, str(HERE / "bare_window.py")], "bare window shown"),
            "ours": ([sys.executable, "-m", "duban_desktop", "--db", str(db)], "main window shown")}
    if context is not None:
        runs["floor"] = ([sys.executable, str(HERE / "floor_window.py"), str(db)], "floor window shown")
        runs["ours_empty"] = ([sys.executable, "-m", "duban_desktop", "--db", str(empty_db(context))],
                              "main window shown")
    for cmd, marker in runs.values():
        timed_start(cmd, env, marker)
    found: dict[str, list] = {name: [] for name in runs}
    for n in range(repeat):
        order = list(runs) if n % 2 == 0 else list(reversed(runs))
        for name in order:
            cmd, marker = runs[name]
            found[name].append(timed_start(cmd, env, marker))
    return found


def measure_backup(db: Path, data_dir: Path) -> dict:
    """What the daily backup costs (the same copy, timed), and a first start of the day:
    today's backup removed, the program started, the moment its window is painted, then
    how long after that the backup (started after the first paint) is finished."""
    from duban_desktop.db import backup as backups

    scratch = db.with_name(db.stem + "-copy.sqlite")
    start = time.perf_counter()
    backups.copy_database(db, scratch)
    copy_seconds = time.perf_counter() - start
    scratch.unlink()
    for info in backups.list_backups(db):
        if info.kind == "daily" and info.taken_at.date() == dt.date.today():
            info.path.unlink()
    env = child_env(data_dir, DUBAN_SMOKE_EXIT_MS=600_000)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "duban_desktop", "--db", str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    shown = None
    for line in proc.stdout:
        if "main window shown" in line:
            shown = time.perf_counter() - start
            break
    done = None
    while time.perf_counter() - start < 600:
        if any(b.kind == "daily" and b.taken_at.date() == dt.date.today() for b in backups.list_backups(db)):
            done = time.perf_counter() - start
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=30)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    return {"copy_seconds": copy_seconds, "size_mb": db.stat().st_size / 2 ** 20, "first_start_seconds": shown,
            "backup_done_after_start": done}


def measure_window(db: Path, data_dir: Path, repeat: int) -> dict:
    return run_child(["window", "--db", str(db), "--repeat", str(repeat)], child_env(data_dir))


def measure_memory(db: Path, data_dir: Path) -> dict:
    return run_child(["memory", "--db", str(db)], child_env(data_dir))


def measure_alerts(db: Path, data_dir: Path, repeat: int) -> dict:
    from duban_desktop.db import close_database, open_database
    from duban_desktop.domain.alerts import compute_alerts

    runs = [run_child(["alerts", "--db", str(db), "--repeat", "1"], child_env(data_dir)) for _ in range(repeat)]
    open_database(db)
    try:
        found = compute_alerts()
    finally:
        close_database()
    levels: dict[str, int] = {}
    for alert in found:
        levels[alert.level] = levels.get(alert.level, 0) + 1
    return {"warm_ms": [ms for r in runs for ms in r["warm_ms"]], "cold_ms": [r["ms"] for r in runs],
            "alerts": len(found), "levels": levels}


def measure_export(db: Path, folder: Path, runs: int) -> dict:
    from duban_desktop.db import close_database, open_database

    from .bench_ledger import measure_export as export_vs_bare

    open_database(db)
    try:
        return export_vs_bare(folder, runs)
    finally:
        close_database()


def measure_notices(db: Path, folder: Path, runs: int, count: int = 200) -> dict:
    from duban_desktop.db import close_database, open_database
    from duban_desktop.domain import ledger
    from duban_desktop.io.forms import export_notices

    open_database(db)
    try:
        ids = ledger.item_ids(ledger.ItemFilter(state="in_progress"), sort="deadline")[:count]
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            made = export_notices(ids, folder / "notices.docx")
            seconds.append(time.perf_counter() - start)
        return {"seconds": seconds, "notices": len(ids), "size_kb": made.stat().st_size / 1024}
    finally:
        close_database()


def measure_rows(name: str, db: Path, folder: Path, data_dir: Path, args) -> dict | None:
    """The section ``name`` measured by its module (ROW_MODULES): ``measure(db, folder,
    data_dir, args)``, which returns its table rows. For bench_import_memory, which has
    ``measure_import_memory(folder, items=...)`` (case -> seconds, peak_mb, ...), the rows
    are made here. None when the module is not there (yet)."""
    import importlib

    module_name = f"{__package__}.{ROW_MODULES[name]}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        say(f"  {ROW_MODULES[name]}.py is not there: {name} skipped")
        return None
    if hasattr(module, "measure"):
        return module.measure(db, folder, data_dir, args)
    cases = module.measure_import_memory(folder, items=args.items)
    goal_mb, goal_s = getattr(module, "GOAL_MB", 500), getattr(module, "GOAL_S", 30)
    return {"cases": cases, "rows": [
        {"measure": f"peak memory of `import ledger --dry-run`: {case} ({r['size_kb']:,.0f} KB)", "baseline": "—",
         "result": f"{r['peak_mb']:.0f} MB in {r['seconds']:.1f} s", "goal": f"under {goal_mb} MB and {goal_s} s",
         "met": r["peak_mb"] < goal_mb and r["seconds"] < goal_s} for case, r in cases.items()]}


def measure_import(folder: Path, rows: int, runs: int) -> dict:
    from .bench_ledger import measure_import as import_rows

    return import_rows(folder, rows, runs)


# ------------------------------------------------------------------ the report


def paired(ours: list[dict], bare: list[dict]) -> float:
    """The median of the ratios of runs made in the same round (one after the other):
    this machine's speed drifts between rounds more than within one."""
    return median(o["seconds"] / b["seconds"] for o, b in zip(ours, bare, strict=True))


def _spread(runs: list[dict]) -> str:
    seconds = [r["seconds"] for r in runs]
    return f"{min(seconds):.3f}–{max(seconds):.3f}"


def _ok(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "**no**")


def report(results: dict, args) -> tuple[str, list[dict]]:
    rows: list[dict] = []

    def row(measure, baseline, result, goal, met):
        rows.append({"measure": measure, "baseline": baseline, "result": result, "goal": goal, "met": met})

    items = f"{args.items:,}"
    if "start" in results:
        s = results["start"]
        ours, bare = median(r["seconds"] for r in s["ours"]), median(r["seconds"] for r in s["bare"])
        ratio = paired(s["ours"], s["bare"])
        row(f"start to a usable window, register filled ({items} items)",
            f"bare PySide6 window {bare:.3f} s ({_spread(s['bare'])})",
            f"{ours:.3f} s ({_spread(s['ours'])}) = {ratio:.2f}x", "at most 2x", ratio <= 2)
        for key, label in (("floor", "  … for reading it: the floor (PySide6, peewee, the same ids in one table; "
                                     "floor_window.py)"),
                           ("ours_empty", "  … for reading it: the program on an empty database")):
            if s.get(key):
                value = median(r["seconds"] for r in s[key])
                row(label, "—", f"{value:.3f} s = {paired(s[key], s['bare']):.2f}x", "—", None)
    if "window" in results:
        keys = results["window"]["keystrokes"]
        every = [k["ms"] for k in keys]
        row(f"one keystroke in the register search: every keystroke of {len(keys)} typed "
            f"(median; slowest {max(every):.0f} ms)", "—", f"{median(every):.0f} ms", "under 100 ms",
            median(every) < 100)
        for label, pick in (("1 character", lambda k: k["chars"] == 1), ("2 characters", lambda k: k["chars"] == 2),
                            ("3 or more characters", lambda k: k["chars"] >= 3)):
            chosen = [k for k in keys if pick(k)]
            if chosen:
                worst = max(chosen, key=lambda k: k["ms"])
                row(f"  … a word of {label} (median; slowest: {worst['query']} → {worst['found']:,} items, "
                    f"{worst['ms']:.0f} ms)", "—", f"{median(k['ms'] for k in chosen):.0f} ms", "under 100 ms",
                    median(k["ms"] for k in chosen) < 100)
    if "window" in results and "sort" in args.sections:
        sorts = results["window"]["sort_ms"]
        row("sort the register by deadline (完成时限)", "—", f"{median(sorts):.0f} ms", "under 200 ms",
            median(sorts) < 200)
    if "alerts" in results:
        a = results["alerts"]
        row(f"the alerts computation, warm ({a['alerts']:,} alerts)", "—", f"{median(a['warm_ms']):.1f} ms",
            "under 50 ms", median(a["warm_ms"]) < 50)
        row("the alerts computation, cold (first call in a fresh process)", "—", f"{median(a['cold_ms']):.1f} ms",
            "under 50 ms", median(a["cold_ms"]) < 50)
    if "export" in results:
        e = results["export"]
        ours, bare = median(e["ours"]), median(e["bare"])
        ratio = median(o / b for o, b in zip(e["ours"], e["bare"], strict=True))
        row(f"ledger export ({e['cells']:,} cells)", f"bare openpyxl write_only {bare:.2f} s",
            f"{ours:.2f} s = {ratio:.2f}x", "at most 1.5x", ratio <= 1.5)
    if "notices" in results:
        n = results["notices"]
        row(f"{n['notices']} notices in one document", "—", f"{median(n['seconds']):.2f} s", "under 10 s",
            median(n["seconds"]) < 10)
    if "memory" in results:
        m = results["memory"]
        row(f"peak memory with the register open and scrolled through ({m['rows']:,} rows)", "—",
            f"{m['peak_rss_mb']:.0f} MB", "under 400 MB", m["peak_rss_mb"] < 400)
    if "big" in results:
        b = results["big"]
        big = median(r["seconds"] for r in b["start"])
        row(f"start at {args.big:,} items (register filled)", "—",
            f"{big:.2f} s (peak {median(r['rss_mb'] for r in b['start']):.0f} MB)", "under 5 s", big < 5)
    if "import" in results:
        i = results["import"]
        row(f"import an office's Excel ledger of {args.rows:,} rows", "—", f"{median(i['total']):.2f} s",
            "seconds", None)
    for name in ROW_MODULES:
        if results.get(name):
            rows.extend(results[name]["rows"])
    if "backup" in results:
        b = results["backup"]
        row(f"daily backup of the {b['items']:,}-item database ({b['size_mb']:.0f} MB), in the background "
            "after the first paint", "—", f"{b['copy_seconds']:.1f} s", "does not delay the start", None)
        if b["first_start_seconds"] is not None:
            row("  … first start of the day (backup running after the paint)", "—",
                f"{b['first_start_seconds']:.2f} s, backup done {b['backup_done_after_start'] or float('nan'):.1f} s "
                "after start", "—", None)

    lines = ["| measure | baseline (same run) | result (median) | goal | met? |", "|---|---|---|---|---|"]
    lines += [f"| {r['measure']} | {r['baseline']} | {r['result']} | {r['goal']} | {_ok(r['met'])} |" for r in rows]
    return "\n".join(lines), rows


def describe_machine(m: dict) -> str:
    return (f"{m['cpu']}, {m['cpus']} CPUs, {m['ram_gb']} GB RAM; {m['os']}; Python {m['python']}, "
            f"SQLite {m['sqlite']}, PySide6 {m['pyside6']} (Qt {m['qt']}), peewee {m['peewee']}, "
            f"openpyxl {m['openpyxl']}, python-docx {m['python-docx']}; code {m['commit']}; {m['date']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=1_000_000, help="items of the big database (0: skip)")
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the office ledger imported")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--units", type=int, default=None,
                        help="handling units an item has on average in the sample (default: the demo's mix)")
    parser.add_argument("--quick", action="store_true",
                        help="10,000 items, 1,000 cases, 3 repeats, no big database (a quick check)")
    parser.add_argument("--only", help="comma-separated sections: " + ",".join(SECTIONS))
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "duban-benchmarks",
                        help="where the sample databases and results are kept")
    args = parser.parse_args(argv)
    global UNITS
    UNITS = args.units
    if args.quick:
        args.items, args.cases, args.repeat, args.big, args.rows = 10_000, 1_000, 3, 0, 2_000
    args.sections = args.only.split(",") if args.only else list(SECTIONS)
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}")
    if not args.big:
        args.sections = [s for s in args.sections if s not in ("big", "backup")]
    args.cache.mkdir(parents=True, exist_ok=True)
    data_dir = args.cache / "data"  # the program's data folder (window state, logs)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=args.cache))

    # An installed program has its bytecode compiled (pip, PyInstaller); with
    # PYTHONDONTWRITEBYTECODE set nothing would be, and every start would compile.
    compileall.compile_dir(PACKAGE, quiet=1)
    compileall.compile_dir(HERE, quiet=1)

    info = machine()
    say("machine: " + describe_machine(info))
    results: dict = {"machine": info, "args": {k: v for k, v in vars(args).items() if k != "cache"}}
    db, meta = demo_db(args.cache, args.items, args.cases)
    results["database"] = {**meta, "rows": counts(db), "path": str(db)}
    say(f"database: {db} ({meta['size_mb']} MB, made in {meta['seconds']} s{', cached' if meta['cached'] else ''})")
    from duban_desktop.db import backup as backups

    backups.daily_backup(db)  # today's backup exists: the measured starts are not a day's first

    steps = [
        ("start", lambda: measure_start(db, data_dir, args.repeat, context=work)),
        ("window", lambda: measure_window(db, data_dir, args.repeat)),
        ("alerts", lambda: measure_alerts(db, data_dir, args.repeat)),
        ("memory", lambda: measure_memory(db, data_dir)),
        ("notices", lambda: measure_notices(db, work, args.repeat)),
        ("export", lambda: measure_export(db, work, max(1, min(args.repeat, 3)))),
        ("import", lambda: measure_import(work, args.rows, max(1, min(args.repeat, 3)))),
        ("exports", lambda: measure_rows("exports", db, work, data_dir, args)),
        ("import_memory", lambda: measure_rows("import_memory", db, work, data_dir, args)),
        ("server", lambda: measure_rows("server", db, work, data_dir, args)),
    ]
    for name, step in steps:
        wanted = name in args.sections or (name == "window" and ({"search", "sort"} & set(args.sections)))
        if wanted:
            say(f"measuring {name}…")
            started = time.perf_counter()
            results[name] = step()
            say(f"  done in {time.perf_counter() - started:.0f} s")
    if "big" in args.sections or "backup" in args.sections:
        big, big_meta = demo_db(args.cache, args.big, args.cases)
        results["big_database"] = big_meta
        say(f"big database: {big} ({big_meta['size_mb']} MB, made in {big_meta['seconds']} s"
            f"{', cached' if big_meta['cached'] else ''})")
        backups.daily_backup(big)
        if "big" in args.sections:
            say("measuring the start at the big database…")
            results["big"] = {"start": measure_start(big, data_dir, max(1, min(args.repeat, 3)))["ours"]}
        if "backup" in args.sections:
            say("measuring the daily backup…")
            results["backup"] = {**measure_backup(big, data_dir), "items": args.big}

    table, rows = report(results, args)
    results["table"] = rows
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (f"Machine: {describe_machine(info)}\n\n"
            f"Database: {args.items:,} items, {args.cases:,} cases ({meta['size_mb']} MB; made in "
            f"{meta['seconds']} s); rows: {results['database']['rows']}\n")
    if "big_database" in results:
        bm = results["big_database"]
        text += f"Big database: {args.big:,} items ({bm['size_mb']} MB; made in {bm['seconds']} s)\n"
    text += "\n" + table + "\n"
    (args.cache / f"results-{stamp}.md").write_text(text, encoding="utf-8")
    (args.cache / f"results-{stamp}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False,
                                                                 default=str), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(text)
    say(f"written: {args.cache / f'results-{stamp}.md'} and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
