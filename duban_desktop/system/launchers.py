"""Desktop and start-menu shortcuts, so the office starts the program by double-clicking.

File work, no Qt: the window's menu action (ui/shortcut_action.py) and the welcome
dialog call ``create_shortcuts()``.

- Linux: ``$XDG_DATA_HOME/applications/duban-desktop.desktop`` (the applications menu)
  and a copy on the desktop (``$XDG_DESKTOP_DIR``, else ``user-dirs.dirs``, else
  ``~/Desktop``; skipped when there is no desktop folder), executable and, where GNOME's
  ``gio`` is present, marked trusted.
- Windows: ``督办 Desktop.lnk`` in the start menu's Programs folder and on the desktop,
  made by Windows PowerShell through the WScript.Shell COM object (no pywin32).

What the shortcut starts: the running executable of a PyInstaller build (its windowed
``duban-desktop`` even when called from the console twin ``duban-cli``), else the
``duban-desktop`` script next to the virtualenv's Python, else ``python -m duban_desktop``.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import re
import shutil
import sys
from pathlib import Path
from typing import NamedTuple

from .errors import UserError
from .oserrors import describe
from .paths import resources_dir

log = logging.getLogger(__name__)

DESKTOP_ID = "duban-desktop"  # the .desktop file's name; Qt's desktopFileName
TITLE = "督办 Desktop"
COMMENT = "办公室协调督查工作:登记督办事项,提醒逾期,打印表单,导出台账"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


class ShortcutError(UserError):
    """A shortcut could not be made; the message says where and why."""


class Launcher(NamedTuple):
    """The command a shortcut runs, and the icon it shows."""

    command: tuple[str, ...]
    icon: Path
    working_dir: Path


def icon_files() -> list[Path]:
    """The PNG icons that exist, smallest first."""
    folder = resources_dir() / "icons"
    return [p for p in (folder / f"{DESKTOP_ID}-{s}.png" for s in ICON_SIZES) if p.is_file()]


def current_launcher(platform: str | None = None) -> Launcher:
    platform = platform or sys.platform
    windows = platform == "win32"
    exe_name = f"{DESKTOP_ID}.exe" if windows else DESKTOP_ID
    icons = resources_dir() / "icons"
    if getattr(sys, "frozen", False):
        here = Path(sys.executable)
        gui = here.with_name(exe_name)  # not the console twin duban-cli
        target = gui if gui.is_file() else here
        icon = target if windows else icons / f"{DESKTOP_ID}-256.png"
        return Launcher((str(target),), icon, target.parent)
    icon = icons / (f"{DESKTOP_ID}.ico" if windows else f"{DESKTOP_ID}-256.png")
    python = Path(sys.executable)  # not resolved: a venv's python is a symlink
    script = python.with_name(exe_name)
    if script.is_file():
        return Launcher((str(script),), icon, script.parent)
    if windows and python.with_name("pythonw.exe").is_file():
        python = python.with_name("pythonw.exe")  # no console window
    return Launcher((str(python), "-m", "duban_desktop"), icon, Path.home())


# ---- Linux


_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


def _exec_arg(arg: str) -> str:
    """One Exec argument, quoted as the Desktop Entry specification asks."""
    arg = arg.replace("%", "%%")
    if _RESERVED.search(arg):
        arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return arg


def _string_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def desktop_entry(command: tuple[str, ...] | list[str], icon: str) -> str:
    """The text of a .desktop file that starts ``command`` (already split into arguments)."""
    exec_line = " ".join(_exec_arg(a) for a in command)
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={TITLE}",
        "GenericName=协调督查工作",
        f"Comment={COMMENT}",
        "Keywords=督办;督查;协调;台账;催办;",
        f"Exec={_string_value(exec_line)}",
        f"Icon={_string_value(icon)}",
        "Terminal=false",
        "Categories=Office;",
        "StartupNotify=true",
    ]
    if os.path.isabs(command[0]):
        lines.insert(lines.index("Terminal=false"), f"TryExec={_string_value(command[0])}")
    return "\n".join(lines) + "\n"


def xdg_applications_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "applications"


def xdg_desktop_dir() -> Path | None:
    """The user's desktop folder (``桌面`` on a Chinese system), or None if there is none."""
    override = os.environ.get("XDG_DESKTOP_DIR")
    candidates = [Path(os.path.expandvars(override)).expanduser()] if override else []
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "user-dirs.dirs"
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    for match in re.finditer(r'^XDG_DESKTOP_DIR="([^"]*)"', text, re.MULTILINE):
        value = match.group(1).replace("$HOME", str(Path.home()))
        if os.path.isabs(value) and Path(value) != Path.home():
            candidates.append(Path(value))
    candidates.append(Path.home() / "Desktop")
    return next((c for c in candidates if c.is_dir()), None)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o755)  # launchers refuse desktop files that are not executable
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ShortcutError(f"无法创建快捷方式。{describe(exc, path)}") from exc


def _trust(path: Path) -> None:
    """GNOME shows an untrusted desktop launcher as a text file; mark ours trusted."""
    import subprocess  # only when a shortcut is made

    gio = shutil.which("gio")
    if gio is None:
        return
    try:
        subprocess.run([gio, "set", str(path), "metadata::trusted", "true"], check=False,
                       capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:  # best effort: still executable
        log.info("cannot mark %s trusted: %s", path, exc)


def create_linux_shortcuts(*, applications_dir: Path | None = None, desktop_dir: Path | None = None,
                           launcher: Launcher | None = None, trust: bool = True) -> list[Path]:
    """The applications-menu entry and the desktop copy; returns the files written
    (only the menu entry when there is no desktop folder)."""
    launcher = launcher or current_launcher("linux")
    text = desktop_entry(launcher.command, str(launcher.icon))
    menu = (applications_dir or xdg_applications_dir()) / f"{DESKTOP_ID}.desktop"
    _write(menu, text)
    written = [menu]
    desktop = desktop_dir if desktop_dir is not None else xdg_desktop_dir()
    if desktop is not None and desktop.is_dir():
        copy = desktop / f"{DESKTOP_ID}.desktop"
        _write(copy, text)
        if trust:
            _trust(copy)
        written.append(copy)
    log.info("shortcuts written: %s", ", ".join(map(str, written)))
    return written


# ---- Windows


def _ps(text: str | Path) -> str:
    """A PowerShell single-quoted string (only ' needs doubling)."""
    return "'" + str(text).replace("'", "''") + "'"


def windows_script(launcher: Launcher, *, desktop_dir: Path | None = None,
                   menu_dir: Path | None = None) -> str:
    """The PowerShell that makes both .lnk files and prints each path (base64 of UTF-8,
    so no console code page can garble a Chinese folder name)."""
    import subprocess  # only when a shortcut is made

    menu = _ps(menu_dir) if menu_dir else "[Environment]::GetFolderPath('Programs')"
    desktop = _ps(desktop_dir) if desktop_dir else "[Environment]::GetFolderPath('Desktop')"
    target, *args = launcher.command
    icon = f"{launcher.icon},0"
    return "\n".join([
        "$ErrorActionPreference = 'Stop'",
        "$shell = New-Object -ComObject WScript.Shell",
        f"foreach ($folder in @({menu}, {desktop})) {{",
        "  if (-not $folder) { continue }",
        "  New-Item -ItemType Directory -Force -Path $folder | Out-Null",
        f"  $path = Join-Path $folder {_ps(TITLE + '.lnk')}",
        "  $link = $shell.CreateShortcut($path)",
        f"  $link.TargetPath = {_ps(target)}",
        f"  $link.Arguments = {_ps(subprocess.list2cmdline(args))}",
        f"  $link.WorkingDirectory = {_ps(launcher.working_dir)}",
        f"  $link.IconLocation = {_ps(icon)}",
        f"  $link.Description = {_ps(COMMENT)}",
        "  $link.Save()",
        "  [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($path))",
        "}",
    ])


def windows_command(script: str) -> list[str]:
    """Windows PowerShell with the script as -EncodedCommand (UTF-16LE base64): no
    quoting of Chinese paths through the command line can go wrong."""
    encoded = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
    return ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
            "-EncodedCommand", encoded]


def create_windows_shortcuts(*, desktop_dir: Path | None = None, menu_dir: Path | None = None,
                             launcher: Launcher | None = None) -> list[Path]:
    import subprocess  # only when a shortcut is made

    launcher = launcher or current_launcher("win32")
    command = windows_command(windows_script(launcher, desktop_dir=desktop_dir, menu_dir=menu_dir))
    try:
        done = subprocess.run(command, capture_output=True, timeout=120,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except FileNotFoundError as exc:
        raise ShortcutError("找不到 Windows PowerShell,无法创建快捷方式。"
                            "可以在程序文件夹中右键单击 duban-desktop.exe,选择“发送到—桌面快捷方式”。") from exc
    except subprocess.TimeoutExpired as exc:
        raise ShortcutError("创建快捷方式超时(PowerShell 没有响应),请稍后再试。") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace") if done.stderr else ""
        log.warning("PowerShell failed (%s): %s", done.returncode, detail)
        raise ShortcutError("创建快捷方式失败:Windows 拒绝了这次操作(可能被安全软件拦截)。"
                            "可以在程序文件夹中右键单击 duban-desktop.exe,选择“发送到—桌面快捷方式”。")
    written = []
    for line in done.stdout.decode("ascii", "replace").split():
        try:
            written.append(Path(base64.b64decode(line, validate=True).decode("utf-8")))
        except ValueError:
            continue
    log.info("shortcuts written: %s", ", ".join(map(str, written)))
    return written


# ---- either


def create_shortcuts(*, desktop_dir: Path | None = None, menu_dir: Path | None = None,
                     launcher: Launcher | None = None, platform: str | None = None) -> list[Path]:
    """Make the start-menu (applications-menu) and desktop shortcuts; returns the files
    written, the menu entry first. Raises ShortcutError with a Chinese message."""
    platform = platform or sys.platform
    if platform == "win32":
        return create_windows_shortcuts(desktop_dir=desktop_dir, menu_dir=menu_dir, launcher=launcher)
    if platform.startswith("linux") or "bsd" in platform:
        return create_linux_shortcuts(applications_dir=menu_dir, desktop_dir=desktop_dir,
                                      launcher=launcher)
    raise ShortcutError("在这个系统上还不能自动创建快捷方式。"
                        "macOS 上请把程序拖到“应用程序”文件夹,再从程序坞启动。")
