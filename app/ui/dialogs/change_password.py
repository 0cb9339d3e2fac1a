"""Change your own password (forced after an administrator set it, or by choice)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.ui.dialogs.form_dialog import FormDialog, FormRefused


class ChangePasswordDialog(FormDialog):
    def __init__(self, change: Callable[[str, str], Awaitable[None]], forced: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__("Change password", self._change_it, "OK", parent)
        self._change = change
        self.setMinimumWidth(460)
        intro = QLabel("Your password was set by an administrator; choose your own now." if forced
                       else "Choose a new password: 12+ characters, not a common or breached password, without your "
                       "name or the agency's; a passphrase of unrelated words works well.")
        intro.setWordWrap(True)
        self.layout().insertWidget(0, intro)
        self.old, self.new, self.repeat = QLineEdit(), QLineEdit(), QLineEdit()
        for w, label, key, words in ((self.old, "&Current password", "old", ("current password",)),
                                     (self.new, "&New password", "new", ("password",)),
                                     (self.repeat, "&Repeat", "repeat", ("differ",))):
            w.setEchoMode(QLineEdit.EchoMode.Password)
            w.setAccessibleName(label.replace("&", ""))
            self.add_field(label, w, key, words=words)
        self.message = self.general  # the line above the buttons (kept for callers reading it)
        self.finish()

    def build(self) -> tuple[str, str]:
        if self.new.text() != self.repeat.text():
            raise FormRefused("repeat", "The new passwords differ.")
        return self.old.text(), self.new.text()

    async def _change_it(self, values: tuple[str, str]) -> None:
        await self._change(*values)
