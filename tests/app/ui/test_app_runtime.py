"""The app runtime (app.runtime.app_runtime) beside the UI: link-lost banner, broadcast of the Changes
that scheduled work causes, and camera edits reaching the hits at once."""

from __future__ import annotations

from datetime import UTC

from app.domain.changes import Changes
from app.domain.roles import Role
from app.persistence.plate_heads import plate_head
from app.runtime.app_runtime import LINK_LOST, AppRuntime, RuntimeOptions
from app.services.cameras import CameraDraft
from app.workers.signals import AppSignals
from tests.app.hitkit import make_actor, make_read, seed_hotlist
from tests.app.test_hotlist_service import ncic

UNREACHABLE = "postgresql+psycopg://alpr@127.0.0.1:9/alpr"


def _runtime(bundle, executor, tmp_path, **options):
    signals = AppSignals()
    rt = AppRuntime(bundle, executor, signals, bundle_paths(tmp_path),
                    RuntimeOptions(run_cameras=False, **options))
    return rt, signals


def bundle_paths(tmp_path):
    from app.paths import AppPaths

    return AppPaths(tmp_path / "data", tmp_path / "cfg").ensure()


def test_a_lost_listen_link_shows_on_the_banner(qtbot, qloop, bundle, executor, tmp_path):
    # Given a console on a PostgreSQL that cannot be reached for LISTEN
    rt, signals = _runtime(bundle, executor, tmp_path, listen_url=UNREACHABLE)
    banners: list[str] = []
    signals.banner.connect(banners.append)
    try:
        with qtbot.waitSignal(rt.link_changed, timeout=15000) as got:
            qloop.run_until_complete(rt.start())
        # Then the dispatcher sees that the other consoles' hits may not arrive
        assert got.args == [False]
        qtbot.waitUntil(lambda: LINK_LOST in banners, timeout=5000)
    finally:
        rt.stop()
    assert rt.listener is None


def test_scheduled_import_changes_reach_the_hub(qtbot, qloop, bundle, executor, tmp_path, clock):
    sup = make_actor(bundle.ctx, "sup.ray", frozenset({Role.SUPERVISOR}))
    listed = tmp_path / "ncic.txt"
    listed.write_text("\n".join(ncic(f"V{i:09d}", f"ABC{i:03d}") for i in range(5)) + "\n")
    bundle.hotlists.add_source(sup, "NCIC daily", "ncic", "ncic_fixed", str(listed), "00:00")
    rt, signals = _runtime(bundle, executor, tmp_path)
    rt.housekeeping.tz = UTC
    seen: list[Changes] = []
    signals.changed.connect(seen.append)
    qloop.run_until_complete(rt.start())
    try:
        # When housekeeping imports the due list
        with qtbot.waitSignal(rt.housekept, timeout=20000) as done:
            rt.run_housekeeping()
        assert done.args[0].imported == ("NCIC daily",)
        # Then screens hear of it on the hub (before: scheduled imports emitted nothing)
        qtbot.waitUntil(lambda: any(c.hotlists for c in seen), timeout=5000)
    finally:
        rt.stop()


def test_a_renamed_camera_names_the_next_hit(qtbot, qloop, bundle, executor, tmp_path):
    matcher, _ = seed_hotlist(bundle.ctx)
    bundle.hits.reads.set_matcher(matcher)
    sup = make_actor(bundle.ctx, "sup.ray", frozenset({Role.SUPERVISOR}))
    cam = bundle.hits.cameras.add(sup, CameraDraft("cam-1", "Main St", {"type": "demo"}))
    rt, _signals = _runtime(bundle, executor, tmp_path)
    qloop.run_until_complete(rt.start())
    try:
        first = bundle.hits.reads.ingest(make_read("ABC1234", camera="cam-1", seed=1))
        assert first.hits[0].camera_name == "Main St"
        # When an administrator renames the camera
        bundle.hits.cameras.update(sup, cam.id, CameraDraft("cam-1", "Harbor Blvd", {"type": "demo"}))
        # Then the next hit carries the new name (the read store's camera cache was dropped)
        second = bundle.hits.reads.ingest(make_read("ABC1234", camera="cam-1", seed=2))
        assert second.hits[0].camera_name == "Harbor Blvd"
    finally:
        rt.stop()


def test_hits_chime_at_the_sign_in_screen_and_are_handed_over_at_sign_in(qtbot, qloop, bundle, executor, tmp_path):
    from app.domain.alerts import ChimeBand, FakeChimeSink
    from app.domain.notifications import HitNotification

    matcher, _ = seed_hotlist(bundle.ctx)
    bundle.hits.reads.set_matcher(matcher)
    chimes = FakeChimeSink()
    signals = AppSignals()
    rt = AppRuntime(bundle, executor, signals, bundle_paths(tmp_path), RuntimeOptions(run_cameras=False),
                    standby_chimes=lambda: chimes)
    qloop.run_until_complete(rt.start())
    try:
        # Given nobody is signed in, a hit stored here and one raised by another console
        [hit] = bundle.hits.reads.ingest(make_read("7XYZ001")).hits  # Amber alert, priority 1
        signals.hit_raised.emit(hit)
        signals.hit_notified.emit(HitNotification(hit.id + 100, "hit", "OTHER-WS", "", 4))
        signals.hit_notified.emit(HitNotification(hit.id, "claim", "OTHER-WS", "disp", 1))  # not a new hit
        # Then both sound at once, each in its band
        assert len(chimes.played) == 2 and chimes.played[0] is ChimeBand.URGENT
        assert chimes.played[1] is not ChimeBand.URGENT
        # The reminder replays the most urgent band while nobody signs in
        rt.standby._reminder()
        assert chimes.played[-1] is ChimeBand.URGENT
        # When a dispatcher signs in, the console receives the hits that arrived meanwhile
        from app.domain.alerts import FakeSpeaker
        from app.runtime.alerts import HitAlertsBridge
        from app.services.alert_policy import AlertPolicyConfig

        rt.start_alerts(lambda: HitAlertsBridge(signals, AlertPolicyConfig(), FakeSpeaker(), FakeChimeSink()))
        assert set(rt.missed_at_sign_in) == {hit.id, hit.id + 100}
        # and the standby chime falls silent (the signed-in console's alerts take over)
        signals.hit_raised.emit(hit)
        assert len(chimes.played) == 3
    finally:
        rt.stop()


def test_an_import_a_crash_cut_short_is_finished_when_the_console_starts(qtbot, qloop, bundle, executor, tmp_path):
    from app.persistence.repositories.agency import SharedSettingsRepository
    from app.persistence.repositories.hotlists import HotListRepository

    sup = make_actor(bundle.ctx, "sup.ray", frozenset({Role.SUPERVISOR}))
    listed = tmp_path / "ncic.txt"
    listed.write_text("\n".join(ncic(f"V{i:09d}", f"ABC{i:03d}") for i in range(5)) + "\n")
    src = bundle.hotlists.add_source(sup, "NCIC daily", "ncic", "ncic_fixed", str(listed), "00:00")
    assert bundle.hotlists.import_source(sup, src.id).accepted
    with bundle.ctx.uow() as uow:  # what a console killed while copying a new list leaves
        repo = HotListRepository(uow.s)
        above = repo.max_entry_id()
        repo.append_rows([(src.id, "NEW001", None, "CA", "V", "stolen_vehicle", 4, None, None, None, None, None, None,
                           None, None, None, None, None, None, None, "active", None, 1, plate_head("NEW001"))])
        SharedSettingsRepository(uow.s).put(f"hotlist.import.pending.{src.id}", {"phase": "copy", "above_id": above},
                                            None, bundle.ctx.clock.now())
    rt, signals = _runtime(bundle, executor, tmp_path)
    banners: list[str] = []
    signals.banner.connect(banners.append)
    qloop.run_until_complete(rt.start())
    try:
        assert any("interrupted" in b for b in banners)
        with bundle.ctx.uow() as uow:
            assert HotListRepository(uow.s).count(src.id) == 5
        assert not bundle.hotlists.index.matcher.match("NEW001", "CA")
    finally:
        rt.stop()
