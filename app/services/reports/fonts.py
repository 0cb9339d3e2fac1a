"""Font choice: an embedded TrueType sans with wide Unicode coverage when the OS has one.

The PDF base-14 Helvetica only covers WinAnsi (Latin-1 plus a few signs): names such as
"Nguyễn" or "Łukasz" would print as black boxes. The first readable candidate pair below is
embedded (subset); without any, Helvetica is used.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

REGULAR_NAME = "ReportSans"
BOLD_NAME = "ReportSans-Bold"


@dataclass(frozen=True, slots=True)
class FontPair:
    """Regular and bold font names as registered with reportlab."""

    regular: str
    bold: str


HELVETICA = FontPair("Helvetica", "Helvetica-Bold")


def _windows_fonts() -> Path:
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def candidate_files() -> list[tuple[Path, Path]]:
    """Return (regular, bold) TrueType files to try, most preferred first."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    liberation = Path("/usr/share/fonts/truetype/liberation")
    mac = Path("/System/Library/Fonts/Supplemental")
    return [
        (dejavu / "DejaVuSansCondensed.ttf", dejavu / "DejaVuSansCondensed-Bold.ttf"),
        (_windows_fonts() / "arial.ttf", _windows_fonts() / "arialbd.ttf"),
        (liberation / "LiberationSans-Regular.ttf", liberation / "LiberationSans-Bold.ttf"),
        (mac / "Arial.ttf", mac / "Arial Bold.ttf"),
        (dejavu / "DejaVuSans.ttf", dejavu / "DejaVuSans-Bold.ttf"),
    ]


def register_fonts(candidates: Sequence[tuple[Path, Path]] | None = None) -> FontPair:
    """Register the first usable TrueType pair as ReportSans / ReportSans-Bold.

    Args:
        candidates: (regular, bold) files to try; the platform list when None.

    Returns:
        The font names to use; Helvetica when no candidate could be loaded.

    """
    registered = pdfmetrics.getRegisteredFontNames()
    if REGULAR_NAME in registered and BOLD_NAME in registered:
        return FontPair(REGULAR_NAME, BOLD_NAME)
    for regular, bold in candidates if candidates is not None else candidate_files():
        if not (regular.is_file() and bold.is_file()):
            continue
        try:
            pdfmetrics.registerFont(TTFont(REGULAR_NAME, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD_NAME, str(bold)))
        except (TTFError, OSError) as exc:
            logger.warning("cannot use report font %s: %s", regular, exc)
            continue
        # Paragraph <b> markup looks up the bold face through the family mapping.
        addMapping(REGULAR_NAME, 0, 0, REGULAR_NAME)
        addMapping(REGULAR_NAME, 1, 0, BOLD_NAME)
        addMapping(REGULAR_NAME, 0, 1, REGULAR_NAME)
        addMapping(REGULAR_NAME, 1, 1, BOLD_NAME)
        logger.info("report font: %s", regular)
        return FontPair(REGULAR_NAME, BOLD_NAME)
    logger.info("no TrueType report font found; using Helvetica (Latin-1 only)")
    return HELVETICA
