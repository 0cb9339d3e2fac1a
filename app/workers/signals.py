"""The one hub through which workers and services' results reach the screens."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppSignals(QObject):
    #: a mutation happened; payload is an app.domain.changes.Changes value
    changed = Signal(object)
    #: a new hit (app.domain hit value) to show
    hit_raised = Signal(object)
    #: camera health (recognition.types.CameraHealth)
    camera_health = Signal(object)
    #: preview frame for a camera tile: (camera_id, QImage-ready ndarray or bytes)
    camera_preview = Signal(object)
    #: a warning for the banner (text); empty string clears
    banner = Signal(str)
    #: user activity stopped for the idle period
    idle_timeout = Signal()
