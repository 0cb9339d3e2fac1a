"""Append-only access record. There is deliberately no update or delete here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.domain.access import GENESIS_HASH, AccessEntry, ChainVerdict, as_utc, chain_hash
from app.persistence.orm.audit import AccessLogRow

_PG_CHAIN_LOCK = 7_301_117  # advisory lock key serialising chain appends across consoles


def _to_domain(r: AccessLogRow) -> AccessEntry:
    return AccessEntry(
        at=as_utc(r.at), user_id=r.user_id, username=r.username, workstation=r.workstation,
        action=r.action, outcome=r.outcome, object_type=r.object_type, object_id=r.object_id,
        terms=r.terms, reason=r.reason, case_number=r.case_number, detail=r.detail,
        id=r.id, prev_hash=r.prev_hash, hash=r.hash,
    )


class AccessLogRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _last_hash(self) -> str:
        if self.s.get_bind().dialect.name == "postgresql":
            self.s.execute(text("select pg_advisory_xact_lock(:k)"), {"k": _PG_CHAIN_LOCK})
        last = self.s.scalar(select(AccessLogRow.hash).order_by(AccessLogRow.id.desc()).limit(1))
        return last or GENESIS_HASH

    def append(self, entry: AccessEntry) -> AccessEntry:
        """Chain ``entry`` onto the newest row (inside the caller's transaction)."""
        prev = self._last_hash()
        digest = chain_hash(prev, entry)
        row = AccessLogRow(
            at=entry.at, user_id=entry.user_id, username=entry.username, workstation=entry.workstation,
            action=entry.action, outcome=entry.outcome, object_type=entry.object_type,
            object_id=entry.object_id, terms=entry.terms, reason=entry.reason,
            case_number=entry.case_number, detail=entry.detail, prev_hash=prev, hash=digest,
        )
        self.s.add(row)
        self.s.flush()
        return _to_domain(row)

    def append_many(self, entries: list[AccessEntry]) -> None:
        prev = self._last_hash()
        rows = []
        for e in entries:
            digest = chain_hash(prev, e)
            rows.append(dict(
                at=e.at, user_id=e.user_id, username=e.username, workstation=e.workstation, action=e.action,
                outcome=e.outcome, object_type=e.object_type, object_id=e.object_id, terms=e.terms,
                reason=e.reason, case_number=e.case_number, detail=e.detail, prev_hash=prev, hash=digest,
            ))
            prev = digest
        self.s.execute(AccessLogRow.__table__.insert(), rows)

    def iter_all(self, batch: int = 5000) -> Iterator[AccessEntry]:
        last_id = 0
        while True:
            rows = self.s.scalars(
                select(AccessLogRow).where(AccessLogRow.id > last_id).order_by(AccessLogRow.id).limit(batch)
            ).all()
            if not rows:
                return
            for r in rows:
                yield _to_domain(r)
            last_id = rows[-1].id
            self.s.expunge_all()

    def verify(self) -> ChainVerdict:
        prev, n = GENESIS_HASH, 0
        for e in self.iter_all():
            n += 1
            if e.prev_hash != prev:
                return ChainVerdict(False, n, e.id, "its link to the previous row does not match (row removed or inserted)")
            if chain_hash(prev, e) != e.hash:
                return ChainVerdict(False, n, e.id, "its content does not match its hash (row altered)")
            prev = e.hash
        return ChainVerdict(True, n)

    def recent(self, limit: int = 200, user_id: int | None = None, action: str | None = None,
               since: datetime | None = None) -> list[AccessEntry]:
        q = select(AccessLogRow).order_by(AccessLogRow.id.desc()).limit(limit)
        if user_id is not None:
            q = q.where(AccessLogRow.user_id == user_id)
        if action:
            q = q.where(AccessLogRow.action == action)
        if since is not None:
            q = q.where(AccessLogRow.at >= since)
        return [_to_domain(r) for r in self.s.scalars(q)]
