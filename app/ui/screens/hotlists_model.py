"""A lazy table of hot-list entries: keyset pages fetched on demand (canFetchMore/fetchMore).

Never loads a whole list: the view asks for more rows only when scrolled near the end, and each
page is one indexed query (``id > last id``) on the DB executor, awaited without blocking the GUI.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from app.domain.display_dates import date_text
from app.domain.errors import DomainError
from app.domain.hotlist_admin import EntryStatus, HotListEntry, HotListSource
from app.ui.dialogs.bolo_entry import category_label
from app.ui.screens.hotlists_common import stale_note, warn_colour, warning_icon

logger = logging.getLogger(__name__)
DR = Qt.ItemDataRole
ENTRY_COLUMNS = ("Plate", "State", "Category", "Pri.", "Status", "Vehicle", "NIC / case", "Expires", "Source")
SOURCE_COL = ENTRY_COLUMNS.index("Source")
STATUS_COL = ENTRY_COLUMNS.index("Status")
FetchPage = Callable[[int, int], Awaitable[list[HotListEntry]]]
_STATUS = {EntryStatus.ACTIVE: "Active", EntryStatus.PENDING: "Pending", EntryStatus.DENIED: "Denied",
           EntryStatus.EXPIRED: "Expired"}


def vehicle_text(e: HotListEntry) -> str:
    return " ".join(v for v in (e.vehicle_year, e.vehicle_make, e.vehicle_model, e.vehicle_colour) if v)


def _report_failure(task: asyncio.Future) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("loading a page of hot-list entries failed", exc_info=task.exception())


class LazyEntryModel(QAbstractTableModel):
    """Rows arrive page by page; ``reset_query`` starts over with a new server-side filter."""

    page_loaded = Signal(int)  # rows loaded so far
    fetch_failed = Signal(str)

    def __init__(self, page_size: int = 500) -> None:
        super().__init__()
        self.page_size = page_size
        self.rows: list[HotListEntry] = []
        self._fetch: FetchPage | None = None
        self._exhausted = True
        self._pending: asyncio.Future | None = None
        self._generation = 0
        self._stale: dict[int, str] = {}  # source id -> warning text

    # ---- query ------------------------------------------------------------------------------------
    def reset_query(self, fetch: FetchPage) -> asyncio.Future | None:
        """Drop loaded rows and start paging with ``fetch(after_id, limit)``; returns the first page's task."""
        self._generation += 1
        self.beginResetModel()
        self.rows = []
        self._fetch = fetch
        self._exhausted = False
        self._pending = None
        self.endResetModel()
        self.fetchMore(QModelIndex())
        return self._pending

    def set_sources(self, sources: list[HotListSource], now: datetime) -> None:
        """Remember which sources are stale so their entries carry the warning."""
        self._stale = {s.id: stale_note(s, now) for s in sources if s.is_stale(now)}
        if self.rows:
            self.dataChanged.emit(self.index(0, SOURCE_COL), self.index(len(self.rows) - 1, SOURCE_COL))

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._fetch is not None and not self._exhausted and self._pending is None

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        self._pending = asyncio.ensure_future(self._load(self._generation))
        self._pending.add_done_callback(_report_failure)

    async def _load(self, generation: int) -> None:
        after = self.rows[-1].id if self.rows else 0
        try:
            page = await self._fetch(after, self.page_size)
        except DomainError as exc:
            if generation == self._generation:
                self._pending, self._exhausted = None, True
                self.fetch_failed.emit(str(exc))
            return
        if generation != self._generation:  # a newer query replaced this one
            return
        self._pending = None
        self._exhausted = len(page) < self.page_size
        if page:
            n = len(self.rows)
            self.beginInsertRows(QModelIndex(), n, n + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        self.page_loaded.emit(len(self.rows))

    # ---- model ------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(ENTRY_COLUMNS)

    def headerData(self, section, orientation, role=DR.DisplayRole):  # noqa: N802
        if role == DR.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ENTRY_COLUMNS[section]
        return None

    def data(self, index, role=DR.DisplayRole):
        e = self.rows[index.row()]
        col = index.column()
        if role in (DR.DisplayRole, DR.AccessibleTextRole):
            if col == SOURCE_COL:
                note = self._stale.get(e.source_id)
                return f"{note} - {e.source_name}" if note else e.source_name
            return (e.plate, e.state or "", category_label(e.category), str(e.priority),
                    _STATUS.get(e.status, str(e.status)), vehicle_text(e), e.nic or e.case_number or "",
                    date_text(e.expires_at, local=False))[col]
        if col == SOURCE_COL and e.source_id in self._stale:
            if role == DR.DecorationRole:
                return warning_icon()
            if role == DR.ForegroundRole:
                return warn_colour()
        if col == STATUS_COL and role == DR.ForegroundRole and e.status is not EntryStatus.ACTIVE:
            return warn_colour()
        return None

    def entry_at(self, row: int) -> HotListEntry | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None
