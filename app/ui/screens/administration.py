from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.domain.changes import Changes
from app.ui.context import UiContext
from app.ui.reload_gate import ReloadWhenShown
from app.ui.screens.agency_panel import AgencyPanel
from app.ui.screens.cameras_panel import CamerasPanel
from app.ui.screens.database_panel import DatabasePanel
from app.ui.screens.policy_panel import PolicyPanel
from app.ui.screens.users_panel import UsersPanel
from app.ui.screens.workstation_panels import AppearancePanel, SoundsPanel


class AdministrationScreen(QWidget):
    def __init__(self, ui: UiContext, database_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        head = QLabel("Administration")
        head.setObjectName("Heading")
        self.tabs = QTabWidget()
        self.users = UsersPanel(ui)
        self.agency = AgencyPanel(ui)
        self.database = DatabasePanel(ui, database_url)
        self.cameras = CamerasPanel(ui)
        self.tabs.addTab(self.users, "&Users and training")
        self.tabs.addTab(self.cameras, "&Cameras")
        self.tabs.addTab(self.agency, "A&gency profile")
        self.policy = PolicyPanel(ui)
        self.tabs.addTab(self.policy, "P&olicy")
        self.tabs.addTab(self.database, "Data&base")
        self.appearance = AppearancePanel(ui)
        self.sounds = SoundsPanel(ui)
        self.tabs.addTab(self.appearance, "Appea&rance")
        self.tabs.addTab(self.sounds, "Sounds and s&peech")
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.tabs)
        self._on_view = ReloadWhenShown(self, self.users.reload)
        ui.signals.changed.connect(self._on_changed)

    def activate(self) -> None:
        self._on_view.activated()
        self.users.reload()
        self.cameras.reload()
        self.agency.reload()
        self.policy.reload()
        self.appearance.reload()
        self.sounds.reload()

    def _on_changed(self, changes: Changes) -> None:
        if changes.users:
            self._on_view.changed()
