"""What runs whether or not anyone is signed in: hot-list index, recognition, listener, housekeeping.

Used by the console (beside its windows) and by the headless recognition node. QtCore only: its
timers and signals run on the thread that created it (the GUI thread in the console, the
QCoreApplication thread in a node); database work goes through the one DB executor.

Reads are stored while the console is locked or signed out (a read must never be lost); hits are
shown once a user is signed in (:meth:`AppRuntime.start_alerts` at sign-in, :meth:`stop_alerts` at
sign-out), but they sound even at the sign-in screen (:class:`app.runtime.standby.StandbyChimes`),
and the hits that arrived meanwhile are handed to the console at sign-in (:attr:`missed_at_sign_in`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.alerts import ChimeBand, ChimeSink
from app.domain.cameras import CameraInfo
from app.domain.changes import Changes
from app.domain.users import Actor
from app.paths import AppPaths
from app.runtime.alerts import HitAlertsBridge, build_audio_alerts
from app.runtime.housekeeping import Housekeeping, HousekeepingResult, JobLock
from app.runtime.standby import StandbyChimes
from app.services.bundle import ServiceBundle
from app.services.demo_seed import demo_plates, seed_demo
from app.settings.model import AlertSettings
from app.workers.db_executor import DbExecutor
from app.workers.recognition_bridge import RecognitionBridge, runtime_factory
from app.workers.signals import AppSignals
from recognition.config import CameraConfig

logger = logging.getLogger(__name__)

LINK_LOST = "Lost the link to other consoles (hit notifications): reconnecting..."


@dataclass(frozen=True, slots=True)
class RuntimeOptions:
    """What this process runs (decided by app.bootstrap from the settings and the command line).

    Attributes:
        run_cameras: run recognition for the cameras this workstation owns (a console on SQLite, or one
            configured to); a node leases its cameras instead (app.runtime.node).
        demo: synthetic demo cameras and the demo hot list.
        listen_url: full PostgreSQL URL (password included) to LISTEN for hits made elsewhere; "" on SQLite.
        child_process: recognition in a child process (the console keeps its GUI process light).
        use_models: the shipped OpenVINO models (False: the demo oracle, no models needed).
        housekeeping_ms: how often expiry, purge and scheduled imports are checked.

    """

    run_cameras: bool = True
    demo: bool = False
    listen_url: str = ""
    child_process: bool = True
    use_models: bool = True
    housekeeping_ms: int = 5 * 60_000
    demo_plates: tuple[str, ...] | None = None  # the plates demo traffic carries (default: the demo hot list)
    center_health_ms: int = 0  # > 0: read the recognition nodes' health this often (consoles on PostgreSQL)
    standby_chime: bool = True  # chime hits while nobody is signed in (a console; a headless node has no speaker)


def _real_chimes() -> ChimeSink:
    from app.workers.chime import ChimePlayer

    return ChimePlayer()


def camera_infos(configs: Sequence[CameraConfig]) -> tuple[CameraInfo, ...]:
    """Tile descriptions of recognition camera configs."""
    return tuple(CameraInfo(c.id, c.name or c.id, c.location or "") for c in configs)


class AppRuntime(QObject):
    """Owns recognition, the hit listener, housekeeping and change broadcasting of one process."""

    #: HousekeepingResult of every housekeeping run (tests, the node's log)
    housekept = Signal(object)
    #: True when the LISTEN link is up, False while it is down (PostgreSQL only)
    link_changed = Signal(bool)
    _housekept_later = Signal(object)  # from the executor thread to this object's thread

    def __init__(self, services: ServiceBundle, executor: DbExecutor, signals: AppSignals, paths: AppPaths,
                 options: RuntimeOptions, alert_settings: AlertSettings | None = None,
                 job_lock: JobLock | None = None, standby_chimes: Callable[[], ChimeSink] | None = None) -> None:
        super().__init__()
        self.services, self.executor, self.signals = services, executor, signals
        self.paths, self.options = paths, options
        self.alert_settings = alert_settings or AlertSettings()
        self.bridge: RecognitionBridge | None = None
        self.cameras: tuple[CameraInfo, ...] = ()
        self.alerts: HitAlertsBridge | None = None
        self.listener = None  # app.workers.pg_listener.PgListener on PostgreSQL
        self._link_down_shown = False
        self.housekeeping = Housekeeping(services, Actor.system(services.ctx.workstation, "scheduler"), job_lock)
        self._system = Actor.system(services.ctx.workstation, "console-runtime")  # reads the nodes' health
        self._timer = QTimer(self)
        self._timer.setInterval(options.housekeeping_ms)
        self._timer.timeout.connect(self.run_housekeeping)
        self._housekept_later.connect(self._after_housekeeping)
        self._health_timer = QTimer(self)
        self._health_timer.setInterval(max(500, options.center_health_ms))
        self._health_timer.timeout.connect(self.read_center_health)
        self._health_busy = False
        self._started = False
        self.standby = StandbyChimes(signals, lambda: self.alerts is not None, standby_chimes or _real_chimes)
        self.missed_at_sign_in: tuple[int, ...] = ()  # hits that arrived while nobody was signed in

    # ---- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Broadcast changes, load the hot lists, start recognition, the listener and housekeeping."""
        svc = self.services
        self.signals.follow(svc.ctx.changes)
        svc.ctx.changes.subscribe(self._on_changes)
        recovered = await self.executor.run_bulk(svc.hotlists.recover_interrupted_imports)  # before the index
        if recovered:
            self.signals.banner.emit(" ".join(recovered))
        if self.options.demo:
            await self.executor.run_bulk(seed_demo, svc.hotlists, svc.ctx.uow, self.paths.data / "demo",
                                    svc.ctx.workstation)
        else:
            await self.executor.run(svc.hotlist_index.rebuild)
        if self.options.run_cameras:
            configs = await self.executor.run(svc.hits.cameras.runtime_cameras)
            self.start_recognition(configs)
        self.start_listener()
        if self.options.standby_chime:
            self.standby.start()
        self._timer.start()
        if self.options.center_health_ms > 0:
            self._health_timer.start()
            self.read_center_health()
        self._started = True

    def start_recognition(self, configs: Sequence[CameraConfig]) -> None:
        """Run recognition for ``configs`` (demo cameras when empty and in demo mode); replaces what ran."""
        plates = (self.options.demo_plates or demo_plates()) if self.options.demo else ()
        make, config = runtime_factory(self.services.hits.cameras, demo=self.options.demo, demo_plates=plates,
                                       use_models=self.options.use_models, child_process=self.options.child_process,
                                       configs=tuple(configs))
        self.cameras = camera_infos(config.cameras)
        if self.bridge is None:
            self.bridge = RecognitionBridge(self.services.hits.ingest, self.signals)
            self.bridge.fault.connect(lambda fault: self.signals.banner.emit(f"Recognition: {fault.message}"))
            self.bridge.alarm.connect(self._alarm)
            self.bridge.start()
        self.bridge.replace_runtime(make if config.cameras else None)
        self.signals.cameras_listed.emit(self.cameras)
        logger.info("recognition running for %d camera(s)", len(config.cameras))

    def start_listener(self) -> None:
        """With PostgreSQL, hits, claims and steps made elsewhere arrive by LISTEN/NOTIFY."""
        url = self.options.listen_url
        if not url.startswith("postgresql") or self.listener is not None:
            return
        from app.workers.pg_listener import PgListener

        self.listener = PgListener(url, self.signals, self.services.ctx.workstation)
        self.listener.connection_changed.connect(self._link)
        self.listener.changes_notified.connect(self._remote_changes)
        self.listener.start()

    def stop(self) -> None:
        """Stop everything this runtime started (idempotent)."""
        self.stop_alerts()
        self.standby.stop()
        self._timer.stop()
        self._health_timer.stop()
        self.services.ctx.changes.unsubscribe(self._on_changes)
        self.signals.unfollow(self.services.ctx.changes)
        if self.listener is not None:
            self.listener.stop()
            self.listener = None
        if self.bridge is not None:
            self.bridge.stop()
            self.bridge = None
        self._started = False

    # ---- sign-in / sign-out ---------------------------------------------------------------------
    def start_alerts(self, make: Callable[[], HitAlertsBridge] | None = None) -> HitAlertsBridge:
        """At sign-in: the audible alerts of the signed-in dispatcher (``make`` overrides the real audio)."""
        if self.alerts is None:
            self.alerts = make() if make is not None else build_audio_alerts(self.signals, self.alert_settings)
            self.missed_at_sign_in = self.standby.signed_in()
        return self.alerts

    def stop_alerts(self) -> None:
        """At sign-out: alerts stop; recognition, listener and housekeeping go on."""
        if self.alerts is not None:
            self.alerts.shutdown()
            self.alerts = None

    # ---- housekeeping and changes ---------------------------------------------------------------
    def run_housekeeping(self) -> Future[HousekeepingResult]:
        """Run housekeeping on the DB executor now; its result is broadcast and reported on this thread."""
        future = self.executor.submit_bulk(self.housekeeping.run)  # imports and purges never queue a claim
        future.add_done_callback(self._housekeeping_done)
        return future

    def _housekeeping_done(self, future: Future[HousekeepingResult]) -> None:
        exc = future.exception()
        result = HousekeepingResult(problems=(f"Housekeeping failed: {exc}",)) if exc else future.result()
        self._housekept_later.emit(result)

    def _after_housekeeping(self, result: HousekeepingResult) -> None:
        if result.changes:
            self.signals.changed.emit(result.changes)
        if result.problems:
            self.signals.banner.emit(" ".join(result.problems))
        self.housekept.emit(result)

    def _alarm(self, text: str) -> None:
        """Reads at risk (journal unwritable, reads lost): the urgent chime on top of the banner."""
        if text and self.alerts is not None:
            self.alerts.chimes.play(ChimeBand.URGENT)

    def _on_changes(self, changes: Changes) -> None:
        """Service changes made in this process (any thread): act on them, and tell the other processes."""
        if changes.cameras:
            self.services.hits.reads.forget_cameras()  # hits name a renamed camera by its new name at once
        shared = Changes(hotlists=changes.hotlists, cameras=changes.cameras)
        if shared and self.options.listen_url:
            self.executor.submit(self.services.center.announce, shared).add_done_callback(_log_failure)

    def _remote_changes(self, changes: Changes) -> None:
        """Changes another process of the center made (LISTEN): keep this process's caches current."""
        if changes.hotlists:
            self.executor.submit_bulk(self.services.hotlist_index.rebuild).add_done_callback(_log_failure)
        if changes.cameras:
            self.services.hits.reads.forget_cameras()

    # ---- recognition nodes (consoles on PostgreSQL) ---------------------------------------------
    def read_center_health(self) -> None:
        """Read the nodes' and cameras' health on the DB executor; it arrives on ``AppSignals.nodes_health``."""
        if self._health_busy:
            return
        self._health_busy = True
        future = self.executor.submit(self.services.center.health, self._system)
        future.add_done_callback(self._center_health_done)

    def _center_health_done(self, future: Future) -> None:
        self._health_busy = False
        if future.exception() is None:
            self.signals.nodes_health.emit(future.result())

    def _link(self, up: bool) -> None:
        """Show the lost LISTEN link on the banner; clear only our own message, never someone else's."""
        if up and self._link_down_shown:
            self.signals.banner.emit("")
        elif not up:
            self.signals.banner.emit(LINK_LOST)
        self._link_down_shown = not up
        self.link_changed.emit(up)


def _log_failure(future: Future) -> None:
    if (exc := future.exception()) is not None:
        logger.error("background runtime job failed: %s", exc)
