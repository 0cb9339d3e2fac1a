"""The Hot lists screen: sources and imports, the lazy entry browser, the approval inbox.

Emits ``badge_changed(count)`` with the number of entries waiting for approval; the main window
shows it on the navigation item. Reloads on ``Changes(hotlists=True)`` from the signal hub while on
view; while hidden only the badge is re-counted (the rest reloads when the screen is shown again).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.roles import Permission
from app.ui.asyncio_qt import async_slot
from app.ui.context import UiContext
from app.ui.reload_gate import ReloadWhenShown
from app.ui.screens.hotlists_entries import EntriesPanel
from app.ui.screens.hotlists_inbox import ApprovalInboxPanel
from app.ui.screens.hotlists_sources import SourcesPanel

#: Other workstations approve and enter too; the badge is re-counted this often (ms).
BADGE_REFRESH_MS = 60_000
INBOX_TITLE = "Approval in&box"


class HotListsScreen(QWidget):
    badge_changed = Signal(int)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        head = QLabel("Hot lists")
        head.setObjectName("Heading")
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        self.inbox: ApprovalInboxPanel | None = None
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Hot list sections")
        self.sources = SourcesPanel(ui)
        self.entries = EntriesPanel(ui)
        self.tabs.addTab(self.sources, "Sour&ces")
        self.tabs.addTab(self.entries, "En&tries")
        if ui.actor.can(Permission.APPROVE_HOTLIST):
            self.inbox = ApprovalInboxPanel(ui)
            self.tabs.addTab(self.inbox, INBOX_TITLE)
            self.inbox.count_changed.connect(self._set_pending)
        lay.addWidget(self.tabs, 1)
        self.sources.sources_loaded.connect(self.entries.set_sources)
        self.tabs.currentChanged.connect(lambda _i: self._reload_entries_if_due())
        self._entries_due = True
        self._on_view = ReloadWhenShown(self, self._reload_lists)
        ui.signals.changed.connect(self._on_changed)
        self._badge_timer = QTimer(self, interval=BADGE_REFRESH_MS)
        self._badge_timer.timeout.connect(lambda: self.refresh_badge())
        if self.inbox is not None:
            self._badge_timer.start()
            QTimer.singleShot(0, lambda: self.refresh_badge())

    def activate(self) -> None:
        self._on_view.activated()
        self._reload_lists()

    def _reload_lists(self) -> None:
        self.sources.reload()
        if self.inbox is not None:
            self.inbox.reload()  # its count_changed updates the badge
        self._reload_entries_if_due()

    def _reload_entries_if_due(self) -> None:
        if self._entries_due and self.tabs.currentWidget() is self.entries:
            self._entries_due = False
            self.entries.reload()

    def _on_changed(self, changes: Changes) -> None:
        if not changes.hotlists:
            return
        self._entries_due = True
        self._on_view.changed()
        if self.inbox is not None and not self.isVisible():
            self.refresh_badge()  # the navigation badge shows while the screen does not

    @async_slot()
    async def refresh_badge(self) -> None:
        try:
            n = await self.ui.call(self.ui.services.hotlists.pending_count, self.ui.actor)
        except DomainError:
            return
        self._set_pending(n)

    def _set_pending(self, n: int) -> None:
        if self.inbox is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.inbox), f"{INBOX_TITLE} ({n})" if n else INBOX_TITLE)
        self.badge_changed.emit(n)
