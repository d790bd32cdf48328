"""Benchmark: peak memory and time of the exports (issue 15, section 5), each in a process of its own.

    .venv/bin/python -m tests.benchmarks.bench_exports [--items 100000] [--cases 10000] [--repeat 1]

Each export is the command an office runs, ``duban-desktop export ...``, started as a
child process of a small launcher (peak_child.py: spawned from this process, a child's
``ru_maxrss`` would include this process's own memory); its peak memory is the child's
``ru_maxrss`` (``os.wait4``) and its time the wall time from spawn to exit (the
interpreter's start included). Goal for every export: under 500 MB.

Two databases: the demo database of ``--items`` items (``duban-desktop demo``, the one
the other benchmarks use), and the same with every item in progress, awaiting review or
passed put back in progress (``UPDATE`` on a copy), so that nearly every item is
overdue: the case of an office with 50,000 overdue items that issue 15 reports
(``export notices --overdue`` took 149 s and 6.1 GB there, ``export bulletin`` 2.8 GB).
On it ``export notices --overdue`` writes one notice per overdue item (95,325 at 100,000
items, about 3 minutes). Not part of the test run (bench_*.py).

The whole set of benchmarks (``python -m tests.benchmarks --only exports``) runs this
through ``measure``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .run import HERE, ROOT, child_env, demo_db

GOAL_MB = 500


def all_overdue_db(db: Path) -> Path:
    """A copy of ``db`` where every registered item not voided is in progress (and so
    overdue when its deadline has passed); kept next to it (made again with it)."""
    path = db.with_name(db.stem + "-all-overdue.sqlite")
    if path.exists():
        return path
    part = path.with_name(path.name + ".part")
    shutil.copyfile(db, part)
    conn = sqlite3.connect(part)
    try:
        with conn:
            conn.execute("UPDATE supervision_item SET state = 'in_progress' "
                         "WHERE state IN ('closed', 'awaiting_review', 'passed')")
    finally:
        conn.close()
    part.rename(path)
    return path


def peak_of(cmd: list[str], env: dict) -> dict:
    """Run ``cmd`` through peak_child.py (see there why): its exit code, seconds, peak MB
    and what it printed."""
    with tempfile.TemporaryFile("w+") as output:
        subprocess.run([sys.executable, str(HERE / "peak_child.py"), *cmd], cwd=ROOT, env=env, stdout=output,
                       stderr=subprocess.STDOUT, text=True, check=True)
        output.seek(0)
        lines = output.read().splitlines()
    found = [json.loads(line[len("PEAK "):]) for line in lines if line.startswith("PEAK ")]
    return {**found[-1], "said": "\n".join(line for line in lines if not line.startswith("PEAK ")).strip()}


def run_export(args: list[str], db: Path, out: Path, data_dir: Path) -> dict:
    """``duban-desktop export ARGS -o OUT --db DB`` in a child: seconds, peak MB, its line."""
    cmd = [sys.executable, "-m", "duban_desktop", "export", *args, "-o", str(out), "--db", str(db)]
    result = peak_of(cmd, child_env(data_dir))
    if result["code"] != 0:
        raise RuntimeError(f"{cmd} failed (exit {result['code']}): {result['said'][-2000:]}")
    return {**result, "size_mb": out.stat().st_size / 2 ** 20}


EXPORTS = [  # (key, what the row says, command-line arguments, file)
    ("notices", "export notices --overdue", ["notices", "--overdue"], "notices.docx"),
    ("bulletin", "export bulletin", ["bulletin"], "bulletin.docx"),
    ("ledger", "export ledger", ["ledger"], "ledger.xlsx"),
]


def _count(said: str) -> str:
    """The count the command reports: “已导出催办通知 1224 份” -> 1,224 notices."""
    if "催办通知 " in said:
        return f"{int(said.split('催办通知 ')[1].split(' 份')[0]):,} notices"
    return ""


def measure(db: Path, folder: Path, data_dir: Path, args) -> dict:
    """Every export on the demo database (``args.repeat`` times, at most 3) and once on
    its all-overdue copy. Returns the runs and the table rows (see run.py: ROW_MODULES)."""
    runs, items = max(1, min(args.repeat, 3)), args.items
    overdue = all_overdue_db(db)
    found: dict = {}
    for label, path, repeat in (("demo", db, runs), ("all_overdue", overdue, 1)):
        for key, _what, args, name in EXPORTS:
            times = 1 if (label, key) == ("all_overdue", "notices") else repeat
            found[f"{label}/{key}"] = [run_export(args, path, folder / name, data_dir) for _ in range(times)]
    return {"runs": found, "rows": rows(found, items)}


def rows(found: dict, items: int | None) -> list[dict]:
    at = f"{items:,} items" if items else "the demo database"
    out = []
    for label, where in (("demo", f"demo data, {at}"), ("all_overdue", f"{at}, nearly all overdue")):
        for key, what, _args, _name in EXPORTS:
            runs = found.get(f"{label}/{key}")
            if not runs:
                continue
            peak = max(r["peak_mb"] for r in runs)
            seconds = statistics.median(r["seconds"] for r in runs)
            count = _count(runs[0]["said"])
            out.append({"measure": f"peak memory of `{what}` ({where}{'; ' + count if count else ''})",
                        "baseline": "—", "result": f"{peak:.0f} MB in {seconds:.1f} s",
                        "goal": f"under {GOAL_MB} MB", "met": peak < GOAL_MB})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each export on the demo database (at most 3)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "duban-benchmarks")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    db, _meta = demo_db(args.cache, args.items, args.cases)
    folder = Path(tempfile.mkdtemp(prefix="bench-exports-", dir=args.cache))
    try:
        result = measure(db, folder, args.cache / "data", args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for row in result["rows"]:
        print(f"{row['measure']}: {row['result']} (goal {row['goal']}: {'met' if row['met'] else 'NOT met'})")


if __name__ == "__main__":
    main()
