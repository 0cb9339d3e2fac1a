"""Hot-list sources, entries and import reports. Bulk replace is the hot path of a daily import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from heapq import merge
from itertools import islice

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.errors import NotFound
from app.domain.hotlist_admin import (
    EntryRevision,
    EntryStatus,
    HotListEntry,
    HotListSource,
    ImportSummary,
    SourceKind,
)
from app.persistence.hotlist_rows import BULK_COLUMNS
from app.persistence.orm.accounts import UserRow
from app.persistence.orm.hotlists import (
    HotListEntryRevisionRow,
    HotListEntryRow,
    HotListImportRow,
    HotListSourceRow,
)
from app.persistence.plate_heads import prefix_heads

_BULK_COLUMNS = BULK_COLUMNS


def _source(r: HotListSourceRow, last_rejected: int = 0) -> HotListSource:
    sched = r.schedule or {}
    spec = r.format_spec or {}
    return HotListSource(
        id=r.id, name=r.name, kind=SourceKind(r.kind), preset=spec.get("preset") if isinstance(spec, dict) else None,
        location=r.location, daily_at=sched.get("daily_at") if isinstance(sched, dict) else None,
        entry_count=r.entry_count, last_import_at=as_utc(r.last_import_at) if r.last_import_at else None,
        last_success_at=as_utc(r.last_success_at) if r.last_success_at else None, last_rejected=last_rejected,
        enabled=r.enabled,
    )


def _entry(r: HotListEntryRow, source_name: str, entered_by_name: str | None = None) -> HotListEntry:
    return HotListEntry(
        id=r.id, source_id=r.source_id, source_name=source_name, plate=r.plate, state=r.state,
        record_type=r.record_type, category=r.category, priority=r.priority, status=EntryStatus(r.status),
        nic=r.nic, ori=r.ori, vehicle_year=r.vehicle_year, vehicle_make=r.vehicle_make,
        vehicle_model=r.vehicle_model, vehicle_style=r.vehicle_style, vehicle_colour=r.vehicle_colour,
        expires_at=as_utc(r.expires_at) if r.expires_at else None, entered_by=r.entered_by,
        entered_by_name=entered_by_name, requesting_officer=r.requesting_officer, case_number=r.case_number,
        synopsis=r.synopsis, instructions=r.instructions, reference_photo_sha256=r.reference_photo_sha256,
        decided_by=r.decided_by, decision_reason=r.decision_reason,
        created_at=as_utc(r.created_at) if r.created_at else None, revision=r.revision,
        requesting_user_id=r.requesting_user_id, requesting_agency=r.requesting_agency,
        last_edited_by=r.last_edited_by,
    )


def _filtered(q: Select, source_id: int | None, status: EntryStatus | None, hidden_categories: frozenset[str]) -> Select:
    """``q`` with the entries browser's filters (``hidden_categories`` left out)."""
    if source_id is not None:
        q = q.where(HotListEntryRow.source_id == source_id)
    if status is not None:
        q = q.where(HotListEntryRow.status == str(status))
    if hidden_categories:
        q = q.where(HotListEntryRow.category.not_in(sorted(hidden_categories)))
    return q


def _chunked(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class HotListRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    # ---- sources ------------------------------------------------------------------------------
    def sources(self) -> list[HotListSource]:
        newest = select(func.max(HotListImportRow.id)).group_by(HotListImportRow.source_id)
        last = {  # rejected rows of each source's newest import
            source_id: max(0, read - imported - skipped - dups)
            for source_id, read, imported, skipped, dups in self.s.execute(
                select(HotListImportRow.source_id, HotListImportRow.rows_read, HotListImportRow.imported,
                       HotListImportRow.skipped, HotListImportRow.duplicates_merged)
                .where(HotListImportRow.id.in_(newest)))
        }
        rows = self.s.scalars(select(HotListSourceRow).order_by(HotListSourceRow.kind, HotListSourceRow.name))
        return [_source(r, last.get(r.id, 0)) for r in rows]

    def source_row(self, source_id: int) -> HotListSourceRow:
        row = self.s.get(HotListSourceRow, source_id)
        if row is None:
            raise NotFound(f"No hot-list source with id {source_id}.")
        return row

    def source(self, source_id: int) -> HotListSource:
        return _source(self.source_row(source_id))

    def source_by_name(self, name: str) -> HotListSource | None:
        row = self.s.scalar(select(HotListSourceRow).where(HotListSourceRow.name == name))
        return _source(row) if row else None

    def add_source(self, name: str, kind: SourceKind, format_spec: dict | None, location: str | None,
                   daily_at: str | None, settings: dict | None, now: datetime) -> HotListSource:
        row = HotListSourceRow(name=name, kind=str(kind), format_spec=format_spec, location=location,
                               schedule={"daily_at": daily_at} if daily_at else None, type_mapping=settings,
                               created_at=now, entry_count=0, enabled=True, bad_row_threshold=0.02)
        self.s.add(row)
        self.s.flush()
        return _source(row)

    def local_source(self, now: datetime) -> HotListSource:
        """The one source that holds local (BOLO) entries, created on first use."""
        row = self.s.scalar(select(HotListSourceRow).where(HotListSourceRow.kind == "local"))
        if row is None:
            return self.add_source("Local entries (BOLO)", SourceKind.LOCAL, None, None, None, None, now)
        return _source(row)

    # ---- imports ------------------------------------------------------------------------------
    def append_rows(self, rows: list[tuple]) -> tuple[int, int]:
        """Insert one chunk of :func:`~app.persistence.hotlist_rows.entry_rows` tuples; returns ``(first new id, rows)``.

        SQLite imports in chunks of short transactions so the single write lock is never held for
        long (a dispatcher's claim waits for one chunk at most); see :meth:`delete_entries_chunk`.
        """
        first = (self.s.scalar(select(func.max(HotListEntryRow.id))) or 0) + 1
        return first, self._insert_rows(rows)

    def replace_with_rows(self, source_id: int, rows: Iterable[tuple]) -> int:
        """Swap the source's whole list for :func:`~app.persistence.hotlist_rows.entry_rows` tuples inside the caller's transaction."""
        self.s.execute(delete(HotListEntryRow).where(HotListEntryRow.source_id == source_id))
        n = self._insert_rows(rows)
        self.source_row(source_id).entry_count = n
        return n

    def _insert_rows(self, rows: Iterable[tuple]) -> int:
        """Bulk insert of :func:`~app.persistence.hotlist_rows.entry_rows` tuples (PostgreSQL: COPY; SQLite: executemany, 5,000 a call)."""
        conn = self.s.connection()
        raw = conn.connection.driver_connection
        n = 0
        if conn.dialect.name == "postgresql":
            with raw.cursor() as cur, cur.copy(f"COPY hotlist_entries ({', '.join(_BULK_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        cur = raw.cursor()
        sql = f"INSERT INTO hotlist_entries ({', '.join(_BULK_COLUMNS)}) VALUES ({', '.join('?' * len(_BULK_COLUMNS))})"
        try:
            for chunk in _chunked(rows, 5000):
                cur.executemany(sql, chunk)
                n += len(chunk)
        finally:
            cur.close()
        return n

    def delete_entries_chunk(self, source_id: int, *, below_id: int | None = None, from_id: int | None = None,
                             limit: int = 20_000) -> int:
        """Delete up to ``limit`` entries of a source with id < ``below_id`` (the old list) or >= ``from_id``.

        One statement with three parameters, run inside the database: fetching the ids and binding them
        back cost ~6 us a row of the console's interpreter (a national list's removal: a minute of it,
        holding the GUI thread in 40-80 ms stalls).
        """
        q = select(HotListEntryRow.id).where(HotListEntryRow.source_id == source_id)
        if below_id is not None:
            q = q.where(HotListEntryRow.id < below_id)
        if from_id is not None:
            q = q.where(HotListEntryRow.id >= from_id)
        done = self.s.execute(delete(HotListEntryRow).where(HotListEntryRow.id.in_(q.limit(limit).scalar_subquery()))
                              .execution_options(synchronize_session=False))
        return int(done.rowcount or 0)

    def max_entry_id(self) -> int:
        """The highest entry id of any source (0: none)."""
        return self.s.scalar(select(func.max(HotListEntryRow.id))) or 0

    def set_entry_count(self, source_id: int, known: int | None = None) -> int:
        """Recount a source's entries after a chunked import (``known``: the caller knows the count).

        Counting a national list is seconds inside one write transaction: a caller that has just
        written every entry of the source passes the count instead.
        """
        n = self.count(source_id) if known is None else known
        self.source_row(source_id).entry_count = n
        return n

    def add_import(self, source_id: int, started: datetime, finished: datetime, accepted: bool,
                   refusal: str | None, file_name: str | None, file_sha256: str | None, rows_read: int,
                   imported: int, skipped: int, duplicates: int, duration_s: float, report: list[str],
                   triggered_by: int | None) -> int:
        row = HotListImportRow(
            source_id=source_id, started_at=started, finished_at=finished, accepted=accepted,
            refusal_reason=refusal, file_name=file_name, file_sha256=file_sha256, rows_read=rows_read,
            imported=imported, skipped=skipped, duplicates_merged=duplicates, duration_s=duration_s,
            report={"lines": report}, triggered_by=triggered_by,
        )
        self.s.add(row)
        src = self.source_row(source_id)
        src.last_import_at = finished
        if accepted:
            src.last_success_at = finished
        self.s.flush()
        return row.id

    def last_accepted_count(self, source_id: int) -> int | None:
        """Entries imported by the source's newest accepted import (None: never imported)."""
        return self.s.scalar(select(HotListImportRow.imported)
                             .where(HotListImportRow.source_id == source_id, HotListImportRow.accepted.is_(True))
                             .order_by(HotListImportRow.id.desc()).limit(1))

    def held_file_sha256(self, source_id: int, held_prefix: str) -> str | None:
        """The file digest of the source's newest import when that import was held (refusal ``held_prefix``...)."""
        row = self.s.execute(select(HotListImportRow.accepted, HotListImportRow.refusal_reason,
                                    HotListImportRow.file_sha256)
                             .where(HotListImportRow.source_id == source_id)
                             .order_by(HotListImportRow.id.desc()).limit(1)).first()
        if row is None or row[0] or not (row[1] or "").startswith(held_prefix):
            return None
        return row[2]

    def imports(self, source_id: int | None = None, limit: int = 50) -> list[ImportSummary]:
        q = (select(HotListImportRow, HotListSourceRow.name)
             .join(HotListSourceRow, HotListSourceRow.id == HotListImportRow.source_id)
             .order_by(HotListImportRow.id.desc()).limit(limit))
        if source_id is not None:
            q = q.where(HotListImportRow.source_id == source_id)
        out = []
        for r, name in self.s.execute(q):
            lines = tuple((r.report or {}).get("lines", ()))
            out.append(ImportSummary(
                id=r.id, source_id=r.source_id, source_name=name, accepted=r.accepted, refusal=r.refusal_reason,
                rows_read=r.rows_read, imported=r.imported, skipped=r.skipped, rejected=r.rows_read - r.imported
                - r.skipped - r.duplicates_merged if r.rows_read else 0, duplicates_merged=r.duplicates_merged,
                duration_s=r.duration_s, report_lines=lines, started_at=as_utc(r.started_at)))
        return out

    # ---- entries ------------------------------------------------------------------------------
    def entry(self, entry_id: int) -> HotListEntry:
        r = self.s.get(HotListEntryRow, entry_id)
        if r is None:
            raise NotFound(f"No hot-list entry with id {entry_id}.")
        name = self.s.scalar(select(HotListSourceRow.name).where(HotListSourceRow.id == r.source_id)) or ""
        who = self.s.scalar(select(UserRow.full_name).where(UserRow.id == r.entered_by)) if r.entered_by else None
        return _entry(r, name, who)

    def entry_row(self, entry_id: int, lock: bool = False) -> HotListEntryRow:
        r = self.s.get(HotListEntryRow, entry_id, with_for_update=lock or None)
        if r is None:
            raise NotFound(f"No hot-list entry with id {entry_id}.")
        return r

    def page(self, after_id: int, limit: int, plate_prefix: str = "", source_id: int | None = None,
             status: EntryStatus | None = None, hidden_categories: frozenset[str] = frozenset()) -> list[HotListEntry]:
        """Keyset page (id > after_id) so browsing stays fast on millions of rows (``hidden_categories`` left out).

        ``plate_prefix``: the plates that start with it, read through the head index one head at a time
        (:meth:`_prefix_ids`).
        """
        q = (select(HotListEntryRow, HotListSourceRow.name)
             .join(HotListSourceRow, HotListSourceRow.id == HotListEntryRow.source_id).order_by(HotListEntryRow.id))
        if plate_prefix:
            ids = self._prefix_ids(after_id, limit, plate_prefix, source_id, status, hidden_categories)
            q = q.where(HotListEntryRow.id.in_(ids))
        else:
            q = _filtered(q.where(HotListEntryRow.id > after_id).limit(limit), source_id, status, hidden_categories)
        return [_entry(r, name) for r, name in self.s.execute(q)]

    def _prefix_ids(self, after_id: int, limit: int, prefix: str, source_id: int | None, status: EntryStatus | None,
                    hidden_categories: frozenset[str]) -> list[int]:
        """The ids of the page's plates starting with ``prefix``: per head of the prefix (one for two characters or
        more, ~8 for one), its rows in id order through ``ix_hotlist_entries_plate_head``, the plate checked on
        those rows; the heads' lists merged. A statement on a range of heads was planned as a scan of every entry
        from ``after_id`` (its parameters unknown to the planner: 1.5 s at 10 M). Plates compare in binary order,
        the heads' order (PostgreSQL: whatever the database's collation).
        """
        plate = HotListEntryRow.plate
        if self.s.get_bind().dialect.name == "postgresql":
            plate = plate.collate("C")
        lo, hi = prefix_heads(prefix)
        runs = []
        for head in range(lo, hi + 1):
            q = (select(HotListEntryRow.id)
                 .where(HotListEntryRow.plate_head == head, HotListEntryRow.id > after_id, plate >= prefix,
                        plate < prefix + "\x7f")
                 .order_by(HotListEntryRow.id).limit(limit))
            runs.append(list(self.s.scalars(_filtered(q, source_id, status, hidden_categories))))
        return list(islice(merge(*runs), limit))

    def count(self, source_id: int | None = None, status: EntryStatus | None = None,
              hidden_categories: frozenset[str] = frozenset()) -> int:
        return self.s.scalar(_filtered(select(func.count(HotListEntryRow.id)), source_id, status, hidden_categories)) or 0

    def active_for_index(self, now: datetime, source_id: int | None = None) -> Iterator[tuple[int, str, str | None, int]]:
        """(id, plate, state, priority) of every entry that may alert now."""
        for rows in self.active_for_index_batches(now, source_id):
            yield from rows

    def active_for_index_batches(self, now: datetime, source_id: int | None = None, *,
                                 exclude_source_id: int | None = None,
                                 ) -> Iterator[list[tuple[int, str, str | None, int]]]:
        """:meth:`active_for_index` as the driver's batches of 5,000 rows (no per-row Python step).

        ``source_id``: that source only; ``exclude_source_id``: every source but that one.

        Runs on the raw driver cursor: millions of rows, and ORM/Core row objects would triple the time.
        """
        conn = self.s.connection()
        pg = conn.dialect.name == "postgresql"
        mark = "%s" if pg else "?"
        stamp = now.astimezone(UTC) if pg else now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        sql = ("SELECT id, plate, state, priority FROM hotlist_entries WHERE status = 'active' "
               f"AND (expires_at IS NULL OR expires_at > {mark})")
        params: tuple = (stamp,)
        if source_id is not None:
            sql += f" AND source_id = {mark}"
            params += (source_id,)
        if exclude_source_id is not None:
            # two ranges of the source index, not a scan of every entry: after a national import the other
            # sources are a few thousand rows beside its millions (``<>`` scanned them all: 1.4-2.6 s at 10 M)
            sql += f" AND (source_id < {mark} OR source_id > {mark})"
            params += (exclude_source_id, exclude_source_id)
        raw = conn.connection.driver_connection
        # PostgreSQL: a server-side cursor, or the client would hold every row of a national list at once
        cur = raw.cursor(name="hotlist_index_rows") if pg else raw.cursor()
        try:
            cur.execute(sql, params)
            while rows := cur.fetchmany(5_000):  # one fetch is a C loop holding the GIL: keep it short
                yield rows
        finally:
            cur.close()

    def add_local(self, source_id: int, values: dict, now: datetime) -> int:
        row = HotListEntryRow(source_id=source_id, status="pending", created_at=now, updated_at=now, revision=1,
                              **values)
        self.s.add(row)
        self.s.flush()
        return row.id

    def add_revision(self, entry_id: int, revision: int, action: str, user_id: int | None, now: datetime,
                     content: dict, changes: dict | None = None, reason: str | None = None) -> None:
        self.s.add(HotListEntryRevisionRow(entry_id=entry_id, revision=revision, action=action, changed_by=user_id,
                                           changed_at=now, content=content, changes=changes, reason=reason))
        self.s.flush()

    def revisions(self, entry_id: int) -> list[EntryRevision]:
        rows = self.s.execute(
            select(HotListEntryRevisionRow, UserRow.username)
            .outerjoin(UserRow, UserRow.id == HotListEntryRevisionRow.changed_by)
            .where(HotListEntryRevisionRow.entry_id == entry_id)
            .order_by(HotListEntryRevisionRow.id))
        return [EntryRevision(r.entry_id, r.revision, r.action, r.changed_by, name, as_utc(r.changed_at),
                              tuple((k, str(v[0]), str(v[1])) for k, v in (r.changes or {}).items()), r.reason)
                for r, name in rows]

    def expire_due(self, now: datetime) -> list[int]:
        ids = list(self.s.scalars(
            select(HotListEntryRow.id).where(HotListEntryRow.status.in_(("active", "pending")))
            .where(HotListEntryRow.expires_at.is_not(None)).where(HotListEntryRow.expires_at <= now)))
        if ids:
            self.s.execute(update(HotListEntryRow).where(HotListEntryRow.id.in_(ids)).values(status="expired"))
        return ids
