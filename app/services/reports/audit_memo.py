"""Monthly detection-browsing audit memorandum to the chief of police (002 IV.Q; 003 462.8)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, HRFlowable, Paragraph

from app.services.reports.flowables import (
    BODY,
    CELL,
    FONT_BOLD,
    NAVY,
    TITLE,
    data_table,
    field_grid,
    fmt_date,
    fmt_dt,
    fmt_int,
    heading,
    markup,
    para,
    plain_grid,
)
from app.services.reports.inputs import AgencyProfile, AuditMemoInput, GeneratedBy, SampledInquiry
from app.services.reports.layout import DocumentSpec, agency_policy, write_pdf
from app.services.reports.output import ReportFile
from app.services.reports.signatures import signature_block

DOC_TITLE = "ALPR Audit Memorandum"


def _period(data: AuditMemoInput) -> str:
    return f"{fmt_date(data.period_start)} to {fmt_date(data.period_end)}"


def default_method(data: AuditMemoInput) -> str:
    """Return the method paragraph printed when the auditor gave none."""
    return (
        f"The system drew a reproducible random sample of {len(data.inquiries)} of the "
        f"{fmt_int(data.population_size)} detection-browsing inquiries made by agency employees from "
        f"{_period(data)} (random seed {data.seed}; the same seed and period reproduce the same sample). "
        "Each inquiry was checked against the access record for a documented case or incident number "
        "and/or a reason, for the requesting agency and person when made on behalf of another agency, "
        "and for a legitimate law enforcement purpose as the ALPR policy requires."
    )


def _memo_head(profile: AgencyProfile, data: AuditMemoInput) -> list[Flowable]:
    subject = data.subject or f"Monthly ALPR detection-browsing audit, {_period(data)}"
    label = BODY.clone("memo_label", fontName=FONT_BOLD)
    rows = [
        ("TO:", f"{profile.chief_of_police}, {profile.chief_title}"),
        ("FROM:", f"{data.auditor}, {data.auditor_title}"),
        ("DATE:", fmt_date(data.memo_date)),
        ("SUBJECT:", subject),
    ]
    table = plain_grid(
        [[Paragraph(k, label), Paragraph(markup(v), BODY)] for k, v in rows], [1.0 * inch, None]
    )
    return [
        para("MEMORANDUM", TITLE.clone("memo_title", fontSize=18, leading=22, spaceAfter=8)),
        table,
        HRFlowable(width="100%", thickness=1.2, color=NAVY, spaceBefore=4, spaceAfter=8),
    ]


def _finding(item: SampledInquiry) -> str:
    if item.compliant is None:
        return "Not reviewed"
    return "Compliant" if item.compliant else "Non-compliant"


def _finding_cell(item: SampledInquiry) -> Paragraph:
    text = markup(_finding(item))
    return Paragraph(f"<b>{text}</b>" if item.compliant is False else text, CELL)


def _reason_cell(item: SampledInquiry) -> Paragraph:
    lines = [f"Case/CFS: {item.case_number}" if item.case_number else "Case/CFS: none", item.reason]
    if item.on_behalf_of:
        lines.append(f"For: {item.on_behalf_of}")
    return Paragraph("<br/>".join(markup(x) for x in lines if x), CELL)


def _scope(data: AuditMemoInput) -> list[Flowable]:
    items: list[Flowable] = [*heading("Audit scope and method")]
    items.append(
        field_grid(
            [
                ("Audit", data.audit_id),
                ("Period audited", _period(data)),
                ("Inquiries in period", fmt_int(data.population_size)
                 + (f" (the auditor's own {fmt_int(data.excluded_own)} excluded)" if data.excluded_own else "")),
                ("Sample size", fmt_int(len(data.inquiries))),
                ("Random seed", str(data.seed)),
                ("Auditor", data.auditor),
                *([("Record head", f"{fmt_int(data.chain_rows)} access rows; SHA-256 "
                                   + " ".join(data.chain_head[i:i + 16] for i in range(0, 64, 16)))]
                  if data.chain_head else []),
            ]
        )
    )
    items.append(para(data.method or default_method(data)))
    warn = BODY.clone("warn_scope", fontName=FONT_BOLD)
    items.append(para(
        f"The auditor's own inquiries ({fmt_int(data.excluded_own)}) were excluded from the population: "
        "nobody audits their own searches." if data.excluded_own else
        "The auditor made no inquiries in the period (the auditor's own inquiries are always excluded)."))
    if data.population_size < data.minimum_sample:
        items.append(para(
            f"The period had only {fmt_int(data.population_size)} inquiries by others, fewer than the minimum "
            f"sample of {data.minimum_sample}: all of them were reviewed.", warn))
    if data.redraws:
        items.append(para(f"EXCEPTION: the sample was redrawn {len(data.redraws)} time(s). Each abandoned draw "
                          "is listed below with its reason; the findings are on the last draw.", warn))
        items.append(data_table(
            ["Abandoned draw at", "By", "Seed", "Size", "Reason for the redraw"],
            [(fmt_dt(r.at), r.by, str(r.seed), r.sample_size, r.reason) for r in data.redraws],
            widths=[1.3, 0.9, 1.5, 0.5, 2.8]))
    required = min(data.minimum_sample, data.population_size)
    if len(data.inquiries) < required:
        items.append(
            para(
                f"NOTE: the sample holds {len(data.inquiries)} inquiries, fewer than the required "
                f"{data.minimum_sample} (or all inquiries of the period when there were fewer).",
                BODY.clone("warn", fontName=FONT_BOLD),
            )
        )
    return items


def _findings(data: AuditMemoInput) -> list[Flowable]:
    compliant = sum(1 for i in data.inquiries if i.compliant is True)
    failing = sum(1 for i in data.inquiries if i.compliant is False)
    open_items = sum(1 for i in data.inquiries if i.compliant is None)
    items: list[Flowable] = [*heading("Results")]
    items.append(
        para(
            f"Compliant: {compliant}. Non-compliant: {failing}. Not reviewed: {open_items}. "
            f"Data errors found: {len(data.data_errors)}."
        )
    )
    items += heading("Sampled inquiries")
    items.append(
        data_table(
            ["Inquiry", "User", "Time", "Search terms", "Case no. / reason", "Finding", "Auditor notes"],
            [
                (i.inquiry_id, i.user, fmt_dt(i.at), i.terms, _reason_cell(i), _finding_cell(i), i.notes)
                for i in data.inquiries
            ],
            widths=[0.7, 0.85, 1.0, 1.0, 1.5, 1.05, 1.25],
            empty_text="No inquiries were made in the period; nothing to sample.",
        )
    )
    items += heading("Overrides of hit safeguards in the period")
    items.append(
        data_table(
            ["Hit", "Override", "User", "At", "Reason"],
            [(o.hit_id, o.kind, o.user, fmt_dt(o.at), o.reason) for o in data.overrides],
            widths=[0.6, 1.6, 0.9, 1.2, 2.6],
            empty_text="No hit was verified or dispatched under an override in the period.",
        )
    )
    items += heading("Data errors found and corrective actions")
    items.append(
        data_table(
            ["Error found", "Record", "Corrective action", "Status"],
            [(e.description, e.reference, e.corrective_action, e.status) for e in data.data_errors],
            widths=[2.4, 1.1, 2.6, 0.8],
            empty_text="No data errors were found.",
        )
    )
    return items


def build_audit_story(profile: AgencyProfile, data: AuditMemoInput) -> list[Flowable]:
    """Build the body of the audit memorandum."""
    story = _memo_head(profile, data)
    story.append(
        para(
            f"As required by {agency_policy(profile)}, the detection-browsing inquiries of the "
            f"prior period ({_period(data)}) were audited to verify that each was made for an authorized "
            "purpose and documented with a case/incident number and/or a reason. This memorandum reports "
            "the sample, the findings and any data errors found so that they can be corrected."
        )
    )
    story += _scope(data)
    story += _findings(data)
    story += [*heading("Summary"), para(data.summary or "No further remarks.")]
    review = data.chief_review
    story += heading("Review by the chief of police")
    if review is None:
        story.append(para("Not yet reviewed."))
    else:
        story.append(field_grid([("Reviewed by", review.by), ("On", fmt_dt(review.at) if review.at else ""),
                                 ("Remarks", review.remarks)]))
    story.append(
        signature_block(
            [
                (f"{data.auditor_title} (auditor)", data.auditor),
                (f"{profile.chief_title} (reviewed)", profile.chief_of_police),
            ],
            preamble=[
                para(
                    "After review by the chief of police or designee, this memorandum and its supporting "
                    "documentation are filed and retained in agency records."
                )
            ],
        )
    )
    return story


def render_audit_memo(
    profile: AgencyProfile, data: AuditMemoInput, generated: GeneratedBy, path: Path | str
) -> ReportFile:
    """Write the monthly audit memorandum PDF, addressed to the chief named in the profile.

    Args:
        profile: The agency; ``chief_of_police`` is the addressee.
        data: Period, seed, sample with findings, data errors and summary.
        generated: Who prints it and when.
        path: Output file (its folder must exist).

    Returns:
        The written file and its SHA-256.

    Raises:
        ReportWriteError: The file could not be written.

    """
    spec = DocumentSpec(
        profile=profile, title=DOC_TITLE, generated=generated, reference=f"Audit {data.audit_id}"
    )
    return write_pdf(spec, build_audit_story(profile, data), path)
