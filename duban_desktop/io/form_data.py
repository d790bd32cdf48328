"""What goes into each form: the fields of an item, a case or the bulletin, as text.

Names are those of forms/README.md (and ``form_templates.FIELDS``). Dates print as
2026年1月5日; an empty date prints as the paper form's blank “　　年　月　日”.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import peewee as pw

from ..db.models import (
    Extension,
    Feedback,
    ResultReport,
    Review,
    SupervisionItem,
    Unit,
    UnitTask,
    Urge,
)
from ..domain import coordination, ledger, settings, statistics, supervision
from ..domain import state as states
from ..domain.dates import format_cn, format_cn_month_day
from ..domain.vocab import (
    CASE_KINDS,
    CASE_SOURCES,
    CASE_STATES,
    CONSULTATION_MODES,
    FEEDBACK_KINDS,
    ITEM_SOURCES,
    ITEM_STATES,
    MEANS,
    METHODS,
    RECORD_KINDS,
    UNIT_ROLES,
    URGE_METHODS,
    VERDICTS,
    label,
)
from .form_fill import Context

BLANK_DATE = "　　　　年　　月　　日"
BLANK_MONTH_DAY = "　　月　　日"
CN_NUMERALS = "一二三四五六七八九十"


def cn_date(day: dt.date | None) -> str:
    return format_cn(day) if day else BLANK_DATE


def _cn_count(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n - 1]
    if n < 20:
        return "十" + CN_NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[ones - 1] if ones else "")


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it already ends with punctuation)."""
    text = text.strip()
    if text and text[-1] not in "。!?;:…”’)）」』.!?":
        text += "。"
    return text


def common_fields(today: dt.date, operator: str = "", values: dict | None = None) -> dict[str, str]:
    values = values or settings.all_settings()
    return {
        "办公室名称": str(values["office_name"]),
        "联系电话": str(values["contact_phone"]),
        "经办人": operator or str(values["operator_name"]),
        "今天": format_cn(today),
    }


# ------------------------------------------------------------------ supervision items


def _urge_line(urge: Urge) -> str:
    parts = [f"{format_cn(urge.urged_on)},{label(URGE_METHODS, urge.method)}"]
    if urge.content:
        parts[0] += ":" + _sentence(urge.content)
    else:
        parts[0] += "。"
    if urge.reply_by:
        parts.append(f"要求{format_cn(urge.reply_by)}前反馈。")
    if urge.new_deadline:
        parts.append(f"完成时限改为{format_cn(urge.new_deadline)}。")
    return "".join(parts)


def _extension_line(ext: Extension) -> str:
    return (f"{format_cn(ext.requested_on)},延期:{_sentence(ext.reason)}经{ext.approved_by}批准,"
            f"完成时限由{format_cn(ext.old_deadline)}延至{format_cn(ext.new_deadline)}。")


# Items are read a page at a time with everything their forms print (one query per
# table and page, not a dozen per item), so a batch of notices costs the same per item
# whatever its size, and holds only one page of records at a time.
PAGE = 200


@dataclass
class Related:
    """What an item's forms print besides its own row, each list in date order."""

    assisting: list[Unit] = field(default_factory=list)
    helping: list[UnitTask] = field(default_factory=list)  # the helping units' tasks, in order
    tasks: list[UnitTask] = field(default_factory=list)  # every unit's task, lead first
    urges: list[Urge] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    reports: list[ResultReport] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    feedbacks: list[Feedback] = field(default_factory=list)


def load_related(item_ids: list[int]) -> dict[int, Related]:
    found = {item_id: Related() for item_id in item_ids}
    tasks = (UnitTask.select(UnitTask, Unit).join(Unit)
             .where(UnitTask.item.in_(item_ids))
             .order_by(UnitTask.position, UnitTask.id))
    for task in tasks:
        found[task.item_id].tasks.append(task)
        if task.role != "lead":
            found[task.item_id].helping.append(task)
            found[task.item_id].assisting.append(task.unit)
    for name, model, order in (("urges", Urge, (Urge.urged_on, Urge.id)),
                               ("extensions", Extension, (Extension.requested_on, Extension.id)),
                               ("reports", ResultReport, (ResultReport.reported_on, ResultReport.id)),
                               ("reviews", Review, (Review.reviewed_on, Review.id)),
                               ("feedbacks", Feedback, (Feedback.fed_back_on, Feedback.id))):
        for row in model.select().where(model.item.in_(item_ids)).order_by(*order):
            getattr(found[row.item_id], name).append(row)
    return found


def iter_items(item_ids: Iterable[int], page: int = PAGE) -> Iterator[tuple[SupervisionItem, Related]]:
    """Each item (with its lead unit) and its related records, in the order given.
    An id that no longer exists raises NotFound with the usual message."""
    ids = list(item_ids)
    for start in range(0, len(ids), page):
        chunk = ids[start:start + page]
        query = (SupervisionItem.select(SupervisionItem, Unit)
                 .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
                 .where(SupervisionItem.id.in_(chunk)))
        items = {item.id: item for item in query}
        related = load_related(list(items))
        for item_id in chunk:
            if item_id not in items:
                supervision.get_item(item_id)  # raises NotFound
            yield items[item_id], related[item_id]


def urge_records(item: SupervisionItem, related: Related | None = None) -> list[dict[str, str]]:
    """催办记录: each urge, and each extension, in date order."""
    related = related or load_related([item.id])[item.id]
    events = []
    for urge in related.urges:
        events.append((urge.urged_on, 0, urge.id, {
            "日期": format_cn(urge.urged_on), "方式": label(URGE_METHODS, urge.method),
            "内容": urge.content, "反馈期限": format_cn(urge.reply_by),
            "新时限": format_cn(urge.new_deadline), "催办人": urge.urged_by,
            "记录": _urge_line(urge)}))
    for ext in related.extensions:
        events.append((ext.requested_on, 1, ext.id, {
            "日期": format_cn(ext.requested_on), "方式": "延期", "内容": ext.reason,
            "反馈期限": "", "新时限": format_cn(ext.new_deadline), "催办人": ext.recorded_by,
            "记录": _extension_line(ext)}))
    events.sort(key=lambda e: e[:3])
    return [{"序号": str(i), **e[3]} for i, e in enumerate(events, start=1)]


def _handling_summary(item: SupervisionItem, related: Related) -> str:
    """处理结果 on the register: what each unit reported, the review, the feedback."""
    lines = []
    for unit, role, content, reported_on in supervision.unit_results(item, related.reports, related.helping):
        if content:
            when = f"（{format_cn(reported_on)}报送）" if reported_on else ""
            lines.append(f"{role}单位{unit.name}{when}：{_sentence(content)}")
    for rev in related.reviews:
        text = f"{format_cn(rev.reviewed_on)}情况审理:{label(VERDICTS, rev.verdict)}。"
        if rev.comment:
            text += _sentence(rev.comment)
        lines.append(text)
    for fb in related.feedbacks:
        lines.append(f"{format_cn(fb.fed_back_on)}以{label(FEEDBACK_KINDS, fb.kind)}"
                     f"报送{fb.recipient},已办结。")
    if item.state == "voided":
        lines.append(f"{format_cn(item.voided_on)}撤销:{_sentence(item.void_reason)}")
    return "\n".join(lines)


def _units_and_people(item: SupervisionItem, related: Related) -> str:
    """承办单位（人） on the register: the lead unit and its person; with helping units,
    one line a unit, each with its role, person, deadline and part."""
    lead = item.lead_unit.name + (f"（{item.responsible_person}）" if item.responsible_person else "")
    if not related.helping:
        return lead
    by_id = {t.id: t for t in related.tasks}
    lines = [f"主办：{lead}"]
    for task in related.helping:
        notes = [task.responsible_person] if task.responsible_person else []
        if task.parent_id in by_id:
            notes.append(f"{by_id[task.parent_id].unit.name}分解")
        line = f"{UNIT_ROLES[task.role]}：{task.unit.name}" + (f"（{'，'.join(notes)}）" if notes else "")
        line += f"，{format_cn(task.deadline)}前完成"
        lines.append(line + (f"：{_sentence(task.part)}" if task.part else "。"))
    return "\n".join(lines)


def _unit_results(item: SupervisionItem, related: Related) -> str:
    """各单位办理情况 on the 批示件办理情况: what each handling unit reported (its latest
    result), one line a unit; a unit yet to report says so."""
    lines = []
    for unit, role, content, _day in supervision.unit_results(item, related.reports, related.helping):
        head = f"{unit.name}（{role}）"
        lines.append(f"{head}：{_sentence(content)}" if content else f"{head}：尚未报送办理结果。")
    return "\n".join(lines)


def item_contexts(item_ids: Iterable[int], today: dt.date) -> Iterator[tuple[SupervisionItem, Context]]:
    """Each item and the fields of its forms, read a page at a time (for batches)."""
    values = settings.all_settings()
    rules = states.rules(today, values=values)
    for item, related in iter_items(item_ids):
        yield item, item_context(item, today, related, values, rules)


def notice_tasks(item: SupervisionItem, related: Related) -> list[UnitTask | None]:
    """Whom an item's 催(交)办通知 go to: each unit still at work on it, when it has
    several units (one notice each); else the lead unit alone (None)."""
    if item.unit_count > 1:
        working = [t for t in related.tasks if t.state == "open"]
        if working and [t.role for t in working] != ["lead"]:
            return working
    return [None]


def notice_contexts(item_ids: Iterable[int], today: dt.date) -> Iterator[tuple[SupervisionItem, Context]]:
    """The notices of the items, one for each unit they go to (``notice_tasks``), read a
    page at a time."""
    values = settings.all_settings()
    rules = states.rules(today, values=values)
    for item, related in iter_items(item_ids):
        for task in notice_tasks(item, related):
            yield item, item_context(item, today, related, values, rules, task=task)


def notice_count(item_ids: list[int]) -> int:
    """How many notices ``notice_contexts`` makes of the items (one statement a page)."""
    total = 0
    for start in range(0, len(item_ids), PAGE):
        page = item_ids[start:start + PAGE]
        working = (UnitTask.select(pw.fn.COUNT(UnitTask.id)).where((UnitTask.item == SupervisionItem.id)
                                                                   & (UnitTask.state == "open")))
        lead_working = (UnitTask.select(pw.fn.COUNT(UnitTask.id)).where(
            (UnitTask.item == SupervisionItem.id) & (UnitTask.state == "open") & (UnitTask.role == "lead")))
        for units, open_tasks, lead in (SupervisionItem.select(SupervisionItem.unit_count, working, lead_working)
                                        .where(SupervisionItem.id.in_(page)).tuples()):
            # (as notice_tasks: the lead alone at work gets the item's own notice)
            total += open_tasks if units > 1 and open_tasks and (open_tasks, lead) != (1, 1) else 1
    return total


def item_context(item: SupervisionItem, today: dt.date, related: Related | None = None,
                 values: dict | None = None, rules: states.Rules | None = None,
                 task: UnitTask | None = None) -> Context:
    """The fields of an item's forms. ``task``: a notice to that unit (its name as the
    addressee, 主办单位; its role, deadline and part); none: the item's own, to its lead
    unit."""
    context = _item_context(item, today, related, values, rules)
    if task is not None:
        rules = rules or states.rules(today, values=values)
        code = states.unit_task_state(rules, item.state, task.state, task.deadline, task.reported_on)
        requirement = f"你单位的任务：{_sentence(task.part)}" if task.part else ""
        requirement += f"你单位完成时限为{format_cn(task.deadline)}"
        if code == states.OVERDUE:
            requirement += f"，已逾期{states.days_late(rules, 'in_progress', task.deadline)}个工作日"
        requirement += "。"
        if item.leader_instruction:
            requirement += f"{item.instructing_leader or '领导'}批示:“{item.leader_instruction}”"
        related = related or load_related([item.id])[item.id]
        mine = [u for u in related.urges if u.unit_task_id == task.id]  # the urges sent to this unit
        last = mine[-1] if mine else None
        if last and last.content:
            requirement += ("\n" if item.leader_instruction else "") + _sentence(last.content)
        fields = {"主办单位": task.unit.name, "承办角色": UNIT_ROLES[task.role],
                  "完成时限": cn_date(task.deadline), "办理要求": requirement}
        if last and last.reply_days:
            fields["反馈天数"] = str(last.reply_days)
        context.fields.update(fields)
    return context


def _item_context(item: SupervisionItem, today: dt.date, related: Related | None = None,
                  values: dict | None = None, rules: states.Rules | None = None) -> Context:
    related = related or load_related([item.id])[item.id]
    values = values or settings.all_settings()
    rules = rules or states.rules(today, values=values)
    lead = item.lead_unit
    helpers = [u.name for u in related.assisting]
    handling = lead.name + ("会同" + "、".join(helpers) if helpers else "")
    last = related.urges[-1] if related.urges else None
    reply_days = (last.reply_days if last and last.reply_days else values["default_reply_days"])
    overdue = states.item_state(rules, item.state, item.deadline, item.result_reported_on,
                                item.completed_on, item.due_on, item.late_units) == states.OVERDUE
    requirement = f"该事项完成时限为{format_cn(item.deadline)}"
    if overdue:
        days = states.overdue_days(rules, item.state, item.deadline, item.result_reported_on, item.due_on)
        requirement += f"，已逾期{days}个工作日"
    requirement += "。"
    if item.leader_instruction:
        who_said = item.instructing_leader or "领导"
        requirement += f"{who_said}批示:“{item.leader_instruction}”"
    if last and last.content:
        requirement += ("\n" if item.leader_instruction else "") + _sentence(last.content)
    reports = [fb for fb in related.feedbacks if fb.kind == "instruction_report"]
    fields = {
        **common_fields(today, item.registrar, values),
        "编号": supervision.display_number(item),
        "登记日期": cn_date(item.registered_on),
        "催办项目": item.title,
        "项目内容": item.content,
        "立项依据": label(ITEM_SOURCES, item.source),
        "依据文件": item.basis,
        "主办单位": lead.name,
        "协办单位": "、".join(helpers),
        "具体负责人": item.responsible_person,
        "承办单位及负责人": _units_and_people(item, related),
        "各单位办理情况": _unit_results(item, related),
        "发出时间": cn_date(item.issued_on),
        "完成时限": cn_date(item.deadline),
        "原定时限": cn_date(item.original_deadline),
        "领导批示": item.leader_instruction,
        "批示领导": item.instructing_leader,
        "批示日期": cn_date(item.instruction_date),
        "批示月日": format_cn_month_day(item.instruction_date) or BLANK_MONTH_DAY,
        "批示载体": item.basis,
        "承办单位": handling,
        "办理状态": label(ITEM_STATES, item.state),
        "办理结果": item.result,
        "处理结果": _handling_summary(item, related),
        "办结日期": cn_date(item.closed_on),
        "查办结果摘要": item.result_summary,
        "拟办意见": item.proposed_action,
        "催办次数": str(item.urge_count),
        "登记人": item.registrar,
        "通知类别": "催办" if item.urge_count or overdue else "交办",
        "承办角色": "主办",
        "反馈天数": str(reply_days),
        "反馈截止日期": format_cn(last.reply_by) if last and last.reply_by else "",
        "办理要求": requirement,
        "通知日期": format_cn(today),
        "报送日期": format_cn(reports[-1].fed_back_on) if reports else format_cn(today),
    }
    return Context(fields, {"催办记录": urge_records(item, related)})


# ------------------------------------------------------------------ coordination cases


def _modes(session) -> str:
    """如 集体、当面、正式、直接协商."""
    modes = [CONSULTATION_MODES[f][getattr(session, f)].removesuffix("协商")
             for f in CONSULTATION_MODES if getattr(session, f) in CONSULTATION_MODES[f]]
    return "、".join(modes) + "协商" if modes else "协商"


def _session_line(index: int, session) -> str:
    text = f"({_cn_count(index)}){format_cn(session.held_on)},"
    if session.place:
        text += f"在{session.place}"
    scope = CONSULTATION_MODES["scope_mode"].get(session.scope_mode, "协商")
    text += scope + "。"
    if session.participants:
        text += f"参加人员:{_sentence(session.participants)}"
    if session.outcome:
        text += _sentence(session.outcome)
    if not session.agreed:
        text += "(未取得一致意见)"
    return text


def _record_title(title: str, record_kind: str) -> str:
    """关于……的协调会议纪要;关于……问题的协议书 (not “协调协议书”)."""
    if record_kind == "agreement":
        return title.removesuffix("协调").removesuffix("的") + "的协议书"
    return title + "会议纪要" if title.endswith("协调") else title + "协调会议纪要"


def case_context(case, today: dt.date) -> Context:
    parties = [u.name for u in coordination.parties(case)]
    sessions = coordination.sessions_of(case)
    tasks = coordination.tasks_of(case)
    record_kind = label(RECORD_KINDS, case.record_kind) if case.record_kind else "会议纪要"
    title = case.title
    verified = []
    for head, text in (("背景情况", case.background), ("有关政策规定", case.rules_consulted),
                       ("调查核实情况", case.investigation), ("主管部门意见", case.authority_opinion),
                       ("协调方案", case.plan)):
        if text:
            verified.append(f"{head}:{_sentence(text)}")
    methods = [label(METHODS, m) for m in case.methods.split(",") if m]
    task_rows = []
    for i, task in enumerate(tasks, start=1):
        made = coordination.item_of_task(task)
        task_rows.append({"序号": str(i), "承办单位": task.unit.name, "事项": task.task,
                          "完成时限": format_cn(task.deadline), "负责人": task.responsible_person,
                          "督办编号": (made.number or "") if made else ""})
    fields = {
        **common_fields(today, case.handler or case.registrar),
        "事项编号": case.number,
        "协调事项": title,
        "事项说明": case.description,
        "受托来源": label(CASE_SOURCES, case.source),
        "提出方": case.requester,
        "受托日期": cn_date(case.requested_on),
        "协调类型": label(CASE_KINDS, case.kind),
        "协调各方": "、".join(parties),
        "核查情况": "\n".join(verified),
        "协调方案": case.plan,
        "协调手段": label(MEANS, case.means),
        "协调方式": "、".join(methods),
        "协商次数": _cn_count(len(sessions)) if sessions else "",
        "处理决定": case.decision,
        "处理日期": cn_date(case.resolved_on),
        "记录形式": record_kind,
        "记录名称": _record_title(title, case.record_kind),
        "记录编号": case.record_number or case.number,
        "记录用语": "达成协议如下" if case.record_kind == "agreement" else "现纪要如下",
        "签署各方": case.signatories,
        "办理状态": label(CASE_STATES, case.state),
    }
    lists = {
        "协商记录": [{"序号": f"({_cn_count(i)})", "日期": format_cn(s.held_on), "地点": s.place,
                      "方式": _modes(s),
                      "参加人员": s.participants, "各方意见": s.positions, "结果": s.outcome,
                      "记录": _session_line(i, s)} for i, s in enumerate(sessions, start=1)],
        "决定事项": task_rows,
        "签署方": [{"序号": str(i), "单位": name, "日期": "　　年　月　日"}
                   for i, name in enumerate(parties, start=1)],
    }
    return Context(fields, lists)


# ------------------------------------------------------------------ the bulletin


# The bulletin goes to leaders: totals, every unit's numbers, and the overdue items the
# longest overdue first, at most this many; the rest are counted in one line that points
# to the ledger's 逾期清单, which lists them all.
BULLETIN_OVERDUE_ROWS = 50


def bulletin_context(today: dt.date, year: int | None = None) -> Context:
    rows, total = statistics.statistics("unit", year=year, today=today)
    units = []
    for i, row in enumerate(rows, start=1):
        units.append({"序号": str(i), "承办单位": row.label, **_counts(row)})
    where = ledger.ItemFilter(overdue_only=True, year=year)  # domain/state.py's overdue
    ids = ledger.item_ids(where, sort="deadline", today=today)
    shown = list(ids[:BULLETIN_OVERDUE_ROWS])
    rules = states.rules(today)
    overdue = []
    for i, (item, _related) in enumerate(iter_items(shown), start=1):
        overdue.append({
            "序号": str(i), "编号": item.number or "", "催办项目": item.title,
            "承办单位": item.lead_unit.name, "具体负责人": item.responsible_person,
            "完成时限": format_cn(item.deadline),
            "逾期工作日": str(states.overdue_days(rules, item.state, item.deadline, item.result_reported_on,
                                                item.due_on)),
            "办理状态": label(ITEM_STATES, item.state), "催办次数": str(item.urge_count)})
    if len(ids) > len(shown):
        overdue.append({"催办项目": f"另有{len(ids) - len(shown)}件逾期事项未列出，"
                                   "详见督办台账（Excel）的“逾期清单”。"})
    if not overdue:
        overdue = [{"催办项目": "无逾期事项"}]
    fields = {**common_fields(today), "通报日期": format_cn(today), **_counts(total),
              "统计口径": statistics.DEFINITIONS}
    return Context(fields, {"单位统计": units, "逾期事项": overdue})


def _counts(row: statistics.StatRow) -> dict[str, str]:
    return {"交办": str(row.assigned), "办结": str(row.closed), "按期办结": str(row.closed_on_time),
            "未办结": str(row.open), "逾期": str(row.overdue),
            "办结率": statistics.percent(row.completion_rate),
            "按期办结率": statistics.percent(row.on_time_rate)}


def item_by_id(item_id: int) -> SupervisionItem:
    return supervision.get_item(item_id)
