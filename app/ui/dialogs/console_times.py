"""Date-time editing for console dialogs: aware UTC datetimes shown in the workstation's local time."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QWidget

from app.ui.dialogs.date_fields import DateTimeField


class TimeEdit(DateTimeField):
    """A date-time input (agency date style, Tab to the next field) that reads and writes aware datetimes."""

    def __init__(self, value: datetime, name: str, parent: QWidget | None = None) -> None:
        super().__init__(None, parent, accessible_name=name)
        self.set_value(value)

    def set_value(self, value: datetime) -> None:
        self.setDateTime(QDateTime.fromSecsSinceEpoch(int(value.timestamp())))

    def value(self) -> datetime:
        return datetime.fromtimestamp(self.dateTime().toSecsSinceEpoch(), UTC)
