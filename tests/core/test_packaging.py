"""The desktop build: PyInstaller makes the one-folder bundle from the spec, and the built
program starts as a user starts it (a new data folder, then an existing one), shows its
window offscreen and leaves cleanly, and runs subcommands. About a minute."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "resources" / "packaging" / "duban-desktop.spec"
EXE = ".exe" if sys.platform == "win32" else ""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """Build once for the module, into a temporary dist/ and work/ (never the tree's)."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail('PyInstaller is missing: install the test extras, pip install -e ".[test]"')
    out = tmp_path_factory.mktemp("pyinstaller")
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    folder = out / "dist" / "duban-desktop"
    assert (folder / f"duban-desktop{EXE}").is_file()
    return folder


def run(program: Path, data: Path, *args, smoke: bool = False, closed_streams: bool = False,
        timeout: int = 120) -> tuple[subprocess.CompletedProcess, str]:
    env = dict(os.environ, DUBAN_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)  # the bundle must not lean on the source tree
    if smoke:
        env["DUBAN_SMOKE_EXIT_MS"] = "500"
    command = [str(program), *map(str, args)]
    if closed_streams:  # as a windowed build on Windows: no stdout, no stderr at all
        command = ["/bin/sh", "-c", 'exec "$0" "$@" >&- 2>&-', *command]
    data.parent.mkdir(parents=True, exist_ok=True)  # the data folder itself is left to the program
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=data.parent)
    log_file = data / "logs" / "duban.log"
    return proc, log_file.read_text(encoding="utf-8") if log_file.exists() else ""


def test_bundle_holds_templates_icons_and_chinese_qt(bundle):
    inside = bundle / "_internal"
    for name in ("督促检查登记单.docx", "催办通知.docx", "督查通报.docx", "README.md"):
        assert (inside / "forms" / name).is_file(), name
    assert not (inside / "forms" / "build_templates.py").exists()  # a tool, not for the office
    for size in (16, 32, 48, 64, 128, 256):
        assert (inside / "resources" / "icons" / f"duban-desktop-{size}.png").is_file()
    assert (inside / "resources" / "duban-desktop.desktop").is_file()
    assert list(inside.rglob("qtbase_zh_CN.qm"))
    assert not [p for p in inside.rglob("*.qm") if "zh_CN" not in p.name]  # other languages left out
    assert list((inside / "docx").rglob("default.docx"))  # python-docx's own template
    assert (bundle / f"duban-cli{EXE}").is_file()  # the console twin, same folder


def test_bundle_leaves_out_what_the_program_does_not_use(bundle):
    names = {p.name.lower() for p in bundle.rglob("*")}
    for unwanted in ("qtwebenginecore", "qt6webengine", "qt6qml", "qt6quick", "qt63d", "tkinter", "_tkinter",
                     "libqgtk3", "qtnetwork"):
        assert not [n for n in names if unwanted in n], unwanted
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 300 * 2**20, f"{size / 2**20:.0f} MB"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd")
def test_bundled_libraries_resolve(bundle):
    inside = bundle / "_internal"
    core = [bundle / "duban-desktop", *inside.glob("PySide6/*.abi3.so"), *inside.glob("PySide6/Qt/lib/libQt6*.so*"),
            *inside.glob("PySide6/Qt/plugins/platforms/lib*.so")]
    assert core
    env = dict(os.environ, LD_LIBRARY_PATH=str(inside))
    for path in core:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        missing = [line for line in out.splitlines() if "not found" in line and "wayland" not in line]
        assert not missing, f"{path.name}: {missing}"


def test_new_then_existing_data_folder(bundle, tmp_path):
    program = bundle / f"duban-desktop{EXE}"
    data = tmp_path / "新用户" / "data"  # a Chinese folder name, as a user's may be
    proc, log_text = run(program, data, smoke=True)
    assert proc.returncode == 0, proc.stderr + log_text
    assert "Traceback" not in proc.stderr + log_text
    assert "Qt translation loaded: 取消" in log_text  # found inside the bundle
    assert "main window shown: 督办 Desktop — ××办公室 (0 items listed)" in log_text
    assert (data / "duban.sqlite").is_file()  # the data folder was made, with its database

    # the office works a while (here: the sample data goes into its database), then starts again
    proc, _ = run(program, data, "demo", "--db", data / "duban.sqlite", "--items", "20")
    assert proc.returncode == 0, proc.stderr
    assert "已生成示例数据：督办事项 20 件" in proc.stdout
    proc, log_text = run(program, data, smoke=True)
    assert proc.returncode == 0, proc.stderr + log_text
    assert log_text.count("main window shown") == 2
    assert "main window shown: 督办 Desktop — 青山县人民政府办公室 (20 items listed)" in log_text
    assert "Traceback" not in log_text
    proc, _ = run(program, data, "demo", "--db", data / "duban.sqlite")
    assert proc.returncode == 1 and "已经有数据" in proc.stderr  # a refusal: one Chinese line
    assert "Traceback" not in proc.stderr


def test_subcommands_through_the_built_program(bundle, tmp_path):
    data = tmp_path / "data"
    db = tmp_path / "办公室.sqlite"
    cli = bundle / f"duban-cli{EXE}"
    proc, _ = run(cli, data, "demo", "--db", db, "--items", "20")
    assert proc.returncode == 0, proc.stderr
    assert "已生成示例数据" in proc.stdout
    assert sqlite3.connect(db).execute("SELECT count(*) FROM supervision_item").fetchone() == (20,)
    proc, _ = run(cli, data, "alerts", "--db", db)
    assert proc.returncode == 0, proc.stderr
    # Word (python-docx and the shipped template) and Excel (openpyxl) from the bundle
    proc, _ = run(cli, data, "export", "bulletin", "--db", db, "-o", tmp_path / "通报.docx")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "通报.docx").read_bytes()[:2] == b"PK"
    proc, _ = run(cli, data, "export", "ledger", "--db", db, "-o", tmp_path / "台账.xlsx")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "台账.xlsx").read_bytes()[:2] == b"PK"
    proc, _ = run(bundle / f"duban-desktop{EXE}", data, "check", "--db", db)
    assert proc.returncode == 0, proc.stderr
    proc, _ = run(cli, data, "no-such-command")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="closes the streams with /bin/sh")
def test_no_console_at_all(bundle, tmp_path):
    """With stdout and stderr closed (sys.stdout is None, as in a windowed build), the
    window and a subcommand still work; messages go to the log file."""
    data = tmp_path / "data"
    program = bundle / "duban-desktop"
    proc, _ = run(program, data, "demo", "--db", tmp_path / "x.sqlite", "--items", "5", closed_streams=True)
    assert proc.returncode == 0
    assert (tmp_path / "x.sqlite").is_file()
    proc, _ = run(program, data, "demo", "--db", tmp_path / "x.sqlite", closed_streams=True)
    assert proc.returncode == 1  # the refusal had nowhere to go, and did not crash
    proc, log_text = run(program, data, "--db", tmp_path / "x.sqlite", smoke=True, closed_streams=True)
    assert proc.returncode == 0, log_text
    assert "main window shown" in log_text and "Traceback" not in log_text

