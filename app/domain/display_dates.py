"""How dates and times are written for people: one place, in the agency's configured style.

Every table, dialog, detail pane and PDF goes through these functions so that a date reads the same
everywhere. The style is an agency choice (settings ``ui.date_format``, ISO 8601 by default) applied
once at start-up with :func:`set_date_style`; times are always 24-hour.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

DateStyle = Literal["iso", "us", "dmy"]

#: style -> (strftime pattern, Qt display pattern, example for people choosing it)
_STYLES: dict[str, tuple[str, str, str]] = {
    "iso": ("%Y-%m-%d", "yyyy-MM-dd", "2026-12-04 (ISO 8601)"),
    "us": ("%m/%d/%Y", "MM/dd/yyyy", "12/04/2026 (month/day/year)"),
    "dmy": ("%d/%m/%Y", "dd/MM/yyyy", "04/12/2026 (day/month/year)"),
}
DASH = "-"
_style: str = "iso"


def set_date_style(style: str) -> None:
    """Use ``style`` ('iso', 'us' or 'dmy') from now on; an unknown style is refused."""
    global _style  # noqa: PLW0603 - one agency-wide display choice, set at start-up
    if style not in _STYLES:
        raise ValueError(f"Unknown date format {style!r}; use one of {', '.join(_STYLES)}.")
    _style = style


def date_style() -> str:
    return _style


def style_examples() -> dict[str, str]:
    return {k: v[2] for k, v in _STYLES.items()}


def qt_date_format() -> str:
    """The Qt display format of date inputs (QDateEdit.setDisplayFormat)."""
    return _STYLES[_style][1]


def qt_datetime_format() -> str:
    return f"{_STYLES[_style][1]} HH:mm"


def _local(value: datetime, local: bool) -> datetime:
    return value.astimezone() if local and value.tzinfo is not None else value


def date_text(value: date | datetime | None, *, local: bool = True, empty: str = "") -> str:
    """``2026-12-04`` in the configured style; a datetime prints its (local) date."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = _local(value, local).date()
    return value.strftime(_STYLES[_style][0])


def time_text(value: datetime | None, *, seconds: bool = True, local: bool = True, empty: str = "") -> str:
    """``21:07:45`` (24-hour; local time for an aware value unless ``local`` is False)."""
    if value is None:
        return empty
    return _local(value, local).strftime("%H:%M:%S" if seconds else "%H:%M")


def datetime_text(value: datetime | None, *, seconds: bool = False, zone: bool = False, local: bool = True,
                  empty: str = "") -> str:
    """``2026-12-04 21:07`` in the configured style; ``zone`` appends the zone name when known."""
    if value is None:
        return empty
    value = _local(value, local)
    text = f"{date_text(value, local=False)} {time_text(value, seconds=seconds, local=False)}"
    name = value.tzname() if zone and value.tzinfo is not None else None
    return f"{text} {name}" if name else text
