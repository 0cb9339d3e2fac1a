"""Printed documents (PDF, and HTML for the public summary): a pure rendering layer.

Each ``render_*`` function takes the agency profile, one frozen input value from
:mod:`app.services.reports.inputs`, who generates it and when, and an output path; it writes
the file atomically and returns a :class:`ReportFile` (path, SHA-256, size). Nothing here reads
the database or the clock: identical inputs give byte-identical files.
"""

from app.services.reports.audit_memo import render_audit_memo
from app.services.reports.evidence_summary import render_evidence_summary
from app.services.reports.hit_report import render_hit_report
from app.services.reports.layout import SENSITIVE_MARKING
from app.services.reports.output import ReportError, ReportFile, ReportInputError, ReportWriteError
from app.services.reports.purge_report import render_purge_report
from app.services.reports.release_packet import render_release_packet
from app.services.reports.transparency import render_transparency_html, render_transparency_pdf
from app.services.reports.usage_report import render_usage_report

__all__ = [
    "SENSITIVE_MARKING",
    "ReportError",
    "ReportFile",
    "ReportInputError",
    "ReportWriteError",
    "render_audit_memo",
    "render_evidence_summary",
    "render_hit_report",
    "render_purge_report",
    "render_release_packet",
    "render_transparency_html",
    "render_transparency_pdf",
    "render_usage_report",
]
