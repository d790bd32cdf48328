"""``duban-desktop export form|bulletin|notices`` as a user runs it: real processes, real files."""

from __future__ import annotations

import sqlite3

import pytest
from docx import Document

from ..factories import file_digest
from .forms_helpers import all_text
from .test_cli import run


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("forms-cli") / "sample.sqlite"
    run("demo", "--db", path, "--items", 80, "--cases", 6, "--seed", 3, check=0)
    return path


def _first(db, sql: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["register", "notice", "instruction-report"])
def test_export_form_of_an_item(sample, tmp_path, kind):
    number = _first(sample, "SELECT number FROM supervision_item WHERE number IS NOT NULL ORDER BY id")
    out = tmp_path / f"{kind}.docx"
    proc = run("export", "form", kind, number, "-o", out, "--db", sample, check=0)
    assert str(out) in proc.stdout
    assert number in all_text(out)


def test_export_resolution_record_of_a_case(sample, tmp_path):
    number = _first(sample, "SELECT number FROM coordination_case WHERE state = 'closed' ORDER BY id")
    out = tmp_path / "c.docx"
    run("export", "form", "resolution-record", number, "-o", out, "--db", sample, check=0)
    text = all_text(out)
    assert number in text and "各方签署" in text


def test_export_bulletin(sample, tmp_path):
    out = tmp_path / "b.docx"
    run("export", "bulletin", "-o", out, "--db", sample, check=0)
    text = all_text(out)
    assert "督查通报" in text and "办结率" in text and "{{" not in text


def test_export_overdue_notices(sample, tmp_path):
    out = tmp_path / "n.docx"
    proc = run("export", "notices", "--overdue", "-o", out, "--db", sample, check=0)
    count = int(proc.stdout.split("催办通知 ")[1].split(" 份")[0])
    assert count >= 1
    assert len(Document(str(out)).sections) == count


def test_export_notices_by_number(sample, tmp_path):
    numbers = [r[0] for r in sqlite3.connect(sample).execute(
        "SELECT number FROM supervision_item WHERE number IS NOT NULL ORDER BY id LIMIT 2")]
    out = tmp_path / "n.docx"
    run("export", "notices", *numbers, "-o", out, "--db", sample, check=0)
    text = all_text(out)
    assert all(n in text for n in numbers)


def test_errors_are_one_chinese_line(sample, tmp_path):
    proc = run("export", "form", "notice", "催字〔2099〕1号", "-o", tmp_path / "x.docx", "--db", sample,
               check=1)
    assert proc.stderr.strip().count("\n") == 0 and "找不到编号为“催字〔2099〕1号”" in proc.stderr
    proc = run("export", "bulletin", "-o", tmp_path / "no-such-folder" / "b.docx", "--db", sample, check=1)
    assert "文件夹" in proc.stderr and "不存在" in proc.stderr
    proc = run("export", "bulletin", "-o", tmp_path / "b.txt", "--db", sample, check=1)
    assert ".docx" in proc.stderr
    proc = run("export", "notices", "-o", tmp_path / "n.docx", "--db", sample, check=1)
    assert "--overdue" in proc.stderr
    run("export", "form", "nonsense", "x", "-o", tmp_path / "x.docx", "--db", sample, check=2)


def test_a_broken_office_template_is_named_and_the_old_file_kept(sample, tmp_path):
    data = tmp_path / "data"
    (data / "templates").mkdir(parents=True)
    (data / "templates" / "督查通报.docx").write_bytes(b"not a zip")
    out = tmp_path / "b.docx"
    out.write_bytes(b"previous export")
    before = file_digest(out)
    proc = run("export", "bulletin", "-o", out, "--db", sample, env_dir=data, check=1)
    assert "督查通报.docx" in proc.stderr and "不是有效的 Word 文档" in proc.stderr
    assert file_digest(out) == before
