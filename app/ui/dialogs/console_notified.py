"""Entering agency notified of a recovery or arrest (002 IV.J.5), per NCIC protocol."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.hit_steps import AgencyNotified
from app.ui.dialogs.console_common import ChoiceGroup, StepDialog, Submit
from app.ui.dialogs.console_times import TimeEdit

METHODS = ("Nlets message", "Phone", "Teletype", "Email", "In person")


class AgencyNotifiedDialog(StepDialog):
    """When and how the entering agency was told; the time defaults to now."""

    def __init__(self, submit: Submit, ori: str, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__("Entering agency notified", f"Record that the entering agency {ori or ''} was notified "
                         "of the recovery or arrest.", submit, parent)
        self.at = TimeEdit(now, "Notified at")
        # no method is preselected: one Enter must not record a notification that never happened
        self.method = ChoiceGroup("Notification method", [(m, m) for m in METHODS])
        self.contact = QLineEdit()
        self.contact.setAccessibleName("Contact")
        self.contact.setPlaceholderText("who took the notification")
        self.form.addRow("&Method", self.method)
        self.form.addRow("&At", self.at)
        self.form.addRow("&Contact", self.contact)
        self.ok.setText("Record notification")
        self.require(self.method)
        self.method.focus_checked()

    def build(self) -> AgencyNotified:
        return AgencyNotified(self.at.value(), self.method.value, self.contact.text().strip())
