from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget
from qasync import asyncSlot

from app.domain.errors import DomainError


class ChangePasswordDialog(QDialog):
    def __init__(self, change: Callable[[str, str], Awaitable[None]], forced: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._change = change
        self.setWindowTitle("Change password")
        intro = QLabel("Your password was set by an administrator; choose your own now." if forced
                       else "Choose a new password: 12+ characters, not a common or breached password, without your name "
                       "or the agency's; a passphrase of unrelated words works well.")
        intro.setWordWrap(True)
        self.old, self.new, self.repeat = QLineEdit(), QLineEdit(), QLineEdit()
        form = QFormLayout()
        for w, label in ((self.old, "Current password"), (self.new, "New password"), (self.repeat, "Repeat")):
            w.setEchoMode(QLineEdit.EchoMode.Password)
            w.setAccessibleName(label)
            form.addRow(label, w)
        self.message = QLabel("")
        self.message.setObjectName("Error")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).clicked.connect(self._submit)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def accept(self) -> None:
        self._submit()

    @asyncSlot()
    async def _submit(self) -> None:
        if self.new.text() != self.repeat.text():
            self.message.setText("The new passwords differ.")
            return
        try:
            await self._change(self.old.text(), self.new.text())
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        super().accept()
