"""The detail pane's contents: every field of an item or case, and its timeline."""

from __future__ import annotations

import datetime as dt
from html import escape

from ...domain import coordination, supervision, timeline
from ...domain.dates import format_cn
from ...domain.vocab import (
    CASE_KINDS,
    CASE_SOURCES,
    CASE_STATES,
    CONSULTATION_MODES,
    ITEM_SOURCES,
    ITEM_STATES,
    MEANS,
    METHODS,
    RECORD_KINDS,
    RELATION_SUBKINDS,
    UNIT_TASK_STATES,
)
from ...domain.workdays import current_calendar

CSS = """
<style>
body { font-size: 10.5pt; }
h2 { margin: 0 0 4px 0; font-size: 13pt; }
.num { color: #555; font-size: 10pt; }
table.f { border-collapse: collapse; margin-top: 6px; }
table.f td { padding: 3px 8px 3px 0; vertical-align: top; }
td.k { color: #555; white-space: nowrap; }
.tl td { padding: 3px 8px 3px 0; vertical-align: top; }
.when { color: #555; white-space: nowrap; }
.step { font-weight: bold; white-space: nowrap; }
.who { color: #777; }
.red { color: #a12020; font-weight: bold; }
.amber { color: #8a6100; font-weight: bold; }
.green { color: #1e6b30; font-weight: bold; }
.grey { color: #777; }
h3 { font-size: 11pt; margin: 12px 0 4px 0; border-bottom: 1px solid #ccc; }
</style>
"""


def _text(value) -> str:
    if value is None or value == "":
        return '<span class="grey">—</span>'
    return escape(str(value)).replace("\n", "<br>")


def _fields(rows) -> str:
    cells = "".join(f'<tr><td class="k">{escape(k)}</td><td>{_text(v) if not raw else v}</td></tr>'
                    for k, v, raw in rows)
    return f'<table class="f">{cells}</table>'


def _timeline(entries) -> str:
    if not entries:
        return '<p class="grey">暂无记录</p>'
    rows = []
    for e in entries:
        when = format_cn(e.day) if not hasattr(e.day, "hour") else f"{format_cn(e.day.date())} {e.day:%H:%M}"
        who = f' <span class="who">({escape(e.who)})</span>' if e.who else ""
        rows.append(f'<tr><td class="when">{when}</td><td class="step">{escape(e.title)}</td>'
                    f"<td>{_text(e.detail)}{who}</td></tr>")
    return f'<table class="tl">{"".join(rows)}</table>'


def item_status(item, rules=None) -> str:
    """The item's state in a phrase; ``rules``: the day and calendar of the list's load
    (domain/state.py: Rules), else today's."""
    state = ITEM_STATES.get(item.state, item.state)
    if item.state == "closed":
        return f'<span class="green">{state}</span>'
    if item.state in ("voided", "rejected"):
        return f'<span class="grey">{state}</span>'
    if item.state != "in_progress":
        return f"<b>{state}</b>"
    today, calendar = (rules.today, rules.calendar) if rules is not None else (dt.date.today(), current_calendar())
    left = calendar.remaining(today, item.deadline)
    if left < 0:
        return f'<span class="red">{state},已逾期 {-left} 个工作日</span>'
    if left == 0:
        return f'<span class="amber">{state},今天到期</span>'
    return f"<b>{state}</b>,还剩 {left} 个工作日"


def item_html(view, rules=None) -> str:
    """An item's detail from its ItemView (domain/item_view.py: read once, nothing read
    here); ``rules`` as item_status takes them."""
    item = view.item
    deadline = format_cn(item.deadline)
    if item.deadline != item.original_deadline:
        deadline += f"(原定 {format_cn(item.original_deadline)})"
    results = supervision.unit_results(item, reports=view.reports, helpers=[t for t in view.tasks if t.role != "lead"])
    lines = []
    for task, (unit, role, text, day) in zip(view.tasks, results, strict=False):
        # each unit's own task: its deadline, 签收 and progress (unit_tasks.describe's words)
        facts = [f"完成时限 {format_cn(task.deadline)}",
                 f"{format_cn(task.signed_on)}签收" if task.signed_on else '<span class="amber">待签收</span>',
                 UNIT_TASK_STATES.get(task.state, task.state)]
        line = f"{escape(unit.name)}（{role}）<span class='grey'>{'，'.join(facts)}</span>"
        if task.part:
            line += f"<br>　任务：{_text(task.part)}"
        if text:
            line += f"<br>　结果：{_text(text)}" + (f' <span class="grey">{format_cn(day)}</span>' if day else "")
        lines.append(line)
    handling = "<br>".join(lines)
    case_link = ""
    if item.case_task_id:
        case = item.case_task.case
        case_link = f"{case.number} {case.title}"
    rows = [
        ("状态", item_status(item, rules), True),
        ("立项依据", ITEM_SOURCES.get(item.source, item.source) + (f"({item.basis})" if item.basis else ""), False),
        ("领导批示", item.leader_instruction, False),
        ("批示领导", " ".join(filter(None, [item.instructing_leader, format_cn(item.instruction_date)])), False),
        ("项目内容", item.content, False),
        ("承办单位", handling, True),
        ("具体负责人", item.responsible_person, False),
        ("登记日期", format_cn(item.registered_on), False),
        ("发出时间", format_cn(item.issued_on), False),
        ("完成时限", deadline, False),
        ("催办次数", f"{item.urge_count} 次" + (f",最近 {format_cn(item.last_urged_on)}" if item.last_urged_on else ""), False),
        ("办理结果", item.result, False),
        ("查办结果摘要", item.result_summary, False),
        ("拟办意见", item.proposed_action, False),
    ]
    if case_link:
        rows.append(("来自协调事项", case_link, False))
    if item.approved_by:
        rows.append(("批准立项", f"{item.approved_by} {format_cn(item.approved_on)} {item.approval_note}", False))
    if item.void_reason:
        rows.append(("撤销理由", item.void_reason, False))
    if item.rejection_reason:
        rows.append(("不予立项理由", item.rejection_reason, False))
    rows.append(("登记人", item.registrar, False))
    number = escape(supervision.display_number(item))
    return (f"{CSS}<h2>{escape(item.title)}</h2><div class='num'>{number}</div>{_fields(rows)}"
            f"<h3>办理经过</h3>{_timeline(timeline.item_timeline(item, view))}"
            f"<h3>修改记录</h3>{_timeline(timeline.change_entries('item', item.id, view.history))}")


def case_html(case) -> str:
    kind = CASE_KINDS.get(case.kind, case.kind)
    if case.relation_subkind:
        kind += f"({RELATION_SUBKINDS.get(case.relation_subkind, '')})"
    methods = "、".join(METHODS.get(m, m) for m in case.methods.split(",") if m)
    rows = [
        ("进度", f"<b>{CASE_STATES.get(case.state, case.state)}</b>", True),
        ("受托来源", CASE_SOURCES.get(case.source, case.source), False),
        ("委托方", case.requester, False),
        ("受托日期", format_cn(case.requested_on), False),
        ("协调类型", kind, False),
        ("协调各方", "、".join(u.name for u in coordination.parties(case)), False),
        ("事项内容", case.description, False),
        ("办结时限", format_cn(case.deadline), False),
        ("经办人", case.handler, False),
    ]
    if case.screened_on:
        rows.append(("审理意见", case.screening_reason or "受理", False))
    if case.verified_on:
        rows += [("背景材料", case.background, False), ("有关政策规定", case.rules_consulted, False),
                 ("调查情况", case.investigation, False), ("主管机关意见", case.authority_opinion, False),
                 ("协调方案", case.plan, False),
                 ("手段和方式", f"{MEANS.get(case.means, case.means)};{methods}", False)]
    if case.hard_approved_by:
        rows.append(("硬协调批准", f"{case.hard_approved_by} {format_cn(case.hard_approved_on)} {case.hard_approval_note}", False))
    if case.resolved_on:
        rows += [("处理决定", case.decision, False),
                 ("记录形式", f"{RECORD_KINDS.get(case.record_kind, '')} {case.record_number}", False),
                 ("签署各方", case.signatories, False)]
    sessions = []
    for n, s in enumerate(coordination.sessions_of(case), start=1):
        modes = "、".join(CONSULTATION_MODES[f][getattr(s, f)] for f in CONSULTATION_MODES)
        sessions.append(f"<p><b>第 {n} 次协商</b> {format_cn(s.held_on)} {escape(s.place)}({modes})"
                        f"{'<b>,达成一致</b>' if s.agreed else ''}<br>参加:{_text(s.participants)}<br>"
                        f"各方意见:{_text(s.positions)}<br>结果:{_text(s.outcome)}</p>")
    tasks = []
    for task in coordination.tasks_of(case):
        linked = coordination.item_of_task(task)
        link = f"已生成督办事项 {escape(linked.number)}" if linked else '<span class="amber">尚未生成督办事项</span>'
        tasks.append(f"<tr><td>{escape(task.unit.name)}</td><td>{_text(task.task)}</td>"
                     f"<td>{format_cn(task.deadline)}</td><td>{escape(task.responsible_person)}</td><td>{link}</td></tr>")
    task_html = (f'<table class="tl"><tr><td class="k">承办单位</td><td class="k">任务</td><td class="k">完成时限</td>'
                 f'<td class="k">负责人</td><td class="k">督办</td></tr>{"".join(tasks)}</table>') if tasks else ""
    return (f"{CSS}<h2>{escape(case.title)}</h2><div class='num'>{escape(case.number)}</div>{_fields(rows)}"
            + (f"<h3>协商记录</h3>{''.join(sessions)}" if sessions else "")
            + (f"<h3>决定事项</h3>{task_html}" if task_html else "")
            + f"<h3>协调经过</h3>{_timeline(timeline.case_timeline(case))}"
            + f"<h3>修改记录</h3>{_timeline(timeline.change_entries('case', case.id))}")
