"""Start-up of what the console needs beside its widgets: audio alerts, recognition, other consoles.

For the lead's start-up code (app/ui/application.py), after the main window exists::

    runtime = start_console_runtime(ui, window, database_url=db.url_with_password, demo=args.demo,
                                    demo_plates=plates)
    qapp.aboutToQuit.connect(runtime.stop)      # also call runtime.stop() on sign-out

Everything here is optional and fails visibly: no audio -> banner; no cameras -> the tiles say so;
no PostgreSQL -> no listener (a single SQLite console needs none).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtWidgets import QWidget

from app.domain.alerts import ChimeBand
from app.ui.alerts_bridge import HitAlertsBridge, build_audio_alerts
from app.ui.context import UiContext
from app.ui.screens.console import ConsoleScreen
from app.ui.screens.console_cameras import CameraInfo

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ConsoleRuntime:
    """What :func:`start_console_runtime` started; :meth:`stop` ends it all (idempotent)."""

    alerts: HitAlertsBridge | None = None
    bridge: object | None = None  # app.workers.recognition_bridge.RecognitionBridge
    listener: object | None = None  # app.workers.pg_listener.PgListener
    screen: ConsoleScreen | None = None
    problems: list[str] = field(default_factory=list)

    def stop(self) -> None:
        for name in ("bridge", "listener"):
            worker = getattr(self, name)
            if worker is not None:
                try:
                    worker.stop()
                except Exception:  # stopping must go on for the others
                    logger.exception("stopping the %s failed", name)
                setattr(self, name, None)
        if self.screen is not None:
            self.screen.shutdown()
        if self.alerts is not None:
            self.alerts.shutdown()
            self.alerts = None


def start_console_runtime(ui: UiContext, window: QWidget | None = None, *, database_url: str | None = None,
                          demo: bool = False, demo_plates: Sequence[str] = (), use_models: bool = True,
                          child_process: bool = False, alerts: HitAlertsBridge | None = None) -> ConsoleRuntime:
    """Start audio alerts, the recognition bridge (when this workstation runs cameras) and the listener.

    Args:
        ui: the signed-in UI context (its services must include ``hits``).
        window: the main window; its ``screens["console"]`` gets the alerts and the camera list.
        database_url: full PostgreSQL URL (password included) to LISTEN for other consoles' changes.
        demo: synthetic demo cameras when this workstation owns none.
        demo_plates: plates the demo traffic carries (the demo hot list).
        use_models: the shipped OpenVINO models (False: the demo oracle, no models needed).
        child_process: recognition in a child process.
        alerts: an alerts bridge to use instead of the real audio (tests, benchmarks).

    """
    rt = ConsoleRuntime()
    screens = getattr(window, "screens", {}) if window is not None else {}
    screen = screens.get("console")
    rt.screen = screen if isinstance(screen, ConsoleScreen) else None
    rt.alerts = alerts or build_audio_alerts(ui.signals, ui.settings.alerts)
    if rt.screen is not None:
        rt.screen.attach_alerts(rt.alerts)
    hits = ui.services.hits
    if hits is None:
        rt.problems.append("no hit services")
        return rt
    if ui.settings.run_recognition:
        from app.workers.recognition_bridge import RecognitionBridge, runtime_factory

        make, config = runtime_factory(hits.cameras, demo=demo, demo_plates=demo_plates, use_models=use_models,
                                       child_process=child_process)
        if rt.screen is not None:
            rt.screen.tiles.set_cameras([CameraInfo(c.id, c.name or c.id, c.location or "") for c in config.cameras])
        bridge = RecognitionBridge(hits.ingest, ui.signals, make if config.cameras else None)
        bridge.fault.connect(lambda fault: ui.signals.banner.emit(f"Recognition: {fault.message}"))
        bridge.alarm.connect(lambda text: rt.alerts.chimes.play(ChimeBand.URGENT) if text and rt.alerts else None)
        bridge.start()
        rt.bridge = bridge
    if database_url and database_url.startswith("postgresql"):
        from app.workers.pg_listener import PgListener

        listener = PgListener(database_url, ui.signals, ui.services.ctx.workstation)
        if rt.screen is not None:
            listener.notified.connect(rt.screen.ctrl.on_notification)
        down = {"shown": False}

        def link(up: bool) -> None:  # clear only our own message, never someone else's warning
            if up and down["shown"]:
                ui.signals.banner.emit("")
            elif not up:
                ui.signals.banner.emit("Lost the link to other consoles (hit notifications): reconnecting...")
            down["shown"] = not up

        listener.connection_changed.connect(link)
        listener.start()
        rt.listener = listener
    return rt
