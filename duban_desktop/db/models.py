"""peewee models: the office's memory.

Names follow ../shared/GLOSSARY.md. Enumerated values are stored as their English
code names (see ``duban_desktop.domain.vocab`` for the Chinese labels). Nothing here
imports Qt, and nothing here is SQLite-specific: the same models run on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

database = pw.DatabaseProxy()


def _now() -> dt.datetime:
    """Now by the database's clock (the server's on PostgreSQL: one time for all desks)."""
    from .connection import server_now

    return server_now()


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False
        # a save writes only the fields the step changed: two desks changing different
        # fields of one record never undo each other's (issue 17)
        only_save_dirty = True


class Meta(BaseModel):
    """Key/value facts about the database itself (schema version)."""

    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()


class Setting(BaseModel):
    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()


class Unit(BaseModel):
    """承办单位 (and any other unit: parties of a coordination case)."""

    name = pw.CharField(max_length=100, unique=True)
    contact_person = pw.CharField(max_length=50, default="")
    phone = pw.CharField(max_length=50, default="")
    note = pw.TextField(default="")
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=_now)


class NumberSequence(BaseModel):
    """Last sequence number given per series and year; never goes down."""

    series = pw.CharField(max_length=32)
    year = pw.IntegerField()
    last = pw.BigIntegerField(default=0)  # 64 bits on the server too, as SQLite's

    class Meta:
        primary_key = pw.CompositeKey("series", "year")


class WorkdayOverride(BaseModel):
    """The office's own holidays (is_workday False) and make-up workdays (调休, True)."""

    day = pw.DateField(unique=True)
    is_workday = pw.BooleanField()
    note = pw.CharField(max_length=100, default="")


# ---------------------------------------------------------------- coordination


class CoordinationCase(BaseModel):
    """协调事项: intake -> screening -> verification -> consultation -> resolution."""

    number = pw.CharField(max_length=64, unique=True)
    seq_year = pw.IntegerField()
    seq = pw.BigIntegerField()  # 64 bits on the server too, as SQLite's
    state = pw.CharField(max_length=20, index=True)

    # 受托 intake
    title = pw.CharField(max_length=200)
    description = pw.TextField(default="")
    source = pw.CharField(max_length=20)
    requester = pw.CharField(max_length=100)
    requested_on = pw.DateField()
    kind = pw.CharField(max_length=20)
    relation_subkind = pw.CharField(max_length=20, default="")
    deadline = pw.DateField(null=True, index=True)
    handler = pw.CharField(max_length=50, default="")

    # 审理 screening
    screened_on = pw.DateField(null=True)
    screening_decision = pw.CharField(max_length=20, default="")
    screening_reason = pw.TextField(default="")
    escalated_to = pw.CharField(max_length=100, default="")

    # 核查 verification
    background = pw.TextField(default="")
    rules_consulted = pw.TextField(default="")
    investigation = pw.TextField(default="")
    authority_opinion = pw.TextField(default="")
    plan = pw.TextField(default="")
    means = pw.CharField(max_length=10, default="soft")
    methods = pw.CharField(max_length=200, default="")  # comma-separated method codes
    hard_approved_by = pw.CharField(max_length=50, default="")
    hard_approved_on = pw.DateField(null=True)
    hard_approval_note = pw.TextField(default="")
    verified_on = pw.DateField(null=True)

    # 处理 resolution
    resolved_on = pw.DateField(null=True)
    decision = pw.TextField(default="")
    record_kind = pw.CharField(max_length=20, default="")
    record_number = pw.CharField(max_length=64, default="")
    signatories = pw.TextField(default="")
    archived_on = pw.DateField(null=True)

    void_reason = pw.TextField(default="")
    voided_on = pw.DateField(null=True)

    registrar = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=_now)
    updated_at = pw.DateTimeField(default=_now)
    # one more at every change: an edit begun at another version is refused (schema 6)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("seq_year", "seq"), True),)


class CaseParty(BaseModel):
    """A unit that is a party to a coordination case."""

    case = pw.ForeignKeyField(CoordinationCase, backref="parties", on_delete="CASCADE")
    unit = pw.ForeignKeyField(Unit, backref="case_parties")
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("case", "unit"), True),)


class ConsultationSession(BaseModel):
    """协商: one session with the parties; each mode is one of a pair."""

    case = pw.ForeignKeyField(CoordinationCase, backref="sessions", on_delete="CASCADE")
    held_on = pw.DateField()
    place = pw.CharField(max_length=100, default="")
    scope_mode = pw.CharField(max_length=20)  # individual / collective
    presence_mode = pw.CharField(max_length=20)  # in_person / private
    formality_mode = pw.CharField(max_length=20)  # formal / informal
    channel_mode = pw.CharField(max_length=20)  # direct / indirect
    participants = pw.TextField(default="")
    positions = pw.TextField(default="")
    outcome = pw.TextField(default="")
    agreed = pw.BooleanField(default=False)
    recorded_by = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=_now)


class CaseTask(BaseModel):
    """决定事项: who carries out what by when, from a case's resolution."""

    case = pw.ForeignKeyField(CoordinationCase, backref="tasks", on_delete="CASCADE")
    position = pw.IntegerField(default=0)
    unit = pw.ForeignKeyField(Unit, backref="case_tasks")
    task = pw.TextField()
    deadline = pw.DateField()
    responsible_person = pw.CharField(max_length=50, default="")


# ----------------------------------------------------------------- supervision


class SupervisionItem(BaseModel):
    """督办事项: registration -> urging -> review -> feedback."""

    number = pw.CharField(max_length=64, unique=True, null=True)  # none until registered
    seq_year = pw.IntegerField(null=True)
    seq = pw.BigIntegerField(null=True)
    state = pw.CharField(max_length=20)

    title = pw.CharField(max_length=200)  # 催办项目
    content = pw.TextField(default="")  # 项目内容 / requirements
    source = pw.CharField(max_length=20, index=True)
    basis = pw.CharField(max_length=200, default="")  # the document/meeting it rests on
    leader_instruction = pw.TextField(default="")
    instructing_leader = pw.CharField(max_length=50, default="")
    instruction_date = pw.DateField(null=True)

    lead_unit = pw.ForeignKeyField(Unit, backref="lead_items", index=True)
    responsible_person = pw.CharField(max_length=50)
    registered_on = pw.DateField(index=True)
    issued_on = pw.DateField(null=True)  # 发出时间
    deadline = pw.DateField()
    original_deadline = pw.DateField()

    result = pw.TextField(default="")  # the lead unit's current 办理结果
    result_reported_on = pw.DateField(null=True)
    completed_on = pw.DateField(null=True)  # date of the result that passed review
    result_summary = pw.TextField(default="")  # 查办结果摘要
    proposed_action = pw.TextField(default="")  # 拟办意见

    # 群众反映: a leader's approval before registration
    approved_by = pw.CharField(max_length=50, default="")
    approved_on = pw.DateField(null=True)
    approval_note = pw.TextField(default="")
    rejection_reason = pw.TextField(default="")

    void_reason = pw.TextField(default="")
    voided_on = pw.DateField(null=True)
    closed_on = pw.DateField(null=True)

    # what its unit tasks come to (schema 7), kept with them by the record functions so
    # that the state rule reads the item's row alone: the earliest deadline of a unit still
    # at work on it (none when none is), and how many units reported after their deadline
    due_on = pw.DateField(null=True)
    late_units = pw.IntegerField(default=0)
    unit_count = pw.IntegerField(default=1)  # its handling units, and how many have finished (2/4)
    units_done = pw.IntegerField(default=0)

    # kept with each urge in the same transaction, so the register sorts without joins
    urge_count = pw.IntegerField(default=0)
    last_urged_on = pw.DateField(null=True)

    case_task = pw.ForeignKeyField(
        CaseTask, backref="items", null=True, unique=True, on_delete="SET NULL"
    )
    registrar = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=_now)
    updated_at = pw.DateTimeField(default=_now)
    # one more at every change: an edit begun at another version is refused (schema 6)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = (
            (("seq_year", "seq"), True),
            (("deadline",), False),
            # the register sorts by these (schema 2)
            (("title",), False),
            (("responsible_person",), False),
            (("urge_count",), False),
            (("state",), False),
        )


# 逾期提醒 reads its items from this index alone (schema 4): an alert's row costs one index
# entry instead of a page of the table each (the table's rows are wide), which is most of
# the first count of the day. It also answers what (state, deadline) did.
# (schema 7: by the earliest deadline of a unit at work, with the units reported late)
SupervisionItem.add_index(SupervisionItem.index(
    SupervisionItem.state, SupervisionItem.due_on, SupervisionItem.deadline, SupervisionItem.id,
    SupervisionItem.number, SupervisionItem.title, SupervisionItem.lead_unit, SupervisionItem.result_reported_on,
    SupervisionItem.late_units, SupervisionItem.unit_count, name="supervision_item_alerts"))


class UnitTask(BaseModel):
    """单位任务: one handling unit's share of an item (schema 7). Every handling unit of an
    item has one: the lead unit (role ``lead``, 牵头/主办; the item's ``lead_unit``) and each
    assisting or cooperating unit (``assist`` 协办, ``cooperate`` 配合), with its part (empty:
    the whole item), its own deadline (by default the item's), the person answering for
    it, the day it signed for it (签收; none: 待签收), and its own progress: ``open`` until
    its result comes, ``reported`` (the lead's joint report, which the office reviews) or
    ``done`` (a helping unit's result received; the lead's once the review passed it). A
    unit's task may be split once more: ``parent`` is the task it is a part of."""

    item = pw.ForeignKeyField(SupervisionItem, backref="unit_tasks", on_delete="CASCADE")
    parent = pw.ForeignKeyField("self", backref="subtasks", null=True, on_delete="CASCADE")
    unit = pw.ForeignKeyField(Unit, backref="unit_tasks", index=True)
    role = pw.CharField(max_length=10)
    part = pw.TextField(default="")
    deadline = pw.DateField()
    responsible_person = pw.CharField(max_length=50, default="")
    phone = pw.CharField(max_length=50, default="")
    signed_on = pw.DateField(null=True)
    state = pw.CharField(max_length=10, default="open")
    reported_on = pw.DateField(null=True)  # the day its current result was reported
    position = pw.IntegerField(default=0)
    version = pw.IntegerField(default=1)

    class Meta:
        # (signed_on: 待签收超时 reads the few unsigned tasks from it; state, deadline: the
        # units overdue or due soon)
        indexes = ((("item", "unit"), True), (("signed_on",), False),
                   (("state", "deadline", "item", "unit", "role", "reported_on"), False))


class ResultReport(BaseModel):
    """A handling unit's reported result (办理结果), lead or assisting, as received."""

    item = pw.ForeignKeyField(SupervisionItem, backref="reports", on_delete="CASCADE")
    unit = pw.ForeignKeyField(Unit, backref="reports")
    unit_task = pw.ForeignKeyField(UnitTask, backref="reports", null=True)
    reported_on = pw.DateField()
    content = pw.TextField()
    recorded_by = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=_now)


class Urge(BaseModel):
    """检查催办: one follow-up, with its method and the time limit given."""

    item = pw.ForeignKeyField(SupervisionItem, backref="urges", on_delete="CASCADE", index=False)
    # the unit urged (schema 7; none: the whole item, as before unit tasks)
    unit_task = pw.ForeignKeyField(UnitTask, backref="urges", null=True)
    urged_on = pw.DateField()
    method = pw.CharField(max_length=20)
    content = pw.TextField(default="")
    reply_days = pw.IntegerField(null=True)  # "请将办理情况于 N 日内反映给我们"
    reply_by = pw.DateField(null=True)
    new_deadline = pw.DateField(null=True)
    urged_by = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=_now)


# an item's urges, latest last, with what 逾期提醒 asks of the latest (schema 4; it
# replaces the index on item alone)
Urge.add_index(Urge.index(Urge.item, Urge.id, Urge.reply_by, Urge.urged_on, name="urge_item_latest"))


class Extension(BaseModel):
    """延期: the deadline moved, with reason and who approved it."""

    item = pw.ForeignKeyField(SupervisionItem, backref="extensions", on_delete="CASCADE")
    unit_task = pw.ForeignKeyField(UnitTask, backref="extensions", null=True)
    requested_on = pw.DateField()
    reason = pw.TextField()
    approved_by = pw.CharField(max_length=50)
    old_deadline = pw.DateField()
    new_deadline = pw.DateField()
    recorded_by = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=_now)


class Review(BaseModel):
    """情况审理: the four looks and the verdict (pass / improve / redo)."""

    item = pw.ForeignKeyField(SupervisionItem, backref="reviews", on_delete="CASCADE", index=False)
    unit_task = pw.ForeignKeyField(UnitTask, backref="reviews", null=True)
    reviewed_on = pw.DateField()
    facts_accurate = pw.BooleanField()
    facts_accurate_note = pw.TextField(default="")
    policy_compliant = pw.BooleanField()
    policy_compliant_note = pw.TextField(default="")
    problem_solved = pw.BooleanField()
    problem_solved_note = pw.TextField(default="")
    writing_proper = pw.BooleanField()
    writing_proper_note = pw.TextField(default="")
    verdict = pw.CharField(max_length=10)
    comment = pw.TextField(default="")
    reviewer = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=_now)


# an item's reviews by verdict and day: when the one that passed it was, read from the
# index alone (state.py: passed_on_sql, for 待反馈超时; schema 5, it replaces the index on
# item alone)
Review.add_index(Review.index(Review.item, Review.verdict, Review.reviewed_on, name="review_item_verdict"))


class Feedback(BaseModel):
    """结果反馈: 专题报告, 简报 or 领导同志批示件办理情况."""

    item = pw.ForeignKeyField(SupervisionItem, backref="feedbacks", on_delete="CASCADE")
    kind = pw.CharField(max_length=20)
    fed_back_on = pw.DateField()
    recipient = pw.CharField(max_length=100, default="")
    document_number = pw.CharField(max_length=64, default="")
    note = pw.TextField(default="")
    recorded_by = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=_now)


class ItemSearch(BaseModel):
    """One line of searchable text per item, kept by triggers (see db/search.py)."""

    id = pw.IntegerField(primary_key=True)
    text = pw.TextField(default="")


class ChangeLog(BaseModel):
    """Append-only history: when, who, what, old value -> new value."""

    at = pw.DateTimeField(default=_now, index=True)
    operator = pw.CharField(max_length=50)
    entity = pw.CharField(max_length=32)
    entity_id = pw.IntegerField(null=True)
    action = pw.CharField(max_length=32)
    field = pw.CharField(max_length=64, default="")
    old_value = pw.TextField(default="")
    new_value = pw.TextField(default="")
    note = pw.TextField(default="")

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


MODELS: list[type[BaseModel]] = [
    Meta,
    Setting,
    Unit,
    NumberSequence,
    WorkdayOverride,
    CoordinationCase,
    CaseParty,
    ConsultationSession,
    CaseTask,
    SupervisionItem,
    UnitTask,
    ResultReport,
    Urge,
    Extension,
    Review,
    Feedback,
    ItemSearch,
    ChangeLog,
]
