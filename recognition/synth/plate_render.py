"""Render US-style licence plates as BGR images (demo feed, tests, console pictures).

Drawn with OpenCV's built-in Hershey fonts only, so nothing but cv2 and numpy is needed. Glyphs are
rendered large, then squeezed into their box, which gives the condensed look of plate lettering.
"""

from __future__ import annotations

import cv2
import numpy as np

from recognition.synth.states import BGR, SCHEMES, PlateScheme

STATE_NAMES: dict[str, str] = {
    "AL": "ALABAMA", "AK": "ALASKA", "AR": "ARKANSAS", "CT": "CONNECTICUT", "DC": "WASHINGTON DC",
    "HI": "HAWAII", "IA": "IOWA", "ID": "IDAHO", "KS": "KANSAS", "KY": "KENTUCKY", "LA": "LOUISIANA",
    "ME": "MAINE", "MO": "MISSOURI", "MS": "MISSISSIPPI", "MT": "MONTANA", "ND": "NORTH DAKOTA",
    "NE": "NEBRASKA", "NH": "NEW HAMPSHIRE", "NM": "NEW MEXICO", "OK": "OKLAHOMA", "RI": "RHODE ISLAND",
    "SD": "SOUTH DAKOTA", "UT": "UTAH", "VT": "VERMONT", "WI": "WISCONSIN", "WV": "WEST VIRGINIA",
    "WY": "WYOMING",
}

_GENERIC_BG: BGR = (246, 246, 246)
_GENERIC_TEXT: BGR = (90, 40, 20)


def scheme_for(state: str | None) -> PlateScheme:
    """Scheme of ``state`` (two-letter code); a plain white/blue plate for other codes."""
    code = (state or "").upper()
    if code in SCHEMES:
        return SCHEMES[code]
    name = STATE_NAMES.get(code, code)
    return PlateScheme(code, name, _GENERIC_BG, (230, 230, 230), _GENERIC_TEXT, _GENERIC_TEXT)


def _text_mask(text: str, font: int, thickness_ratio: float) -> np.ndarray:
    """Anti-aliased glyph mask (uint8) tightly cropped around ``text``."""
    scale = 4.0
    thickness = max(1, int(round(scale * thickness_ratio)))
    (tw, th), base = cv2.getTextSize(text, font, scale, thickness)
    pad = thickness + 2
    mask = np.zeros((th + base + 2 * pad, tw + 2 * pad), np.uint8)
    cv2.putText(mask, text, (pad, pad + th), font, scale, 255, thickness, cv2.LINE_AA)
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return mask
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _blend(canvas: np.ndarray, mask: np.ndarray, x: int, y: int, colour: BGR) -> None:
    h, w = mask.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(canvas.shape[1], x + w), min(canvas.shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        return
    alpha = mask[y0 - y : y1 - y, x0 - x : x1 - x, None].astype(np.float32) / 255.0
    roi = canvas[y0:y1, x0:x1].astype(np.float32)
    roi = roi * (1.0 - alpha) + np.asarray(colour, np.float32) * alpha
    canvas[y0:y1, x0:x1] = roi.astype(np.uint8)


def draw_text_box(
    canvas: np.ndarray,
    text: str,
    box: tuple[int, int, int, int],
    colour: BGR,
    *,
    font: int = cv2.FONT_HERSHEY_DUPLEX,
    thickness_ratio: float = 0.6,
    max_char_aspect: float = 0.62,
) -> None:
    """Draw ``text`` centred in ``box`` (x, y, w, h), filling its height, condensed to fit its width."""
    if not text.strip():
        return
    x, y, w, h = box
    mask = _text_mask(text, font, thickness_ratio)
    mh, mw = mask.shape
    width = min(w, int(round(mw * h / mh)), int(round(h * max_char_aspect * len(text))))
    width = max(1, width)
    glyphs = cv2.resize(mask, (width, max(1, h)), interpolation=cv2.INTER_AREA)
    _blend(canvas, glyphs, x + (w - width) // 2, y, colour)


def _background(scheme: PlateScheme, height: int, width: int) -> np.ndarray:
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top = np.asarray(scheme.background, np.float32)
    bottom = np.asarray(scheme.background_bottom, np.float32)
    column = top * (1.0 - ramp) + bottom * ramp
    return np.repeat(column, width, axis=1).astype(np.uint8)


def render_plate(text: str, state: str | None, height_px: int) -> np.ndarray:
    """Render a plate of ``state`` carrying ``text``.

    Args:
        text: Serial as printed; spaces and dashes are drawn as gaps, other characters as glyphs.
        state: Two-letter code; known schemes get their colours and slogan, others a plain plate
            with the state's name on top.
        height_px: Height of the result; the width is twice the height (12 x 6 inch plate).

    Returns:
        BGR uint8 image of shape ``(height_px, 2 * height_px, 3)``.

    Raises:
        ValueError: If ``height_px`` is below 16 or ``text`` has no printable character.

    """
    if height_px < 16:
        raise ValueError(f"plate height must be >= 16 px, got {height_px}")
    serial = " ".join(part for part in text.upper().replace("-", " ").split())
    if not serial.replace(" ", ""):
        raise ValueError("plate text is empty")
    scheme = scheme_for(state)
    h, w = height_px, 2 * height_px
    plate = _background(scheme, h, w)
    if scheme.band is not None:
        cv2.rectangle(plate, (0, 0), (w, int(0.25 * h)), scheme.band, -1)
    # State name on top, serial in the middle, slogan at the bottom.
    draw_text_box(plate, scheme.name.upper() if len(scheme.name) <= 2 else scheme.name,
                  (int(0.2 * w), int(0.06 * h), int(0.6 * w), int(0.14 * h)), scheme.state_text,
                  font=cv2.FONT_HERSHEY_TRIPLEX if scheme.name != scheme.name.upper() else cv2.FONT_HERSHEY_DUPLEX,
                  thickness_ratio=0.45, max_char_aspect=0.8)
    chars = len(serial)
    serial_w = int(w * min(0.9, 0.135 * chars + 0.02))
    draw_text_box(plate, serial, ((w - serial_w) // 2, int(0.31 * h), serial_w, int(0.46 * h)), scheme.text,
                  font=cv2.FONT_HERSHEY_SIMPLEX, thickness_ratio=0.75, max_char_aspect=0.7)
    if scheme.slogan:
        draw_text_box(plate, scheme.slogan, (int(0.15 * w), int(0.84 * h), int(0.7 * w), int(0.09 * h)),
                      scheme.state_text if scheme.band is None else scheme.text,
                      font=cv2.FONT_HERSHEY_SIMPLEX, thickness_ratio=0.4, max_char_aspect=0.8)
    # Bolt holes and a thin embossed rim.
    radius = max(1, h // 30)
    for bx in (int(0.2 * w), int(0.8 * w)):
        cv2.circle(plate, (bx, int(0.1 * h)), radius, (150, 150, 150), -1, cv2.LINE_AA)
    rim = max(1, h // 50)
    cv2.rectangle(plate, (rim // 2, rim // 2), (w - 1 - rim // 2, h - 1 - rim // 2), (80, 80, 80), rim, cv2.LINE_AA)
    return plate
