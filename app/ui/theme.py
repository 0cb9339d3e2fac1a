"""The look of the whole application: palette (dark/light) and font size, applied as one style sheet.

Font sizes are chosen for reading at about 1 m: the default body text is 12 pt (16 px at 96 dpi,
an em of about 4.4 mm on a 24" 1920x1080 screen), headings and the plate/priority text larger.
The dispatcher changes it with Ctrl+Plus / Ctrl+Minus / Ctrl+0 (see :class:`FontZoom`).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from string import Template

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.paths import resources_dir
from app.ui.palette import DARK, PALETTES, Palette

DEFAULT_FONT_PT = 12.0
MIN_FONT_PT = 9.0
MAX_FONT_PT = 24.0
FONT_STEP_PT = 1.0

_state: dict[str, object] = {"palette": DARK, "font_pt": DEFAULT_FONT_PT}
#: the style sheet's pictures (resources/qss/icons/*.svg, ``$ink`` filled in): (variant suffix, palette field)
ICON_INKS: dict[str, tuple[tuple[str, str], ...]] = {
    "arrow-down": (("", "text"), ("-disabled", "button_disabled_text")),
    "arrow-up": (("", "text"), ("-disabled", "button_disabled_text")),
    "tick": (("", "tick"), ("-disabled", "button_disabled_text")),
}
_icon_root: list[Path] = []


class ThemeSignals(QObject):
    """``changed(theme name)`` after a theme or font size is applied: views that paint palette colours
    into cached rows or rich text (the queue, the verification and NCIC panels) render them again."""

    changed = Signal(str)


_signals: list[ThemeSignals] = []


def theme_signals() -> ThemeSignals:
    if not _signals:
        _signals.append(ThemeSignals())
    return _signals[0]


def palette() -> Palette:
    """The palette in use (dark until a theme is applied)."""
    return _state["palette"]  # type: ignore[return-value]


def font_pt() -> float:
    """The body font size in use, in points."""
    return float(_state["font_pt"])  # type: ignore[arg-type]


def clamp_font_pt(pt: float) -> float:
    return round(min(MAX_FONT_PT, max(MIN_FONT_PT, pt)), 1)


def font_sizes(base_pt: float) -> dict[str, str]:
    """Every size the style sheet uses, from the body size: plate text and priority the largest."""
    b = clamp_font_pt(base_pt)

    def pt(k: float) -> str:
        return f"{round(b * k, 1):g}"

    px = max(14, round(b * 1.45))
    return {"base_pt": pt(1.0), "small_pt": pt(0.9), "sub_pt": pt(1.1), "title_pt": pt(1.25),
            "heading_pt": pt(1.35), "plate_pt": pt(1.5), "indicator_px": str(px),
            "indicator_radius": str(px // 2), "arrow_box_px": str(max(18, round(b * 1.75))),
            "arrow_px": str(max(10, round(b))), "scroll_px": str(max(12, round(b * 1.2)))}


def themed_icons(p: Palette) -> Path:
    """The style sheet's arrows and tick in ``p``'s colours, as SVG files (a style sheet takes pictures only
    by file name): written once per theme into a folder of this process, removed at exit."""
    if not _icon_root:
        root = Path(tempfile.mkdtemp(prefix="alpr-theme-"))
        atexit.register(shutil.rmtree, root, True)
        _icon_root.append(root)
    folder = _icon_root[0] / p.name
    folder.mkdir(exist_ok=True)
    colours = asdict(p)
    for name, variants in ICON_INKS.items():
        template = Template((resources_dir() / "qss" / "icons" / f"{name}.svg").read_text(encoding="utf-8"))
        for suffix, field in variants:
            target = folder / f"{name}{suffix}.svg"
            svg = template.substitute(ink=colours[field])
            if not target.exists() or target.read_text(encoding="utf-8") != svg:
                target.write_text(svg, encoding="utf-8")
    return folder


def style_sheet(p: Palette, base_pt: float) -> str:
    """The application style sheet for ``p`` at ``base_pt``."""
    values = {k: v for k, v in asdict(p).items() if isinstance(v, str)}
    values.update(font_sizes(base_pt))
    values["icons"] = themed_icons(p).as_posix()
    template = (resources_dir() / "qss" / "theme.qss").read_text(encoding="utf-8")
    return Template(template).substitute(values)  # a missing name raises: no silently unstyled rule


def emphasis_font(scale: float = 1.0, bold: bool = True) -> QFont:
    """A font for item views (queue cells) at ``scale`` times the body size."""
    f = QFont(QApplication.font())
    f.setPointSizeF(font_pt() * scale)
    f.setBold(bold)
    return f


def apply_theme(app: QApplication, name: str, base_pt: float | None = None) -> Palette:
    """Apply theme ``name`` ("dark" or "light") at ``base_pt`` (default: the size in use)."""
    p = PALETTES.get(name, DARK)
    size = clamp_font_pt(font_pt() if base_pt is None else base_pt)
    _state["palette"], _state["font_pt"] = p, size
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSizeF(size)
    app.setFont(font)
    app.setStyleSheet(style_sheet(p, size))
    theme_signals().changed.emit(p.name)
    return p
