"""The PySide6 crash guard: 6.12.0 aborts on Python <= 3.11 (DESIGN.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the rule is the same on 3.10

ROOT = Path(__file__).resolve().parents[2]

CRASH_PROBE = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for n in range(50_000):
    label.setText(str(n))
print("survived", n + 1)
"""


def test_installed_pyside6_survives_50000_settext_calls():
    proc = subprocess.run([sys.executable, "-c", CRASH_PROBE], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "survived 50000" in proc.stdout


def _qt_requirements():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [Requirement(r) for r in data["project"]["dependencies"] if r.lower().startswith("pyside6")]


@pytest.mark.parametrize("python", ["3.10", "3.11"])
def test_spec_never_allows_6_12_on_old_pythons(python):
    env = {"python_version": python, "python_full_version": python + ".0"}
    active = [r for r in _qt_requirements() if r.marker is None or r.marker.evaluate(env)]
    assert active, "some PySide6 requirement applies"
    for req in active:
        assert not req.specifier.contains(Version("6.12.0")), req
        assert not req.specifier.contains(Version("6.12.1")), req
        assert req.specifier.contains(Version("6.11.3")), req


@pytest.mark.parametrize("python", ["3.12", "3.13"])
def test_spec_allows_6_12_on_new_pythons(python):
    env = {"python_version": python, "python_full_version": python + ".0"}
    active = [r for r in _qt_requirements() if r.marker is None or r.marker.evaluate(env)]
    assert active and all(r.specifier.contains(Version("6.12.0")) for r in active)
