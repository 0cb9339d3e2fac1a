"""Dialogs of the records screens: evidence hold, release intake, decision reason.

Each is a :class:`FormDialog`: the screen hands in the service call, and a refusal keeps the dialog
open with the problem under its field and everything typed still there.
"""

from __future__ import annotations

from datetime import UTC, date

from PySide6.QtCore import QDate, QDateTime
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from app.domain.records.releases import ReleaseIntake, ReleaseScope
from app.ui.dialogs.date_fields import DateField, DateTimeField
from app.ui.dialogs.form_dialog import FormDialog, Submit


class HoldDialog(FormDialog):
    """Case number, reason and review date of an evidence hold."""

    def __init__(self, n_items: int, case_number: str = "", parent: QWidget | None = None,
                 submit: Submit | None = None) -> None:
        super().__init__(f"Place evidence hold on {n_items} read(s)", submit, "Place hold", parent)
        self.case = QLineEdit(case_number)
        self.case.setAccessibleName("Case number")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for the hold")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(72)
        self.review_on = QCheckBox("Review on")
        self.review_on.setAccessibleName("Set a review date")
        self.review = DateField(QDate.currentDate().addMonths(6), accessible_name="Review date")
        review_row = QHBoxLayout()
        review_row.addWidget(self.review_on)
        review_row.addWidget(self.review, 1)
        self.add_field("&Case number", self.case, "case", words=("case number",))
        self.add_field("&Reason", self.reason, "reason", words=("reason",))
        self.add_field("Re&view", review_row, "review", words=("review date",), buddy=self.review_on)
        self.finish()

    def values(self) -> tuple[str, str, date | None]:
        review = self.review.date().toPython() if self.review_on.isChecked() else None
        return self.case.text(), self.reason.toPlainText(), review

    def build(self) -> tuple[str, str, date | None]:
        return self.values()


class ReasonDialog(FormDialog):
    """One written reason (approve/deny a release, release a hold)."""

    def __init__(self, title: str, ok: str, parent: QWidget | None = None, submit: Submit | None = None) -> None:
        super().__init__(title, submit, ok, parent)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Reason")
        self.text.setTabChangesFocus(True)
        self.add_field("&Reason", self.text, "reason", words=("reason",))
        self.finish()

    def build(self) -> str:
        return self.text.toPlainText()


_INTAKE_FIELDS = (
    ("agency", "&Agency", ("agency name",)), ("ori", "&ORI", ("ori",)),
    ("requester_name", "Requesting &person", ("requesting person",)), ("requester_title", "&Title", ()),
    ("requester_contact", "&Contact", ()), ("case_number", "Case/CFS &number", ("case",)),
    ("purpose", "Intended p&urpose", ("purpose",)), ("legal_basis", "&Legal basis", ("legal basis",)),
    ("plates", "Plat&es (comma separated)", ("scope", "plate")),
)


class ReleaseIntakeDialog(FormDialog):
    """The written request as typed in by the records clerk."""

    def __init__(self, parent: QWidget | None = None, submit: Submit | None = None) -> None:
        super().__init__("New release request", submit, "Enter request", parent)
        self.setMinimumWidth(560)
        self.f: dict[str, QLineEdit] = {}
        for key, label, words in _INTAKE_FIELDS:
            e = QLineEdit()
            e.setAccessibleName(label.replace("&", ""))
            self.f[key] = e
            self.add_field(label, e, key, words=words or (key,))
        self.law = QCheckBox("Law-enforcement or prosecutorial agency")
        self.law.setChecked(True)
        self.public = QCheckBox("Public agency")
        self.public.setChecked(True)
        self.add_field("", self.law)
        self.add_field("", self.public, "public", words=("public agenc",))
        self.use_range = QCheckBox("Time &range")
        self.use_range.setAccessibleName("Limit to a time range")
        now = QDateTime.currentDateTime()
        self.start = DateTimeField(now.addDays(-7), accessible_name="Range start")
        self.end = DateTimeField(now, accessible_name="Range end")
        self.add_field("", self.use_range)
        self.add_field("&From", self.start, "range", words=("time range",))
        self.add_field("To", self.end)
        self.start.setEnabled(False)
        self.end.setEnabled(False)
        self.use_range.toggled.connect(self.start.setEnabled)
        self.use_range.toggled.connect(self.end.setEnabled)
        self.finish()

    def intake(self) -> ReleaseIntake:
        v = {k: e.text() for k, e in self.f.items()}
        plates = tuple(p.strip().upper() for p in v.pop("plates").split(",") if p.strip())
        start = end = None
        if self.use_range.isChecked():
            start = self.start.dateTime().toPython().astimezone(UTC)
            end = self.end.dateTime().toPython().astimezone(UTC)
        return ReleaseIntake(scope=ReleaseScope(plates, start, end), law_enforcement=self.law.isChecked(),
                             public_agency=self.public.isChecked(), **v)

    def build(self) -> ReleaseIntake:
        return self.intake()
