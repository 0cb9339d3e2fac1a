"""Writing records back out: NCIC fixed-width and tagged lines (demo lists, tests, benchmarks)."""

from __future__ import annotations

from app.domain.hotlists.records import HotListRecord


def _w(value: str | None, width: int) -> str:
    return (value or "")[:width].ljust(width)


def format_ncic_line(record: HotListRecord) -> str:
    """One DOMAIN.md NCIC fixed-width line (no newline) for ``record``."""
    nic = record.nic or (record.record_type[:1] + "0" * 9)
    when = record.entry_date.strftime("%Y%m%d") if record.entry_date else ""
    return "".join(
        (
            _w(nic, 10), _w(record.ori, 9), _w(when, 8), _w(record.plate_raw, 10), _w(record.state, 2),
            _w(record.lic_year, 4), _w(record.lic_type, 2), _w(record.vehicle_year, 4), _w(record.vehicle_make, 4),
            _w(record.vehicle_model, 3), _w(record.vehicle_style, 2), record.vehicle_colour or "",
        )
    ).rstrip()


def format_tagged_line(record: HotListRecord) -> str:
    """One tagged line (``TYP/V NIC/... LIC/ABC123 LIS/CA ...``); empty fields are left out."""
    pairs = (
        ("TYP", record.record_type), ("NIC", record.nic), ("ORI", record.ori),
        ("DTE", record.entry_date.strftime("%Y%m%d") if record.entry_date else None),
        ("LIC", record.plate_raw), ("LIS", record.state), ("LIY", record.lic_year), ("LIT", record.lic_type),
        ("VYR", record.vehicle_year), ("VMA", record.vehicle_make), ("VMO", record.vehicle_model),
        ("VST", record.vehicle_style), ("VCO", record.vehicle_colour),
        ("EXP", record.expiry.strftime("%Y%m%d") if record.expiry else None), ("OCA", record.oca),
    )
    return " ".join(f"{tag}/{value}" for tag, value in pairs if value)
