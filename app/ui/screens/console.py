"""The Console screen: camera tiles, the hit queue, the verification panel and the NCIC confirmation log.

Layout only; the logic lives in :class:`~app.ui.console_controller.ConsoleController` and the
actions in :class:`~app.ui.screens.console_actions.ConsoleActions`. Every action has a function
key (see ``SHORTCUTS``) and a button; the queue is driven with arrows + Enter. Emits
``badge_changed(unacknowledged)`` for the navigation item.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.alerts import AudioStatus
from app.domain.hit_grouping import QueueCounts, SightingAttention
from app.domain.hits import HitSummary, format_age
from app.domain.ncic import YqDue
from app.runtime.alerts import HitAlertsBridge
from app.services.hit_queries import HitDetail
from app.ui.console_controller import ConsoleController
from app.ui.context import UiContext
from app.ui.screens.console_actions import SHORTCUTS, ConsoleActions
from app.ui.screens.console_cameras import CameraTilesWidget
from app.ui.screens.console_ncic import NcicPanel
from app.ui.screens.console_queue import HitQueueView
from app.ui.screens.console_sightings import SightingsPanel
from app.ui.screens.console_verify import VerificationPanel
from app.ui.scroll import scrolling
from app.ui.theme import palette, theme_signals

TOP_PRIORITY_MAX = 2

def _scrolled_with_actions(panel: QWidget, scroll_name: str, actions: QWidget) -> QFrame:
    """``panel`` in a scroll area with its ``actions`` row fixed below it."""
    box = QFrame()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(scrolling(panel, scroll_name), 1)
    layout.addWidget(actions)
    return box


class ConsoleScreen(QWidget):
    badge_changed = Signal(int)

    def __init__(self, ui: UiContext, alerts: HitAlertsBridge | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConsoleScreen")
        self.ui = ui
        self.alerts = alerts
        self.ctrl = ConsoleController(ui, alerts, self)
        self.tiles = CameraTilesWidget()
        self.queue = HitQueueView(self.ctrl.model)
        self.verify = VerificationPanel()
        self.ncic = NcicPanel()
        self.sightings = SightingsPanel()
        self.actions = ConsoleActions(self.ctrl, self, self.toggle_mute, self.ncic.selected_step_id,
                                      self.queue.setFocus)

        # ---- top strip: counts, claim next, mute, audio --------------------------------------
        self.counts = QLabel("")
        self.counts.setObjectName("QueueCounts")
        self.counts.setAccessibleName("Queue counts")
        self.claim_btn = QPushButton("Claim &next hit  [F2]")
        self.claim_btn.setObjectName("ClaimNext")
        self.claim_btn.setAccessibleName("Claim the next hit")
        self.mute_btn = QPushButton("Mute speech  [Ctrl+M]")
        self.mute_btn.setAccessibleName("Mute speech of routine hits (top priorities are never muted)")
        self.mute_btn.setCheckable(True)
        self.due = QLabel("")
        self.due.setObjectName("NotificationsDue")
        self.due.setAccessibleName("Entering agencies not yet notified")
        self.due.setWordWrap(True)
        self.audio = QLabel("")
        self.audio.setObjectName("AudioState")
        self.audio.setAccessibleName("Audio alerts")
        strip = QFrame()
        strip.setObjectName("ConsoleStrip")
        sl = QHBoxLayout(strip)
        sl.setContentsMargins(8, 4, 8, 4)
        heading = QLabel("HIT QUEUE")
        heading.setObjectName("StripTitle")
        sl.addWidget(heading)
        sl.addWidget(self.counts)
        sl.addStretch(1)
        sl.addWidget(self.due)
        sl.addWidget(self.audio)
        sl.addWidget(self.mute_btn)
        sl.addWidget(self.claim_btn)

        # ---- body -----------------------------------------------------------------------------
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.tiles)
        left.addWidget(self.queue)
        left.addWidget(self.sightings)
        left.setStretchFactor(0, 2)
        left.setStretchFactor(1, 3)
        left.setStretchFactor(2, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        # a tall record, checklist or step log scrolls; the window stays put and the action buttons stay in view
        right.addWidget(_scrolled_with_actions(self.verify, "VerifyScroll", self.verify.action_row))
        right.addWidget(_scrolled_with_actions(self.ncic, "NcicScroll", self.ncic.action_bar))
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(0, 1)
        body.setStretchFactor(1, 1)
        body.setSizes([560, 640])  # the queue needs priority, plate, status and sightings uncut at 1366 px
        left.setSizes([240, 320, 200])
        right.setSizes([520, 380])  # the pictures first; the checklist and log scroll
        self.splitters = (body, left, right)
        self.due_items: list = []
        self.status = QLabel("F2 claim next  Ctrl+K claim this  F3 accept  F4 reject  F5 NCIC  F6 YQ  F7 YR  F8 dispatch  "
                             "F9 stolen plate  F10 disposition  F11 agency notified  F12 instructions relayed")
        self.status.setObjectName("ConsoleStatus")
        self.status.setAccessibleName("Console messages")
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(4)
        lay.addWidget(strip)
        lay.addWidget(body, 1)
        lay.addWidget(self.status)

        # ---- wiring ---------------------------------------------------------------------------
        for seq, key in SHORTCUTS.items():
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda k=key: self.actions.trigger(k))
        for seq, target in (("Alt+Q", self.queue), ("Alt+G", self.ncic.log), ("Alt+V", self.verify.captured),
                            ("Alt+S", self.sightings.table)):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda t=target: self._focus(t))
        self.claim_btn.clicked.connect(lambda: self.actions.trigger("claim_next"))
        self.mute_btn.clicked.connect(lambda: self.actions.trigger("mute"))
        self.verify.accept_btn.clicked.connect(lambda: self.actions.trigger("accept"))
        self.verify.claim_btn.clicked.connect(lambda: self.actions.trigger("claim"))
        self.ctrl.changed_hit.connect(lambda _id: self._refresh_due())
        self._due_timer = QTimer(self)
        self._due_timer.setInterval(60_000)
        self._due_timer.timeout.connect(self._refresh_due)
        self._due_timer.start()
        self.verify.reject_btn.clicked.connect(lambda: self.actions.trigger("reject"))
        for key, button in self.ncic.buttons.items():
            button.clicked.connect(lambda _c=False, k=key: self.actions.trigger(k))
        self.ncic.relayed.clicked.connect(lambda _c=False: self.actions.trigger("relay"))
        self.queue.open_requested.connect(self.open_hit)
        self.ctrl.model.counts_changed.connect(self._counts)
        self.ctrl.detail_changed.connect(self._detail)
        self.sightings.crop_requested.connect(self._sighting_crop)
        self.ctrl.images_loaded.connect(self.verify.show_images)
        self.ctrl.yq_changed.connect(self._yq)
        self.ctrl.yq_overdue.connect(self._yq_overdue)
        self.ctrl.yq_overdue_elsewhere.connect(self._yq_overdue_elsewhere)
        self.ctrl.message.connect(self.show_message)
        self.ctrl.hit_shown.connect(self._hit_shown)
        self.ctrl.hit_sighted.connect(self._hit_sighted)
        ui.signals.camera_preview.connect(self.tiles.on_preview)
        ui.signals.camera_health.connect(self.tiles.on_health)
        ui.signals.cameras_listed.connect(self.tiles.set_cameras)
        if ui.cameras:
            self.tiles.set_cameras(list(ui.cameras))
        if alerts is not None:
            self.attach_alerts(alerts)
        else:
            self.audio.setText("\u26a0 Audio alerts not running")
        self._counts(QueueCounts())
        theme_signals().changed.connect(self._restyle)
        self._themed = True
        QTimer.singleShot(0, self._first_load)

    # ---- public -------------------------------------------------------------------------------
    def activate(self) -> None:
        self.ctrl.schedule_reload()
        self.queue.setFocus()

    def open_hit(self, hit_id: int) -> None:
        asyncio.ensure_future(self.actions._guard(self.ctrl.open(hit_id)))

    def toggle_mute(self) -> None:
        if self.alerts is None:
            self.show_message("Audio alerts are not running on this console.", True)
            return
        self.alerts.toggle_mute()

    def show_message(self, text: str, error: bool = False) -> None:
        self.status.setText(("\u26a0 " if error else "") + text)
        self.status.setProperty("error", error)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def attach_alerts(self, alerts: HitAlertsBridge) -> None:
        """Give the console its audible alerts (normally ``ui.alerts`` at construction)."""
        self.alerts = alerts
        self.ctrl.alerts = alerts
        alerts.audio_status.connect(self._audio)
        alerts.mute_changed.connect(self._muted)
        self._audio(alerts.status)

    def shutdown(self) -> None:
        if self._themed:
            self._themed = False
            theme_signals().changed.disconnect(self._restyle)
        self._due_timer.stop()
        self.ctrl.stop()

    def _focus(self, target: QWidget) -> None:
        """Focus a panel part and scroll it into view (on a short screen the panels scroll)."""
        target.setFocus()
        for area in self.findChildren(QScrollArea):
            if area.widget() is not None and area.widget().isAncestorOf(target):
                area.ensureWidgetVisible(target, 0, 0)

    # ---- slots --------------------------------------------------------------------------------
    def _restyle(self, _theme: str) -> None:
        """Palette colours live in cached rows and rich text: render them again in the new theme."""
        model = self.ctrl.model
        model.restyle()
        self._counts(model.counts)
        self._detail(self.ctrl.detail)

    def _first_load(self) -> None:
        asyncio.ensure_future(self.ctrl.reload())
        self._refresh_due()

    def _refresh_due(self) -> None:
        asyncio.ensure_future(self.actions._guard(self._show_due()))

    async def _show_due(self) -> None:
        due = await self.ctrl.notifications_due()
        self.due_items = due
        if not due:
            self.due.setText("")
            self.due.setToolTip("")
            return
        oldest = format_age(due[0].age_s)
        self.due.setText(f"\u26a0 {len(due)} recover{'y' if len(due) == 1 else 'ies'}/arrest"
                         f"{'' if len(due) == 1 else 's'} not notified to the entering agency (oldest {oldest})")
        self.due.setToolTip("\n".join(f"H-{d.hit.id} {d.hit.plate_listed} {d.outcome.replace('_', ' ')} "
                                       f"ORI {d.ori or '?'}: waiting {format_age(d.age_s)}" for d in due))
        self.due.setAccessibleDescription(self.due.toolTip())

    def _counts(self, counts: QueueCounts) -> None:
        """``N open  M unacknowledged  K stale over 30 min (U urgent)``: grouped hits, one per vehicle and entry."""
        p = palette()
        new = counts.unacknowledged
        warn = f"color:{p.error}" if new else f"color:{p.muted}"
        stale = counts.stale_text(self.ctrl.model.stale_after)
        stale_html = (f" &nbsp; <span style='background:{p.stale_bg}; color:{p.stale_text}'>&nbsp;<b>"
                      f"{stale}</b>&nbsp;</span>" if stale else "")
        self.counts.setText(f"<b>{counts.open}</b> open &nbsp; <span style='{warn}'><b>{new}</b> unacknowledged"
                            f"</span>{stale_html}")
        self.counts.setAccessibleDescription(f"{counts.open} open hits, {new} unacknowledged"
                                             + (f", {stale}" if stale else ""))
        self.badge_changed.emit(new)

    def _detail(self, detail: HitDetail | None) -> None:
        actions = self.ctrl.actions()
        self.verify.show_detail(detail, self.ui.actor.user_id, actions)
        self.ncic.show_detail(detail, actions)
        self.sightings.show_sightings(detail.summary.id if detail else None, detail.sightings if detail else ())
        if detail is not None:
            self.queue.select_hit(detail.summary.id)

    def _sighting_crop(self, hit_id: int, read_id: int) -> None:
        async def load() -> None:
            jpeg = await self.ctrl.sighting_crop(hit_id, read_id)
            if self.sightings.hit_id == hit_id:
                self.sightings.show_crop(read_id, jpeg)

        asyncio.ensure_future(self.actions._guard(load()))

    def _yq(self, due: YqDue) -> None:
        d = self.ctrl.detail
        if d is not None and (d.yq_applies or due.state != "none"):
            self.ncic.show_yq(due)
            if due.state in ("overdue", "answered"):  # the YQ button follows the exchange
                self.ncic.buttons["yq"].setEnabled("yq" in self.ctrl.actions())

    def _yq_overdue(self, due: YqDue) -> None:
        self.show_message(due.message, True)
        QApplication.alert(self.window(), 0)
        self.ncic.buttons["yq"].setFocus()

    def _yq_overdue_elsewhere(self, hit_id: int, due: YqDue) -> None:
        """A held hit not on screen: say which one (the YQ button belongs to the hit on screen)."""
        self.show_message(f"H-{hit_id}: {due.message} Open it from the queue (Alt+Q, Enter).", True)
        QApplication.alert(self.window(), 0)

    def _hit_sighted(self, hit: HitSummary, attention: SightingAttention) -> None:
        self.tiles.note_hit(hit.camera_name, f"{hit.plate_read} seen again (x{hit.sightings})")
        self.show_message(attention.message, attention.loud and hit.priority <= TOP_PRIORITY_MAX)
        if attention.loud and hit.priority <= TOP_PRIORITY_MAX and self.ui.settings.alerts.raise_window_on_top_priority:
            QApplication.alert(self.window(), 0)

    def _hit_shown(self, hit: HitSummary) -> None:
        self.tiles.note_hit(hit.camera_name, f"{hit.plate_read} {hit.category.replace('_', ' ')}")
        if hit.priority <= TOP_PRIORITY_MAX and self.ui.settings.alerts.raise_window_on_top_priority:
            QApplication.alert(self.window(), 0)

    def _audio(self, status: AudioStatus) -> None:
        if not status.checked:
            self.audio.setText("Audio: checking...")
        elif status.ok:
            self.audio.setText("\U0001f50a Audio OK")
        else:
            self.audio.setText("\u26a0 AUDIO PROBLEM (see banner)")
        self.audio.setProperty("problem", status.checked and not status.ok)
        self.audio.setToolTip(status.message)
        self.audio.setAccessibleDescription(status.message or "chimes and speech available")
        self.audio.style().unpolish(self.audio)
        self.audio.style().polish(self.audio)

    def _muted(self, seconds: float) -> None:
        self.mute_btn.setChecked(seconds > 0)
        self.mute_btn.setText(f"Muted {seconds / 60:.0f} min (top priorities still speak)  [Ctrl+M]" if seconds > 0
                              else "Mute speech  [Ctrl+M]")


def console_screen(ui: UiContext) -> QWidget:
    """The registry's builder: the console with the signed-in dispatcher's alerts."""
    return ConsoleScreen(ui, ui.alerts)
