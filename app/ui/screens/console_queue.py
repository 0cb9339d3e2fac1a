"""The live hit queue: a table model over grouped HitSummary rows (one per vehicle and entry).

Order (app.domain.hit_grouping.queue_order): fresh hits by priority then age; stale hits (vehicle not
seen for ``stale_after``) below them, except top priorities, which keep their place. Rows are
inserted and updated in place (``upsert``) so the view keeps the dispatcher's place; closed hits
leave the queue. :meth:`HitQueueModel.tick` refreshes the ages and moves rows that became stale.

Cells are never cut: column texts are short ("NEW", "you", "x6 14:05", "STALE x6"), the long forms are in
the tooltip, and :class:`HitQueueView` sizes the columns from the font and hides the least needed
ones (list age, then age) rather than show a horizontal scrollbar; only "Where" elides (tooltip).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

from app.domain.display_dates import time_text
from app.domain.hit_grouping import (
    DEFAULT_STALE_AFTER,
    TOP_PRIORITY_MAX,
    QueueCounts,
    is_stale,
    last_seen,
    queue_counts,
    queue_order,
    seen_again_text,
)
from app.domain.hits import HitStatus, HitSummary, format_age, list_age_warning
from app.ui.screens.console_look import band_colour, band_tint, band_word, queue_font, type_icon, type_text
from app.ui.theme import palette

DR = Qt.ItemDataRole
COLUMNS = ("Priority", "Type", "Plate read", "Status", "Seen", "Where (last seen)", "Age", "List age")
COL = {name: i for i, name in enumerate(COLUMNS)}
HIT_ID_ROLE = int(DR.UserRole) + 1
WARN = "\u26a0"
#: The only column that may elide (its full text is the tooltip); it takes the width left over.
ELIDED_COL = COL["Where (last seen)"]
#: Priority and plate are always shown; the other columns only when there is room, most wanted first (their
#: facts stay in the row tooltip, the bold NEW rows and the verification panel; the type icon, shape and
#: letter, is in the Priority column anyway).
OPTIONAL_COLS = (COL["Status"], COL["Seen"], COL["Type"], COL["Where (last seen)"], COL["Age"], COL["List age"])
MIN_ELIDED_W = 110
FLASH_S = 8.0
#: Short forms for the Type column (the full label is in the tooltip and the verification panel).
SHORT_TYPES = {
    "stolen_canadian_vehicle": "Stolen veh. (CA)", "immigration_violator": "Immigration",
    "protective_interest": "Protective int.", "supervised_release": "Supervised rel.",
    "protection_order": "Protection ord.", "gang_terrorist": "Gang / terror",
}


def status_text(hit: HitSummary, my_user_id: int | None) -> str:
    """The Status column: ``NEW`` (nobody claimed it), or who holds it (a tick once visually verified)."""
    if hit.status is HitStatus.NEW:
        return "NEW"
    who = "you" if hit.claimed_by is not None and hit.claimed_by == my_user_id else (hit.claimed_by_name or "?")
    mark = "\u2714 " if hit.status is HitStatus.VERIFIED else ""  # since when: in the tooltip
    return f"{mark}{who}" if hit.claimed_by else hit.status.value.title()


def status_long(hit: HitSummary, my_user_id: int | None) -> str:
    """The Status column's tooltip, in words."""
    if hit.status is HitStatus.NEW:
        return "New - unacknowledged: nobody has claimed it"
    word = {HitStatus.CLAIMED: "Claimed", HitStatus.VERIFIED: "Visually verified"}.get(hit.status, hit.status.value)
    who = "you" if hit.claimed_by == my_user_id else (hit.claimed_by_name or "someone")
    return f"{word} by {who}" + (f" since {time_text(hit.claimed_at, seconds=False)}" if hit.claimed_at else "")


def short_type(category: str) -> str:
    return SHORT_TYPES.get(category, type_text(category))


AGE_COL = COL["Age"]
SEEN_COL = COL["Seen"]
TYPE_COL = COL["Type"]
ICON_COL = COL["Priority"]  # the band shape with the type letter, next to the priority word
BOLD_COLS = (COL["Priority"], COL["Plate read"])
TIMED_COLS = (AGE_COL, SEEN_COL)  # texts that change with the clock


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
    """Open grouped hits ordered by :func:`app.domain.hit_grouping.queue_order`."""

    counts_changed = Signal(object)  # QueueCounts

    def __init__(self, now: Callable[[], datetime], my_user_id: int | None = None,
                 stale_after: timedelta = DEFAULT_STALE_AFTER, top_priority_max: int = TOP_PRIORITY_MAX,
                 monotonic: Callable[[], float] | None = None) -> None:
        super().__init__()
        import time

        self._now = now
        self._mono = monotonic or time.monotonic
        self.my_user_id = my_user_id
        self.stale_after = stale_after
        self.top_priority_max = top_priority_max
        self.rows: list[HitSummary] = []
        self._keys: list[tuple] = []
        self._cache: dict[int, _RowLook] = {}
        self._flash: dict[int, float] = {}  # hit id -> monotonic time its "seen again" highlight ends
        self.counts = QueueCounts()

    # ---- content ------------------------------------------------------------------------------
    def key(self, hit: HitSummary) -> tuple:
        return queue_order(hit, self._now(), self.stale_after, self.top_priority_max)

    def row_of(self, hit_id: int) -> int:
        return next((i for i, h in enumerate(self.rows) if h.id == hit_id), -1)

    def hit(self, row: int) -> HitSummary | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def upsert(self, hit: HitSummary) -> None:
        """Insert, update or (for a closed hit) remove one row, keeping the order."""
        self.upsert_many((hit,))

    def upsert_many(self, hits: Iterable[HitSummary]) -> None:
        """:meth:`upsert` each hit; the counts (a pass over every row) are worked out once for the batch."""
        for hit in hits:
            self._upsert(hit)
        self._emit_counts()

    def _upsert(self, hit: HitSummary) -> None:
        old = self.row_of(hit.id)
        if old >= 0:
            if not hit.status.open:
                self._remove(old)
            elif self._keys[old] == self.key(hit):
                self.rows[old] = hit
                self.dataChanged.emit(self.index(old, 0), self.index(old, len(COLUMNS) - 1))
            else:
                self._remove(old)
                self._insert(hit)
        elif hit.status.open:
            self._insert(hit)

    def flash(self, hit_id: int, seconds: float = FLASH_S) -> None:
        """Highlight a row for a while (a new sighting that asks for attention)."""
        self._flash[hit_id] = self._mono() + seconds
        row = self.row_of(hit_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def flashing(self, hit_id: int) -> bool:
        until = self._flash.get(hit_id)
        return until is not None and self._mono() < until

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
                old = merged.get(h.id)
                if old is None or h.sightings >= old.sightings:
                    merged[h.id] = h
        self._set_rows(sorted(merged.values(), key=self.key))
        self._emit_counts()

    def _set_rows(self, ordered: list[HitSummary]) -> None:
        if [h.id for h in ordered] == [h.id for h in self.rows]:
            # the usual case (every hit already pushed by its signal): update rows in place, no reset
            for row, hit in enumerate(ordered):
                self._keys[row] = self.key(hit)
                if hit != self.rows[row]:
                    self.rows[row] = hit
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        else:
            self.beginResetModel()  # the view puts its current hit back (HitQueueView)
            self.rows = ordered
            self._keys = [self.key(h) for h in ordered]
            self._cache = {h.id: look for h in ordered if (look := self._cache.get(h.id)) is not None}
            self.endResetModel()

    def tick(self) -> None:
        """Refresh the clock columns; rows that became stale move down (and the counts say so)."""
        if not self.rows:
            return
        keys = [self.key(h) for h in self.rows]
        if keys != self._keys:
            stale_changed = [h.id for h, a, b in zip(self.rows, keys, self._keys, strict=True) if a != b]
            for hit_id in stale_changed:
                self._cache.pop(hit_id, None)
            self._set_rows(sorted(self.rows, key=self.key))
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))
        else:
            for col in TIMED_COLS:
                self.dataChanged.emit(self.index(0, col), self.index(len(self.rows) - 1, col), [DR.DisplayRole])
        ended = [k for k, v in self._flash.items() if self._mono() >= v]
        for hit_id in ended:
            del self._flash[hit_id]
            row = self.row_of(hit_id)
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self._emit_counts()

    def restyle(self) -> None:
        """The theme changed: rows are painted again in the new palette (their looks are cached)."""
        self._cache.clear()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def column_texts(self, col: int) -> set[str]:
        """The distinct texts of a column (row looks are cached: cheap even with thousands of rows)."""
        return {self._look(h).texts[col] for h in self.rows}

    @property
    def unacknowledged(self) -> int:
        return sum(1 for h in self.rows if h.status is HitStatus.NEW)

    def next_unclaimed(self) -> HitSummary | None:
        return next((h for h in self.rows if h.status is HitStatus.NEW and h.claimed_by is None), None)

    def _insert(self, hit: HitSummary) -> None:
        key = self.key(hit)
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
        counts = queue_counts(self.rows, self._now(), self.stale_after, self.top_priority_max)
        if counts != self.counts:
            self.counts = counts
            self.counts_changed.emit(counts)

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
        # Called thousands of times per repaint: everything but the clock texts comes from a per-row cache.
        hit = self.hit(index.row())
        if hit is None:
            return None
        col = index.column()
        if role == DR.DisplayRole:
            return self._text(hit, col) if col in TIMED_COLS else self._look(hit).texts[col]
        if role == DR.BackgroundRole:
            if self.flashing(hit.id):  # seen again: the banner pair (contrast-checked), unlike the selection
                return QColor(palette().banner_bg)
            if col == SEEN_COL and is_stale(hit, self._now(), self.stale_after):
                return QColor(palette().stale_bg)
            return self._look(hit).tint
        if role == DR.ForegroundRole:
            if self.flashing(hit.id):
                return QColor(palette().banner_text)
            if col == SEEN_COL and is_stale(hit, self._now(), self.stale_after):
                return QColor(palette().stale_text)
            return self._look(hit).colours[col]
        if role == DR.FontRole:
            if col in BOLD_COLS:  # plate and priority: the largest text, read first
                return queue_font(large=True)
            return queue_font(large=False) if hit.status is HitStatus.NEW else None
        if role == DR.DecorationRole and col == ICON_COL:
            return self._look(hit).icon
        if role == HIT_ID_ROLE:
            return hit.id
        if role == DR.ToolTipRole:
            return self._tooltip(hit)
        if role == DR.AccessibleTextRole:
            return self._tooltip(hit) if col == 0 else self.data(index, DR.DisplayRole)
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
        if col == COL["Type"]:
            return short_type(hit.category) + (" (retro)" if hit.retroactive else "")
        if col == COL["Plate read"]:
            return f"{hit.plate_read} {hit.state_read or '--'}"
        if col == COL["Where (last seen)"]:
            return " - ".join(x for x in (hit.camera_name, hit.camera_location) if x)
        if col == COL["Age"]:
            return format_age(_age_s(hit, self._now()))
        if col == SEEN_COL:
            if is_stale(hit, self._now(), self.stale_after):  # the time is in the tooltip
                return f"STALE x{hit.sightings}" if hit.sightings > 1 else "STALE"
            seen = time_text(last_seen(hit), seconds=False)  # agency local time, like the rest of the console
            return f"x{hit.sightings} {seen}" if hit.sightings > 1 else seen
        if col == COL["List age"]:
            text = format_age(hit.list_age_s)
            return f"{WARN} {text}" if list_age_warning(hit.list_age_s) else text
        if col == COL["Status"]:
            return status_text(hit, self.my_user_id)
        return ""

    def _spoken(self, hit: HitSummary) -> str:
        listed = f"{hit.plate_listed} {hit.state_listed or ''}".strip()
        kind = "" if hit.match_kind == "exact" else f" ({hit.match_kind} match)"
        seen = (f"seen {hit.sightings} times, {seen_again_text(hit.camera_name, last_seen(hit))}"
                if hit.sightings > 1 else f"seen once at {hit.camera_name} {time_text(last_seen(hit), seconds=False)}")
        warn = list_age_warning(hit.list_age_s)
        return (f"Priority {hit.priority} {band_word(hit.priority)} {type_text(hit.category)} hit H-{hit.id}, "
                f"plate read {hit.plate_read} {hit.state_read or ''}, listed {listed}{kind}; {seen}; "
                f"{status_long(hit, self.my_user_id)}; list age {format_age(hit.list_age_s)}"
                + (f" ({warn})" if warn else ""))

    def _tooltip(self, hit: HitSummary) -> str:
        stale = (f"\nSTALE: not seen for {format_age(int((self._now() - last_seen(hit)).total_seconds()))}"
                 if is_stale(hit, self._now(), self.stale_after) else "")
        return self._look(hit).spoken + stale


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
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setIconSize(QSize(22, 22))  # the type icons are drawn at 22 px
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(ELIDED_COL, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        self.doubleClicked.connect(lambda idx: self._open(idx))
        self._kept: int | None = None
        self._widths: dict[tuple, dict[str, int]] = {}  # (dpi, font key) -> text -> width
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)
        self._fit_timer = QTimer(self)  # many changes in one burst: fit once
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(200)  # a storm of hits re-measures at most 5 times a second
        self._fit_timer.timeout.connect(self.fit_columns)
        model.modelReset.connect(self._fit_soon)
        model.rowsInserted.connect(self._fit_soon)
        model.dataChanged.connect(lambda _a, _b, roles=(): None if roles else self._fit_soon())
        self.fit_columns()

    # ---- columns that fit ----------------------------------------------------------------------
    def _fit_soon(self, *_args: object) -> None:
        if not self._fit_timer.isActive():  # not restarted: a steady stream of changes still gets fitted
            self._fit_timer.start()

    def needed_width(self, col: int) -> int:
        """Width that shows every cell of ``col`` (and its header) uncut, from the fonts in use."""
        model: HitQueueModel = self.model()  # type: ignore[assignment]
        bold = self._metrics(col)
        head = self.heading_width(col)
        if col in TIMED_COLS:  # clock texts change every tick: measure the widest form they can take
            most = max((h.sightings for h in model.rows), default=1)
            texts = {f"STALE x{most}", f"x{most} 00:00", "23 h 59 min"} if col == SEEN_COL else {"23 h 59 min"}
        else:
            texts = model.column_texts(col)
        key = bold.fontDpi(), queue_font(large=col in BOLD_COLS).key()
        widths = self._widths.setdefault(key, {})
        if len(widths) > 20_000:
            widths.clear()
        widest = 0
        for text in texts:
            w = widths.get(text)
            if w is None:
                w = widths[text] = bold.horizontalAdvance(text)
            widest = max(widest, w)
        return max(head, widest + self._icon_room(col) + 14)

    def heading_width(self, col: int) -> int:
        """Room for the heading of ``col`` in the header's bold (the style sheet's) font and padding."""
        bold = QFont(self.horizontalHeader().font())
        bold.setBold(True)
        return QFontMetrics(bold).horizontalAdvance(COLUMNS[col]) + 18

    def _metrics(self, col: int) -> QFontMetrics:
        """The widest font a cell of ``col`` is drawn in (the queue fonts of app.ui.screens.console_look)."""
        return QFontMetrics(queue_font(large=col in BOLD_COLS))

    def _icon_room(self, col: int) -> int:
        return self.iconSize().width() + 8 if col == ICON_COL else 0

    def fit_columns(self) -> None:
        """Size each column to its content; hide optional columns rather than scroll sideways."""
        header = self.horizontalHeader()
        rows = self.verticalHeader()
        rows.setDefaultSectionSize(max(30, QFontMetrics(queue_font(large=True)).height() + 10))
        widths = {c: self.needed_width(c) for c in range(len(COLUMNS)) if c != ELIDED_COL}
        # its cells elide, its heading must not ("/here (last seen" on an empty queue): shown whole or hidden
        widths[ELIDED_COL] = max(MIN_ELIDED_W, self.heading_width(ELIDED_COL))
        # room for a vertical scrollbar is always kept, so a growing queue never pushes the columns out
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        space = self.width() - 2 * self.frameWidth() - bar - 2
        room = space - sum(w for c, w in widths.items() if c not in OPTIONAL_COLS)
        shown: set[int] = set()
        for col in OPTIONAL_COLS:  # most wanted first; stop at the first that does not fit
            if widths[col] > room:
                break
            shown.add(col)
            room -= widths[col]
        for col, width in widths.items():
            hide = col in OPTIONAL_COLS and col not in shown
            header.setSectionHidden(col, hide)
            if not hide and col != ELIDED_COL and header.sectionSize(col) != width:
                header.resizeSection(col, width)
        if ELIDED_COL not in shown:  # the last visible column takes what is left
            last = max(c for c in range(len(COLUMNS)) if not header.isSectionHidden(c))
            header.resizeSection(last, widths[last] + max(0, room))

    def cut_cells(self) -> list[tuple[int, str, str]]:
        """(row, column, text) of every visible cell whose text does not fit (for tests and checks)."""
        model: HitQueueModel = self.model()  # type: ignore[assignment]
        header = self.horizontalHeader()
        out = []
        for col in range(len(COLUMNS)):
            if header.isSectionHidden(col) or col == ELIDED_COL:
                continue
            bold = self._metrics(col)
            room = header.sectionSize(col) - 10 - self._icon_room(col)
            for row in range(model.rowCount()):
                text = model.data(model.index(row, col)) or ""
                if bold.horizontalAdvance(text) > room:
                    out.append((row, COLUMNS[col], text))
        return out

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):  # Ctrl+Plus, theme
            self._fit_soon()

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
