"""Inquiries, evidence holds, generated documents and purge runs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.domain.errors import NotFound
from app.domain.records.documents import Document
from app.domain.records.exports import HitRecord, HitStepRecord
from app.domain.records.holds import EvidenceHold
from app.domain.records.retention import PurgeRun
from app.domain.records.search import Inquiry, SearchReason
from app.persistence.orm.accounts import UserRow
from app.persistence.orm.hits import HitRow, HitStepRow
from app.persistence.orm.records import DocumentRow, EvidenceHoldRow, HoldItemRow, InquiryRow, PurgeRunRow


def _utc(v: datetime | None) -> datetime | None:
    return as_utc(v) if v is not None else None


class InquiryRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, user_id: int, at: datetime, reason: SearchReason, terms: dict, result_count: int) -> int:
        row = InquiryRow(user_id=user_id, at=at, purpose=reason.purpose, reason=reason.reason.strip(),
                         case_number=reason.case_number.strip() or None,
                         outside_agency=reason.outside_agency.strip() or None,
                         outside_requester=reason.outside_requester.strip() or None,
                         request_reference=reason.request_reference.strip() or None,
                         terms=terms, result_count=result_count)
        self.s.add(row)
        self.s.flush()
        return row.id

    def set_count(self, inquiry_id: int, result_count: int) -> None:
        self.s.get(InquiryRow, inquiry_id).result_count = result_count

    def _q(self):  # noqa: ANN202
        return select(InquiryRow, UserRow.username).join(UserRow, UserRow.id == InquiryRow.user_id)

    @staticmethod
    def _dom(r: InquiryRow, username: str) -> Inquiry:
        return Inquiry(r.id, r.user_id, username, as_utc(r.at), r.purpose, r.reason, r.case_number,
                       r.outside_agency, r.outside_requester, r.request_reference,
                       r.terms if isinstance(r.terms, dict) else {}, r.result_count)

    def get(self, inquiry_id: int) -> Inquiry:
        row = self.s.execute(self._q().where(InquiryRow.id == inquiry_id)).first()
        if row is None:
            raise NotFound(f"Inquiry {inquiry_id} does not exist.")
        return self._dom(*row)

    def first_at(self) -> datetime | None:
        """When the first inquiry was made (audits are owed from then on)."""
        first = self.s.scalar(select(func.min(InquiryRow.at)))
        return as_utc(first) if first is not None else None

    def ids_between(self, start: datetime, end: datetime, exclude_user_id: int | None = None) -> list[int]:
        q = select(InquiryRow.id).where(InquiryRow.at >= start, InquiryRow.at < end)
        if exclude_user_id is not None:
            q = q.where(InquiryRow.user_id != exclude_user_id)
        return list(self.s.scalars(q))

    def by_ids(self, ids: list[int]) -> list[Inquiry]:
        rows = self.s.execute(self._q().where(InquiryRow.id.in_(ids)).order_by(InquiryRow.id))
        return [self._dom(*r) for r in rows]

    def terms_of_user(self, user_id: int, limit: int) -> list[dict]:
        """The recorded criteria of the user's latest ``limit`` inquiries, newest first."""
        q = select(InquiryRow.terms).where(InquiryRow.user_id == user_id).order_by(InquiryRow.id.desc()).limit(limit)
        return [t if isinstance(t, dict) else {} for t in self.s.scalars(q)]

    def recent(self, limit: int = 200) -> list[Inquiry]:
        rows = self.s.execute(self._q().order_by(InquiryRow.id.desc()).limit(limit))
        return [self._dom(*r) for r in rows]

    def counts_by_user(self, start: datetime, end: datetime) -> list[tuple[str, int, int, int]]:
        """(username, searches, with case number, for another agency) in [start, end)."""
        q = (select(UserRow.username, func.count(), func.count(InquiryRow.case_number),
                    func.count(InquiryRow.outside_agency))
             .join(UserRow, UserRow.id == InquiryRow.user_id)
             .where(InquiryRow.at >= start, InquiryRow.at < end).group_by(UserRow.username)
             .order_by(UserRow.username))
        return [(u, int(a), int(b), int(c)) for u, a, b, c in self.s.execute(q)]


class HoldRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, case_number: str, reason: str, review_on: date | None, user_id: int, now: datetime,
            read_ids: list[int], hit_ids: list[int]) -> int:
        row = EvidenceHoldRow(case_number=case_number.strip(), reason=reason.strip(), review_on=review_on,
                              created_by=user_id, created_at=now)
        self.s.add(row)
        self.s.flush()
        items = [{"hold_id": row.id, "read_id": r, "hit_id": None} for r in read_ids]
        items += [{"hold_id": row.id, "read_id": None, "hit_id": h} for h in hit_ids]
        if items:
            self.s.execute(HoldItemRow.__table__.insert(), items)
        return row.id

    def release(self, hold_id: int, user_id: int | None, now: datetime, reason: str) -> None:
        row = self.s.get(EvidenceHoldRow, hold_id)
        if row is None:
            raise NotFound(f"Hold {hold_id} does not exist.")
        row.released_by, row.released_at, row.release_reason = user_id, now, reason.strip()

    def get(self, hold_id: int) -> EvidenceHold:
        holds = self._load(select(EvidenceHoldRow, UserRow.username).where(EvidenceHoldRow.id == hold_id))
        if not holds:
            raise NotFound(f"Hold {hold_id} does not exist.")
        return holds[0]

    def list(self, active_only: bool = False) -> list[EvidenceHold]:
        q = select(EvidenceHoldRow, UserRow.username).order_by(EvidenceHoldRow.id.desc())
        if active_only:
            q = q.where(EvidenceHoldRow.released_at.is_(None))
        return self._load(q)

    def _load(self, q) -> list[EvidenceHold]:  # noqa: ANN001
        q = q.join(UserRow, UserRow.id == EvidenceHoldRow.created_by)
        rows = self.s.execute(q).all()
        ids = [r.id for r, _ in rows]
        items: dict[int, tuple[list[int], list[int]]] = {i: ([], []) for i in ids}
        for i in range(0, len(ids), 500):
            for hid, rid, hit in self.s.execute(select(HoldItemRow.hold_id, HoldItemRow.read_id, HoldItemRow.hit_id)
                                                .where(HoldItemRow.hold_id.in_(ids[i:i + 500]))):
                if rid is not None:
                    items[hid][0].append(rid)
                if hit is not None:
                    items[hid][1].append(hit)
        return [EvidenceHold(r.id, r.case_number, r.reason, r.review_on, r.created_by, name, as_utc(r.created_at),
                             tuple(sorted(items[r.id][0])), tuple(sorted(items[r.id][1])), r.released_by,
                             _utc(r.released_at), r.release_reason) for r, name in rows]

    def held_read_ids_select(self):  # noqa: ANN201
        """Subquery of read ids under an active hold."""
        return (select(HoldItemRow.read_id).join(EvidenceHoldRow, EvidenceHoldRow.id == HoldItemRow.hold_id)
                .where(EvidenceHoldRow.released_at.is_(None), HoldItemRow.read_id.is_not(None)))

    def held_hit_ids_select(self):  # noqa: ANN201
        return (select(HoldItemRow.hit_id).join(EvidenceHoldRow, EvidenceHoldRow.id == HoldItemRow.hold_id)
                .where(EvidenceHoldRow.released_at.is_(None), HoldItemRow.hit_id.is_not(None)))

    def holding(self, read_ids: set[int]) -> dict[int, str]:
        """read id -> case number, for the given reads under an active hold."""
        out: dict[int, str] = {}
        ids = sorted(read_ids)
        for i in range(0, len(ids), 500):
            q = (select(HoldItemRow.read_id, EvidenceHoldRow.case_number)
                 .join(EvidenceHoldRow, EvidenceHoldRow.id == HoldItemRow.hold_id)
                 .where(EvidenceHoldRow.released_at.is_(None), HoldItemRow.read_id.in_(ids[i:i + 500])))
            out.update({r: c for r, c in self.s.execute(q)})
        return out


class DocumentRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def is_filed(self, paths: list[str]) -> bool:
        """True when one of ``paths`` is the file of a document on file."""
        return self.s.scalar(select(DocumentRow.id).where(DocumentRow.path.in_(paths)).limit(1)) is not None

    def add(self, kind: str, title: str, path: str, sha256: str, user_id: int | None, now: datetime,
            related: dict | None = None) -> Document:
        row = DocumentRow(kind=kind, title=title, path=path, sha256=sha256, created_by=user_id, created_at=now,
                          related=related)
        self.s.add(row)
        self.s.flush()
        return self._dom(row)

    @staticmethod
    def _dom(r: DocumentRow) -> Document:
        return Document(r.id, r.kind, r.title, r.path, r.sha256, r.created_by, as_utc(r.created_at),
                        r.related if isinstance(r.related, dict) else None)

    def get(self, doc_id: int) -> Document:
        row = self.s.get(DocumentRow, doc_id)
        if row is None:
            raise NotFound(f"Document {doc_id} does not exist.")
        return self._dom(row)

    def list(self, kinds: tuple[str, ...] = (), limit: int = 500) -> list[Document]:
        q = select(DocumentRow).order_by(DocumentRow.id.desc()).limit(limit)
        if kinds:
            q = q.where(DocumentRow.kind.in_(kinds))
        return [self._dom(r) for r in self.s.scalars(q)]


class PurgeRunRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def last_started(self) -> datetime | None:
        v = self.s.scalar(select(func.max(PurgeRunRow.started_at)).where(PurgeRunRow.refused_reason.is_(None)))
        return _utc(v)

    def add(self, **fields: object) -> int:
        row = PurgeRunRow(**fields)
        self.s.add(row)
        self.s.flush()
        return row.id

    def update(self, run_id: int, **fields: object) -> None:
        row = self.s.get(PurgeRunRow, run_id)
        for k, v in fields.items():
            setattr(row, k, v)

    def list(self, limit: int = 100, since: datetime | None = None,
             until: datetime | None = None) -> list[PurgeRun]:
        q = select(PurgeRunRow).order_by(PurgeRunRow.id.desc()).limit(limit)
        if since is not None:
            q = q.where(PurgeRunRow.started_at >= since)
        if until is not None:
            q = q.where(PurgeRunRow.started_at < until)
        return [PurgeRun(r.id, as_utc(r.started_at), _utc(r.finished_at), r.run_by, r.trigger, r.cutoffs,
                         r.counts, r.kept, r.refused_reason, r.report_document_id) for r in self.s.scalars(q)]


class HitRecords:
    """Hits and their steps for exports (read-only)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def for_reads(self, read_ids: list[int], hit_ids: list[int] = ()) -> list[HitRecord]:  # type: ignore[assignment]
        rows: dict[int, HitRow] = {}
        for key, ids in ((HitRow.read_id, read_ids), (HitRow.id, list(hit_ids))):
            for i in range(0, len(ids), 500):
                for r in self.s.scalars(select(HitRow).where(key.in_(ids[i:i + 500]))):
                    rows[r.id] = r
        steps: dict[int, list[HitStepRecord]] = {h: [] for h in rows}
        hids = sorted(rows)
        for i in range(0, len(hids), 500):
            q = (select(HitStepRow, UserRow.username).join(UserRow, UserRow.id == HitStepRow.user_id)
                 .where(HitStepRow.hit_id.in_(hids[i:i + 500])).order_by(HitStepRow.hit_id, HitStepRow.sequence,
                                                                         HitStepRow.id))
            for st, name in self.s.execute(q):
                steps[st.hit_id].append(HitStepRecord(st.id, as_utc(st.at), name, st.kind, st.note,
                                                      st.payload if isinstance(st.payload, dict) else None,
                                                      st.corrects_step_id))
        out = []
        for hid in hids:
            r = rows[hid]
            snap = r.entry_snapshot if isinstance(r.entry_snapshot, dict) else {}
            out.append(HitRecord(r.id, r.read_id, as_utc(r.read_captured_at), as_utc(r.created_at), r.status,
                                 r.category, r.match_kind, r.priority, r.source_name, r.disposition,
                                 str(snap.get("plate", "")), tuple(steps[hid])))
        return out

    def counts(self, start: datetime, end: datetime) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """(hits by category, dispositions) for hits raised in [start, end)."""
        base = (HitRow.created_at >= start, HitRow.created_at < end)
        cats = self.s.execute(select(HitRow.category, func.count()).where(*base).group_by(HitRow.category)
                              .order_by(HitRow.category)).all()
        disp = self.s.execute(select(func.coalesce(HitRow.disposition, HitRow.status), func.count()).where(*base)
                              .group_by(func.coalesce(HitRow.disposition, HitRow.status))).all()
        return [(c, int(n)) for c, n in cats], sorted((str(d), int(n)) for d, n in disp)

    def confirmed(self, start: datetime, end: datetime) -> int:
        q = select(func.count()).select_from(HitRow).where(HitRow.created_at >= start, HitRow.created_at < end,
                                                           HitRow.status.in_(("verified", "closed")))
        return int(self.s.execute(q).scalar_one())
