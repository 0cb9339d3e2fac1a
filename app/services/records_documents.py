"""Documents kept on file: listing, and recording every open/print of one."""

from __future__ import annotations

from pathlib import Path

from app.domain.errors import NotFound
from app.domain.records.documents import Document
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.records import DocumentRepository
from app.services import audit_trail
from app.services.context import ServiceContext

P = Permission
_VIEWERS = (P.PRINT_RECORDS, P.VIEW_AUDITS, P.EXPORT_EVIDENCE)


class DocumentService:
    """The generated documents (purge reports, memoranda, packets, exports)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _check(self, actor: Actor, action: str, **fields: object) -> None:
        audit_trail.require_any(self.ctx, actor, (P.PRINT_RECORDS, *_VIEWERS), action, **fields)

    def list(self, actor: Actor, kinds: tuple[str, ...] = ()) -> list[Document]:
        """Documents of the given kinds, newest first."""
        self._check(actor, "documents.list")
        with self.ctx.uow() as uow:
            return DocumentRepository(uow.s).list(kinds)

    def open(self, actor: Actor, document_id: int, purpose: str = "view") -> Path:
        """The file of a document for viewing or printing (``purpose`` = view | print); recorded."""
        self._check(actor, f"document.{purpose}", object_type="document", object_id=document_id)
        with self.ctx.uow() as uow:
            doc = DocumentRepository(uow.s).get(document_id)
            path = Path(doc.path)
            if not path.is_file():
                raise NotFound(f"The file of '{doc.title}' is missing: {path}")
            audit_trail.record(uow, self.ctx, actor, f"document.{purpose}", object_type="document",
                               object_id=document_id, detail={"kind": doc.kind, "title": doc.title})
        return path
