"""Hit report: one hit from the read to its disposition (policy 002 IV.J; DOMAIN.md hit workflow)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether

from app.services.reports.flowables import (
    CONTENT_WIDTH,
    LABEL,
    SMALL,
    data_table,
    field_grid,
    fit_image,
    fmt_dt,
    heading,
    para,
    plain_grid,
    title_block,
)
from app.services.reports.inputs import AgencyProfile, GeneratedBy, HitReportInput
from app.services.reports.layout import DocumentSpec, write_pdf
from app.services.reports.output import ReportFile

TITLE = "ALPR Hit Report"


def _span(seconds: float) -> str:
    """A duration for people: '4 min', '3.5 h', '2.1 days' (never '-0.0 h')."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 120:
        return f"{minutes} min"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def list_age(list_date: datetime | None, read_at: datetime) -> str:
    """Describe how old the hot list was when the plate was read (or that it is dated after the read)."""
    if list_date is None:
        return "Unknown"
    try:
        seconds = (read_at - list_date).total_seconds()
    except TypeError:  # naive against aware: print the date alone
        return fmt_dt(list_date)
    if seconds < 0:  # a list dated after the read (imported later, or the source's clock ahead)
        return f"{fmt_dt(list_date)} (dated {_span(-seconds)} after the read)"
    return f"{fmt_dt(list_date)} ({_span(seconds)} old at read)"


def _images(data: HitReportInput) -> Flowable:
    crop_w, over_w = 2.4 * inch, CONTENT_WIDTH - 2.4 * inch - 12
    crop = fit_image(data.plate_crop, crop_w, 1.3 * inch, missing="No plate crop")
    overview = fit_image(data.overview_image, over_w, 2.8 * inch, missing="No overview image")
    return plain_grid(
        [[para("Plate crop (as captured)", LABEL), para("Overview image", LABEL)], [crop, overview]],
        [crop_w + 6, over_w + 6],
    )


def _verification(data: HitReportInput) -> list[Flowable]:
    v = data.verification
    if v is None:
        return [para("Not yet visually verified.")]
    if v.accepted and v.override_reason:
        decision = "ACCEPTED BY OVERRIDE despite the mismatches below (not a clean visual match)"
    else:
        decision = "Accepted as visually verified" if v.accepted else "Rejected"
    pairs = [("Decision", decision), ("By", v.user), ("At", fmt_dt(v.at)), ("Reason", v.reason)]
    if v.override_reason:
        pairs.append(("Mismatches shown", "; ".join(v.mismatches)))
        pairs.append(("Override reason", v.override_reason))
    if v.note:
        pairs.append(("Note", v.note))
    return [field_grid(pairs)]


def _disposition(data: HitReportInput) -> list[Flowable]:
    d = data.disposition
    if d is None:
        return [para("No disposition recorded.")]
    notified = fmt_dt(d.agency_notified_at) if d.agency_notified_at else "Not recorded"
    if d.agency_notified_at and d.notification_method:
        notified += f" by {d.notification_method}"
    pairs = [
        ("Outcome", d.outcome),
        ("Recorded by", d.user),
        ("At", fmt_dt(d.at)),
        ("Entering agency notified", notified),
    ]
    if d.notes:
        pairs.append(("Notes", d.notes))
    return [field_grid(pairs)]


def _read_section(data: HitReportInput) -> list[Flowable]:
    read = data.read
    return [
        *heading("Read"),
        _images(data),
        field_grid(
            [
                ("Plate read", read.plate),
                ("State read", read.state),
                ("Confidence", f"{read.confidence:.0%}"),
                ("Read at", fmt_dt(read.read_at)),
                ("Camera", read.camera_name),
                ("Location", read.camera_location),
                ("Direction", read.direction),
                ("Read ID", read.read_id),
                ("Vehicle colour", read.vehicle_colour),
                ("Vehicle type / make", " / ".join(x for x in (read.vehicle_type, read.vehicle_make) if x)),
            ]
        ),
    ]


def _sightings_section(data: HitReportInput) -> list[Flowable]:
    """Every pass of the vehicle grouped into this hit: time, camera, plate, confidence and crop."""
    rows = [(fmt_dt(s.seen_at), " - ".join(x for x in (s.camera, s.location) if x) or "?", s.plate or "(purged)",
             f"{s.confidence:.0%}" if s.plate else None,
             fit_image(s.crop, 1.5 * inch, 0.45 * inch, missing="no crop") if s.crop else "no crop printed")
            for s in data.sightings]
    first, last = (data.sightings[0], data.sightings[-1]) if data.sightings else (None, None)
    summary = (f"Seen {len(rows)} time{'s' if len(rows) != 1 else ''} between {fmt_dt(first.seen_at)} and "
               f"{fmt_dt(last.seen_at)}." if first and last else "")
    return [*heading(f"Sightings ({len(rows)})"), *([para(summary)] if summary else []),
            data_table(["Seen", "Camera / location", "Plate", "Conf.", "Crop"], rows, widths=[1.5, 2.4, 1.0, 0.6, 1.6],
                       empty_text="Only the read above.")]


def _entry_section(data: HitReportInput) -> Flowable:
    entry = data.entry
    vehicle = " ".join(x for x in (entry.vehicle_year, entry.vehicle_make, entry.vehicle_model) if x)
    grid = field_grid(
        [
            ("Listed plate", entry.plate),
            ("Listed state", entry.state),
            ("Plate type / year", " / ".join(x for x in (entry.plate_type, entry.plate_year) if x)),
            ("Vehicle", vehicle),
            ("Vehicle colour", entry.vehicle_colour),
            ("NIC", entry.nic),
            ("Entering ORI", entry.ori),
            ("OCA / case", entry.oca),
            ("Source", entry.source),
            ("List date", list_age(entry.list_date, data.read.read_at)),
            ("Instructions to field", entry.instructions),
        ]
    )
    return KeepTogether([*heading("Hot-list entry (snapshot at the time of the hit)"), grid])


def build_hit_story(data: HitReportInput) -> list[Flowable]:
    """Build the body of a hit report."""
    entry = data.entry
    story: list[Flowable] = title_block(
        TITLE, f"Hit {data.hit_id} - {entry.hit_type} - priority {entry.priority} - status {data.status}"
    )
    story.append(
        field_grid(
            [
                ("Hit", data.hit_id),
                ("Status", data.status),
                ("Hit type", entry.hit_type),
                ("Priority", str(entry.priority)),
                ("Match", data.match_kind),
                ("Claimed by", data.claimed_by),
            ],
            columns=3,
        )
    )
    if data.exceptions:
        story += heading("Overrides and exceptions")
        story += [para("\u26a0 " + line) for line in data.exceptions]
    story += _read_section(data)
    if data.sightings:
        story += _sightings_section(data)
    story.append(_entry_section(data))
    story += [*heading("Visual verification"), *_verification(data)]
    story += heading("NCIC confirmation log")
    story.append(
        data_table(
            ["Time", "User", "Step", "Detail"],
            [(fmt_dt(s.at), s.user, s.action, s.detail) for s in data.steps],
            widths=[1.5, 1.1, 1.5, 3.0],
            empty_text="No confirmation steps recorded.",
        )
    )
    story += [*heading("Disposition"), *_disposition(data)]
    story.append(
        para(
            "A hit alone is not grounds for a stop: it must be visually verified and confirmed with NCIC "
            "before enforcement action.",
            SMALL,
        )
    )
    return story


def render_hit_report(
    profile: AgencyProfile, data: HitReportInput, generated: GeneratedBy, path: Path | str
) -> ReportFile:
    """Write the hit report PDF.

    Args:
        profile: The agency.
        data: The hit with its read, entry snapshot, images, verification, steps and disposition.
        generated: Who prints it and when.
        path: Output file (its folder must exist).

    Returns:
        The written file and its SHA-256.

    Raises:
        ReportWriteError: The file could not be written.

    """
    spec = DocumentSpec(profile=profile, title=TITLE, generated=generated, reference=f"Hit {data.hit_id}")
    return write_pdf(spec, build_hit_story(data), path)
