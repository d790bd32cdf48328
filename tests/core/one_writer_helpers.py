"""What a matter holds (its row, its records, its history, its search line), and the same
matter made again by the steps in another database, for tests/core/test_one_writer.py."""

from __future__ import annotations

from pathlib import Path

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import (
    CaseParty,
    CaseTask,
    ChangeLog,
    ConsultationSession,
    CoordinationCase,
    Extension,
    Feedback,
    ItemSearch,
    ResultReport,
    Review,
    SupervisionItem,
    Unit,
    UnitTask,
    Urge,
)
from duban_desktop.domain import consistency, coordination, numbering, supervision
from duban_desktop.domain.vocab import CONSULTATION_MODES, FOUR_LOOKS

# who and when a row was written: not what the writers must agree on
WHO_AND_WHEN = {"id", "item", "case", "created_at", "updated_at", "registrar", "urged_by", "recorded_by",
                "reviewer"}
ITEM_RECORDS = (Urge, Extension, ResultReport, Review, Feedback)


def _row(record) -> dict:
    data = {k: v for k, v in record.__data__.items() if k not in WHO_AND_WHEN}
    for key in ("unit", "lead_unit"):
        if key in data:
            data[key] = Unit.get_by_id(data[key]).name
    if data.get("unit_task") is not None:  # a record's unit task: by its unit, not its id
        data["unit_task"] = Unit.get_by_id(UnitTask.get_by_id(data["unit_task"]).unit_id).name
    return data


def history(entity: str, entity_id: int) -> list[tuple]:
    """The matter's history as the steps state it: what, not who or when (the importer's
    own ``import`` row, which names the file, left out)."""
    return [(c.action, c.field, c.old_value, c.new_value, c.note) for c in ChangeLog.select().where(
        (ChangeLog.entity == entity) & (ChangeLog.entity_id == entity_id) & (ChangeLog.action != "import")
    ).order_by(ChangeLog.id)]


def item_snapshot(item_id: int) -> dict:
    item = SupervisionItem.get_by_id(item_id)
    records = {model.__name__: [_row(r) for r in model.select().where(model.item == item_id).order_by(model.id)]
               for model in ITEM_RECORDS}
    tasks = list(UnitTask.select().where(UnitTask.item == item_id).order_by(UnitTask.position))
    assisting = [Unit.get_by_id(t.unit_id).name for t in tasks if t.role != "lead"]
    # (signed_on: an import counts a ledger's work as signed for; the steps have no 签收 yet)
    records["UnitTask"] = [{k: v for k, v in _row(t).items() if k not in ("signed_on", "version")}
                           for t in tasks]
    row = _row(item)
    row["case_task"] = item.case_task_id is not None
    return {"item": row, "records": records, "assisting": assisting, "history": history("item", item_id),
            "search": ItemSearch.get_by_id(item_id).text}


def replay_item(snap: dict, now) -> int:
    """The item of ``snap`` made by the steps, with the same inputs, in the open database."""
    it, rec = snap["item"], snap["records"]
    public = it["source"] == "public_report"
    made = supervision.register_item(
        title=it["title"], content=it["content"], basis=it["basis"], lead_unit=it["lead_unit"],
        responsible_person=it["responsible_person"], source=it["source"],
        leader_instruction=it["leader_instruction"], instructing_leader=it["instructing_leader"],
        instruction_date=it["instruction_date"], assisting=snap["assisting"],
        registered_on=it["registered_on"], issued_on=it["issued_on"],
        deadline=rec["Extension"][0]["old_deadline"] if rec["Extension"] else it["original_deadline"],
        number=None if public else it["number"], accept_number_jump=True, now=now)
    return replay_steps(made, snap, now)


def replay_steps(made, snap: dict, now) -> int:
    """The steps after registration of the item of ``snap``, on the registered item ``made``."""
    it, rec = snap["item"], snap["records"]
    public = it["source"] == "public_report"
    if public and it["approved_on"]:
        numbering.claim("supervision", it["seq_year"], it["seq"] - 1) if it["seq"] > 1 else None
        supervision.approve_item(made.id, approved_by=it["approved_by"], approved_on=it["approved_on"],
                                 note=it["approval_note"], now=now)
    if it["state"] == "rejected":
        supervision.reject_item(made.id, reason=it["rejection_reason"])
    for u in rec["Urge"]:
        supervision.urge(made.id, method=u["method"], content=u["content"], urged_on=u["urged_on"],
                         reply_days=u["reply_days"], new_deadline=u["new_deadline"], now=now)
    for e in rec["Extension"]:
        supervision.extend(made.id, new_deadline=e["new_deadline"], reason=e["reason"],
                           approved_by=e["approved_by"], requested_on=e["requested_on"], now=now)
    # a helping unit done with no report of its own: the lead's report covered it
    reported = {r["unit_task"] for r in rec["ResultReport"]}
    covered = any(t["state"] == "done" and t["unit"] not in reported for t in rec["UnitTask"] if t["role"] != "lead")
    for r in rec["ResultReport"]:
        supervision.report_result(made.id, content=r["content"], unit=r["unit"], reported_on=r["reported_on"],
                                  covers_units=covered and r["unit"] == it["lead_unit"], now=now)
    for r in rec["Review"]:
        supervision.review(made.id, verdict=r["verdict"], comment=r["comment"], reviewed_on=r["reviewed_on"],
                           looks={k: (r[k], r[f"{k}_note"]) for k in FOUR_LOOKS}, now=now)
    for f in rec["Feedback"]:
        supervision.feedback(made.id, kind=f["kind"], recipient=f["recipient"], fed_back_on=f["fed_back_on"],
                             document_number=f["document_number"], note=f["note"],
                             result_summary=it["result_summary"] or None,
                             proposed_action=it["proposed_action"] or None, now=now)
    if it["state"] == "voided":
        supervision.void(made.id, reason=it["void_reason"], voided_on=it["voided_on"], now=now)
    return made.id


def case_snapshot(case_id: int) -> dict:
    case = CoordinationCase.get_by_id(case_id)
    parties = [Unit.get_by_id(p.unit_id).name for p in
               CaseParty.select().where(CaseParty.case == case_id).order_by(CaseParty.position)]
    sessions = [_row(s) for s in ConsultationSession.select().where(ConsultationSession.case == case_id)
                .order_by(ConsultationSession.id)]
    tasks = []
    for t in CaseTask.select().where(CaseTask.case == case_id).order_by(CaseTask.position):
        made = SupervisionItem.get_or_none(SupervisionItem.case_task == t.id)
        tasks.append({**_row(t), "item": item_snapshot(made.id) if made else None})
    return {"case": _row(case), "parties": parties, "sessions": sessions, "tasks": tasks,
            "history": history("case", case_id)}


def replay_case(snap: dict, now) -> int:
    """The case of ``snap`` taken through the coordination steps in the open database."""
    c = snap["case"]
    if c["seq"] > 1:
        numbering.claim("coordination", c["seq_year"], c["seq"] - 1)
    made = coordination.intake(
        title=c["title"], source=c["source"], requester=c["requester"], kind=c["kind"],
        requested_on=c["requested_on"], description=c["description"], relation_subkind=c["relation_subkind"],
        parties=snap["parties"], deadline=c["deadline"], handler=c["handler"], now=now)
    if c["screened_on"]:
        coordination.screen(made.id, decision=c["screening_decision"], reason=c["screening_reason"],
                            escalated_to=c["escalated_to"], screened_on=c["screened_on"], now=now)
    if c["verified_on"]:
        coordination.verify(made.id, plan=c["plan"], background=c["background"],
                            rules_consulted=c["rules_consulted"], investigation=c["investigation"],
                            authority_opinion=c["authority_opinion"], means=c["means"],
                            methods=c["methods"].split(","), verified_on=c["verified_on"], now=now)
    for s in snap["sessions"]:
        coordination.consult(made.id, held_on=s["held_on"], modes={k: s[k] for k in CONSULTATION_MODES},
                             outcome=s["outcome"], participants=s["participants"], positions=s["positions"],
                             place=s["place"], agreed=s["agreed"], now=now)
    if c["resolved_on"]:
        coordination.resolve(made.id, decision=c["decision"], record_kind=c["record_kind"],
                             signatories=c["signatories"], record_number=c["record_number"],
                             resolved_on=c["resolved_on"], now=now, tasks=[
                                 {"unit": t["unit"], "task": t["task"], "deadline": t["deadline"],
                                  "responsible_person": t["responsible_person"]} for t in snap["tasks"]])
    if c["archived_on"]:  # (the sample data archives a case before its tasks become items)
        coordination.archive(made.id, archived_on=c["archived_on"], now=now)
    if c["resolved_on"]:
        for task, planned in zip(coordination.tasks_of(coordination.get_case(made.id)), snap["tasks"], strict=True):
            if planned["item"] is not None:
                seq = planned["item"]["item"]["seq"]
                if seq > 1:
                    numbering.claim("supervision", planned["item"]["item"]["seq_year"], seq - 1)
                replay_steps(coordination.create_item_from_task(task.id, now=now), planned["item"], now)
    if c["state"] == "voided":
        coordination.void(made.id, reason=c["void_reason"], now=c["voided_on"])
    return made.id


def made_by_the_steps(path: Path, snapshot: dict, replay, snap_of, now) -> dict:
    """``snapshot``'s matter made by the steps in a new database at ``path``: its snapshot."""
    open_database(path)
    try:
        made = replay(snapshot, now)
        assert consistency.problems() == []
        return snap_of(made)
    finally:
        close_database()
