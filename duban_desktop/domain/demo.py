"""Sample data that reads like a county government office's year (or many years).

Records follow the rules: every urge, report, review and feedback happens after
registration and before today, in an order the book allows. Bulk inserts keep
100,000 items to well under a minute. ``seed`` makes the result repeatable.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable

from ..db import search, write_transaction
from ..db.bulk import bulk_insert
from ..db.models import (
    AssistingUnit,
    CaseParty,
    CaseTask,
    ChangeLog,
    ConsultationSession,
    CoordinationCase,
    Extension,
    Feedback,
    NumberSequence,
    ResultReport,
    Review,
    Setting,
    SupervisionItem,
    Unit,
    Urge,
)
from . import history, numbering, settings
from .errors import ValidationError
from .workdays import current_calendar

OFFICE = "青山县人民政府办公室"

UNITS = [
    ("县发展和改革局", "周文斌"), ("县财政局", "吴晓燕"), ("县教育局", "郑国强"),
    ("县公安局", "王立新"), ("县民政局", "冯丽娟"), ("县人力资源和社会保障局", "陈志刚"),
    ("县自然资源局", "褚红梅"), ("县生态环境局", "卫东"), ("县住房和城乡建设局", "蒋建华"),
    ("县交通运输局", "沈浩"), ("县水利局", "韩春生"), ("县农业农村局", "杨秀兰"),
    ("县商务局", "朱明"), ("县文化和旅游局", "秦雪梅"), ("县卫生健康委员会", "尤振华"),
    ("县应急管理局", "许海涛"), ("县市场监督管理局", "何静"), ("县城市管理局", "吕斌"),
    ("县信访局", "施玉兰"), ("县医疗保障局", "张伟"), ("县行政审批服务局", "孔令华"),
    ("县退役军人事务局", "曹军"), ("县审计局", "严宏"), ("县统计局", "华美玲"),
    ("城关镇人民政府", "金涛"), ("东山乡人民政府", "魏建军"), ("西河镇人民政府", "陶丽"),
    ("南岭乡人民政府", "姜海"), ("北湖镇人民政府", "戚文"), ("县供电公司", "谢宇"),
]

LEADERS = ["王建国县长", "李明副县长", "张华副县长", "陈静副县长", "刘洋副县长", "赵志远常务副县长"]
SECRETARIES = ["林晓", "孙悦", "黄磊", "马丽"]

TOPICS = [
    "城区背街小巷改造提升", "农村饮水安全巩固提升工程", "中小学校舍安全隐患排查整治",
    "冬季安全生产大检查", "秸秆禁烧和综合利用", "县城重点项目征地拆迁", "企业欠薪问题化解",
    "老旧小区加装电梯", "营商环境投诉件办理", "防汛物资储备和抢险队伍建设", "城乡居民医保征缴",
    "高标准农田建设", "农贸市场升级改造", "城镇燃气安全专项整治", "建筑工地夜间施工噪声扰民",
    "学校周边交通秩序整治", "居家养老服务中心建设", "12345热线工单办理质量提升",
    "河道“清四乱”专项整治", "住宅小区消防通道占用清理", "农村人居环境整治",
    "县域商业体系建设", "森林防火网格化管理", "食品安全“守底线”专项行动", "乡村振兴衔接资金项目",
    "城市生活垃圾分类", "农民工工资保证金管理", "工业园区污水处理厂提标改造",
    "农村危房改造", "电动自行车充电设施建设", "重点企业用工保障", "义务教育“双减”落实",
    "县医院新院区建设", "乡镇卫生院服务能力提升", "化解政府债务风险", "招商引资项目落地",
]

ITEM_TITLES = [
    "落实{leader}关于{topic}的批示", "{topic}工作推进情况", "{topic}存在问题整改",
    "县政府常务会议决定事项:{topic}", "关于{topic}的群众反映问题", "{topic}年度目标任务",
]

INSTRUCTIONS = [
    "请{unit}牵头,会同有关部门抓紧研究解决,并将办理情况于{days}个工作日内报县政府办公室。",
    "此事群众反映强烈,请{unit}高度重视,认真核查,依法依规妥善处理,及时回复。",
    "同意。请{unit}按照会议要求抓好落实,确保按期完成,有关情况专题报告。",
    "请{unit}对照年度目标,倒排工期、挂图作战,每月报送进展情况。",
    "请{unit}主要负责同志亲自过问,拿出具体措施,限期解决到位。",
]

RESULTS = [
    "已成立工作专班,制定实施方案,{topic}已完成主体工作,群众反映问题已答复。",
    "经现场核查,情况属实,已责令整改到位,并建立长效管理机制。",
    "已召开专题会议研究部署,相关资金已拨付到位,工程已竣工验收。",
    "已会同有关部门逐项核实,完成整改{n}处,剩余问题纳入明年计划。",
    "已按要求完成,办理情况已向当事人反馈,当事人表示满意。",
]

URGE_TEXTS = [
    "请加快进度,于期限内报送办理情况。", "电话询问办理进展,承办人表示正在推进。",
    "已发催办通知单,请限期反馈。", "会上通报进展滞后情况,要求限期整改。",
    "与承办单位共同研究解决资金缺口问题。",
]

MATTERS = [
    "县城污水管网建设资金分担", "跨乡镇河道保洁责任划分", "园区企业用地指标调剂",
    "县城停车场建设选址", "集贸市场搬迁过渡安置", "学校划片招生边界调整",
    "公交线路延伸至工业园区", "防汛抢险物资调拨", "农村道路养护责任移交",
    "老旧小区改造中管线迁改", "医共体人员编制调剂", "重大节日会务安排",
    "干部职工体检医院安排", "扶贫车间用电增容", "城市供水管网产权移交",
]


def _choice(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Days:
    """Fast working-day arithmetic over a fixed span (bisect on a list of workdays)."""

    def __init__(self, first: dt.date, last: dt.date):
        cal = current_calendar()
        self.days, day = [], first
        while day <= last:
            if cal.is_workday(day):
                self.days.append(day)
            day += dt.timedelta(days=1)

    def add(self, start: dt.date, count: int) -> dt.date:
        index = bisect.bisect_right(self.days, start) + count - 1
        return self.days[min(index, len(self.days) - 1)]


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class _Bulk:
    """Rows collected per model and written in chunks."""

    def __init__(self):
        self.rows: dict[type, list[dict]] = {}

    def add(self, model, **row) -> None:
        self.rows.setdefault(model, []).append(row)

    def flush(self, model) -> None:
        bulk_insert(model, self.rows.pop(model, []))


def generate(*, items: int = 300, cases: int = 40, seed: int = 2026,
             now: dt.date | None = None, progress: Callable[[str], None] | None = None) -> dict:
    """Fill an empty database with sample data; returns the counts written."""
    now = now or dt.date.today()
    rng = random.Random(seed)
    if items < 0 or cases < 0:
        raise ValidationError("items", "示例数据的数量不能为负数。")
    if SupervisionItem.select().exists() or CoordinationCase.select().exists():
        raise ValidationError("db", "这个数据库里已经有数据。示例数据只能生成到新的空数据库中,请换一个文件。")
    years = max(1, min(30, (items + 7999) // 8000))
    first = dt.date(now.year - years, now.month, 1) + dt.timedelta(days=1)
    days = _Days(first - dt.timedelta(days=30), now + dt.timedelta(days=400))
    me = history.current_operator()
    bulk = _Bulk()
    counts = {}
    with write_transaction(), search.suspended(SupervisionItem._meta.database.obj):
        # (the search line and its index are filled once at the end, not row by row)
        settings.update({"office_name": OFFICE, "contact_phone": "0571-12345678"})
        unit_ids = []
        for index, (name, person) in enumerate(UNITS):
            unit = Unit.create(name=name, contact_person=person,
                               phone=f"0571-8{rng.randint(1000000, 9999999)}")
            unit_ids.append(unit.id)
            if progress and index == 0:
                progress("单位")
        names = dict(zip(unit_ids, (u for u, _ in UNITS), strict=True))
        persons = dict(zip(unit_ids, (p for _, p in UNITS), strict=True))

        # ---- coordination cases (their tasks become items, linked both ways)
        case_rows = _cases(rng, cases, first, now, days, unit_ids, names, me, bulk)
        counts["cases"] = len(case_rows)
        bulk.flush(CoordinationCase)
        bulk.flush(CaseParty)
        bulk.flush(ConsultationSession)
        bulk.flush(CaseTask)
        if progress:
            progress("协调事项")

        # ---- supervision items
        tasks = list(CaseTask.select(CaseTask.id, CaseTask.unit, CaseTask.task, CaseTask.deadline,
                                     CaseTask.responsible_person, CoordinationCase.resolved_on,
                                     CoordinationCase.number)
                     .join(CoordinationCase).namedtuples())
        counts["items"] = _items(rng, items, first, now, days, unit_ids, names, persons, tasks,
                                 me, bulk, progress)
        history.record("item", None, "demo", note=f"生成示例数据:督办事项 {items} 件,协调事项 {cases} 件")
    return counts


def _cases(rng, count, first, now, days, unit_ids, names, me, bulk):
    cases = []
    seqs: dict[int, int] = {}
    starts = sorted(_between(rng, first, now) for _ in range(count))
    prefix = settings.get("case_number_prefix")
    pattern = settings.get("number_pattern")
    for index, requested in enumerate(starts, start=1):
        seq = seqs[requested.year] = seqs.get(requested.year, 0) + 1
        number = numbering.format_number(pattern, prefix, requested.year, seq)
        kind = _choice(rng, {"plan": 1, "business": 4, "affairs": 3, "relations": 2})
        a, b = rng.sample(unit_ids, 2)
        matter = rng.choice(MATTERS)
        row = dict(id=index, number=number, seq_year=requested.year, seq=seq,
                   title=f"关于{names[a]}与{names[b]}{matter}问题的协调",
                   description=f"{names[a]}与{names[b]}就{matter}存在分歧,影响工作推进,请求协调。",
                   source=_choice(rng, {"superior": 2, "own_leadership": 4, "peer": 2,
                                        "subordinate": 3, "emergency": 1}),
                   requester=rng.choice([names[a], names[b]] + LEADERS[:3]),
                   requested_on=requested, kind=kind,
                   relation_subkind=rng.choice(["internal", "lateral", "downward"]) if kind == "relations" else "",
                   deadline=days.add(requested, rng.choice([10, 15, 20, 30])),
                   handler=rng.choice(SECRETARIES), registrar=me,
                   created_at=dt.datetime.combine(requested, dt.time(9, 0)),
                   updated_at=dt.datetime.combine(requested, dt.time(9, 0)))
        age = (now - requested).days
        fate = "closed" if age > 40 else _choice(rng, {"intake": 2, "verification": 2, "consultation": 3, "closed": 3})
        if age > 40 and rng.random() < 0.12:
            fate = rng.choice(["declined", "escalated", "voided"])
        row["state"] = fate
        step = requested
        if fate != "intake" and fate != "voided":
            step = row["screened_on"] = min(now, days.add(requested, rng.randint(1, 3)))
            row["screening_decision"] = {"declined": "decline", "escalated": "escalate"}.get(fate, "accept")
            if fate == "declined":
                row["screening_reason"] = "属于有关部门职责范围内事项,按分级协调原则由其自行协商解决。"
            if fate == "escalated":
                row["screening_reason"] = "涉及市级审批权限,本级无法协调。"
                row["escalated_to"] = "市人民政府办公室"
        if fate == "voided":
            row["void_reason"] = "双方已自行协商一致,委托方撤回协调申请。"
            row["voided_on"] = min(now, days.add(requested, 3))
        if fate in ("consultation", "closed"):
            step = row["verified_on"] = min(now, days.add(step, rng.randint(1, 4)))
            row.update(background=f"{matter}问题由来已久,双方各执一词。",
                       rules_consulted="《青山县政府投资项目管理办法》及相关会议纪要。",
                       investigation="经实地查看并分别听取双方意见,掌握了基本情况。",
                       authority_opinion="主管部门建议按属地管理原则明确责任。",
                       plan=f"先分别沟通,再召开协调会,就{matter}形成一致意见后报领导审定。",
                       means="soft", methods=rng.choice(["meeting", "meeting,face_to_face", "documents,meeting", "on_site"]))
            for s in range(rng.randint(1, 3) if fate == "closed" else rng.randint(0, 2)):
                held = min(now, days.add(step, rng.randint(1, 3)))
                step = held
                bulk.add(ConsultationSession, case=index, held_on=held, place="县政府第三会议室",
                         scope_mode=rng.choice(["individual", "collective"]),
                         presence_mode="in_person", formality_mode=rng.choice(["formal", "informal"]),
                         channel_mode="direct", participants=f"{names[a]}、{names[b]}分管负责同志",
                         positions=f"{names[a]}主张按原方案执行;{names[b]}提出需追加资金。",
                         outcome="原则同意协调方案,细节会后再议。" if s == 0 else "双方达成一致意见。",
                         agreed=s > 0, recorded_by=rng.choice(SECRETARIES))
        if fate == "closed":
            step = row["resolved_on"] = min(now, days.add(step, rng.randint(1, 3)))
            row.update(decision=f"明确由{names[a]}牵头负责{matter},{names[b]}予以配合,所需经费按比例分担。",
                       record_kind=rng.choice(["minutes", "agreement"]),
                       record_number=f"第{index}期", signatories=f"{names[a]}、{names[b]}")
            for position in range(rng.randint(1, 2)):
                unit = a if position == 0 else b
                bulk.add(CaseTask, case=index, position=position, unit=unit,
                         task=f"{matter}:{'牵头制定实施方案并组织实施' if position == 0 else '做好配合工作,落实分担经费'}",
                         deadline=days.add(step, rng.choice([10, 20, 30])),
                         responsible_person=UNITS[unit_ids.index(unit)][1])
            if rng.random() < 0.5:
                row["archived_on"] = min(now, days.add(step, 5))
        bulk.add(CoordinationCase, **row)
        bulk.add(CaseParty, case=index, unit=a, position=0)
        bulk.add(CaseParty, case=index, unit=b, position=1)
        bulk.add(ChangeLog, at=row["created_at"], operator=me, entity="case", entity_id=index,
                 action="create", field="number", new_value=number, note=row["title"])
        cases.append(row)
    for year, last in seqs.items():
        NumberSequence.insert(series="coordination", year=year, last=last).on_conflict_replace().execute()
    bulk.flush(ChangeLog)
    return cases


def _items(rng, count, first, now, days, unit_ids, names, persons, tasks, me, bulk, progress):
    prefix = settings.get("number_prefix")
    pattern = settings.get("number_pattern")
    regs = sorted(_between(rng, first, now) for _ in range(count))
    seqs: dict[int, int] = {}
    task_queue = list(tasks)
    rng.shuffle(task_queue)
    chunk = min(10_000, max(1000, count // 20))  # rows held before a write: memory stays flat
    for index, reg in enumerate(regs, start=1):
        task = None
        if task_queue and task_queue[-1].resolved_on <= reg:
            task = task_queue.pop()
        source = "meeting_decision" if task else _choice(rng, {
            "superior": 2, "leader_instruction": 5, "meeting_decision": 2, "document": 2,
            "public_report": 1.5, "other": 0.5})
        topic = rng.choice(TOPICS)
        leader = rng.choice(LEADERS)
        lead = task.unit if task else rng.choice(unit_ids)
        helpers = rng.sample([u for u in unit_ids if u != lead], rng.choice([0, 0, 1, 1, 2]))
        deadline = task.deadline if task else days.add(reg, rng.choice([5, 10, 10, 15, 20, 30, 45, 60]))
        if deadline < reg:
            deadline = days.add(reg, 10)
        title = (task.task if task else rng.choice(ITEM_TITLES).format(leader=leader, topic=topic))[:200]
        row = dict(id=index, title=title, source=source, lead_unit=lead,
                   responsible_person=task.responsible_person if task else persons[lead],
                   registered_on=reg, issued_on=reg, deadline=deadline, original_deadline=deadline,
                   registrar=rng.choice(SECRETARIES), urge_count=0,
                   created_at=dt.datetime.combine(reg, dt.time(10, 0)),
                   updated_at=dt.datetime.combine(reg, dt.time(10, 0)),
                   content=(f"落实协调事项{task.number}的处理决定,{task.task}。" if task else f"围绕{topic},明确任务分工和时间节点,确保按期完成。"),
                   case_task=task.id if task else None,
                   basis=f"{task.number} 会议纪要" if task else rng.choice(
                       ["县政府第12次常务会议", "《政务信息》第35期", "市政府督查通知", "县委县政府工作要点", ""]))
        if source == "leader_instruction":
            row.update(leader_instruction=rng.choice(INSTRUCTIONS).format(unit=names[lead], days=rng.choice([5, 10])),
                       instructing_leader=leader, instruction_date=reg - dt.timedelta(days=rng.randint(0, 3)))
        # what happened to it
        late_by = (now - deadline).days
        if late_by > 90:
            weights = {"closed": 94, "in_progress": 1, "awaiting_review": 1, "passed": 1, "voided": 3}
        elif late_by > 0:
            weights = {"closed": 75, "in_progress": 15, "awaiting_review": 5, "passed": 3, "voided": 2}
        else:
            weights = {"closed": 25, "in_progress": 58, "awaiting_review": 10, "passed": 5, "voided": 2}
        state = _choice(rng, weights)
        if source == "public_report":
            if (now - reg).days < 15 and rng.random() < 0.6:
                state = "pending_approval"
            elif rng.random() < 0.08:
                state = "rejected"
            else:
                row.update(approved_by=rng.choice(LEADERS[:3]), approved_on=reg,
                           approval_note="经核查属实,同意列入督查事项。")
        row["state"] = state
        if state not in ("pending_approval", "rejected"):
            seq = seqs[reg.year] = seqs.get(reg.year, 0) + 1
            row.update(number=numbering.format_number(pattern, prefix, reg.year, seq),
                       seq_year=reg.year, seq=seq)
        if state == "rejected":
            row["rejection_reason"] = "经核查,所反映问题已通过司法途径处理,不列入督查事项。"
        for position, unit in enumerate(helpers):
            bulk.add(AssistingUnit, item=index, unit=unit, position=position)
        _item_history(rng, row, state, reg, now, days, names, lead, helpers, topic, bulk)
        bulk.add(ChangeLog, at=row["created_at"], operator=row["registrar"], entity="item",
                 entity_id=index, action="create", field="number", new_value=row.get("number") or "",
                 note=title)
        bulk.add(SupervisionItem, **row)
        if index % chunk == 0:
            _flush_items(bulk)
            if progress:
                progress(f"督办事项 {index}/{count}")
    _flush_items(bulk)
    for year, last in seqs.items():
        NumberSequence.insert(series="supervision", year=year, last=last).on_conflict_replace().execute()
    return count


def _flush_items(bulk: _Bulk) -> None:
    for model in (SupervisionItem, AssistingUnit, Urge, Extension, ResultReport, Review, Feedback,
                  ChangeLog):
        bulk.flush(model)


def _item_history(rng, row, state, reg, now, days, names, lead, helpers, topic, bulk):
    """Urges, extensions, reports, reviews and feedback consistent with ``state``."""
    item = row["id"]
    if state in ("pending_approval", "rejected"):
        return
    if state == "voided":
        row["voided_on"] = _between(rng, reg, now)
        row["void_reason"] = "上级已调整工作部署,该事项不再督办。"
        return
    end = now
    if state in ("closed", "passed", "awaiting_review"):
        late = rng.random() < 0.15
        target = row["deadline"] + dt.timedelta(days=rng.randint(1, 10)) if late else \
            _between(rng, reg + dt.timedelta(days=2), row["deadline"])
        end = min(now, max(reg, target))
    # urges before the (final) report
    urged = 0
    for _ in range(rng.choice([0, 1, 1, 2, 3]) if (end - reg).days > 3 else 0):
        on = _between(rng, reg, end)
        reply_days = rng.choice([3, 5, 5, 7])
        bulk.add(Urge, item=item, urged_on=on, method=rng.choice(
            ["phone", "phone", "notice", "in_person", "meeting", "document"]),
            content=rng.choice(URGE_TEXTS), reply_days=reply_days, reply_by=days.add(on, reply_days),
            urged_by=row["registrar"])
        urged += 1
        row["last_urged_on"] = max(row.get("last_urged_on") or on, on)
    row["urge_count"] = urged
    if rng.random() < 0.08 and state in ("in_progress", "closed"):
        new = days.add(row["deadline"], rng.choice([5, 10, 15]))
        requested = min(now, _between(rng, reg, row["deadline"]))
        bulk.add(Extension, item=item, requested_on=requested, reason="涉及资金调整,需报县政府常务会议研究。",
                 approved_by=rng.choice(LEADERS[:3]), old_deadline=row["deadline"], new_deadline=new,
                 recorded_by=row["registrar"])
        row["deadline"] = new
    if state == "in_progress":
        return
    result = rng.choice(RESULTS).format(topic=topic, n=rng.randint(3, 30))
    report_on = end
    for helper in helpers:
        bulk.add(ResultReport, item=item, unit=helper, reported_on=max(reg, report_on - dt.timedelta(days=1)),
                 content=f"{names[helper]}已按分工完成配合工作。", recorded_by=row["registrar"])
    bulk.add(ResultReport, item=item, unit=lead, reported_on=report_on, content=result,
             recorded_by=row["registrar"])
    row.update(result=result, result_reported_on=report_on)
    if state == "awaiting_review":
        row["state"] = "awaiting_review"
        return
    reviewed = min(now, report_on + dt.timedelta(days=rng.randint(0, 3)))
    bulk.add(Review, item=item, reviewed_on=reviewed, facts_accurate=True, policy_compliant=True,
             problem_solved=True, writing_proper=True, verdict="pass",
             comment="办理结果属实,符合政策规定,问题已解决。", reviewer=row["registrar"])
    row["completed_on"] = report_on
    row["result_summary"] = result
    if state == "passed":
        return
    fed = min(now, reviewed + dt.timedelta(days=rng.randint(0, 3)))
    kind = "instruction_report" if row["source"] == "leader_instruction" else rng.choice(["special_report", "brief"])
    bulk.add(Feedback, item=item, kind=kind, fed_back_on=fed,
             recipient=row.get("instructing_leader") or "县政府主要领导",
             document_number=f"督查专报〔{fed.year}〕{rng.randint(1, 99)}号" if kind != "instruction_report" else "",
             note="", recorded_by=row["registrar"])
    row["proposed_action"] = "建议将办理结果报领导阅示后归档。"
    row["closed_on"] = fed


def is_empty() -> bool:
    return not (SupervisionItem.select().exists() or CoordinationCase.select().exists()
                or Setting.select().where(Setting.key == "office_name").exists())

