"""Making a Word package (.docx) from outside safe to fill and hand out.

A form needs text, tables, styles, embedded pictures and page numbers. Everything else
that a template can carry and that reaches out or runs something is taken out, and each
removal is described in Chinese for the office:

- XML parts are parsed without resolving entities and without the network. A DTD
  (DOCTYPE, entity declarations) is **refused**, not stripped: the package format says a
  reader "shall treat the presence of DTD declarations as an error" (ECMA-376 Part 2,
  8.1.4, M1.18), Word never writes one, and once the declarations are gone the entity
  references they define can no longer be read, so no cleaned text would be the text the
  author meant. Refusing says so plainly instead of guessing. Parts may only be UTF-8 or
  UTF-16 (M1.17), so the raw bytes are searched for a declaration in those encodings
  before parsing (libxml2 rejects some entity bombs as a mere syntax error).
- Every external relationship goes (attached templates, linked pictures, hyperlinks to
  remote files or pages, subdocuments, frames, mail-merge sources): a form is printed, and
  a link in a document sent to units can leak a network login (file://, UNC) or track
  the reader. A hyperlink keeps its shown text; a picture that is only linked is dropped;
  a picture that is both embedded and linked keeps the embedded copy.
- The attached template and mail merge settings, macros (VBA project, its data and key
  bindings, the custom ribbon that calls them), OLE objects, ActiveX controls and
  altChunk (foreign content imported on open) go too; a macro-enabled document or a
  Word template (.docm, .dotx, .dotm) becomes a plain document.
- Fields other than page numbers (PAGE, NUMPAGES, SECTIONPAGES) go, simple and complex.
  Their shown result stays as plain text, except for fields whose result comes from
  outside (DDE, DDEAUTO, LINK, INCLUDETEXT, INCLUDEPICTURE, ...): that is dropped.

A package with nothing to remove is returned byte for byte as it came.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

MAX_PARTS = 2000
MAX_TOTAL_BYTES = 100 * 1024 * 1024  # uncompressed; a template with photos is a few MB

FIELD_NAME = re.compile(r"\s*(=|[A-Za-z]+)")
PAGE_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES"}
# fields whose shown result was fetched from outside the document: not kept
OUTSIDE_FIELDS = {"DDE", "DDEAUTO", "LINK", "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE",
                  "IMPORT", "DATABASE", "EMBED", "AUTOTEXT", "AUTOTEXTLIST", "GLOSSARY"}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
R_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                "http://purl.oclc.org/ooxml/officeDocument/relationships")
O_RELID = "{urn:schemas-microsoft-com:office:office}relid"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


W_R, W_RPR, W_FLDCHAR, W_FLDSIMPLE = _w("r"), _w("rPr"), _w("fldChar"), _w("fldSimple")
W_INSTR, W_DELINSTR, W_HYPERLINK = _w("instrText"), _w("delInstrText"), _w("hyperlink")
A_BLIP = f"{{{A}}}blip"

DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OTHER_MAINS = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"

# relationship types (last segment of the type URI) removed whatever their target
REMOVED_TYPES = {
    "attachedTemplate": "已删除附加模板（{target}）",
    "vbaProject": "已删除宏（VBA 项目）",
    "wordVbaData": "已删除宏（VBA 项目）",
    "keyMapCustomizations": "已删除宏（VBA 项目）",
    "extensibility": "已删除自定义功能区（可以调用宏）",
    "oleObject": "已删除嵌入的对象（OLE）",
    "package": "已删除嵌入的对象（OLE）",
    "control": "已删除 ActiveX 控件",
    "activeXControlBinary": "已删除 ActiveX 控件",
    "aFChunk": "已删除导入的外来内容（altChunk）",
    "subDocument": "已删除子文档（{target}）",
    "frame": "已删除框架网页（{target}）",
    "mailMergeSource": "已删除邮件合并数据源（{target}）",
    "mailMergeHeaderSource": "已删除邮件合并数据源（{target}）",
    "recipientData": "已删除邮件合并数据源（{target}）",
}
EXTERNAL = {
    "attachedTemplate": "已删除外部附加模板（{target}）",
    "image": "已删除链接的图片（{target}）",
    "hyperlink": "已删除超链接（{target}），保留了显示的文字",
}
EXTERNAL_OTHER = "已删除外部链接（{target}）"

STORY_NAMES = (("document", "正文"), ("header", "页眉"), ("footer", "页脚"),
               ("footnotes", "脚注"), ("endnotes", "尾注"), ("comments", "批注"))


class Refused(Exception):
    """The package cannot be made safe. The message (Chinese) says why, without a file name."""


@dataclass
class Cleaned:
    data: bytes
    removed: list[str] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def _shown(text: str, limit: int = 80) -> str:
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _source_of(rels: str) -> str:
    """The part a .rels file belongs to ('' for the package's own _rels/.rels)."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")]).lstrip("/")


def _target_part(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def _where(part: str) -> str:
    name = posixpath.basename(part)
    for stem, label in STORY_NAMES:
        if name.startswith(stem):
            return label
    return part


class _Package:
    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if len(infos) > MAX_PARTS:
                raise Refused(f"文档包含 {len(infos)} 个部件，超过 {MAX_PARTS} 个的上限，不像是表单模板")
            if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                raise Refused(f"文档解压后超过 {MAX_TOTAL_BYTES // (1024 * 1024)} MB，不像是表单模板")
            self.order = [i.filename for i in infos]
            try:
                self.raw = {i.filename: archive.read(i) for i in infos}
            except (RuntimeError, NotImplementedError) as exc:
                raise Refused("文档已加密或使用了不支持的压缩方式") from exc
        self.names = {name.lower(): name for name in self.raw}  # part names ignore case
        self.trees: dict[str, etree._ElementTree] = {}
        self.changed: set[str] = set()
        self.removed: list[str] = []
        for name, content in self.raw.items():
            if self._is_xml(name, content):
                self.trees[name] = self._parse(name, content)

    @staticmethod
    def _is_xml(name: str, content: bytes) -> bool:
        if name.endswith((".xml", ".rels")):
            return True
        head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        return head.startswith((b"<?xml", b"<!DOCTYPE", b"<!ENTITY")) or head[:2] in (b"\xff\xfe", b"\xfe\xff")

    @staticmethod
    def _parse(name: str, content: bytes) -> etree._ElementTree:
        refused = Refused(f"部件 {name} 含有文档类型定义（DTD）或实体声明，Word 文档中不应有这些内容，"
                          "可能是有意构造的文件")
        # looked for before parsing: libxml2 may reject entity bombs as a mere syntax error
        if any(mark.encode(encoding) in content for mark in ("<!DOCTYPE", "<!ENTITY")
               for encoding in ("utf-8", "utf-16-le", "utf-16-be")):
            raise refused
        tree = etree.parse(io.BytesIO(content), _parser())
        info = tree.docinfo
        if info.doctype or info.internalDTD is not None or info.externalDTD is not None \
                or next(tree.iter(etree.Entity), None) is not None:
            raise refused
        return tree

    def note(self, text: str) -> None:
        if text not in self.removed:
            self.removed.append(text)

    # -------------------------------------------------------------- relationships

    def clean_relationships(self) -> dict[str, dict[str, str]]:
        """Remove the relationships a form must not have; returns part -> {rId: type}."""
        gone: dict[str, dict[str, str]] = {}
        for name in [n for n in self.trees if n.endswith(".rels")]:
            root = self.trees[name].getroot()
            source = _source_of(name)
            for rel in list(root):
                if rel.tag != f"{{{PR}}}Relationship":
                    continue
                kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
                external = (rel.get("TargetMode") or "").lower() == "external"
                if not external and kind not in REMOVED_TYPES:
                    continue
                target = _shown(rel.get("Target") or "")
                template = (EXTERNAL.get(kind, REMOVED_TYPES.get(kind, EXTERNAL_OTHER))
                            if external else REMOVED_TYPES[kind])
                self.note(template.format(target=target))
                gone.setdefault(source, {})[rel.get("Id") or ""] = kind
                root.remove(rel)
                self.changed.add(name)
        return gone

    def reachable(self) -> set[str]:
        seen: set[str] = set()
        todo = [""]
        while todo:
            source = todo.pop()
            rels = self.trees.get(_rels_name(source) if source else "_rels/.rels")
            if rels is None:
                continue
            for rel in rels.getroot():
                if (rel.get("TargetMode") or "").lower() == "external":
                    continue
                part = self.names.get(_target_part(source or "/", rel.get("Target") or "").lower())
                if part is not None and part not in seen:
                    seen.add(part)
                    todo.append(part)
        return seen

    def drop_unreachable(self) -> None:
        keep = self.reachable()
        for name in list(self.raw):
            if name == "[Content_Types].xml":
                continue
            owner = _source_of(name) if name.endswith(".rels") else name
            if owner and owner not in keep:
                del self.raw[name]
                self.trees.pop(name, None)
                self.order.remove(name)
        types = self.trees.get("[Content_Types].xml")
        if types is None:
            return
        for entry in list(types.getroot()):
            part = (entry.get("PartName") or "").lstrip("/")
            if (entry.tag == f"{{{CT}}}Override" and part not in self.raw) or \
                    entry.get("ContentType") == VBA_CONTENT_TYPE:
                types.getroot().remove(entry)
            elif entry.get("ContentType") in OTHER_MAINS:
                entry.set("ContentType", DOCUMENT_MAIN)
        self.changed.add("[Content_Types].xml")

    # -------------------------------------------------------------- parts

    def clean_part(self, name: str, gone: dict[str, str]) -> None:
        root = self.trees[name].getroot()
        before = self.removed[:]
        raw = self.raw[name]
        touched = (b"fldChar" in raw or b"instrText" in raw or b"fldSimple" in raw) \
            and _clean_fields(root, _where(name), self)
        touched |= self._clean_references(root, set(gone))
        for tag, text in (("attachedTemplate", None), ("mailMerge", "已删除邮件合并设置"),
                          ("linkStyles", None)):
            for element in list(root.iter(_w(tag))):
                element.getparent().remove(element)
                touched = True
                if text:
                    self.note(text)
        if touched or self.removed != before:
            self.changed.add(name)

    def _clean_references(self, root, gone_ids: set[str]) -> bool:
        if not gone_ids:
            return False
        touched = False
        for element in list(root.iter()):
            if not isinstance(element.tag, str):
                continue
            refs = {key: value for key, value in element.attrib.items()
                    if (key == O_RELID or key.split("}")[0][1:] in R_NAMESPACES) and value in gone_ids}
            if not refs:
                continue
            touched = True
            if element.tag == W_HYPERLINK:
                _unwrap(element)
            elif element.tag == A_BLIP and not any(k.endswith("}embed") for k in refs) \
                    and element.get(f"{{{R_NAMESPACES[0]}}}embed"):
                for key in refs:
                    del element.attrib[key]  # embedded and linked: keep the embedded copy
            else:
                _remove_holder(element)
        return touched

    def serialise(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            names = sorted(self.order, key=lambda n: n != "[Content_Types].xml")
            for name in names:
                content = self.raw[name]
                if name in self.changed and name in self.trees:
                    content = etree.tostring(self.trees[name], xml_declaration=True,
                                             encoding="UTF-8", standalone=True)
                archive.writestr(name, content)
        return out.getvalue()


def _unwrap(element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _remove_holder(element) -> None:
    """Remove what holds a dead reference: the run content it sits in (a drawing, a VML
    picture, an object), or the element itself outside runs."""
    holder = element
    for ancestor in element.iterancestors():
        if ancestor.tag == W_R:
            break
        holder = ancestor
    else:
        holder = element
    parent = holder.getparent()
    if parent is not None:
        parent.remove(holder)


# ------------------------------------------------------------------ fields


@dataclass
class _Field:
    instruction: list[str] = field(default_factory=list)
    markup: list = field(default_factory=list)
    result: list = field(default_factory=list)
    in_result: bool = False

    def add(self, elements) -> None:
        (self.result if self.in_result else self.markup).extend(elements)

    @property
    def name(self) -> str:
        found = FIELD_NAME.match("".join(self.instruction))
        return found.group(1).upper() if found else ""


def _field_note(package: _Package, counts: Counter, name: str, instruction: str, where: str) -> None:
    counts[(name, where)] += 1
    shown = _shown(instruction, 60)
    package.note(f"已删除{where}中的域代码 {name or '（无名称）'}" + (f"（{shown}）" if shown else ""))


def _clean_fields(root, where: str, package: _Package) -> bool:
    """Remove complex and simple fields other than page numbers; True if any was found."""
    counts: Counter = Counter()
    doomed: list = []
    stack: list[_Field] = []

    def finish(done: _Field) -> None:
        if done.name not in PAGE_FIELDS:
            _field_note(package, counts, done.name, "".join(done.instruction), where)
            doomed.extend(done.markup)
            if done.name in OUTSIDE_FIELDS:
                doomed.extend(done.result)
        if stack:  # the outer field decides for everything inside it too
            stack[-1].add(done.markup + done.result)

    for element in root.iter():
        parent = element.getparent()
        if parent is None or parent.tag != W_R or element.tag == W_RPR:
            continue
        if element.tag == W_FLDCHAR:
            kind = element.get(_w("fldCharType"))
            if kind == "begin":
                stack.append(_Field(markup=[element]))
            elif not stack:
                doomed.append(element)  # a separate or end without its begin
            elif kind == "separate":
                stack[-1].markup.append(element)
                stack[-1].in_result = True
            elif kind == "end":
                done = stack.pop()
                done.markup.append(element)
                finish(done)
        elif element.tag in (W_INSTR, W_DELINSTR):
            if stack and not stack[-1].in_result:
                stack[-1].instruction.append(element.text or "")
                stack[-1].markup.append(element)
            else:
                doomed.append(element)
        elif stack:
            stack[-1].add([element])
    while stack:  # never ended: judged on what it has
        finish(stack.pop())
    for simple in reversed(list(root.iter(W_FLDSIMPLE))):
        done = _Field(instruction=[simple.get(_w("instr")) or ""])
        if done.name in PAGE_FIELDS:
            continue
        _field_note(package, counts, done.name, done.instruction[0], where)
        if done.name in OUTSIDE_FIELDS:
            simple.getparent().remove(simple)
        else:
            for data in simple.findall(_w("fldData")):
                simple.remove(data)
            _unwrap(simple)
    emptied = set()
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
            emptied.add(parent)
    for run in emptied:
        if run.tag == W_R and all(child.tag == W_RPR for child in run) and run.getparent() is not None:
            run.getparent().remove(run)
    return bool(counts)


# ------------------------------------------------------------------ entry point


def clean_docx(data: bytes) -> Cleaned:
    """Clean a .docx package given as bytes.

    Raises Refused (a DTD or entity, too big), zipfile.BadZipFile (not a zip) or
    lxml.etree.XMLSyntaxError (a damaged part)."""
    package = _Package(data)
    gone = package.clean_relationships()
    for name in list(package.trees):
        if not name.endswith(".rels") and name != "[Content_Types].xml":
            package.clean_part(name, gone.get(name, {}))
    types = package.trees.get("[Content_Types].xml")
    main_types = {e.get("ContentType") for e in types.getroot()} if types is not None else set()
    if not package.changed and not (main_types & OTHER_MAINS):
        return Cleaned(data, [])
    package.drop_unreachable()
    return Cleaned(package.serialise(), package.removed)
