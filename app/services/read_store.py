"""Read ingest: images to the image store, the read row, then matching and hits.

Order of one ingest (policy 002 IV.J: every read is kept before any hit is shown):

1. plate crop and overview JPEG go to the image store (:mod:`app.services.image_store`: a pack file
   per camera and hour on SQLite, the day-partitioned image table on PostgreSQL);
2. one transaction stores the ``reads`` row and, for every hot-list match, a ``hits`` row with a
   snapshot of the matched entry, plus a NOTIFY per hit on PostgreSQL;
3. only after that commit does the caller get the hits to show.

A read whose ``read_uuid`` is already stored is not stored again (spool replay is idempotent).
Matching happens in memory before the transaction; a matcher failure never loses the read.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.access import as_utc
from app.domain.comparison import fold_plate, normalise_plate
from app.domain.hit_grouping import group_key
from app.domain.hits import HitStatus, HitSummary, HotListMatcher, MatchLike
from app.domain.images import ImageRef
from app.domain.notifications import HitNotification, ReadsStored
from app.persistence.durability import checkpoint
from app.persistence.notifications import notify, notify_reads
from app.persistence.repositories.cameras import CameraRepository
from app.persistence.repositories.hits import HitRepository
from app.persistence.repositories.read_images import ref_columns
from app.persistence.repositories.reads import ReadRepository
from app.services.context import ServiceContext
from app.services.image_store import ImageStore
from recognition.runtime.journal import fsync_dir
from recognition.types import PlateRead

logger = logging.getLogger(__name__)


def sync_paths(paths: list[Path]) -> None:
    """Fsync files written without it (each once), then each of their folders once (group durability)."""
    folders = set()
    for path in dict.fromkeys(paths):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        folders.add(path.parent)
        folders.add(path.parent.parent)
    for folder in folders:
        fsync_dir(folder)


@dataclass(frozen=True, slots=True)
class StoredImages:
    """A read's images once stored: hashes, and where the image store put them (:class:`ImageRef`)."""

    plate_sha256: str | None
    overview_sha256: str | None
    plate: ImageRef | None = None
    overview: ImageRef | None = None

    @classmethod
    def of(cls, plate: ImageRef | None, overview: ImageRef | None) -> StoredImages:
        """From the store's references."""
        return cls(plate.sha256 if plate else None, overview.sha256 if overview else None, plate, overview)

    def columns(self) -> dict[str, object]:
        """The read-row columns locating these images."""
        return {**ref_columns(self.plate, self.overview), "plate_sha256": self.plate_sha256,
                "overview_sha256": self.overview_sha256}


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest stored: the read row, its hits (already committed), and whether it was a replay."""

    read_uuid: str
    read_id: int
    captured_at: datetime
    hits: tuple[HitSummary, ...]
    duplicate: bool = False
    ms: float = 0.0


@dataclass(frozen=True, slots=True)
class _CameraInfo:
    id: int
    name: str
    location: str
    direction: str


def captured_at(read: PlateRead, fallback: datetime) -> datetime:
    """The capture time of a read (its best frame), as an aware UTC datetime."""
    ts = read.best_ts or read.last_seen or read.first_seen
    return datetime.fromtimestamp(ts, UTC) if ts > 0 else fallback


class ReadStore:
    """Stores reads and raises hits.

    Args:
        ctx: service context (units of work, clock, workstation).
        images: the image store (packs or PostgreSQL).
        matcher: the hot-list matcher (may be set later with :meth:`set_matcher`).

    """

    def __init__(self, ctx: ServiceContext, images: ImageStore, matcher: HotListMatcher | None = None) -> None:
        self.ctx = ctx
        self.images = images
        self._matcher = matcher
        self._cameras: dict[str, _CameraInfo] = {}
        self._lock = threading.Lock()

    def set_matcher(self, matcher: HotListMatcher | None) -> None:
        """Use ``matcher`` from the next read on (the hot-list service owns and refreshes it)."""
        self._matcher = matcher

    def store_images(self, read: PlateRead, durable: bool = True, unsynced: list[Path] | None = None) -> StoredImages:
        """Write the read's crop and overview to the image store (see :meth:`ImageStore.put`)."""
        plate, overview = self.images.put((read.plate_jpeg, read.overview_jpeg), read.camera_id,
                                          captured_at(read, self.ctx.clock.now()), durable, unsynced)
        return StoredImages.of(plate, overview)

    def store_images_many(self, reads: list[PlateRead], durable: bool = True,
                          unsynced: list[Path] | None = None) -> list[StoredImages]:
        """:meth:`store_images` for a batch (one round trip to a database image store)."""
        now = self.ctx.clock.now()
        refs = self.images.put_many([((r.plate_jpeg, r.overview_jpeg), r.camera_id, captured_at(r, now))
                                     for r in reads], durable, unsynced)
        return [StoredImages.of(plate, overview) for plate, overview in refs]

    def make_durable(self) -> None:
        """Make every committed transaction survive a power cut (SQLite WAL checkpoint; PostgreSQL: no-op)."""
        with self.ctx.uow(read_only=True) as uow:  # a checkpoint cannot run inside a write transaction
            checkpoint(uow.s)

    def match(self, read: PlateRead) -> list[MatchLike]:
        """Hot-list matches of a read; an exception in the matcher is logged and means no match."""
        matcher = self._matcher
        if matcher is None or not read.text:
            return []
        try:
            return list(matcher.match(read.text, read.state, read.alternatives))
        except Exception:  # a matcher bug must never cost the read itself
            logger.exception("hot-list matching failed for read %s", read.read_id)
            return []

    def ingest(self, read: PlateRead, images: StoredImages | None = None) -> IngestResult:
        """Store one read (images first unless given) and its hits, in that order.

        Raises:
            sqlalchemy.exc.OperationalError: the database is unreachable (the caller spools).

        """
        return self.ingest_many([read], [images or self.store_images(read)])[0]

    def ingest_many(self, reads: list[PlateRead], images: list[StoredImages]) -> list[IngestResult]:
        """Store several reads (images already written) and their hits in ONE transaction.

        One commit per batch is what lets ingest keep up with a burst (>= 200 reads/s); the
        results come back in the order of ``reads`` and only after the commit.

        Raises:
            sqlalchemy.exc.OperationalError: the database is unreachable (the caller spools).

        """
        t0 = time.perf_counter()
        matches = [self.match(read) for read in reads]
        now = self.ctx.clock.now()
        out: list[IngestResult] = []
        cams: dict[str, _CameraInfo] = {}
        committed: list[tuple[int, str, float]] = []
        with self._lock, self.ctx.uow() as uow:
            repo = ReadRepository(uow.s)
            known = repo.ids_by_uuids(list(dict.fromkeys(r.read_id for r in reads)))  # one query, not one per read
            rows: list[dict] = []
            fresh: list[tuple[int, datetime, str, _CameraInfo]] = []  # (index in reads, when, plate, camera)
            seen = set(known)
            for k, (read, stored) in enumerate(zip(reads, images, strict=True)):
                if read.read_id in seen:  # stored before, or twice in this batch: stored once
                    continue
                seen.add(read.read_id)
                when = captured_at(read, now)
                cam = cams.get(read.camera_id) or self._camera(uow.s, read.camera_id)
                cams[read.camera_id] = cam
                plate = normalise_plate(read.text)[:16]
                rows.append(dict(
                    read_uuid=read.read_id, camera_id=cam.id, captured_at=when, plate=plate,
                    plate_folded=fold_plate(plate), confidence=float(read.confidence),
                    char_confidences=[round(float(c), 4) for c in read.char_confidences],
                    alternatives=[[a.text, round(float(a.confidence), 4)] for a in read.alternatives],
                    state=read.state, state_confidence=float(read.state_confidence),
                    colour=read.colour.code if read.colour else None,
                    colour_confidence=float(read.colour.confidence) if read.colour else 0.0,
                    box=read.box.as_list(), **stored.columns(), frame_count=read.frame_count,
                    workstation=self.ctx.workstation, stored_at=now, notes=None,
                ))
                fresh.append((k, when, plate, cam))
            ids = repo.add_many(rows)  # one batched INSERT ... RETURNING for the whole batch
            first: dict[int, IngestResult] = {}
            for (k, when, plate, cam), read_id in zip(fresh, ids, strict=True):
                read = reads[k]
                hits = tuple(self._raise_hits(uow.s, plate, read.state, read_id, when, now, cam, matches[k]))
                first[k] = IngestResult(read.read_id, read_id, when, hits, False, 0.0)
                known[read.read_id] = (read_id, when)
                committed.append((read_id, read.camera_id, now.timestamp()))
            for k, read in enumerate(reads):
                if k in first:
                    out.append(first[k])
                else:
                    rid, when = known[read.read_id]
                    out.append(IngestResult(read.read_id, rid, when, (), True, 0.0))
            notify_reads(uow.s, ReadsStored(self.ctx.workstation, tuple(committed)))  # every console, at commit
        self._cameras.update(cams)  # cached only once committed
        ms = (time.perf_counter() - t0) * 1e3
        for result in out:
            if result.hits:
                logger.info("read %s raised %d hit(s) in %.1f ms", result.read_uuid, len(result.hits), ms)
        return [r if r.duplicate else IngestResult(r.read_uuid, r.read_id, r.captured_at, r.hits, False, ms)
                for r in out]

    def raise_retroactive(self, matcher: HotListMatcher, hours: int) -> list[HitSummary]:
        """Match the reads of the last ``hours`` against new entries (DOMAIN.md: retroactive hits).

        Args:
            matcher: a matcher over the new or changed entries only (small).
            hours: how far back to look.

        Returns:
            The hits raised (flagged ``retroactive``); a read already hit on an entry is skipped.

        """
        now = self.ctx.clock.now()
        found: list[tuple] = []
        with self.ctx.uow(read_only=True) as uow:  # a snapshot: the write lock stays free for ingest
            for rid, when, plate, state, alts, _key, name, loc, dirn, cam_id in ReadRepository(uow.s).recent_for_matching(
                    now - timedelta(hours=hours)):
                matches = list(matcher.match(plate, state, [a[0] for a in alts or ()]))
                if matches:
                    found.append((rid, as_utc(when), plate, state, _CameraInfo(cam_id, name, loc or "", dirn or ""),
                                  matches))
        out: list[HitSummary] = []
        for rid, when, plate, state, cam, matches in found:
            with self.ctx.uow() as uow:
                repo = HitRepository(uow.s)
                fresh = [m for m in matches if not repo.exists_for(rid, m.entry_id)]
                out += self._raise_hits(uow.s, plate, state, rid, when, now, cam, fresh, retroactive=True)
        if out:
            logger.info("retroactive check raised %d hit(s) over %d h of reads", len(out), hours)
        return out

    def _raise_hits(self, session, plate: str, state: str | None, read_id: int, when: datetime,  # noqa: ANN001
                    now: datetime, cam: _CameraInfo, matches: list[MatchLike],
                    retroactive: bool = False) -> list[HitSummary]:
        """A hit per match, or a sighting of the open hit of the same entry and plate (hit_grouping)."""
        repo = HitRepository(session)
        out: list[HitSummary] = []
        for m in matches:
            found = repo.snapshot(m.entry_id, now)
            if found is None:
                logger.warning("matched entry %s is no longer in the database", m.entry_id)
                continue
            if not repo.entry_alerts(m.entry_id, now):  # expired or withdrawn since the live index was built
                logger.info("matched entry %s no longer alerts (expired or withdrawn): no hit", m.entry_id)
                continue
            snap, age = found
            hit_id, sightings = repo.raise_or_sight(
                dict(read_id=read_id, read_captured_at=when, entry_id=snap.entry_id, entry_snapshot=snap.to_json(),
                     source_name=snap.source_name[:128], list_age_s=age, match_kind=str(m.kind)[:16],
                     distance=int(m.distance), state_match=str(m.state_match)[:10], priority=snap.priority,
                     category=snap.category[:48], retroactive=retroactive, status=HitStatus.NEW.value,
                     created_at=now),
                group_key(plate, snap.entry_id), cam.id or None, self.ctx.workstation)
            if sightings > 1:
                hit = replace(repo.summary(hit_id), resighted=True)
                notify(session, HitNotification(hit_id, "sighting", self.ctx.workstation, "", hit.priority))
                out.append(hit)
                continue
            notify(session, HitNotification(hit_id, "hit", self.ctx.workstation, "", snap.priority))
            out.append(HitSummary(
                id=hit_id, priority=snap.priority, category=snap.category, status=HitStatus.NEW, created_at=now,
                read_id=read_id, read_captured_at=when, plate_read=plate, state_read=state,
                plate_listed=snap.plate, state_listed=snap.state, state_match=str(m.state_match),
                match_kind=str(m.kind), distance=int(m.distance),
                camera_name=f"{cam.name} {cam.direction}".strip(), camera_location=cam.location,
                source_name=snap.source_name, list_age_s=age, record_type=snap.record_type,
                entry_id=snap.entry_id, workstation=self.ctx.workstation, retroactive=retroactive,
                last_seen_at=when,
            ))
        return out

    def _camera(self, session, key: str) -> _CameraInfo:  # noqa: ANN001
        info = self._cameras.get(key)
        if info is not None:
            return info
        repo = CameraRepository(session)
        cam = repo.by_key(key)
        if cam is None:  # a read from an unregistered camera is still kept (under a camera of its own)
            logger.warning("read from unknown camera %s: registering it", key)
            cam = repo.add(key, name=key, source={"type": "unregistered"}, owner_workstation=self.ctx.workstation)
        return _CameraInfo(cam.id, cam.name, cam.location, cam.direction)

    def forget_cameras(self) -> None:
        """Drop the camera cache (after cameras were edited)."""
        self._cameras.clear()
