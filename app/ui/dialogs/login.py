"""The login window: personal account, password, clear refusal reasons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.services.accounts import LoginResult
from app.ui.asyncio_qt import async_slot

Authenticate = Callable[[str, str], Awaitable[LoginResult]]


class LoginDialog(QDialog):
    def __init__(self, authenticate: Authenticate, agency_name: str, workstation: str,
                 notice: str = "", parent: QWidget | None = None, title: str = "Sign in") -> None:
        super().__init__(parent)
        self._authenticate = authenticate
        self.result_value: LoginResult | None = None
        self.escape_closes = True  # the lock screen turns it off: there, closing signs the user out
        self.setWindowTitle(f"ALPR Console - {title}")
        self.setObjectName("LoginDialog")
        self.setMinimumWidth(max(440, self.fontMetrics().averageCharWidth() * 52))  # ~50 characters a line

        heading = QLabel("ALPR Dispatch Console")
        heading.setObjectName("Heading")
        agency = QLabel(agency_name)
        agency.setObjectName("Subheading")
        warning = QLabel(
            "Authorized law enforcement use only. All access to ALPR data is recorded "
            "with your name, the time and the purpose, and is audited."
        )
        warning.setWordWrap(True)
        warning.setObjectName("Notice")

        self.username = QLineEdit()
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("your personal username")
        self.password = QLineEdit()
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)

        self.message = QLabel(notice)
        self.message.setObjectName("Error" if notice else "Info")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.sign_in = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in.setText("Sign in")
        self.sign_in.setAccessibleName("Sign in")
        self.buttons.rejected.connect(self.reject)
        self.sign_in.clicked.connect(self._submit)
        self.sign_in.setDefault(True)

        footer = QLabel(f"Workstation: {workstation}")
        footer.setObjectName("Muted")
        lay = QVBoxLayout(self)
        lay.addWidget(heading)
        lay.addWidget(agency)
        lay.addSpacing(8)
        lay.addWidget(warning)
        lay.addSpacing(8)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        lay.addWidget(footer)
        self.username.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and not self.escape_closes:
            event.accept()  # a stray Escape at the lock screen must not sign the dispatcher out
            return
        super().keyPressEvent(event)

    def accept(self) -> None:  # Enter key: route through the async submit
        self._submit()

    @async_slot()
    async def _submit(self) -> None:
        user, pw = self.username.text().strip(), self.password.text()
        if not user or not pw:
            self._show_error("Enter your username and password.")
            return
        self.sign_in.setEnabled(False)
        self.message.setObjectName("Info")
        self._set_message("Checking...")
        try:
            self.result_value = await self._authenticate(user, pw)
        except DomainError as exc:
            self.password.clear()
            self.password.setFocus()
            self._show_error(str(exc))
            return
        finally:
            self.sign_in.setEnabled(True)
        super().accept()

    def _show_error(self, text: str) -> None:
        self.message.setObjectName("Error")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)  # bold: measure the message in the font it is shown in
        self._set_message(text)

    def _set_message(self, text: str) -> None:
        """Show ``text`` whole: the dialog grows to the wrapped message's height (never "Contact the ALPR ...")."""
        self.message.setText(text)
        self._grow()

    def _grow(self) -> None:
        lay = self.layout()
        lay.activate()
        needed = lay.totalHeightForWidth(self.width()) if lay.hasHeightForWidth() else lay.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._grow()  # a long notice (the lock reason, warnings) given at construction
