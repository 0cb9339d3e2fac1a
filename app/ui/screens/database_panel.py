"""Administration > Database: embedded SQLite or a shared PostgreSQL (password in the keyring)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.settings.secrets import KeyringSecretStore, SecretStoreUnavailable
from app.settings.store import save_settings
from app.ui.asyncio_qt import async_slot
from app.ui.context import UiContext


class DatabasePanel(QWidget):
    def __init__(self, ui: UiContext, current_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        form = QFormLayout(self)
        form.addRow("In use now", QLabel(current_url))
        self.kind = QComboBox()
        self.kind.addItem("Embedded SQLite (this workstation only)", "sqlite")
        self.kind.addItem("PostgreSQL (shared by several consoles)", "postgresql")
        self.kind.setCurrentIndex(0 if ui.settings.database.kind == "sqlite" else 1)
        self.kind.setAccessibleName("Database kind")
        self.url = QLineEdit(ui.settings.database.url)
        self.url.setPlaceholderText("postgresql://alpr@dbserver:5432/alpr")
        self.url.setAccessibleName("PostgreSQL URL")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Database password")
        self.password.setPlaceholderText("stored in the OS keyring, never in a file")
        form.addRow("Database", self.kind)
        form.addRow("PostgreSQL URL", self.url)
        form.addRow("Password", self.password)
        note = QLabel("Changes take effect at the next start of the console.")
        note.setObjectName("Muted")
        form.addRow(note)
        save = QPushButton("Save connection")
        save.clicked.connect(self._save)
        form.addRow(save)

    @async_slot()
    async def _save(self) -> None:
        s = self.ui.settings
        kind = self.kind.currentData()
        if kind == "postgresql" and not self.url.text().strip().startswith("postgresql"):
            QMessageBox.warning(self, "Database", "Enter a URL that starts with postgresql://")
            return
        try:  # the settings model refuses a URL that holds a password
            type(s.database).model_validate({**s.database.model_dump(), "url": self.url.text().strip()})
        except ValueError as exc:
            errors = exc.errors() if hasattr(exc, "errors") else [{"msg": str(exc)}]
            QMessageBox.warning(self, "Database", "; ".join(str(e["msg"]) for e in errors))
            return
        if self.password.text():  # the OS keyring may block (unlock prompt): keep it off the GUI thread
            try:
                await self.ui.call(KeyringSecretStore().set, s.database.password_ref, self.password.text())
            except SecretStoreUnavailable as exc:
                QMessageBox.critical(self, "Database", str(exc))
                return
        s.database.kind = kind
        s.database.url = self.url.text().strip()
        await self.ui.call(save_settings, self.ui.paths.settings_file, s)
        QMessageBox.information(self, "Database", "Saved. Restart the console to connect to the new database.")
