"""Search screen: the reason form first, then criteria, paged results with thumbnails, image, hold."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.records.plates import parse_plate_pattern
from app.domain.records.search import ReadSummary, SearchCriteria, SearchPage, SearchReason
from app.domain.roles import Permission as P
from app.ui.asyncio_qt import async_slot, dialog_result
from app.ui.context import UiContext
from app.ui.dialogs.date_fields import DateTimeField
from app.ui.dialogs.records_dialogs import HoldDialog
from app.ui.flow_layout import FlowLayout
from app.ui.permission_gate import gate
from app.ui.screens.records_common import selected, show_error
from app.ui.table_model import ItemTableModel, fmt, make_table

#: the camera last: it takes the width that is left and elides a long name, so no column is cut behind a scrollbar
COLUMNS = ("Plate crop", "Captured", "Plate", "State", "Colour", "Conf.", "Camera")


def _read_cells(r: ReadSummary) -> tuple:
    return ("", fmt(r.captured_at), r.plate, r.state, r.colour, f"{r.confidence:.0%}", r.camera_name)


class ReadsTableModel(ItemTableModel[ReadSummary]):
    """Search results; the first column shows each read's plate crop once it has been fetched."""

    def __init__(self) -> None:
        super().__init__(COLUMNS, _read_cells)
        self.decorations: dict[int, QPixmap] = {}

    def set_items(self, items: list[ReadSummary]) -> None:
        self.decorations = {}
        super().set_items(items)

    def set_decoration(self, row: int, pixmap: QPixmap) -> None:
        self.decorations[row] = pixmap
        idx = self.index(row, 0)
        self.dataChanged.emit(idx, idx)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return self.decorations.get(index.row())
        return super().data(index, role)


class SearchScreen(QWidget):
    """Detection browsing; every search is stored as an inquiry and in the access record."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.page: SearchPage | None = None
        self.criteria: SearchCriteria | None = None
        head = QLabel("Search stored reads")
        head.setObjectName("Heading")
        note = QLabel("State why you search before you search: a case/CFS number, or a detailed reason. "
                      "The search, its reason and every image you open are recorded.")
        note.setWordWrap(True)

        reason_box = QGroupBox("1. Reason for the search (required)")
        rf = QFormLayout(reason_box)
        self.purpose = QComboBox()
        self.purpose.setAccessibleName("Purpose")
        self.case = QLineEdit()
        self.case.setAccessibleName("Case or CFS number")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Detailed reason")
        self.reason.setFixedHeight(52)
        self.reason.setTabChangesFocus(True)  # Tab goes on to the criteria; a tab character is never a reason
        self.outside = QCheckBox("On behalf of an outside agency (written request)")
        self.agency, self.requester, self.reference = QLineEdit(), QLineEdit(), QLineEdit()
        for w, n in ((self.agency, "Outside agency"), (self.requester, "Requesting person"),
                     (self.reference, "Written request reference")):
            w.setAccessibleName(n)
            w.setEnabled(False)
        self.outside.toggled.connect(lambda on: [w.setEnabled(on) for w in (self.agency, self.requester,
                                                                            self.reference)])
        rf.addRow("&Purpose", self.purpose)
        rf.addRow("&Case/CFS number", self.case)
        rf.addRow("Detailed &reason", self.reason)
        rf.addRow(self.outside)
        rf.addRow("Agency", self.agency)
        rf.addRow("Requested by", self.requester)
        rf.addRow("Request ref.", self.reference)

        crit_box = QGroupBox("2. What to look for")
        cf = QFormLayout(crit_box)
        self.plate = QLineEdit()
        self.plate.setPlaceholderText("ABC123, ABC*, *23*, AB?123")
        self.plate.setAccessibleName("Plate or pattern")
        self.partial = QCheckBox("Anywhere in the plate (partial)")
        self.lookalike = QCheckBox("Include look-alikes (O/0/Q/D, I/1/L, B/8, S/5, Z/2, G/6)")
        self.use_time = QCheckBox("Between")
        now = QDateTime.currentDateTime()
        # agency date style, and Tab goes to the next field rather than the next date section
        self.start = DateTimeField(now.addDays(-7), accessible_name="From")
        self.end = DateTimeField(now, accessible_name="To")
        self.cameras = QListWidget()
        self.cameras.setSelectionMode(QListWidget.SelectionMode.MultiSelection)
        self.cameras.setAccessibleName("Cameras (none selected = all)")
        self.cameras.setFixedHeight(70)
        self.colour, self.state = QLineEdit(), QLineEdit()
        self.colour.setAccessibleName("Vehicle colour")
        self.state.setAccessibleName("Plate state")
        self.state.setMaxLength(2)
        # the dates filter only while Between is ticked: greyed out until then (they looked like an active filter)
        for field in (self.start, self.end):
            field.setEnabled(False)
            self.use_time.toggled.connect(field.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.start)
        row.addWidget(QLabel("and"))
        row.addWidget(self.end)
        cf.addRow("P&late", self.plate)
        cf.addRow(self.partial)
        cf.addRow(self.lookalike)
        cf.addRow(self.use_time, row)
        cf.addRow("Cameras", self.cameras)
        cf.addRow("Colour", self.colour)
        cf.addRow("State", self.state)
        self.search_btn = QPushButton("&Search (Ctrl+Enter)")
        self.search_btn.setAccessibleName("Search")
        self.search_btn.clicked.connect(self.run_search)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.run_search)

        self.model = ReadsTableModel()
        self.table = make_table(self.model, "Search results")
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(40)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.status = QLabel("")
        self.status.setAccessibleName("Result count")
        self.prev_btn, self.next_btn = QPushButton("< Pre&vious"), QPushButton("&Next >")
        self.image_btn = QPushButton("&Open image")
        self.hold_btn = QPushButton("Place &hold...")
        self.export_btn = QPushButton("E&xport held reads...")
        self.export_btn.setToolTip("Evidence package (ZIP: images, reads, hits, manifest, PDF) of the hold just placed")
        self.export_btn.clicked.connect(self.export_hold)
        self.last_hold = None
        self.prev_btn.clicked.connect(lambda: self.go(-1))
        self.next_btn.clicked.connect(lambda: self.go(1))
        self.image_btn.clicked.connect(self.open_image)
        self.hold_btn.clicked.connect(self.place_hold)
        gate(ui.actor, self.hold_btn, P.PLACE_HOLD)
        gate(ui.actor, self.export_btn, P.EXPORT_EVIDENCE)
        self.table.doubleClicked.connect(lambda _i: self.open_image())
        self.image = QLabel("")
        self.image.setFixedWidth(290)  # images are scaled to 280: an opened image never widens the window
        self.image.setWordWrap(True)
        self.image.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Ignored)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setAccessibleName("Opened image")
        self.image.setVisible(False)  # its column appears with the first image: until then the results take the room

        left = QVBoxLayout()
        left.addWidget(reason_box)
        left.addWidget(crit_box)
        left.addWidget(self.search_btn)
        left.addStretch(1)
        actions = FlowLayout(spacing=6)  # wraps: the row of five buttons made the screen 1424 px wide
        for b in (self.prev_btn, self.next_btn, self.image_btn, self.hold_btn, self.export_btn):
            actions.addWidget(b)
        right = QVBoxLayout()
        right.addWidget(self.status)
        right.addWidget(self.table, 1)
        right.addLayout(actions)
        body = QHBoxLayout()
        lw = QWidget()
        lw.setLayout(left)
        lw.setMaximumWidth(max(560, self.fontMetrics().averageCharWidth() * 62))  # the form's lines at any font size
        body.addWidget(lw)
        body.addLayout(right, 1)
        body.addWidget(self.image)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(note)
        lay.addLayout(body, 1)
        self._update_buttons()

    @property
    def svc(self):  # noqa: ANN201
        return self.ui.services.records

    def activate(self) -> None:
        self.reload()

    @async_slot()
    async def reload(self) -> None:
        if self.svc is None:
            return
        rules = await self.ui.call(self.svc.search.reason_rules)
        cams = await self.ui.call(self.svc.search.cameras, self.ui.actor)
        current = self.purpose.currentText()
        self.purpose.clear()
        self.purpose.addItems(["(choose a purpose)", *rules.purposes])
        if current in rules.purposes:
            self.purpose.setCurrentText(current)
        self.reason.setPlaceholderText(f"At least {rules.min_reason_length} characters and {rules.min_reason_words} "
                                       "words saying why, when there is no case number")
        self.case.setPlaceholderText(f"this agency's format, e.g. {rules.case_example}")
        self.cameras.clear()
        for cid, name in cams:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.cameras.addItem(item)

    def current_reason(self) -> SearchReason:
        outside = self.outside.isChecked()
        return SearchReason(purpose=self.purpose.currentText(), reason=self.reason.toPlainText(),
                            case_number=self.case.text(), outside_agency=self.agency.text() if outside else "",
                            outside_requester=self.requester.text() if outside else "",
                            request_reference=self.reference.text() if outside else "")

    def current_criteria(self) -> SearchCriteria:
        text = self.plate.text().strip()
        pattern = parse_plate_pattern(text, partial=self.partial.isChecked(),
                                      lookalikes=self.lookalike.isChecked()) if text else None
        start = end = None
        if self.use_time.isChecked():
            start = self.start.dateTime().toPython().astimezone(UTC)
            end = self.end.dateTime().toPython().astimezone(UTC)
        cams = tuple(i.data(Qt.ItemDataRole.UserRole) for i in self.cameras.selectedItems())
        return SearchCriteria(pattern, start, end, cams, self.colour.text().strip().upper() or None,
                              self.state.text().strip().upper() or None)

    @async_slot()
    async def run_search(self) -> None:
        if self.svc is None:
            return
        try:
            criteria = self.current_criteria()
            page = await self.ui.call(self.svc.search.search, self.ui.actor, self.current_reason(), criteria,
                                      50, self.outside.isChecked())
        except DomainError as exc:
            self.status.setText(f"Search refused: {exc}")
            show_error(self, exc)
            return
        self.criteria = criteria
        await self._show(page)

    @async_slot()
    async def go(self, step: int) -> None:
        if self.page is None or self.criteria is None:
            return
        n = self.page.page + step
        if not 0 <= n < self.page.pages:
            return
        try:
            page = await self.ui.call(self.svc.search.page, self.ui.actor, self.page.inquiry_id, n,
                                      self.page.page_size)
        except DomainError as exc:
            show_error(self, exc)
            return
        await self._show(page)

    async def _show(self, page: SearchPage) -> None:
        self.page = page
        self.model.set_items(list(page.reads))
        self.status.setText(f"Inquiry Q-{page.inquiry_id}: {page.total:,} reads - page {page.page + 1} of "
                            f"{page.pages}")
        self._update_buttons()
        for row, r in enumerate(page.reads):
            try:
                data = await self.ui.call(self.svc.search.thumbnail, self.ui.actor, page.inquiry_id, r.id)
            except DomainError:  # purged since the search: no thumbnail
                continue
            if data and self.page is page:
                pm = QPixmap()
                if pm.loadFromData(data):
                    self.model.set_decoration(row, pm.scaledToHeight(36))

    def _update_buttons(self) -> None:
        has = self.page is not None and bool(self.page.reads)
        self.prev_btn.setEnabled(has and self.page.page > 0)
        self.next_btn.setEnabled(has and self.page.page + 1 < self.page.pages)
        self.image_btn.setEnabled(has)
        self.hold_btn.setEnabled(has)
        self.export_btn.setEnabled(self.last_hold is not None)

    @async_slot()
    async def open_image(self) -> None:
        reads = selected(self.table, self.model)
        if not reads or self.page is None:
            return
        try:
            data = await self.ui.call(self.svc.search.open_image, self.ui.actor, self.page.inquiry_id, reads[0].id)
        except DomainError as exc:
            show_error(self, exc)
            return
        pm = QPixmap()
        self.image.setVisible(True)
        if data and pm.loadFromData(data):
            self.image.setPixmap(pm.scaledToWidth(280))
        else:
            self.image.setText("No image on file (purged or never stored).")

    @async_slot()
    async def place_hold(self) -> None:
        reads = selected(self.table, self.model)
        if not reads:
            return

        async def place(values: tuple) -> object:  # a refusal keeps the dialog open with it shown
            case, reason, review = values
            return await self.ui.call(self.svc.holds.place, self.ui.actor, case, reason, review,
                                      [r.id for r in reads])

        dlg = HoldDialog(len(reads), self.case.text(), self, place)
        if await dialog_result(dlg) != QDialog.DialogCode.Accepted:
            return
        hold = dlg.result_value
        self.status.setText(f"Hold {hold.id} placed for case {hold.case_number} on {len(reads)} read(s).")
        self.last_hold = hold
        self._update_buttons()

    @async_slot()
    async def export_hold(self) -> None:
        if self.last_hold is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Export evidence package",
                                              f"evidence-{self.last_hold.case_number}.zip", "ZIP (*.zip)")
        if not name:
            return
        try:
            doc = await self.ui.call_bulk(self.svc.evidence.export_hold, self.ui.actor, self.last_hold.id, Path(name))
        except DomainError as exc:
            show_error(self, exc)
            return
        self.status.setText(f"Evidence package written: {doc.path} (SHA-256 {doc.sha256[:16]}...)")
