"""Shared set-up for the records tests: users by role, cameras, reads with image files, hits."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.domain.agency import AgencyProfile
from app.domain.records.plates import fold_plate
from app.domain.roles import Role
from app.domain.users import Actor
from app.persistence.orm.cameras import CameraRow, ReadRow
from app.persistence.orm.hits import HitRow, HitStepRow
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.read_images import ref_columns
from app.persistence.repositories.users import UserRepository
from app.services.image_store import legacy_path
from app.services.records_bundle import RecordsServices


@dataclass
class World:
    ctx: object
    svc: RecordsServices
    images: Path
    documents: Path
    sup: Actor
    sup2: Actor
    inv: Actor
    clerk: Actor
    auditor: Actor
    disp: Actor
    cams: list[int]


def make_world(ctx, tmp_path: Path, prefix: str = "") -> World:
    images, documents = tmp_path / "images", tmp_path / "documents"
    images.mkdir(parents=True, exist_ok=True)
    documents.mkdir(parents=True, exist_ok=True)
    now = ctx.clock.now()
    actors = {}
    with ctx.uow() as uow:
        users = UserRepository(uow.s)
        for name, role in (("sup1", Role.SUPERVISOR), ("sup2", Role.SUPERVISOR), ("inv1", Role.INVESTIGATOR),
                           ("clerk1", Role.RECORDS_CLERK), ("aud1", Role.AUDITOR), ("disp1", Role.DISPATCHER)):
            u = users.add(prefix + name, name.title(), "x", frozenset({role}), None, now)
            actors[name] = Actor.of(u, "TEST-WS")
        cams = []
        for i in range(3):
            row = CameraRow(key=f"cam{i}", name=f"Main St {i}", source={}, location="", direction="")
            uow.s.add(row)
            uow.s.flush()
            cams.append(row.id)
        AgencyRepository(uow.s).save(AgencyProfile(name="Test County Sheriff", ori="TX1234567",
                                                   chief_of_police="Chief Casey Stone"), now)
    from tests.app.conftest import ready_user

    for a in actors.values():
        ready_user(ctx, a.user_id)
    svc = RecordsServices.build(ctx, images, documents)
    return World(ctx, svc, images, documents, actors["sup1"], actors["sup2"], actors["inv1"], actors["clerk1"],
                 actors["aud1"], actors["disp1"], cams)


def add_read(w: World, plate: str, at: datetime, cam: int | None = None, colour: str | None = "WHITE",
             state: str | None = "TX", image: bool = True, jpeg: bool = False, legacy: bool = False,
             data: bytes | None = None) -> int:
    """A read row; its plate image goes through the image store, or with ``legacy`` to a hash-named file."""
    refs = ref_columns(None, None)
    if image:
        data = data or (_jpeg(plate) if jpeg else f"jpeg-bytes-{plate}-{at.isoformat()}".encode())
        if legacy:
            sha = hashlib.sha256(data).hexdigest()
            p = legacy_path(w.images, sha)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
            refs["plate_sha256"] = sha
        else:
            ref, = w.svc.search.images.store.put([data], f"cam-{cam or w.cams[0]}", at)
            refs = ref_columns(ref, None)
    with w.ctx.uow() as uow:
        row = ReadRow(read_uuid=f"{plate}-{at.timestamp()}", camera_id=cam or w.cams[0], captured_at=at, plate=plate,
                      plate_folded=fold_plate(plate), confidence=0.93, state=state, colour=colour, **refs,
                      workstation="TEST-WS", stored_at=at)
        uow.s.add(row)
        uow.s.flush()
        return row.id


def _jpeg(plate: str) -> bytes:
    import cv2
    import numpy as np

    img = np.full((60, 200, 3), 235, np.uint8)
    cv2.rectangle(img, (2, 2), (197, 57), (40, 40, 40), 2)
    cv2.putText(img, plate, (12, 42), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (20, 20, 20), 2)
    return cv2.imencode(".jpg", img)[1].tobytes()


def add_hit(w: World, read_id: int, read_at: datetime, status: str = "closed", user: Actor | None = None) -> int:
    with w.ctx.uow() as uow:
        hit = HitRow(read_id=read_id, read_captured_at=read_at, entry_snapshot={"plate": "ABC123"},
                     source_name="NCIC", match_kind="exact", state_match="match", priority=1, category="Stolen vehicle",
                     status=status, created_at=read_at + timedelta(seconds=2))
        uow.s.add(hit)
        uow.s.flush()
        uow.s.add(HitStepRow(hit_id=hit.id, kind="visual_verify", note="plate matches", user_id=(user or w.sup).user_id,
                             at=read_at + timedelta(seconds=30), sequence=1))
        return hit.id


def pdf_text(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def access_rows(ctx, action: str) -> list:
    from app.persistence.repositories.access_log import AccessLogRepository

    with ctx.uow() as uow:
        return [e for e in AccessLogRepository(uow.s).recent(1000) if e.action == action]


@pytest.fixture(scope="session")
def records_template_db(tmp_path_factory) -> Path:
    """One migrated SQLite file per session; each test gets a copy (migrating per test is slow)."""
    from app.persistence.engine import make_engine, sqlite_url
    from app.persistence.migrate import upgrade

    path = tmp_path_factory.mktemp("records_tpl") / "alpr.db"
    engine = make_engine(sqlite_url(path))
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def rctx(records_template_db, tmp_path, clock):
    """A ServiceContext on a fresh copy of the migrated SQLite template."""
    from app.persistence.engine import make_engine, sqlite_url
    from app.persistence.unit_of_work import unit_of_work_factory
    from app.services.checkpoint_key import CheckpointKeyring
    from app.services.context import ServiceContext
    from app.settings.secrets import MemorySecretStore

    dst = tmp_path / "alpr.db"
    shutil.copy(records_template_db, dst)
    engine = make_engine(sqlite_url(dst))
    yield ServiceContext(uow=unit_of_work_factory(engine), workstation="TEST-WS", clock=clock,
                         checkpoint_key=CheckpointKeyring(MemorySecretStore()))
    engine.dispose()


def found(w: World, actor: Actor, read_ids: list[int]) -> None:
    """Search for the reads' plates with a recorded reason, as the UI does before a hold (002 IV.Q.1).

    Reads already past their retention are searched for while they were within it (a search
    made now would not find them): the test's clock goes back for the search, then returns.
    """
    from app.domain.records.plates import parse_plate_pattern
    from app.domain.records.search import SearchCriteria, SearchReason
    from app.persistence.repositories.reads_query import ReadsQuery

    with w.ctx.uow() as uow:
        reads = ReadsQuery(uow.s).by_ids(list(read_ids))
    plates = sorted({r.plate for r in reads})
    now = w.ctx.clock.now()
    _preset, periods = w.svc.retention.current()
    if reads and min(r.captured_at for r in reads) < now - timedelta(days=periods.reads_days):
        w.ctx.clock.t = max(r.captured_at for r in reads) + timedelta(minutes=1)
    try:
        for plate in plates:
            w.svc.search.search(actor, SearchReason(purpose="Criminal investigation", case_number="26-001234"),
                                SearchCriteria(plate=parse_plate_pattern(plate)))
    finally:
        w.ctx.clock.t = now
