"""How the console shows hit types and checks: colour AND shape AND text, never colour alone.

Each priority band has a colour and an icon shape (urgent: octagon, high: triangle, normal:
diamond, low: square; an octagon and a circle look alike at 22 px, a diamond does not); each hit category a letter drawn in the icon and a label in words.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QImage, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QAbstractItemView, QTableWidget

from app.domain.alerts import ChimeBand, band_for_priority
from app.domain.comparison import Agreement
from app.services.hit_queries import category_label
from app.ui.colour_checks import contrast
from app.ui.palette import PALETTES
from app.ui.theme import emphasis_font, font_pt, palette

PLATE_SCALE = 1.2  # plate and priority cells of the queue, relative to the body text

BAND_WORDS: dict[ChimeBand, str] = {
    ChimeBand.URGENT: "URGENT", ChimeBand.HIGH: "High", ChimeBand.NORMAL: "Normal", ChimeBand.LOW: "Low",
}
CATEGORY_LETTERS: dict[str, str] = {
    "amber_alert": "A", "missing_person": "M", "wanted_person": "W", "violent_person": "L", "gang_terrorist": "T",
    "stolen_vehicle": "V", "stolen_canadian_vehicle": "R", "stolen_boat": "B", "protection_order": "H",
    "stolen_plate": "P", "felony_vehicle": "F", "supervised_release": "C", "sex_offender": "X",
    "protective_interest": "K", "immigration_violator": "N", "local_bolo": "BO", "administrative": "AD",
}
AGREEMENT_WORDS: dict[Agreement, str] = {
    Agreement.MATCH: "\u2714 match", Agreement.MISMATCH: "\u2716 MISMATCH", Agreement.UNKNOWN: "? not known",
}
#: Status colours on the always-dark video overlays of the camera tiles (not on themed backgrounds:
#: there the palette's ``ok`` / ``warn`` / ``error`` apply, see :func:`agreement_look`).
OK_COLOUR = "#7cd992"
WARN_COLOUR = "#ffb347"
BAD_COLOUR = "#ff6b6b"


def log_table(table: QTableWidget, columns: tuple[str, ...], object_name: str, name: str, description: str,
              *, wrap: bool) -> QTableWidget:
    """A console log table (sightings, NCIC steps): read-only, one row selected, Tab leaves it, no row numbers."""
    table.setColumnCount(len(columns))
    table.setObjectName(object_name)
    table.setAccessibleName(name)
    table.setAccessibleDescription(description)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.setWordWrap(wrap)
    return table


def agreement_look(agreement: Agreement) -> tuple[str, str]:
    """Words and colour (on the panel background of the theme in use) of a read/listed comparison."""
    p = palette()
    colour = {Agreement.MATCH: p.ok, Agreement.MISMATCH: p.error}.get(agreement, p.muted)
    return AGREEMENT_WORDS[agreement], colour


def band_colour(priority: int) -> QColor:
    """The priority word's colour (on its row tint and on the panel background)."""
    return QColor(palette().band_text[band_for_priority(_clamp(priority))])


def band_tint(priority: int) -> QColor:
    """The queue row background of a priority (lightness steps from Normal to URGENT)."""
    return QColor(palette().band_tint[band_for_priority(_clamp(priority))])


def band_word(priority: int) -> str:
    return BAND_WORDS[band_for_priority(_clamp(priority))]


@lru_cache(maxsize=8)
def _queue_fonts(size_pt: float) -> tuple[QFont, QFont]:
    return emphasis_font(1.0), emphasis_font(PLATE_SCALE)


def queue_font(large: bool) -> QFont:
    """Bold body font, or the larger one for plate and priority cells (they are read first)."""
    return _queue_fonts(font_pt())[1 if large else 0]


def type_text(category: str) -> str:
    return category_label(category)


def _clamp(priority: int) -> int:
    return min(9, max(1, priority))


def _shape(band: ChimeBand, r: QRectF) -> QPolygonF:
    c, w, h = r.center(), r.width(), r.height()
    if band is ChimeBand.URGENT:  # octagon (stop sign)
        k = 0.29
        xs = (r.left(), r.left() + w * k, r.right() - w * k, r.right())
        ys = (r.top(), r.top() + h * k, r.bottom() - h * k, r.bottom())
        pts = [(xs[1], ys[0]), (xs[2], ys[0]), (xs[3], ys[1]), (xs[3], ys[2]), (xs[2], ys[3]), (xs[1], ys[3]),
               (xs[0], ys[2]), (xs[0], ys[1])]
    elif band is ChimeBand.HIGH:  # triangle (warning)
        pts = [(c.x(), r.top()), (r.right(), r.bottom()), (r.left(), r.bottom())]
    elif band is ChimeBand.LOW:  # square
        pts = [(r.left(), r.top()), (r.right(), r.top()), (r.right(), r.bottom()), (r.left(), r.bottom())]
    else:  # diamond
        pts = [(c.x(), r.top()), (r.right(), c.y()), (c.x(), r.bottom()), (r.left(), c.y())]
    return QPolygonF([QPointF(float(x), float(y)) for x, y in pts])


def type_icon(category: str, priority: int, size: int = 22) -> QIcon:
    """The hit-type icon: band shape in band colour with the category letter."""
    return _type_icon(category, priority, size, palette().name)


@cache
def _type_icon(category: str, priority: int, size: int, palette_name: str) -> QIcon:
    band = band_for_priority(_clamp(priority))
    p_look = PALETTES[palette_name]
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor(p_look.icon_ink), max(1.0, size / 16)))
    p.setBrush(QColor(p_look.band_fill[band]))
    p.drawPolygon(_shape(band, QRectF(1, 1, size - 2, size - 2)))
    letter = CATEGORY_LETTERS.get(category, "?")
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.42 if len(letter) > 1 else 0.52)))
    p.setFont(font)
    fill = p_look.band_fill[band]
    p.setPen(QColor(max((p_look.icon_ink, "#ffffff"), key=lambda ink: contrast(ink, fill))))  # letter
    text_rect = QRectF(0, size * 0.12 if band is ChimeBand.HIGH else 0, size, size)
    p.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, letter)
    p.end()
    return QIcon(pix)


DRAWING_LABEL = "DRAWING - NOT A PHOTO"
DRAWING_SHORT = "DRAWING"  # on a plate too narrow for the whole label (the caption says "no photo")


def drawing_band(plate_height: int) -> int:
    """Height of the label band :func:`mark_as_drawing` adds above a drawn plate of ``plate_height``."""
    return max(14, round(plate_height * 0.28))


def mark_as_drawing(image: QImage) -> QImage:
    """A rendered plate, marked so nobody takes it for a photograph: hatched border and a label band.

    The mark is painted into the picture itself, so it is there at every zoom and in every grab.
    """
    out = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = out.width(), out.height()
    band = drawing_band(h)
    full = QImage(w, h + band, QImage.Format.Format_RGB32)
    full.fill(QColor("#ffffff"))
    p = QPainter(full)
    p.drawImage(0, band, out)
    p.fillRect(0, 0, w, band, QColor("#000000"))
    pen = QPen(QColor("#ffcf00"), max(2, h // 16), Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    inset = pen.width() / 2
    p.drawRect(QRectF(inset, inset, w - 2 * inset, h + band - 2 * inset))
    font = QFont()
    font.setBold(True)
    label, size = DRAWING_LABEL, max(9, round(band * 0.62))
    font.setPixelSize(size)
    while QFontMetrics(font).horizontalAdvance(label) > w - 10:  # the whole label, never cut
        if size > 9:
            size -= 1
        elif label != DRAWING_SHORT:
            label, size = DRAWING_SHORT, max(9, round(band * 0.62))
        else:
            break
        font.setPixelSize(size)
    p.setFont(font)
    p.setPen(QColor("#ffcf00"))
    p.drawText(QRectF(0, 0, w, band), Qt.AlignmentFlag.AlignCenter, label)
    p.end()
    return full


def bgr_to_qimage(image: np.ndarray) -> QImage:
    """A deep copy of a BGR (or grey) uint8 array as a QImage."""
    image = np.ascontiguousarray(image)
    h, w = image.shape[:2]
    if image.ndim == 2:
        return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_Grayscale8).copy()
    return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888).copy()
