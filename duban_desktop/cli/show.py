"""``show NUMBER [--json]``: everything stored about one item or case (domain/dossier.py).

The JSON is the dossier itself; the text is the same dossier in the office's words, so the
two never tell different things.
"""

from __future__ import annotations

import datetime as dt
import json

from ..db import close_database
from ..domain import dossier
from ..domain.dates import format_cn
from ..domain.history import ACTION_LABELS
from ..domain.timeline import FIELD_LABELS
from ..domain.vocab import (
    CASE_KINDS,
    CASE_SOURCES,
    CASE_STATES,
    CONSULTATION_MODES,
    FEEDBACK_KINDS,
    FOUR_LOOKS,
    ITEM_SOURCES,
    ITEM_STATES,
    MEANS,
    METHODS,
    RECORD_KINDS,
    RELATION_SUBKINDS,
    SCREENING_DECISIONS,
    UNIT_ROLES,
    UNIT_TASK_STATES,
    URGE_METHODS,
    VERDICTS,
)
from .common import add_db_option, open_db, out


def register(sub) -> None:
    p = sub.add_parser("show", help="显示一件督办事项或协调事项的全部记录")
    p.add_argument("number", metavar="NUMBER",
                   help="事项编号，如 催字〔2026〕12号 或 协字〔2026〕3号")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（键名见术语表）")
    add_db_option(p)
    p.set_defaults(handler=cmd_show)


def cmd_show(args) -> int:
    open_db(args)
    try:
        found = dossier.gather(args.number)
    finally:
        close_database()
    if args.json:
        out(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        for line in text_lines(found):
            out(line)
    return 0


# ---------------------------------------------------------------- values in words

ROLES = {**UNIT_ROLES, "party": "协调方"}


def _day(value) -> str:
    """An ISO date or time as an office writes it."""
    if not value:
        return ""
    text = str(value)
    try:
        if len(text) == 10:
            return format_cn(dt.date.fromisoformat(text))
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return f"{format_cn(moment.date())} {moment:%H:%M:%S}"


def _yes(value) -> str:
    return "是" if value else "否"


def _codes(mapping):
    return lambda value: mapping.get(value, value) if value else ""


def _methods(values) -> str:
    return "、".join(METHODS.get(v, v) for v in values)


def _names(values) -> str:
    return "、".join(values)


# key -> (label, how to show it); a key not listed is shown under its stored name
ITEM_FIELDS = {
    "number": ("编号", str), "state": ("状态", _codes(ITEM_STATES)),
    "title": ("催办项目", str), "content": ("项目内容", str),
    "source": ("立项依据", _codes(ITEM_SOURCES)), "basis": ("依据文件或会议", str),
    "leader_instruction": ("领导批示", str), "instructing_leader": ("批示领导", str),
    "instruction_date": ("批示日期", _day), "lead_unit": ("主办单位", str),
    "assisting_units": ("协办单位", _names), "responsible_person": ("具体负责人", str),
    "registered_on": ("登记日期", _day), "issued_on": ("发出时间", _day),
    "deadline": ("完成时限", _day), "original_deadline": ("原定完成时限", _day),
    "result": ("办理结果", str), "result_reported_on": ("报送日期", _day),
    "completed_on": ("承办单位办结日期", _day), "result_summary": ("查办结果摘要", str),
    "proposed_action": ("拟办意见", str), "approved_by": ("批准立项的领导", str),
    "approved_on": ("批准日期", _day), "approval_note": ("批准意见", str),
    "rejection_reason": ("不予立项的理由", str), "void_reason": ("撤销理由", str),
    "voided_on": ("撤销日期", _day), "closed_on": ("反馈办结日期", _day),
    "urge_count": ("催办次数", str), "last_urged_on": ("最近催办日期", _day),
    "coordination_case": ("来自协调事项", str), "case_task": ("决定事项", str),
    "registrar": ("登记人", str), "created_at": ("建档时间", _day), "updated_at": ("最后修改", _day),
}
CASE_FIELDS = {
    "number": ("编号", str), "state": ("状态", _codes(CASE_STATES)),
    "title": ("协调事项", str), "description": ("事项内容", str),
    "source": ("受托来源", _codes(CASE_SOURCES)), "requester": ("委托方", str),
    "requested_on": ("受托日期", _day), "kind": ("协调类型", _codes(CASE_KINDS)),
    "relation_subkind": ("关系协调类别", _codes(RELATION_SUBKINDS)),
    "deadline": ("办结时限", _day), "handler": ("经办人", str), "parties": ("协调各方", _names),
    "screened_on": ("审理日期", _day), "screening_decision": ("审理结论", _codes(SCREENING_DECISIONS)),
    "screening_reason": ("审理理由", str), "escalated_to": ("上报对象", str),
    "background": ("背景材料", str), "rules_consulted": ("有关政策规定", str),
    "investigation": ("调查情况", str), "authority_opinion": ("主管机关意见", str),
    "plan": ("协调方案", str), "means": ("协调手段", _codes(MEANS)), "methods": ("协调方式", _methods),
    "hard_approved_by": ("批准硬协调的领导", str), "hard_approved_on": ("批准硬协调日期", _day),
    "hard_approval_note": ("批准硬协调意见", str), "verified_on": ("核查日期", _day),
    "resolved_on": ("处理日期", _day), "decision": ("处理决定", str),
    "record_kind": ("记录形式", _codes(RECORD_KINDS)), "record_number": ("纪要或协议编号", str),
    "signatories": ("签署各方", str), "archived_on": ("归档日期", _day),
    "void_reason": ("撤销理由", str), "voided_on": ("撤销日期", _day),
    "registrar": ("登记人", str), "created_at": ("建档时间", _day), "updated_at": ("最后修改", _day),
}
# stored only to keep numbers and lists in order, or shown in the heading: not repeated
HIDDEN = {"id", "seq_year", "seq", "state_label"}


def _put(lines: list[str], label: str, value: str, indent: str = "") -> None:
    """``label：value``, a value of several lines indented under its label."""
    if value in ("", None):
        return
    first, *rest = str(value).splitlines() or [""]
    lines.append(f"{indent}{label}：{first}" if label else f"{indent}{first}")
    lines.extend(f"{indent}  {line}" for line in rest)


def _fields(lines: list[str], fields: dict, labels: dict) -> None:
    for key, (label, show) in labels.items():
        if key in fields and key not in ("number", "state") and fields[key] not in ("", None, []):
            _put(lines, label, show(fields[key]))
    for key, value in fields.items():  # a column added later is never hidden
        if key not in labels and key not in HIDDEN and value not in ("", None, []):
            _put(lines, key, str(value))


def _section(lines: list[str], title: str, rows: list, each) -> None:
    lines.append("")
    lines.append(f"【{title}】" + (f"{len(rows)} 条" if rows else "（无）"))
    for index, row in enumerate(rows, start=1):
        each(lines, index, row)


# ---------------------------------------------------------------- sections


def _unit(lines, _index, u) -> None:
    extra = "".join(f"，{label}：{u[key]}" for key, label in (("contact_person", "联系人"),
                                                              ("phone", "电话"), ("note", "备注"))
                    if u[key])
    lines.append(f"{ROLES.get(u['role'], u['role'])}：{u['name']}{extra}"
                 + ("" if u["active"] else "（已停用）"))
    if "state" in u:  # a handling unit's task
        task = [f"完成时限 {_day(u['deadline'])}"]
        if u["responsible_person"]:
            task.append(f"负责人 {u['responsible_person']}")
        task += [
                 f"{_day(u['signed_on'])}签收" if u["signed_on"] else "待签收",
                 UNIT_TASK_STATES.get(u["state"], u["state"])]
        if u["reported_on"]:
            task.append(f"{_day(u['reported_on'])}报送")
        if u["urge_count"]:
            task.append(f"催办 {u['urge_count']} 次")
        lines.append("   " + "，".join(task))
        _put(lines, "任务", u["part"], "   ")


def _report(lines, index, r) -> None:
    lines.append(f"{index}. {_day(r['reported_on'])}　{r['unit']}（{ROLES.get(r['role'], r['role'])}）")
    _put(lines, "", r["content"], "   ")
    _put(lines, "记录人", r["recorded_by"], "   ")


def _urge(lines, index, u) -> None:
    lines.append(f"{index}. {_day(u['urged_on'])}　{URGE_METHODS.get(u['method'], u['method'])}")
    _put(lines, "催办内容", u["content"], "   ")
    if u["reply_by"]:
        _put(lines, "反馈期限", f"{u['reply_days']} 个工作日，{_day(u['reply_by'])}前", "   ")
    _put(lines, "新的完成时限", _day(u["new_deadline"]), "   ")
    _put(lines, "催办人", u["urged_by"], "   ")


def _extension(lines, index, e) -> None:
    lines.append(f"{index}. {_day(e['requested_on'])}　{_day(e['old_deadline'])} → "
                 f"{_day(e['new_deadline'])}，{e['approved_by']}批准")
    _put(lines, "延期理由", e["reason"], "   ")
    _put(lines, "记录人", e["recorded_by"], "   ")


def _review(lines, index, r) -> None:
    lines.append(f"{index}. {_day(r['reviewed_on'])}　{VERDICTS.get(r['verdict'], r['verdict'])}")
    for key, label in FOUR_LOOKS.items():
        look = r["looks"][key]
        _put(lines, label, "是" + (f"（{look['note']}）" if look["note"] else "") if look["ok"]
             else f"否（{look['note']}）", "   ")
    _put(lines, "审理意见", r["comment"], "   ")
    _put(lines, "审理人", r["reviewer"], "   ")


def _feedback(lines, index, f) -> None:
    lines.append(f"{index}. {_day(f['fed_back_on'])}　{FEEDBACK_KINDS.get(f['kind'], f['kind'])}，"
                 f"报送{f['recipient']}")
    _put(lines, "文号", f["document_number"], "   ")
    _put(lines, "备注", f["note"], "   ")
    _put(lines, "记录人", f["recorded_by"], "   ")


def _session(lines, index, s) -> None:
    modes = "、".join(pair.get(s[key], s[key]) for key, pair in CONSULTATION_MODES.items())
    lines.append(f"{index}. {_day(s['held_on'])}　{modes}" + ("（达成一致）" if s["agreed"] else ""))
    for key, label in (("place", "地点"), ("participants", "参加人员"), ("positions", "各方意见"),
                       ("outcome", "协商结果"), ("recorded_by", "记录人")):
        _put(lines, label, s[key], "   ")


def _task(lines, index, t) -> None:
    lines.append(f"{index}. {t['unit']}　完成时限 {_day(t['deadline'])}")
    _put(lines, "", t["task"], "   ")
    _put(lines, "负责人", t["responsible_person"], "   ")
    _put(lines, "督办事项", t["supervision_item"] or "尚未生成", "   ")


def _history_value(matter: str, field: str, value: str) -> str:
    if not value:
        return "（空）"
    if field == "state":
        return (ITEM_STATES if matter == dossier.ITEM else CASE_STATES).get(value, value)
    if field == "means":
        return MEANS.get(value, value)
    if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        return _day(value)
    return value


def _change(matter: str):
    def each(lines, _index, h) -> None:
        text = f"{_day(h['at'])}　{h['operator']}　{ACTION_LABELS.get(h['action'], h['action'])}"
        if h["field"]:
            text += f"　{FIELD_LABELS.get(h['field'], h['field'])}"
        if h["old_value"] or h["new_value"]:
            text += (f"：{_history_value(matter, h['field'], h['old_value'])} → "
                     f"{_history_value(matter, h['field'], h['new_value'])}")
        lines.append(text + (f"（{h['note']}）" if h["note"] else ""))
    return each


def text_lines(found: dict) -> list[str]:
    """The dossier as the office reads it."""
    fields = found["fields"]
    matter = found["matter"]
    if matter == dossier.ITEM:
        lines = [f"督办事项　{found['number']}（{fields['state_label']}）", "", "【基本情况】"]
        _fields(lines, fields, ITEM_FIELDS)
        _section(lines, "承办单位", found["units"], _unit)
        _section(lines, "办理结果报送", found["reports"], _report)
        _section(lines, "检查催办", found["urges"], _urge)
        _section(lines, "延期", found["extensions"], _extension)
        _section(lines, "情况审理", found["reviews"], _review)
        _section(lines, "结果反馈", found["feedbacks"], _feedback)
    else:
        lines = [f"协调事项　{found['number']}（{fields['state_label']}）", "", "【基本情况】"]
        _fields(lines, fields, CASE_FIELDS)
        _section(lines, "协调各方", found["units"], _unit)
        _section(lines, "协商", found["consultation_sessions"], _session)
        _section(lines, "决定事项", found["tasks"], _task)
    _section(lines, "变更记录", found["history"], _change(matter))
    return lines
