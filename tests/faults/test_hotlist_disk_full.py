"""A hot-list import that fills the disk (the database's or the scratch folder's): refused, the old list intact."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from app.domain.hotlist_admin import SourceKind
from app.domain.users import Actor
from app.persistence.engine import make_engine, sqlite_url
from app.persistence.migrate import upgrade
from app.persistence.repositories.hotlists import HotListRepository
from app.persistence.unit_of_work import unit_of_work_factory
from app.services import hotlist_import
from app.services.context import ServiceContext
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from tests.app.hotlist_support import import_audit, ncic_lines
from tests.faults import scenarios


def _service(db: Path) -> tuple[ServiceContext, HotListService, Actor]:
    engine = make_engine(sqlite_url(db))
    upgrade(engine)
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation="FAULT")
    svc = HotListService(ctx, HotListIndexHolder(ctx))
    svc.inline_below_bytes = 0  # the parser child and the staged copy, as for a large list
    return ctx, svc, Actor.system("FAULT", "admin-test")


def _entries(ctx: ServiceContext, source_id: int) -> tuple[int, int]:
    with ctx.uow() as uow:
        repo = HotListRepository(uow.s)
        return repo.count(source_id), repo.source_row(source_id).entry_count


@pytest.fixture
def small_fs():  # noqa: ANN201
    """``small_fs(kib)``: a tmpfs of that size (skipped with the reason where mounting is impossible)."""
    mounted = []

    def mount(size_kib: int) -> Path:
        fs = scenarios.tmpfs(size_kib)
        try:
            where = fs.__enter__()
        except scenarios.Unavailable as exc:
            pytest.skip(str(exc))
        mounted.append(fs)
        return where

    yield mount
    for fs in mounted:
        fs.__exit__(None, None, None)


def _old_list(db: Path, tmp_path: Path):  # noqa: ANN202
    """A service on ``db`` with a 2,000-entry NCIC list imported, and the file to write the next list to."""
    ctx, svc, admin = _service(db)
    listed = tmp_path / "list.txt"
    listed.write_text(ncic_lines(2000, "Q"))
    src = svc.add_source(admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(listed))
    assert svc.import_source(admin, src.id).accepted
    listed.write_text(ncic_lines(90_000, "N"))  # ~20 MB of entries and ~8 MB of stage files
    return ctx, svc, admin, src, listed


def test_a_new_list_the_database_disk_cannot_hold_is_refused_before_anything_is_written(tmp_path, monkeypatch,
                                                                                        small_fs):
    where = small_fs(6 * 1024)
    monkeypatch.setattr(hotlist_import, "SPACE_FLOOR_BYTES", 1024**2)
    ctx, svc, admin, src, _listed = _old_list(where / "alpr.db", tmp_path)
    report = svc.import_source(admin, src.id)  # never fits in 6 MB
    assert not report.accepted and report.refusal.startswith("disk_space"), report.refusal
    assert "free" in report.report_lines[0] and _entries(ctx, src.id) == (2000, 2000)
    assert import_audit(ctx)[-1].outcome == "failed"  # the refusal is recorded: the disk still has room
    assert svc.recover_interrupted_imports() == []


def test_a_disk_that_fills_up_during_the_copy_leaves_the_old_list_once_space_is_back(tmp_path, monkeypatch,
                                                                                     small_fs):
    where = small_fs(6 * 1024)
    monkeypatch.setattr(hotlist_import, "COPY_ROWS", 2000)
    monkeypatch.setattr(hotlist_import, "ENTRY_BYTES", 0)  # another writer filled the disk after the check
    monkeypatch.setattr(hotlist_import, "SPACE_FLOOR_BYTES", 0)
    ctx, svc, admin, src, listed = _old_list(where / "alpr.db", tmp_path)
    try:
        report = svc.import_source(admin, src.id)
    except Exception:  # noqa: BLE001 - a full disk may refuse even the refusal's record
        report = None
    assert report is None or not report.accepted
    scenarios.remount(where, "size=64m")  # space is back (an administrator freed some)
    svc.recover_interrupted_imports()  # what the console's next start does
    assert _entries(ctx, src.id) == (2000, 2000)
    holder = HotListIndexHolder(ctx)
    assert holder.rebuild() == 2000 and len(holder.matcher.match("Q00007", "CA")) == 1
    listed.write_text(ncic_lines(1900, "R"))
    assert svc.import_source(admin, src.id).accepted and _entries(ctx, src.id) == (1900, 1900)


def test_a_scratch_folder_without_room_refuses_the_import_and_the_old_list_stays(tmp_path, monkeypatch, small_fs):
    where = small_fs(2 * 1024)
    monkeypatch.setattr(tempfile, "tempdir", str(where))  # the parser's stage files go there
    monkeypatch.setattr(hotlist_import, "SCRATCH_FLOOR_BYTES", 0)
    ctx, svc, admin, src, _listed = _old_list(tmp_path / "alpr.db", tmp_path)
    report = svc.import_source(admin, src.id)  # refused up front: ~8 MB of stage files, 2 MB free
    assert not report.accepted and report.refusal.startswith("disk_space"), report.refusal
    monkeypatch.setattr(hotlist_import, "SCRATCH_PER_FILE_BYTE", 0.0)  # the check misjudged: the parser fills it
    report = svc.import_source(admin, src.id)
    assert not report.accepted and "full" in report.refusal, report.refusal
    assert _entries(ctx, src.id) == (2000, 2000)
    assert list(where.iterdir()) == []  # no scratch left on the full disk
