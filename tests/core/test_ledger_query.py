"""The register's query: filters, Chinese substring search, sorting by id lists."""

from __future__ import annotations

import datetime as dt

import pytest

from duban_desktop.domain import supervision
from duban_desktop.domain import supervision as sv
from duban_desktop.domain.ledger import OPEN, ItemFilter, count, item_ids, iter_items, rows_for
from duban_desktop.domain.units import find_unit

from ..factories import TODAY, item

D = dt.date


def make_three():
    a = item(title="城区背街小巷改造", deadline=D(2026, 6, 12))
    b = item(title="农村饮水安全", lead_unit="县水利局", assisting=["县财政局"], deadline=D(2026, 7, 1),
             instructing_leader="李明副县长")
    c = item(title="燃气安全100%排查", source="document", leader_instruction="", instructing_leader="",
             instruction_date=None, registered_on=D(2025, 12, 1), deadline=D(2026, 1, 5))
    sv.void(c.id, reason="撤销", now=TODAY)
    return a, b, c


def test_search_chinese_substrings_across_fields(db):
    a, b, c = make_three()
    assert item_ids(ItemFilter(text="小巷")) == [a.id]
    assert item_ids(ItemFilter(text="李明")) == [b.id]  # the instructing leader
    assert item_ids(ItemFilter(text="财政")) == [b.id]  # an assisting unit
    assert item_ids(ItemFilter(text="水利")) == [b.id]  # the lead unit
    assert item_ids(ItemFilter(text="2025")) == [c.id]  # the number
    assert item_ids(ItemFilter(text="100%")) == [c.id]  # % is a character, not a wildcard
    assert item_ids(ItemFilter(text="%")) == [c.id]
    assert item_ids(ItemFilter(text="安全 燃气")) == [c.id]  # every word must match


def test_filters(db):
    a, b, c = make_three()
    assert set(item_ids(ItemFilter(state=OPEN))) == {a.id, b.id}
    assert item_ids(ItemFilter(state="voided")) == [c.id]
    assert item_ids(ItemFilter(year=2025)) == [c.id]
    assert item_ids(ItemFilter(source="document")) == [c.id]
    assert item_ids(ItemFilter(unit=find_unit("县财政局").id)) == [b.id]
    assert item_ids(ItemFilter(overdue_only=True), today=TODAY) == [a.id]
    assert count(ItemFilter(state=OPEN)) == 2


def test_sorting_and_rows(db):
    a, b, c = make_three()
    assert item_ids(sort="deadline") == [c.id, a.id, b.id]
    assert item_ids(sort="deadline", descending=True) == [b.id, a.id, c.id]
    assert item_ids(sort="lead_unit") == [a.id, c.id, b.id]  # 住建局 < 水利局 by code point
    assert item_ids(sort="number") == [c.id, a.id, b.id]  # 2025 before 2026
    rows = rows_for([a.id, b.id])
    assert rows[b.id].lead_unit == "县水利局" and rows[a.id].number == "催字〔2026〕1号"
    assert [i.id for i in iter_items(sort="deadline", batch=2)] == [c.id, a.id, b.id]


def test_search_index_follows_every_change(db):
    from duban_desktop.db.search import item_text_match

    made = item(title="老旧小区加装电梯", instructing_leader="赵志远常务副县长")
    assert item_text_match("加装电梯") is not None  # this database has the index
    assert item_ids(ItemFilter(text="加装电梯")) == [made.id]  # 4 characters: the trigram index
    assert item_ids(ItemFilter(text="电梯")) == [made.id]  # 2 characters: the narrow table
    assert item_ids(ItemFilter(text="赵志远")) == [made.id]
    supervision.update_item(made.id, title="城镇燃气安全整治")
    assert item_ids(ItemFilter(text="加装电梯")) == []
    assert item_ids(ItemFilter(text="燃气安全")) == [made.id]
    assert item_ids(ItemFilter(text='"燃气')) == []  # quotes cannot break the FTS query
    assert item_ids(ItemFilter(text="AND OR NOT")) == []


def test_search_finds_units_and_follows_their_changes(db):
    from duban_desktop.domain import units

    made = item(title="防汛物资储备", lead_unit="县水利局", assisting=["县财政局", "县应急管理局"])
    other = item(title="学校周边交通秩序整治", lead_unit="县公安局")
    assert item_ids(ItemFilter(text="应急管理")) == [made.id]  # an assisting unit (FTS)
    assert item_ids(ItemFilter(text="水利")) == [made.id]  # the lead unit (a short word)
    units.update_unit(find_unit("县应急管理局").id, name="县应急局")
    assert item_ids(ItemFilter(text="应急管理")) == []
    assert item_ids(ItemFilter(text="应急局")) == [made.id]
    units.update_unit(find_unit("县公安局").id, phone="0571-110")  # not the name: nothing to redo
    assert item_ids(ItemFilter(text="公安局")) == [other.id]
    supervision.update_item(made.id, assisting=["县教育局"])
    assert item_ids(ItemFilter(text="应急局")) == []
    assert item_ids(ItemFilter(text="教育")) == [made.id]
    supervision.update_item(made.id, lead_unit="县农业农村局")
    assert item_ids(ItemFilter(text="水利")) == []
    assert item_ids(ItemFilter(text="农业农村")) == [made.id]


def _searchable(made) -> str:
    """What a user expects a search to look through, written out from the item's fields."""
    made = sv.get_item(made.id)
    units = [made.lead_unit.name] + [u.name for u in sv.assisting_units(made)]
    return " ".join([made.number or "", made.title, made.leader_instruction, made.instructing_leader,
                     made.responsible_person, *units])


def test_short_words_through_the_index_or_a_scan_find_every_item_holding_them(db, backend):
    from duban_desktop.db import search

    made = [item(title="老旧小区加装电梯", responsible_person="蒋建华"),
            item(title="农村饮水安全", lead_unit="县水利局", responsible_person="杨秀兰"),
            item(title="燃气安全 100%排查", responsible_person="伟")]
    # 县 begins more different trigrams than the index's term list is read for: a word
    # starting with it is scanned for, every other short word goes through the index
    crowded = "，".join(f"县{chr(0x5000 + n)}{chr(0x5100 + n)}" for n in range(search.MAX_TERMS + 6))
    made.append(item(title="县域经济发展", leader_instruction=crowded, responsible_person="周明"))
    if backend == "sqlite":  # (the server scans the narrow table for every short word)
        assert search._terms_beginning(db, "县") is None
        assert search._terms_beginning(db, "华") is not None
    words = ["华", "建华", "兰", "伟", "安", "安全", "县", "县水", "局", "电梯", "1", "10", "%", "催",
             "2026", "无", "周"]
    texts = {m.id: _searchable(m) for m in made}
    for word in words:
        assert set(item_ids(ItemFilter(text=word))) == {i for i, t in texts.items() if word in t}, word
    assert item_ids(ItemFilter(text="华")) == [made[0].id]  # the last character of the line
    assert item_ids(ItemFilter(text="伟")) == [made[2].id]  # a one-character name at the very end
    assert item_ids(ItemFilter(text="县")) == [m.id for m in made]  # scanned: every lead unit is a 县's
    assert item_ids(ItemFilter(text="无")) == []


def _expected_order(made, key: str, descending: bool) -> list[int]:
    rows = [sv.get_item(m.id) for m in made]
    value = {"number": lambda r: (r.seq_year, r.seq), "deadline": lambda r: r.deadline,
             "title": lambda r: r.title}[key]
    return [r.id for r in sorted(rows, key=lambda r: (value(r), r.id), reverse=descending)]


@pytest.mark.parametrize("others", [0, 250])  # most of the register matches, or few of it
def test_many_or_few_matches_come_back_in_the_same_order(db, others):
    """A word most items hold walks the sort index and checks each item; a word few hold
    looks the matches up and sorts them: both give the order the sort asks for."""
    matching = [item(title=f"城区背街小巷改造第{n}段", deadline=D(2026, 7, 1 + n % 5)) for n in range(12)]
    for n in range(others):
        item(title=f"农村饮水安全第{n}处", deadline=D(2026, 7, 1 + n % 7))
    assert count(ItemFilter(text="背街小巷")) == 12
    for key in ("number", "deadline", "title"):
        for descending in (False, True):
            assert list(item_ids(ItemFilter(text="背街小巷"), sort=key, descending=descending)) == \
                _expected_order(matching, key, descending), (key, descending)


def test_id_lists_keep_the_query_order(db):
    from duban_desktop.db.ids import ids_of
    from duban_desktop.db.models import SupervisionItem
    from duban_desktop.domain.ledger import SORT_KEYS

    for n in range(25):
        item(title=f"事项{n % 4}", responsible_person=f"人{n % 3}", deadline=D(2026, 7, 1 + n % 6))
    for key in SORT_KEYS:
        for descending in (False, True):
            query = SupervisionItem.select(SupervisionItem.id)
            order = [k.desc() if descending else k.asc() for k in SORT_KEYS[key] if k.model is SupervisionItem]
            query = query.order_by(*order, SupervisionItem.id.desc() if descending else SupervisionItem.id)
            plain = [row[0] for row in db.execute(query)]
            assert ids_of(query) == plain, key
            assert list(ids_of(query, lazy=True)) == plain, key
            assert len(item_ids(sort=key, descending=descending)) == 25
    assert ids_of(SupervisionItem.select(SupervisionItem.id).where(SupervisionItem.id < 0)) == []
    assert len(ids_of(SupervisionItem.select(SupervisionItem.id).where(SupervisionItem.id < 0), lazy=True)) == 0


def test_an_id_list_reads_as_a_list_and_parses_its_tail_only_when_used():
    from duban_desktop.db.ids import IdList

    plain = list(range(5000, 0, -1))
    ids = IdList(",".join(map(str, plain)))
    assert len(ids) == 5000 and bool(ids)
    assert ids[0] == 5000 and ids[999] == 4001 and ids[200:400] == plain[200:400]
    assert ids._ids is None  # the first page and the count: the rest still text
    assert ids[1000] == 4000 and ids[-1] == 1 and ids[4990:] == plain[4990:] and ids[::1000] == plain[::1000]
    assert ids == plain and plain == ids and list(ids) == plain and 17 in ids and ids.index(17) == 4983
    with pytest.raises(IndexError):
        ids[5000]
    assert len(IdList("")) == 0 and not IdList("") and IdList("") == [] and list(IdList("7")) == [7]
    assert IdList("3,1") != [1, 3]


def test_years_newest_first_without_gaps_or_unnumbered_items(db):
    from duban_desktop.domain import case_list, ledger

    assert ledger.years() == [] and case_list.years() == []
    for year in (2019, 2026, 2023, 2026):
        item(registered_on=dt.date(year, 3, 2), instruction_date=dt.date(year, 3, 1),
             deadline=dt.date(year, 12, 30))
    item(source="public_report", leader_instruction="", instructing_leader="", instruction_date=None)
    assert ledger.years() == [2026, 2023, 2019]
    from ..factories import case

    case()
    case(requested_on=dt.date(2024, 5, 4), deadline=dt.date(2024, 6, 5))
    assert case_list.years() == [2026, 2024]
