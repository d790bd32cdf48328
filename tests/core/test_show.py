"""``show NUMBER [--json]`` as a user runs it: a real process on a real database.

The matters are made through the real step functions, each through every step, so that
every section of the dossier has something in it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3

import pytest

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import Unit
from duban_desktop.domain import coordination, dossier, supervision, units

from ..factories import MODES, TODAY, file_digest
from .test_cli import run

ITEM = "催字〔2026〕1号"
CASE = "协字〔2026〕1号"
LEAD, HELPER = "县住房和城乡建设局", "县财政局"
LOOKS = {"facts_accurate": True, "policy_compliant": True, "problem_solved": True,
         "writing_proper": True}
D = dt.date


def _item_through_every_step() -> int:
    made = supervision.register_item(
        title="落实县长关于城区背街小巷改造的批示", lead_unit=LEAD, assisting=[HELPER],
        responsible_person="蒋建华", source="leader_instruction",
        leader_instruction="请住建局抓紧研究，两周内报送方案。", instructing_leader="王建国县长",
        instruction_date=D(2026, 5, 4), registered_on=D(2026, 5, 6), deadline=D(2026, 5, 29),
        content="改造十二条背街小巷。\n第二行：雨污分流。", now=TODAY)
    assert made.number == ITEM
    lead = Unit.get(Unit.name == LEAD)
    units.update_unit(lead.id, contact_person="张伟", phone="0571-88001234")
    supervision.update_item(made.id, basis="县政府第5次常务会议纪要")
    supervision.urge(made.id, method="phone", content="请抓紧报送方案。", urged_on=D(2026, 5, 20),
                     reply_days=3, now=TODAY)
    supervision.extend(made.id, new_deadline=D(2026, 6, 12), reason="需征求沿街住户意见。",
                       approved_by="王建国县长", requested_on=D(2026, 5, 25), now=TODAY)
    # the helping unit first: the item goes to review once every unit has reported
    supervision.report_result(made.id, unit=HELPER, content="资金已拨付。", reported_on=D(2026, 6, 2),
                              now=TODAY)
    supervision.report_result(made.id, content="方案已拟定。", reported_on=D(2026, 6, 3), now=TODAY)
    supervision.review(made.id, verdict="improve", reviewed_on=D(2026, 6, 4), now=TODAY,
                       looks={**LOOKS, "problem_solved": (False, "资金来源未落实。")})
    supervision.report_result(made.id, content="方案已拟定，资金已落实。", reported_on=D(2026, 6, 8),
                              now=TODAY)
    supervision.review(made.id, verdict="pass", looks=LOOKS, reviewed_on=D(2026, 6, 9),
                       comment="办理结果属实。", now=TODAY)
    supervision.feedback(made.id, kind="instruction_report", result_summary="改造方案已拟定，资金已落实。",
                         fed_back_on=D(2026, 6, 10), document_number="青办督〔2026〕8号", now=TODAY)
    return made.id


def _case_through_every_step() -> int:
    made = coordination.intake(
        title="关于县城停车场建设选址的协调", source="own_leadership", requester="李明副县长",
        kind="business", requested_on=D(2026, 5, 4), parties=["县自然资源局", LEAD],
        deadline=D(2026, 6, 5), description="两局对选址意见不一。", now=TODAY)
    assert made.number == CASE
    coordination.screen(made.id, decision="accept", screened_on=D(2026, 5, 5), now=TODAY)
    coordination.approve_hard_means(made.id, approved_by="李明副县长", approved_on=D(2026, 5, 6),
                                    note="可以行政手段推进。", now=TODAY)
    coordination.verify(made.id, plan="分别沟通后召开协调会。", methods=["meeting", "on_site"],
                        means="hard", verified_on=D(2026, 5, 8), now=TODAY)
    coordination.consult(made.id, held_on=D(2026, 5, 14), modes=MODES, outcome="双方同意按方案执行。",
                         agreed=True, place="县政府第三会议室", now=TODAY)
    # recorded second, held first
    coordination.consult(made.id, held_on=D(2026, 5, 12), outcome="各自陈述意见。", now=TODAY,
                         modes={**MODES, "scope_mode": "individual", "formality_mode": "informal"})
    coordination.resolve(made.id, decision="选址定在城东。", record_kind="minutes",
                         resolved_on=D(2026, 5, 15), create_items=True, now=TODAY, tasks=[
                             {"unit": "县自然资源局", "task": "办理用地手续", "deadline": D(2026, 6, 30),
                              "responsible_person": "周明"},
                             {"unit": LEAD, "task": "完成设计方案", "deadline": D(2026, 6, 20),
                              "responsible_person": "蒋建华"}])
    coordination.archive(made.id, archived_on=D(2026, 5, 20), now=TODAY)
    return made.id


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    path = tmp_path_factory.mktemp("show") / "office.sqlite"
    open_database(path)
    try:
        _item_through_every_step()
        _case_through_every_step()
        supervision.register_item(title="新登记未办理的事项", lead_unit=LEAD, responsible_person="蒋建华",
                                  source="other", registered_on=D(2026, 6, 1), deadline=D(2026, 7, 1),
                                  now=TODAY)
    finally:
        close_database()
    return path


def shown(office, number, *more, check=0):
    return run("show", number, "--db", office, *more, check=check)


def in_process(office, number) -> dict:
    open_database(office)
    try:
        return dossier.gather(number)
    finally:
        close_database()


def history_rows(office, entity, number) -> list[tuple]:
    conn = sqlite3.connect(office)
    try:
        table = {"item": "supervision_item", "case": "coordination_case"}[entity]
        return conn.execute(
            f"SELECT c.action, c.field, c.old_value, c.new_value FROM change_log c JOIN {table} t"
            " ON c.entity = ? AND c.entity_id = t.id WHERE t.number = ? ORDER BY c.id",
            (entity, number)).fetchall()
    finally:
        conn.close()


def test_item_json_has_every_section_and_round_trips(office):
    proc = shown(office, ITEM, "--json")
    data = json.loads(proc.stdout)
    assert data == in_process(office, ITEM)  # nothing lost on the way out
    assert list(data) == ["format_version", "matter", "number", "fields", *dossier.ITEM_SECTIONS]
    assert (data["format_version"], data["matter"], data["number"]) == (1, "supervision_item", ITEM)
    assert all(data[section] for section in dossier.ITEM_SECTIONS), "every step left a record"

    fields = data["fields"]
    assert fields["state"] == "closed" and fields["state_label"] == "已办结"
    assert fields["source"] == "leader_instruction" and fields["instructing_leader"] == "王建国县长"
    assert fields["lead_unit"] == LEAD and fields["assisting_units"] == [HELPER]
    assert (fields["original_deadline"], fields["deadline"]) == ("2026-05-29", "2026-06-12")
    assert (fields["completed_on"], fields["closed_on"]) == ("2026-06-08", "2026-06-10")
    assert fields["basis"] == "县政府第5次常务会议纪要" and fields["urge_count"] == 1
    assert fields["coordination_case"] is None and fields["case_task"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", fields["created_at"])

    unit_keys = ("role", "name", "contact_person", "phone", "note", "active")
    assert [{k: u[k] for k in unit_keys} for u in data["units"]] == [
        {"role": "lead", "name": LEAD, "contact_person": "张伟", "phone": "0571-88001234",
         "note": "", "active": True},
        {"role": "assist", "name": HELPER, "contact_person": "", "phone": "", "note": "",
         "active": True}]
    # each handling unit's task (单位任务): its deadline followed the extension, nobody signed
    # for it in this story, the lead's passed review and the helper's report finished them
    task_keys = ("unit", "role", "part", "deadline", "signed_on", "state", "reported_on", "urge_count",
                 "responsible_person")
    assert [tuple(u[k] for k in task_keys) for u in data["units"]] == [
        (LEAD, "lead", "", "2026-06-12", None, "done", "2026-06-08", 1, "蒋建华"),
        (HELPER, "assist", "", "2026-06-12", None, "done", "2026-06-02", 0, "")]
    assert [(r["reported_on"], r["unit"], r["role"]) for r in data["reports"]] == [
        ("2026-06-02", HELPER, "assist"), ("2026-06-03", LEAD, "lead"), ("2026-06-08", LEAD, "lead")]
    [urge] = data["urges"]
    assert (urge["method"], urge["urged_on"], urge["reply_days"]) == ("phone", "2026-05-20", 3)
    assert urge["reply_by"] == "2026-05-25"  # three working days after a Wednesday
    [extension] = data["extensions"]
    assert (extension["old_deadline"], extension["new_deadline"]) == ("2026-05-29", "2026-06-12")
    assert [r["verdict"] for r in data["reviews"]] == ["improve", "pass"]
    assert data["reviews"][0]["looks"]["problem_solved"] == {"ok": False, "note": "资金来源未落实。"}
    assert data["reviews"][1]["looks"]["facts_accurate"] == {"ok": True, "note": ""}
    [fed_back] = data["feedbacks"]
    assert (fed_back["kind"], fed_back["recipient"]) == ("instruction_report", "王建国县长")
    assert fed_back["document_number"] == "青办督〔2026〕8号"

    assert [(h["action"], h["field"], h["old_value"], h["new_value"]) for h in data["history"]] == \
        history_rows(office, "item", ITEM)
    assert [h["action"] for h in data["history"]][:3] == ["create", "update", "urge"]
    assert [h["id"] for h in data["history"]] == sorted(h["id"] for h in data["history"])


def test_case_json_has_every_section_and_round_trips(office):
    data = json.loads(shown(office, CASE, "--json").stdout)
    assert data == in_process(office, CASE)
    assert list(data) == ["format_version", "matter", "number", "fields", *dossier.CASE_SECTIONS]
    assert (data["matter"], data["number"]) == ("coordination_case", CASE)
    assert all(data[section] for section in dossier.CASE_SECTIONS)
    fields = data["fields"]
    assert fields["state"] == "closed" and fields["archived_on"] == "2026-05-20"
    assert fields["methods"] == ["meeting", "on_site"] and fields["means"] == "hard"
    assert fields["hard_approved_by"] == "李明副县长" and fields["parties"] == ["县自然资源局", LEAD]
    assert [u["role"] for u in data["units"]] == ["party", "party"]
    assert [(s["held_on"], s["scope_mode"], s["agreed"]) for s in data["consultation_sessions"]] == [
        ("2026-05-12", "individual", False), ("2026-05-14", "collective", True)]
    assert [(t["unit"], t["deadline"], t["supervision_item"]) for t in data["tasks"]] == [
        ("县自然资源局", "2026-06-30", "催字〔2026〕2号"), (LEAD, "2026-06-20", "催字〔2026〕3号")]
    assert [(h["action"], h["field"], h["old_value"], h["new_value"]) for h in data["history"]] == \
        history_rows(office, "case", CASE)
    assert {"screen", "approve_hard", "verify", "consult", "resolve", "link", "archive"} <= {
        h["action"] for h in data["history"]}

    # an item made from the case names where it came from
    task_item = json.loads(shown(office, "催字〔2026〕3号", "--json").stdout)["fields"]
    assert (task_item["coordination_case"], task_item["case_task"]) == (CASE, "完成设计方案")


def test_a_new_item_has_every_section_empty(office):
    data = json.loads(shown(office, "催字〔2026〕4号", "--json").stdout)
    assert list(data) == ["format_version", "matter", "number", "fields", *dossier.ITEM_SECTIONS]
    assert [data[s] for s in ("reports", "urges", "extensions", "reviews", "feedbacks")] == [[]] * 5
    assert data["fields"]["state"] == "in_progress" and len(data["history"]) == 1


def test_the_json_is_the_same_every_time(office):
    first = shown(office, ITEM, "--json").stdout
    assert shown(office, ITEM, "--json").stdout == first


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for part in value.values():
            yield from _strings(part)
    elif isinstance(value, list):
        for part in value:
            yield from _strings(part)


def _no_ascii_punctuation(text: str, data: dict) -> None:
    """What the command writes itself (all but the stored values and the times) uses
    full-width punctuation."""
    for stored in sorted(set(_strings(data)), key=len, reverse=True):
        if len(stored) > 1:
            text = text.replace(stored, "")
    text = re.sub(r"\d\d:\d\d:\d\d", "", text)
    assert not re.search(r"[,:;()?!\[\]]", text), text


def test_item_text_is_chinese_and_readable(office):
    text = shown(office, ITEM).stdout
    lines = text.splitlines()
    assert lines[0] == f"督办事项　{ITEM}（已办结）"
    for words in ("催办项目：落实县长关于城区背街小巷改造的批示", "项目内容：改造十二条背街小巷。",
                  "  第二行：雨污分流。", "立项依据：领导批示", "完成时限：2026年6月12日",
                  "原定完成时限：2026年5月29日", "主办：县住房和城乡建设局，联系人：张伟，电话：0571-88001234",
                  "   完成时限 2026年6月12日，负责人 蒋建华，待签收，已办结，2026年6月8日报送，催办 1 次",
                  "协办：县财政局", "【办理结果报送】3 条", "1. 2026年6月2日　县财政局（协办）",
                  "【检查催办】1 条", "1. 2026年5月20日　电话催办", "反馈期限：3 个工作日，2026年5月25日前",
                  "【延期】1 条", "2026年5月29日 → 2026年6月12日，王建国县长批准", "【情况审理】2 条",
                  "退回改进", "问题是否解决落实：否（资金来源未落实。）", "【结果反馈】1 条",
                  "领导同志批示件办理情况，报送王建国县长", "文号：青办督〔2026〕8号", "【变更记录】",
                  "延期　完成时限：2026年5月29日 → 2026年6月12日"):
        assert words in text, words
    assert "None" not in text and "来自协调事项" not in text  # empty fields are left out
    _no_ascii_punctuation(text, in_process(office, ITEM))


def test_case_text_is_chinese_and_readable(office):
    text = shown(office, CASE).stdout
    assert text.splitlines()[0] == f"协调事项　{CASE}（已处理）"
    for words in ("受托来源：本级交办", "协调类型：业务协调", "协调手段：硬协调", "协调方式：会议协调、现场办公",
                  "协调方：县自然资源局", "【协商】2 条",
                  "1. 2026年5月12日　个别协商、当面协商、非正式协商、直接协商",
                  "2. 2026年5月14日　集体协商、当面协商、正式协商、直接协商（达成一致）",
                  "地点：县政府第三会议室", "【决定事项】2 条", "督办事项：催字〔2026〕2号",
                  "归档日期：2026年5月20日", "立卷归档"):
        assert words in text, words
    _no_ascii_punctuation(text, in_process(office, CASE))


def test_a_number_typed_with_other_brackets_is_found(office):
    data = json.loads(shown(office, "催字[2026]1号", "--json").stdout)
    assert data["number"] == ITEM


@pytest.mark.parametrize("number", ["催字〔2026〕99号", "协字〔2025〕1号", "不是编号", " "])
def test_a_number_that_does_not_exist_is_one_clear_line(office, number):
    digest = file_digest(office)
    proc = shown(office, number, "--json", check=1)
    assert proc.stdout == ""
    [line] = proc.stderr.strip().splitlines()
    assert ("没有编号为" in line and number.strip() in line) or "请给出事项的编号" in line
    assert file_digest(office) == digest


def test_show_reads_while_a_window_holds_the_database(office):
    open_database(office, role="window")
    try:
        proc = shown(office, ITEM)
    finally:
        close_database()
    assert proc.stdout.startswith(f"督办事项　{ITEM}")


def test_show_is_in_the_help(office):
    assert "show" in run("--help", check=0).stdout
    assert "NUMBER" in run("show", "--help", check=0).stdout
