"""Documents kept on file: listing, and recording every open/print of one."""

from __future__ import annotations

from pathlib import Path

from app.domain.errors import NotFound
from app.domain.records.documents import Document, DocumentKind
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.records import DocumentRepository
from app.services import audit_trail
from app.services.context import ServiceContext

P = Permission
_VIEWERS = (P.PRINT_RECORDS, P.VIEW_AUDITS, P.EXPORT_EVIDENCE)
K = DocumentKind
#: who may open each kind: released data and evidence packages carry reads and images (ALPR data), so only
#: the roles that handle them (records custodian, release reviewer, investigators) open those
_OPENERS: dict[str, frozenset[Permission]] = {
    K.RELEASE_PACKET: frozenset({P.PRINT_RECORDS, P.APPROVE_RELEASE, P.FULFIL_RELEASE}),
    K.RELEASE_DATA: frozenset({P.PRINT_RECORDS, P.APPROVE_RELEASE, P.FULFIL_RELEASE}),
    K.EVIDENCE_PACKAGE: frozenset({P.PRINT_RECORDS, P.EXPORT_EVIDENCE}),
}
_ANY_VIEWER = frozenset(_VIEWERS)


class DocumentService:
    """The generated documents (purge reports, memoranda, packets, exports)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _check(self, actor: Actor, action: str, **fields: object) -> None:
        audit_trail.require_any(self.ctx, actor, (P.PRINT_RECORDS, *_VIEWERS), action, **fields)

    def list(self, actor: Actor, kinds: tuple[str, ...] = ()) -> list[Document]:
        """Documents of the given kinds that ``actor`` may open, newest first."""
        self._check(actor, "documents.list")
        have = audit_trail.live_permissions(self.ctx, actor)
        with self.ctx.uow() as uow:
            return [d for d in DocumentRepository(uow.s).list(kinds) if have & _OPENERS.get(d.kind, _ANY_VIEWER)]

    def open(self, actor: Actor, document_id: int, purpose: str = "view") -> Path:
        """The file of a document for viewing or printing (``purpose`` = view | print); recorded."""
        self._check(actor, f"document.{purpose}", object_type="document", object_id=document_id)
        with self.ctx.uow() as uow:
            doc = DocumentRepository(uow.s).get(document_id)
        openers = _OPENERS.get(doc.kind, _ANY_VIEWER)
        audit_trail.require_any(self.ctx, actor, tuple(sorted(openers)), f"document.{purpose}",
                                object_type="document", object_id=document_id)
        with self.ctx.uow() as uow:
            path = Path(doc.path)
            if not path.is_file():
                raise NotFound(f"The file of '{doc.title}' is missing: {path}")
            audit_trail.record(uow, self.ctx, actor, f"document.{purpose}", object_type="document",
                               object_id=document_id, detail={"kind": doc.kind, "title": doc.title})
        return path
