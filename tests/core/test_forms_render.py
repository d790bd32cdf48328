"""The forms as LibreOffice lays them out: page counts, Chinese fonts embedded, long text
flowing onto further pages, and templates re-saved by LibreOffice still filling.

All documents are converted in one LibreOffice run per module (a start costs seconds).
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from duban_desktop.domain import supervision
from duban_desktop.io import form_templates, forms

from .. import factories
from ..factories import TODAY
from .forms_helpers import (
    OFFICE,
    all_text,
    convert,
    office_settings,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    resolved_case,
    typical_item,
)

pytestmark = pytest.mark.slow

LONG = "此项工作涉及面广、任务重,请各单位高度重视,按时保质完成。" * 180 + "全文完"  # > 5,000 characters


@pytest.fixture
def rendered(db, tmp_path):
    """Every form with typical content and with long text, as PDFs (name -> PDF path)."""
    office_settings()
    docs = tmp_path / "docx"
    docs.mkdir()
    item = typical_item()
    closed = factories.closed_item(title="落实县长关于老旧小区改造的批示")
    case = resolved_case()
    late = [factories.item(title=f"逾期事项{i}", deadline=dt.date(2026, 6, 8 + i)) for i in range(3)]
    long_item = factories.item(title="长文本事项", content=LONG, leader_instruction=LONG)
    supervision.urge(long_item.id, method="phone", content=LONG, urged_on=dt.date(2026, 6, 5), now=TODAY)
    made = {
        "register": forms.export_form("register", item.id, docs / "register.docx", today=TODAY),
        "notice": forms.export_form("notice", item.id, docs / "notice.docx", today=TODAY),
        "instruction_report": forms.export_form("instruction_report", closed.id,
                                                docs / "instruction_report.docx", today=TODAY),
        "resolution_record": forms.export_form("resolution_record", case.id,
                                               docs / "resolution_record.docx", today=TODAY),
        "bulletin": forms.export_bulletin(docs / "bulletin.docx", today=TODAY),
        "notices": forms.export_notices([i.id for i in late], docs / "notices.docx", today=TODAY),
    }
    for kind in ("register", "notice", "instruction_report"):
        made[f"long_{kind}"] = forms.export_form(kind, long_item.id, docs / f"long_{kind}.docx",
                                                 today=TODAY)
    pdfs = convert(list(made.values()), tmp_path / "pdf")
    return dict(zip(made, pdfs, strict=True))


EXPECTED_PAGES = {"register": 1, "notice": 2, "instruction_report": 1, "resolution_record": 1,
                  "bulletin": 2, "notices": 3}


def test_each_form_has_the_expected_pages_and_embeds_chinese_fonts(rendered):
    for name, pages in EXPECTED_PAGES.items():
        pdf = rendered[name]
        assert pdf_pages(pdf) == pages, name
        fonts = pdf_fonts(pdf)
        assert fonts and all(embedded for _, embedded in fonts), (name, fonts)
        assert any("CJK" in font or "Hei" in font or "Song" in font or "Ming" in font
                   for font, _ in fonts), (name, fonts)
        text = pdf_text(pdf)
        assert OFFICE in text.replace(" ", ""), name
        assert "—1—" in text.replace(" ", ""), name
        assert "\ufffd" not in text and "□" not in text, name


def test_long_text_flows_onto_more_pages_and_nothing_is_cut(rendered):
    for kind in ("register", "notice", "instruction_report"):
        pdf = rendered[f"long_{kind}"]
        assert pdf_pages(pdf) >= 2, kind
        text = "".join(pdf_text(pdf).split())
        assert text.count("全文完") >= 1, kind  # the last words of the long text are on a page
        assert "—2—" in text, kind


def test_a_template_resaved_by_libreoffice_still_fills(db, tmp_path):
    office_settings()
    item = typical_item()
    case = resolved_case()
    shipped = [form_templates.shipped_path(kind) for kind in form_templates.TEMPLATE_FILES]
    copies = tmp_path / "copies"
    copies.mkdir()
    for path in shipped:  # LibreOffice names its output after the input: use ASCII names
        shutil.copyfile(path, copies / f"{path.stem.encode().hex()}.docx")
    resaved = convert(sorted(copies.glob("*.docx")), tmp_path / "resaved", to="docx:MS Word 2007 XML")
    folder = forms.office_templates_dir()
    folder.mkdir(parents=True)
    for path in resaved:
        name = bytes.fromhex(path.stem).decode() + ".docx"
        shutil.copyfile(path, folder / name)
    assert all(form_templates.is_office_template(k) for k in form_templates.TEMPLATE_FILES)
    assert forms.template_problems() == []
    out = tmp_path / "out"
    out.mkdir()
    text = all_text(forms.export_form("register", item.id, out / "r.docx", today=TODAY))
    for expected in (item.number, item.title, "主办：县住房和城乡建设局（蒋建华）",
                     "2026年6月12日,通知单:请于本周内报送改造方案。", OFFICE):
        assert expected in text
    text = all_text(forms.export_form("notice", item.id, out / "n.docx", today=TODAY))
    assert f"{item.title}一事由你单位主办" in text and "{{" not in text
    text = all_text(forms.export_form("resolution_record", case.id, out / "c.docx", today=TODAY))
    assert "办理停车场建设用地手续" in text and "{{" not in text
    text = all_text(forms.export_bulletin(out / "b.docx", today=TODAY))
    assert "办结率" in text and "{{" not in text
