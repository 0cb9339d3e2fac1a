"""Small shared pieces of the Search, Records and Audit screens: selection, errors, printing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtWidgets import QMessageBox, QTableView, QWidget

from app.ui.table_model import ItemTableModel


def selected(table: QTableView, model: ItemTableModel) -> list[Any]:
    rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
    return [model.items[r] for r in rows if r < len(model.items)]


def show_error(parent: QWidget, exc: Exception) -> None:
    QMessageBox.warning(parent, "Not done", str(exc))


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
