"""The office's settings: names, numbering, thresholds, form fonts.

One of them belongs to the desk, not the office: 操作员姓名 (``DESK_KEYS``) is kept on this
PC (system/desk.py), so that on a shared server every desk names its own operator. A name
stored in an SQLite register by older versions is still read there, as
history.current_operator does, until this desk sets its own."""

from __future__ import annotations

from typing import NamedTuple

from ..db import write_transaction
from ..db.connection import is_server
from ..db.models import Setting
from ..system import desk
from . import history
from .errors import ValidationError
from .number_pattern import validate_pattern
from .text import clean, to_int


class Spec(NamedTuple):
    label: str
    default: object
    kind: str = "text"  # text | int
    max_len: int = 100
    low: int = 0
    high: int = 0


SPECS: dict[str, Spec] = {
    "office_name": Spec("办公室名称", "××办公室"),
    "operator_name": Spec("操作员姓名（本机）", ""),
    "contact_phone": Spec("联系电话", "", max_len=50),
    "number_prefix": Spec("督办编号字头", "催字", max_len=20),
    "case_number_prefix": Spec("协调编号字头", "协字", max_len=20),
    "number_pattern": Spec("编号格式", "{prefix}〔{year}〕{seq}号", max_len=60),
    "due_soon_days": Spec("临期提醒(工作日)", 3, "int", low=1, high=30),
    "review_wait_days": Spec("待审理提醒（工作日）", 3, "int", low=1, high=60),
    "feedback_wait_days": Spec("待反馈提醒（工作日）", 3, "int", low=1, high=60),
    "sign_wait_days": Spec("待签收提醒（工作日）", 2, "int", low=1, high=30),
    "default_reply_days": Spec("催办反馈期限(日)", 5, "int", low=1, high=90),
    "default_urge_method": Spec("常用催办方式", "phone", max_len=20),
    "font_body": Spec("正文字体", "仿宋_GB2312", max_len=40),
    "font_title": Spec("标题字体", "方正小标宋简体", max_len=40),
    "font_heading": Spec("小标题字体", "黑体", max_len=40),
    "font_number": Spec("页码字体", "宋体", max_len=40),
}


# kept on this PC (system/desk.py), never in the shared database
DESK_KEYS = frozenset({"operator_name"})


def _desk_operator() -> str:
    """The operator named at this desk, or the name older versions stored in an SQLite
    register ('' if neither): never one from the shared server."""
    named = desk.operator()
    if named or is_server():
        return named
    row = Setting.get_or_none(Setting.key == "operator_name")
    return row.value.strip() if row is not None else ""


def _convert(key: str, value) -> object:
    spec = SPECS[key]
    if spec.kind == "int":
        return to_int(value, field=key, label=spec.label, low=spec.low, high=spec.high)
    text = clean(value, field=key, label=spec.label, max_len=spec.max_len, single_line=True)
    if key == "number_pattern":
        validate_pattern(text, longest_prefix=SPECS["number_prefix"].max_len)
    if key in ("office_name", "number_prefix", "case_number_prefix", "number_pattern") and not text:
        raise ValidationError(key, f"请填写“{spec.label}”。")
    if key.startswith("font_") and not text:
        raise ValidationError(key, f"请填写“{spec.label}”。")
    return text


def get(key: str):
    spec = SPECS[key]
    if key in DESK_KEYS:
        return _desk_operator()
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return spec.default
    return int(row.value) if spec.kind == "int" else row.value


def all_settings() -> dict[str, object]:
    stored = {row.key: row.value for row in Setting.select()}
    out = {}
    for key, spec in SPECS.items():
        if key in DESK_KEYS:
            named = desk.operator()
            out[key] = named if named or is_server() else stored.get(key, "").strip()
        elif key in stored:
            out[key] = int(stored[key]) if spec.kind == "int" else stored[key]
        else:
            out[key] = spec.default
    return out


def update(values: dict[str, object]) -> dict[str, object]:
    """Validate all values first, then store them in one transaction."""
    unknown = [k for k in values if k not in SPECS]
    if unknown:
        raise ValidationError(unknown[0], f"没有名为“{unknown[0]}”的设置项。")
    converted = {key: _convert(key, value) for key, value in values.items()}
    if "operator_name" in converted:  # this PC's: no transaction, no history
        name = converted.pop("operator_name")
        if name != get("operator_name"):
            desk.set_operator(name)
            if not is_server():  # an older version's name in the file: now this desk's
                with write_transaction():
                    Setting.delete().where(Setting.key == "operator_name").execute()
    if not converted:
        return all_settings()
    with write_transaction():
        current = all_settings()
        for key, value in converted.items():
            if current[key] == value:
                continue
            (Setting.insert(key=key, value=str(value))
             .on_conflict(conflict_target=[Setting.key], update={Setting.value: str(value)})
             .execute())
            history.record("setting", None, "update", field=key, old=current[key], new=value)
    return all_settings()
