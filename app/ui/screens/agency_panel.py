"""Administration > Agency profile: the names that head every document and memorandum."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.domain.agency import AgencyProfile
from app.domain.errors import DomainError
from app.ui.asyncio_qt import async_slot
from app.ui.context import UiContext

FIELDS = (("name", "Agency name"), ("ori", "ORI (9 characters)"), ("chief_of_police", "Chief of police"),
          ("alpr_administrator", "ALPR administrator"), ("policy_number", "ALPR policy number"),
          ("policy_version", "Policy version"))


class AgencyPanel(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout(self)
        for key, label in FIELDS:
            e = QLineEdit()
            e.setAccessibleName(label)
            self.edits[key] = e
            form.addRow(label, e)
        self.address = QPlainTextEdit()
        self.address.setMaximumHeight(70)
        self.address.setAccessibleName("Address")
        form.addRow("Address", self.address)
        self.policy = QPlainTextEdit()
        self.policy.setAccessibleName("Policy text shown at first login")
        for box in (self.address, self.policy):
            box.setTabChangesFocus(True)  # Tab goes on to the next field, as in every dialog
        form.addRow("Policy shown at first login", self.policy)
        hint = QLabel("Raise the policy version after changing its text: every user acknowledges it again.")
        hint.setObjectName("Muted")
        form.addRow(hint)
        self.save = QPushButton("&Save agency profile")
        self.save.clicked.connect(self._save)
        form.addRow(self.save)
        self.profile = AgencyProfile()

    @async_slot()
    async def reload(self) -> None:
        self.profile = await self.ui.call(self.ui.services.administration.agency_profile, self.ui.actor)
        for key, _ in FIELDS:
            self.edits[key].setText(getattr(self.profile, key))
        self.address.setPlainText(self.profile.address)
        self.policy.setPlainText(self.profile.policy_text)

    @async_slot()
    async def _save(self) -> None:
        values = {k: e.text().strip() for k, e in self.edits.items()}
        profile = dataclasses.replace(self.profile, address=self.address.toPlainText().strip(),
                                      policy_text=self.policy.toPlainText(), **values)
        try:
            await self.ui.call(self.ui.services.administration.save_agency_profile, self.ui.actor, profile)
        except DomainError as exc:
            QMessageBox.warning(self, "Agency profile", str(exc))
            return
        self.profile = profile
