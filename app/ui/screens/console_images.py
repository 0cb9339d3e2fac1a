"""Pictures of the verification panel: a zoomable image view and the char-by-char comparison strip."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.comparison import CellKind, PlateComparison
from app.ui.theme import palette

CAPTION_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) | int(Qt.TextFlag.TextWordWrap)
ZOOMS = (0.0, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # 0 = fit to the view


class ZoomImage(QWidget):
    """An image fitted to the widget, or zoomed (keys + / - / 0, Ctrl+wheel) about its centre."""

    zoom_changed = Signal(int)  # index into ZOOMS

    def __init__(self, name: str, empty_text: str = "no image", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(160, 80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self.empty_text = empty_text
        self.caption = ""
        self.zoom_index = 0

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, 160)

    def caption_height(self) -> int:
        """Room for the whole caption, wrapped to the width (never cut: "(drawn: n")."""
        if not self.caption:
            return 0
        box = QFontMetrics(self.font()).boundingRect(QRect(0, 0, max(40, self.width() - 8), 2000), CAPTION_FLAGS,
                                                   self.caption)
        return box.height() + 4

    def set_image(self, image: QImage | None, caption: str = "") -> None:
        self.image = image if image is not None and not image.isNull() else None
        self.caption = caption
        self.setAccessibleDescription(caption or self.empty_text)
        self.update()

    def set_zoom(self, index: int) -> None:
        index = max(0, min(len(ZOOMS) - 1, index))
        if index != self.zoom_index:
            self.zoom_index = index
            self.update()
            self.zoom_changed.emit(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_zoom(self.zoom_index + 1)
        elif key == Qt.Key.Key_Minus:
            self.set_zoom(self.zoom_index - 1)
        elif key == Qt.Key.Key_0:
            self.set_zoom(0)
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self.zoom_index + (1 if event.angleDelta().y() > 0 else -1))
            event.accept()
        else:
            super().wheelEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#07090b"))
        caption_h = self.caption_height()
        area = QRectF(2, 2, self.width() - 4, self.height() - 4 - caption_h)
        if self.image is None:
            p.setPen(QColor("#6b7580"))
            p.drawText(area, int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap), self.empty_text)
        else:
            fit = min(area.width() / self.image.width(), area.height() / self.image.height())
            zoom = ZOOMS[self.zoom_index]
            scale = fit if zoom == 0.0 else max(fit, 1.0) * zoom
            w, h = self.image.width() * scale, self.image.height() * scale
            p.setClipRect(area)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale < 2.0)
            p.drawImage(QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h), self.image)
            p.setClipping(False)
            if zoom:
                p.setPen(QColor("#cfe3ff"))
                p.drawText(area.adjusted(4, 2, -4, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                           f"{zoom:g}x")
        if self.caption:
            p.setPen(QColor("#b9d3ee"))
            p.drawText(QRectF(4, self.height() - caption_h - 1, self.width() - 8, caption_h),
                       CAPTION_FLAGS, self.caption)
        if self.hasFocus():
            p.setPen(QPen(QColor("#4a9be8"), 2))
            p.drawRect(QRectF(1, 1, self.width() - 2, self.height() - 2))
        p.end()


CELL_LOOK: dict[CellKind, tuple[str, str, str]] = {  # kind -> (background, text colour, mark)
    CellKind.SAME: ("#1d3b27", "#e6ffe9", ""),
    CellKind.LOOKALIKE: ("#5a4100", "#ffe08a", "\u2248 look-alike"),
    CellKind.DIFFERENT: ("#5c1a1d", "#ffd0d0", "\u2716 differs"),
    CellKind.MISSING: ("#3b2a52", "#e5d4ff", "\u2212 missing"),
    CellKind.EXTRA: ("#3b2a52", "#e5d4ff", "+ extra"),
    CellKind.WILDCARD: ("#233447", "#cfe3ff", "* wildcard"),
}


class ComparisonStrip(QWidget):
    """Read characters over listed characters, one column each, marked by kind (colour + symbol)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Character comparison, read against listed")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.comparison: PlateComparison | None = None
        self.setMinimumHeight(92)
        self._font = QFont("DejaVu Sans Mono")
        self._font.setPixelSize(24)
        self._font.setBold(True)
        self._small = QFont()
        self._small.setPixelSize(11)

    def set_comparison(self, comparison: PlateComparison | None) -> None:
        self.comparison = comparison
        self.setAccessibleDescription(comparison.describe() if comparison else "")
        self.setToolTip(comparison.describe() if comparison else "")
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        n = len(self.comparison.cells) if self.comparison else 7
        return QSize(70 + n * 40, 92)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.comparison is None:
            p.end()
            return
        p.setFont(self._small)
        p.setPen(QColor(palette().muted))  # on the panel: the theme's muted text (a fixed grey read 2.8:1 in light)
        p.drawText(QRectF(0, 6, 60, 30), Qt.AlignmentFlag.AlignVCenter, "READ")
        p.drawText(QRectF(0, 40, 60, 30), Qt.AlignmentFlag.AlignVCenter, "LISTED")
        x = 62.0
        for cell in self.comparison.cells:
            bg, fg, mark = CELL_LOOK[cell.kind]
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(bg))
            p.drawRoundedRect(QRectF(x, 4, 36, 68), 4, 4)
            p.setFont(self._font)
            p.setPen(QColor(fg))
            p.drawText(QRectF(x, 6, 36, 30), Qt.AlignmentFlag.AlignCenter, cell.read or "\u00b7")
            p.drawText(QRectF(x, 40, 36, 30), Qt.AlignmentFlag.AlignCenter, cell.listed or "\u00b7")
            if mark:
                p.setFont(self._small)
                p.drawText(QRectF(x - 8, 73, 52, 16), Qt.AlignmentFlag.AlignCenter, mark.split()[0])
            x += 40
        if self.hasFocus():  # Tab reaches the strip (its tooltip and description speak the comparison)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(palette().focus), 2))
            p.drawRect(QRectF(1, 1, self.width() - 2, self.height() - 2))
        p.end()
