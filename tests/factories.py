"""Small helpers that make test data through the real domain functions."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from duban_desktop.db.models import ChangeLog, SupervisionItem
from duban_desktop.domain import coordination, supervision

# A fixed "today" inside chinesecalendar's years, so tests do not drift with the clock.
TODAY = dt.date(2026, 6, 15)  # a Monday
ALL_LOOKS = {"facts_accurate": True, "policy_compliant": True, "problem_solved": True,
             "writing_proper": True}


def item(*, signed: bool = False, **overrides) -> SupervisionItem:
    """An item registered by the step; ``signed``: its units signed for it the day it was
    registered (else they are 待签收, and late to sign after two working days)."""
    values = dict(title="落实县长关于城区背街小巷改造的批示", lead_unit="县住房和城乡建设局",
                  responsible_person="蒋建华", source="leader_instruction",
                  leader_instruction="请住建局抓紧研究,两周内报送方案。",
                  instructing_leader="王建国县长", instruction_date=dt.date(2026, 6, 1),
                  registered_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 6, 30), now=TODAY)
    values.update(overrides)
    made = supervision.register_item(**values)
    if signed:
        from duban_desktop.domain import unit_steps

        unit_steps.sign(made.id, signed_on=values["registered_on"], now=values["now"])
        made = SupervisionItem.get_by_id(made.id)
    return made


def closed_item(**overrides) -> SupervisionItem:
    made = item(**overrides)
    supervision.report_result(made.id, content="已完成。", reported_on=dt.date(2026, 6, 10), now=TODAY)
    supervision.review(made.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=dt.date(2026, 6, 11),
                       now=TODAY)
    supervision.feedback(made.id, kind="instruction_report", result_summary="已按批示完成改造方案。",
                         fed_back_on=dt.date(2026, 6, 12), now=TODAY)
    return SupervisionItem.get_by_id(made.id)


def case(**overrides):
    values = dict(title="关于县城停车场建设选址的协调", source="own_leadership", requester="李明副县长",
                  kind="business", requested_on=dt.date(2026, 5, 4),
                  parties=["县自然资源局", "县住房和城乡建设局"], deadline=dt.date(2026, 6, 5),
                  now=TODAY)
    values.update(overrides)
    return coordination.intake(**values)


MODES = {"scope_mode": "collective", "presence_mode": "in_person", "formality_mode": "formal",
         "channel_mode": "direct"}


def case_in_consultation(**overrides):
    made = case(**overrides)
    coordination.screen(made.id, decision="accept", screened_on=dt.date(2026, 5, 5), now=TODAY)
    coordination.verify(made.id, plan="分别沟通后召开协调会。", methods=["meeting"],
                        verified_on=dt.date(2026, 5, 8), now=TODAY)
    coordination.consult(made.id, held_on=dt.date(2026, 5, 12), modes=MODES,
                         outcome="双方同意按方案执行。", agreed=True, now=TODAY)
    return coordination.get_case(made.id)


def history_count() -> int:
    return ChangeLog.select().count()


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def snapshot(db_path: Path) -> dict:
    """Every row of every table, to prove a refusal wrote nothing."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        conn.close()
