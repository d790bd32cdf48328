"""Filling a Word template: ``{{名称}}`` placeholders, repeated rows and paragraphs.

The rules (documented for the office in forms/README.md):

- A placeholder is ``{{名称}}`` (full-width ``｛｛名称｝｝`` and spaces inside are accepted).
  Word splits what one types into several runs; the text of a paragraph is read across
  its runs, and the value takes the formatting of the run where the placeholder starts.
- ``{{列表.字段}}`` belongs to a list (催办记录, 决定事项, ...). A paragraph holding such
  placeholders is repeated once per entry; when placeholders of the same list sit in two
  or more cells of one table row, the whole row is repeated instead. An empty list keeps
  the paragraph or row once, blank, as on the paper form.
- A value with line breaks becomes several paragraphs when its placeholder stands alone
  in its paragraph (each keeps the paragraph's indent), else line breaks in the paragraph.
- An empty value inside a sentence prints as an underlined blank to write on by hand.
- Every paragraph is filled exactly once, from the template's own text: an inserted value
  that looks like a placeholder is never substituted again.

Works on the body (tables, nested tables, text boxes), headers and footers.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from ..domain.text import strip_illegal

PLACEHOLDER = re.compile(r"[{｛][{｛]\s*([^{}｛｝]*?)\s*[}｝][}｝]")
BLANK = "\u3000" * 4  # an empty value inside a sentence: four ideographic spaces, underlined

W_P, W_R, W_T, W_TR, W_TC = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tr"), qn("w:tc")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass
class Context:
    """What goes into one document: plain fields and lists of entries."""

    fields: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[dict[str, str]]] = field(default_factory=dict)


# ------------------------------------------------------------------ reading a template


def containers(document) -> Iterator:
    """The XML roots that hold text: the body, then every header and footer."""
    yield document.element.body
    seen = set()
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part not in seen:
            seen.add(rel.target_part)
            yield rel.target_part.element


def paragraphs(root) -> list:
    return list(root.iter(W_P))


def _owner(element, tag):
    for parent in element.iterancestors(tag):
        return parent
    return None


def runs_of(p) -> list:
    """The runs whose own paragraph is ``p`` (not those of a text box inside it)."""
    return [r for r in p.iter(W_R) if _owner(r, W_P) is p]


def texts_of(p) -> list:
    return [t for r in runs_of(p) for t in r if t.tag == W_T]


def paragraph_text(p) -> str:
    return "".join(t.text or "" for t in texts_of(p))


def names_in(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def placeholders(document) -> list[str]:
    """Every placeholder name in the document, in order, with repeats."""
    found = []
    for root in containers(document):
        for p in paragraphs(root):
            found += names_in(paragraph_text(p))
    return found


def list_of(name: str) -> str | None:
    return name.split(".", 1)[0] if "." in name else None


# ------------------------------------------------------------------ repeating


def _repeat_units(roots: Iterable) -> list[tuple[object, str]]:
    """(element to repeat, list name) in document order."""
    units: list[tuple[object, str]] = []
    seen: set = set()
    for root in roots:
        for p in paragraphs(root):
            lists = {list_of(n) for n in names_in(paragraph_text(p))} - {None}
            if not lists:
                continue
            name = sorted(lists)[0]
            unit = p
            row = _owner(p, W_TR)
            if row is not None:
                cells = {_owner(q, W_TC) for q in row.iter(W_P)
                         if _owner(q, W_TR) is row
                         and name in {list_of(n) for n in names_in(paragraph_text(q))}}
                if len(cells) > 1:
                    unit = row
            if unit not in seen:
                seen.add(unit)
                units.append((unit, name))
    return units


def expand_lists(roots: Iterable, lists: dict[str, list[dict[str, str]]]) -> dict:
    """Repeat each list's rows and paragraphs once per entry.

    Returns element -> the entry's values (keys ``列表.字段``) for every copy made.
    """
    scopes: dict = {}
    for unit, name in _repeat_units(roots):
        entries = lists.get(name) or [{}]
        anchor = unit
        for index, entry in enumerate(entries):
            element = unit if index == 0 else copy.deepcopy(unit)
            if index:
                anchor.addnext(element)
                anchor = element
            scopes[element] = {f"{name}.{key}": value for key, value in entry.items()}
    return scopes


# ------------------------------------------------------------------ filling


def _scope_of(p, scopes: dict) -> dict[str, str]:
    if p in scopes:
        return scopes[p]
    for parent in p.iterancestors(W_TR):
        if parent in scopes:
            return scopes[parent]
    return {}


def _new_run(model_run, underline: bool = False):
    run = copy.deepcopy(model_run)
    for child in list(run):
        if child.tag != qn("w:rPr"):
            run.remove(child)
    if underline:
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = run.makeelement(qn("w:rPr"), {})
            run.insert(0, rpr)
        for old in rpr.findall(qn("w:u")):
            rpr.remove(old)
        u = rpr.makeelement(qn("w:u"), {qn("w:val"): "single"})
        rpr.append(u)
    return run


def _append_text(run, text: str) -> None:
    """Add ``text`` to ``run`` with line breaks and tabs as Word elements."""
    for i, line in enumerate(text.split("\n")):
        if i:
            run.append(run.makeelement(qn("w:br"), {}))
        for j, part in enumerate(line.split("\t")):
            if j:
                run.append(run.makeelement(qn("w:tab"), {}))
            if part:
                t = run.makeelement(W_T, {})
                t.text = part
                t.set(XML_SPACE, "preserve")
                run.append(t)


def _split_after(run, t) -> object:
    """Move every child of ``run`` after ``t`` into a new run right after it."""
    tail = _new_run(run)
    for child in list(run)[list(run).index(t) + 1:]:
        tail.append(child)
    run.addnext(tail)
    return tail


def _replace(p, values: dict[str, str], inline_blank: bool) -> None:
    spans = []  # (w:t element, its offset in the paragraph's text, its length)
    pos = 0
    for t in texts_of(p):
        length = len(t.text or "")
        spans.append((t, pos, length))
        pos += length
    full = "".join((t.text or "") for t, _, _ in spans)

    def at(offset: int, end: bool) -> int:
        for i, (_, start, length) in enumerate(spans):
            inside = start < offset <= start + length if end else start <= offset < start + length
            if inside:
                return i
        raise AssertionError("placeholder outside the paragraph text")

    # right to left: what lies before a placeholder is never moved by its replacement
    for match in reversed(list(PLACEHOLDER.finditer(full))):
        value = values.get(match.group(1), "")
        si, ei = at(match.start(), False), at(match.end(), True)
        t_start, t_end = spans[si][0], spans[ei][0]
        soff, eoff = match.start() - spans[si][1], match.end() - spans[ei][1]
        suffix = (t_end.text or "")[eoff:]
        before = (t_start.text or "")[:soff]
        for t, _, _ in spans[si + 1:ei + 1]:
            t.text = ""
        t_start.text = before
        t_start.set(XML_SPACE, "preserve")
        run = t_start.getparent()
        tail = _split_after(run, t_start)
        if suffix and ei == si:
            t = tail.makeelement(W_T, {})
            t.text = suffix
            t.set(XML_SPACE, "preserve")
            tail.insert(1 if tail.find(qn("w:rPr")) is not None else 0, t)
        elif suffix:
            t_end.text = suffix
            t_end.set(XML_SPACE, "preserve")
        if value:
            inserted = _new_run(run)
            _append_text(inserted, value)
        elif inline_blank:
            inserted = _new_run(run, underline=True)
            _append_text(inserted, BLANK)
        else:
            continue
        run.addnext(inserted)


def fill_paragraph(p, values: dict[str, str]) -> None:
    text = paragraph_text(p)
    names = names_in(text)
    if not names:
        return
    alone = len(names) == 1 and PLACEHOLDER.fullmatch(text.strip()) is not None
    if alone:
        lines = values.get(names[0], "").split("\n")
        if len(lines) > 1:
            anchor = p
            copies = [copy.deepcopy(p) for _ in lines[1:]]
            _replace(p, {names[0]: lines[0]}, inline_blank=False)
            for line, q in zip(lines[1:], copies, strict=True):
                _replace(q, {names[0]: line}, inline_blank=False)
                anchor.addnext(q)
                anchor = q
            return
    _replace(p, values, inline_blank=not alone)


def clean_values(values: dict[str, object]) -> dict[str, str]:
    return {k: strip_illegal("" if v is None else str(v)) for k, v in values.items()}


def fill(document, context: Context, *, roots: Iterable | None = None) -> None:
    """Fill ``document`` in place (or only ``roots``, XML elements of it or copies):
    repeat lists, then fill every paragraph once."""
    roots = list(roots) if roots is not None else list(containers(document))
    fields = clean_values(context.fields)
    lists = {name: [clean_values(e) for e in entries] for name, entries in context.lists.items()}
    scopes = expand_lists(roots, lists)
    for root in roots:
        for p in paragraphs(root):  # collected before filling: new paragraphs are not revisited
            fill_paragraph(p, {**fields, **_scope_of(p, scopes)})
