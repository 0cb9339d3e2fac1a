"""Access-record entries and the canonical hash that chains them (tamper evidence)."""

from __future__ import annotations

import hashlib
import hmac
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
    """What a verify found: ``intact`` only when every link, hash and signed checkpoint agrees."""

    intact: bool
    rows_checked: int
    first_broken_id: int | None = None
    problem: str | None = None
    head_id: int | None = None
    head_hash: str = GENESIS_HASH
    sealed: bool = False  # the newest rows are covered by a valid signed head
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        lines = []
        if self.intact:
            lines.append(f"intact ({self.rows_checked} rows; head {self.head_hash[:16]}...)")
        else:
            where = f" at row {self.first_broken_id}" if self.first_broken_id is not None else ""
            lines.append(f"BROKEN{where}: {self.problem}")
            lines += [f"  also: {p}" for p in self.problems[1:]]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


# ---- signed checkpoints of the chain's head ------------------------------------------------------

HEAD = "head"  # the one checkpoint moved forward with every append
PERIODIC = "periodic"  # kept every CHECKPOINT_EVERY rows
AT_VERIFY = "verify"  # kept at every verify that found the chain intact
CHECKPOINT_EVERY = 1000


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The newest row of the chain: its id, its hash and how many rows the chain holds up to it."""

    last_id: int
    last_hash: str
    count: int


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A head signed with the checkpoint key (HMAC-SHA256), which lives in the OS keyring only."""

    kind: str
    head: ChainHead
    at: datetime
    workstation: str
    key_id: str
    mac: str
    id: int | None = None


class ChainSealer:
    """Signs and checks checkpoints. Without the key, nobody can write a head the verify accepts."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the checkpoint key must hold at least 32 bytes")
        self._key = key
        self.key_id = hashlib.sha256(b"alpr-access-checkpoint-key\n" + key).hexdigest()[:16]
        self.last_head: Checkpoint | None = None  # the head this process wrote last (a cache, never trusted alone)
        #: first-row hashes of the records this key has signed (kept beside the key, outside the database): a
        #: record among them with no checkpoint at all had its checkpoints removed, it was never "not yet signed"
        self.signed_records: frozenset[str] = frozenset()

    def _message(self, kind: str, head: ChainHead, at: datetime, workstation: str) -> bytes:
        stamp = as_utc(at).isoformat(timespec="microseconds")
        return f"{kind}\n{head.last_id}\n{head.last_hash}\n{head.count}\n{stamp}\n{workstation}".encode()

    def seal(self, kind: str, head: ChainHead, at: datetime, workstation: str) -> Checkpoint:
        mac = hmac.new(self._key, self._message(kind, head, at, workstation), hashlib.sha256).hexdigest()
        return Checkpoint(kind, head, at, workstation, self.key_id, mac)

    def pseudonym(self, data: bytes) -> str:
        """A keyed hash of ``data`` (e.g. a mistyped username that may be a password): linkable, not reversible."""
        return hmac.new(self._key, b"pseudonym\n" + data, hashlib.sha256).hexdigest()[:16]

    def valid(self, cp: Checkpoint) -> bool:
        if cp.key_id != self.key_id:
            return False
        want = hmac.new(self._key, self._message(cp.kind, cp.head, cp.at, cp.workstation), hashlib.sha256)
        return hmac.compare_digest(want.hexdigest(), cp.mac)
