"""Append-only access record. There is deliberately no update or delete of its rows here.

Every append runs under the database's write lock (SQLite: the unit of work starts with BEGIN
IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), so two writers never chain onto the
same row. With a ``ChainSealer`` the signed head checkpoint moves forward in the same transaction;
a head that no longer matches the chain is never moved again (the hole stays visible to verify).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, text
from sqlalchemy.orm import Session

from app.domain.access import (
    AT_VERIFY,
    CHECKPOINT_EVERY,
    GENESIS_HASH,
    HEAD,
    PERIODIC,
    AccessEntry,
    ChainHead,
    ChainSealer,
    ChainVerdict,
    Checkpoint,
    as_utc,
    chain_hash,
)
from app.domain.access_query import AccessFilter
from app.domain.access_verify import verify_chain
from app.persistence.orm.audit import AccessCheckpointRow, AccessLogRow

_PG_CHAIN_LOCK = 7_301_117  # advisory lock key serialising chain appends across consoles


def _to_domain(r: AccessLogRow) -> AccessEntry:
    return AccessEntry(
        at=as_utc(r.at), user_id=r.user_id, username=r.username, workstation=r.workstation,
        action=r.action, outcome=r.outcome, object_type=r.object_type, object_id=r.object_id,
        terms=r.terms, reason=r.reason, case_number=r.case_number, detail=r.detail,
        id=r.id, prev_hash=r.prev_hash, hash=r.hash,
    )


def _checkpoint(r: AccessCheckpointRow) -> Checkpoint:
    return Checkpoint(r.kind, ChainHead(r.last_id, r.last_hash, r.row_count), as_utc(r.at), r.workstation,
                      r.key_id, r.mac, r.id)


_LOG = AccessLogRow.__table__
_CPS = AccessCheckpointRow.__table__
_TAIL = select(_LOG.c.id, _LOG.c.hash).order_by(_LOG.c.id.desc()).limit(1)
_INSERT_ROW = _LOG.insert().returning(_LOG.c.id)
_HEAD = select(_CPS).where(_CPS.c.kind == HEAD).order_by(_CPS.c.id.desc()).limit(1)
_ANY_CHECKPOINT = select(_CPS.c.id).limit(1)
_ANY_MAC = ""  # the head was just read and checked: move it whatever its signature
_MOVE_HEAD = _CPS.update().where(_CPS.c.id == bindparam("cid"), _CPS.c.kind == HEAD,
                                 (bindparam("old_mac") == _ANY_MAC) | (_CPS.c.mac == bindparam("old_mac")))


def _checkpoint_values(cp: Checkpoint) -> dict:
    return dict(kind=cp.kind, at=cp.at, workstation=cp.workstation, last_id=cp.head.last_id,
                last_hash=cp.head.last_hash, row_count=cp.head.count, key_id=cp.key_id, mac=cp.mac)


def _row_values(e: AccessEntry, prev: str, digest: str) -> dict:
    return dict(
        at=e.at, user_id=e.user_id, username=e.username, workstation=e.workstation, action=e.action,
        outcome=e.outcome, object_type=e.object_type, object_id=e.object_id, terms=e.terms,
        reason=e.reason, case_number=e.case_number, detail=e.detail, prev_hash=prev, hash=digest,
    )


class AccessLogRepository:
    def __init__(self, session: Session, sealer: ChainSealer | None = None) -> None:
        self.s = session
        self.sealer = sealer

    # ---- appending -----------------------------------------------------------------------------
    def _lock_and_tail(self) -> tuple[int | None, str]:
        conn = self.s.connection()
        if conn.dialect.name == "postgresql":
            conn.execute(text("select pg_advisory_xact_lock(:k)"), {"k": _PG_CHAIN_LOCK})
        last = conn.execute(_TAIL).first()
        return (last[0], last[1]) if last else (None, GENESIS_HASH)

    def append(self, entry: AccessEntry) -> AccessEntry:
        """Chain ``entry`` onto the newest row (inside the caller's transaction)."""
        return self.append_many([entry])[-1]

    def append_many(self, entries: list[AccessEntry]) -> list[AccessEntry]:
        """Chain ``entries`` in order onto the newest row; returns them with ids and hashes."""
        if not entries:
            return []
        conn = self.s.connection()
        last_id, prev = self._lock_and_tail()
        # The head this process wrote last, when the chain still ends there: moved below only if the stored
        # head is byte for byte that one (same signature), which saves reading it on every append.
        mine = self.sealer.last_head if self.sealer is not None else None
        if mine is not None and mine.head.last_id == (last_id or 0) and mine.head.last_hash == prev:
            head_row_id, head = mine.id, mine.head
        else:
            mine = None
            head_row_id, head = self._head_to_advance(last_id, prev)
        out: list[AccessEntry] = []
        for e in entries:
            digest = chain_hash(prev, e)
            new_id = conn.execute(_INSERT_ROW, _row_values(e, prev, digest)).scalar_one()
            out.append(AccessEntry(**{**_entry_fields(e), "id": new_id, "prev_hash": prev, "hash": digest}))
            prev = digest
            if head is not None:
                head = ChainHead(new_id, digest, head.count + 1)
                if head.count % CHECKPOINT_EVERY == 0:
                    self._write_checkpoint(PERIODIC, head, e.at, e.workstation)
        if head is not None:
            assert self.sealer is not None
            cp = self.sealer.seal(HEAD, head, entries[-1].at, entries[-1].workstation)
            if head_row_id is None:
                head_row_id = conn.execute(_CPS.insert().returning(_CPS.c.id), _checkpoint_values(cp)).scalar_one()
                moved = True
            else:
                moved = conn.execute(_MOVE_HEAD, {"cid": head_row_id, "old_mac": mine.mac if mine else _ANY_MAC,
                                                  **_checkpoint_values(cp)}).rowcount == 1
            self.sealer.last_head = Checkpoint(HEAD, head, cp.at, cp.workstation, cp.key_id, cp.mac, head_row_id) \
                if moved else None  # not moved: the stored head was changed behind our back; verify will say so
        return out

    def _head_to_advance(self, last_id: int | None, last_hash: str) -> tuple[int | None, ChainHead | None]:
        """(row id, head) of the signed head to move forward; head None when it must stay as it is.

        A fresh record (no checkpoint at all) starts its head here. A head whose signature fails, or
        that names another row than the newest one, stays as it is: verify reports the difference.
        """
        if self.sealer is None:
            return None, None
        conn = self.s.connection()
        row = conn.execute(_HEAD).first()
        if row is None:
            if conn.execute(_ANY_CHECKPOINT).first() is not None:
                return None, None  # checkpoints exist but the head is gone: removed, keep the evidence
            if self.first_hash() in self.sealer.signed_records:
                return None, None  # this key signed the record before: its checkpoints were removed, keep the evidence
            count = conn.execute(select(func.count(AccessLogRow.id))).scalar() or 0
            return None, ChainHead(last_id or 0, last_hash, count)
        cp = Checkpoint(row.kind, ChainHead(row.last_id, row.last_hash, row.row_count), as_utc(row.at),
                        row.workstation, row.key_id, row.mac, row.id)
        if not self.sealer.valid(cp) or cp.head.last_id != (last_id or 0) or cp.head.last_hash != last_hash:
            return row.id, None
        return row.id, cp.head

    def _write_checkpoint(self, kind: str, head: ChainHead, at: datetime, workstation: str) -> Checkpoint:
        assert self.sealer is not None
        cp = self.sealer.seal(kind, head, at, workstation)
        self.s.connection().execute(AccessCheckpointRow.__table__.insert(), _checkpoint_values(cp))
        return cp

    def reseal_head(self, at: datetime, workstation: str) -> Checkpoint:
        """Sign the chain's present end as its head (an administrator's decision, recorded by the caller).

        Earlier periodic and verify checkpoints stay: whatever they pinned is still checked.
        """
        assert self.sealer is not None
        self._lock_and_tail()
        head = self.head()
        self.s.connection().execute(_CPS.delete().where(_CPS.c.kind == HEAD))
        self.sealer.last_head = None
        return self._write_checkpoint(HEAD, head, at, workstation)

    def checkpoint_verified(self, head: ChainHead, at: datetime, workstation: str) -> Checkpoint | None:
        """Keep a signed checkpoint of a head that a verify has just found intact."""
        if self.sealer is None or head.count == 0:
            return None
        return self._write_checkpoint(AT_VERIFY, head, at, workstation)

    # ---- reading -------------------------------------------------------------------------------
    def head(self) -> ChainHead:
        """The chain's newest row (id, hash) and its row count, as stored now."""
        last = self.s.execute(
            select(AccessLogRow.id, AccessLogRow.hash).order_by(AccessLogRow.id.desc()).limit(1)
        ).first()
        count = self.s.scalar(select(func.count(AccessLogRow.id))) or 0
        return ChainHead(last[0], last[1], count) if last else ChainHead(0, GENESIS_HASH, 0)

    def first_hash(self) -> str | None:
        """The hash of the record's first row (it names the record to the keyring), None when empty."""
        return self.s.execute(select(AccessLogRow.hash).order_by(AccessLogRow.id).limit(1)).scalar()

    def latest(self, kind: str) -> Checkpoint | None:
        row = self.s.scalar(select(AccessCheckpointRow).where(AccessCheckpointRow.kind == kind)
                            .order_by(AccessCheckpointRow.id.desc()).limit(1))
        return _checkpoint(row) if row else None

    def checkpoints_exist(self) -> bool:
        return self.s.connection().execute(_ANY_CHECKPOINT).first() is not None

    def checkpoints(self) -> list[Checkpoint]:
        return [_checkpoint(r) for r in self.s.scalars(select(AccessCheckpointRow).order_by(AccessCheckpointRow.id))]

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
        """Recompute every link and compare the chain with the signed checkpoints."""
        return verify_chain(self.iter_all(), self.checkpoints(), self.sealer)

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


def _filtered(q, f: AccessFilter):  # noqa: ANN001, ANN202
    """``q`` narrowed by ``f`` (a normalised filter); values are bound parameters."""
    if f.username is not None:
        q = q.where(AccessLogRow.username == f.username)
    if f.action is not None:
        # "hits" matches "hits" and "hits.claim"; LIKE's own wildcards in the text are escaped
        esc = f.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = q.where(or_(AccessLogRow.action == f.action, AccessLogRow.action.like(esc + ".%", escape="\\")))
    if f.object_type is not None:
        q = q.where(AccessLogRow.object_type == f.object_type)
    if f.object_id is not None:
        q = q.where(AccessLogRow.object_id == f.object_id)
    if f.start is not None:
        q = q.where(AccessLogRow.at >= f.start)
    if f.end is not None:
        q = q.where(AccessLogRow.at < f.end)
    return q


class AccessLogQueries:
    """Filtered, keyset-paged reading of the access record (newest first, by id)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def page(self, f: AccessFilter, before_id: int | None, size: int) -> tuple[list[AccessEntry], int | None]:
        """Up to ``size`` rows older than ``before_id`` (None: from the newest) and the next cursor."""
        q = _filtered(select(AccessLogRow), f).order_by(AccessLogRow.id.desc()).limit(size + 1)
        if before_id is not None:
            q = q.where(AccessLogRow.id < before_id)
        rows = [_to_domain(r) for r in self.s.scalars(q)]
        more = len(rows) > size
        rows = rows[:size]
        return rows, (rows[-1].id if more and rows else None)

    def iter_filtered(self, f: AccessFilter, batch: int = 2000) -> Iterator[AccessEntry]:
        """Every row ``f`` matches, newest first, read in keyset batches."""
        cursor: int | None = None
        while True:
            rows, cursor = self.page(f, cursor, batch)
            yield from rows
            self.s.expunge_all()
            if cursor is None:
                return

    def actions(self) -> list[str]:
        """Actions in the record (for the filter's choices)."""
        return sorted(self.s.scalars(select(AccessLogRow.action).distinct()))


def _entry_fields(e: AccessEntry) -> dict:
    return {k: getattr(e, k) for k in AccessEntry.__slots__}
