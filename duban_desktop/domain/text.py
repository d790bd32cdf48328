"""Cleaning and checking text fields before anything is stored."""

from __future__ import annotations

import re

from .errors import ValidationError

# Control characters (tab and newline stay), DEL, lone surrogates and the two
# non-characters that XML (Word, Excel) refuses.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def strip_illegal(value: str) -> str:
    """Remove characters no document format can hold; normalise line ends."""
    return _ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean(value, *, field: str, label: str, required: bool = False, max_len: int | None = None,
          single_line: bool = False) -> str:
    """The cleaned text, or a ValidationError naming the field and what to do."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    text = strip_illegal(value).strip()
    if single_line:
        text = " ".join(text.split())
    if required and not text:
        raise ValidationError(field, f"请填写“{label}”。")
    if max_len is not None and len(text) > max_len:
        raise ValidationError(
            field, f"“{label}”最多 {max_len} 个字,现在有 {len(text)} 个字,请删减后再保存。"
        )
    return text


def require_choice(value, choices: dict[str, str], *, field: str, label: str) -> str:
    """``value`` as a code of ``choices``; Chinese labels are accepted too."""
    if value in choices:
        return value
    for code, text in choices.items():
        if value == text:
            return code
    allowed = "、".join(choices.values())
    raise ValidationError(field, f"“{label}”只能是以下之一:{allowed}。")


def to_int(value, *, field: str, label: str, low: int, high: int, unit: str = "") -> int:
    """A whole number within [low, high], or a ValidationError naming the field."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(field, f"“{label}”请填写整数。") from None
    if not low <= number <= high:
        raise ValidationError(field, f"“{label}”应在 {low} 到 {high}{unit} 之间。")
    return number
