"""Set-based deletes for the retention purge (reads, hits, image references).

The caller's unit of work is one transaction: rows go first, image files are removed by the
service only after the commit (a crash in between leaves orphan files, never rows without files).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, delete, func, select, table, text, update
from sqlalchemy.orm import Session

from app.domain.access import as_utc
from app.persistence.orm.cameras import CameraRow, ReadRow
from app.persistence.orm.hits import HitRow, HitSightingRow
from app.persistence.orm.records import EvidenceHoldRow, HoldItemRow

R = ReadRow.__table__.c
H = HitRow.__table__.c
S = HitSightingRow.__table__.c
OPEN_HIT_STATUSES = ("new", "claimed", "verified")
_KEEP = table("purge_keep", column("id"))


@dataclass(frozen=True, slots=True)
class KeptRow:
    kind: str
    item_id: int
    camera: str
    captured_at: datetime
    reason: str
    reference: str


@dataclass(slots=True)
class DayCounts:
    """(day, camera name) -> [reads, hits, images] deleted."""

    rows: dict[tuple[str, str], list[int]]

    def add(self, day: str, camera: str, reads: int = 0, hits: int = 0, images: int = 0) -> None:
        c = self.rows.setdefault((day, camera), [0, 0, 0])
        c[0] += reads
        c[1] += hits
        c[2] += images

    def totals(self) -> dict[str, int]:
        return {"reads": sum(v[0] for v in self.rows.values()), "hits": sum(v[1] for v in self.rows.values()),
                "images": sum(v[2] for v in self.rows.values())}


class PurgeStore:
    """What the purge reads and deletes, inside one unit of work."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.dialect = session.get_bind().dialect.name
        self._cams: dict[int, str] | None = None

    def prepare(self) -> None:
        """A big page cache for this connection: a day's delete touches every page of the random indexes
        (plate, plate_folded, read_uuid: ~1 GB at 10M reads); with less, dirty pages spill to the WAL
        again and again during the delete. :meth:`optimize` gives the memory back at the end."""
        if self.dialect == "sqlite":
            self.s.execute(text("PRAGMA cache_size=-1048576"))

    def day_of(self, col):  # noqa: ANN001, ANN201
        if self.dialect == "sqlite":
            return func.substr(col, 1, 10)
        return func.to_char(func.timezone("UTC", col), "YYYY-MM-DD")

    def cameras(self) -> dict[int, str]:
        if self._cams is None:
            self._cams = {i: n for i, n in self.s.execute(select(CameraRow.id, CameraRow.name))}
        return self._cams

    # --- what must be kept --------------------------------------------------------------

    def _active_hold_items(self):  # noqa: ANN202
        return (select(HoldItemRow.read_id, HoldItemRow.hit_id, EvidenceHoldRow.case_number)
                .join(EvidenceHoldRow, EvidenceHoldRow.id == HoldItemRow.hold_id)
                .where(EvidenceHoldRow.released_at.is_(None)))

    def kept_hits(self, hits_cutoff: datetime) -> dict[int, tuple[str, str]]:
        """Expired hits that stay: hit id -> (reason, reference)."""
        out: dict[int, tuple[str, str]] = {}
        for _r, hit, case in self.s.execute(self._active_hold_items().where(HoldItemRow.hit_id.is_not(None))):
            out[hit] = ("Evidence hold", f"case {case}")
        # the hits of a held read are part of its evidence (the hold's package exports them)
        held_reads = self._active_hold_items().where(HoldItemRow.read_id.is_not(None)).subquery()
        q = (select(H.id, held_reads.c.case_number).join(held_reads, held_reads.c.read_id == H.read_id)
             .where(H.created_at < hits_cutoff))
        for hid, case in self.s.execute(q):
            out.setdefault(hid, ("Hit of a held read", f"case {case}"))
        q = select(H.id, H.status).where(H.created_at < hits_cutoff, H.status.in_(OPEN_HIT_STATUSES))
        for hid, status in self.s.execute(q):
            out.setdefault(hid, ("Open hit", f"status {status}"))
        return out

    def kept_reads(self, reads_cutoff: datetime, hits_cutoff: datetime,
                   kept_hits: dict[int, tuple[str, str]]) -> dict[int, tuple[str, str]]:
        """Expired reads that stay (held, or the read of a hit that stays): read id -> (reason, reference)."""
        out: dict[int, tuple[str, str]] = {}
        for rid, _h, case in self.s.execute(self._active_hold_items().where(HoldItemRow.read_id.is_not(None))):
            out[rid] = ("Evidence hold", f"case {case}")
        q = select(H.id, H.read_id, H.created_at).where(H.read_captured_at < reads_cutoff)
        for hid, rid, created in self.s.execute(q):
            if hid in kept_hits:
                out.setdefault(rid, (f"Read of a retained hit ({kept_hits[hid][0].lower()})", f"hit H-{hid}"))
            elif as_utc(created) >= hits_cutoff:
                out.setdefault(rid, ("Read of a hit still within its retention", f"hit H-{hid}"))
        # the other sightings of a grouped hit (issue 11) are kept with it
        q = (select(S.hit_id, S.read_id, H.created_at).join(HitRow, H.id == S.hit_id)
             .where(S.read_captured_at < reads_cutoff))
        for hid, rid, created in self.s.execute(q):
            if hid in kept_hits:
                out.setdefault(rid, (f"Sighting of a retained hit ({kept_hits[hid][0].lower()})", f"hit H-{hid}"))
            elif as_utc(created) >= hits_cutoff:
                out.setdefault(rid, ("Sighting of a hit still within its retention", f"hit H-{hid}"))
        return out

    def hits_of_reads(self, read_ids: set[int]) -> dict[int, int]:
        """hit id -> read id for hits of these reads."""
        ids = sorted(read_ids)
        out: dict[int, int] = {}
        for i in range(0, len(ids), 500):
            out.update({h: r for h, r in self.s.execute(select(H.id, H.read_id).where(H.read_id.in_(ids[i:i + 500])))})
        return out

    def fill_keep_table(self, read_ids: set[int]) -> None:
        self.s.execute(text("DROP TABLE IF EXISTS purge_keep"))
        self.s.execute(text("CREATE TEMPORARY TABLE purge_keep (id BIGINT PRIMARY KEY)"))
        ids = sorted(read_ids)
        if ids:
            self.s.execute(text("INSERT INTO purge_keep (id) VALUES (:id)"), [{"id": i} for i in ids])

    def describe_kept(self, kept: dict[int, tuple[str, str]], limit: int) -> list[KeptRow]:
        ids = sorted(kept)[:limit]
        out = []
        for i in range(0, len(ids), 500):
            q = select(R.id, R.camera_id, R.captured_at).where(R.id.in_(ids[i:i + 500]))
            for rid, cam, at in self.s.execute(q):
                reason, ref = kept[rid]
                out.append(KeptRow("read", rid, self.cameras().get(cam, str(cam)), as_utc(at), reason, ref))
        return sorted(out, key=lambda k: (k.captured_at, k.item_id))

    # --- hits -----------------------------------------------------------------------------

    def delete_hits(self, hits_cutoff: datetime, kept_hits: set[int], counts: DayCounts) -> int:
        q = select(H.id, H.read_id, H.read_captured_at).where(H.created_at < hits_cutoff)
        doomed = [(hid, rid, at) for hid, rid, at in self.s.execute(q) if hid not in kept_hits]
        if not doomed:
            return 0
        read_cams: dict[int, int] = {}
        ids = [d[1] for d in doomed]
        for i in range(0, len(ids), 500):
            read_cams.update({a: b for a, b in self.s.execute(select(R.id, R.camera_id).where(R.id.in_(ids[i:i + 500])))})
        for _hid, rid, at in doomed:
            cam = self.cameras().get(read_cams.get(rid, -1), "(read already purged)")
            counts.add(as_utc(at).date().isoformat(), cam, hits=1)
        hit_ids = [d[0] for d in doomed]
        for i in range(0, len(hit_ids), 500):
            chunk = hit_ids[i:i + 500]
            # items of released holds keep their row (the hold record) but lose the reference
            self.s.execute(update(HoldItemRow).where(HoldItemRow.hit_id.in_(chunk)).values(hit_id=None))
            self.s.execute(text("DELETE FROM hit_steps WHERE hit_id IN ({})".format(",".join(map(str, chunk)))))
            self.s.execute(text("DELETE FROM hit_sightings WHERE hit_id IN ({})".format(",".join(map(str, chunk)))))
            self.s.execute(delete(HitRow).where(H.id.in_(chunk)))
        return len(hit_ids)

    # --- reads ------------------------------------------------------------------------------

    def _doomed(self, cutoff: datetime, start: datetime | None = None):  # noqa: ANN202
        cond = [R.captured_at < cutoff, R.id.not_in(select(_KEEP.c.id))]
        if start is not None:
            cond.append(R.captured_at >= start)
        return cond

    def count_reads(self, cutoff: datetime, counts: DayCounts, start: datetime | None = None) -> None:
        day = self.day_of(R.captured_at)
        q = (select(day, R.camera_id, func.count(), func.count(R.plate_sha256), func.count(R.overview_sha256))
             .where(*self._doomed(cutoff, start)).group_by(day, R.camera_id))
        for d, cam, n, a, b in self.s.execute(q):
            counts.add(str(d), self.cameras().get(cam, str(cam)), reads=int(n), images=int(a) + int(b))

    def iter_legacy_shas(self, cutoff: datetime, start: datetime | None = None) -> Iterator[str]:
        """Hashes of doomed reads' images stored as files named by the hash (before the image store)."""
        q = select(R.plate_sha256, R.overview_sha256).where(*self._doomed(cutoff, start), R.image_pack.is_(None))
        for a, b in self.s.execute(q.execution_options(yield_per=20000)):
            if a:
                yield a
            if b:
                yield b

    def delete_reads(self, cutoff: datetime, start: datetime | None = None) -> int:
        res = self.s.execute(delete(ReadRow).where(*self._doomed(cutoff, start)))
        return int(res.rowcount or 0)

    def strip_images(self, images_cutoff: datetime, counts: DayCounts) -> list[str]:
        """Forget the images of remaining, unkept reads older than the image cutoff.

        Returns:
            The hashes of those stored as legacy files (the store drops its own packs/partitions).

        """
        cond = [*self._doomed(images_cutoff),
                (R.plate_sha256.is_not(None)) | (R.overview_sha256.is_not(None))]
        shas: list[str] = []
        per: dict[tuple[str, str], int] = defaultdict(int)
        for a, b, at, cam, pack in self.s.execute(select(R.plate_sha256, R.overview_sha256, R.captured_at,
                                                         R.camera_id, R.image_pack).where(*cond)):
            for sha in (a, b):
                if sha:
                    if pack is None:
                        shas.append(sha)
                    per[(as_utc(at).date().isoformat(), self.cameras().get(cam, str(cam)))] += 1
        if per:
            self.s.execute(update(ReadRow).where(*cond).values(
                plate_sha256=None, overview_sha256=None, image_pack=None, plate_offset=None, plate_length=None,
                overview_offset=None, overview_length=None))
        for (d, cam), n in per.items():
            counts.add(d, cam, images=n)
        return shas

    def describe_kept_hits(self, kept: dict[int, tuple[str, str]], limit: int) -> list[KeptRow]:
        ids = sorted(kept)[:limit]
        out = []
        for i in range(0, len(ids), 500):
            for hid, at in self.s.execute(select(H.id, H.read_captured_at).where(H.id.in_(ids[i:i + 500]))):
                reason, ref = kept[hid]
                out.append(KeptRow("hit", hid, "", as_utc(at), reason, ref))
        return out

    def kept_days(self, kept_read_ids: set[int]) -> set[str]:
        """Capture days (YYYY-MM-DD) that contain a kept read (their partitions cannot be dropped)."""
        ids = sorted(kept_read_ids)
        days: set[str] = set()
        for i in range(0, len(ids), 500):
            days.update(as_utc(at).date().isoformat()
                        for (at,) in self.s.execute(select(R.captured_at).where(R.id.in_(ids[i:i + 500]))))
        return days

    def optimize(self) -> None:
        """Refresh the planner statistics after a big delete (SQLite; PostgreSQL's autovacuum does it)."""
        if self.dialect == "sqlite":
            self.s.execute(text("PRAGMA optimize"))
            self.s.execute(text("PRAGMA cache_size=-2000"))  # the pooled connection's default again

    def drop_keep_table(self) -> None:
        self.s.execute(text("DROP TABLE IF EXISTS purge_keep"))
