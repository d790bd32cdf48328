"""Operating-system errors said in Chinese, naming the file and what to do."""

from __future__ import annotations

import errno

_REASONS = {
    errno.EACCES: "没有写入权限，或文件正被其他程序（如 Word、Excel、WPS）打开",
    errno.EPERM: "没有权限",
    errno.ENOENT: "文件夹不存在",
    errno.EEXIST: "路径中有同名的文件挡住了文件夹",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ENAMETOOLONG: "文件名太长",
}


_READ_REASONS = {
    errno.EACCES: "没有读取权限，或文件正被其他程序独占打开",
    errno.ENOENT: "文件不存在",
}


def describe(exc: OSError, path=None, *, reading: bool = False) -> str:
    """What went wrong, in Chinese: writing (the default) or ``reading`` the file."""
    where = path if path is not None else exc.filename
    reason = (_READ_REASONS.get(exc.errno) if reading else None) or _REASONS.get(exc.errno)
    if reason is None:
        reason = exc.strerror or str(exc)
    target = f"“{where}”" if where else ""
    if reading:
        return f"无法读取{target}：{reason}。请检查文件，或关闭占用它的程序后再试。"
    return f"无法写入{target}：{reason}。请换一个位置，或关闭占用它的程序后再试。"
