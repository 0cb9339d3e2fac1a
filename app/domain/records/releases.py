"""Release requests from outside agencies (000 433.7, 002 IV.O, 003 462.14)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.domain.errors import Conflict


class ReleaseStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    FULFILLED = "fulfilled"


@dataclass(frozen=True, slots=True)
class ReleaseScope:
    plates: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    camera_ids: tuple[int, ...] = ()

    def as_json(self) -> dict:
        return {"plates": list(self.plates), "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "camera_ids": list(self.camera_ids)}

    @classmethod
    def from_json(cls, v: object) -> ReleaseScope:
        d = v if isinstance(v, dict) else {}
        return cls(tuple(d.get("plates") or ()),
                   datetime.fromisoformat(d["start"]) if d.get("start") else None,
                   datetime.fromisoformat(d["end"]) if d.get("end") else None,
                   tuple(int(c) for c in d.get("camera_ids") or ()))


@dataclass(frozen=True, slots=True)
class ReleaseIntake:
    """What the records clerk types in from the written request."""

    agency: str
    requester_name: str
    purpose: str
    legal_basis: str
    scope: ReleaseScope
    ori: str = ""
    requester_title: str = ""
    requester_contact: str = ""
    case_number: str = ""
    law_enforcement: bool = True
    public_agency: bool = True

    def problems(self) -> list[str]:
        out = []
        for label, v in (("agency name", self.agency), ("name of the requesting person", self.requester_name),
                         ("intended purpose", self.purpose), ("legal basis", self.legal_basis)):
            if not v.strip():
                out.append(f"Enter the {label}.")
        if self.ori and len(self.ori.strip()) != 9:
            out.append("An ORI has 9 characters.")
        if not (self.scope.plates or self.scope.start or self.scope.camera_ids):
            out.append("Give the scope: plates, a time range or cameras.")
        if self.scope.start and self.scope.end and self.scope.end < self.scope.start:
            out.append("The end of the time range is before its start.")
        return out


@dataclass(frozen=True, slots=True)
class ReleaseRequest:
    id: int
    intake: ReleaseIntake
    status: ReleaseStatus
    entered_by: int
    entered_by_name: str
    entered_at: datetime
    reviewed_by: int | None = None
    reviewed_by_name: str = ""
    reviewed_at: datetime | None = None
    decision_reason: str | None = None
    fulfilled_by: int | None = None
    fulfilled_at: datetime | None = None
    packet_document_id: int | None = None
    flags: tuple[str, ...] = field(default=())


def request_flags(intake: ReleaseIntake, public_agencies_only: bool) -> tuple[str, ...]:
    """Warnings shown to the reviewer."""
    flags = []
    if not intake.law_enforcement:
        flags.append("Non-law-enforcement requester: process under the Records Maintenance and Release Policy.")
    if not intake.public_agency:
        flags.append("Requester is not a public agency"
                     + (" (sharing is restricted to public agencies)." if public_agencies_only else "."))
    return tuple(flags)


def check_review(req: ReleaseRequest, reviewer_id: int | None, approve: bool, reason: str,
                 public_agencies_only: bool) -> None:
    """Raise Conflict when this review may not happen."""
    if req.status is not ReleaseStatus.PENDING:
        raise Conflict(f"Release request R-{req.id} was already {req.status.value}.")
    if reviewer_id is not None and reviewer_id == req.entered_by:
        raise Conflict("You cannot review a release request you entered yourself.")
    if len(reason.strip()) < 5:
        raise Conflict("Give the reason for the decision.")
    if approve and public_agencies_only and not req.intake.public_agency:
        raise Conflict("Sharing is restricted to public agencies; this request can only be denied.")
