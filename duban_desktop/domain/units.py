"""Units (承办单位 and parties) with their contact person and phone."""

from __future__ import annotations

from ..db import write_transaction
from ..db.connection import is_server, lock_row, server_now
from ..db.models import CaseParty, CaseTask, ResultReport, SupervisionItem, Unit, UnitTask
from . import history
from .errors import NotFound, ValidationError
from .text import clean
from .writes import insert_unique, wait_for_others

FIELDS = {
    "name": ("单位名称", 100),
    "contact_person": ("联系人", 50),
    "phone": ("联系电话", 50),
    "note": ("备注", 500),
}


def _cleaned(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if key == "active":
            out[key] = bool(value)
            continue
        if key not in FIELDS:
            raise ValidationError(key, f"单位没有“{key}”这一项。")
        label, max_len = FIELDS[key]
        out[key] = clean(value, field=key, label=label, max_len=max_len, required=key == "name",
                         single_line=key != "note")
    return out


def find_unit(name: str) -> Unit | None:
    return Unit.get_or_none(Unit.name == " ".join(str(name).split()))


def get_unit(unit_id: int) -> Unit:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(f"找不到编号为 {unit_id} 的单位。")
    return unit


def _locked(unit_id: int) -> Unit:
    unit = lock_row(Unit.select().where(Unit.id == unit_id))
    if unit is None:
        raise NotFound(f"找不到编号为 {unit_id} 的单位。")
    return unit


def list_units(active_only: bool = False) -> list[Unit]:
    query = Unit.select().order_by(Unit.name)
    if active_only:
        query = query.where(Unit.active == True)  # noqa: E712 (peewee expression)
    return list(query)


def create_unit(name: str, contact_person: str = "", phone: str = "", note: str = "") -> Unit:
    values = _cleaned({"name": name, "contact_person": contact_person, "phone": phone, "note": note})
    with write_transaction():
        if find_unit(values["name"]) is not None:
            raise ValidationError("name", f"单位“{values['name']}”已经存在。")
        unit = insert_unique(lambda: Unit.create(**values), f"单位“{values['name']}”已经存在。", "name")
        history.record("unit", unit.id, "create", field="name", new=unit.name)
    return unit


def resolve_unit(value, *, field: str, label: str, create: bool = True) -> Unit:
    """A Unit from a Unit, an id or a name; a new name makes a new unit."""
    if isinstance(value, Unit):
        return value
    if isinstance(value, int):
        return get_unit(value)
    name = clean(value, field=field, label=label, required=True, max_len=100, single_line=True)
    unit = find_unit(name)
    if unit is None:
        if not create:
            raise ValidationError(field, f"没有名为“{name}”的单位,请先在单位名录中添加。")
        unit = _create_by_name(name)
    return unit


def _create_by_name(name: str) -> Unit:
    """A new unit named by a step. On the server another desk may be making the same unit
    at this moment: the name is inserted ``ON CONFLICT DO NOTHING`` (waiting for that
    desk's transaction) and then read, so both steps go on with the one unit, and only
    the desk that made it records its creation."""
    if not is_server():
        unit = Unit.create(name=name)  # the write transaction keeps other writers out
    else:
        made = wait_for_others(lambda: Unit.insert(name=name, created_at=server_now())
                               .on_conflict_ignore().execute())
        unit = find_unit(name)
        if unit is None:  # pragma: no cover - the row exists once the insert returns
            raise NotFound(f"单位“{name}”没有建立，请再试一次。")
        if not made:
            return unit
    history.record("unit", unit.id, "create", field="name", new=unit.name)
    return unit


def update_unit(unit_id: int, **values) -> Unit:
    values = _cleaned(values)
    with write_transaction():
        unit = _locked(unit_id)
        if "name" in values and values["name"] != unit.name:
            other = find_unit(values["name"])
            if other is not None:
                raise ValidationError("name", f"单位“{values['name']}”已经存在。")
        changes = {k: (getattr(unit, k), v) for k, v in values.items() if getattr(unit, k) != v}
        for key, (_, new) in changes.items():
            setattr(unit, key, new)
        if changes:
            insert_unique(unit.save, f"单位“{values.get('name', unit.name)}”已经存在。", "name")
            history.record_changes("unit", unit.id, changes)
    return unit


def unit_in_use(unit: Unit) -> bool:
    return any(
        query.exists()
        for query in (
            SupervisionItem.select().where(SupervisionItem.lead_unit == unit),
            UnitTask.select().where(UnitTask.unit == unit),
            ResultReport.select().where(ResultReport.unit == unit),
            CaseParty.select().where(CaseParty.unit == unit),
            CaseTask.select().where(CaseTask.unit == unit),
        )
    )


def delete_unit(unit_id: int) -> None:
    with write_transaction():
        unit = _locked(unit_id)
        if unit_in_use(unit):
            raise ValidationError(
                "name", f"单位“{unit.name}”已有督办或协调事项,不能删除;如不再使用,可将其停用。"
            )
        history.record("unit", unit.id, "delete", field="name", old=unit.name)
        unit.delete_instance()
