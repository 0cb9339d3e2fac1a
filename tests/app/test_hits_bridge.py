"""Recognition bridge: demo camera -> runtime -> durable ingest -> hit_raised, off the GUI thread."""

from __future__ import annotations

import functools
import threading

from app.persistence.image_store_packs import PackImageStore as ImageStore
from app.persistence.repositories.reads import ReadRepository
from app.services.cameras import CameraService
from app.services.context import ServiceContext
from app.services.read_store import ReadStore
from app.services.spool import DurableIngest, Spool
from app.settings.secrets import MemorySecretStore
from app.workers.recognition_bridge import RecognitionBridge, demo_cameras, runtime_factory
from app.workers.signals import AppSignals
from recognition.config import CameraConfig, DemoSourceConfig, RuntimeConfig
from recognition.runtime import RecognitionRuntime, oracle_pipeline
from tests.app.hitkit import Switchable, make_read, seed_hotlist


def test_demo_camera_reads_become_hits(ctx, tmp_path, qtbot):
    matcher, _ = seed_hotlist(ctx)
    durable = DurableIngest(ReadStore(ctx, ImageStore(tmp_path / "images"), matcher), Spool(tmp_path / "spool"))
    hub = AppSignals()
    camera = CameraConfig(id="demo-1", name="Demo", source=DemoSourceConfig(
        seed=5, plates=("ABC1234",), seeded_share=1.0, realtime=False, duration_s=12, vehicles_per_minute=30))
    config = RuntimeConfig(cameras=(camera,))
    factory = functools.partial(oracle_pipeline, noise=0.0)
    bridge = RecognitionBridge(durable, hub, lambda cb: RecognitionRuntime(config, factory, cb))
    threads: set[str] = set()
    hub.hit_raised.connect(lambda hit: threads.add(threading.current_thread().name))
    try:
        with qtbot.waitSignal(hub.hit_raised, timeout=20000) as blocker:
            bridge.start()
        hit = blocker.args[0]
        assert hit.plate_listed == "ABC1234" and hit.camera_name == "demo-1"
        with ctx.uow() as uow:  # the read was stored before the hit was raised
            assert ReadRepository(uow.s).get(hit.read_id).plate == hit.plate_read
    finally:
        bridge.stop()
    assert threads == {threading.main_thread().name}  # delivered to the GUI thread
    assert bridge.stored == bridge.received and bridge.received >= 1


def test_submit_without_runtime_and_banner_on_outage(ctx, tmp_path, qtbot):
    switch = Switchable(ctx.uow)
    live = ServiceContext(uow=switch, workstation="WS", clock=ctx.clock)
    durable = DurableIngest(ReadStore(live, ImageStore(tmp_path / "images")), Spool(tmp_path / "spool"),
                            retry_after_s=0.1)
    hub = AppSignals()
    bridge = RecognitionBridge(durable, hub, None, replay_every_s=0.2)
    bridge.start()
    try:
        with qtbot.waitSignal(bridge.read_stored, timeout=3000) as blocker:
            bridge.submit(make_read("ZZZ999"))
        assert blocker.args[0].read_id
        # Given the database goes away, the banner says reads are being spooled
        switch.up = False
        with qtbot.waitSignal(hub.banner, timeout=3000) as banner:
            bridge.submit(make_read("YYY888"))
        assert banner.args[0] == "Database unreachable: spooling 1 read to disk"
        # When it returns, the idle ingest thread replays the spool and clears the banner
        switch.up = True
        with qtbot.waitSignal(hub.banner, timeout=3000, check_params_cb=lambda text: text == ""):
            pass
        assert durable.status().pending == 0
    finally:
        bridge.stop()


def test_runtime_factory_uses_demo_cameras_when_none_are_owned(ctx):
    cams = CameraService(ctx, MemorySecretStore())
    make, config = runtime_factory(cams, demo=True, demo_plates=("ABC1234",), use_models=False)
    assert [c.id for c in config.cameras] == ["demo-1", "demo-2"]
    assert config.cameras[0].source.plates == ("ABC1234",)
    assert callable(make)
    assert len(demo_cameras(4)) == 4
