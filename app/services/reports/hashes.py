"""Integrity manifest table (file, size, SHA-256) shared by release packets and evidence summaries."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Paragraph

from app.services.reports.flowables import CELL, Cell, data_table, fmt_int, markup
from app.services.reports.inputs import FileHash

HASH_STYLE = CELL.clone("sha256", fontName="Courier", fontSize=7, leading=9)


def manifest_table(files: Sequence[FileHash], width: float) -> Flowable:
    """Make the manifest table; the SHA-256 column is monospaced and never abbreviated.

    Args:
        files: The exported files.
        width: Available width in points (the hash column gets what 64 hex digits need).

    Returns:
        A table with a total row, or a short note when there are no files.

    """
    hash_width = 300.0
    rows: list[tuple[Cell, ...]] = [
        (f.filename, f.size_bytes, Paragraph(markup(f.sha256.lower()), HASH_STYLE)) for f in files
    ]
    rest = width - hash_width
    return data_table(
        ["File", "Bytes", "SHA-256"],
        rows,
        widths=[rest * 0.72, rest * 0.28, hash_width],
        numeric=(1,),
        total=(f"{fmt_int(len(files))} files", sum(f.size_bytes for f in files), Paragraph("", CELL)),
        empty_text="No files.",
    )
