"""Benchmark: the Excel ledger export against bare openpyxl, and importing 10,000 rows.

    .venv/bin/python -m tests.benchmarks.bench_ledger [--items 100000] [--rows 10000] [--runs 3]

Export: ``export_ledger`` of a demo database with ``--items`` supervision items, against
bare openpyxl ``write_only`` appending the very same cell values (read back from our
file) to the same four sheets, without styles. Goal: at most 1.5x.
Import: an office-style ledger of ``--rows`` rows (title rows, 序号, text dates, several
units in a cell) read and imported into an empty database. Goal: seconds.
Prints the median of ``--runs`` runs of each. Not part of the test run (bench_*.py).
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


def median_time(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_openpyxl(cells: dict[str, list[tuple]], dest: Path) -> None:
    wb = Workbook(write_only=True)
    for name, rows in cells.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(dest)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))

    db = folder / "demo.sqlite"
    open_database(db)
    start = time.perf_counter()
    demo.generate(items=args.items, cases=max(40, args.items // 100), seed=2026)
    print(f"demo database: {args.items} items in {time.perf_counter() - start:.1f} s")
    ours = folder / "ours.xlsx"
    export = median_time(lambda: export_ledger(ours), args.runs)
    close_database()
    book = load_workbook(ours, read_only=True)
    cells = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    book.close()
    count = sum(len(r) for rows in cells.values() for r in rows)
    bare = median_time(lambda: bare_openpyxl(cells, folder / "bare.xlsx"), args.runs)
    print(f"export {args.items} items ({count} cells): ours {export:.2f} s, "
          f"bare openpyxl write_only {bare:.2f} s, ratio {export / bare:.2f} (goal <= 1.5)")

    ledger_file = folder / "office.xlsx"
    office_ledger(ledger_file, args.rows)

    def one_import():
        target = folder / f"import-{time.perf_counter_ns()}.sqlite"
        open_database(target)
        try:
            t0 = time.perf_counter()
            ledger = read_ledger(ledger_file)
            t1 = time.perf_counter()
            _, result = import_ledger(ledger, skip_errors=True)
            t2 = time.perf_counter()
            assert result.created >= args.rows * 0.9, result
            one_import.parts.append((t1 - t0, t2 - t1))
        finally:
            close_database()

    one_import.parts = []
    total = median_time(one_import, args.runs)
    read = statistics.median(p[0] for p in one_import.parts)
    write = statistics.median(p[1] for p in one_import.parts)
    print(f"import {args.rows} rows: {total:.2f} s (reading the file {read:.2f} s, "
          f"checking and writing {write:.2f} s)")


if __name__ == "__main__":
    main()
