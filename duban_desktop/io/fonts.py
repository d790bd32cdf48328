"""Fonts of the forms: the office's settings, with fallbacks Word and WPS understand.

The shipped templates are written with the default font names of the settings
(仿宋_GB2312, 方正小标宋简体, 黑体, 宋体). When a form is filled, every use of a default
name (Latin, East Asian and complex-script names, in styles and in runs) is replaced by
the office's setting; a font the office chose itself while restyling a template in Word
is left alone. The templates' font table gives each default an alternative name and the
GB2312 character set, so that a machine without 仿宋_GB2312 or 方正小标宋简体 prints 仿宋
or 宋体 rather than a Latin font.
"""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from ..domain.settings import SPECS

ROLES = ("font_body", "font_title", "font_heading", "font_number")
BODY, TITLE, HEADING, NUMBER = (str(SPECS[key].default) for key in ROLES)

# name -> (alternative name, panose, family, pitch)
FALLBACKS = {
    BODY: ("仿宋", "02010609030101010101", "modern", "fixed"),
    TITLE: ("宋体", "02000000000000000000", "script", "variable"),
    HEADING: ("SimHei", "02010609060101010101", "modern", "fixed"),
    NUMBER: ("SimSun", "02010600030101010101", "auto", "variable"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed"),
}

_ATTRS = [qn(f"w:{a}") for a in ("ascii", "hAnsi", "eastAsia", "cs")]


def font_table_xml() -> bytes:
    """word/fontTable.xml naming the forms' fonts with their fallbacks."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    entries = []
    for name, (alt, panose, family, pitch) in FALLBACKS.items():
        entries.append(
            f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
            f"</w:font>")
    entries.append('<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>'
                   '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/>'
                   "</w:font>")
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<w:fonts xmlns:w="{w}">' + "".join(entries) + "</w:fonts>").encode("utf-8")


def _parts(document):
    yield document.styles.element
    yield document.element
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            yield rel.target_part.element


def apply_font_settings(document, chosen: dict[str, str]) -> None:
    """Replace each default font name by the office's choice (``chosen``: role -> name)."""
    mapping = {}
    for role in ROLES:
        default, wanted = str(SPECS[role].default), (chosen.get(role) or "").strip()
        if wanted and wanted != default:
            mapping[default] = wanted
    if not mapping:
        return
    for root in _parts(document):
        for fonts in root.iter(qn("w:rFonts")):
            for attr in _ATTRS:
                value = fonts.get(attr)
                if value in mapping:
                    fonts.set(attr, mapping[value])
