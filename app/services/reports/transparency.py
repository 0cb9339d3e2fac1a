"""Public transparency summary, as PDF and as a standalone HTML page (003 462.10-11).

The summary is public: it carries no sensitivity marking and holds counts only. Its input type
has no field for a plate, a person searched, a case number or a location history, so none can
leak into it. Both outputs are built from the same sections, so they always agree.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import inch
from reportlab.platypus import Flowable

from app.services.reports.flowables import (
    Cell,
    data_table,
    fmt_date,
    fmt_int,
    heading,
    para,
    title_block,
)
from app.services.reports.inputs import AgencyProfile, GeneratedBy, TransparencyInput
from app.services.reports.layout import DocumentSpec, write_pdf
from app.services.reports.output import ReportFile, write_atomically
from app.services.reports.transparency_html import Section, render_html_page

DOC_TITLE = "ALPR Program Transparency Summary"


def _period(data: TransparencyInput) -> str:
    return f"{data.period_label} ({fmt_date(data.period_start)} to {fmt_date(data.period_end)})"


def intro(profile: AgencyProfile, data: TransparencyInput) -> str:
    """Return the opening paragraph."""
    return (
        f"The {profile.name} uses automated license plate reader (ALPR) cameras for official law "
        f"enforcement purposes under its policy{(' ' + profile.policy_number) if profile.policy_number else ''}, {data.policy_title}. This summary "
        f"covers {_period(data)}. It reports counts only: no license plate, vehicle, location history or "
        "personal information is published."
    )


def sections(data: TransparencyInput) -> list[Section]:
    """Build the content shared by the PDF and the HTML page."""
    activity = (
        ("ALPR cameras in operation", fmt_int(data.cameras)),
        ("License plate reads captured", fmt_int(data.reads)),
        ("Hits (reads matching a hot list)", fmt_int(data.hits)),
        ("Hits verified and confirmed with NCIC", fmt_int(data.hits_confirmed)),
        ("Searches of stored data by authorized users", fmt_int(data.searches)),
        ("Data-sharing requests approved", fmt_int(data.releases_approved)),
        ("Data-sharing requests denied", fmt_int(data.releases_denied)),
        ("Retention purge runs", fmt_int(data.purge_runs)),
    )
    result = [
        Section("Activity", headers=("Measure", "Count"), rows=activity, numeric=(1,), widths=(5, 2)),
    ]
    if data.hits_by_type:
        result.append(
            Section(
                "Hits by type",
                headers=("Hot-list category", "Hits"),
                rows=tuple((c.label, fmt_int(c.count)) for c in data.hits_by_type),
                numeric=(1,),
                widths=(5, 2),
            )
        )
    result.append(
        Section(
            "Retention in force",
            paragraphs=(
                "ALPR data is deleted automatically when its retention period ends, unless it is, or may "
                "become, evidence in a criminal or civil action, in which case it is kept with the case file.",
            ),
            headers=("Data", "Kept for"),
            rows=tuple((r.data_type, f"{fmt_int(r.days)} days") for r in data.retention),
            numeric=(1,),
            widths=(5, 2),
        )
    )
    result.append(
        Section(
            "Audits of system use",
            paragraphs=(
                "Every search of stored ALPR data must record a case number or a reason. Supervisors audit a "
                "random sample of searches to verify each was made for a legitimate law enforcement purpose.",
            ),
            headers=("Period audited", "Completed", "Searches reviewed", "Found non-compliant"),
            rows=tuple(
                (a.period, fmt_date(a.completed_on), fmt_int(a.inquiries_reviewed), fmt_int(a.non_compliant))
                for a in data.audits
            ),
            numeric=(2, 3),
            widths=(2.2, 1.6, 1.6, 1.6),
        )
    )
    sharing = (
        "ALPR data is shared only with other law enforcement or prosecutorial agencies, on a written request "
        "approved by the ALPR administrator. It is never sold."
        if data.shares_only_with_public_agencies
        else "ALPR data is shared only on a written request approved by the ALPR administrator and as "
        "permitted by law. It is never sold."
    )
    contact = f" Questions: {data.contact}." if data.contact else ""
    result.append(Section("Data sharing", paragraphs=(sharing + contact,)))
    return result


def build_transparency_story(profile: AgencyProfile, data: TransparencyInput) -> list[Flowable]:
    """Build the body of the public PDF."""
    story: list[Flowable] = title_block(DOC_TITLE, _period(data))
    story.append(para(intro(profile, data)))
    for section in sections(data):
        story += heading(section.title, room=(1.2 if section.headers else 0.7) * inch)
        story += [para(p) for p in section.paragraphs]
        if section.headers:
            rows: list[tuple[Cell, ...]] = list(section.rows)
            story.append(
                data_table(
                    section.headers, rows, widths=section.widths, numeric=section.numeric, empty_text="None."
                )
            )
    return story


def render_transparency_pdf(
    profile: AgencyProfile, data: TransparencyInput, generated: GeneratedBy, path: Path | str
) -> ReportFile:
    """Write the public transparency summary PDF (no sensitivity marking, counts only).

    Args:
        profile: The agency.
        data: Period counts, retention in force and audits done.
        generated: Printed in the footer; for a public document pass an office rather than a
            login name (e.g. ``Records Division``).
        path: Output file (its folder must exist).

    Returns:
        The written file and its SHA-256.

    Raises:
        ReportWriteError: The file could not be written.

    """
    spec = DocumentSpec(
        profile=profile, title=DOC_TITLE, generated=generated, reference=data.period_label, sensitive=False
    )
    return write_pdf(spec, build_transparency_story(profile, data), path)


def render_transparency_html(
    profile: AgencyProfile, data: TransparencyInput, generated: GeneratedBy, path: Path | str
) -> ReportFile:
    """Write the same summary as one standalone HTML file (inline CSS, no scripts, no external assets).

    Args:
        profile: The agency.
        data: Period counts, retention in force and audits done.
        generated: Printed at the bottom of the page (see ``render_transparency_pdf``).
        path: Output file (its folder must exist).

    Returns:
        The written file and its SHA-256.

    Raises:
        ReportWriteError: The file could not be written.

    """
    page = render_html_page(
        profile=profile,
        title=DOC_TITLE,
        subtitle=_period(data),
        intro=intro(profile, data),
        sections=sections(data),
        generated=generated,
    )
    return write_atomically(path, page.encode("utf-8"))
