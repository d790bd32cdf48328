"""Benchmark: time and peak memory of ``import ledger --dry-run`` on workbooks we did not make.

    .venv/bin/python -m tests.benchmarks.bench_import_memory [--items 100000] [--ledger FILE]
                                                            [--only merge,cells,ledger] [--code ROOT]

Each case runs the real command (``python -m duban_desktop import ledger IN --dry-run``) in a
fresh process and reads its peak RSS from ``wait4`` (ru_maxrss) and its wall time:

  merge    a few KB: a small ledger with ``<mergeCell ref="A3:XFD1048576"/>`` (issue 15)
  cells    4,000,000 cells (200,000 rows of 20 columns): refused above the cell limit
  ledger   our own export of a demo database of ``--items`` items (``demo`` then
           ``export ledger``; or ``--ledger FILE`` to reuse one)

Goal (issue 15): every case under 500 MB and under 30 s, and a refusal says which limit.
``--code ROOT`` measures another checkout (e.g. ``git worktree add /tmp/base HEAD``).
Linux/macOS only (wait4). Not part of the test run (bench_*.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..hostile_xlsx import many_cells, merge_bomb

ROOT = Path(__file__).resolve().parents[2]
GOAL_MB, GOAL_S = 500, 30
CASES = ("merge", "cells", "ledger")


def run_measured(args: list, *, code: Path, data: Path, timeout: float = 600) -> dict:
    """Run ``python -m duban_desktop *args`` from ``code``: seconds, peak MB, exit code, output."""
    env = dict(os.environ, PYTHONPATH=str(code), DUBAN_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "duban_desktop", *map(str, args)], cwd=code,
                                env=env, stdout=out, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace") + err.read().decode("utf-8", "replace")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KB on Linux
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss * scale / 2**20, "code": proc.returncode,
            "said": _gist(text)}


def _gist(text: str) -> str:
    for line in text.splitlines():
        if line.startswith(("文件:", "错误", "文件：")) or "Error" in line:
            return line.strip()[:160]
    return (text.strip().splitlines() or [""])[-1][:160]


def make_files(folder: Path, cases, items: int, ledger: Path | None, exist: bool = False) -> dict[str, Path]:
    files = {}
    if "merge" in cases:
        files["merge"] = folder / "merge.xlsx" if exist else merge_bomb(folder / "merge.xlsx")
    if "cells" in cases:
        files["cells"] = folder / "cells.xlsx" if exist else many_cells(folder / "cells.xlsx", 200_000, 20)
    if "ledger" in cases:
        if exist:
            ledger = ledger or folder / "ledger.xlsx"
        elif ledger is None:
            ledger = folder / "ledger.xlsx"
            db = folder / "demo.sqlite"
            for args in (("demo", "--db", db, "--items", items), ("export", "ledger", "-o", ledger, "--db", db)):
                subprocess.run([sys.executable, "-m", "duban_desktop", *map(str, args)], cwd=ROOT,
                               check=True, capture_output=True, env=dict(os.environ, DUBAN_DATA_DIR=str(folder)))
        files["ledger"] = ledger
    return files


def measure_import_memory(folder: Path, *, items: int = 100_000, cases=CASES, ledger: Path | None = None,
                          code: Path = ROOT) -> dict[str, dict]:
    """case -> {seconds, peak_mb, code, said, size_kb}: one dry run of each case."""
    # made in another process: a child's ru_maxrss counts what it shared with this one
    subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_import_memory", "--make-in", folder,
                    "--only", ",".join(cases), "--items", str(items)]
                   + (["--ledger", str(ledger)] if ledger else []), cwd=ROOT, check=True)
    files = make_files(folder, cases, items, ledger, exist=True)
    empty = folder / "empty.sqlite"
    subprocess.run([sys.executable, "-m", "duban_desktop", "demo", "--db", empty, "--items", "0",
                    "--cases", "0"], cwd=ROOT, check=True, capture_output=True,
                   env=dict(os.environ, DUBAN_DATA_DIR=str(folder)))
    results = {}
    for case, path in files.items():
        result = run_measured(["import", "ledger", path, "--db", empty, "--dry-run"], code=code,
                              data=folder / "data")
        result["size_kb"] = path.stat().st_size / 1024
        results[case] = result
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--ledger", type=Path, help="a ledger exported before (skips demo + export)")
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--make-in", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cases = [c for c in args.only.split(",") if c]
    if args.make_in:
        make_files(args.make_in, cases, args.items, args.ledger)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-import-memory-"))
    results = measure_import_memory(folder, items=args.items, cases=cases, ledger=args.ledger,
                                    code=args.code.resolve())
    print(f"import ledger --dry-run ({args.code}); goal: under {GOAL_MB} MB and {GOAL_S} s")
    print(f"{'case':8} {'file':>10} {'seconds':>8} {'peak MB':>8} {'exit':>4}  said")
    for case, r in results.items():
        ok = "" if r["peak_mb"] < GOAL_MB and r["seconds"] < GOAL_S else "  (over the goal)"
        print(f"{case:8} {r['size_kb']:8.1f}KB {r['seconds']:8.2f} {r['peak_mb']:8.1f} {r['code']:>4}  "
              f"{r['said']}{ok}")


if __name__ == "__main__":
    main()
