"""Starts what runs whether or not anyone is signed in: the hot-list index, recognition and housekeeping.

Reads are stored while the console is locked or signed out (a read must never be lost); hits are
shown once a user is signed in.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.domain.alerts import ChimeBand
from app.domain.errors import DomainError
from app.domain.users import Actor
from app.paths import AppPaths
from app.services.bundle import ServiceBundle
from app.services.demo_seed import demo_plates, seed_demo
from app.settings.model import AppSettings
from app.ui.alerts_bridge import HitAlertsBridge, build_audio_alerts
from app.ui.context import UiContext
from app.ui.screens.console import ConsoleScreen
from app.ui.screens.console_cameras import CameraInfo
from app.workers.db_executor import DbExecutor
from app.workers.recognition_bridge import RecognitionBridge, runtime_factory
from app.workers.signals import AppSignals

logger = logging.getLogger(__name__)


class ConsoleRuntime(QObject):
    """Owns the recognition bridge and the housekeeping timer of one running console."""

    def __init__(self, services: ServiceBundle, executor: DbExecutor, signals: AppSignals, settings: AppSettings,
                 paths: AppPaths, demo: bool, db_url: str = "") -> None:
        super().__init__()
        self.services, self.executor, self.signals = services, executor, signals
        self.settings, self.paths, self.demo = settings, paths, demo
        self.bridge: RecognitionBridge | None = None
        self.cameras: list[CameraInfo] = []
        self.alerts: HitAlertsBridge | None = None
        self.listener = None
        self.db_url = db_url  # with the password (from the keyring) for the listener connection
        self.housekeeping = QTimer(self)
        self.housekeeping.setInterval(5 * 60_000)
        self.housekeeping.timeout.connect(self._housekeeping)
        self._system = Actor.system(services.ctx.workstation, "scheduler")

    async def start(self) -> None:
        svc = self.services
        if self.demo and svc.hotlists is not None:
            await self.executor.run(seed_demo, svc.hotlists, svc.ctx.uow, self.paths.data / "demo", svc.ctx.workstation)
        elif svc.hotlist_index is not None:
            await self.executor.run(svc.hotlist_index.rebuild)
        if svc.hits is not None and (self.settings.run_recognition or self.demo):
            # a child process: model compilation and inference never touch the GUI process
            make, config = await self.executor.run(
                runtime_factory, svc.hits.cameras, demo=self.demo,
                demo_plates=demo_plates() if self.demo else (), child_process=True)
            self.cameras = [CameraInfo(c.id, c.name or c.id, c.location or "") for c in config.cameras]
            self.bridge = RecognitionBridge(svc.hits.ingest, self.signals, make if config.cameras else None)
            self.bridge.fault.connect(lambda fault: self.signals.banner.emit(f"Recognition: {fault.message}"))
            self.bridge.alarm.connect(self._alarm)
            self.bridge.start()
            logger.info("recognition started for %d camera(s)", len(config.cameras))
        self._start_listener()
        self.housekeeping.start()

    def _alarm(self, text: str) -> None:
        """Reads at risk (journal unwritable, reads lost): the urgent chime on top of the banner."""
        if text and self.alerts is not None:
            self.alerts.chimes.play(ChimeBand.URGENT)

    def _start_listener(self) -> None:
        """With PostgreSQL, other consoles' hits, claims and steps arrive by LISTEN/NOTIFY."""
        url = self.db_url
        if not url or not url.startswith("postgresql"):
            return
        from app.workers.pg_listener import PgListener

        self.listener = PgListener(url, self.signals, self.services.ctx.workstation)
        self.listener.start()

    def attach(self, window: QWidget, ui: UiContext) -> None:
        """After sign-in: audio alerts, camera tiles and other consoles' changes reach the console screen."""
        self.alerts = build_audio_alerts(self.signals, self.settings.alerts)
        screen = getattr(window, "screens", {}).get("console")
        if isinstance(screen, ConsoleScreen):
            screen.attach_alerts(self.alerts)
            screen.tiles.set_cameras(self.cameras)
            if self.listener is not None:
                self.listener.notified.connect(screen.ctrl.on_notification)
            self._screen = screen

    def detach(self) -> None:
        """At sign-out: the screen goes, recognition and the listener keep running."""
        screen = getattr(self, "_screen", None)
        if screen is not None:
            if self.listener is not None:
                try:
                    self.listener.notified.disconnect(screen.ctrl.on_notification)
                except (RuntimeError, TypeError):
                    pass
            screen.shutdown()
            self._screen = None
        if self.alerts is not None:
            self.alerts.shutdown()
            self.alerts = None

    def _housekeeping(self) -> None:
        if self.services.hotlists is not None:
            self.executor.submit_bulk(self._daily_jobs).add_done_callback(_log_failure)

    def _daily_jobs(self) -> None:
        """Expire local entries, purge what retention expired (daily), re-import sources due today."""
        hot = self.services.hotlists
        assert hot is not None
        hot.expire(self._system)
        records = self.services.records
        if records is not None:
            try:
                records.purge.purge_if_due(self._system)
            except DomainError as exc:  # e.g. the clock guard refused: an administrator must look
                logger.error("scheduled purge refused: %s", exc)
                self.signals.banner.emit(f"Retention purge did not run: {exc}")
        hot.import_due(self._system, self.services.ctx.clock.now().astimezone())

    def stop(self) -> None:
        self.detach()
        self.housekeeping.stop()
        if self.listener is not None:
            self.listener.stop()
            self.listener = None
        if self.bridge is not None:
            self.bridge.stop()
            self.bridge = None


def _log_failure(future) -> None:  # noqa: ANN001
    if (exc := future.exception()) is not None:
        logger.error("housekeeping failed: %s", exc)
