"""Quarterly usage report: reads, hits by type, dispositions, searches by user, releases, purges (003 462.8)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.platypus import Flowable

from app.services.reports.charts import bar_chart
from app.services.reports.flowables import (
    CONTENT_WIDTH,
    Cell,
    data_table,
    field_grid,
    fmt_date,
    fmt_dt,
    fmt_int,
    gap,
    heading,
    para,
    title_block,
)
from app.services.reports.inputs import AgencyProfile, GeneratedBy, LabeledCount, UsageReportInput
from app.services.reports.layout import DocumentSpec, agency_policy, write_pdf
from app.services.reports.output import ReportFile

DOC_TITLE = "ALPR Usage Report"


def _share(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f} %" if whole else "-"


def counts_table(items: Sequence[LabeledCount], label: str, empty_text: str) -> Flowable:
    """Make a label / count / share table with a total row."""
    total = sum(i.count for i in items)
    rows: list[tuple[Cell, ...]] = [(i.label, i.count, _share(i.count, total)) for i in items]
    return data_table(
        [label, "Count", "Share"],
        rows,
        widths=[4, 1.5, 1.5],
        numeric=(1, 2),
        total=("Total", total, _share(total, total)),
        empty_text=empty_text,
    )


def _summary(data: UsageReportInput) -> Flowable:
    hits = sum(i.count for i in data.hits_by_type)
    searches = sum(u.searches for u in data.searches_by_user)
    approved = sum(1 for r in data.releases if r.decision.casefold().startswith("approv"))
    return field_grid(
        [
            ("Plate reads", fmt_int(data.reads_total)),
            ("Hits", fmt_int(hits)),
            ("Hit rate", f"{100.0 * hits / data.reads_total:.3f} %" if data.reads_total else "-"),
            ("Searches of stored reads", fmt_int(searches)),
            ("Release requests", f"{fmt_int(len(data.releases))} ({fmt_int(approved)} approved)"),
            ("Purge runs", fmt_int(len(data.purges))),
        ],
    )


def _searches(data: UsageReportInput) -> Flowable:
    users = sorted(data.searches_by_user, key=lambda u: (-u.searches, u.user))
    rows: list[tuple[Cell, ...]] = [
        (u.user, u.searches, u.with_case_number, u.reason_only, u.for_other_agency) for u in users
    ]
    return data_table(
        ["User", "Searches", "With case / CFS no.", "Reason only", "For another agency"],
        rows,
        widths=[2.2, 1, 1.4, 1.1, 1.4],
        numeric=(1, 2, 3, 4),
        total=(
            "Total",
            sum(u.searches for u in users),
            sum(u.with_case_number for u in users),
            sum(u.reason_only for u in users),
            sum(u.for_other_agency for u in users),
        ),
        empty_text="No detection-browsing searches in the period.",
    )


def _purges(data: UsageReportInput) -> Flowable:
    rows: list[tuple[Cell, ...]] = [
        (p.run_id, fmt_dt(p.at), p.reads, p.hits, p.images, p.kept) for p in data.purges
    ]
    return data_table(
        ["Run", "Ran at", "Reads deleted", "Hits deleted", "Images deleted", "Kept"],
        rows,
        widths=[1.4, 1.6, 1.1, 1, 1.1, 0.7],
        numeric=(2, 3, 4, 5),
        total=(
            "Total",
            f"{fmt_int(len(data.purges))} runs",
            sum(p.reads for p in data.purges),
            sum(p.hits for p in data.purges),
            sum(p.images for p in data.purges),
            sum(p.kept for p in data.purges),
        ),
        empty_text="No purge ran in the period.",
    )


def build_usage_story(profile: AgencyProfile, data: UsageReportInput) -> list[Flowable]:
    """Build the body of the usage report."""
    period = f"{data.period_label} ({fmt_date(data.period_start)} to {fmt_date(data.period_end)})"
    story: list[Flowable] = title_block(DOC_TITLE, period)
    story.append(_summary(data))
    story += heading("Plate reads")
    if data.reads_by_month:
        story.append(bar_chart(data.reads_by_month, CONTENT_WIDTH, "Reads per month"))
    story.append(counts_table(data.reads_by_camera, "Camera", "No reads by camera recorded."))
    story += heading("Hits by type")
    if data.hits_by_type:
        story.append(bar_chart(data.hits_by_type, CONTENT_WIDTH))
    story.append(counts_table(data.hits_by_type, "Hit type", "No hits in the period."))
    story += heading("Hit dispositions")
    story.append(counts_table(data.dispositions, "Disposition", "No dispositions recorded."))
    story += heading("Overrides of hit safeguards")
    story.append(
        data_table(
            ["Hit", "Override", "User", "At", "Reason"],
            [(o.hit_id, o.kind, o.user, fmt_dt(o.at), o.reason) for o in data.overrides],
            widths=[0.7, 1.8, 1.0, 1.3, 2.3],
            empty_text="No hit was verified or dispatched under an override in the period.",
        )
    )
    story += heading("Detection-browsing searches by user")
    story.append(_searches(data))
    story += heading("Data release requests")
    story.append(
        data_table(
            ["Request", "Requesting agency", "Received", "Decision", "Records released"],
            [
                (r.request_id, r.agency, fmt_dt(r.received_at), r.decision, r.records_released)
                for r in data.releases
            ],
            widths=[1, 2.3, 1.5, 1, 1.1],
            numeric=(4,),
            empty_text="No release requests in the period.",
        )
    )
    story += heading("Retention purges")
    story.append(_purges(data))
    story += [
        gap(8),
        para(
            f"Prepared for the {profile.administrator_title}'s periodic review of ALPR system use under "
            f"{agency_policy(profile)}."
        ),
    ]
    return story


def render_usage_report(
    profile: AgencyProfile, data: UsageReportInput, generated: GeneratedBy, path: Path | str
) -> ReportFile:
    """Write the (quarterly) usage report PDF.

    Args:
        profile: The agency.
        data: Period counts.
        generated: Who prints it and when.
        path: Output file (its folder must exist).

    Returns:
        The written file and its SHA-256.

    Raises:
        ReportWriteError: The file could not be written.

    """
    spec = DocumentSpec(profile=profile, title=DOC_TITLE, generated=generated, reference=data.period_label)
    return write_pdf(spec, build_usage_story(profile, data), path)
