"""The standard forms in Word: fill a template for an item, a case, or the bulletin.

This is what the window and the command line call. Templates, placeholders and the
office's own copies are in ``form_templates``; the fields in ``form_data``; the filling
rules in ``form_fill``. Files are written atomically: a failed or cancelled export never
leaves half a file and never spoils an existing one.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from ..domain import coordination, settings, supervision
from ..domain.dates import format_cn
from ..domain.errors import DomainError
from . import form_data, form_fill
from .files import Cancelled, atomic_write, safe_filename  # noqa: F401 - Cancelled re-exported
from .fonts import ROLES, apply_font_settings
from .form_templates import (  # noqa: F401 - the window imports these from here
    FORM_KINDS,
    TemplateError,
    copy_shipped_templates,
    is_office_template,
    office_templates_dir,
    open_template,
    restore_default_templates,
    template_path,
    template_problems,
)

Progress = Callable[[int, int, str], bool]

FILE_PREFIX = {
    "register": "督促检查登记单",
    "notice": "催办通知",
    "instruction_report": "领导同志批示件办理情况",
    "resolution_record": "协调会议纪要",
    "bulletin": "督查通报",
}


def default_filename(kind: str, number: str = "", *, today: dt.date | None = None) -> str:
    """A file name like 催办通知-催字〔2026〕12号.docx, safe on every system.

    For the bulletin (or with no number) the date is used: 督查通报-2026年6月15日.docx.
    """
    if kind not in FILE_PREFIX:
        raise ValueError(kind)
    tail = str(number).strip() or format_cn(today or dt.date.today())
    return safe_filename(f"{FILE_PREFIX[kind]}-{tail}.docx")


def default_notices_filename(count: int, today: dt.date | None = None) -> str:
    """催办通知(12件)-2026年6月15日.docx, for a batch of notices."""
    return safe_filename(f"催办通知({count}件)-{format_cn(today or dt.date.today())}.docx")


# ------------------------------------------------------------------ one document


def _prepare(kind: str, removed: list[str] | None = None):
    """The template, cleaned (io/docx_safety.py); what the cleaning took out of it goes
    into ``removed`` so that the caller can tell the user."""
    document = open_template(kind, removed=removed)
    apply_font_settings(document, {role: str(settings.get(role)) for role in ROLES})
    return document


def _save(document, dest) -> Path:
    return atomic_write(dest, lambda tmp: document.save(str(tmp)))


def export_form(kind: str, record_id: int | None, dest, *, today: dt.date | None = None,
                removed: list[str] | None = None) -> Path:
    """Fill one form and write it to ``dest``.

    ``record_id`` is a SupervisionItem id (register, notice, instruction_report) or a
    CoordinationCase id (resolution_record); the bulletin takes none.
    """
    today = today or dt.date.today()
    if kind == "bulletin":
        return export_bulletin(dest, today=today, removed=removed)
    if kind not in FORM_KINDS:
        raise ValueError(kind)
    if kind == "resolution_record":
        context = form_data.case_context(coordination.get_case(record_id), today)
    else:
        item = supervision.get_item(record_id)
        if kind == "notice" and form_data.notice_count([item.id]) > 1:
            # several units at work on it: a notice to each, one a page
            return export_notices([item.id], dest, today=today, removed=removed)
        context = form_data.item_context(item, today)
    document = _prepare(kind, removed)
    form_fill.fill(document, context)
    return _save(document, dest)


def export_bulletin(dest, *, today: dt.date | None = None, year: int | None = None,
                    removed: list[str] | None = None) -> Path:
    """督查通报 as of ``today``: totals, each unit's numbers, the overdue list."""
    today = today or dt.date.today()
    context = form_data.bulletin_context(today, year)
    document = _prepare("bulletin", removed)
    form_fill.fill(document, context)
    return _save(document, dest)


# ------------------------------------------------------------------ notices in one document


def _section_break(paragraph, model_sect_pr) -> None:
    """End a section at ``paragraph``: the next notice starts a new page numbered 1."""
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = paragraph.makeelement(qn("w:pPr"), {})
        paragraph.insert(0, ppr)
    sect = copy.deepcopy(model_sect_pr)
    kind = sect.find(qn("w:type"))
    if kind is None:
        kind = sect.makeelement(qn("w:type"), {})
        sect.insert(0, kind)
    kind.set(qn("w:val"), "nextPage")
    ppr.append(sect)


def _restart_numbers(sect_pr) -> None:
    numbering = sect_pr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = sect_pr.makeelement(qn("w:pgNumType"), {})
        # CT_SectPr order: ... pgMar, paperSrc, pgBorders, lnNumType, pgNumType, cols ...
        anchor = None
        for tag in ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
                    "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid"):
            anchor = sect_pr.find(qn(tag))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addprevious(numbering)
        else:
            sect_pr.append(numbering)
    numbering.set(qn("w:start"), "1")


def export_notices(item_ids: Iterable[int], dest, progress: Progress | None = None, *,
                   today: dt.date | None = None, removed: list[str] | None = None) -> Path:
    """The notices of several items in one document, one notice per page (each numbered
    from page 1, as each goes to its own unit): an item of several units has one for each
    unit still at work on it (form_data.notice_contexts). ``progress(done, total, text)`` returning
    False cancels: Cancelled is raised and nothing is written.

    Memory stays flat whatever the count: items are read a page at a time
    (``form_data.item_contexts``), and each notice is filled from the template's body,
    serialised and written into the zip as it is made, then dropped."""
    today = today or dt.date.today()
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        raise DomainError("没有要生成催办通知的事项。请先选择事项。")
    total = form_data.notice_count(ids)
    document = _prepare("notice", removed)
    root, body = document.element, document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    _restart_numbers(sect_pr)
    master = [child for child in body if child is not sect_pr]
    for child in master:
        body.remove(child)
    contexts = form_data.notice_contexts(ids, today)
    first = next(contexts)
    # headers and footers are shared by every notice: filled once, from the first item
    headers = [part for part in form_fill.containers(document) if part is not body]
    form_fill.fill(document, first[1], roots=headers)
    skeleton = io.BytesIO()
    document.save(skeleton)  # every part as python-docx writes it; the body empty
    name = document.part.partname.membername
    head, tail = _split_body(_serialise(root))

    def notices() -> Iterator[bytes]:
        for done, (item, context) in enumerate(itertools.chain([first], contexts)):
            if progress is not None and progress(done, total,
                                                 f"正在生成 {supervision.display_number(item)}") is False:
                raise Cancelled("已取消，没有生成文件。")
            holder = body.makeelement(qn("w:body"), {})
            for child in master:
                holder.append(copy.deepcopy(child))
            form_fill.fill(document, context, roots=[holder])
            parts = list(holder)
            if done < total - 1:
                last = parts[-1]
                if last.tag != qn("w:p"):
                    last = holder.makeelement(qn("w:p"), {})
                    parts.append(last)
                _section_break(last, sect_pr)
            # serialised in the document (its namespaces declared once, on the root),
            # exactly as python-docx would write them in the whole body
            for child in parts:
                sect_pr.addprevious(child)
            blob = _serialise(root)
            for child in parts:
                body.remove(child)
            if not (blob.startswith(head) and blob.endswith(tail)):
                raise AssertionError("the notice's XML does not sit between the document's head and tail")
            yield blob[len(head):len(blob) - len(tail)]
        if progress is not None and progress(total, total, "正在保存") is False:
            raise Cancelled("已取消，没有生成文件。")

    def write(tmp: Path) -> None:
        _write_streamed(skeleton, tmp, name, head, notices(), tail, count=total)

    return atomic_write(dest, write)


def _serialise(element) -> bytes:
    """As python-docx writes a part (``docx.opc.oxml.serialize_part_xml``)."""
    return etree.tostring(element, encoding="UTF-8", standalone=True)


def _split_body(blob: bytes) -> tuple[bytes, bytes]:
    """A document's XML with only its final sectPr in the body: (up to and with
    ``<w:body>``, the rest)."""
    start = blob.index(b"<w:body")
    cut = blob.index(b">", start) + 1
    return blob[:cut], blob[cut:]


def _write_streamed(skeleton: io.BytesIO, dest: Path, name: str, head: bytes,
                    chunks: Iterator[bytes], tail: bytes, *, count: int) -> None:
    """``skeleton`` (a .docx) copied to ``dest`` part by part, in its order, with the
    part ``name`` written as ``head``, each of the ``count`` chunks, ``tail``.

    The part's size is known only at the end: when ``count`` chunks of four times the
    first one's size could pass 2 GiB, it is written with ZIP64 sizes (which a .docx of
    that size needs anyway); smaller documents stay plain zip, as Word writes them."""
    first = next(chunks)
    chunks = itertools.chain([first], chunks)
    big = len(head) + len(tail) + 4 * len(first) * count > zipfile.ZIP64_LIMIT
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
                continue
            entry = zipfile.ZipInfo(name, date_time=info.date_time)
            entry.compress_type, entry.external_attr = info.compress_type, info.external_attr
            with target.open(entry, "w", force_zip64=big) as stream:
                stream.write(head)
                for chunk in chunks:
                    stream.write(chunk)
                stream.write(tail)


def overdue_item_ids(today: dt.date | None = None) -> list[int]:
    """The overdue items (domain/state.py) whose unit can be urged, earliest first (for a
    batch of notices): those in progress. An item whose result came late and waits for
    the office is overdue too, but not urged: the unit has reported."""
    from ..domain import ledger

    where = ledger.ItemFilter(state="in_progress", overdue_only=True)
    return ledger.item_ids(where, sort="deadline", today=today or dt.date.today())


def removal_note(removed: list[str]) -> str:
    """What to tell the user after an export whose template had things a form does not need."""
    if not removed:
        return ""
    lines = "\n".join(f"· {r}" for r in removed[:10])
    more = f"\n……另有 {len(removed) - 10} 项" if len(removed) > 10 else ""
    return f"注意：模板中以下表单用不到的内容已在导出时删除（模板文件本身没有改动）：\n{lines}{more}"
