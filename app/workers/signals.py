"""The one hub through which workers and services' results reach the screens."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.domain.changes import Changes
from app.services.change_feed import ChangeFeed


class AppSignals(QObject):
    #: a mutation happened; payload is an app.domain.changes.Changes value
    changed = Signal(object)
    #: a new hit (app.domain hit value) to show
    hit_raised = Signal(object)
    #: a hit changed somewhere in the center (app.domain.notifications.HitNotification, by LISTEN/NOTIFY)
    hit_notified = Signal(object)
    #: reads stored anywhere in the center (app.domain.notifications.ReadsStored, by LISTEN/NOTIFY)
    reads_stored = Signal(object)
    #: camera health (recognition.types.CameraHealth)
    camera_health = Signal(object)
    #: preview frame for a camera tile: (camera_id, QImage-ready ndarray or bytes)
    camera_preview = Signal(object)
    #: the cameras this process shows tiles for (tuple of app.domain.cameras.CameraInfo)
    cameras_listed = Signal(object)
    #: recognition nodes and their cameras (tuple of app.domain.center.NodeHealth), every few seconds
    nodes_health = Signal(object)
    #: a warning for the banner (text); empty string clears
    banner = Signal(str)
    #: user activity stopped for the idle period
    idle_timeout = Signal()

    def follow(self, feed: ChangeFeed) -> None:
        """Broadcast every ``Changes`` the services publish on :attr:`changed` (queued to the GUI thread)."""
        feed.subscribe(self._publish)

    def unfollow(self, feed: ChangeFeed) -> None:
        """Stop broadcasting ``feed`` (when this hub goes away before the services)."""
        feed.unsubscribe(self._publish)

    def _publish(self, changes: Changes) -> None:
        self.changed.emit(changes)
