"""Exports of many records: batch notices read a page at a time and written as a stream,
the bulletin bounded (issue 15). Sizes and memory are in tests/benchmarks, not here."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from docx import Document
from docx.oxml.ns import qn

from duban_desktop.domain import demo, ledger
from duban_desktop.io import form_data, forms

from .. import factories
from ..factories import TODAY
from .forms_helpers import all_text, office_settings


@pytest.fixture
def office(db):
    office_settings()
    return db


def _text(element) -> str:
    parts = []
    for node in element.iter(qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:p")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:p"):
            parts.append("\n")
        else:
            parts.append("\n" if node.tag == qn("w:br") else "\t")
    return "".join(parts)


def notices_of(path) -> list[str]:
    """The body of a batch document cut at its section breaks: each notice's text."""
    body = Document(str(path)).element.body
    notices, current = [], []
    for child in body:
        if child.tag == qn("w:sectPr"):
            continue
        current.append(_text(child))
        if child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            notices.append("".join(current))
            current = []
    notices.append("".join(current))
    return notices


def single_notice(item_id: int, dest) -> str:
    body = Document(str(forms.export_form("notice", item_id, dest, today=TODAY))).element.body
    return "".join(_text(child) for child in body if child.tag != qn("w:sectPr"))


def test_a_batch_of_many_notices_is_the_single_notices_one_after_another(office, tmp_path):
    demo.generate(items=450, cases=0, seed=5, now=TODAY)
    ids = list(ledger.item_ids(ledger.ItemFilter()))
    random.Random(3).shuffle(ids)  # an order of the caller's, not the database's
    asked = ids + ids[:5]  # repeats are made once
    calls = []
    dest = forms.export_notices(asked, tmp_path / "batch.docx", today=TODAY,
                                progress=lambda done, total, text: calls.append(done) or True)
    assert len(ids) > 2 * form_data.PAGE  # the batch crosses pages of items
    # an item of several units has a notice for each unit still at work on it
    each = [form_data.notice_count([i]) for i in ids]
    total = sum(each)
    assert total > len(ids) and form_data.notice_count(ids) == total
    assert len(Document(str(dest)).sections) == total
    notices = notices_of(dest)
    assert len(notices) == total
    assert calls == list(range(total + 1))
    starts = [sum(each[:n]) for n in range(len(ids))]
    edges = {0, len(ids) - 1} | {n + d for n in range(form_data.PAGE, len(ids), form_data.PAGE)
                                 for d in (-1, 0, 1)}
    for index in sorted(edges | set(range(0, len(ids), 23))):
        if each[index] == 1:  # the item's own notice, to its lead unit
            assert notices[starts[index]] == single_notice(ids[index], tmp_path / "one.docx"), index


def test_a_batch_names_the_item_that_is_missing(office, tmp_path):
    made = factories.item()
    with pytest.raises(forms.DomainError, match="找不到督办事项"):
        forms.export_notices([made.id, made.id + 999], tmp_path / "n.docx", today=TODAY)
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob(".~*"))


def test_the_bulletin_lists_the_longest_overdue_and_counts_the_rest(office, tmp_path):
    shown = form_data.BULLETIN_OVERDUE_ROWS
    late = [factories.item(title=f"逾期事项{i}", registered_on=dt.date(2026, 1, 5), instruction_date=dt.date(2026, 1, 4),
                           deadline=dt.date(2026, 2, 2) + dt.timedelta(days=i)) for i in range(shown + 3)]
    dest = forms.export_bulletin(tmp_path / "b.docx", today=TODAY)
    overdue = Document(str(dest)).tables[1]
    rows = [[c.text for c in r.cells] for r in overdue.rows][1:]
    assert len(rows) == shown + 1
    assert [r[2] for r in rows[:shown]] == [f"逾期事项{i}" for i in range(shown)]
    assert rows[0][1] == late[0].number
    assert "另有3件逾期事项未列出，详见督办台账（Excel）的“逾期清单”。" in rows[-1]
    assert f"其中逾期{shown + 3}件" in all_text(dest)
