"""Destruction (purge) report: what a retention run deleted, what it kept and why (000 433.5, 003 462.12)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from reportlab.platypus import Flowable

from app.services.reports.flowables import (
    CELL,
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
from app.services.reports.inputs import AgencyProfile, GeneratedBy, PurgeReportInput
from app.services.reports.layout import DocumentSpec, agency_policy, write_pdf
from app.services.reports.output import ReportFile
from app.services.reports.signatures import signature_block

TITLE = "ALPR Data Destruction Report"


def _duration(data: PurgeReportInput) -> str:
    seconds = (data.finished_at - data.started_at).total_seconds()
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _totals(data: PurgeReportInput) -> tuple[int, int, int]:
    """Return the reads, hit records and images deleted by the run."""
    return (
        sum(c.reads for c in data.counts),
        sum(c.hits for c in data.counts),
        sum(c.images for c in data.counts),
    )


def _deleted_section(data: PurgeReportInput, totals: tuple[int, int, int]) -> list[Flowable]:
    story: list[Flowable] = []
    story += heading("Deleted, by capture day and camera")
    ordered = sorted(data.counts, key=lambda c: (c.day, c.camera))
    rows: list[tuple[Cell, ...]] = [(fmt_date(c.day), c.camera, c.reads, c.hits, c.images) for c in ordered]
    story.append(
        data_table(
            ["Capture day", "Camera", "Reads", "Hits", "Images"],
            rows,
            widths=[1.2, 2.6, 1, 1, 1],
            numeric=(2, 3, 4),
            total=("Total", para("", CELL), *totals),
            empty_text="Nothing was old enough to delete.",
        )
    )
    return story


def _kept_section(data: PurgeReportInput) -> list[Flowable]:
    story: list[Flowable] = []
    story += heading("Expired items kept, and why")
    if data.kept:
        by_reason = Counter(k.reason for k in data.kept)
        summary = ", ".join(f"{reason}: {fmt_int(n)}" for reason, n in sorted(by_reason.items()))
        story.append(para(f"{fmt_int(len(data.kept))} expired items were kept ({summary})."))
    story.append(
        data_table(
            ["Item", "Kind", "Camera", "Captured", "Kept because", "Reference"],
            [(k.item_ref, k.kind, k.camera, fmt_dt(k.captured_at), k.reason, k.reference) for k in data.kept],
            widths=[1.1, 0.7, 1.4, 1.5, 1.2, 1.2],
            empty_text="No expired item was kept.",
        )
    )
    return story


def build_purge_story(profile: AgencyProfile, data: PurgeReportInput) -> list[Flowable]:
    """Build the body of a destruction report."""
    totals = _totals(data)
    story: list[Flowable] = title_block(TITLE, f"Retention purge run {data.run_id} - {data.outcome}")
    story.append(
        field_grid(
            [
                ("Run ID", data.run_id),
                ("Outcome", data.outcome),
                ("Run by", data.run_by),
                ("Trigger", data.trigger),
                ("Started", fmt_dt(data.started_at)),
                ("Finished", fmt_dt(data.finished_at)),
                ("Duration", _duration(data)),
                ("Workstation", data.host),
            ]
        )
    )
    story += heading("Totals")
    story.append(
        data_table(
            ["Reads deleted", "Hit records deleted", "Images deleted", "Expired items kept"],
            [(*totals, len(data.kept))],
            widths=[1, 1, 1, 1],
            numeric=(0, 1, 2, 3),
        )
    )
    story += heading("Retention applied")
    story.append(
        data_table(
            ["Data type", "Retention period", "Deleted if captured before"],
            [(c.data_type, f"{c.retention_days} days", fmt_dt(c.cutoff)) for c in data.cutoffs],
            widths=[2, 1.5, 2.5],
        )
    )
    story += _deleted_section(data, totals)
    story += _kept_section(data)
    if data.notes:
        story += [*heading("Notes"), para(data.notes)]
    story += [
        gap(10),
        signature_block(
            [
                ("Reviewed by (custodian of records)", ""),
                (profile.administrator_title, profile.alpr_administrator),
            ],
            preamble=[
                para(
                    f"The records counted above were destroyed under {agency_policy(profile)} and "
                    "the retention periods shown. Data under an evidence hold, open hits, hits still within "
                    "their retention and data a release request not yet fulfilled covers were not destroyed; "
                    "the images of kept reads were kept with them."
                )
            ],
        ),
    ]
    return story


def render_purge_report(
    profile: AgencyProfile, data: PurgeReportInput, generated: GeneratedBy, path: Path | str
) -> ReportFile:
    """Write the destruction report PDF of one purge run.

    Args:
        profile: The agency.
        data: The run, its cutoffs, the counts deleted per day and camera, and the items kept.
        generated: Who prints it and when (the scheduler prints as e.g. ``system (scheduled purge)``).
        path: Output file (its folder must exist).

    Returns:
        The written file and its SHA-256.

    Raises:
        ReportWriteError: The file could not be written.

    """
    spec = DocumentSpec(
        profile=profile, title=TITLE, generated=generated, reference=f"Purge run {data.run_id}"
    )
    return write_pdf(spec, build_purge_story(profile, data), path)
