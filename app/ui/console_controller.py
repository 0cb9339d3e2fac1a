"""The console's non-widget logic: the queue, the open hit, signals from workers and other consoles.

Every service call runs on the DB executor (``ui.call``); the GUI thread only updates the
queue model and emits signals the panels show. A hit from the recognition bridge is shown
and announced straight from its signal (no database round trip), so it is visible within
milliseconds of being stored.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.changes import Changes
from app.domain.errors import Conflict, DomainError
from app.domain.hit_actions import HitAction, allowed_actions, next_step, refusal
from app.domain.hit_grouping import TOP_PRIORITY_MAX, sighting_attention
from app.domain.hit_steps import HitStep, StepInput, StepKind, VisualAccepted
from app.domain.hits import HitStatus, HitSummary
from app.domain.ncic import MAX_REQUESTS, YqRequest, effective, yq_due
from app.domain.roles import Permission
from app.runtime.alerts import HitAlertsBridge
from app.services.hit_queries import HitDetail
from app.services.hits import PrintedReport
from app.ui.context import UiContext
from app.ui.screens.console_queue import HitQueueModel

logger = logging.getLogger(__name__)
QUEUE_LIMIT = 2000
RELOAD_MIN_INTERVAL_S = 3.0
SAFETY_RELOAD_MS = 60_000
#: Rows arriving faster than this are inserted together (a table repaint costs ~10 ms of GUI time;
#: at 20 hits/s one paint per hit would take a third of the GUI thread). A lone hit goes in at once.
ROW_BATCH_S = 0.1


def available_actions(detail: HitDetail | None, my_user_id: int | None, can_handle: bool,
                      now: datetime | None = None) -> frozenset[HitAction]:
    """What the buttons and F-keys offer now: asked of the domain rules the service enforces."""
    return allowed_actions(detail.situation if detail else None, my_user_id, can_handle, now)


class ConsoleController(QObject):
    """Owns the queue model and the open hit; panels listen to its signals."""

    detail_changed = Signal(object)  # HitDetail | None
    images_loaded = Signal(object, object)  # plate JPEG bytes | None, overview JPEG bytes | None
    yq_changed = Signal(object)  # YqDue (every second while a hit is open)
    yq_overdue = Signal(object)  # YqDue, once when an answer becomes overdue
    message = Signal(str, bool)  # text, is an error
    hit_shown = Signal(object)  # HitSummary newly in the queue (tiles flash it, the window may alert)
    hit_sighted = Signal(object, object)  # HitSummary seen again, SightingAttention (how loud)
    busy_changed = Signal(bool)
    changed_hit = Signal(int)  # a step, claim or release was recorded on this hit

    def __init__(self, ui: UiContext, alerts: HitAlertsBridge | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.svc = ui.services.hits.hits
        self.actor = ui.actor
        self.clock = ui.services.ctx.clock
        self.alerts = alerts
        self.can_handle = ui.actor.can(Permission.HANDLE_HITS)
        self.model = HitQueueModel(self.clock.now, ui.actor.user_id,
                                   timedelta(minutes=ui.settings.queue.stale_after_min), TOP_PRIORITY_MAX)
        self.model.setParent(self)
        self.detail: HitDetail | None = None
        self.current_id: int | None = None
        self._seen: set[int] = set()
        self._sightings: dict[int, int] = {}  # hit id -> sightings known here (a higher count is news)
        self._loaded_once = False
        self._arrived: dict[int, HitSummary] = {}  # pushed while a reload is running
        self._reloading = False
        self._reload_again = False
        self._last_reload = 0.0
        self._overdue_sent: set[tuple[int, int]] = set()
        self.shown_at: dict[int, float] = {}  # hit id -> perf_counter when its row was inserted
        ui.signals.hit_raised.connect(self.on_hit_raised)
        ui.signals.changed.connect(self.on_changed)
        ui.signals.hit_notified.connect(self.on_notification)
        self._second = QTimer(self)
        self._second.setInterval(1000)
        self._second.timeout.connect(self._every_second)
        self._second.start()
        self._ages = QTimer(self)
        self._ages.setInterval(5000)
        self._ages.timeout.connect(self.model.tick)
        self._ages.start()
        self._safety = QTimer(self)
        self._safety.setInterval(SAFETY_RELOAD_MS)
        self._safety.timeout.connect(self.schedule_reload)
        self._safety.start()
        self._batch: dict[int, HitSummary] = {}
        self._last_flush = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush_rows)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.timeout.connect(self._reload_now)

    # ---- incoming -----------------------------------------------------------------------------
    def on_hit_raised(self, hit: object) -> None:
        """A hit stored by this workstation's recognition bridge: show and announce it now."""
        if not isinstance(hit, HitSummary):
            return
        if hit.covert:  # who may see it is decided by the database now (svc.summary), not the roles at sign-in
            if self.actor.can(Permission.VIEW_COVERT):
                self._spawn(self._refresh_one(hit.id, "hit", self.ui.services.ctx.workstation))
            return
        self._arrive(hit, announce=True)

    def on_changed(self, changes: object) -> None:
        # Hits of this workstation arrive by hit_raised and other consoles' changes by on_notification,
        # so Changes(hits=True) (sent with both) needs no reload; a hot-list change may have raised
        # retroactive hits that reach us no other way.
        if isinstance(changes, Changes) and changes.hotlists:
            self.schedule_reload()

    def on_notification(self, note: object) -> None:
        """A HitNotification from PostgreSQL LISTEN (another console, or ours echoed)."""
        hit_id = getattr(note, "hit_id", None)
        if hit_id is None:
            return
        self._spawn(self._refresh_one(int(hit_id), str(getattr(note, "kind", "")),
                                      str(getattr(note, "workstation", ""))))

    async def _refresh_one(self, hit_id: int, kind: str, workstation: str) -> None:
        try:
            hit = await self.ui.call(self.svc.summary, self.actor, hit_id)
        except DomainError as exc:
            logger.warning("hit %s from a notification could not be read: %s", hit_id, exc)
            return
        if hit is None:
            return
        self._arrive(hit, announce=kind in ("hit", "sighting"))
        if hit.claimed_by is not None or not hit.status.open:
            self._ack(hit.id)
        if hit_id == self.current_id and workstation != self.ui.services.ctx.workstation:
            await self.reload_detail()

    def _arrive(self, hit: HitSummary, announce: bool) -> None:
        new = hit.id not in self._seen
        self._seen.add(hit.id)
        known = self._sightings.get(hit.id)
        self._sightings[hit.id] = max(known or 0, hit.sightings)
        if not new and announce and hit.status.open and (known is None or hit.sightings > known):
            self._sighted(hit)
        if self._reloading:
            self._arrived[hit.id] = hit
        if new and announce and hit.status is HitStatus.NEW and self.alerts is not None:
            self.alerts.announce(hit)  # the chime starts now, whatever the table does
        self._batch[hit.id] = hit
        wait = ROW_BATCH_S - (time.perf_counter() - self._last_flush)
        if wait <= 0:
            self._flush_rows()
        elif not self._flush_timer.isActive():
            self._flush_timer.start(int(wait * 1000) + 1)

    def _sighted(self, hit: HitSummary) -> None:
        """An open hit seen again: sound, flash and say where, as the grouping rules ask."""
        attention = sighting_attention(hit, TOP_PRIORITY_MAX)
        if self.alerts is not None:
            self.alerts.announce_sighting(hit, attention)
        if attention.flash:
            self.model.flash(hit.id)
        self.hit_sighted.emit(hit, attention)
        if hit.id == self.current_id:  # the open hit's sighting history grows
            self._spawn(self.reload_detail())

    def _flush_rows(self) -> None:
        batch, self._batch = self._batch, {}
        self._last_flush = time.perf_counter()
        self.model.upsert_many(batch.values())  # one count of the queue per batch, not one per row
        for hit in batch.values():
            if hit.status.open and hit.id not in self.shown_at:
                self.shown_at[hit.id] = self._last_flush
                self.hit_shown.emit(hit)

    def _ack(self, hit_id: int) -> None:
        if self.alerts is not None:
            self.alerts.acknowledge(hit_id)

    # ---- queue loading ------------------------------------------------------------------------
    def schedule_reload(self) -> None:
        """Reload the queue soon, at most once per RELOAD_MIN_INTERVAL_S."""
        if self._reload_timer.isActive():
            return
        wait = max(0.0, RELOAD_MIN_INTERVAL_S - (time.monotonic() - self._last_reload))
        self._reload_timer.start(int(wait * 1000))

    def _reload_now(self) -> None:
        self._spawn(self.reload())

    async def reload(self) -> None:
        if self._reloading:
            self._reload_again = True
            return
        self._reloading = True
        self._arrived = {}
        self._last_reload = time.monotonic()
        try:
            rows = await self.ui.call(self.svc.queue, self.actor, False, QUEUE_LIMIT)
        except DomainError as exc:
            self.message.emit(str(exc), True)
            return
        finally:
            self._reloading = False
        fresh = [h for h in rows if h.id not in self._seen]
        for h in rows:
            self._sightings[h.id] = max(self._sightings.get(h.id, 0), h.sightings)
        self.model.replace_all(rows, keep=self._arrived.values())
        self._arrived = {}
        first = not self._loaded_once
        self._loaded_once = True
        waiting = [h for h in fresh if h.status is HitStatus.NEW and h.claimed_by is None]
        for hit in fresh:  # e.g. retroactive hits raised by a hot-list import
            self._seen.add(hit.id)
        # at sign-in the hits that arrived meanwhile (nobody handled them) are announced too:
        # they sounded at the sign-in screen, and the dispatcher must hear what is waiting
        if self.alerts is not None:
            for hit in waiting:
                self.alerts.announce(hit)
        if first and waiting:
            self.message.emit(f"{len(waiting)} unclaimed hit{'s' if len(waiting) != 1 else ''} waiting "
                              "(arrived while nobody was signed in or not yet handled): F2 claims the most urgent.",
                              True)
        if self._reload_again:
            self._reload_again = False
            self.schedule_reload()

    # ---- the open hit -------------------------------------------------------------------------
    async def open(self, hit_id: int) -> None:
        """Show a hit in the panels (recorded as a view); looking at a hit never claims it."""
        self.current_id = hit_id
        await self.reload_detail(images=True)
        if self.detail is not None and self.detail.summary.id == hit_id:
            self._hint()

    async def claim(self) -> HitSummary:
        """Claim the hit shown in the panel (the explicit action, Ctrl+K)."""
        hit_id = self._require_open()
        hit = await self.ui.call(self.svc.claim, self.actor, hit_id)
        self.model.upsert(hit)
        self._ack(hit_id)
        await self._after_change(hit_id)
        return hit

    async def claim_next(self) -> HitSummary | None:
        try:
            hit = await self.ui.call(self.svc.claim_next, self.actor)
        except DomainError as exc:
            self.message.emit(str(exc), True)
            return None
        if hit is None:
            self.message.emit("No unclaimed hits in the queue.", False)
            return None
        self.model.upsert(hit)
        self._ack(hit.id)
        self.current_id = hit.id
        await self.reload_detail(images=True)
        self._hint()
        return hit

    async def reload_detail(self, images: bool = False) -> None:
        hit_id = self.current_id
        if hit_id is None:
            self.detail = None
            self.detail_changed.emit(None)
            return
        try:
            detail = await self.ui.call(self.svc.view, self.actor, hit_id)
        except DomainError as exc:
            self.message.emit(str(exc), True)
            return
        if hit_id != self.current_id:
            return
        self.detail = detail
        self.model.upsert(detail.summary)
        self.detail_changed.emit(detail)
        self.yq_changed.emit(yq_due(detail.steps, self.clock.now()))
        if images:
            plate = await self._image(hit_id, "plate")
            overview = await self._image(hit_id, "overview")
            if hit_id == self.current_id:
                self.images_loaded.emit(plate, overview)

    async def _image(self, hit_id: int, which: str) -> bytes | None:
        try:
            return await self.ui.call(self.svc.image, self.actor, hit_id, which)
        except DomainError as exc:
            logger.warning("image %s of hit %s: %s", which, hit_id, exc)
            return None

    async def sighting_crop(self, hit_id: int, read_id: int) -> bytes | None:
        """One sighting's plate crop (recorded as ``hit.image`` by the service)."""
        try:
            return await self.ui.call(self.svc.sighting_image, self.actor, hit_id, read_id, "plate")
        except DomainError as exc:
            self.message.emit(str(exc), True)
            return None

    def actions(self) -> frozenset[HitAction]:
        return available_actions(self.detail, self.actor.user_id, self.can_handle, self.clock.now())

    def refusal(self, action: HitAction) -> str | None:
        """Why the action is not available on the open hit (None when it is)."""
        if self.detail is None:
            return "Open a hit first (F2 claims the next one)."
        return refusal(action, self.detail.situation, self.actor.user_id, self.can_handle, self.clock.now())

    def _hint(self) -> None:
        if self.detail is not None:
            self.message.emit(next_step(self.detail.situation), False)

    # ---- steps (raise DomainError to the dialog that asked) -----------------------------------
    async def record(self, step: StepInput, corrects_step_id: int | None = None, hit_id: int | None = None) -> HitStep:
        """Record on ``hit_id`` (the hit the action started on; default the open one)."""
        hit_id = hit_id if hit_id is not None else self._require_open()
        stored = await self.ui.call(self.svc.record, self.actor, hit_id, step, corrects_step_id)
        await self._after_change(hit_id)
        return stored

    async def accept(self, override_reason: str = "", hit_id: int | None = None) -> HitStep:
        return await self.record(VisualAccepted("", override_reason), hit_id=hit_id)

    async def send_yq(self, priority: str, fields: tuple[tuple[str, str], ...], hit_id: int | None = None) -> HitStep:
        hit_id = hit_id if hit_id is not None else self._require_open()
        stored = await self.ui.call(self.svc.send_yq, self.actor, hit_id, priority, fields)
        await self._after_change(hit_id)
        return stored

    async def notifications_due(self) -> list:
        """Recoveries/arrests whose entering agency is not yet notified (with age)."""
        return await self.ui.call(self.svc.notifications_due, self.actor)

    async def yq_prefill(self, priority: str = "U") -> YqRequest | None:
        return await self.ui.call(self.svc.yq_prefill, self.actor, self._require_open(), priority)

    async def print_report(self) -> PrintedReport:
        report = await self.ui.call(self.svc.print_report, self.actor, self._require_open())
        self.message.emit(f"Hit report saved: {report.path}", False)
        return report

    async def release(self) -> None:
        hit_id = self._require_open()
        await self.ui.call(self.svc.release, self.actor, hit_id)
        await self._after_change(hit_id, hint=False)

    def step(self, step_id: int) -> HitStep | None:
        return next((s for s in self.detail.steps if s.id == step_id), None) if self.detail else None

    def next_rno(self) -> int:
        sent = sum(1 for s in effective(self.detail.steps) if s.kind is StepKind.YQ_SENT) if self.detail else 0
        return min(MAX_REQUESTS, sent + 1)

    def _require_open(self) -> int:
        if self.current_id is None:
            raise Conflict("Open a hit first (F2 claims the next one).")
        return self.current_id

    async def _after_change(self, hit_id: int, hint: bool = True) -> None:
        """The panel follows the hit acted on, with its fresh state, actions and next step."""
        try:
            summary = await self.ui.call(self.svc.summary, self.actor, hit_id)
        except DomainError:
            summary = None
        if summary is not None:
            self.model.upsert(summary)
            if summary.claimed_by is not None or not summary.status.open:
                self._ack(hit_id)
        self.current_id = hit_id
        await self.reload_detail()
        if hint:
            self._hint()
        self.changed_hit.emit(hit_id)

    # ---- timers -------------------------------------------------------------------------------
    def _every_second(self) -> None:
        if self.detail is None:
            return
        due = yq_due(self.detail.steps, self.clock.now())
        self.yq_changed.emit(due)
        key = (self.detail.summary.id, due.rno)
        if due.state in ("overdue", "exhausted") and key not in self._overdue_sent:
            self._overdue_sent.add(key)
            self.yq_overdue.emit(due)

    def _spawn(self, coro) -> None:  # noqa: ANN001
        spawn(coro)

    def stop(self) -> None:
        for timer in (self._second, self._ages, self._safety, self._reload_timer, self._flush_timer):
            timer.stop()


def spawn(coro) -> bool:  # noqa: ANN001
    """Run ``coro`` as a task of the running loop; False (and the coroutine closed) when there is none.

    A timer of a console that is closing can fire after its event loop has stopped; that reload has
    nowhere to go and must not raise inside Qt's timer callback.
    """
    import asyncio

    try:
        task = asyncio.ensure_future(coro)
    except RuntimeError:  # no current event loop, or it is closed
        coro.close()
        logger.debug("console task dropped: no event loop")
        return False
    task.add_done_callback(_log_failure)
    return True


def _log_failure(task) -> None:  # noqa: ANN001
    if not task.cancelled() and task.exception() is not None:
        logger.error("console task failed", exc_info=task.exception())
