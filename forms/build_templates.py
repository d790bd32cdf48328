"""Builds the shipped Word templates of the standard forms (run from the repository root):

    .venv/bin/python forms/build_templates.py

The .docx files it writes are committed and are what the program reads; this script only
makes them reproducible. Layout after GB/T 9704-2012: A4, top margin 37 mm, left 28 mm,
text block 156 x 225 mm, body 3号 (16 pt) 仿宋 on a fixed 28.95 pt line (22 lines a page),
titles 2号 (22 pt) 小标宋, page numbers 4号 (14 pt) 宋体 as "— 1 —" (odd pages right,
even pages left, one character in). Fonts are written with their East Asian name
(w:eastAsia) on the document defaults, every style and every run. The placeholders are
listed in forms/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from duban_desktop.io.fonts import BODY, HEADING, NUMBER, TITLE, font_table_xml  # noqa: E402
from duban_desktop.io.form_templates import TEMPLATE_FILES  # noqa: E402

LINE = 579  # twips: 28.95 pt, 22 lines in the 225 mm text block
EM = 320  # twips: one 3号 character (16 pt)
WIDTH_MM = 156
TABLE_LINE = 400  # twips: 20 pt lines for 4号 (14 pt) text in the forms' tables
SMALL_LINE = 380  # twips: 19 pt lines for 小四 (12 pt) text in tables of many columns
RED = RGBColor(0xE6, 0x00, 0x12)


# ------------------------------------------------------------------ low-level helpers


def set_fonts(rpr, name: str) -> None:
    """Latin, East Asian and complex-script font of a run or style: all ``name``."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def style(doc, name: str, *, font: str, size: float, base: str | None = "Normal",
          align=None, first_line_em: float = 0, line: int | None = LINE, before: int = 0,
          after: int = 0, bold: bool = False, color: RGBColor | None = None,
          keep_next: bool = False, left_em: float = 0, right_em: float = 0):
    from docx.enum.style import WD_STYLE_TYPE

    st = doc.styles[name] if name in [s.name for s in doc.styles] else \
        doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base and name != base:
        st.base_style = doc.styles[base]
    st.quick_style = True
    st.font.size = Pt(size)
    st.font.bold = bold
    if color is not None:
        st.font.color.rgb = color
    set_fonts(st.element.get_or_add_rPr(), font)
    pf = st.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.space_before, pf.space_after = Pt(before / 20), Pt(after / 20)
    pf.keep_with_next = keep_next
    ppr = st.element.get_or_add_pPr()
    spacing = ppr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        ppr.append(spacing)
    if line:
        spacing.set(qn("w:line"), str(line))
        spacing.set(qn("w:lineRule"), "exact")
    else:
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    chars = int(round(size * 20))
    ind.set(qn("w:firstLine"), str(int(first_line_em * chars)))
    ind.set(qn("w:firstLineChars"), str(int(first_line_em * 100)))
    ind.set(qn("w:left"), str(int(left_em * chars)))
    ind.set(qn("w:right"), str(int(right_em * chars)))
    return st


def para(container, text: str = "", style_name: str = "Normal", *, align=None, runs=None,
         border: str | None = None, tabs: list[tuple[float, str]] | None = None,
         keep_next: bool | None = None):
    """A paragraph; ``runs`` is a list of (text, options) when parts differ in format."""
    p = container.add_paragraph(style=style_name)
    if align is not None:
        p.alignment = align
    if keep_next is not None:
        p.paragraph_format.keep_with_next = keep_next
    for pos_mm, kind in tabs or ():
        p.paragraph_format.tab_stops.add_tab_stop(
            Mm(pos_mm), WD_TAB_ALIGNMENT.RIGHT if kind == "right" else WD_TAB_ALIGNMENT.LEFT)
    for part, options in runs if runs is not None else [(text, {})]:
        run = p.add_run(part)
        font = options.get("font") or font_of(doc_of(container), style_name)
        set_fonts(run._r.get_or_add_rPr(), font)
        if options.get("underline"):
            run.underline = True
    if border:
        p_border(p, border)
    return p


def doc_of(container):
    part = container.part
    return part.document


def font_of(doc, style_name: str) -> str:
    st = doc.styles[style_name]
    while st is not None:
        fonts = st.element.rPr.find(qn("w:rFonts")) if st.element.rPr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        st = st.base_style
    return BODY


def p_border(p, where: str, *, val: str = "single", size: int = 6, color: str = "000000",
             space: int = 1) -> None:
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement(f"w:{where}")
    for key, value in (("val", val), ("sz", str(size)), ("space", str(space)),
                       ("color", color)):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)
    # pBdr goes before spacing/ind/jc in CT_PPr's sequence
    anchor = None
    for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:jc"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def table(doc, widths_mm: list[float], rows: int, *, borders: bool = True, style_name="Normal"):
    t = doc.add_table(rows=rows, cols=len(widths_mm))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_mm) / 25.4 * 1440)))
    width.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    if borders:
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            e = OxmlElement(f"w:{edge}")
            e.set(qn("w:val"), "single")
            e.set(qn("w:sz"), "8" if edge in ("top", "left", "bottom", "right") else "4")
            e.set(qn("w:space"), "0")
            e.set(qn("w:color"), "000000")
            edges.append(e)
        tbl_pr.append(edges)
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("left", 70), ("right", 70), ("top", 40), ("bottom", 40)):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:w"), str(value))
        e.set(qn("w:type"), "dxa")
        margins.append(e)
    tbl_pr.append(margins)
    for i, w in enumerate(widths_mm):
        t.columns[i].width = Mm(w)
        for cell in t.columns[i].cells:
            cell.width = Mm(w)
    for row in t.rows:
        for cell in row.cells:
            cell.paragraphs[0].style = doc.styles[style_name]
    return t


def cell_text(cell, text: str = "", style_name: str = "Normal", *, align=None, first=True,
              runs=None):
    """Write into a cell: its first (empty) paragraph, or a new one."""
    if first:
        p = cell.paragraphs[0]
        p.style = style_name
        if align is not None:
            p.alignment = align
        for part, options in runs if runs is not None else [(text, {})]:
            run = p.add_run(part)
            set_fonts(run._r.get_or_add_rPr(), options.get("font") or font_of(p.part.document, style_name))
        return p
    return para(cell, text, style_name, align=align, runs=runs)


def rule_lines(t) -> None:
    """Lines to write on by hand: a borderless table with a rule under each row."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("insideH", "bottom"):
        e = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            e.set(qn(f"w:{key}"), value)
        borders.append(e)
    t._tbl.tblPr.append(borders)
    for row in t.rows:
        row.height = Mm(10)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY


def label(cell, text: str) -> None:
    cell_text(cell, text, "表格标签", align=WD_ALIGN_PARAGRAPH.CENTER)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def row_height(row, mm: float) -> None:
    row.height = Mm(mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def header_row(row) -> None:
    """Repeated at the top of each page; never split."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    tr_pr.append(OxmlElement("w:tblHeader"))


def keep_row(row) -> None:
    """A short row of a list table: kept whole on one page."""
    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def page_number_field(p) -> None:
    """— PAGE — with the number as a real field."""
    def run(text=None, fld=None, instr=None):
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        r.append(rpr)
        set_fonts(rpr, NUMBER)
        if fld:
            f = OxmlElement("w:fldChar")
            f.set(qn("w:fldCharType"), fld)
            r.append(f)
        if instr:
            i = OxmlElement("w:instrText")
            i.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            i.text = instr
            r.append(i)
        if text is not None:
            t = OxmlElement("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = text
            r.append(t)
        p._p.append(r)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


# ------------------------------------------------------------------ the document


def new_document():
    doc = Document()
    # drop the Word 2010 style copy and the sample custom XML that python-docx ships
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype in ("http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
                           RT.CUSTOM_XML):
            del doc.part.rels[rid]
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, BODY)
    for tag, value in (("w:sz", "32"), ("w:szCs", "32")):
        rpr.find(qn(tag)).set(qn("w:val"), value)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:line"), str(LINE))
    spacing.set(qn("w:lineRule"), "exact")
    # no theme fonts anywhere: a theme font would win over the East Asian name
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        if not fonts.get(qn("w:eastAsia")):
            set_fonts(fonts.getparent(), BODY)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    # no snapping to a line grid: LibreOffice would give a 22 pt title two grid lines;
    # the fixed 28.95 pt line spacing of the styles gives the 22 lines a page
    grid.attrib.clear()
    grid.set(qn("w:linePitch"), str(LINE))

    normal = style(doc, "Normal", font=BODY, size=16, base=None, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    normal.paragraph_format.widow_control = False
    style(doc, "正文", font=BODY, size=16, first_line_em=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    style(doc, "公文标题", font=TITLE, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, after=LINE,
          keep_next=True)
    style(doc, "一级标题", font=HEADING, size=16, first_line_em=2, keep_next=True)
    style(doc, "文号", font=BODY, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    style(doc, "主送", font=BODY, size=16)
    # 发文机关署名 centred over the date; the date right-aligned four characters in
    style(doc, "署名", font=BODY, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, left_em=13.5,
          before=LINE, keep_next=True)
    style(doc, "成文日期", font=BODY, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT, right_em=4)
    style(doc, "附注", font=BODY, size=16, first_line_em=2)
    style(doc, "表格标签", font=HEADING, size=14, line=TABLE_LINE,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    style(doc, "表格文字", font=BODY, size=14, line=TABLE_LINE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    style(doc, "小表格标签", font=HEADING, size=12, line=SMALL_LINE,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    style(doc, "小表格文字", font=BODY, size=12, line=SMALL_LINE, align=WD_ALIGN_PARAGRAPH.LEFT)
    style(doc, "小表格数字", font=BODY, size=12, line=SMALL_LINE, align=WD_ALIGN_PARAGRAPH.CENTER)
    style(doc, "Footer", font=NUMBER, size=14, line=None)
    style(doc, "Header", font=BODY, size=14, line=None)

    # page numbers: odd pages right, even pages left, one character in
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.style = doc.styles["Footer"]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)
    page_number_field(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = doc.styles["Footer"]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    page_number_field(even)

    # the body starts empty: python-docx's template has no paragraphs but keep it sure
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def font_table(doc) -> None:
    """Alternative names and GB2312 charset so Word finds a Chinese font when one is missing."""
    for rel in doc.part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = font_table_xml()


def title(doc, text: str):
    return para(doc, text, "公文标题")


def signature(doc, office="{{办公室名称}}", date="{{成文日期}}"):
    para(doc, office, "署名")
    para(doc, date, "成文日期")


def note(doc, text: str):
    para(doc, text, "附注")


# ------------------------------------------------------------------ the forms


def register():
    doc = new_document()
    title(doc, "督促检查登记单")
    para(doc, "{{登记日期}}\t{{编号}}", "Normal", tabs=[(WIDTH_MM, "right")])
    t = table(doc, [28, 50, 28, 50], 6, style_name="表格文字")
    rows = t.rows
    full = [rows[i].cells[1].merge(rows[i].cells[3]) for i in (0, 1, 3, 4, 5)]
    label(rows[0].cells[0], "催办项目")
    cell_text(full[0], "{{催办项目}}", "表格文字")
    cell_text(full[0], "{{项目内容}}", "表格文字", first=False)
    label(rows[1].cells[0], "承办单位(人)")
    cell_text(full[1], "{{承办单位及负责人}}", "表格文字")
    label(rows[2].cells[0], "发出时间")
    cell_text(rows[2].cells[1], "{{发出时间}}", "表格文字", align=WD_ALIGN_PARAGRAPH.CENTER)
    label(rows[2].cells[2], "完成时限")
    cell_text(rows[2].cells[3], "{{完成时限}}", "表格文字", align=WD_ALIGN_PARAGRAPH.CENTER)
    for cell in rows[2].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    label(rows[3].cells[0], "领导批示")
    cell_text(full[2], "{{领导批示}}", "表格文字")
    cell_text(full[2], "{{批示领导}}　{{批示日期}}", "表格文字", first=False,
              align=WD_ALIGN_PARAGRAPH.RIGHT)
    label(rows[4].cells[0], "催办记录")
    cell_text(full[3], "{{催办记录.记录}}", "表格文字")
    label(rows[5].cells[0], "处理结果")
    cell_text(full[4], "{{处理结果}}", "表格文字")
    for i, mm in ((0, 16), (1, 10), (2, 10), (3, 12), (4, 24), (5, 24)):
        row_height(rows[i], mm)
    # one line, so a closed item with its full record still fits on one page
    para(doc, "{{办公室名称}}　登记人:{{登记人}}\t联系电话:{{联系电话}}", "表格文字",
         tabs=[(WIDTH_MM, "right")])
    return doc


def notice():
    doc = new_document()
    title(doc, "{{办公室名称}}{{通知类别}}通知")
    para(doc, "{{编号}}", "文号")
    para(doc, "{{主办单位}}:", "主送")
    para(doc, "{{催办项目}}一事由你单位{{承办角色}},请将办理情况于{{反馈天数}}日内反映给我们。", "正文")
    para(doc, "{{办理要求}}", "正文")
    signature(doc, date="{{通知日期}}")
    # the return part, cut off along the dashed line and sent back by the unit
    head = para(doc, "办理结果:\t{{编号}}", "Normal", tabs=[(WIDTH_MM, "right")])
    head.paragraph_format.space_before = Pt(LINE / 20)
    p_border(head, "top", val="dashed", size=6, space=8)
    ruled = table(doc, [WIDTH_MM], 4, borders=False)
    rule_lines(ruled)
    para(doc, "{{承办角色}}单位负责人:\t　　　　年　　月　　日", "Normal",
         runs=[("{{承办角色}}单位负责人:", {}), ("　" * 8, {"underline": True}),
               ("\t　　　　年　　月　　日", {})], tabs=[(WIDTH_MM, "right")])
    para(doc, "(阅办后连同附件退回)联系电话:{{联系电话}}", "Normal")
    return doc


def instruction_report():
    doc = new_document()
    title(doc, "领导同志批示件办理情况")
    para(doc, "{{编号}}", "文号")
    para(doc, "{{批示领导}}:", "主送")
    para(doc, "您于{{批示月日}}在{{批示载体}}上所指示的意见,已由{{承办单位}}办理,"
         "现将落实情况送上,请阅示。", "正文")
    t = table(doc, [36, 120], 4, style_name="表格文字")
    for i, (name, field, mm) in enumerate((("领导指示", "{{领导批示}}", 22),
                                           ("各单位办理情况", "{{各单位办理情况}}", 26),
                                           ("查办结果摘要", "{{查办结果摘要}}", 28),
                                           ("拟办意见", "{{拟办意见}}", 18))):
        label(t.rows[i].cells[0], name)
        cell_text(t.rows[i].cells[1], field, "表格文字")
        row_height(t.rows[i], mm)
    signature(doc, date="{{报送日期}}")
    note(doc, "(联系人:{{经办人}};联系电话:{{联系电话}})")
    return doc


def resolution_record():
    doc = new_document()
    title(doc, "{{记录名称}}").paragraph_format.space_after = Pt(LINE / 40)
    para(doc, "{{记录编号}}", "文号", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{{办公室名称}}\t{{处理日期}}", "Normal", tabs=[(WIDTH_MM, "right")])
    para(doc, "{{协调事项}}({{事项编号}}),由{{提出方}}于{{受托日期}}提出,涉及{{协调各方}}。"
         "经{{协商次数}}次协商,各方取得一致意见,{{记录用语}}:", "正文")
    para(doc, "{{事项说明}}", "正文")
    para(doc, "一、协调经过", "一级标题")
    para(doc, "{{协商记录.记录}}", "正文")
    para(doc, "二、处理决定", "一级标题")
    para(doc, "{{处理决定}}", "正文", keep_next=True)
    t = table(doc, [11, 32, 53, 38, 22], 2, style_name="小表格文字")
    for i, name in enumerate(("序号", "承办单位", "决定事项", "完成时限", "负责人")):
        cell_text(t.rows[0].cells[i], name, "小表格标签")
    header_row(t.rows[0])
    for i, field in enumerate(("序号", "承办单位", "事项", "完成时限", "负责人")):
        cell_text(t.rows[1].cells[i], f"{{{{决定事项.{field}}}}}",
                  "小表格数字" if field in ("序号", "完成时限", "负责人") else "小表格文字")
        t.rows[1].cells[i].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    row_height(t.rows[1], 8)
    keep_row(t.rows[1])
    para(doc, "三、各方签署", "一级标题")
    s = table(doc, [62, 52, 42], 2, style_name="小表格文字")
    for i, name in enumerate(("协调各方(盖章)", "代表签字", "日期")):
        cell_text(s.rows[0].cells[i], name, "小表格标签")
    header_row(s.rows[0])
    cell_text(s.rows[1].cells[0], "{{签署方.单位}}", "小表格文字")
    cell_text(s.rows[1].cells[2], "{{签署方.日期}}", "小表格数字")
    for cell in s.rows[1].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    row_height(s.rows[1], 10)
    keep_row(s.rows[1])
    note(doc, "(经办人:{{经办人}};联系电话:{{联系电话}})")
    return doc


def bulletin():
    doc = new_document()
    head = para(doc, "督查通报", "公文标题", keep_next=True)
    head.paragraph_format.space_after = Pt(0)
    for r in head.runs:
        r.font.size = Pt(42)
        r.font.color.rgb = RED
    spacing = head._p.get_or_add_pPr().find(qn("w:spacing"))
    spacing.set(qn("w:line"), str(LINE * 2))
    line = para(doc, "{{办公室名称}}\t{{通报日期}}", "Normal", tabs=[(WIDTH_MM, "right")])
    p_border(line, "bottom", val="single", size=18, color="E60012", space=4)
    line.paragraph_format.space_after = Pt(LINE / 20)
    title(doc, "关于督办事项办理情况的通报")
    para(doc, "截至{{通报日期}},共交办督办事项{{交办}}件,已办结{{办结}}件,办结率{{办结率}};"
         "其中按期办结{{按期办结}}件,按期办结率{{按期办结率}}。尚未办结{{未办结}}件,"
         "其中逾期{{逾期}}件。现将有关情况通报如下。", "正文")
    para(doc, "一、各单位办理情况", "一级标题")
    cols = ("序号", "承办单位", "交办", "办结", "未办结", "逾期", "办结率", "按期办结率")
    t = table(doc, [11, 47, 14, 14, 16, 14, 18, 22], 3, style_name="小表格数字")
    for i, name in enumerate(cols):
        cell_text(t.rows[0].cells[i], name, "小表格标签")
        cell_text(t.rows[1].cells[i], f"{{{{单位统计.{name}}}}}",
                  "小表格文字" if name == "承办单位" else "小表格数字")
    header_row(t.rows[0])
    keep_row(t.rows[1])
    keep_row(t.rows[2])
    total = t.rows[2].cells[0].merge(t.rows[2].cells[1])
    cell_text(total, "合计", "小表格标签")
    for i, name in enumerate(cols[2:], start=2):
        cell_text(t.rows[2].cells[i], f"{{{{{name}}}}}", "小表格数字")
    para(doc, "二、逾期事项", "一级标题")
    para(doc, "截至{{通报日期}},逾期未办结的事项共{{逾期}}件,按完成时限先后排列如下"
         "(逾期天数按工作日计):", "正文")
    cols = ("序号", "编号", "催办项目", "承办单位", "完成时限", "逾期工作日")
    t = table(doc, [10, 37, 42, 28, 28, 11], 2, style_name="小表格文字")
    keep_row(t.rows[1])
    for i, name in enumerate(cols):
        cell_text(t.rows[0].cells[i], name if name != "逾期工作日" else "逾期",
                  "小表格标签")
        cell_text(t.rows[1].cells[i], f"{{{{逾期事项.{name}}}}}",
                  "小表格数字" if name in ("序号", "完成时限", "逾期工作日") else "小表格文字")
    header_row(t.rows[0])
    para(doc, "三、有关要求", "一级标题")
    para(doc, "请各承办单位对照通报,抓紧办理尚未办结的事项;逾期事项请于收到通报后3个工作日内"
         "报送办理进展和完成时间。", "正文")
    signature(doc, date="{{通报日期}}")
    note(doc, "(统计口径:{{统计口径}})")
    note(doc, "(联系人:{{经办人}};联系电话:{{联系电话}})")
    return doc


BUILDERS = {
    "register": register,
    "notice": notice,
    "instruction_report": instruction_report,
    "resolution_record": resolution_record,
    "bulletin": bulletin,
}


def build(folder: Path = ROOT / "forms") -> list[Path]:
    written = []
    for kind, make in BUILDERS.items():
        doc = make()
        font_table(doc)
        props = doc.core_properties
        props.title, props.author, props.comments = TEMPLATE_FILES[kind][:-5], "督办 Desktop", \
            "占位符说明见 forms/README.md"
        props.last_modified_by = "督办 Desktop"
        path = folder / TEMPLATE_FILES[kind]
        doc.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
