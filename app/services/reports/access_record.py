"""The access record export as a PDF: the filter and reason on top, then the rows in a table."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

from app.domain.access import AccessEntry
from app.services.reports.flowables import data_table, field_grid, fmt_dt, heading, title_block
from app.services.reports.inputs import AgencyProfile, GeneratedBy
from app.services.reports.layout import DocumentSpec, render_pdf

COLUMNS = ("When (UTC)", "User", "Workstation", "Action", "Outcome", "Object", "Terms", "Reason / case")


def access_cells(e: AccessEntry) -> tuple[str, ...]:
    """One row as the export (CSV and PDF) writes it."""
    obj = f"{e.object_type or ''} {e.object_id or ''}".strip()
    why = " / ".join(x for x in (e.reason, e.case_number) if x)
    return (e.at.strftime("%Y-%m-%d %H:%M:%S"), e.username, e.workstation, e.action, e.outcome, obj,
            e.terms or "", why)


def render_access_record(profile: AgencyProfile, generated: GeneratedBy, filter_text: Sequence[tuple[str, str]],
                         reason: str, entries: Sequence[AccessEntry]) -> bytes:
    """The PDF bytes of an access-record export."""
    story: list[Flowable] = [*title_block("Access record export", f"{len(entries):,} row(s), newest first")]
    story.append(field_grid([("Exported by", generated.user), ("Exported at", fmt_dt(generated.at)),
                             ("Reason", reason), *filter_text], columns=1))
    story += heading("Rows")
    story.append(data_table(COLUMNS, [access_cells(e) for e in entries], widths=[1.5, 1, 1.1, 1.5, 0.8, 1, 1, 1.6],
                            empty_text="No row matches the filter."))
    spec = DocumentSpec(profile=profile, title="Access record export", generated=generated,
                        reference=f"{len(entries):,} rows")
    return render_pdf(spec, story)
