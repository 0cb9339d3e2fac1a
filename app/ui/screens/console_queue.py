"""The live hit queue: a table model over HitSummary rows, most urgent first, then oldest first.

Rows are inserted and updated in place (``upsert``) so the view keeps the dispatcher's place;
closed hits leave the queue. Age texts are refreshed by :meth:`HitQueueModel.tick`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.domain.hits import HitStatus, HitSummary, format_age, list_age_warning, queue_key
from app.ui.screens.console_look import (
    PLATE_SCALE,
    band_colour,
    band_tint,
    band_word,
    queue_font,
    type_icon,
    type_text,
)
from app.ui.theme import font_pt, palette

DR = Qt.ItemDataRole
COLUMNS = ("Priority", "Hit type", "Plate read", "Status", "Age", "Listed", "Camera / location", "List age")
COL = {name: i for i, name in enumerate(COLUMNS)}
HIT_ID_ROLE = int(DR.UserRole) + 1
WARN = "\u26a0"


def status_text(hit: HitSummary, my_user_id: int | None) -> str:
    """What the Status column says: unacknowledged, or who holds it and since when."""
    if hit.status is HitStatus.NEW:
        return "NEW - unacknowledged"
    who = "you" if hit.claimed_by is not None and hit.claimed_by == my_user_id else (hit.claimed_by_name or "?")
    since = f" {hit.claimed_at:%H:%M}" if hit.claimed_at else ""
    word = {HitStatus.CLAIMED: "Claimed", HitStatus.VERIFIED: "Verified"}.get(hit.status, hit.status.value.title())
    return f"{word} - {who}{since}" if hit.claimed_by else word


AGE_COL = COL["Age"]
TYPE_COL = COL["Hit type"]
BOLD_COLS = (COL["Priority"], COL["Plate read"])


@dataclass(slots=True)
class _RowLook:
    hit: HitSummary
    texts: tuple[str, ...]
    colours: tuple[QColor | None, ...]
    tint: QColor
    icon: QIcon
    spoken: str


def _age_s(hit: HitSummary, now: datetime) -> int:
    return int((now - hit.created_at).total_seconds())


class HitQueueModel(QAbstractTableModel):
    """Open hits ordered by :func:`app.domain.hits.queue_key`."""

    counts_changed = Signal(int, int)  # open hits, unacknowledged (NEW) hits

    def __init__(self, now: Callable[[], datetime], my_user_id: int | None = None) -> None:
        super().__init__()
        self._now = now
        self.my_user_id = my_user_id
        self.rows: list[HitSummary] = []
        self._keys: list[tuple] = []
        self._cache: dict[int, _RowLook] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- content ------------------------------------------------------------------------------
    def row_of(self, hit_id: int) -> int:
        return next((i for i, h in enumerate(self.rows) if h.id == hit_id), -1)

    def hit(self, row: int) -> HitSummary | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def upsert(self, hit: HitSummary) -> None:
        """Insert, update or (for a closed hit) remove one row, keeping the order."""
        old = self.row_of(hit.id)
        if old >= 0:
            if not hit.status.open:
                self._remove(old)
            elif queue_key(self.rows[old]) == queue_key(hit):
                self.rows[old] = hit
                self.dataChanged.emit(self.index(old, 0), self.index(old, len(COLUMNS) - 1))
            else:
                self._remove(old)
                self._insert(hit)
        elif hit.status.open:
            self._insert(hit)
        self._emit_counts()

    def remove(self, hit_id: int) -> None:
        row = self.row_of(hit_id)
        if row >= 0:
            self._remove(row)
            self._emit_counts()

    def replace_all(self, hits: Iterable[HitSummary], keep: Iterable[HitSummary] = ()) -> None:
        """Reload: the given rows, plus ``keep`` (rows that arrived while the reload ran)."""
        merged = {h.id: h for h in hits if h.status.open}
        for h in keep:
            if h.status.open:
                merged.setdefault(h.id, h)
        ordered = sorted(merged.values(), key=queue_key)
        if [h.id for h in ordered] == [h.id for h in self.rows]:
            # the usual case (every hit already pushed by its signal): update rows in place, no reset
            for row, hit in enumerate(ordered):
                if hit != self.rows[row]:
                    self.rows[row] = hit
                    self._keys[row] = queue_key(hit)
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        else:
            self.beginResetModel()  # the view puts its current hit back (HitQueueView)
            self.rows = ordered
            self._keys = [queue_key(h) for h in ordered]
            self._cache = {h.id: look for h in ordered if (look := self._cache.get(h.id)) is not None}
            self.endResetModel()
        self._emit_counts()

    def tick(self) -> None:
        """Refresh the age columns."""
        if self.rows:
            self.dataChanged.emit(self.index(0, COL["Age"]), self.index(len(self.rows) - 1, COL["Age"]),
                                  [DR.DisplayRole])

    def restyle(self) -> None:
        """The theme changed: rows are painted again in the new palette (their looks are cached)."""
        self._cache.clear()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    @property
    def unacknowledged(self) -> int:
        return sum(1 for h in self.rows if h.status is HitStatus.NEW)

    def next_unclaimed(self) -> HitSummary | None:
        return next((h for h in self.rows if h.status is HitStatus.NEW and h.claimed_by is None), None)

    def _insert(self, hit: HitSummary) -> None:
        key = queue_key(hit)
        pos = bisect.bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), pos, pos)
        self.rows.insert(pos, hit)
        self._keys.insert(pos, key)
        self.endInsertRows()

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        self._cache.pop(self.rows[row].id, None)
        del self.rows[row]
        del self._keys[row]
        self.endRemoveRows()

    def _emit_counts(self) -> None:
        self.counts_changed.emit(len(self.rows), self.unacknowledged)

    # ---- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DR.DisplayRole):  # noqa: N802, ANN201
        if orientation == Qt.Orientation.Horizontal and role == DR.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DR.DisplayRole):  # noqa: ANN201
        # Called thousands of times per repaint: everything but the age comes from a per-row cache.
        hit = self.hit(index.row())
        if hit is None:
            return None
        col = index.column()
        if role == DR.DisplayRole:
            return format_age(_age_s(hit, self._now())) if col == AGE_COL else self._look(hit).texts[col]
        if role == DR.BackgroundRole:
            return self._look(hit).tint
        if role == DR.ForegroundRole:
            return self._look(hit).colours[col]
        if role == DR.FontRole:
            if col in BOLD_COLS:  # plate and priority: the largest text, read first
                return queue_font(large=True)
            return queue_font(large=False) if hit.status is HitStatus.NEW else None
        if role == DR.DecorationRole and col == TYPE_COL:
            return self._look(hit).icon
        if role == HIT_ID_ROLE:
            return hit.id
        if role == DR.ToolTipRole:
            return self._look(hit).spoken
        if role == DR.AccessibleTextRole:
            return self._look(hit).spoken if col == 0 else self.data(index, DR.DisplayRole)
        return None

    def _look(self, hit: HitSummary) -> _RowLook:
        look = self._cache.get(hit.id)
        if look is None or look.hit is not hit:
            warn = list_age_warning(hit.list_age_s)
            colours = [None] * len(COLUMNS)
            colours[COL["Priority"]] = band_colour(hit.priority)
            if warn:
                colours[COL["List age"]] = QColor(palette().warn)
            if hit.status is HitStatus.NEW:
                colours[COL["Status"]] = QColor(palette().new_text)
            look = _RowLook(hit, tuple(self._text(hit, c) for c in range(len(COLUMNS))), tuple(colours),
                            band_tint(hit.priority), type_icon(hit.category, hit.priority), self._spoken(hit))
            self._cache[hit.id] = look
        return look

    def _text(self, hit: HitSummary, col: int) -> str:
        if col == COL["Priority"]:
            return f"{hit.priority} {band_word(hit.priority)}"
        if col == COL["Hit type"]:
            return type_text(hit.category) + (" (retroactive)" if hit.retroactive else "")
        if col == COL["Plate read"]:
            return f"{hit.plate_read} {hit.state_read or '--'}"
        if col == COL["Listed"]:
            kind = "" if hit.match_kind == "exact" else f"  \u2248 {hit.match_kind}"
            return f"{hit.plate_listed} {hit.state_listed or '--'}{kind}"
        if col == COL["Camera / location"]:
            return " - ".join(x for x in (hit.camera_name, hit.camera_location) if x)
        if col == COL["Age"]:
            return format_age(_age_s(hit, self._now()))
        if col == COL["List age"]:
            text = format_age(hit.list_age_s)
            return f"{WARN} {text} STALE" if list_age_warning(hit.list_age_s) else text
        if col == COL["Status"]:
            return status_text(hit, self.my_user_id)
        return ""

    def _spoken(self, hit: HitSummary) -> str:
        return (f"Priority {hit.priority} {type_text(hit.category)} hit, plate read {hit.plate_read}, "
                f"listed {hit.plate_listed} {hit.state_listed or ''}, camera {hit.camera_name}, "
                f"{status_text(hit, self.my_user_id)}")


class HitQueueView(QTableView):
    """The queue table: whole-row selection, Enter opens the current hit."""

    open_requested = Signal(int)  # hit id

    def __init__(self, model: HitQueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("HitQueue")
        self.setAccessibleName("Hit queue")
        self.setAccessibleDescription("Open hits, most urgent first. Enter opens the selected hit.")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(30)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in ((0, 96), (1, 145), (2, 108), (3, 190), (4, 58), (5, 140), (6, 180)):
            # widths were set for 10.5 pt; plate and priority cells use the larger queue font
            header.resizeSection(col, round(width * font_pt() / 10.5 * (PLATE_SCALE if col in BOLD_COLS else 1.0)))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.doubleClicked.connect(lambda idx: self._open(idx))
        self._kept: int | None = None
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)

    def _remember(self) -> None:
        self._kept = self.current_hit_id()

    def _restore(self) -> None:
        if self._kept is not None:
            self.select_hit(self._kept)

    def current_hit_id(self) -> int | None:
        idx = self.currentIndex()
        return idx.data(HIT_ID_ROLE) if idx.isValid() else None

    def select_hit(self, hit_id: int) -> None:
        model: HitQueueModel = self.model()  # type: ignore[assignment]
        row = model.row_of(hit_id)
        if row >= 0:
            self.setCurrentIndex(model.index(row, 0))
            self.scrollTo(model.index(row, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open(self, idx: QModelIndex) -> None:
        hit_id = idx.data(HIT_ID_ROLE)
        if hit_id is not None:
            self.open_requested.emit(int(hit_id))
