"""Access-record entries and the canonical hash that chains them (tamper evidence)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AccessEntry:
    at: datetime
    user_id: int | None
    username: str
    workstation: str
    action: str
    outcome: str
    object_type: str | None = None
    object_id: str | None = None
    terms: str | None = None
    reason: str | None = None
    case_number: str | None = None
    detail: dict | None = None
    id: int | None = None
    prev_hash: str = ""
    hash: str = ""


def as_utc(dt: datetime) -> datetime:
    """Aware UTC datetime (SQLite hands back naive values that were stored as UTC)."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def canonical_content(e: AccessEntry) -> bytes:
    """Stable bytes of everything an entry says (time in UTC microseconds, sorted JSON)."""
    payload = {
        "at": as_utc(e.at).isoformat(timespec="microseconds"),
        "user_id": e.user_id,
        "username": e.username,
        "workstation": e.workstation,
        "action": e.action,
        "outcome": e.outcome,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "terms": e.terms,
        "reason": e.reason,
        "case_number": e.case_number,
        "detail": e.detail,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def chain_hash(prev_hash: str, e: AccessEntry) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_content(e)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    intact: bool
    rows_checked: int
    first_broken_id: int | None = None
    problem: str | None = None

    def describe(self) -> str:
        if self.intact:
            return f"intact ({self.rows_checked} rows)"
        return f"BROKEN at row {self.first_broken_id}: {self.problem}"
