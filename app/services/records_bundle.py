"""The records and compliance services of one console, built together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services.access_browser import AccessRecordService
from app.services.audits import AuditService
from app.services.context import ServiceContext
from app.services.evidence_export import EvidenceExportService
from app.services.holds import HoldService
from app.services.image_migration import ImageFileMigration
from app.services.image_store import ReadImages
from app.services.records_documents import DocumentService
from app.services.releases import ReleaseService
from app.services.retention import RetentionSettingsService
from app.services.retention_purge import PurgeService
from app.services.search import SearchService
from app.services.usage_reports import UsageReportService


@dataclass(slots=True)
class RecordsServices:
    """Search, holds, evidence export, retention, purge, releases, audits, reports, documents.

    Housekeeping (scheduled on the DB executor) calls ``purge.prepare_storage()`` and, while
    ``image_files.needed()``, ``image_files.run()`` (moves this workstation's old image files).
    """

    search: SearchService
    holds: HoldService
    evidence: EvidenceExportService
    retention: RetentionSettingsService
    purge: PurgeService
    releases: ReleaseService
    audits: AuditService
    reports: UsageReportService
    documents: DocumentService
    image_files: ImageFileMigration
    access: AccessRecordService

    @classmethod
    def build(cls, ctx: ServiceContext, images: ReadImages | Path, documents: Path) -> RecordsServices:
        """Wire every records service to one context, the image store and the documents folder.

        ``images`` may be the images folder: the store for ``ctx``'s database is then opened on it.
        """
        if isinstance(images, Path):
            images = ReadImages.open(ctx, images)
        return cls(SearchService(ctx, images), HoldService(ctx, images), EvidenceExportService(ctx, images),
                   RetentionSettingsService(ctx), PurgeService(ctx, images, documents),
                   ReleaseService(ctx, images, documents), AuditService(ctx, documents),
                   UsageReportService(ctx, documents), DocumentService(ctx), ImageFileMigration(ctx, images),
                   AccessRecordService(ctx))
