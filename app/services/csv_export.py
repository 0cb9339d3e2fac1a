"""CSV for people who open it in a spreadsheet: no cell may start a formula (CSV/formula injection).

A plate note, a hot-list synopsis or a username typed as ``=HYPERLINK(...)`` or ``@SUM(...)`` would
run when a records clerk opens the export in Excel or LibreOffice. Every text cell that begins with
``= + - @``, a tab or a carriage return is written with a leading apostrophe, which spreadsheets
show as text (OWASP "CSV injection"). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet reads it without evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV of ``rows`` under ``header`` with every cell neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([safe_cell(h) for h in header])
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return buf.getvalue().encode()
