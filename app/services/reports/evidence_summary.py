"""Evidence package summary: the PDF placed inside an evidence export (000 433.5, 003 462.12)."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable

from app.services.reports.flowables import (
    CONTENT_WIDTH,
    SMALL,
    data_table,
    field_grid,
    fmt_date,
    fmt_dt,
    fmt_int,
    heading,
    para,
    title_block,
)
from app.services.reports.hashes import manifest_table
from app.services.reports.inputs import AgencyProfile, EvidencePackageInput, GeneratedBy
from app.services.reports.layout import DocumentSpec, write_pdf
from app.services.reports.output import ReportFile

DOC_TITLE = "Evidence Package Summary"


def build_evidence_story(data: EvidencePackageInput) -> list[Flowable]:
    """Build the body of an evidence package summary."""
    hold = data.hold
    story: list[Flowable] = title_block(DOC_TITLE, f"Case {data.case_number} - package {data.package_id}")
    story.append(
        field_grid(
            [
                ("Case number", data.case_number),
                ("Package", data.package_id),
                ("Exported by", data.exported_by),
                ("Exported at", fmt_dt(data.exported_at)),
                ("Items", fmt_int(len(data.items))),
                ("Files", fmt_int(len(data.files))),
            ]
        )
    )
    story += heading("Evidence hold")
    story.append(
        field_grid(
            [
                ("Hold case number", hold.case_number),
                ("Status", hold.status),
                ("Placed by", hold.placed_by),
                ("Placed at", fmt_dt(hold.placed_at)),
                ("Review date", fmt_date(hold.review_date)),
                ("Reason", hold.reason),
            ]
        )
    )
    story.append(
        para("Data under this hold is excluded from retention purges until the hold is released.", SMALL)
    )
    story += heading("Items")
    story.append(
        data_table(
            ["Item", "Kind", "Description", "Camera", "Captured"],
            [(i.item_ref, i.kind, i.description, i.camera, fmt_dt(i.captured_at)) for i in data.items],
            widths=[0.9, 0.6, 2.4, 1.3, 1.4],
            empty_text="No items.",
        )
    )
    story += heading("Files and SHA-256")
    story.append(manifest_table(data.files, CONTENT_WIDTH))
    story.append(
        para(
            "To verify integrity, compute the SHA-256 of each file in the package (for example with "
            "sha256sum or Get-FileHash) and compare it with the value above. This summary lists every "
            "file of the package except itself.",
            SMALL,
        )
    )
    return story


def render_evidence_summary(
    profile: AgencyProfile, data: EvidencePackageInput, generated: GeneratedBy, path: Path | str
) -> ReportFile:
    """Write the evidence package summary PDF.

    Args:
        profile: The agency.
        data: Case, hold, items and the package's files with their hashes.
        generated: Who exports it and when.
        path: Output file (its folder must exist).

    Returns:
        The written file and its SHA-256.

    Raises:
        ReportWriteError: The file could not be written.

    """
    spec = DocumentSpec(
        profile=profile, title=DOC_TITLE, generated=generated, reference=f"Case {data.case_number}"
    )
    return write_pdf(spec, build_evidence_story(data), path)
