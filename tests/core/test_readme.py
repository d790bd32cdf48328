"""The README's two set-up commands stay true, and .ci/run runs the test one."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPEN = 'python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/duban-desktop --demo'
TEST = 'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/python -m pytest'


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text[: text.index("## ")]
    assert OPEN in head and TEST in head
    assert head.index(OPEN) < head.index(TEST)


def test_ci_runs_the_readme_test_command():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST in run
