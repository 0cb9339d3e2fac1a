"""Camera tiles: live preview with plate boxes and the last read, and the camera's health.

Preview frames arrive as queued signals at the runtime's preview rate; a tile only keeps the
latest one and a single timer (``MAX_FPS``) converts and repaints the tiles that changed, so
eight cameras never cost the GUI thread more than one conversion per tile per tick.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.domain.cameras import CameraInfo
from app.ui.colour_checks import contrast
from app.ui.palette import DARK
from app.ui.screens.console_look import BAD_COLOUR, OK_COLOUR, WARN_COLOUR, bgr_to_qimage
from app.ui.theme import palette
from recognition.runtime.events import PreviewFrame
from recognition.types import CameraHealth

__all__ = ["CameraInfo", "CameraTilesWidget"]

MAX_FPS = 15
BAR_H = 24
STALE_FRAME_S = 3.0
STATE_LOOK = {  # state -> (word, colour)
    "live": ("LIVE", OK_COLOUR), "connecting": ("CONNECTING", WARN_COLOUR),
    "reconnecting": ("RECONNECTING", WARN_COLOUR), "offline": ("OFFLINE", BAD_COLOUR),
    "stopped": ("STOPPED", "#9aa7b4"), "error": ("ERROR", BAD_COLOUR),
}


TILE_BAR = "#0a0e12"  # the health bar: dark in both themes (it sits on video)
NEUTRAL_COLOUR = "#c3ccd6"


def tile_warning_colour() -> str:
    """The theme's warning role (app.ui.theme), or the dark palette's when the theme's is too dark for the bar."""
    warn = palette().warn
    return warn if contrast(warn, TILE_BAR) >= 4.5 else DARK.warn


class CameraTile(QFrame):
    """One camera: the picture (painted), plate boxes, last read, health line."""

    def __init__(self, info: CameraInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.setObjectName("CameraTile")
        self.setMinimumSize(220, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(f"Camera {info.name}")
        self.image: QImage | None = None
        self.frame: PreviewFrame | None = None
        self.pending: PreviewFrame | None = None
        self.health: CameraHealth | None = None
        self.last_read = ""
        self.last_read_at = 0.0
        self.hit_text = ""
        self.hit_until = 0.0
        self.frame_at = 0.0
        self.frames_shown = 0
        self._small = QFont()
        self._small.setPointSizeF(9.0)
        self._plate_font = QFont()
        self._plate_font.setBold(True)
        self._plate_font.setPointSizeF(10.0)

    # ---- feeding ------------------------------------------------------------------------------
    def take_pending(self) -> bool:
        """Convert the latest pending frame (called by the tiles' timer); True when repainted."""
        frame, self.pending = self.pending, None
        if frame is None:
            return False
        if frame.image is not None:
            image = bgr_to_qimage(frame.image)
        elif frame.jpeg:
            image = QImage.fromData(frame.jpeg, "JPEG")
            if image.isNull():
                return False
        else:
            return False
        # Scale and convert once here: painting a BGR888 frame scaled would convert it on every repaint.
        area = self._video_area()
        scale = min(area.width() / image.width(), area.height() / image.height())
        if 0 < scale < 1.0:
            image = image.scaled(max(1, int(image.width() * scale)), max(1, int(image.height() * scale)),
                                 Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.image = image.convertToFormat(QImage.Format.Format_RGB32)
        self.frame = frame
        self.frame_at = time.monotonic()
        self.frames_shown += 1
        for plate in frame.plates:
            if plate.text:
                self.last_read, self.last_read_at = plate.text, time.monotonic()
        self.update()
        return True

    def set_health(self, health: CameraHealth) -> None:
        self.health = health
        word, _ = STATE_LOOK.get(health.state, (health.state.upper(), WARN_COLOUR))
        self.setAccessibleDescription(f"{word}, {health.fps_in:.1f} frames per second, {health.dropped} dropped"
                                      + (f", {health.last_error}" if health.last_error else ""))
        self.update()

    def flash_hit(self, text: str, seconds: float = 8.0) -> None:
        self.hit_text = text
        self.hit_until = time.monotonic() + seconds
        self.update()

    def health_text(self) -> tuple[str, str]:
        """The whole health line and the colour of its state word."""
        parts = self.health_parts()
        return "  ".join(t for t, _c in parts), parts[0][1]

    def health_parts(self) -> list[tuple[str, str]]:
        """The health line as (text, colour) pieces: the state in its colour, dropped frames as a warning.

        Dropped frames mean capture or recognition could not keep up (reads may be missed): never shown in
        the green of LIVE, but in the theme's warning role with a warning sign.
        """
        h = self.health
        if h is None:
            return [("NO STATUS", WARN_COLOUR)]
        word, colour = STATE_LOOK.get(h.state, (h.state.upper(), WARN_COLOUR))
        if h.state == "live" and self.frame_at and time.monotonic() - self.frame_at > STALE_FRAME_S:
            word, colour = "LIVE (no preview)", WARN_COLOUR
        if h.state in ("stopped", "error") and h.last_error:  # e.g. a video file corrupt part-way
            return [(f"ERROR: {h.last_error[:80]}", BAD_COLOUR)]
        parts = [(word, colour), (f"{h.fps_in:4.1f} fps", NEUTRAL_COLOUR)]
        if h.dropped:
            parts.append((f"\u26a0 {h.dropped} dropped", tile_warning_colour()))
        else:
            parts.append(("0 dropped", NEUTRAL_COLOUR))
        return parts

    def last_read_text(self, room: float) -> str:
        """The last read in the top bar's ``room`` beside the camera name (never drawn over the name)."""
        if not self.last_read:
            return ""
        metrics = QFontMetrics(self._small)
        for text in (f"last read {self.last_read}", self.last_read):
            if metrics.horizontalAdvance(text) <= room:
                return text
        return ""  # the tile is too narrow: the camera name wins

    # ---- painting -----------------------------------------------------------------------------
    def _video_area(self) -> QRectF:
        return QRectF(0, BAR_H, max(1, self.width()), max(1, self.height() - 2 * BAR_H))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#0b0e11"))
        bar_h = BAR_H
        area = self._video_area()
        if self.image is not None and not self.image.isNull():
            scale = min(area.width() / self.image.width(), area.height() / self.image.height())
            w, h = self.image.width() * scale, self.image.height() * scale
            target = QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)
            p.drawImage(target, self.image)
            if self.frame is not None:
                self._boxes(p, target, target.width() / max(1, self.frame.width))
        else:
            p.setPen(QColor("#6b7580"))
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "waiting for video")
        # top bar: name and last read
        p.fillRect(QRectF(0, 0, self.width(), bar_h), QColor(15, 39, 64, 235))
        p.setPen(QColor("#ffffff"))
        p.setFont(self._plate_font)
        p.drawText(QRectF(6, 0, self.width() - 12, bar_h), Qt.AlignmentFlag.AlignVCenter, self.info.name)
        read = self.last_read_text(self.width() - 12 - p.fontMetrics().horizontalAdvance(self.info.name) - 10)
        if read:
            p.setFont(self._small)
            p.setPen(QColor("#cfe3ff"))
            p.drawText(QRectF(6, 0, self.width() - 12, bar_h),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, read)
        # bottom bar: health in words and colour
        parts = self.health_parts()
        p.fillRect(QRectF(0, self.height() - bar_h, self.width(), bar_h), QColor(TILE_BAR))
        p.setBrush(QColor(parts[0][1]))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QRectF(7, self.height() - bar_h + 7, 10, 10))
        p.setFont(self._small)
        x = 23.0
        metrics = p.fontMetrics()
        gap = metrics.horizontalAdvance("   ")
        if len(parts) > 2 and sum(metrics.horizontalAdvance(t) + gap for t, _c in parts) > self.width() - x:
            parts = [parts[0], *parts[2:]]  # a narrow tile drops the fps before the warning (in the description)
        for text, colour in parts:
            room = max(0.0, self.width() - x - 6)
            p.setPen(QColor(colour))
            p.drawText(QRectF(x, self.height() - bar_h, room, bar_h), Qt.AlignmentFlag.AlignVCenter,
                       metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(room)))
            x += metrics.horizontalAdvance(text) + gap
        if self.hit_text and time.monotonic() < self.hit_until:
            p.setPen(QPen(QColor("#ff5c5c"), 3))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(1.5, 1.5, self.width() - 3, self.height() - 3))
            p.fillRect(QRectF(0, bar_h, self.width(), 22), QColor(120, 20, 24, 220))
            p.setPen(QColor("#ffffff"))
            p.setFont(self._plate_font)
            p.drawText(QRectF(6, bar_h, self.width() - 12, 22), Qt.AlignmentFlag.AlignVCenter,
                       f"\u26a0 HIT {self.hit_text}")
        p.end()

    def _boxes(self, p: QPainter, target: QRectF, scale: float) -> None:
        assert self.frame is not None
        p.setFont(self._plate_font)
        for plate in self.frame.plates:
            b = plate.box
            r = QRectF(target.x() + b.x * scale, target.y() + b.y * scale, b.w * scale, b.h * scale)
            p.setPen(QPen(QColor("#39d353"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(r)
            if plate.text:
                label = f"{plate.text} {plate.confidence:.0%}"
                box = QRectF(r.x(), max(target.y(), r.y() - 18), max(r.width(), 9.0 * len(label)), 17)
                p.fillRect(box, QColor(0, 0, 0, 190))
                p.setPen(QColor("#39d353"))
                p.drawText(box.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, label)


class CameraTilesWidget(QWidget):
    """A grid of camera tiles fed by AppSignals.camera_preview / camera_health."""

    def __init__(self, parent: QWidget | None = None, max_fps: int = MAX_FPS) -> None:
        super().__init__(parent)
        self.setAccessibleName("Camera tiles")
        self.tiles: dict[str, CameraTile] = {}
        self._grid = QGridLayout()
        self._grid.setSpacing(4)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._empty = QLabel("No cameras are running on this workstation. Hits from other workstations "
                             "still arrive in the queue.")
        self._empty.setObjectName("Muted")
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._empty)
        lay.addLayout(self._grid, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / max_fps))
        self._timer.timeout.connect(self._paint_pending)
        self._timer.start()
        self._health_timer = QTimer(self)  # re-evaluates "no preview" staleness
        self._health_timer.setInterval(1000)
        self._health_timer.timeout.connect(self._refresh_health)
        self._health_timer.start()

    def set_cameras(self, cameras: list[CameraInfo]) -> None:
        for info in cameras:
            self.tile(info.key, info)

    def tile(self, key: str, info: CameraInfo | None = None) -> CameraTile:
        tile = self.tiles.get(key)
        if tile is None:
            tile = CameraTile(info or CameraInfo(key, key))
            self.tiles[key] = tile
            self._relayout()
        elif info is not None:
            tile.info = info
            tile.setAccessibleName(f"Camera {info.name}")
        return tile

    def on_preview(self, frame: object) -> None:
        if isinstance(frame, PreviewFrame):
            self.tile(frame.camera_id).pending = frame  # only the latest frame is kept

    def on_health(self, health: object) -> None:
        if isinstance(health, CameraHealth):
            self.tile(health.camera_id).set_health(health)

    def note_hit(self, camera: str, text: str) -> None:
        """Flash a hit on the tile of ``camera`` (key or name)."""
        for key, tile in self.tiles.items():
            if camera in (key, tile.info.name):
                tile.flash_hit(text)

    def _paint_pending(self) -> None:
        for tile in self.tiles.values():
            if tile.pending is not None:
                tile.take_pending()

    def _refresh_health(self) -> None:
        now = time.monotonic()
        for tile in self.tiles.values():
            if tile.health is not None or (tile.hit_text and now > tile.hit_until):
                tile.update()

    def _relayout(self) -> None:
        self._empty.setVisible(not self.tiles)
        n = len(self.tiles)
        cols = max(1, min(4, math.ceil(math.sqrt(n))))
        for i, tile in enumerate(self.tiles.values()):
            self._grid.addWidget(tile, i // cols, i % cols)
