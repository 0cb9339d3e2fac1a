"""A console killed in the middle of replacing a list (SQLite: short transactions) is finished on the next start.

Between the copy's transactions the source holds the old list plus part of the new one (a superset:
nothing that alerted stops alerting while it runs). After a crash that superset must not stay: every
plate of both lists matched twice and the entry count was wrong until the next accepted import.
"""

from __future__ import annotations

import pytest

from app.domain.hotlist_admin import SourceKind
from app.persistence.hotlist_rows import StagedCopy
from app.persistence.repositories.hotlists import HotListRepository
from app.services import hotlist_import
from app.services.hotlist_index import HotListIndexHolder
from tests.app.hotlist_support import import_audit, ncic_lines


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after the raise runs, committed transactions stay."""


@pytest.fixture
def staged_svc(hotlist_svc, monkeypatch):  # noqa: ANN001, ANN201
    hotlist_svc.inline_below_bytes = 0
    monkeypatch.setattr(hotlist_import, "COPY_ROWS", 1000)
    return hotlist_svc


def _state(ctx, source_id: int) -> tuple[int, int, list[str]]:  # noqa: ANN001
    with ctx.uow() as uow:
        repo = HotListRepository(uow.s)
        plates = sorted(e.plate for e in repo.page(0, 10_000, ""))
        return repo.count(source_id), repo.source_row(source_id).entry_count, plates


def _interrupted(ctx, svc, admin, tmp_path, monkeypatch, die_at: str):  # noqa: ANN001, ANN202
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(3000, "Q"))
    src = svc.add_source(admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert svc.import_source(admin, src.id).accepted
    before = _state(ctx, src.id)
    f.write_text(ncic_lines(4000, "Q"))  # the same 3,000 plates and 1,000 more
    if die_at == "copy":
        real, calls = StagedCopy.copy, []

        def dying(self, *args):  # noqa: ANN001, ANN002, ANN202
            calls.append(args)
            if len(calls) == 3:
                raise Killed
            return real(self, *args)
        monkeypatch.setattr(StagedCopy, "copy", dying)
    else:  # while the old list is being removed
        real_delete, deleted = hotlist_import._delete_chunked, []

        def dying_delete(ctx_, source_id, **kw):  # noqa: ANN001, ANN003, ANN202
            if kw.get("below_id") is not None:
                with ctx_.uow() as uow:
                    HotListRepository(uow.s).delete_entries_chunk(source_id, below_id=kw["below_id"], limit=1000)
                deleted.append(1)
                raise Killed
            return real_delete(ctx_, source_id, **kw)
        monkeypatch.setattr(hotlist_import, "_delete_chunked", dying_delete)
    with pytest.raises(Killed):
        svc.import_source(admin, src.id)
    monkeypatch.undo()
    return src, before


def test_a_crash_while_copying_leaves_the_previous_list_after_the_restart(ctx, staged_svc, hotlist_admin, tmp_path,
                                                                          monkeypatch):
    src, before = _interrupted(ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch, "copy")
    assert _state(ctx, src.id)[0] > 3000  # the superset a crash leaves
    done = staged_svc.recover_interrupted_imports()  # what the console does when it starts
    assert _state(ctx, src.id) == before and len(done) == 1
    holder = HotListIndexHolder(ctx)
    assert holder.rebuild() == 3000 and len(holder.matcher.match("Q00005", "CA")) == 1
    assert import_audit(ctx, "hotlist.import.recovered")[-1].outcome == "ok"
    assert staged_svc.recover_interrupted_imports() == []  # once


def test_a_crash_while_removing_the_old_list_is_finished_with_the_new_list(ctx, staged_svc, hotlist_admin, tmp_path,
                                                                          monkeypatch):
    src, _before = _interrupted(ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch, "replace")
    count, _shown, _plates = _state(ctx, src.id)
    assert 4000 < count < 7000
    staged_svc.recover_interrupted_imports()
    count, shown, plates = _state(ctx, src.id)
    assert count == shown == 4000 and len(set(plates)) == 4000
    holder = HotListIndexHolder(ctx)
    assert holder.rebuild() == 4000 and len(holder.matcher.match("Q00005", "CA")) == 1


def test_the_next_import_of_the_source_finishes_an_interrupted_one_first(ctx, staged_svc, hotlist_admin, tmp_path,
                                                                         monkeypatch):
    src, _before = _interrupted(ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch, "copy")
    report = staged_svc.import_source(hotlist_admin, src.id)
    assert report.accepted and report.imported == 4000
    count, shown, plates = _state(ctx, src.id)
    assert count == shown == 4000 and len(set(plates)) == 4000
    assert staged_svc.recover_interrupted_imports() == []


def test_a_refused_or_failed_import_leaves_nothing_to_recover(ctx, staged_svc, hotlist_admin, tmp_path):
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(3000, "Q"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert staged_svc.import_source(hotlist_admin, src.id).accepted
    f.write_text("garbage\n" * 50)
    assert not staged_svc.import_source(hotlist_admin, src.id).accepted
    assert staged_svc.recover_interrupted_imports() == [] and _state(ctx, src.id)[0] == 3000


def test_an_import_running_in_another_live_process_is_left_alone(ctx, staged_svc, hotlist_admin, tmp_path):
    import subprocess
    import sys

    from app.persistence.repositories.agency import SharedSettingsRepository

    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(300, "Q"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert staged_svc.import_source(hotlist_admin, src.id).accepted
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        with ctx.uow() as uow:  # the CLI beside the console, copying a new list right now
            SharedSettingsRepository(uow.s).put(f"hotlist.import.pending.{src.id}",
                                                {"phase": "copy", "above_id": 0, "pid": other.pid}, None,
                                                ctx.clock.now())
        assert staged_svc.recover_interrupted_imports() == [] and _state(ctx, src.id)[0] == 300
    finally:
        other.kill()
        other.wait()
    assert len(staged_svc.recover_interrupted_imports()) == 1  # its process is gone: a crash, recovered
    assert _state(ctx, src.id)[0] == 0  # above_id 0: every entry of the source was that import's


def test_scratch_folders_of_dead_imports_are_removed_and_live_ones_kept(tmp_path):
    import os
    import subprocess
    import sys

    from app.services.hotlist_import import STAGE_PREFIX, remove_stale_stages

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        folders = {}
        for name, pid in (("dead", dead.pid), ("live", live.pid), ("mine", os.getpid()), ("unknown", None)):
            folder = tmp_path / f"{STAGE_PREFIX}{name}"
            folder.mkdir()
            (folder / "stage.db").write_bytes(b"x" * 1000)
            if pid is not None:
                (folder / "owner.pid").write_text(f"{pid}\n")
            folders[name] = folder
        (tmp_path / "other-folder").mkdir()
        assert remove_stale_stages(tmp_path) == 1
        assert not folders["dead"].exists()
        assert all(folders[k].exists() for k in ("live", "mine", "unknown")) and (tmp_path / "other-folder").exists()
    finally:
        live.kill()
        live.wait()


def test_an_import_leaves_no_scratch_folder_behind(ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(300, "Q"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert staged_svc.import_source(hotlist_admin, src.id).accepted
    assert list((tmp_path / "tmp").iterdir()) == []


def test_removing_a_list_in_chunks_deletes_only_that_source_below_or_from_an_id(ctx, hotlist_svc, hotlist_admin,
                                                                               tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(ncic_lines(500, "Q"))
    b.write_text(ncic_lines(300, "R"))
    src_a = hotlist_svc.add_source(hotlist_admin, "A", SourceKind.NCIC, "ncic_fixed", str(a))
    src_b = hotlist_svc.add_source(hotlist_admin, "B", SourceKind.STATE, "ncic_fixed", str(b))
    assert hotlist_svc.import_source(hotlist_admin, src_a.id).accepted
    assert hotlist_svc.import_source(hotlist_admin, src_b.id).accepted
    with ctx.uow() as uow:
        repo = HotListRepository(uow.s)
        ids = sorted(e.id for e in repo.page(0, 10_000, "Q"))
        middle = ids[250]
        assert repo.delete_entries_chunk(src_a.id, below_id=middle, limit=100) == 100
        assert repo.delete_entries_chunk(src_a.id, below_id=middle, limit=1000) == 150
        assert repo.delete_entries_chunk(src_a.id, below_id=middle, limit=1000) == 0
        assert repo.delete_entries_chunk(src_a.id, from_id=ids[-10], limit=1000) == 10
        left = sorted(e.id for e in repo.page(0, 10_000, "Q"))
        assert left == ids[250:-10] and repo.count(src_b.id) == 300
