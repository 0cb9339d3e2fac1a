"""A read-only table of domain objects (column headers plus one function from an object to its cells) and its view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.domain.display_dates import datetime_text

T = TypeVar("T")
DR = Qt.ItemDataRole
_TEXT_ROLES = (DR.DisplayRole, DR.AccessibleTextRole)


def fmt(dt: datetime | None) -> str:
    """A stored UTC time as local date (agency style) and 24-hour time; empty for none."""
    return datetime_text(dt)


class ItemTableModel(QAbstractTableModel, Generic[T]):
    """Shows ``items`` one per row; ``cells(item)`` gives the row's texts (``None`` shows empty).

    Colours, icons and alignment come from :meth:`styled`, which subclasses override.
    """

    def __init__(self, columns: Sequence[str], cells: Callable[[T], Sequence[Any]]) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self._cells = cells
        self.items: list[T] = []

    def set_items(self, items: list[T]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def item_at(self, row: int) -> T | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def styled(self, item: T, column: int, role: int) -> Any:  # noqa: ANN401
        """Data for roles other than the text ones; none by default."""
        return None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.columns)

    def headerData(self, section, orientation, role=DR.DisplayRole):  # noqa: N802
        if role == DR.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return None

    def data(self, index, role=DR.DisplayRole):
        item = self.items[index.row()]
        if role in _TEXT_ROLES:
            v = self._cells(item)[index.column()]
            return "" if v is None else str(v)
        return self.styled(item, index.column(), role)


def make_table(model: QAbstractItemModel, name: str, *, single: bool = False,
               alternating: bool = False) -> QTableView:
    """A read-only row-selecting table view sized to its contents, without row numbers."""
    t = QTableView()
    t.setModel(model)
    t.setAccessibleName(name)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(alternating)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setTabKeyNavigation(False)  # arrows move between rows; Tab leaves for the buttons (not cell by cell)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setVisible(False)
    return t
