"""The open hit's sighting history: every pass of the vehicle (time, camera, plate, confidence, crop).

The list comes with the hit's detail (its view is recorded as ``hit.view``). A sighting's crop is
loaded only when the dispatcher asks for it (Enter, double-click or selecting the row), through
``HitService.sighting_image``, which records ``hit.image`` like every other hit image.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.display_dates import datetime_text, time_text
from app.domain.hit_grouping import Sighting
from app.ui.screens.console_look import log_table

COLUMNS = ("Seen", "Camera / location", "Plate", "Conf.")
READ_ROLE = int(Qt.ItemDataRole.UserRole) + 7


class _SightingTable(QTableWidget):
    open_requested = Signal(int)  # read id

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        item = self.item(self.currentRow(), 0)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.open_requested.emit(int(item.data(READ_ROLE)))
            return
        super().keyPressEvent(event)


class SightingsPanel(QWidget):
    """Sightings of the open hit, oldest first; the newest is selected."""

    crop_requested = Signal(int, int)  # hit id, read id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SightingsPanel")
        self.hit_id: int | None = None
        self.sightings: tuple[Sighting, ...] = ()
        self.title = QLabel("SIGHTINGS")
        self.title.setObjectName("PanelTitle")
        self.table = log_table(_SightingTable(), COLUMNS, "SightingsTable", "Sightings of the open hit",
                               "Every pass of the vehicle. Enter shows the plate crop of the row.", wrap=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.crop = QLabel("Enter: crop")
        self.crop.setObjectName("Muted")
        self.crop.setAccessibleName("Crop of the selected sighting")
        self.crop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.crop.setWordWrap(True)
        self.crop.setMinimumWidth(110)
        self.crop.setMaximumWidth(180)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.table, 1)
        body.addWidget(self.crop)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addLayout(body, 1)
        self.table.open_requested.connect(self._request)
        self.table.cellDoubleClicked.connect(lambda row, _c: self._request_row(row))
        self.show_sightings(None, ())

    def show_sightings(self, hit_id: int | None, sightings: tuple[Sighting, ...]) -> None:
        same_hit = hit_id == self.hit_id
        self.hit_id, self.sightings = hit_id, tuple(sightings)
        n = len(self.sightings)
        self.title.setText(f"SIGHTINGS ({n})" if hit_id is not None else "SIGHTINGS (open a hit)")
        self.table.setRowCount(n)
        for row, s in enumerate(self.sightings):
            cells = (time_text(s.seen_at, seconds=True), s.where or "?", s.plate or "(read purged)",
                     f"{s.confidence:.0%}" if s.read_available else "-")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(READ_ROLE, s.read_id)
                item.setToolTip(f"{datetime_text(s.seen_at, seconds=True, zone=True)} at {s.where or 'unknown camera'}; "
                                f"read {s.plate} ({s.confidence:.0%}); workstation {s.workstation or '?'}")
                self.table.setItem(row, col, item)
        if n:
            self.table.setCurrentCell(n - 1, 0)
            self.table.scrollToBottom()
        if not same_hit:
            self.crop.clear()
            self.crop.setText("Enter: crop")

    def show_crop(self, read_id: int, jpeg: bytes | None) -> None:
        pix = QPixmap()
        if jpeg and pix.loadFromData(jpeg):
            self.crop.setPixmap(pix.scaled(self.crop.maximumWidth(), 70, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
            self.crop.setToolTip(f"Plate crop of read {read_id}")
        else:
            self.crop.setText("No crop stored for this read")

    def _request_row(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self._request(int(item.data(READ_ROLE)))

    def _request(self, read_id: int) -> None:
        if self.hit_id is not None:
            self.crop_requested.emit(self.hit_id, read_id)
