"""Word forms: every field read back, hostile text, templates, batch, atomic writes."""

from __future__ import annotations

import datetime as dt
import errno
import io
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from duban_desktop.db.models import CoordinationCase, SupervisionItem
from duban_desktop.domain import settings, supervision
from duban_desktop.io import form_fill, form_templates, forms
from duban_desktop.io.files import FileError
from duban_desktop.system import paths

from .. import factories
from ..factories import TODAY, file_digest
from .forms_helpers import (
    OFFICE,
    PHONE,
    all_text,
    office_settings,
    paragraph_texts,
    resolved_case,
    typical_item,
)


@pytest.fixture
def office(db):
    office_settings()
    return db


# ------------------------------------------------------------------ every field


def test_register_prints_every_field(office, tmp_path):
    item = typical_item()
    supervision.extend(item.id, new_deadline=dt.date(2026, 7, 15), reason="涉及管网迁改,需延期。",
                       approved_by="王建国县长", requested_on=dt.date(2026, 6, 14), now=TODAY)
    dest = forms.export_form("register", item.id, tmp_path / "r.docx", today=TODAY)
    text = all_text(dest)
    for expected in ("督促检查登记单", "2026年6月1日", item.number, item.title,
                     "对城区32条背街小巷", "主办：县住房和城乡建设局（蒋建华）", "协办：县财政局，2026年7月15日前完成。",
                     "发出时间", "完成时限", "2026年7月15日", "请住建局抓紧研究,两周内报送方案。",
                     "王建国县长", "催办记录", "2026年6月5日,电话催办:请加快方案编制。",
                     "2026年6月12日,通知单:请于本周内报送改造方案。", "延期:涉及管网迁改,需延期。",
                     "处理结果", OFFICE, PHONE):
        assert expected in text, expected
    assert "{{" not in text and "}}" not in text


def test_register_lists_urges_and_extensions_in_date_order(office, tmp_path):
    item = typical_item()
    supervision.extend(item.id, new_deadline=dt.date(2026, 7, 15), reason="需延期。",
                       approved_by="王建国县长", requested_on=dt.date(2026, 6, 8), now=TODAY)
    texts = paragraph_texts(forms.export_form("register", item.id, tmp_path / "r.docx", today=TODAY))
    order = [next(i for i, t in enumerate(texts) if t.startswith(day))
             for day in ("2026年6月5日,电话", "2026年6月8日,延期", "2026年6月12日,通知单")]
    assert order == sorted(order)


def test_notice_prints_every_field_and_the_return_part(office, tmp_path):
    item = typical_item(assisting=[])
    dest = forms.export_form("notice", item.id, tmp_path / "n.docx", today=TODAY)
    text = all_text(dest)
    for expected in (f"{OFFICE}催办通知", item.number, "县住房和城乡建设局:",
                     f"{item.title}一事由你单位主办,请将办理情况于5日内反映给我们。",
                     "该事项完成时限为2026年6月30日。", "请于本周内报送改造方案。",
                     "2026年6月15日", "办理结果:", "主办单位负责人:", "年　　月　　日",
                     f"(阅办后连同附件退回)联系电话:{PHONE}"):
        assert expected in text, expected


def test_an_item_of_two_units_has_a_notice_for_each(office, tmp_path):
    item = typical_item()  # 县财政局 helps; both still at work; the urges went to the lead unit
    dest = forms.export_form("notice", item.id, tmp_path / "n.docx", today=TODAY)
    text = all_text(dest)
    for expected in ("县住房和城乡建设局:", f"{item.title}一事由你单位主办,请将办理情况于5日内反映给我们。",
                     "你单位完成时限为2026年6月30日。", "请于本周内报送改造方案。", "主办单位负责人:",
                     "县财政局:", f"{item.title}一事由你单位协办,请将办理情况于5日内反映给我们。",
                     "协办单位负责人:"):
        assert expected in text, expected


def test_notice_for_a_new_item_is_an_assignment_notice(office, tmp_path):
    item = factories.item()
    text = all_text(forms.export_form("notice", item.id, tmp_path / "n.docx", today=TODAY))
    assert f"{OFFICE}交办通知" in text
    days = settings.get("default_reply_days")
    assert f"请将办理情况于{days}日内反映给我们" in text


def test_instruction_report_prints_every_field(office, tmp_path):
    item = factories.closed_item(basis="县政府第12次常务会议纪要")
    SupervisionItem.update(proposed_action="建议归档。").where(SupervisionItem.id == item.id).execute()
    dest = forms.export_form("instruction_report", item.id, tmp_path / "i.docx", today=TODAY)
    text = all_text(dest)
    for expected in ("领导同志批示件办理情况", item.number, "王建国县长:",
                     "您于6月1日在县政府第12次常务会议纪要上所指示的意见,已由县住房和城乡建设局办理,"
                     "现将落实情况送上,请阅示。",
                     "领导指示", "请住建局抓紧研究,两周内报送方案。", "查办结果摘要",
                     "已按批示完成改造方案。", "拟办意见", "建议归档。", OFFICE, "2026年6月12日", PHONE):
        assert expected in text, expected


def test_empty_fields_print_as_blanks(office, tmp_path):
    item = factories.item(source="other", leader_instruction="", instructing_leader="",
                          instruction_date=None)
    dest = forms.export_form("instruction_report", item.id, tmp_path / "i.docx", today=TODAY)
    document = Document(str(dest))
    sentence = next(p for p in document.paragraphs if p.text.startswith("您于"))
    assert "　　月　　日" in sentence.text  # the paper form's blank date
    underlined = [r.text for r in sentence.runs if r.underline]
    assert underlined and all(set(t) == {"\u3000"} for t in underlined)  # 在____上
    assert "{{" not in all_text(dest)


def test_resolution_record_prints_every_field(office, tmp_path):
    case = resolved_case()
    dest = forms.export_form("resolution_record", case.id, tmp_path / "c.docx", today=TODAY)
    text = all_text(dest)
    for expected in ("关于县城停车场建设选址的协调会议纪要", "协调纪要〔2026〕2号", case.number,
                     "李明副县长", "县自然资源局、县住房和城乡建设局", "现纪要如下",
                     "协调经过", "(一)2026年5月12日,集体协商。双方同意按方案执行。",
                     "处理决定", "停车场选址在城北旧货运站地块", "县城停车难问题突出",
                     "办理停车场建设用地手续", "2026年7月31日", "褚红梅", "完成停车场设计和招标",
                     "2026年9月30日", "蒋建华", "各方签署", "2026年5月15日", OFFICE, PHONE):
        assert expected in text, expected
    document = Document(str(dest))
    tasks, signatures = document.tables
    assert [c.text for c in tasks.rows[1].cells] == ["1", "县自然资源局", "办理停车场建设用地手续",
                                                      "2026年7月31日", "褚红梅"]
    assert len(tasks.rows) == 3
    assert [r.cells[0].text for r in signatures.rows[1:]] == ["县自然资源局", "县住房和城乡建设局"]


def test_agreement_gets_its_own_title(office, tmp_path):
    case = factories.case_in_consultation()
    from duban_desktop.domain import coordination

    coordination.resolve(case.id, decision="按方案执行。", record_kind="agreement",
                         resolved_on=dt.date(2026, 5, 15), now=TODAY)
    text = all_text(forms.export_form("resolution_record", case.id, tmp_path / "c.docx", today=TODAY))
    assert "关于县城停车场建设选址的协议书" in text and "达成协议如下" in text


def test_bulletin_has_totals_units_and_overdue_list(office, tmp_path):
    factories.closed_item(title="已办结事项")
    late = factories.item(title="逾期事项一", deadline=dt.date(2026, 6, 10))
    factories.item(title="未到期事项", lead_unit="县财政局", responsible_person="吴晓燕")
    dest = forms.export_bulletin(tmp_path / "b.docx", today=TODAY)
    text = all_text(dest)
    for expected in ("督查通报", "2026年6月15日", "共交办督办事项3件,已办结1件,办结率33.3%",
                     "按期办结1件,按期办结率100.0%", "尚未办结2件,其中逾期1件", OFFICE, PHONE):
        assert expected in text, expected
    document = Document(str(dest))
    units, overdue = document.tables
    rows = [[c.text for c in r.cells] for r in units.rows]
    assert rows[1] == ["1", "县住房和城乡建设局", "2", "1", "1", "1", "50.0%", "100.0%"]
    assert rows[-1][2:] == ["3", "1", "2", "1", "33.3%", "100.0%"]
    late_row = [c.text for c in overdue.rows[1].cells]
    assert late_row[:5] == ["1", late.number, "逾期事项一", "县住房和城乡建设局", "2026年6月10日"]
    assert int(late_row[5]) >= 1


def test_bulletin_without_overdue_items_says_so(office, tmp_path):
    factories.item()
    document = Document(str(forms.export_bulletin(tmp_path / "b.docx", today=TODAY)))
    assert "无逾期事项" in document.tables[1].rows[1].cells[2].text


# ------------------------------------------------------------------ hostile text

HOSTILE = "<b>&amp;</b> \"引号\" 'x' 😀🀄 \x01\x0b控制\x1f字符 {{编号}} {{催办记录.记录}} ｛｛办公室名称｝｝"


def test_hostile_text_round_trips_and_is_never_substituted(office, tmp_path):
    item = factories.item()
    # straight into the database, as an old or imported record might hold it
    SupervisionItem.update(title=HOSTILE, content=HOSTILE * 3, leader_instruction="第一行\n" + HOSTILE,
                           result_summary="\t缩进" + HOSTILE).where(SupervisionItem.id == item.id).execute()
    settings.update({"office_name": "<办公室> & 😀"})
    for kind in ("register", "notice", "instruction_report"):
        dest = forms.export_form(kind, item.id, tmp_path / f"{kind}.docx", today=TODAY)
        with zipfile.ZipFile(dest) as z:
            assert z.testzip() is None
        text = all_text(dest)  # parses: the XML is valid
        clean = HOSTILE.replace("\x01", "").replace("\x0b", "").replace("\x1f", "")
        assert clean in text
        assert "{{编号}}" in text and "{{催办记录.记录}}" in text and "｛｛办公室名称｝｝" in text
        assert "<办公室> & 😀" in text


def test_five_thousand_characters_go_in_whole(office, tmp_path):
    long_text = ("督办" * 2499) + "尾"
    item = factories.item(content=long_text, leader_instruction=long_text)
    for kind in ("register", "notice", "instruction_report"):
        text = all_text(forms.export_form(kind, item.id, tmp_path / f"{kind}.docx", today=TODAY))
        assert long_text in text


def test_multi_line_text_becomes_paragraphs_with_the_same_style(office, tmp_path):
    item = factories.item(content="第一段。\n第二段。\n\n第四段。")
    document = Document(str(forms.export_form("register", item.id, tmp_path / "r.docx", today=TODAY)))
    cell = document.tables[0].rows[0].cells[1]
    texts = [p.text for p in cell.paragraphs]
    assert texts[1:5] == ["第一段。", "第二段。", "", "第四段。"]
    assert len({p.style.name for p in cell.paragraphs}) == 1


# ------------------------------------------------------------------ the filling engine


def _document_with(paragraph_runs: list[list[str]]):
    """A document whose paragraphs have the given runs (to split placeholders like Word)."""
    document = Document()
    for runs in paragraph_runs:
        p = document.add_paragraph()
        for i, text in enumerate(runs):
            run = p.add_run(text)
            run.bold = i % 2 == 1
    return document


def test_placeholders_split_across_runs_cells_headers_and_footers():
    document = _document_with([["办理", "{", "{编", "号}", "}", "。完成"], ["{{a}}{{b}}", "x{{", "c}}"]])
    cell = document.add_table(rows=1, cols=1).rows[0].cells[0]
    cell.paragraphs[0].add_run("{{")
    cell.paragraphs[0].add_run("a}}")
    section = document.sections[0]
    section.header.paragraphs[0].add_run("页眉{{")
    section.header.paragraphs[0].add_run("b}}")
    section.footer.paragraphs[0].add_run("{{c}}页脚")
    form_fill.fill(document, form_fill.Context({"编号": "催字〔2026〕1号", "a": "甲", "b": "{{c}}", "c": "丙"}))
    buffer = io.BytesIO()
    document.save(buffer)
    document = Document(io.BytesIO(buffer.getvalue()))
    assert document.paragraphs[0].text == "办理催字〔2026〕1号。完成"
    assert document.paragraphs[1].text == "甲{{c}}x丙"  # an inserted value is not substituted
    assert document.tables[0].rows[0].cells[0].text == "甲"
    assert document.sections[0].header.paragraphs[0].text == "页眉{{c}}"
    assert document.sections[0].footer.paragraphs[0].text == "丙页脚"


def test_value_keeps_the_format_of_the_run_where_the_placeholder_starts():
    document = _document_with([["前", "{{编号}}", "后"]])
    form_fill.fill(document, form_fill.Context({"编号": "X1"}))
    runs = document.paragraphs[0].runs
    assert "".join(r.text for r in runs) == "前X1后"
    assert all(r.bold for r in runs if r.text == "X1")


def test_rows_repeat_when_a_list_spans_cells_and_paragraphs_otherwise():
    document = Document()
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "单位"
    table.rows[1].cells[0].text = "{{决定事项.承办单位}}"
    table.rows[1].cells[1].text = "{{决定事项.事项}}"
    document.add_paragraph("记录:{{协商记录.记录}}")
    entries = [{"承办单位": f"单位{i}", "事项": f"事项{i}"} for i in range(3)]
    form_fill.fill(document, form_fill.Context({}, {"决定事项": entries,
                                                    "协商记录": [{"记录": "一"}, {"记录": "二"}]}))
    assert [[c.text for c in r.cells] for r in table.rows][1:] == [
        ["单位0", "事项0"], ["单位1", "事项1"], ["单位2", "事项2"]]
    assert [p.text for p in document.paragraphs] == ["记录:一", "记录:二"]


def test_an_empty_list_keeps_one_blank_row():
    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "{{签署方.单位}}"
    table.rows[0].cells[1].text = "{{签署方.日期}}"
    form_fill.fill(document, form_fill.Context({}, {"签署方": []}))
    assert [c.text for c in table.rows[0].cells] == ["", ""]
    assert len(table.rows) == 1


# ------------------------------------------------------------------ templates


def test_shipped_templates_are_valid_and_documented():
    guide = (paths.shipped_forms_dir() / "README.md").read_text(encoding="utf-8")
    for kind in form_templates.TEMPLATE_FILES:
        document = form_templates.open_template(kind)  # raises if anything is wrong
        assert form_fill.placeholders(document)
        fields, lists = form_templates.FIELDS[kind]
        for name in fields:
            assert f"{{{{{name}}}}}" in guide, name
        for list_name, list_fields in lists.items():
            for name in list_fields:
                assert f"{{{{{list_name}.{name}}}}}" in guide, f"{list_name}.{name}"


def test_shipped_templates_set_east_asian_fonts_and_a4():
    for kind in form_templates.TEMPLATE_FILES:
        document = form_templates.open_template(kind)
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
        assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
        assert round(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm) == 225
        for root in (document.styles.element, document.element.body):
            for fonts in root.iter(qn("w:rFonts")):
                assert fonts.get(qn("w:eastAsia")), kind
                assert fonts.get(qn("w:eastAsiaTheme")) is None
        normal = document.styles["Normal"]
        assert normal.font.size.pt == 16
        title = document.styles["公文标题"]
        assert title.font.size.pt == 22


def test_every_form_kind_has_a_name_and_file_name():
    assert set(forms.FORM_KINDS) == {"register", "notice", "instruction_report",
                                     "resolution_record", "bulletin"}
    assert forms.default_filename("notice", "催字〔2026〕12号") == "催办通知-催字〔2026〕12号.docx"
    assert forms.default_filename("register", "催字/2026:12") == "督促检查登记单-催字_2026_12.docx"
    assert forms.default_filename("bulletin", today=TODAY) == "督查通报-2026年6月15日.docx"
    assert forms.default_notices_filename(3, TODAY) == "催办通知(3件)-2026年6月15日.docx"


def test_font_settings_replace_the_default_names(office, tmp_path):
    settings.update({"font_body": "仿宋", "font_title": "华文中宋"})
    item = factories.item()
    document = Document(str(forms.export_form("register", item.id, tmp_path / "r.docx", today=TODAY)))
    names = {f.get(qn("w:eastAsia")) for root in (document.styles.element, document.element.body)
             for f in root.iter(qn("w:rFonts"))}
    assert {"仿宋", "华文中宋", "黑体"} <= names
    assert "仿宋_GB2312" not in names and "方正小标宋简体" not in names


def test_office_templates_override_and_restore(office, tmp_path):
    copied = forms.copy_shipped_templates()
    folder = forms.office_templates_dir()
    assert {p.name for p in copied} >= set(form_templates.TEMPLATE_FILES.values())
    assert all(p.parent == folder for p in copied)
    own = folder / form_templates.TEMPLATE_FILES["notice"]
    document = Document(str(own))
    document.add_paragraph("本办公室自己加的一段:{{具体负责人}}")
    document.save(str(own))
    item = factories.item()
    text = all_text(forms.export_form("notice", item.id, tmp_path / "n.docx", today=TODAY))
    assert "本办公室自己加的一段:蒋建华" in text
    assert forms.copy_shipped_templates() == [folder / form_templates.GUIDE_NAME]  # kept
    aside = forms.restore_default_templates()
    assert (aside / own.name).is_file() and not own.exists()
    text = all_text(forms.export_form("notice", item.id, tmp_path / "n2.docx", today=TODAY))
    assert "本办公室自己加的一段" not in text
    assert forms.template_problems() == []
    assert forms.restore_default_templates() is None


def test_a_template_missing_a_placeholder_is_named(office, tmp_path):
    forms.copy_shipped_templates()
    own = forms.office_templates_dir() / form_templates.TEMPLATE_FILES["notice"]
    document = Document(str(own))
    for p in document.element.body.iter(qn("w:t")):
        p.text = (p.text or "").replace("{{反馈天数}}", "五").replace("{{编号}}", "{{编號}}")
    document.save(str(own))
    with pytest.raises(form_templates.TemplateError) as caught:
        forms.export_form("notice", factories.item().id, tmp_path / "n.docx", today=TODAY)
    message = str(caught.value)
    assert "催办通知.docx" in message and "{{反馈天数}}" in message and "{{编號}}" in message
    assert "缺少占位符" in message and "无法识别" in message
    assert not (tmp_path / "n.docx").exists()
    assert any("催办通知.docx" in m for m in forms.template_problems())


def test_a_template_that_is_not_a_word_document_is_named(office, tmp_path):
    folder = forms.office_templates_dir()
    folder.mkdir(parents=True)
    (folder / form_templates.TEMPLATE_FILES["register"]).write_text("这不是 Word 文档", encoding="utf-8")
    with pytest.raises(form_templates.TemplateError, match="督促检查登记单.docx.*不是有效的 Word 文档"):
        forms.export_form("register", factories.item().id, tmp_path / "r.docx", today=TODAY)
    assert len(forms.template_problems()) == 1


# ------------------------------------------------------------------ batch and files


def test_notices_one_per_page_each_numbered_from_one(office, tmp_path):
    items = [factories.item(title=f"事项{i}", deadline=dt.date(2026, 6, 10 + i)) for i in range(3)]
    calls = []
    dest = forms.export_notices([i.id for i in items], tmp_path / "n.docx",
                                progress=lambda done, total, text: calls.append((done, total)) or True,
                                today=TODAY)
    document = Document(str(dest))
    assert len(document.sections) == 3
    for section in document.sections:
        numbering = section._sectPr.find(qn("w:pgNumType"))
        assert numbering is not None and numbering.get(qn("w:start")) == "1"
    text = all_text(dest)
    assert [text.count(f"事项{i}一事由你单位主办") for i in range(3)] == [1, 1, 1]
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_cancelling_notices_writes_nothing(office, tmp_path):
    items = [factories.item(title=f"事项{i}") for i in range(3)]
    dest = tmp_path / "n.docx"
    dest.write_bytes(b"old")
    with pytest.raises(forms.Cancelled):
        forms.export_notices([i.id for i in items], dest, progress=lambda done, total, text: done < 2,
                             today=TODAY)
    assert dest.read_bytes() == b"old"
    assert not list(tmp_path.glob(".~*"))


def test_overdue_notices_skip_items_waiting_for_review(office):
    late = factories.item(title="逾期", deadline=dt.date(2026, 6, 10))
    waiting = factories.item(title="已报送", deadline=dt.date(2026, 6, 10))
    supervision.report_result(waiting.id, content="已完成。", reported_on=dt.date(2026, 6, 12), now=TODAY)
    factories.item(title="未到期")
    assert forms.overdue_item_ids(TODAY) == [late.id]


def test_a_failed_write_leaves_the_existing_file_intact(office, tmp_path, monkeypatch):
    item = factories.item()
    dest = tmp_path / "r.docx"
    forms.export_form("register", item.id, dest, today=TODAY)
    before = file_digest(dest)

    def disk_full(self, path):
        with open(path, "wb") as handle:
            handle.write(b"half a file")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("docx.document.Document.save", disk_full)
    with pytest.raises(FileError, match="磁盘空间不足"):
        forms.export_form("notice", item.id, dest, today=TODAY)
    assert file_digest(dest) == before
    assert not list(tmp_path.glob(".~*"))


def test_missing_records_give_a_clear_message(office, tmp_path):
    from duban_desktop.domain.errors import NotFound

    with pytest.raises(NotFound, match="找不到督办事项"):
        forms.export_form("register", 999, tmp_path / "r.docx", today=TODAY)
    with pytest.raises(NotFound):
        forms.export_form("resolution_record", 999, tmp_path / "r.docx", today=TODAY)
    assert CoordinationCase.select().count() == 0
