"""Release packet: cover letter, the request, the approval, the released data and its manifest.

Policies 000 433.7, 002 IV.O and 003 462.14: data goes out only on a written request naming the
agency, the requesting person, the case/CFS number and purpose, approved by the ALPR
administrator; the approved request is retained on file with the packet.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, PageBreak

from app.domain.users import signature
from app.services.reports.flowables import (
    BODY,
    CELL,
    CONTENT_WIDTH,
    FONT_BOLD,
    SMALL,
    data_table,
    field_grid,
    fit_image,
    fmt_date,
    fmt_dt,
    fmt_int,
    gap,
    heading,
    para,
    title_block,
)
from app.services.reports.hashes import manifest_table
from app.services.reports.inputs import AgencyProfile, GeneratedBy, ReleasePacketInput
from app.services.reports.layout import DocumentSpec, write_pdf
from app.services.reports.output import ReportFile, ReportInputError

DOC_TITLE = "ALPR Data Release Packet"
THUMB_WIDTH = 1.25 * inch


def check_releasable(data: ReleasePacketInput) -> None:
    """Refuse to print a packet for a request that was not properly approved.

    Raises:
        ReportInputError: The request was denied, or approved by the person who entered it.

    """
    if not data.approval.approved:
        raise ReportInputError(f"Release request {data.request.request_id} was not approved; no packet.")
    if data.approval.decided_by.strip().casefold() == data.request.entered_by.strip().casefold():
        raise ReportInputError(
            f"Release request {data.request.request_id} was approved by the person who entered it."
        )


def _scope_text(data: ReleasePacketInput) -> str:
    req = data.request
    parts = []
    if req.scope_plates:
        parts.append("plates " + ", ".join(req.scope_plates))
    if req.scope_start or req.scope_end:
        parts.append(f"from {fmt_dt(req.scope_start)} to {fmt_dt(req.scope_end)}")
    if req.scope_cameras:
        parts.append("cameras " + ", ".join(req.scope_cameras))
    return "; ".join(parts) or "As described in the written request"


def cover_letter(profile: AgencyProfile, data: ReleasePacketInput) -> list[Flowable]:
    """Build the cover letter from the agency to the requester (first page)."""
    req, who = data.request, data.request.requester
    letterhead = BODY.clone("letterhead", fontName=FONT_BOLD, fontSize=14, leading=17)
    story: list[Flowable] = [para(profile.name, letterhead)]
    contact = [*profile.address_lines, profile.phone] if profile.phone else list(profile.address_lines)
    story += [para("\n".join(contact), CELL), gap(18), para(fmt_date(data.letter_date)), gap(8)]
    story.append(para("\n".join([signature(who.name, who.title), who.agency, *who.address_lines])))
    story += [gap(8)]
    story.append(
        para(
            f"RE: Release of ALPR data - your case/CFS {req.case_number} (our request {req.request_id}, "
            f"release {data.release_id})",
            BODY.clone("re", fontName=FONT_BOLD),
        )
    )
    story += [gap(4), para(f"Dear {who.name}:")]
    count = fmt_int(len(data.records))
    story.append(
        para(
            f"In response to your agency's written request received on {fmt_date(req.received_at)}, the "
            f"{profile.name} releases the automated license plate reader (ALPR) data described in the enclosed "
            f"packet: {count} record(s) within this scope: {_scope_text(data)}. The data is delivered by "
            f"{data.delivery_method} together with this packet."
        )
    )
    story.append(
        para(
            f"The request was reviewed and approved by {data.approval.decided_by} on "
            f"{fmt_date(data.approval.decided_at)} for the stated purpose: {req.purpose}. The data is law "
            "enforcement sensitive. It is released for official law enforcement use for that purpose only and "
            "may not be sold or further disseminated except as permitted by law, including the Driver's "
            "Privacy Protection Act (18 U.S.C. 2721)."
        )
    )
    story.append(
        para(
            "Each delivered file can be verified against the SHA-256 value listed in the enclosed integrity "
            "manifest. Please direct questions to the ALPR administrator named below."
        )
    )
    story += [gap(10), para("Sincerely,"), gap(34)]
    # no administrator named in the agency profile: the person who approved the release signs for them
    signer = profile.alpr_administrator or data.approval.decided_by
    story.append(para("\n".join([signer, profile.administrator_title, profile.name])))
    story += [
        gap(16),
        para("Enclosures: the request, the approval, the released-data listing, the manifest.", CELL),
    ]
    return story


def _request_section(data: ReleasePacketInput) -> list[Flowable]:
    req, who = data.request, data.request.requester
    pairs = [
        ("Request", req.request_id),
        ("Received", fmt_dt(req.received_at)),
        ("Entered by", req.entered_by),
        ("Written request", req.request_reference),
        ("Requesting agency", who.agency),
        ("Agency ORI", who.ori),
        ("Requesting person", signature(who.name, who.title)),
        ("Contact", who.contact),
        ("Case / CFS number", req.case_number),
        ("Law enforcement agency", "Yes" if who.law_enforcement else "No"),
        ("Intended purpose", req.purpose),
        ("Legal basis", req.legal_basis),
    ]
    items: list[Flowable] = [*heading("1. The request"), field_grid(pairs)]
    items += [gap(4), field_grid([("Scope", _scope_text(data))], columns=1)]
    if not who.law_enforcement:
        items.append(
            para(
                "The requester is not a law enforcement or prosecutorial agency: the request was processed "
                "under the Records Maintenance and Release Policy.",
                BODY.clone("flag", fontName=FONT_BOLD),
            )
        )
    return items


def build_release_story(profile: AgencyProfile, data: ReleasePacketInput) -> list[Flowable]:
    """Build the whole packet: letter, request, approval, data listing, manifest."""
    check_releasable(data)
    story = cover_letter(profile, data)
    story += [
        PageBreak(),
        *title_block(DOC_TITLE, f"Release {data.release_id} - request {data.request.request_id}"),
    ]
    story += _request_section(data)
    approval = data.approval
    story += heading("2. The approval")
    story.append(
        field_grid(
            [
                ("Decision", "Approved"),
                ("Decided by", approval.decided_by),
                ("Decided at", fmt_dt(approval.decided_at)),
                ("Reason", approval.reason),
            ]
        )
    )
    story += heading(f"3. Released data ({fmt_int(len(data.records))} records)")
    story.append(
        data_table(
            ["Image", "Item", "Kind", "Plate", "State", "Camera", "Captured"],
            [
                (
                    fit_image(r.thumbnail, THUMB_WIDTH, 0.8 * inch, missing="No image"),
                    r.item_ref,
                    r.kind,
                    r.plate,
                    r.state,
                    r.camera,
                    fmt_dt(r.at),
                )
                for r in data.records
            ],
            widths=[
                THUMB_WIDTH + 8,
                0.8 * inch,
                0.5 * inch,
                0.85 * inch,
                0.45 * inch,
                1.1 * inch,
                1.2 * inch,
            ],
            empty_text="No records matched the approved scope.",
        )
    )
    story += heading("4. Integrity manifest")
    story.append(manifest_table(data.manifest, CONTENT_WIDTH))
    story += [gap(6), para("This packet is retained on file with the approved request.", SMALL)]
    return story


def render_release_packet(
    profile: AgencyProfile, data: ReleasePacketInput, generated: GeneratedBy, path: Path | str
) -> ReportFile:
    """Write the release packet PDF of an approved request.

    Args:
        profile: The releasing agency (letterhead, signer).
        data: Request, approval, released records (with thumbnails) and the export's manifest.
        generated: Who prints it and when.
        path: Output file (its folder must exist).

    Returns:
        The written file and its SHA-256.

    Raises:
        ReportInputError: The request was not approved, or was approved by the person who entered it.
        ReportWriteError: The file could not be written.

    """
    spec = DocumentSpec(
        profile=profile, title=DOC_TITLE, generated=generated, reference=f"Release {data.release_id}"
    )
    return write_pdf(spec, build_release_story(profile, data), path)
