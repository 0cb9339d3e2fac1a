from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.roles import Role
from app.domain.users import TrainingRecord, User


@dataclass(frozen=True, slots=True)
class UserValues:
    username: str
    full_name: str
    badge: str | None
    roles: frozenset[Role]
    password: str
    training: TrainingRecord | None


class UserDialog(QDialog):
    def __init__(self, parent: QWidget | None, user: User | None, previous: UserValues | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New user" if user is None else f"Edit {user.username}")
        self.username = QLineEdit(user.username if user else (previous.username if previous else ""))
        self.username.setEnabled(user is None)
        self.username.setPlaceholderText("lower-case letters, digits, . - _ (e.g. dana.ortiz)")
        self.full_name = QLineEdit(user.full_name if user else (previous.full_name if previous else ""))
        self.badge = QLineEdit((user.badge_number or "") if user else "")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Username", self.username)
        form.addRow("Full name", self.full_name)
        form.addRow("Badge / ID", self.badge)
        if user is None:
            form.addRow("Initial password", self.password)
        roles_box = QGroupBox("Roles")
        rl = QVBoxLayout(roles_box)
        self.role_checks: dict[Role, QCheckBox] = {}
        current = user.roles if user else (previous.roles if previous else frozenset())
        for r in Role:
            cb = QCheckBox(r.label)
            cb.setChecked(r in current)
            cb.setAccessibleName(f"Role {r.label}")
            rl.addWidget(cb)
            self.role_checks[r] = cb
        self.trained = QCheckBox("ALPR training completed")
        today = QDate.currentDate()
        self.trained_on = QDateEdit(today)
        self.trained_until = QDateEdit(today.addYears(1))
        if user is None:
            form.addRow(self.trained)
            form.addRow("Completed on", self.trained_on)
            form.addRow("Valid until", self.trained_until)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(roles_box)
        lay.addWidget(buttons)

    def values(self) -> UserValues:
        training = None
        if self.trained.isChecked():
            training = TrainingRecord("ALPR operator", self.trained_on.date().toPython(),
                                      self.trained_until.date().toPython())
        return UserValues(
            self.username.text().strip(), self.full_name.text().strip(), self.badge.text().strip() or None,
            frozenset(r for r, cb in self.role_checks.items() if cb.isChecked()), self.password.text(), training,
        )


class TrainingDialog(QDialog):
    def __init__(self, parent: QWidget | None, user: User) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Training record - {user.full_name}")
        self.course = QLineEdit("ALPR operator")
        today = QDate.currentDate()
        self.completed = QDateEdit(today)
        self.completed.setCalendarPopup(True)
        self.expires = QDateEdit(today.addYears(1))
        self.expires.setCalendarPopup(True)
        self.notes = QLineEdit()
        form = QFormLayout(self)
        form.addRow("Course", self.course)
        form.addRow("Completed on", self.completed)
        form.addRow("Valid until", self.expires)
        form.addRow("Notes", self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def record(self) -> TrainingRecord:
        return TrainingRecord(self.course.text().strip() or "ALPR operator", self.completed.date().toPython(),
                              self.expires.date().toPython(), notes=self.notes.text().strip() or None)
