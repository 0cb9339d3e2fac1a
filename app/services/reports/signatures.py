"""Signature lines for memoranda, letters and certifications."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, HRFlowable, KeepTogether

from app.services.reports.flowables import CONTENT_WIDTH, LABEL, SMALL, gap, para, plain_grid


def signature_block(signers: Sequence[tuple[str, str]], preamble: Sequence[Flowable] = ()) -> KeepTogether:
    """Signature and date lines, two per row, kept on one page with the text that precedes them.

    Args:
        signers: ``(role, printed name)`` pairs; an empty name leaves a line to print it by hand.
        preamble: Flowables kept on the same page just above the signatures (e.g. a certification).

    Returns:
        A flowable with a signature line, the role, the name and a date line for each signer.

    """
    col = CONTENT_WIDTH / 2
    line = col - 24
    cells: list[list[Flowable]] = []
    for role, name in signers:
        cells.append(
            [
                gap(30),
                HRFlowable(width=line, thickness=0.7, color="black", hAlign="LEFT", spaceAfter=2),
                para(f"Signature - {role}", LABEL),
                para(f"Printed name: {name}" if name else "Printed name:", SMALL),
                gap(16),
                HRFlowable(width=line * 0.6, thickness=0.5, color="black", hAlign="LEFT", spaceAfter=2),
                para("Date", LABEL),
            ]
        )
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    if rows and len(rows[-1]) == 1:
        rows[-1].append([])
    return KeepTogether([*preamble, plain_grid(rows, [col, col])])
