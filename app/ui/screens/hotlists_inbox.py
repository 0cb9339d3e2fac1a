"""Hot lists > Approval inbox: pending local entries, approve or deny each with a reason.

Shown only to users with APPROVE_HOTLIST; the service checks the permission again and refuses
self-approval. Its refusal messages are shown exactly as they come.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.display_dates import date_text
from app.domain.errors import DomainError
from app.domain.hotlist_admin import HotListEntry
from app.ui.asyncio_qt import async_slot
from app.ui.context import UiContext
from app.ui.dialogs.bolo_entry import category_label
from app.ui.screens.hotlists_entries import entry_details_html
from app.ui.table_model import ItemTableModel, fmt, make_table

INBOX_COLUMNS = ("Plate", "State", "Category", "Pri.", "Entered by", "Requesting officer", "Case", "Submitted",
                 "Expires")


def _pending_cells(e: HotListEntry) -> tuple[str, ...]:
    return (e.plate, e.state or "", category_label(e.category), str(e.priority), e.entered_by_name or "",
            e.requesting_officer or "", e.case_number or "", fmt(e.created_at),
            date_text(e.expires_at, local=False))


class DetailsView(QTextBrowser):
    """The selected entry's details: wraps at the pane's width and scrolls; text is selectable."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Notice")
        self.setAccessibleName("Pending entry details")
        self.setOpenLinks(False)
        self.setMinimumWidth(320)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHtml(placeholder)

    def setText(self, html: str) -> None:  # noqa: N802 - reads like the QLabel it replaced
        self.setHtml(html)

    def text(self) -> str:
        return self.toPlainText()


class ApprovalInboxPanel(QWidget):
    count_changed = Signal(int)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.svc = ui.services.hotlists
        self.model = ItemTableModel(INBOX_COLUMNS, _pending_cells)
        self.table = make_table(self.model, "Entries waiting for approval", single=True, alternating=True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.details = DetailsView("Select an entry to see everything the requester documented.")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the decision")
        self.reason.setPlaceholderText("required: e.g. verified with Det. Reyes, case 26-004711")
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason)
        self.approve_btn = QPushButton("&Approve")
        self.approve_btn.setAccessibleName("Approve the selected entry")
        self.deny_btn = QPushButton("De&ny")
        self.deny_btn.setAccessibleName("Deny the selected entry")
        self.approve_btn.clicked.connect(lambda: self.decide(True))
        self.deny_btn.clicked.connect(lambda: self.decide(False))
        self.message = QLabel("")
        self.message.setObjectName("Info")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Decision message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty = QLabel("No entries are waiting for approval.")
        self.empty.setObjectName("Muted")
        decide = QHBoxLayout()
        decide.addWidget(reason_label)
        decide.addWidget(self.reason, 1)
        decide.addWidget(self.approve_btn)
        decide.addWidget(self.deny_btn)
        # the approver reads the synopsis here: a splitter the user can drag, the details taking
        # two fifths of the width by default (a fixed 290 px pane wrapped a long synopsis a word a line)
        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.setChildrenCollapsible(False)
        self.body.addWidget(self.table)
        self.body.addWidget(self.details)
        self.body.setStretchFactor(0, 3)
        self.body.setStretchFactor(1, 2)
        intro = QLabel("Local entries do not alert until a supervisor or ALPR administrator other than the person "
                       "who entered or requested them approves (policy 002 IV.I.5-6).")
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.empty)
        lay.addWidget(self.body, 1)
        lay.addLayout(decide)
        lay.addWidget(self.message)
        QShortcut(QKeySequence("F5"), self, activated=lambda: self.reload(),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def selected(self) -> HotListEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.items[rows[0].row()] if rows else None

    def _show_selected(self) -> None:
        e = self.selected()
        self.details.setText(entry_details_html(e) if e else "")
        if e is not None:
            self._show_history(e)

    @async_slot()
    async def _show_history(self, e: HotListEntry) -> None:
        """Who changed what, when: the approver sees every version before deciding."""
        try:
            revisions = await self.ui.call(self.svc.revisions, self.ui.actor, e.id)
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        if self.selected() is not None and self.selected().id == e.id:
            self.details.setText(entry_details_html(e, revisions))

    @async_slot()
    async def reload(self) -> None:
        try:
            entries = await self.ui.call(self.svc.pending, self.ui.actor)
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        keep = self.selected()
        self.model.set_items(entries)
        self.empty.setVisible(not entries)
        for b in (self.approve_btn, self.deny_btn):
            b.setEnabled(bool(entries))
        row = next((i for i, e in enumerate(entries) if keep and e.id == keep.id), 0 if entries else -1)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.details.setText("")
        self.count_changed.emit(len(entries))

    @async_slot()
    async def decide(self, approve: bool) -> None:
        e = self.selected()
        if e is None:
            self.message.setText("Select an entry first.")
            return
        try:
            done = await self.ui.call(self.svc.decide, self.ui.actor, e.id, approve, self.reason.text(),
                                     revision=e.revision)
        except DomainError as exc:
            self.message.setObjectName("Error")
            self.message.setText(str(exc))
            self._repolish()
            return
        self.message.setObjectName("Info")
        self.message.setText(f"{done.plate} approved: it now alerts." if approve else f"{done.plate} denied.")
        self._repolish()
        self.reason.clear()
        self.ui.signals.changed.emit(Changes(hotlists=True))

    def _repolish(self) -> None:
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
