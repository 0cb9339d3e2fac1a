"""Styles and building blocks shared by every document: text, tables, field grids, images.

All text taken from inputs is escaped here, so notes that contain ``<``, ``&`` or
SQL-looking text print as typed and never break the layout engine.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, Flowable, Image, Paragraph, Spacer, Table, TableStyle

from app.domain.display_dates import date_text, datetime_text
from app.services.reports.fonts import register_fonts

logger = logging.getLogger(__name__)

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN_X = 0.75 * inch
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
DASH = "\u2014"

NAVY = colors.HexColor("#1F3A5F")
BAND = colors.HexColor("#EEF2F7")
RULE = colors.HexColor("#A9B6C8")
LABEL_GREY = colors.HexColor("#4A5568")
MARK_RED = colors.HexColor("#9B1C1C")

_FONTS = register_fonts()
FONT = _FONTS.regular
FONT_BOLD = _FONTS.bold

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=4)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, spaceAfter=0)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=10.5, spaceAfter=0)
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=TA_RIGHT)
CELL_HEAD = ParagraphStyle("cell_head", parent=CELL, fontName=FONT_BOLD, textColor=colors.white)
CELL_HEAD_RIGHT = ParagraphStyle("cell_head_right", parent=CELL_HEAD, alignment=TA_RIGHT)
LABEL = ParagraphStyle("label", parent=CELL, fontName=FONT_BOLD, textColor=LABEL_GREY, fontSize=8)
TITLE = ParagraphStyle("title", parent=BODY, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=2)
SUBTITLE = ParagraphStyle("subtitle", parent=BODY, textColor=LABEL_GREY, fontSize=9.5, spaceAfter=8)
H2 = ParagraphStyle(
    "h2",
    parent=BODY,
    fontName=FONT_BOLD,
    fontSize=11,
    leading=14,
    textColor=NAVY,
    spaceBefore=10,
    spaceAfter=4,
)

Cell = str | int | float | None | Flowable
# A row taller than a page (a very long note) is split across pages, in pieces of at least this height.
ROW_SPLIT_MIN = 36


def fmt_dt(value: datetime | None) -> str:
    """Format a timestamp for print: ``2026-03-04 09:15:02 PST`` (agency date style, zone when known)."""
    if value is None:
        return DASH
    return datetime_text(value, seconds=True, zone=True, local=False)


def fmt_date(value: date | datetime | None) -> str:
    """Format a date in the agency's style, ``2026-03-04`` by default (a datetime prints its date part)."""
    if value is None:
        return DASH
    return date_text(value, local=False)


def fmt_int(value: int) -> str:
    """Format a count with thousands separators."""
    return f"{value:,}"


def text_or_dash(value: str | None) -> str:
    """Return the text, or an em dash for an empty value."""
    return value if value and value.strip() else DASH


def markup(text: str) -> str:
    """Escape text for a Paragraph and keep its line breaks."""
    return escape(text).replace("\n", "<br/>")


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """Make a paragraph of plain (escaped) text."""
    return Paragraph(markup(text), style)


def rich(fragments: Iterable[tuple[str, bool]], style: ParagraphStyle = BODY) -> Paragraph:
    """Make a paragraph from ``(text, bold)`` fragments, each escaped."""
    parts = [f"<b>{markup(text)}</b>" if bold else markup(text) for text, bold in fragments]
    return Paragraph("".join(parts), style)


def title_block(title: str, subtitle: str = "") -> list[Flowable]:
    """Make the document's title block for the top of its first page."""
    items: list[Flowable] = [para(title, TITLE)]
    if subtitle:
        items.append(para(subtitle, SUBTITLE))
    return items


def heading(text: str, room: float = 1.2 * inch) -> list[Flowable]:
    """Make a section heading, moved to the next page when less than ``room`` is left below it.

    (Paragraph ``keepWithNext`` would instead push a long table whole onto the next page.)
    """
    return [CondPageBreak(room), Paragraph(markup(text), H2)]


def _cell(value: Cell, numeric: bool) -> Flowable:
    if isinstance(value, Flowable):
        return value
    if value is None:
        return Paragraph(DASH, CELL_RIGHT if numeric else CELL)
    if isinstance(value, bool):
        return Paragraph("Yes" if value else "No", CELL)
    if isinstance(value, int):
        return Paragraph(fmt_int(value), CELL_RIGHT)
    if isinstance(value, float):
        return Paragraph(f"{value:,.2f}", CELL_RIGHT)
    return Paragraph(markup(text_or_dash(value)), CELL_RIGHT if numeric else CELL)


def data_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    numeric: Iterable[int] = (),
    total: Sequence[Cell] | None = None,
    empty_text: str = "None.",
) -> Flowable:
    """Make a table with a dark header row repeated on every page and banded body rows.

    Args:
        headers: Column titles.
        rows: Cell values; ints are right-aligned with separators, None prints a dash.
        widths: Relative column widths (any scale); they are stretched to the content width.
        numeric: Column indexes to right-align.
        total: A totals row printed last, in bold above a rule; left out with the rows when
            there are none.
        empty_text: Printed instead of the table when there are no rows.

    Returns:
        The table, or a short paragraph when ``rows`` is empty.

    """
    if not rows:
        return para(empty_text, BODY)
    if total is not None:
        rows = [*rows, total]
    right = set(numeric)
    scale = CONTENT_WIDTH / float(sum(widths))
    col_widths = [w * scale for w in widths]
    head = [Paragraph(markup(h), CELL_HEAD_RIGHT if i in right else CELL_HEAD) for i, h in enumerate(headers)]
    body = [[_cell(v, i in right) for i, v in enumerate(row)] for row in rows]
    table = Table([head, *body], colWidths=col_widths, repeatRows=1, hAlign="LEFT", splitInRow=ROW_SPLIT_MIN)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, BAND]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if total is not None:
        style += [("LINEABOVE", (0, -1), (-1, -1), 1, NAVY), ("BACKGROUND", (0, -1), (-1, -1), BAND)]
        for cell in body[-1]:
            if isinstance(cell, Paragraph):
                cell.style = ParagraphStyle("bold_total", parent=cell.style, fontName=FONT_BOLD)
    table.setStyle(TableStyle(style))
    return table


def plain_grid(cells: Sequence[Sequence[Flowable | list[Flowable]]], widths: Sequence[float | None]) -> Table:
    """Lay flowables out side by side: no rules, top-aligned, flush with the left margin.

    Args:
        cells: Rows of cells; a cell may be a flowable or a list of flowables stacked in it.
        widths: Column widths in points; None shares out the remaining width.

    Returns:
        A borderless table.

    """
    table = Table(cells, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def field_grid(pairs: Sequence[tuple[str, Cell]], columns: int = 2, width: float = CONTENT_WIDTH) -> Table:
    """Label/value pairs laid out in ``columns`` columns (a form-like block)."""
    cells: list[list[Flowable]] = []
    row: list[Flowable] = []
    for label, value in pairs:
        row += [Paragraph(markup(label), LABEL), _cell(value, False)]
        if len(row) == 2 * columns:
            cells.append(row)
            row = []
    if row:
        row += [Paragraph("", LABEL)] * (2 * columns - len(row))
        cells.append(row)
    label_w = min(0.34 * width / columns, 1.25 * inch)
    value_w = width / columns - label_w
    table = Table(cells, colWidths=[label_w, value_w] * columns, hAlign="LEFT", splitInRow=ROW_SPLIT_MIN)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def image_size(data: bytes) -> tuple[int, int] | None:
    """Pixel size of encoded image bytes, or None when they are not a readable image."""
    try:
        # open() reads the size from the header; verify() then checks the data and leaves the
        # object unusable, so the size is taken first instead of opening the bytes a second time.
        with PILImage.open(io.BytesIO(data)) as img:
            size = img.size
            img.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    return size


def fit_image(data: bytes | None, max_width: float, max_height: float, missing: str = "No image") -> Flowable:
    """Make an image scaled (never enlarged beyond 2x) to fit the box, or a framed placeholder.

    Args:
        data: JPEG/PNG bytes, or None.
        max_width: Box width in points.
        max_height: Box height in points.
        missing: Placeholder text when there is no readable image.

    Returns:
        A flowable no larger than the box.

    """
    size = image_size(data) if data else None
    if data and size is None:
        logger.warning("unreadable image bytes (%d bytes) replaced by a placeholder", len(data))
        missing = "Image unreadable"
    if size is None:
        box = Table([[para(missing, SMALL)]], colWidths=[max_width], rowHeights=[min(max_height, 0.6 * inch)])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TEXTCOLOR", (0, 0), (-1, -1), LABEL_GREY),
                ]
            )
        )
        return box
    width_px, height_px = size
    scale = min(max_width / width_px, max_height / height_px, 2.0)
    image = Image(io.BytesIO(data), width=width_px * scale, height=height_px * scale)
    image.hAlign = "LEFT"
    return image


def gap(height: float = 6) -> Spacer:
    """Vertical space in points."""
    return Spacer(1, height)
