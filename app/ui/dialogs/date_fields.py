"""Date and date-time inputs written in the agency's date style, where Tab leaves the field.

A stock QDateEdit moves between its day, month and year sections on Tab, so a keyboard user never
reaches the next field; its display format follows the system locale ("4 12 2026" under C.UTF-8).
These inputs show the configured style (ISO 8601 by default), keep the arrow keys for sections and
give Tab back to the dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QDateTimeEdit, QWidget

from app.domain.display_dates import qt_date_format, qt_datetime_format


class _TabLeaves:
    """Mixed into a QDateTimeEdit: shown in ``display_format`` with a calendar, and Tab leaves it."""

    def _prepare(self, display_format: str, accessible_name: str) -> None:
        self.setDisplayFormat(display_format)
        self.setCalendarPopup(True)
        if accessible_name:
            self.setAccessibleName(accessible_name)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002, N802 - Qt override
        # QDateTimeEdit walks its sections here; a form wants the next widget (left/right arrows pick sections)
        return QAbstractSpinBox.focusNextPrevChild(self, next)


class DateField(_TabLeaves, QDateEdit):
    """A calendar date in the configured style; Tab moves to the next field."""

    def __init__(self, value: QDate | None = None, parent: QWidget | None = None, accessible_name: str = "") -> None:
        super().__init__(parent)
        self._prepare(qt_date_format(), accessible_name)
        if value is not None:
            self.setDate(value)


class DateTimeField(_TabLeaves, QDateTimeEdit):
    """A date and time (24-hour) in the configured style; Tab moves to the next field."""

    def __init__(self, value: QDateTime | None = None, parent: QWidget | None = None,
                 accessible_name: str = "") -> None:
        super().__init__(parent)
        self._prepare(qt_datetime_format(), accessible_name)
        if value is not None:
            self.setDateTime(value)
