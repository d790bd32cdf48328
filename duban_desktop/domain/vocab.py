"""The office's words: code names (stored) and their Chinese labels (shown).

Every enumeration is an ordered dict code -> label, as GLOSSARY.md gives them.
"""

from __future__ import annotations

# ---- supervision
ITEM_SOURCES = {
    "superior": "上级机关交办",
    "leader_instruction": "领导批示",
    "meeting_decision": "会议决定",
    "document": "文件落实",
    "public_report": "群众反映",
    "other": "其他",
}

ITEM_STATES = {
    "pending_approval": "待领导批准",
    "in_progress": "办理中",
    "awaiting_review": "待审理",
    "passed": "待反馈",
    "closed": "已办结",
    "voided": "已撤销",
    "rejected": "不予立项",
}
ITEM_OPEN_STATES = ("in_progress", "awaiting_review", "passed")
ITEM_FINAL_STATES = ("closed", "voided", "rejected")

# a unit task's role (单位任务: db/models.py UnitTask)
UNIT_ROLES = {"lead": "主办", "assist": "协办", "cooperate": "配合"}
# a unit task's stored progress
UNIT_TASK_STATES = {"open": "办理中", "reported": "已报送", "done": "已办结"}

URGE_METHODS = {
    "in_person": "当面催办",
    "phone": "电话催办",
    "fax": "传真/电传",
    "oral": "口头传达",
    "notice": "通知单",
    "document": "发文催办",
    "meeting": "会议催办",
    "joint": "共同办理",
}

FOUR_LOOKS = {
    "facts_accurate": "事实是否准确",
    "policy_compliant": "处理是否符合政策",
    "problem_solved": "问题是否解决落实",
    "writing_proper": "行文是否规范",
}

VERDICTS = {
    "pass": "审理通过",
    "improve": "退回改进",
    "redo": "退回重办",
}

FEEDBACK_KINDS = {
    "special_report": "专题报告",
    "brief": "简报",
    "instruction_report": "领导同志批示件办理情况",
}

SUPERVISION_WAYS = ["催办", "日常督查", "直接查办", "点面结合", "分析反馈"]

# ---- coordination
CASE_SOURCES = {
    "superior": "上级机关或领导指示",
    "own_leadership": "本级交办",
    "peer": "同级或不相隶属单位要求",
    "subordinate": "下级要求",
    "emergency": "突发事件",
}

CASE_KINDS = {
    "plan": "计划协调",
    "business": "业务协调",
    "affairs": "事务协调",
    "relations": "关系协调",
}

RELATION_SUBKINDS = {
    "internal": "内向关系",
    "upward": "纵向上行",
    "downward": "纵向下行",
    "lateral": "横向关系",
    "interpersonal": "人际关系",
}

CASE_STATES = {
    "intake": "待审理",
    "verification": "核查中",
    "consultation": "协商中",
    "closed": "已处理",
    "declined": "不予受理",
    "escalated": "已上报",
    "voided": "已撤销",
}
CASE_OPEN_STATES = ("intake", "verification", "consultation")
CASE_FINAL_STATES = ("closed", "declined", "escalated", "voided")

# the five steps, in order, for the progress strip
CASE_STEPS = {
    "intake": "受托",
    "screening": "审理",
    "verification": "核查",
    "consultation": "协商",
    "resolution": "处理",
}

SCREENING_DECISIONS = {
    "accept": "受理",
    "decline": "不予受理",
    "escalate": "上报上级协调",
}

MEANS = {
    "soft": "软协调",
    "hard": "硬协调",
}

METHODS = {
    "documents": "公文协调",
    "meeting": "会议协调",
    "briefing": "情况协调",
    "rules": "制度协调",
    "face_to_face": "面商协调",
    "on_site": "现场办公",
}

# each consultation mode is one of a pair: field -> {code: label}
CONSULTATION_MODES = {
    "scope_mode": {"individual": "个别协商", "collective": "集体协商"},
    "presence_mode": {"in_person": "当面协商", "private": "私下协商"},
    "formality_mode": {"formal": "正式协商", "informal": "非正式协商"},
    "channel_mode": {"direct": "直接协商", "indirect": "间接协商"},
}

RECORD_KINDS = {
    "minutes": "会议纪要",
    "agreement": "协议书",
}


# a supervision item's steps, as the buttons and messages name them
ITEM_STEP_LABELS = {
    "approve": "批准立项",
    "reject": "不予立项",
    "sign": "签收",
    "urge": "检查催办",
    "extend": "延期",
    "report": "报送办理结果",
    "review": "情况审理",
    "feedback": "结果反馈",
    "void": "撤销",
    "edit": "修改",
}


def label(mapping: dict[str, str], code: str) -> str:
    return mapping.get(code, code)
