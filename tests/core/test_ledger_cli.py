"""``export ledger`` and ``import ledger`` as a user runs them: real processes, real files."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from .test_cli import run
from .test_ledger_import import office_ledger


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger-cli") / "sample.sqlite"
    run("demo", "--db", path, "--items", 60, "--cases", 6, "--seed", 3, check=0)
    return path


def test_export_with_filters(sample, tmp_path):
    out = tmp_path / "台账.xlsx"
    proc = run("export", "ledger", "-o", out, "--db", sample, "--state", "已办结", check=0)
    assert "已导出督办台账" in proc.stdout and out.exists()
    states = {r[15] for r in load_workbook(out)["督办台账"].iter_rows(min_row=4, values_only=True)}
    assert states == {"已办结"}
    run("export", "ledger", "-o", tmp_path / "b.xlsx", "--db", sample, "--state", "closed",
        "--overdue", "--year", 2026, check=0)


@pytest.mark.parametrize(("args", "words"), [
    (("--state", "没有的状态"), "没有“没有的状态”这种状态"),
    (("--unit", "不存在的局"), "没有名为“不存在的局”的单位"),
    (("--year", "1800"), "年份 1800 不合理"),
])
def test_export_refusals_are_one_line(sample, tmp_path, args, words):
    proc = run("export", "ledger", "-o", tmp_path / "x.xlsx", "--db", sample, *args, check=1)
    assert words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.xlsx").exists()


def test_export_to_a_missing_folder(sample, tmp_path):
    proc = run("export", "ledger", "-o", tmp_path / "无" / "x.xlsx", "--db", sample, check=1)
    assert "不存在" in proc.stderr


def test_import_dry_run_refusal_and_skip(tmp_path):
    ledger = office_ledger(tmp_path / "原台账.xlsx")
    db = tmp_path / "new.sqlite"
    run("demo", "--db", db, "--items", 0, "--cases", 0, check=0)
    proc = run("import", "ledger", ledger, "--db", db, "--dry-run", check=0)
    assert "C 工作任务 → 督办事项" in proc.stdout and "A 序号 → 序号" in proc.stdout
    assert "数据:4 行" in proc.stdout and "第 8 行“完成时限”" in proc.stdout
    assert "试运行:没有写入任何内容。" in proc.stdout
    proc = run("import", "ledger", ledger, "--db", db, check=1)
    assert proc.stderr.strip().startswith("错误：导入被拒绝：有 1 行有问题")
    assert len(proc.stderr.strip().splitlines()) == 1
    proc = run("import", "ledger", ledger, "--db", db, "--skip-bad-rows",
               "--map", "备注=不导入", check=0)
    assert "已导入 3 件督办事项" in proc.stdout and "跳过有问题的 1 行" in proc.stdout
    proc = run("import", "ledger", ledger, "--db", db, "--skip-bad-rows", check=1)
    assert "没有可以导入的新事项" in proc.stderr


def test_export_then_import_into_an_empty_database(sample, tmp_path):
    out = tmp_path / "台账.xlsx"
    run("export", "ledger", "-o", out, "--db", sample, check=0)
    proc = run("import", "ledger", out, "--db", tmp_path / "empty.sqlite", check=1)
    assert "不存在，程序没有新建它" in proc.stderr and not (tmp_path / "empty.sqlite").exists()
    run("demo", "--db", tmp_path / "empty.sqlite", "--items", "0", "--cases", "0", check=0)
    proc = run("import", "ledger", out, "--db", tmp_path / "empty.sqlite", check=0)
    assert "已导入 60 件督办事项" in proc.stdout
    proc = run("check", "--db", tmp_path / "empty.sqlite", check=0)
    assert "规则检查：通过" in proc.stdout
