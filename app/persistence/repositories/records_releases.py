"""Release requests (intake, review, fulfilment)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.domain.access import as_utc
from app.domain.errors import NotFound
from app.domain.records.releases import (
    ReleaseIntake,
    ReleaseRequest,
    ReleaseScope,
    ReleaseStatus,
    request_flags,
)
from app.persistence.orm.accounts import UserRow
from app.persistence.orm.records import ReleaseRequestRow

_Entered = aliased(UserRow)
_Reviewed = aliased(UserRow)


class ReleaseRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, intake: ReleaseIntake, user_id: int, now: datetime) -> int:
        row = ReleaseRequestRow(
            agency=intake.agency.strip(), ori=intake.ori.strip() or None, requester_name=intake.requester_name.strip(),
            requester_title=intake.requester_title.strip() or None,
            requester_contact=intake.requester_contact.strip() or None,
            case_number=intake.case_number.strip() or None, purpose=intake.purpose.strip(),
            legal_basis=intake.legal_basis.strip(), law_enforcement=intake.law_enforcement,
            public_agency=intake.public_agency, scope=intake.scope.as_json(), status=ReleaseStatus.PENDING.value,
            entered_by=user_id, entered_at=now)
        self.s.add(row)
        self.s.flush()
        return row.id

    def _q(self):  # noqa: ANN202
        return (select(ReleaseRequestRow, _Entered.username, _Reviewed.username)
                .join(_Entered, _Entered.id == ReleaseRequestRow.entered_by)
                .outerjoin(_Reviewed, _Reviewed.id == ReleaseRequestRow.reviewed_by))

    @staticmethod
    def _dom(r: ReleaseRequestRow, entered: str, reviewed: str | None, public_only: bool) -> ReleaseRequest:
        intake = ReleaseIntake(r.agency, r.requester_name, r.purpose, r.legal_basis, ReleaseScope.from_json(r.scope),
                               r.ori or "", r.requester_title or "", r.requester_contact or "", r.case_number or "",
                               r.law_enforcement, r.public_agency)
        return ReleaseRequest(r.id, intake, ReleaseStatus(r.status), r.entered_by, entered, as_utc(r.entered_at),
                              r.reviewed_by, reviewed or "", as_utc(r.reviewed_at) if r.reviewed_at else None,
                              r.decision_reason, r.fulfilled_by, as_utc(r.fulfilled_at) if r.fulfilled_at else None,
                              r.packet_document_id, request_flags(intake, public_only))

    def get(self, request_id: int, public_only: bool = False) -> ReleaseRequest:
        row = self.s.execute(self._q().where(ReleaseRequestRow.id == request_id)).first()
        if row is None:
            raise NotFound(f"Release request R-{request_id} does not exist.")
        return self._dom(*row, public_only)

    def list(self, public_only: bool = False, since: datetime | None = None,
             until: datetime | None = None) -> list[ReleaseRequest]:
        q = self._q().order_by(ReleaseRequestRow.id.desc())
        if since is not None:
            q = q.where(ReleaseRequestRow.entered_at >= since)
        if until is not None:
            q = q.where(ReleaseRequestRow.entered_at < until)
        return [self._dom(*r, public_only) for r in self.s.execute(q)]

    def decide(self, request_id: int, approve: bool, user_id: int | None, now: datetime, reason: str) -> None:
        row = self.s.get(ReleaseRequestRow, request_id)
        row.status = (ReleaseStatus.APPROVED if approve else ReleaseStatus.DENIED).value
        row.reviewed_by, row.reviewed_at, row.decision_reason = user_id, now, reason.strip()

    def fulfil(self, request_id: int, user_id: int | None, now: datetime, document_id: int) -> None:
        row = self.s.get(ReleaseRequestRow, request_id)
        row.status = ReleaseStatus.FULFILLED.value
        row.fulfilled_by, row.fulfilled_at, row.packet_document_id = user_id, now, document_id
