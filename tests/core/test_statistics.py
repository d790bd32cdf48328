"""Statistics: assigned, closed, on time, open, overdue and the two rates."""

from __future__ import annotations

import datetime as dt

from duban_desktop.domain import supervision as sv
from duban_desktop.domain.statistics import percent, statistics

from ..factories import ALL_LOOKS, TODAY, closed_item, item

D = dt.date


def test_by_unit_source_and_month(db):
    closed_item()  # 住建局, on time
    late = item(deadline=D(2026, 6, 5))
    sv.report_result(late.id, content="完成", reported_on=D(2026, 6, 9), now=TODAY)  # after deadline
    sv.review(late.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=D(2026, 6, 10), now=TODAY)
    sv.feedback(late.id, kind="brief", recipient="县长", fed_back_on=D(2026, 6, 10), now=TODAY)
    item(deadline=D(2026, 6, 12))  # open, overdue
    item(lead_unit="县财政局", source="document", leader_instruction="", instructing_leader="",
         instruction_date=None)  # open, not overdue
    voided = item(lead_unit="县财政局")
    sv.void(voided.id, reason="撤销", now=TODAY)
    item(source="public_report", leader_instruction="", instructing_leader="", instruction_date=None)

    rows, total = statistics("unit", today=TODAY)
    by = {r.label: r for r in rows}
    zj = by["县住房和城乡建设局"]
    assert (zj.assigned, zj.closed, zj.closed_on_time, zj.open, zj.overdue) == (3, 2, 1, 1, 1)
    assert percent(zj.completion_rate) == "66.7%" and percent(zj.on_time_rate) == "50.0%"
    cz = by["县财政局"]
    assert (cz.assigned, cz.closed, cz.open) == (1, 0, 1) and cz.on_time_rate is None
    assert (total.label, total.assigned, total.closed, total.overdue) == ("合计", 4, 2, 1)

    rows, _ = statistics("source", today=TODAY)
    assert [(r.label, r.assigned) for r in rows] == [("领导批示", 3), ("文件落实", 1)]
    rows, _ = statistics("month", today=TODAY)
    assert [(r.label, r.assigned) for r in rows] == [("2026年6月", 4)]
    rows, total = statistics("unit", year=2025, today=TODAY)
    assert rows == [] and total.assigned == 0 and percent(total.completion_rate) == "—"
