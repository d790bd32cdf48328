"""Numbers that cannot poison a year's sequence: a range, and jumps that must be confirmed."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from openpyxl import Workbook

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import NumberSequence, SupervisionItem
from duban_desktop.domain import numbering, settings
from duban_desktop.domain.errors import ValidationError
from duban_desktop.domain.importing import (
    CONFIRM,
    ERROR,
    ImportRefused,
    NumberJumpsNotConfirmed,
    SourceRow,
    import_rows,
    number_jumps_confirmed,
    plan_rows,
)

from ..factories import TODAY, item, snapshot
from .test_cli import run

D = dt.date
HUGE = "催字〔2025〕9223372036854775807号"
LABELS = {"number": "督办编号", "title": "工作任务", "lead_unit": "责任单位", "deadline": "完成时限",
          "registered_on": "交办时间"}


def row(number: str, line: int = 5, title: str = "城区背街小巷改造提升") -> SourceRow:
    return SourceRow(line, {"number": number, "title": title, "lead_unit": "县财政局",
                            "deadline": "2025年12月31日", "registered_on": "2025年3月1日"})


def register_2025(**overrides):
    values = dict(registered_on=D(2025, 5, 1), instruction_date=None, deadline=D(2025, 12, 1))
    values.update(overrides)
    return item(**values)


def test_a_number_out_of_range_is_a_row_error_and_the_year_goes_on(db, db_path):
    plan = plan_rows([row(HUGE)], LABELS, today=TODAY)
    problem = next(p for p in plan.problems if p.level == ERROR)
    assert plan.errors == 1 and problem.row == 5 and problem.column == "督办编号"
    assert "“编号”" in problem.message and "1 到 99999" in problem.message
    before = snapshot(db_path)
    with pytest.raises(ImportRefused, match="99999"):
        import_rows([row(HUGE)], LABELS, today=TODAY)
    assert snapshot(db_path) == before
    assert register_2025().number == "催字〔2025〕1号"
    assert NumberSequence.get(series="supervision", year=2025).last == 1


@pytest.mark.parametrize("number, words", [
    ("催字〔2025〕0号", "序号 0 超出范围"),
    ("催字〔2025〕100000号", "序号 100000 超出范围"),
    ("催字〔2025〕" + "9" * 5000 + "号", "超出范围"),  # never made into an int
    ("催字〔0001〕3号", "年份 1 不合理"),
    ("催字[2025]第123456号", "超出范围"),  # the common form too
])
def test_parse_refuses_what_a_number_cannot_be(db, number, words):
    with pytest.raises(numbering.NumberOutOfRange, match=words) as err:
        numbering.parse_number("supervision", number)
    assert err.value.field == "number"
    assert numbering.parse_number("supervision", "催字〔2025〕99999号") == (2025, 99999)


def test_a_number_typed_by_hand_out_of_range_is_refused(db):
    with pytest.raises(ValidationError, match="99999") as err:
        register_2025(number=HUGE)
    assert err.value.field == "number"
    assert not SupervisionItem.select().exists()
    assert register_2025().number == "催字〔2025〕1号"


def test_no_counter_can_pass_the_range(db):
    with pytest.raises(numbering.NumberOutOfRange):
        numbering.claim("supervision", 2025, numbering.MAX_SEQ + 1)
    NumberSequence.create(series="supervision", year=2025, last=numbering.MAX_SEQ)
    with pytest.raises(ValidationError, match="已用到 99999号"):
        register_2025()
    assert NumberSequence.get(series="supervision", year=2025).last == numbering.MAX_SEQ


def test_a_counter_poisoned_by_an_older_version_is_reported_and_recomputed(db, db_path):
    item(registered_on=D(2025, 3, 1), instruction_date=None, deadline=D(2025, 12, 1))  # 2025年1号
    register_2025(number="催字〔2025〕7号")
    # what the old import left: the item with the huge number and the counter at it
    close_database()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE number_sequence SET last = 9223372036854775807 WHERE year = 2025")
    conn.execute("UPDATE supervision_item SET number = ?, seq = 9223372036854775807 WHERE seq = 7", (HUGE,))
    conn.commit()
    conn.close()
    open_database(db_path)
    problems = numbering.counter_problems()
    assert len(problems) == 1 and "9223372036854775807" in problems[0] and "（1号）重新计数" in problems[0]
    assert numbering.preview("supervision", 2025) == "催字〔2025〕2号"
    assert register_2025().number == "催字〔2025〕2号"
    assert NumberSequence.get(series="supervision", year=2025).last == 2
    assert numbering.counter_problems() == []
    assert SupervisionItem.get(SupervisionItem.number == HUGE)  # kept as it was


def test_repair_counters_recomputes_now(db):
    register_2025()
    NumberSequence.update(last=10**12).execute()
    assert numbering.repair_counters() == ["2025年的督办编号计数由 1000000000000 改为 1（按已用的最大序号重新计数）"]
    assert NumberSequence.get(series="supervision", year=2025).last == 1


def _year_at_120():
    register_2025(number="催字〔2025〕120号", accept_number_jump=True)
    assert numbering.preview("supervision", 2025) == "催字〔2025〕121号"


def test_an_import_jump_is_listed_refused_and_accepted_when_confirmed(db, db_path):
    _year_at_120()
    rows = [row("催字〔2025〕121号", 5, "第一件"), row("催字〔2025〕1200号", 6, "第二件"), row("", 7, "第三件")]
    plan = plan_rows(rows, LABELS, today=TODAY)
    assert plan.errors == 0 and plan.to_import == 3
    assert [(j.row, j.number, j.jump.before, j.jump.next_seq) for j in plan.jumps] == [
        (6, "催字〔2025〕1200号", 121, 1201)]
    confirm = [p for p in plan.problems if p.level == CONFIRM]
    assert [(p.row, p.column) for p in confirm] == [(6, "督办编号")]
    assert "121号" in confirm[0].message and "下一个编号将变为 1201号" in confirm[0].message
    before = snapshot(db_path)
    with pytest.raises(NumberJumpsNotConfirmed, match="第 6 行") as err:
        import_rows(rows, LABELS, today=TODAY)
    assert "没有导入任何内容" in str(err.value)
    assert snapshot(db_path) == before
    assert numbering.preview("supervision", 2025) == "催字〔2025〕121号"  # not moved
    _plan, result = import_rows(rows, LABELS, today=TODAY, accept_number_jumps=True)
    assert result.numbers == ["催字〔2025〕121号", "催字〔2025〕1200号", "催字〔2025〕1201号"]


def test_confirming_through_the_context(db):
    _year_at_120()
    with number_jumps_confirmed():
        _plan, result = import_rows([row("催字〔2025〕1200号")], LABELS, today=TODAY)
    assert result.created == 1
    with number_jumps_confirmed(False), pytest.raises(NumberJumpsNotConfirmed):
        import_rows([row("催字〔2025〕5000号")], LABELS, today=TODAY)


def test_a_ledger_numbered_in_order_has_no_jump(db):
    rows = [row(f"催字〔2025〕{n}号", n + 4, f"第 {n} 件") for n in range(1, 301)]
    assert plan_rows(rows, LABELS, today=TODAY).jumps == []
    rows.append(row("催字〔2025〕3000号", 400, "笔误"))
    plan = plan_rows(rows, LABELS, today=TODAY)
    assert [(j.row, j.jump.before) for j in plan.jumps] == [(400, 300)]


def test_a_number_typed_by_hand_that_jumps_needs_confirming(db):
    register_2025()
    with pytest.raises(numbering.NumberJump, match="1号") as err:
        register_2025(number="催字〔2025〕1200号")
    assert err.value.field == "number" and "下一个编号将变为 1201号" in err.value.message
    assert SupervisionItem.select().count() == 1
    assert numbering.preview("supervision", 2025) == "催字〔2025〕2号"
    assert register_2025(number="催字〔2025〕1200号", accept_number_jump=True).seq == 1200
    assert register_2025().number == "催字〔2025〕1201号"


def test_a_pattern_making_numbers_too_long_is_refused(db):
    with pytest.raises(ValidationError, match="太长"):
        settings.update({"number_pattern": "{prefix}〔{year}〕{seq:0>50}号"})


def _ledger(path, numbers):
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "督办事项", "主办单位", "具体负责人", "登记日期", "完成时限"])
    for n, number in enumerate(numbers, 1):
        ws.append([number, f"重点工作第 {n} 项", "县财政局", "张明", "2026年6月1日", "2026年12月31日"])
    wb.save(path)
    return path


def test_import_ledger_command_shows_and_needs_the_confirmation(tmp_path):
    ledger = _ledger(tmp_path / "台账.xlsx", ["催字〔2026〕1号", "催字〔2026〕2号", "催字〔2026〕1200号"])
    db = tmp_path / "office.sqlite"
    run("demo", "--db", db, "--items", 0, "--cases", 0, check=0)
    proc = run("import", "ledger", ledger, "--db", db, "--dry-run", check=0)
    assert "需要确认的编号（1 个" in proc.stdout and "--accept-number-jumps" in proc.stdout
    assert "第 4 行：编号“催字〔2026〕1200号”" in proc.stdout and "1201号" in proc.stdout
    assert "[需确认]" in proc.stdout
    proc = run("import", "ledger", ledger, "--db", db, check=1)
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1 and "第 4 行" in message and "1201号" in message
    assert "--accept-number-jumps" in message and "没有导入任何内容" in message
    proc = run("import", "ledger", ledger, "--db", db, "--accept-number-jumps", check=0)
    assert "已导入 3 件督办事项" in proc.stdout
