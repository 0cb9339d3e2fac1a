"""Hot lists > Sources: every list with its last import, counts, rejects and age; import now; history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.hotlist_admin import HotListSource, ImportSummary, SourceKind
from app.domain.roles import Permission
from app.ui.asyncio_qt import async_slot, dialog_result
from app.ui.context import UiContext
from app.ui.dialogs.hotlist_source import PRESET_LABELS, HotListSourceDialog, SourceValues
from app.ui.dialogs.import_report import ImportReportDialog
from app.ui.screens.hotlists_common import ProgressRelay, age_text, warn_colour, warning_icon
from app.ui.table_model import ItemTableModel, fmt, make_table

SOURCE_COLUMNS = ("Name", "Kind", "Format", "Last import", "Entries", "Rejects (last import)", "List age")
HISTORY_COLUMNS = ("Started", "Source", "Result", "Rows read", "Imported", "Skipped", "Rejected", "Duplicates", "Time")
_KIND = {SourceKind.NCIC: "NCIC extract", SourceKind.STATE: "State list", SourceKind.LOCAL: "Local (BOLO)"}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
DR = Qt.ItemDataRole


def _when(t: datetime | None) -> str:
    return fmt(t) or "-"


class SourcesTableModel(ItemTableModel[HotListSource]):
    def __init__(self, now: Callable[[], datetime]) -> None:
        super().__init__(SOURCE_COLUMNS, self._cells)
        self.now = now
        self.rejects: dict[int, int] = {}
        self.counts: dict[int, int] = {}  # live counts where the stored one is not kept (local entries)

    @property
    def sources(self) -> list[HotListSource]:
        return self.items

    def set_sources(self, sources: list[HotListSource], rejects: dict[int, int], counts: dict[int, int]) -> None:
        self.rejects, self.counts = rejects, counts
        self.set_items(sources)

    def _cells(self, s: HotListSource) -> tuple[str, ...]:
        rejects = self.rejects.get(s.id, s.last_rejected)
        return (s.name, _KIND[s.kind], PRESET_LABELS.get(s.preset or "", s.preset or "-"), _when(s.last_import_at),
                f"{self.counts.get(s.id, s.entry_count):,}", "-" if s.kind is SourceKind.LOCAL else f"{rejects:,}",
                age_text(s, self.now()))

    def styled(self, s: HotListSource, column: int, role: int):  # noqa: ANN201
        if column == 6 and s.is_stale(self.now()):
            if role == DR.DecorationRole:
                return warning_icon()
            if role == DR.ForegroundRole:
                return warn_colour()
            if role == DR.ToolTipRole:
                return "Not refreshed in the last 24 hours (policy 002 IV.I.4: lists are downloaded at least daily). " \
                       "Hits on this list are flagged as from a stale list."
        if role == DR.TextAlignmentRole and column in (4, 5):
            return _RIGHT
        return None


def _import_cells(r: ImportSummary) -> tuple[str, ...]:
    result = "\u2714 Accepted" if r.accepted else f"\u26a0 Refused: {r.refusal}"
    return (_when(r.started_at), r.source_name, result, f"{r.rows_read:,}", f"{r.imported:,}", f"{r.skipped:,}",
            f"{r.rejected:,}", f"{r.duplicates_merged:,}", f"{r.duration_s:.1f} s")


class ImportHistoryModel(ItemTableModel[ImportSummary]):
    def __init__(self) -> None:
        super().__init__(HISTORY_COLUMNS, _import_cells)

    def styled(self, r: ImportSummary, column: int, role: int):  # noqa: ANN201
        if role == DR.ForegroundRole and column == 2 and not r.accepted:
            return warn_colour()
        if role == DR.DecorationRole and column == 2 and not r.accepted:
            return warning_icon()
        if role == DR.TextAlignmentRole and column >= 3:
            return _RIGHT
        return None


class SourcesPanel(QWidget):
    """Sources table, import now (with progress and the report), add source, import history."""

    sources_loaded = Signal(object)  # list[HotListSource]

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.svc = ui.services.hotlists
        self.report_dialog: ImportReportDialog | None = None
        self.model = SourcesTableModel(ui.services.ctx.clock.now)
        self.table = make_table(self.model, "Hot-list sources", single=True, alternating=True)
        self.history_model = ImportHistoryModel()
        self.history = make_table(self.history_model, "Import history", single=True, alternating=True)
        self.history.horizontalHeader().setStretchLastSection(False)
        self.history.activated.connect(lambda _i: self.view_report())
        self.history.doubleClicked.connect(lambda _i: self.view_report())

        self.stale = QLabel("")
        self.stale.setObjectName("Banner")
        self.stale.setWordWrap(True)
        self.stale.setVisible(False)
        self.stale.setAccessibleName("Stale list warning")
        manage = ui.actor.can(Permission.MANAGE_HOTLIST_SOURCES)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, name, slot, allowed in (
            ("import", "&Import now", "Import the selected source now", self.import_now, manage),
            ("import_file", "Import from &file...", "Import the selected source from a chosen file",
             self.import_from_file, manage),
            ("add", "&Add source...", "Add a hot-list source", self.add_source, manage),
            ("refresh", "&Refresh", "Refresh sources and history", self.reload, True),
        ):
            b = QPushButton(text)
            b.setAccessibleName(name)
            b.clicked.connect(lambda _c=False, s=slot: s())
            b.setVisible(allowed)
            bar.addWidget(b)
            self.buttons[key] = b
        bar.addStretch(1)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("Info")
        self.progress_label.setAccessibleName("Import progress")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.setAccessibleName("Import in progress")
        self.progress.setVisible(False)
        bar.addWidget(self.progress_label)
        bar.addWidget(self.progress)

        hist_bar = QHBoxLayout()
        hist_label = QLabel("Import histor&y (newest first; every report is kept)")
        hist_label.setBuddy(self.history)
        self.view_btn = QPushButton("View re&port")
        self.view_btn.setAccessibleName("View the selected import report")
        self.view_btn.clicked.connect(lambda: self.view_report())
        hist_bar.addWidget(hist_label)
        hist_bar.addStretch(1)
        hist_bar.addWidget(self.view_btn)
        src_label = QLabel("&Sources")
        src_label.setBuddy(self.table)
        lay = QVBoxLayout(self)
        lay.addWidget(self.stale)
        lay.addLayout(bar)
        lay.addWidget(src_label)
        lay.addWidget(self.table, 2)
        lay.addLayout(hist_bar)
        lay.addWidget(self.history, 3)
        QShortcut(QKeySequence("F5"), self, activated=lambda: self.reload(),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def selected(self) -> HotListSource | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.sources[rows[0].row()] if rows else None

    @async_slot()
    async def reload(self) -> None:
        try:
            sources = await self.ui.call(self.svc.sources, self.ui.actor)
            imports = await self.ui.call(self.svc.imports, self.ui.actor)
            counts = {s.id: await self.ui.call(self.svc.entry_count, self.ui.actor, s.id)
                      for s in sources if s.kind is SourceKind.LOCAL}
        except DomainError as exc:
            self.progress_label.setText(str(exc))
            return
        keep = self.selected()
        rejects: dict[int, int] = {}
        for r in imports:  # newest first: the first seen per source is its last import
            rejects.setdefault(r.source_id, r.rejected)
        self.model.set_sources(sources, rejects, counts)
        self.history_model.set_items(imports)
        now = self.ui.services.ctx.clock.now()
        stale = [s.name for s in sources if s.is_stale(now)]
        self.stale.setText(f"\u26a0 Not refreshed in 24 h (policy: at least daily): {', '.join(stale)}. "
                           "Hits on these lists are flagged." if stale else "")
        self.stale.setVisible(bool(stale))
        importable = [i for i, s in enumerate(sources) if s.kind is not SourceKind.LOCAL]
        row = next((i for i, s in enumerate(sources) if keep and s.id == keep.id), (importable or [-1])[0])
        if row >= 0:
            self.table.selectRow(row)
        self.sources_loaded.emit(sources)

    def _busy(self, busy: bool, text: str = "") -> None:
        for key in ("import", "import_file", "add"):
            self.buttons[key].setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress_label.setText(text)

    def import_from_file(self) -> None:
        src = self.selected()
        if src is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, f"Import {src.name} from file", src.location or "")
        if path:
            self.import_now(path)

    @async_slot()
    async def import_now(self, path: str | None = None) -> None:
        src = self.selected()
        if src is None or src.kind is SourceKind.LOCAL:
            self.progress_label.setText("Select an NCIC or state source to import.")
            return
        relay = ProgressRelay(self)
        relay.message.connect(self.progress_label.setText)
        self._busy(True, f"Importing {src.name}...")
        try:
            summary: ImportSummary = await self.ui.call_bulk(self.svc.import_source, self.ui.actor, src.id, path,
                                                             progress=relay)
        except DomainError as exc:
            self._busy(False, str(exc))
            return
        finally:
            relay.deleteLater()
        self._busy(False, ("Imported {:,} entries into {}." if summary.accepted
                           else "Refused ({1}): the previous list stays active.")
                   .format(summary.imported, src.name if summary.accepted else summary.refusal))
        self.show_report(summary)  # the service published Changes(hotlists=True); the runtime broadcasts it

    def show_report(self, summary: ImportSummary) -> None:
        if self.report_dialog is not None:
            self.report_dialog.close()
        self.report_dialog = ImportReportDialog(summary, self)
        self.report_dialog.show()

    def view_report(self) -> None:
        rows = self.history.selectionModel().selectedRows()
        if rows:
            self.show_report(self.history_model.items[rows[0].row()])

    @async_slot()
    async def add_source(self) -> None:
        async def add(v: SourceValues) -> HotListSource:
            return await self.ui.call(self.svc.add_source, self.ui.actor, v.name, v.kind, v.preset, v.location,
                                      v.daily_at, v.settings)

        if await dialog_result(HotListSourceDialog(add, self)):
            self.ui.signals.changed.emit(Changes(hotlists=True))
