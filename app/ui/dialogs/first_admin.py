"""First run: create the first supervisor / ALPR administrator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.domain.users import TrainingRecord
from app.ui.dialogs.date_fields import DateField
from app.ui.dialogs.form_dialog import FormDialog, FormRefused

CreateAdmin = Callable[[str, str, str, TrainingRecord, str | None], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class FirstAdminValues:
    username: str
    full_name: str
    password: str
    training: TrainingRecord
    badge: str | None


class FirstAdminDialog(FormDialog):
    def __init__(self, create: CreateAdmin, parent: QWidget | None = None) -> None:
        super().__init__("ALPR Console - First administrator", self._create_it, "Create administrator", parent)
        self._create = create
        self.setMinimumWidth(480)
        intro = QLabel(
            "No account exists yet. Create the first supervisor / ALPR administrator. "
            "This person then creates personal accounts for every user. Accounts are never shared."
        )
        intro.setWordWrap(True)
        self.layout().insertWidget(0, intro)
        self.username = QLineEdit()
        self.username.setPlaceholderText("lower-case letters, digits, . - _ (e.g. sam.lee)")
        self.full_name = QLineEdit()
        self.badge = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        today = QDate.currentDate()
        self.trained_on = DateField(today)
        self.trained_until = DateField(today.addYears(1))
        for w, name in ((self.username, "Username"), (self.full_name, "Full name"), (self.badge, "Badge number"),
                        (self.password, "Password"), (self.repeat, "Repeat password"),
                        (self.trained_on, "Training completed on"), (self.trained_until, "Training valid until")):
            w.setAccessibleName(name)
        self.add_field("&Username", self.username, "username", words=("username",))
        self.add_field("&Full name", self.full_name, "full_name", words=("full name",))
        self.add_field("&Badge / ID number", self.badge)
        self.add_field("&Password (12+ characters)", self.password, "password", words=("password",))
        self.add_field("&Repeat password", self.repeat, "repeat", words=("differ",))
        self.add_field("ALPR &training completed", self.trained_on)
        self.add_field("Training &valid until", self.trained_until, "training", words=("training",))
        self.message = self.general
        self.finish()

    def build(self) -> FirstAdminValues:
        if self.password.text() != self.repeat.text():
            raise FormRefused("repeat", "The passwords differ.")
        done = self.trained_on.date().toPython()
        until = self.trained_until.date().toPython()
        if until <= done:
            until = done + timedelta(days=365)
        return FirstAdminValues(self.username.text(), self.full_name.text(), self.password.text(),
                                TrainingRecord("ALPR operator and administrator", done, until),
                                self.badge.text().strip() or None)

    async def _create_it(self, v: FirstAdminValues) -> object:
        return await self._create(v.username, v.full_name, v.password, v.training, v.badge)
