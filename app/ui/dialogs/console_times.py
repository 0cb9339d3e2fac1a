"""Date-time editing for console dialogs: aware UTC datetimes shown in the workstation's local time."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDateTimeEdit, QWidget


class TimeEdit(QDateTimeEdit):
    """A QDateTimeEdit that reads and writes aware datetimes."""

    def __init__(self, value: datetime, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.setCalendarPopup(True)
        self.setAccessibleName(name)
        self.set_value(value)

    def set_value(self, value: datetime) -> None:
        self.setDateTime(QDateTime.fromSecsSinceEpoch(int(value.timestamp())))

    def value(self) -> datetime:
        return datetime.fromtimestamp(self.dateTime().toSecsSinceEpoch(), UTC)
