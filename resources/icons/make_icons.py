"""Make the application icon: a red seal with the character 督.

    .venv/bin/python resources/icons/make_icons.py

Writes, next to this script:

- ``duban-desktop.svg``: the icon, the glyph stored as an outline (no font needed to
  show it); ``duban-desktop-small.svg``: the same seal without the inner border, for
  16 and 32 pixels, where a thin border only blurs;
- ``duban-desktop-{16,32,48,64,128,256}.png``: what the window and the Linux
  shortcut use (``duban_desktop.ui.icons.app_icon``);
- ``duban-desktop.ico`` (Windows executable and shortcuts) and ``duban-desktop.icns``
  (macOS), both holding PNG images.

A build-time tool: it needs PySide6 (QtSvg) and a bold CJK serif or sans font
(Noto Serif CJK SC Bold is the one the committed files were made with); the program
itself only loads the PNG files.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
)
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

HERE = Path(__file__).resolve().parent
NAME = "duban-desktop"
PNG_SIZES = (16, 32, 48, 64, 128, 256)
SMALL = 32  # this size and below use the plain seal
RED = "#c4161c"  # seal red
FONTS = ("Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Noto Sans CJK SC",
         "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei")
CHAR = "督"


def glyph_path(box: float, fill: float) -> str:
    """The character as SVG path data, centred in a box x box square, ``fill`` of it high."""
    families = set(QFontDatabase.families())
    family = next((f for f in FONTS if f in families), None)
    if family is None:
        sys.exit(f"make_icons: no CJK font found (tried {', '.join(FONTS)})")
    font = QFont(family)
    font.setWeight(QFont.Black)
    font.setPixelSize(200)
    path = QPainterPath()
    path.addText(0, 0, font, CHAR)
    bounds = path.boundingRect()
    scale = box * fill / max(bounds.width(), bounds.height())
    dx = (box - bounds.width() * scale) / 2 - bounds.left() * scale
    dy = (box - bounds.height() * scale) / 2 - bounds.top() * scale

    def pt(x: float, y: float) -> str:
        return f"{x * scale + dx:.2f} {y * scale + dy:.2f}"

    parts = []
    i = 0
    while i < path.elementCount():
        e = path.elementAt(i)
        if e.type == QPainterPath.MoveToElement:
            if parts:
                parts.append("Z")
            parts.append(f"M{pt(e.x, e.y)}")
            i += 1
        elif e.type == QPainterPath.LineToElement:
            parts.append(f"L{pt(e.x, e.y)}")
            i += 1
        else:  # CurveToElement followed by two CurveToDataElements
            c2, end = path.elementAt(i + 1), path.elementAt(i + 2)
            parts.append(f"C{pt(e.x, e.y)} {pt(c2.x, c2.y)} {pt(end.x, end.y)}")
            i += 3
    parts.append("Z")
    print(f"make_icons: glyph from {family}")
    return "".join(parts)


def svg(small: bool) -> str:
    size = 256
    if small:  # no inner border; the character as large as the seal allows
        body = (f'  <rect x="8" y="8" width="240" height="240" rx="28" fill="{RED}"/>\n'
                f'  <path fill="#ffffff" fill-rule="nonzero" d="{glyph_path(size, 0.80)}"/>\n')
    else:
        body = (f'  <rect x="8" y="8" width="240" height="240" rx="30" fill="{RED}"/>\n'
                '  <rect x="26" y="26" width="204" height="204" rx="14" fill="none" '
                'stroke="#ffffff" stroke-width="7"/>\n'
                f'  <path fill="#ffffff" fill-rule="nonzero" d="{glyph_path(size, 0.62)}"/>\n')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}">\n'
            f'  <title>督办 Desktop</title>\n{body}</svg>\n')


def render(svg_file: Path, size: int) -> bytes:
    renderer = QSvgRenderer(str(svg_file))
    if not renderer.isValid():
        sys.exit(f"make_icons: cannot read {svg_file}")
    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows icon holding PNG images (understood since Windows Vista)."""
    sizes = sorted(images)
    out = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    for size in sizes:
        data = images[size]
        side = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(images[s] for s in sizes)


ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def icns(images: dict[int, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", len(images[size]) + 8) + images[size]
                    for size, kind in ICNS_TYPES.items())
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> None:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    big_svg, small_svg = HERE / f"{NAME}.svg", HERE / f"{NAME}-small.svg"
    big_svg.write_text(svg(small=False), encoding="utf-8")
    small_svg.write_text(svg(small=True), encoding="utf-8")
    images = {size: render(small_svg if size <= SMALL else big_svg, size)
              for size in (*PNG_SIZES, 512)}
    for size in PNG_SIZES:
        (HERE / f"{NAME}-{size}.png").write_bytes(images[size])
    (HERE / f"{NAME}.ico").write_bytes(ico({s: images[s] for s in PNG_SIZES}))
    (HERE / f"{NAME}.icns").write_bytes(icns(images))
    print(f"make_icons: wrote {len(PNG_SIZES)} PNG files, {NAME}.ico and {NAME}.icns in {HERE}")


if __name__ == "__main__":
    main()
