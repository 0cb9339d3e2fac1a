"""Small shared pieces of the Search, Records and Audit screens: a row table model, errors, printing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMessageBox, QTableView, QWidget

logger = logging.getLogger(__name__)


class RowsModel(QAbstractTableModel):
    """A read-only table of display tuples, each with the domain object it shows."""

    def __init__(self, headers: Sequence[str]) -> None:
        super().__init__()
        self.headers = list(headers)
        self.rows: list[tuple] = []
        self.items: list[Any] = []
        self.decorations: dict[int, Any] = {}

    def set_rows(self, rows: list[tuple], items: list[Any]) -> None:
        self.beginResetModel()
        self.rows, self.items, self.decorations = rows, items, {}
        self.endResetModel()

    def set_decoration(self, row: int, icon: Any) -> None:
        self.decorations[row] = icon
        idx = self.index(row, 0)
        self.dataChanged.emit(idx, idx)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            v = self.rows[index.row()][index.column()]
            return "" if v is None else str(v)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return self.decorations.get(index.row())
        return None


def make_table(model: RowsModel, name: str) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.setAccessibleName(name)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setVisible(False)
    return t


def selected(table: QTableView, model: RowsModel) -> list[Any]:
    rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
    return [model.items[r] for r in rows if r < len(model.items)]


def show_error(parent: QWidget, exc: Exception) -> None:
    QMessageBox.warning(parent, "Not done", str(exc))


def fmt(dt) -> str:  # noqa: ANN001
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt else ""


def print_pdf(parent: QWidget, path: Path) -> bool:
    """Print a PDF through QPrintDialog (pages rendered with QtPdf); without QtPdf open the system viewer."""
    try:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    except ImportError:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    doc = QPdfDocument(parent)
    doc.load(str(path))
    if doc.pageCount() == 0:
        QMessageBox.warning(parent, "Print", f"The PDF could not be read: {path}")
        return False
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dlg = QPrintDialog(printer, parent)
    dlg.setWindowTitle("Print document")
    if dlg.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    painter = QPainter(printer)
    try:
        for i in range(doc.pageCount()):
            if i:
                printer.newPage()
            rect = painter.viewport()
            size = doc.pagePointSize(i).toSize().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            image = doc.render(i, size)
            painter.drawImage(0, 0, image)
    finally:
        painter.end()
    return True


def open_file(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
