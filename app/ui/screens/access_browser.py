"""Audit > Access record: filter by user, action, object and date range, page through it, export it.

Paging is keyset paging through :class:`app.services.access_browser.AccessRecordService` (no row
limit): "Older" asks for the rows before the last one shown, "Newer" goes back to the cursor of the
page before. An export (CSV or PDF) of the filtered set asks for a reason and is recorded by the
service with the filter. The service decides who may do any of this.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.access import AccessEntry
from app.domain.access_query import AccessExport, AccessFilter, AccessPage
from app.domain.errors import DomainError
from app.domain.roles import Permission as P
from app.ui.asyncio_qt import async_slot, dialog_result
from app.ui.context import UiContext
from app.ui.dialogs.date_fields import DateTimeField
from app.ui.dialogs.records_dialogs import ReasonDialog
from app.ui.permission_gate import gate
from app.ui.table_model import ItemTableModel, fmt, make_table

PAGE_SIZE = 200
COLUMNS = ("When", "User", "Workstation", "Action", "Outcome", "Object", "Terms", "Reason", "Case")


def _cells(e: AccessEntry) -> tuple:
    obj = f"{e.object_type or ''} {e.object_id or ''}".strip()
    return (fmt(e.at), e.username, e.workstation, e.action, e.outcome, obj, e.terms, e.reason, e.case_number)


def _choice_box(name: str, placeholder: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.setAccessibleName(name)
    box.lineEdit().setPlaceholderText(placeholder)
    box.setMinimumContentsLength(14)
    return box


class AccessRecordBrowser(QWidget):
    """The access record tab of the Audit screen."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.user = _choice_box("Filter by user", "any user")
        self.action = _choice_box("Filter by action", "any action")
        self.action.setToolTip("An action and those under it: 'hits' finds hits.claim, hits.accept ...")
        self.object_type = QLineEdit()
        self.object_type.setAccessibleName("Filter by object type")
        self.object_type.setPlaceholderText("read, hit, user ...")
        self.object_id = QLineEdit()
        self.object_id.setAccessibleName("Filter by object id")
        self.object_id.setPlaceholderText("id")
        self.use_dates = QCheckBox("&Between")
        self.use_dates.setAccessibleName("Filter by date range")
        now = QDateTime.currentDateTime()
        self.start = DateTimeField(now.addDays(-30), accessible_name="From")
        self.end = DateTimeField(now.addSecs(3600), accessible_name="Before")
        self.use_dates.toggled.connect(self._dates_apply)
        self._dates_apply(False)  # dates that do not filter must not look as if they did
        self.apply_btn = QPushButton("&Apply filter")
        self.clear_btn = QPushButton("C&lear")
        grid = QGridLayout()
        grid.addWidget(QLabel("&User"), 0, 0)
        grid.itemAtPosition(0, 0).widget().setBuddy(self.user)
        grid.addWidget(self.user, 0, 1)
        grid.addWidget(QLabel("Ac&tion"), 0, 2)
        grid.itemAtPosition(0, 2).widget().setBuddy(self.action)
        grid.addWidget(self.action, 0, 3)
        grid.addWidget(QLabel("&Object"), 0, 4)
        grid.itemAtPosition(0, 4).widget().setBuddy(self.object_type)
        grid.addWidget(self.object_type, 0, 5)
        grid.addWidget(self.object_id, 0, 6)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel("and"))
        dates.addWidget(self.end)
        dates.addStretch(1)
        grid.addWidget(self.use_dates, 1, 0)
        grid.addLayout(dates, 1, 1, 1, 3)
        grid.addWidget(self.apply_btn, 1, 5)
        grid.addWidget(self.clear_btn, 1, 6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 1)
        self.model = ItemTableModel(COLUMNS, _cells)
        self.table = make_table(self.model, "Access record")
        self.status = QLabel("")
        self.status.setAccessibleName("Rows shown")
        self.newer_btn = QPushButton("< &Newer")
        self.older_btn = QPushButton("Ol&der >")
        self.csv_btn = QPushButton("Export &CSV...")
        self.pdf_btn = QPushButton("Export &PDF...")
        for b in (self.csv_btn, self.pdf_btn):
            b.setToolTip("Export every row the filter matches (all pages); the export and its reason are recorded")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for b in (self.newer_btn, self.older_btn, self.csv_btn, self.pdf_btn):
            bottom.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Export result")
        lay.addWidget(self.message)

        self.filter = AccessFilter()
        self.page: AccessPage | None = None
        self._cursors: list[int | None] = []  # the cursor of each page shown so far ("Newer" walks back)
        self.apply_btn.clicked.connect(self.apply)
        self.clear_btn.clicked.connect(self.clear)
        for edit in (self.user.lineEdit(), self.action.lineEdit(), self.object_type, self.object_id):
            edit.returnPressed.connect(self.apply)
        self.older_btn.clicked.connect(self.older)
        self.newer_btn.clicked.connect(self.newer)
        self.csv_btn.clicked.connect(lambda: self.export("csv"))
        self.pdf_btn.clicked.connect(lambda: self.export("pdf"))
        self.allowed = gate(ui.actor, self.csv_btn, P.VIEW_ACCESS_LOG)
        gate(ui.actor, self.pdf_btn, P.VIEW_ACCESS_LOG)
        self._update_buttons()

    # ---- the filter ---------------------------------------------------------------------------
    def _dates_apply(self, on: bool) -> None:
        for field in (self.start, self.end):
            field.setEnabled(on)
            field.setToolTip("" if on else "Tick Between to filter by these dates")

    def current_filter(self) -> AccessFilter:
        start = end = None
        if self.use_dates.isChecked():
            start = self.start.dateTime().toPython().astimezone(UTC)
            end = self.end.dateTime().toPython().astimezone(UTC)
        return AccessFilter(self.user.currentText(), self.action.currentText(), self.object_type.text(),
                            self.object_id.text(), start, end)

    @async_slot()
    async def clear(self) -> None:
        for box in (self.user, self.action):
            box.setCurrentIndex(-1)
            box.clearEditText()
        self.object_type.clear()
        self.object_id.clear()
        self.use_dates.setChecked(False)
        await self._first_page()

    @async_slot()
    async def reload(self) -> None:
        """Fill the filter's choices and show the newest page of the current filter."""
        if not self.allowed:
            return
        try:
            users, actions = await self.ui.call(self.ui.services.records.access.filter_choices, self.ui.actor)
        except DomainError:
            return
        for box, items in ((self.user, users), (self.action, actions)):
            text = box.currentText()
            box.clear()
            box.addItems(items)
            box.setCurrentIndex(-1)
            box.setEditText(text)
        # the page on view is read again (a records change reloads the screen): never back to page 1
        await self._load(self.filter, self._cursors[-1] if self._cursors else None, again=True)

    @async_slot()
    async def apply(self) -> None:
        await self._first_page()

    async def _first_page(self) -> None:
        try:
            flt = self.current_filter().normalised()
        except DomainError as exc:
            self.status.setText(str(exc))
            return
        await self._load(flt, None, reset=True)

    # ---- paging -------------------------------------------------------------------------------
    @async_slot()
    async def older(self) -> None:
        if self.page is not None and self.page.next_cursor is not None:
            await self._load(self.filter, self.page.next_cursor)

    @async_slot()
    async def newer(self) -> None:
        if len(self._cursors) > 1:
            self._cursors.pop()
            await self._load(self.filter, self._cursors.pop())

    async def _load(self, flt: AccessFilter, cursor: int | None, reset: bool = False, again: bool = False) -> None:
        if not self.allowed:
            return
        try:
            page = await self.ui.call(self.ui.services.records.access.page, self.ui.actor, flt, cursor, PAGE_SIZE)
        except DomainError as exc:
            self.status.setText(str(exc))
            return
        if reset:
            self._cursors = []
        elif again and self._cursors:
            self._cursors.pop()
        self.filter, self.page = flt, page
        self._cursors.append(cursor)
        self.model.set_items(list(page.entries))
        first = (len(self._cursors) - 1) * PAGE_SIZE
        more = "; older rows follow" if page.next_cursor is not None else ""
        shown = f"rows {first + 1:,}-{first + len(page.entries):,}" if page.entries else "no row matches"
        self.status.setText(f"Page {len(self._cursors)}: {shown}{more}.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.older_btn.setEnabled(self.page is not None and self.page.next_cursor is not None)
        self.newer_btn.setEnabled(len(self._cursors) > 1)

    # ---- export -------------------------------------------------------------------------------
    def choose_path(self, fmt: str) -> str:
        """Where to write the export (a save dialog; tests replace it)."""
        name, _ = QFileDialog.getSaveFileName(self, f"Export the access record ({fmt.upper()})",
                                              f"access-record.{fmt}", f"{fmt.upper()} (*.{fmt})")
        return name

    @async_slot()
    async def export(self, fmt: str) -> None:
        name = self.choose_path(fmt)
        if not name:
            return
        flt = self.filter
        result: list[AccessExport] = []

        async def submit(reason: str) -> AccessExport:
            out = await self.ui.call_bulk(self.ui.services.records.access.export, self.ui.actor, flt, fmt, reason,
                                          Path(name))
            result.append(out)
            return out

        dlg = ReasonDialog(f"Reason for exporting the access record ({fmt.upper()})", "Export", self, submit)
        self.export_dialog = dlg
        await dialog_result(dlg)
        if result:
            out = result[0]
            self.message.setText(f"{out.rows:,} row(s) exported to {out.path} (SHA-256 {out.sha256[:16]}...); "
                                 "the export is recorded.")
