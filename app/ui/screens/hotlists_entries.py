"""Hot lists > Entries: browse millions of entries lazily, search by plate prefix, enter and edit BOLOs."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.display_dates import date_text, datetime_text
from app.domain.errors import DomainError, ValidationFailed
from app.domain.hotlist_admin import EntryStatus, HotListEntry, HotListSource, LocalEntryDraft
from app.domain.roles import Permission
from app.paths import AppPaths
from app.ui.asyncio_qt import async_slot, dialog_result
from app.ui.context import UiContext
from app.ui.dialogs.bolo_entry import BoloEntryDialog, category_label
from app.ui.dialogs.bolo_withdraw import WithdrawBoloDialog
from app.ui.screens.hotlists_model import LazyEntryModel, vehicle_text

MAX_PHOTO_BYTES = 10 * 1024 * 1024
_CTX = Qt.ShortcutContext.WidgetWithChildrenShortcut


def store_reference_photo(paths: AppPaths, file: str) -> tuple[bytes, str]:
    """Copy a BOLO reference photo into the image store (named by its SHA-256); returns (bytes, sha256)."""
    src = Path(file)
    if src.stat().st_size > MAX_PHOTO_BYTES:
        raise ValidationFailed("The reference photo is larger than 10 MB; choose a smaller image.")
    data = src.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    folder = paths.images / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{sha}{src.suffix.lower()}").write_bytes(data)
    return data, sha


def _requester(e: HotListEntry) -> str:
    if not e.requesting_officer:
        return ""
    if e.requesting_user_id is not None:
        return f"{e.requesting_officer} (agency user)"
    return f"{e.requesting_officer} (outside: {e.requesting_agency})" if e.requesting_agency else e.requesting_officer


def _history(revisions) -> str:  # noqa: ANN001 - a sequence of EntryRevision
    lines = []
    for r in revisions:
        line = f"rev {r.revision} {r.action} by {r.changed_by_name or '?'} {datetime_text(r.changed_at)}"
        if r.changes:
            line += ": " + "; ".join(f"{k} '{a}' -> '{b}'" for k, a, b in r.changes)
        if r.reason:
            line += f" ({r.reason})"
        lines.append(line)
    return "\n".join(lines)


def entry_details_html(e: HotListEntry, revisions=()) -> str:  # noqa: ANN001
    rows = [("Plate", f"<b>{e.plate}</b> {e.state or ''}"), ("Category", category_label(e.category)),
            ("Priority", str(e.priority)), ("Status", str(e.status).capitalize()), ("Source", e.source_name),
            ("Vehicle", vehicle_text(e)), ("NIC / ORI", " / ".join(v for v in (e.nic, e.ori) if v)),
            ("Entered by", e.entered_by_name or ""), ("Requesting officer", _requester(e)),
            ("Case number", e.case_number or ""), ("Synopsis", e.synopsis or ""),
            ("Instructions", e.instructions or ""), ("Decision", e.decision_reason or ""),
            ("Expires", date_text(e.expires_at, local=False)),
            ("Reference photo", "on file" if e.reference_photo_sha256 else ""), ("History", _history(revisions))]
    from html import escape

    from app.ui.theme import palette

    muted = palette().muted
    body = "".join(f"<tr><td style='padding-right:8px;color:{muted};white-space:nowrap;vertical-align:top'>{k}</td><td>"
                   f"{v if k == 'Plate' else escape(v).replace(chr(10), '<br>')}"
                   f"</td></tr>" for k, v in rows if v)
    return f"<table>{body}</table>"


class EntriesPanel(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.svc = ui.services.hotlists
        self.model = LazyEntryModel()
        self.sources: list[HotListSource] = []
        self.dialog: BoloEntryDialog | None = None
        self.withdraw_dialog: WithdrawBoloDialog | None = None
        self.search = QLineEdit()
        self.search.setAccessibleName("Plate starts with")
        self.search.setPlaceholderText("plate starts with... (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(lambda: self.reload())
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(lambda: (self._debounce.stop(), self.reload()))
        self.source = QComboBox()
        self.source.setAccessibleName("Source filter")
        self.source.addItem("All sources", None)
        self.status = QComboBox()
        self.status.setAccessibleName("Status filter")
        self.status.addItem("Any status", None)
        for st in EntryStatus:
            self.status.addItem(str(st).capitalize(), st)
        self.source.currentIndexChanged.connect(lambda _i: self.reload())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        bar = QHBoxLayout()
        for text, w in (("&Plate", self.search), ("S&ource", self.source), ("Stat&us", self.status)):
            lab = QLabel(text)
            lab.setBuddy(w)
            bar.addWidget(lab)
            bar.addWidget(w, 2 if w is self.search else 1)
        can_enter = ui.actor.can(Permission.ENTER_BOLO)
        self.new_btn = QPushButton("&New BOLO...")
        self.new_btn.setAccessibleName("Enter a new local entry (BOLO)")
        self.new_btn.clicked.connect(lambda: self.new_bolo())
        self.edit_btn = QPushButton("&Edit BOLO...")
        self.edit_btn.setAccessibleName("Edit the selected local entry")
        self.edit_btn.clicked.connect(lambda: self.edit_bolo())
        self.withdraw_btn = QPushButton("&Withdraw BOLO...")
        self.withdraw_btn.setAccessibleName("Withdraw the selected local entry (vehicle found, case closed)")
        self.withdraw_btn.clicked.connect(lambda: self.withdraw_bolo())
        for b in (self.new_btn, self.edit_btn, self.withdraw_btn):
            b.setVisible(can_enter)
            bar.addWidget(b)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Hot-list entries")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # arrows move between rows; Tab leaves the table
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        hh = self.table.horizontalHeader()
        for col, width in enumerate((90, 52, 124, 34, 76, 168, 108, 88)):
            self.table.setColumnWidth(col, width)
        hh.setStretchLastSection(True)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(lambda i: self.show_details(i.row()))
        self.details = QLabel("Press Enter on an entry for its details (the view is recorded).")
        self.details.setObjectName("Notice")
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setMinimumWidth(210)
        self.details.setMaximumWidth(240)
        self.details.setAccessibleName("Entry details")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count = QLabel("")
        self.count.setObjectName("Muted")
        self.count.setAccessibleName("Entry count")
        self.message = QLabel("")
        self.message.setObjectName("Info")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Entries message")
        self.model.page_loaded.connect(self._update_count)
        self.model.fetch_failed.connect(self.message.setText)
        self._total: int | None = None

        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addWidget(self.details)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(body, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.count)
        foot.addStretch(1)
        foot.addWidget(self.message)
        lay.addLayout(foot)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus, context=_CTX)
        QShortcut(QKeySequence("F5"), self, activated=lambda: self.reload(), context=_CTX)
        if can_enter:
            QShortcut(QKeySequence.StandardKey.New, self, activated=lambda: self.new_bolo(), context=_CTX)

    # ---- filters and paging -----------------------------------------------------------------------
    def set_sources(self, sources: list[HotListSource]) -> None:
        self.sources = sources
        self.model.set_sources(sources, self.ui.services.ctx.clock.now())
        keep = self.source.currentData()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem("All sources", None)
        for s in sources:
            self.source.addItem(s.name, s.id)
        self.source.setCurrentIndex(max(0, self.source.findData(keep)) if keep is not None else 0)
        self.source.blockSignals(False)

    @async_slot()
    async def reload(self) -> None:
        prefix, source_id, status = self.search.text().strip(), self.source.currentData(), self.status.currentData()

        async def fetch(after_id: int, limit: int) -> list[HotListEntry]:
            return await self.ui.call(self.svc.entries_page, self.ui.actor, after_id, limit, prefix, source_id,
                                      status)

        first = self.model.reset_query(fetch)
        if first is not None:  # the first page goes ahead of the (slower) count on the serial DB executor
            await asyncio.wait([first])
        try:
            self._total = None if prefix else await self.ui.call(self.svc.entry_count, self.ui.actor, source_id,
                                                                 status)
        except DomainError as exc:
            self.message.setText(str(exc))
        self._update_count(len(self.model.rows))

    def _update_count(self, loaded: int) -> None:
        more = "" if self.model.exhausted else " - scroll for more"
        if self._total is not None:
            self.count.setText(f"{self._total:,} entries; {loaded:,} loaded{more}")
        else:
            self.count.setText(f"{loaded:,} loaded matching '{self.search.text().strip().upper()}'{more}")

    # ---- details and BOLO entry ---------------------------------------------------------------------
    def selected(self) -> HotListEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry_at(rows[0].row()) if rows else None

    @async_slot()
    async def show_details(self, row: int) -> None:
        e = self.model.entry_at(row)
        if e is None:
            return
        try:
            full = await self.ui.call(self.svc.entry, self.ui.actor, e.id)
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        self.details.setText(entry_details_html(full))

    async def _dialog(self, submit, entry: HotListEntry | None) -> BoloEntryDialog:  # noqa: ANN001
        u = self.ui.user
        rules = self.svc.rules
        requesters = await self.ui.call(self.svc.requesters, self.ui.actor)
        return BoloEntryDialog(submit, f"{u.full_name} ({u.username})", self.ui.services.ctx.clock.now().date(),
                               rules.default_days, rules.max_days, entry, self, requesters)

    async def _with_photo(self, draft: LocalEntryDraft, photo: str | None) -> tuple[LocalEntryDraft, str | None]:
        if not photo:
            return draft, None
        data, sha = await self.ui.call(store_reference_photo, self.ui.paths, photo)
        return replace(draft, reference_photo=data), sha

    @async_slot()
    async def new_bolo(self) -> None:
        async def submit(draft: LocalEntryDraft, photo: str | None) -> HotListEntry:
            draft, sha = await self._with_photo(draft, photo)
            return await self.ui.call(self.svc.submit_local, self.ui.actor, draft, sha)

        self.dialog = await self._dialog(submit, None)
        if await dialog_result(self.dialog):
            e = self.dialog.result_entry
            self.message.setText(f"{e.plate} submitted: pending until another supervisor approves it.")
            self.ui.signals.changed.emit(Changes(hotlists=True))

    @async_slot()
    async def edit_bolo(self) -> None:
        e = self.selected()
        if e is None or e.entered_by is None:
            self.message.setText("Select a local (BOLO) entry to edit; imported entries change with the next import.")
            return

        async def submit(draft: LocalEntryDraft, _photo: str | None) -> HotListEntry:
            return await self.ui.call(self.svc.edit_local, self.ui.actor, e.id, draft, revision=e.revision)

        self.dialog = await self._dialog(submit, e)
        if await dialog_result(self.dialog):
            self.message.setText(f"{e.plate} changed: it is pending approval again.")
            self.ui.signals.changed.emit(Changes(hotlists=True))

    @async_slot()
    async def withdraw_bolo(self) -> None:
        e = self.selected()
        if e is None or e.entered_by is None:
            self.message.setText("Select a local (BOLO) entry to withdraw; imported entries leave with the next import.")
            return
        if e.status not in (EntryStatus.ACTIVE, EntryStatus.PENDING):
            self.message.setText(f"{e.plate} is {e.status}: it does not alert, there is nothing to withdraw.")
            return

        async def submit(reason: str) -> HotListEntry:
            return await self.ui.call(self.svc.withdraw_local, self.ui.actor, e.id, reason, revision=e.revision)

        self.withdraw_dialog = WithdrawBoloDialog(submit, e.plate, e.case_number, self)
        if await dialog_result(self.withdraw_dialog):
            self.message.setText(f"{e.plate} withdrawn: it no longer alerts.")
            self.ui.signals.changed.emit(Changes(hotlists=True))
