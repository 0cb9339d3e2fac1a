"""Administration > Users: the new/edit user form and the training record form.

Both are :class:`FormDialog`s: the screen hands in the service call, and a refusal (username taken,
weak password, no role ...) keeps the dialog open with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLineEdit, QVBoxLayout, QWidget

from app.domain.roles import Role
from app.domain.users import TrainingRecord, User
from app.ui.dialogs.date_fields import DateField
from app.ui.dialogs.form_dialog import FormDialog, FormRefused, Submit


@dataclass(frozen=True, slots=True)
class UserValues:
    username: str
    full_name: str
    badge: str | None
    roles: frozenset[Role]
    password: str
    training: TrainingRecord | None
    title: str = ""


class UserDialog(FormDialog):
    """New user (with initial password and training) or edit an existing one."""

    def __init__(self, parent: QWidget | None, user: User | None, submit: Submit | None = None) -> None:
        super().__init__("New user" if user is None else f"Edit {user.username}", submit, "OK", parent)
        self.setMinimumWidth(520)
        self.username = QLineEdit(user.username if user else "")
        self.username.setEnabled(user is None)
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("lower-case letters, digits, . - _ (e.g. dana.ortiz)")
        self.full_name = QLineEdit(user.full_name if user else "")
        self.full_name.setAccessibleName("Full name")
        self.title = QLineEdit((user.title or "") if user else "")
        self.title.setAccessibleName("Title or rank")
        self.title.setPlaceholderText("printed after the name on documents, e.g. Records Supervisor")
        self.title.setMaxLength(80)
        self.badge = QLineEdit((user.badge_number or "") if user else "")
        self.badge.setAccessibleName("Badge or ID")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Initial password")
        self.add_field("&Username", self.username, "username", words=("username",))
        self.add_field("&Full name", self.full_name, "full_name", words=("full name", "name"))
        self.add_field("T&itle / rank", self.title, "title", words=("title",))
        self.add_field("&Badge / ID", self.badge, "badge", words=("badge",))
        if user is None:
            self.add_field("Initial &password", self.password, "password", words=("password",))
        roles_box = QGroupBox("Roles")
        rl = QVBoxLayout(roles_box)
        self.role_checks: dict[Role, QCheckBox] = {}
        current = user.roles if user else frozenset()
        for r in Role:
            cb = QCheckBox(r.label)
            cb.setChecked(r in current)
            cb.setAccessibleName(f"Role {r.label}")
            rl.addWidget(cb)
            self.role_checks[r] = cb
        self.roles_error = self.add_field("", roles_box, "roles", words=("role",))
        self.trained = QCheckBox("ALPR &training completed")
        self.trained.setAccessibleName("ALPR training completed")
        today = QDate.currentDate()
        self.trained_on = DateField(today, accessible_name="Training completed on")
        self.trained_until = DateField(today.addYears(1), accessible_name="Training valid until")
        if user is None:
            self.add_field("", self.trained)
            self.add_field("Completed &on", self.trained_on)
            self.add_field("&Valid until", self.trained_until, "training", words=("training",))
        self.finish()

    def values(self) -> UserValues:
        training = None
        if self.trained.isChecked():
            training = TrainingRecord("ALPR operator", self.trained_on.date().toPython(),
                                      self.trained_until.date().toPython())
        return UserValues(
            self.username.text().strip(), self.full_name.text().strip(), self.badge.text().strip() or None,
            frozenset(r for r, cb in self.role_checks.items() if cb.isChecked()), self.password.text(), training,
            self.title.text().strip(),
        )

    def build(self) -> UserValues:
        v = self.values()
        if not v.roles:
            raise FormRefused("roles", "Give the user at least one role.")
        return v


class TrainingDialog(FormDialog):
    """Record a completed training course for a user."""

    def __init__(self, parent: QWidget | None, user: User, submit: Submit | None = None) -> None:
        super().__init__(f"Training record - {user.full_name}", submit, "OK", parent)
        self.course = QLineEdit("ALPR operator")
        self.course.setAccessibleName("Course")
        today = QDate.currentDate()
        self.completed = DateField(today, accessible_name="Completed on")
        self.expires = DateField(today.addYears(1), accessible_name="Valid until")
        self.notes = QLineEdit()
        self.notes.setAccessibleName("Notes")
        self.add_field("&Course", self.course, "course", words=("course",))
        self.add_field("Completed &on", self.completed, "completed", words=("completion",))
        self.add_field("&Valid until", self.expires, "expires", words=("expiry", "valid"))
        self.add_field("&Notes", self.notes)
        self.finish()

    def record(self) -> TrainingRecord:
        return TrainingRecord(self.course.text().strip() or "ALPR operator", self.completed.date().toPython(),
                              self.expires.date().toPython(), notes=self.notes.text().strip() or None)

    def build(self) -> TrainingRecord:
        rec = self.record()
        if rec.expires_on <= rec.completed_on:
            raise FormRefused("expires", "The training expiry must be after its completion date.")
        return rec


class ResetPasswordDialog(FormDialog):
    """A temporary password for a user (they must change it at the next sign-in)."""

    def __init__(self, parent: QWidget | None, user: User, submit: Submit | None = None) -> None:
        super().__init__(f"Reset password - {user.full_name} ({user.username})", submit, "Reset password", parent)
        self.setMinimumWidth(460)
        self.password, self.repeat = QLineEdit(), QLineEdit()
        for w, label, key, words in ((self.password, "&Temporary password", "password", ("password",)),
                                     (self.repeat, "&Repeat", "repeat", ("differ",))):
            w.setEchoMode(QLineEdit.EchoMode.Password)
            w.setAccessibleName(label.replace("&", ""))
            self.add_field(label, w, key, words=words)
        self.finish()

    def build(self) -> str:
        if self.password.text() != self.repeat.text():
            raise FormRefused("repeat", "The two passwords differ.")
        return self.password.text()
