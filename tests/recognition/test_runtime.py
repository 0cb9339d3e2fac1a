"""The live runtime in-process and in a child process, with the demo feed and oracle models."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from recognition.config import (
    CameraConfig,
    DemoSourceConfig,
    FolderSourceConfig,
    PreviewConfig,
    RuntimeConfig,
)
from recognition.runtime import RecognitionProcess, RecognitionRuntime, RuntimeCallbacks, oracle_pipeline
from recognition.runtime.journal import read_from_json
from tests.recognition._sources import wait_for


def demo_camera(cid: str, seed: int, **kw) -> CameraConfig:
    source = {"resolution": "720p", "fps": 20, "seed": seed, "vehicles_per_minute": 60, **kw}
    return CameraConfig(id=cid, source=DemoSourceConfig(**source))


class Recorder:
    def __init__(self) -> None:
        self.reads, self.health, self.previews, self.faults = [], [], [], []
        self.lock = threading.Lock()

    def callbacks(self) -> RuntimeCallbacks:
        def add(bucket):
            def put(value):
                with self.lock:
                    bucket.append(value)
            return put
        return RuntimeCallbacks(add(self.reads), add(self.health), add(self.previews), add(self.faults))


def test_runtime_reads_demo_cameras_while_a_bad_camera_fails():
    # Given two demo cameras and one camera whose folder does not exist
    config = RuntimeConfig(
        cameras=(demo_camera("a", 1, duration_s=6, realtime=False), demo_camera("b", 2, duration_s=6, realtime=False),
                 CameraConfig(id="bad", source=FolderSourceConfig(path="/nonexistent/folder"),
                              capture={"offline_after": 1, "backoff_initial_s": 0.05})),
        preview=PreviewConfig(max_fps=5, max_width=320),
        health_interval_s=0.2,
    )
    rec = Recorder()
    runtime = RecognitionRuntime(config, oracle_pipeline, rec.callbacks())
    runtime.start()
    assert wait_for(lambda: not any(s.running for cid, s in runtime.sources.items() if cid != "bad"), timeout=60)
    assert wait_for(lambda: runtime.stats.frames >= 2 * 6 * 20, timeout=30)  # let the queues drain
    bad_state = next(h.state for h in runtime.health() if h.camera_id == "bad")
    runtime.stop()
    # Then both good cameras produced reads and previews, and the bad one is offline
    assert {r.camera_id for r in rec.reads} == {"a", "b"}
    assert bad_state == "offline"
    assert rec.previews and max(p.width for p in rec.previews) <= 320
    assert all(p.image is not None for p in rec.previews)
    assert {h.camera_id for h in rec.health} >= {"a", "b", "bad"}
    assert runtime.stats.frames == 2 * 6 * 20
    # where frames wait: the age of every processed frame when the worker took it (bench wait_p95_ms)
    assert len(runtime.stats.wait_ms) == runtime.stats.frames and min(runtime.stats.wait_ms) >= 0


def test_preview_rate_is_throttled():
    config = RuntimeConfig(cameras=(demo_camera("a", 3, duration_s=3, fps=30, realtime=False),),
                           preview=PreviewConfig(max_fps=5, jpeg=True))
    rec = Recorder()
    runtime = RecognitionRuntime(config, oracle_pipeline, rec.callbacks())
    runtime.start()
    assert wait_for(lambda: not any(s.running for s in runtime.sources.values()), timeout=60)
    runtime.stop()
    # 3 s of capture timestamps cannot hold more than 5 previews per second (frames are captured
    # faster than real time here, so far fewer previews pass).
    ts = [p.ts for p in rec.previews]
    assert all(b - a >= 0.2 - 1e-6 for a, b in zip(ts, ts[1:], strict=False))
    assert all(p.jpeg and p.image is None for p in rec.previews)


def test_subscriber_exceptions_do_not_stop_recognition():
    config = RuntimeConfig(cameras=(demo_camera("a", 4, duration_s=4, realtime=False),))
    seen = []

    def explode(read):
        seen.append(read)
        raise RuntimeError("subscriber bug")

    runtime = RecognitionRuntime(config, oracle_pipeline, RuntimeCallbacks(on_read=explode))
    runtime.start()
    assert wait_for(lambda: not any(s.running for s in runtime.sources.values()), timeout=60)
    runtime.stop()
    assert len(seen) >= 2


def test_runtime_in_a_child_process_forwards_reads_and_health():
    config = RuntimeConfig(cameras=(demo_camera("p", 5, duration_s=5, realtime=False),),
                           preview=PreviewConfig(jpeg=True), health_interval_s=0.2)
    rec = Recorder()
    proc = RecognitionProcess(config, oracle_pipeline, rec.callbacks(), name="alpr-test-recognition")
    proc.start()
    assert proc.pid is not None
    assert wait_for(lambda: any(h.state == "stopped" for h in proc.health()), timeout=60)
    proc.stop()
    assert rec.reads and all(r.camera_id == "p" for r in rec.reads)
    assert rec.reads[0].plate_jpeg.startswith(b"\xff\xd8")
    assert proc.stats["frames"] == 5 * 20
    assert proc.stats["cpu_ms_per_frame"] > 0  # the child's CPU over its frames (bench's cpu_ms_per_frame)
    assert proc.pid is None


def test_child_journals_each_read_before_sending_it(tmp_path):
    config = RuntimeConfig(cameras=(demo_camera("j", 6, duration_s=3, realtime=False),),
                           preview=PreviewConfig(jpeg=True), health_interval_s=0.2)
    got: list[tuple[object, str | None]] = []
    callbacks = RuntimeCallbacks(journal_dir=str(tmp_path / "spool"),
                                 on_journalled=lambda read, path: got.append((read, path)))
    proc = RecognitionProcess(config, oracle_pipeline, callbacks, name="alpr-test-journal")
    proc.start()
    assert wait_for(lambda: any(h.state == "stopped" for h in proc.health()) or len(got) >= 3, timeout=60)
    proc.stop()
    assert got and all(path is not None for _, path in got)
    for read, path in got:  # the file on disk (one read, or a group of them) holds the read the parent received
        lines = Path(path).read_bytes().splitlines()
        assert read.read_id in {read_from_json(json.loads(line)).read_id for line in lines if line.strip()}


def test_restart_backoff_resets_after_a_stable_run(monkeypatch):
    config = RuntimeConfig(cameras=(demo_camera("r", 7, duration_s=1),))
    proc = RecognitionProcess(config, oracle_pipeline, RuntimeCallbacks(), stable_after_s=60.0)
    monkeypatch.setattr(proc, "_spawn", lambda: setattr(proc, "_spawned_at", clock[0]))
    monkeypatch.setattr(proc._stop, "wait", lambda _s: False)
    clock = [1000.0]
    monkeypatch.setattr("recognition.runtime.process.time.monotonic", lambda: clock[0])
    proc._spawned_at = clock[0]
    backoff = 1.0
    for _ in range(6):  # crashing at once, again and again: the delay grows to the cap
        clock[0] += 0.5
        backoff = proc._on_crash(backoff)
    assert proc.last_backoff_s == 30.0
    clock[0] += 120  # then a run of two minutes before the next crash
    proc._on_crash(backoff)
    assert proc.last_backoff_s == 1.0


def test_a_pass_over_by_time_is_published_before_the_next_frame_is_processed(tmp_path):
    # Given a camera whose plate is in view for 5 frames, then gone for 10 (10 fps), and a tracker that
    # ends tracks by time only (lost for 0.1 s or 2.5 frame gaps)
    import cv2
    import numpy as np

    from recognition.config import TrackerConfig
    from recognition.fakes import FakeDetector, FakeReader
    from recognition.pipeline import Pipeline
    from recognition.types import BBox, PlateDetection

    for i in range(15):
        cv2.imwrite(str(tmp_path / f"{i:03d}.png"), np.full((120, 200, 3), 200 if i < 5 else 20, np.uint8))
    events: list[tuple[str, int, int]] = []  # (what, frame seq, live tracks)

    def plate(image):
        return [PlateDetection(BBox(60, 40, 80, 30), 0.9)] if image.mean() > 100 else []

    class Watched(Pipeline):
        def process(self, frame):
            before = self.tracker(frame.camera_id).active
            result = super().process(frame)
            events.append(("process", frame.seq, before - self.tracker(frame.camera_id).active))
            return result

    def factory(_sources):
        config = TrackerConfig(max_lost_frames=1000, max_lost_s=0.1)
        return Watched(FakeDetector(plate), FakeReader("7KQB228"), tracker_config=config)

    config = RuntimeConfig(cameras=(CameraConfig(id="c", source=FolderSourceConfig(path=str(tmp_path), fps=10,
                                                                                     loop=False)),),
                           preview=PreviewConfig(enabled=False))
    rec = Recorder()
    runtime = RecognitionRuntime(config, factory, rec.callbacks())
    runtime.start()
    source = runtime.sources["c"]
    assert wait_for(lambda: not source.running and len(events) + source.health().dropped >= 15, timeout=30)
    runtime.stop()
    # Then the pass is read once, and no frame's processing was what ended it: the read went out
    # as soon as the frame that completed it was taken, before its detection and reading
    assert [r.text for r in rec.reads] == ["7KQB228"]
    assert [e for e in events if e[2] > 0] == []
    assert len(runtime.stats.frame_to_read_ms) == 1


def test_cpu_per_frame_is_the_process_cpu_between_start_and_stop_over_frames():
    from recognition.runtime.engine import RuntimeStats

    assert RuntimeStats().cpu_ms_per_frame == 0.0  # no frame yet: no figure, no division by zero
    stats = RuntimeStats(frames=4, cpu_started=10.0, cpu_stopped=10.2)
    assert abs(stats.cpu_ms_per_frame - 50.0) < 1e-9


def test_cameras_are_split_between_the_configured_inference_workers():
    # Given 3 demo cameras and the default settings (2 workers on a 2-core workstation)
    config = RuntimeConfig(cameras=tuple(demo_camera(f"c{i}", i, duration_s=1, realtime=False) for i in range(3)),
                           preview=PreviewConfig(enabled=False))
    assert config.workers == 2
    pipelines: list = []
    threads: dict[str, set[str]] = {}

    def factory(sources):
        pipeline = oracle_pipeline(sources)
        process = pipeline.process

        def traced(frame):
            threads.setdefault(frame.camera_id, set()).add(threading.current_thread().name)
            return process(frame)

        pipeline.process = traced  # type: ignore[method-assign]
        pipelines.append(pipeline)
        return pipeline

    runtime = RecognitionRuntime(config, factory, Recorder().callbacks())
    runtime.start()
    assert wait_for(lambda: runtime.stats.frames >= 3 * 20, timeout=30)
    runtime.stop()
    # Then each worker built its own pipeline and every camera was served by one worker only
    assert len(pipelines) == 2
    assert set(threads) == {"c0", "c1", "c2"} and all(len(names) == 1 for names in threads.values())
    assert {next(iter(threads[c])) for c in ("c0", "c2")} == {"infer-0"} and threads["c1"] == {"infer-1"}
    # and one worker can still be asked for
    assert RecognitionRuntime(config, factory, workers=1)._workers == 1
    assert RecognitionRuntime(config.model_copy(update={"workers": 1}), factory)._workers == 1
