"""Word templates from outside: what a form must not carry is refused or removed, on install
and on every fill, and the office is told what went (issue 15, 5)."""

from __future__ import annotations

import io
import logging
import re

import pytest
from docx import Document

from duban_desktop.io import docx_safety, form_templates, forms

from .. import factories
from ..factories import TODAY, file_digest
from .forms_helpers import all_text, office_settings
from .hostile_templates import (
    EVIL,
    R,
    W,
    assert_harmless,
    billion_laughs,
    body_append,
    complex_field,
    hostile,
    package_text,
    page_fields,
    png,
    put_office_template,
    rewrite,
    run,
    shipped,
    system_entity,
)


@pytest.fixture
def office(db):
    office_settings()
    return db


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
    return "\n".join("".join(t.text or "" for t in r.iter(f"{{{W}}}t")) for r in roots)


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


def test_a_word_template_file_becomes_a_document():
    dotx = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    data = rewrite(shipped(), {"[Content_Types].xml": lambda t: t.replace(docx_safety.DOCUMENT_MAIN, dotx)})
    with pytest.raises(ValueError):
        Document(io.BytesIO(data))  # python-docx alone refuses a .dotx
    cleaned = docx_safety.clean_docx(data)
    assert cleaned.removed == []
    assert Document(io.BytesIO(cleaned.data)).paragraphs


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


def test_the_command_line_says_what_an_export_removed(tmp_path, data_dir):
    import os
    import subprocess
    import sys

    env = dict(os.environ, DUBAN_DATA_DIR=str(data_dir))
    db = tmp_path / "office.sqlite"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "duban_desktop", *map(str, args)], capture_output=True,
                              text=True, env=env, timeout=120)
    assert run("demo", "--db", db, "--items", "5", "--cases", "0").returncode == 0
    plain = run("export", "bulletin", "-o", tmp_path / "a.docx", "--db", db)
    assert plain.returncode == 0 and "注意" not in plain.stdout
    put_office_template("bulletin", hostile("bulletin"))
    proc = run("export", "bulletin", "-o", tmp_path / "b.docx", "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert "已导出督查通报：" in proc.stdout
    assert "用不到的内容已在导出时删除" in proc.stdout and "DDEAUTO" in proc.stdout
    assert_harmless(tmp_path / "b.docx")
