"""Benchmark: the Excel ledger export against bare openpyxl, and importing 10,000 rows.

    .venv/bin/python -m tests.benchmarks.bench_ledger [--items 100000] [--rows 10000] [--runs 3]

Export: ``export_ledger`` of a demo database with ``--items`` supervision items, against
bare openpyxl ``write_only`` appending the very same cell values (read back from our
file) to the same four sheets, without styles. Goal: at most 1.5x.
Import: an office-style ledger of ``--rows`` rows (title rows, 序号, text dates, several
units in a cell) read and imported into an empty database. Goal: seconds.
Prints the median of ``--runs`` runs of each. Not part of the test run (bench_*.py).

The whole set of benchmarks (``python -m tests.benchmarks``) runs these same
measurements through ``measure_export`` and ``measure_import``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

from duban_desktop.db import close_database, open_database
from duban_desktop.domain import demo
from duban_desktop.io.ledger_export import export_ledger
from duban_desktop.io.ledger_import import import_ledger, read_ledger


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def median_time(work, runs: int) -> float:
    return statistics.median(timed(work) for _ in range(runs))


def read_cells(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def bare_openpyxl(cells: dict[str, list[tuple]], dest: Path) -> None:
    wb = Workbook(write_only=True)
    for name, rows in cells.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(dest)


def measure_export(folder: Path, runs: int) -> dict:
    """Our export of the open database and bare openpyxl writing the same cells, run in
    turns (ours, bare, ours, bare...) so both see the same machine; times in seconds."""
    ours_path, bare_path = folder / "ours.xlsx", folder / "bare.xlsx"
    ours = [timed(lambda: export_ledger(ours_path))]
    cells = read_cells(ours_path)
    bare = [timed(lambda: bare_openpyxl(cells, bare_path))]
    for _ in range(runs - 1):
        ours.append(timed(lambda: export_ledger(ours_path)))
        bare.append(timed(lambda: bare_openpyxl(cells, bare_path)))
    return {"ours": ours, "bare": bare, "cells": sum(len(r) for rows in cells.values() for r in rows),
            "rows": {name: len(rows) for name, rows in cells.items()}}


def office_ledger(path: Path, rows: int) -> None:
    rnd = random.Random(7)
    units = [u for u, _ in demo.UNITS]
    wb = Workbook()
    ws = wb.active
    ws.append(["青山县重点工作督办台账"])
    ws.merge_cells("A1:J1")
    ws.append(["填报单位:县政府办公室"])
    ws.append(["序号", "督办编号", "工作任务", "领导批示", "责任单位", "责任人", "交办时间", "完成时限",
               "进展情况", "备注"])
    for n in range(1, rows + 1):
        start = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(500))
        end = start + dt.timedelta(days=rnd.randrange(10, 120))
        done = rnd.random() < 0.6
        ws.append([n, f"催字〔{start.year}〕{n}号", f"{rnd.choice(demo.TOPICS)}(第 {n} 项)",
                   f"{rnd.choice(demo.LEADERS)}批示:请抓紧研究落实。" if n % 3 == 0 else None,
                   "、".join(rnd.sample(units, rnd.choice((1, 1, 2)))), rnd.choice(demo.SECRETARIES),
                   f"{start.year}年{start.month}月{start.day}日", f"{end.year}.{end.month}.{end.day}",
                   "已完成,已办结。" if done else "正在推进。", None])
    wb.save(path)


def measure_import(folder: Path, rows: int, runs: int) -> dict:
    """Read and import an office ledger of ``rows`` rows into a new database each run
    (the database that was open before is closed)."""
    ledger_file = folder / "office.xlsx"
    office_ledger(ledger_file, rows)
    total, read, write = [], [], []
    close_database()
    for _ in range(runs):
        open_database(folder / f"import-{time.perf_counter_ns()}.sqlite")
        try:
            t0 = time.perf_counter()
            ledger = read_ledger(ledger_file)
            t1 = time.perf_counter()
            _, result = import_ledger(ledger, skip_errors=True)
            t2 = time.perf_counter()
            assert result.created >= rows * 0.9, result
        finally:
            close_database()
        total.append(t2 - t0)
        read.append(t1 - t0)
        write.append(t2 - t1)
    return {"total": total, "read": read, "write": write}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))

    open_database(folder / "demo.sqlite")
    start = time.perf_counter()
    demo.generate(items=args.items, cases=max(40, args.items // 100), seed=2026)
    print(f"demo database: {args.items} items in {time.perf_counter() - start:.1f} s")
    export = measure_export(folder, args.runs)
    ours, bare = statistics.median(export["ours"]), statistics.median(export["bare"])
    print(f"export {args.items} items ({export['cells']} cells): ours {ours:.2f} s, "
          f"bare openpyxl write_only {bare:.2f} s, ratio {ours / bare:.2f} (goal <= 1.5)")
    imported = measure_import(folder, args.rows, args.runs)
    print(f"import {args.rows} rows: {statistics.median(imported['total']):.2f} s "
          f"(reading the file {statistics.median(imported['read']):.2f} s, "
          f"checking and writing {statistics.median(imported['write']):.2f} s)")


if __name__ == "__main__":
    main()
