"""Desktop and start-menu shortcuts: the Linux .desktop files written into a temporary
home, and the PowerShell a Windows PC would run (checked as text here)."""

from __future__ import annotations

import base64
import configparser
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from duban_desktop.system import launchers as shortcuts
from duban_desktop.system.errors import UserError
from duban_desktop.system.launchers import Launcher, ShortcutError
from duban_desktop.system.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_DESKTOP_DIR"):
        monkeypatch.delenv(name, raising=False)
    return folder


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return dict(parser["Desktop Entry"])


def launcher(path="/opt/督办 Desktop/duban-desktop") -> Launcher:
    return Launcher((path,), resources_dir() / "icons" / "duban-desktop-256.png", Path(path).parent)


def test_linux_menu_entry_and_chinese_desktop_folder(home):
    desktop = home / "桌面"
    desktop.mkdir()
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text(
        '# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR="$HOME/桌面"\nXDG_DOWNLOAD_DIR="$HOME/下载"\n',
        encoding="utf-8")
    written = shortcuts.create_linux_shortcuts(launcher=launcher(), trust=False)
    assert written == [home / ".local/share/applications/duban-desktop.desktop", desktop / "duban-desktop.desktop"]
    for path in written:
        entry = read_entry(path)
        assert entry["Type"] == "Application"
        assert entry["Name"] == "督办 Desktop"
        assert entry["Exec"] == '"/opt/督办 Desktop/duban-desktop"'  # quoted: it has a space
        assert entry["TryExec"] == "/opt/督办 Desktop/duban-desktop"
        assert entry["Terminal"] == "false"
        assert entry["Categories"] == "Office;"
        assert Path(entry["Icon"]).is_file() and entry["Icon"].endswith("duban-desktop-256.png")
        assert "督" in entry["Comment"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o755  # launchers need it executable
    assert not list(home.rglob(".*.part"))


def test_linux_without_a_desktop_folder_makes_the_menu_entry_only(home):
    written = shortcuts.create_linux_shortcuts(launcher=launcher(), trust=False)
    assert written == [home / ".local/share/applications/duban-desktop.desktop"]


def test_linux_honours_xdg_overrides(home, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_DESKTOP_DIR", str(tmp_path / "desk"))
    (tmp_path / "desk").mkdir()
    written = shortcuts.create_linux_shortcuts(launcher=launcher(), trust=False)
    assert written == [tmp_path / "share/applications/duban-desktop.desktop", tmp_path / "desk/duban-desktop.desktop"]
    again = shortcuts.create_linux_shortcuts(launcher=launcher("/usr/bin/duban-desktop"), trust=False)
    assert again == written  # replaced, not duplicated
    assert read_entry(written[1])["Exec"] == "/usr/bin/duban-desktop"


def test_explicit_folders_win(home, tmp_path):
    menu, desk = tmp_path / "menu", tmp_path / "desk"
    desk.mkdir()
    written = shortcuts.create_shortcuts(menu_dir=menu, desktop_dir=desk, launcher=launcher(), platform="linux")
    assert written == [menu / "duban-desktop.desktop", desk / "duban-desktop.desktop"]


@pytest.mark.parametrize(("args", "exec_line"), [
    (("/usr/bin/python3", "-m", "duban_desktop"), "/usr/bin/python3 -m duban_desktop"),
    (("/home/wu/程序/duban-desktop",), "/home/wu/程序/duban-desktop"),
    (("/home/a b/x$y",), r'"/home/a b/x\\$y"'),  # quoted, $ escaped, then the backslash escaped
    (("/opt/100%/duban-desktop",), "/opt/100%%/duban-desktop"),
    (('/opt/"q"/duban-desktop',), r'"/opt/\\"q\\"/duban-desktop"'),
])
def test_exec_quoting_follows_the_desktop_entry_spec(args, exec_line):
    text = shortcuts.desktop_entry(args, "duban-desktop")
    assert f"\nExec={exec_line}\n" in text


def test_shipped_desktop_file_is_the_generated_one():
    shipped = (ROOT / "resources" / "duban-desktop.desktop").read_text(encoding="utf-8")
    assert shipped == shortcuts.desktop_entry(("duban-desktop",), "duban-desktop")
    entry = read_entry(ROOT / "resources" / "duban-desktop.desktop")
    assert (entry["Name"], entry["Exec"], entry["Icon"], entry["Categories"]) == (
        "督办 Desktop", "duban-desktop", "duban-desktop", "Office;")


def test_a_place_that_cannot_be_written_is_said_in_chinese(home, tmp_path):
    blocker = tmp_path / "share"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(ShortcutError) as err:
        shortcuts.create_linux_shortcuts(applications_dir=blocker / "applications", launcher=launcher(),
                                         trust=False)
    assert isinstance(err.value, UserError)  # shown as it is, like every refusal
    assert "无法创建快捷方式" in str(err.value) and "applications" in str(err.value)


def test_desktop_copy_is_marked_trusted_where_gio_exists(home, monkeypatch):
    (home / "Desktop").mkdir()
    calls = []
    monkeypatch.setattr(shortcuts.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    written = shortcuts.create_linux_shortcuts(launcher=launcher())
    assert calls == [["/usr/bin/gio", "set", str(written[1]), "metadata::trusted", "true"]]


def test_launcher_from_source_is_the_venv_script(tmp_path, monkeypatch):
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text("")
    (bin_dir / "duban-desktop").write_text("")
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.delattr(sys, "frozen", raising=False)
    found = shortcuts.current_launcher("linux")
    assert found.command == (str(bin_dir / "duban-desktop"),)
    assert found.icon == resources_dir() / "icons" / "duban-desktop-256.png"
    (bin_dir / "duban-desktop").unlink()
    assert shortcuts.current_launcher("linux").command == (str(bin_dir / "python"), "-m", "duban_desktop")


def test_launcher_of_a_frozen_build_is_the_windowed_program(tmp_path, monkeypatch):
    (tmp_path / "duban-desktop.exe").write_text("")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "duban-cli.exe"))  # started from the console twin
    found = shortcuts.current_launcher("win32")
    assert found.command == (str(tmp_path / "duban-desktop.exe"),)
    assert found.icon == tmp_path / "duban-desktop.exe"  # the exe carries the icon
    assert found.working_dir == tmp_path


WIN = Launcher((r"C:\Users\Wu\O'Brien\督办 Desktop\duban-desktop.exe",),
               Path(r"C:\Users\Wu\O'Brien\督办 Desktop\duban-desktop.exe"), Path(r"C:\Users\Wu\O'Brien\督办 Desktop"))


def test_windows_script_text():
    script = shortcuts.windows_script(WIN)
    assert "New-Object -ComObject WScript.Shell" in script
    assert "[Environment]::GetFolderPath('Programs')" in script
    assert "[Environment]::GetFolderPath('Desktop')" in script
    assert "Join-Path $folder '督办 Desktop.lnk'" in script
    assert r"$link.TargetPath = 'C:\Users\Wu\O''Brien\督办 Desktop\duban-desktop.exe'" in script
    assert "$link.Arguments = ''" in script
    assert r"$link.IconLocation = 'C:\Users\Wu\O''Brien\督办 Desktop\duban-desktop.exe,0'" in script
    assert "$link.Save()" in script
    assert "ToBase64String" in script


def test_windows_script_with_given_folders_and_python_fallback():
    fallback = Launcher((r"C:\Py\pythonw.exe", "-m", "duban_desktop"), Path(r"C:\src\duban-desktop.ico"), Path(r"C:\Users\Wu"))
    script = shortcuts.windows_script(fallback, desktop_dir=Path(r"D:\桌面"), menu_dir=Path(r"D:\菜单"))
    assert r"foreach ($folder in @('D:\菜单', 'D:\桌面'))" in script
    assert "GetFolderPath" not in script
    assert "$link.Arguments = '-m duban_desktop'" in script


def test_windows_command_encodes_the_script():
    script = shortcuts.windows_script(WIN)
    command = shortcuts.windows_command(script)
    assert command[:6] == ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                           "-EncodedCommand"]
    assert base64.b64decode(command[6]).decode("utf-16-le") == script
    assert command[6].isascii()


class Done:
    def __init__(self, returncode=0, stdout=b"", stderr=b""):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def test_windows_shortcuts_report_the_paths_powershell_printed(monkeypatch):
    made = [r"C:\Users\Wu\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\督办 Desktop.lnk",
            r"C:\Users\Wu\OneDrive\桌面\督办 Desktop.lnk"]
    out = "\r\n".join(base64.b64encode(p.encode("utf-8")).decode() for p in made).encode()
    seen = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: seen.append((cmd, kw)) or Done(stdout=out))
    written = shortcuts.create_shortcuts(launcher=WIN, platform="win32")
    assert [str(p) for p in written] == made
    assert seen[0][0][0] == "powershell.exe" and seen[0][1]["timeout"] > 0


def test_windows_failures_are_said_in_chinese(monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: Done(1, stderr=b"Access denied"))
    with pytest.raises(ShortcutError, match="创建快捷方式失败"):
        shortcuts.create_shortcuts(launcher=WIN, platform="win32")

    def missing(cmd, **kw):
        raise FileNotFoundError(cmd[0])
    monkeypatch.setattr(subprocess, "run", missing)
    with pytest.raises(ShortcutError, match="找不到 Windows PowerShell"):
        shortcuts.create_shortcuts(launcher=WIN, platform="win32")

    def slow(cmd, **kw):
        raise subprocess.TimeoutExpired(cmd, 120)
    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(ShortcutError, match="超时"):
        shortcuts.create_shortcuts(launcher=WIN, platform="win32")


def test_other_systems_are_told_what_to_do():
    with pytest.raises(ShortcutError, match="macOS"):
        shortcuts.create_shortcuts(launcher=launcher(), platform="darwin")


def test_icons_exist_in_every_size():
    files = shortcuts.icon_files()
    assert [f.name for f in files] == [f"duban-desktop-{s}.png" for s in shortcuts.ICON_SIZES]
    for size, path in zip(shortcuts.ICON_SIZES, files, strict=True):
        header = path.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(header[16:20], "big") == int.from_bytes(header[20:24], "big") == size
    icons = resources_dir() / "icons"
    ico = (icons / "duban-desktop.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") == len(shortcuts.ICON_SIZES)
    assert (icons / "duban-desktop.icns").read_bytes()[:4] == b"icns"
    assert "<path" in (icons / "duban-desktop.svg").read_text(encoding="utf-8")  # no font needed


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_written_file_is_not_world_writable(home):
    written = shortcuts.create_linux_shortcuts(launcher=launcher(), trust=False)
    assert not os.stat(written[0]).st_mode & stat.S_IWOTH
