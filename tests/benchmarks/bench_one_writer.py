"""Benchmark: the writers that share the steps' record functions (issue 16, point 2).

    .venv/bin/python -m tests.benchmarks.bench_one_writer [--rows 10000] [--items 20000] [--runs 3]

Times, each in a new database: the dry run (plan) and the import of an office ledger of
``--rows`` rows (``bench_ledger.office_ledger``; the workbook is read once, outside the
timing), and ``demo.generate`` of ``--items`` items. Not part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from duban_desktop.db import close_database, open_database
from duban_desktop.domain import demo
from duban_desktop.io.ledger_import import import_ledger, plan_import, read_ledger

from .bench_ledger import office_ledger


def _timed(folder: Path, work) -> float:
    open_database(folder / f"db-{time.perf_counter_ns()}.sqlite")
    try:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start
    finally:
        close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-one-writer-"))
    ledger_file = folder / "office.xlsx"
    office_ledger(ledger_file, args.rows)
    ledger = read_ledger(ledger_file)
    dry = [_timed(folder, lambda: plan_import(ledger)) for _ in range(args.runs)]
    wet = [_timed(folder, lambda: import_ledger(ledger, skip_errors=True)) for _ in range(args.runs)]
    made = [_timed(folder, lambda: demo.generate(items=args.items, cases=max(40, args.items // 100)))
            for _ in range(args.runs)]
    print(f"dry run of {args.rows} rows: median {statistics.median(dry):.2f} s ({', '.join(f'{s:.2f}' for s in dry)})")
    print(f"import of {args.rows} rows: median {statistics.median(wet):.2f} s ({', '.join(f'{s:.2f}' for s in wet)})")
    print(f"demo of {args.items} items: median {statistics.median(made):.2f} s ({', '.join(f'{s:.2f}' for s in made)})")


if __name__ == "__main__":
    main()
