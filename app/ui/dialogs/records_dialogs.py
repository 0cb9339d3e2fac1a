"""Dialogs of the records screens: evidence hold, release intake, decision reason."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import QDate, QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.domain.records.releases import ReleaseIntake, ReleaseScope


def _buttons(dlg: QDialog, ok: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    box.accepted.connect(dlg.accept)
    box.rejected.connect(dlg.reject)
    return box


class HoldDialog(QDialog):
    """Case number, reason and review date of an evidence hold."""

    def __init__(self, n_items: int, case_number: str = "", parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(f"Place evidence hold on {n_items} read(s)")
        self.case = QLineEdit(case_number)
        self.case.setAccessibleName("Case number")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for the hold")
        self.review_on = QCheckBox("Review on")
        self.review = QDateEdit(QDate.currentDate().addMonths(6))
        self.review.setCalendarPopup(True)
        self.review.setAccessibleName("Review date")
        form = QFormLayout()
        form.addRow("&Case number", self.case)
        form.addRow("&Reason", self.reason)
        form.addRow(self.review_on, self.review)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(_buttons(self, "Place hold"))

    def values(self):  # noqa: ANN201
        review = self.review.date().toPython() if self.review_on.isChecked() else None
        return self.case.text(), self.reason.toPlainText(), review


class ReasonDialog(QDialog):
    def __init__(self, title: str, ok: str, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Reason")
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(_buttons(self, ok))


class ReleaseIntakeDialog(QDialog):
    """The written request as typed in by the records clerk."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("New release request")
        self.f: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, label in (("agency", "&Agency"), ("ori", "&ORI"), ("requester_name", "Requesting &person"),
                           ("requester_title", "&Title"), ("requester_contact", "&Contact"),
                           ("case_number", "Case/CFS &number"), ("purpose", "Intended p&urpose"),
                           ("legal_basis", "&Legal basis"), ("plates", "Pl&ates (comma separated)")):
            e = QLineEdit()
            e.setAccessibleName(label.replace("&", ""))
            self.f[key] = e
            form.addRow(label, e)
        self.law = QCheckBox("Law-enforcement or prosecutorial agency")
        self.law.setChecked(True)
        self.public = QCheckBox("Public agency")
        self.public.setChecked(True)
        self.use_range = QCheckBox("Time range")
        now = QDateTime.currentDateTime()
        self.start, self.end = QDateTimeEdit(now.addDays(-7)), QDateTimeEdit(now)
        form.addRow(self.law)
        form.addRow(self.public)
        form.addRow(self.use_range, self.start)
        form.addRow("to", self.end)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(_buttons(self, "Enter request"))

    def intake(self) -> ReleaseIntake:
        v = {k: e.text() for k, e in self.f.items()}
        plates = tuple(p.strip().upper() for p in v.pop("plates").split(",") if p.strip())
        start = end = None
        if self.use_range.isChecked():
            start = self.start.dateTime().toPython().astimezone(UTC)
            end = self.end.dateTime().toPython().astimezone(UTC)
        return ReleaseIntake(scope=ReleaseScope(plates, start, end), law_enforcement=self.law.isChecked(),
                             public_agency=self.public.isChecked(), **v)
