"""Generated documents kept on file (purge reports, memoranda, packets, exports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DocumentKind(StrEnum):
    PURGE_REPORT = "purge_report"
    AUDIT_MEMO = "audit_memo"
    RELEASE_PACKET = "release_packet"
    RELEASE_DATA = "release_data"
    EVIDENCE_PACKAGE = "evidence_package"
    USAGE_REPORT = "usage_report"
    TRANSPARENCY_PDF = "transparency_pdf"
    TRANSPARENCY_HTML = "transparency_html"


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    kind: str
    title: str
    path: str
    sha256: str
    created_by: int | None
    created_at: datetime
    related: dict | None = None

    @property
    def is_pdf(self) -> bool:
        return self.path.lower().endswith(".pdf")
