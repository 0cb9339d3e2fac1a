"""First run: create the first supervisor / ALPR administrator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from app.domain.errors import DomainError
from app.domain.users import TrainingRecord

CreateAdmin = Callable[[str, str, str, TrainingRecord, str | None], Awaitable[object]]


class FirstAdminDialog(QDialog):
    def __init__(self, create: CreateAdmin, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._create = create
        self.setWindowTitle("ALPR Console - First administrator")
        self.setMinimumWidth(480)
        intro = QLabel(
            "No account exists yet. Create the first supervisor / ALPR administrator. "
            "This person then creates personal accounts for every user. Accounts are never shared."
        )
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setPlaceholderText("lower-case letters, digits, . - _ (e.g. sam.lee)")
        self.full_name = QLineEdit()
        self.badge = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        today = QDate.currentDate()
        self.trained_on = QDateEdit(today)
        self.trained_on.setCalendarPopup(True)
        self.trained_until = QDateEdit(today.addYears(1))
        self.trained_until.setCalendarPopup(True)
        for w, name in ((self.username, "Username"), (self.full_name, "Full name"), (self.badge, "Badge number"),
                        (self.password, "Password"), (self.repeat, "Repeat password"),
                        (self.trained_on, "Training completed on"), (self.trained_until, "Training valid until")):
            w.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("Username", self.username)
        form.addRow("Full name", self.full_name)
        form.addRow("Badge / ID number", self.badge)
        form.addRow("Password (12+ characters)", self.password)
        form.addRow("Repeat password", self.repeat)
        form.addRow("ALPR training completed", self.trained_on)
        form.addRow("Training valid until", self.trained_until)
        self.message = QLabel("")
        self.message.setObjectName("Error")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Create administrator")
        buttons.rejected.connect(self.reject)
        self.ok.clicked.connect(self._submit)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def accept(self) -> None:
        self._submit()

    @asyncSlot()
    async def _submit(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.setText("The passwords differ.")
            return
        done = self.trained_on.date().toPython()
        until = self.trained_until.date().toPython()
        if until <= done:
            until = done + timedelta(days=365)
        try:
            await self._create(self.username.text(), self.full_name.text(), self.password.text(),
                               TrainingRecord("ALPR operator and administrator", done, until),
                               self.badge.text().strip() or None)
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        super().accept()
