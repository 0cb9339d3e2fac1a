"""One recognition process for all cameras versus one process per camera (bench --compare-processes)."""

from __future__ import annotations

import threading
import time
from typing import Any

from recognition.commands.bench import RssSampler, percentile
from recognition.config import CameraConfig, PreviewConfig, RuntimeConfig
from recognition.runtime.engine import PipelineFactory
from recognition.runtime.events import RuntimeCallbacks
from recognition.runtime.process import RecognitionProcess
from recognition.types import CameraHealth


def run_processes(
    factory: PipelineFactory, groups: list[tuple[CameraConfig, ...]], duration_s: float | None = None
) -> dict[str, Any]:
    """Run each group of cameras in its own recognition process to their end (or for ``duration_s``)."""
    finished: set[str] = set()
    dropped: dict[str, int] = {}
    lock = threading.Lock()
    all_ids = {c.id for g in groups for c in g}
    done = threading.Event()

    def on_health(health: CameraHealth) -> None:
        dropped[health.camera_id] = health.dropped
        if health.state == "stopped":
            with lock:
                finished.add(health.camera_id)
                if finished >= all_ids:
                    done.set()

    procs = [
        RecognitionProcess(RuntimeConfig(cameras=g, preview=PreviewConfig(enabled=False), health_interval_s=0.2),
                           factory, RuntimeCallbacks(on_health=on_health), name=f"alpr-bench-{i}", restart=False)
        for i, g in enumerate(groups)
    ]
    for p in procs:
        p.start(paused=True)
    for p in procs:
        p.go()
    with RssSampler([p.pid for p in procs if p.pid is not None]) as rss:
        t0 = time.monotonic()
        done.wait(duration_s if duration_s is not None else 600)
        seconds = time.monotonic() - t0
    for p in procs:
        p.stop()
    frames = sum(p.stats.get("frames", 0) for p in procs)
    latency = [v for p in procs for v in p.stats.get("frame_to_read_ms", [])]
    pass_latency = [v for p in procs for v in p.stats.get("read_latency_ms", [])]
    process_ms = [v for p in procs for v in p.stats.get("process_ms", [])]
    waits = [v for p in procs for v in p.stats.get("wait_ms", [])]
    cpu_ms = sum(p.stats.get("cpu_ms_per_frame", 0.0) * p.stats.get("frames", 0) for p in procs)
    return {
        "processes": len(procs),
        "frames": frames,
        "reads": sum(p.stats.get("reads", 0) for p in procs),
        "pass_to_read_p95_ms": round(percentile(pass_latency, 95), 1),
        "process_ms_mean": round(sum(process_ms) / len(process_ms), 1) if process_ms else 0.0,
        "process_ms_p95": round(percentile(process_ms, 95), 1),
        "wait_p95_ms": round(percentile(waits, 95), 1),
        "dropped": sum(dropped.values()),
        "seconds": round(seconds, 2),
        "fps": round(frames / seconds, 2) if seconds else 0.0,
        "cpu_ms_per_frame": round(cpu_ms / frames, 1) if frames else 0.0,
        "frame_to_read_p95_ms": round(percentile(latency, 95), 1),
        "frame_to_read_ms": sorted(round(v) for v in latency),  # every read's: the p95 of a few is their max
        "rss_mb": round(rss.peak, 1),
    }


def compare_process_modes(factory: PipelineFactory, cameras: tuple[CameraConfig, ...]) -> dict[str, Any]:
    """Measure both layouts on the same cameras (frames are counted from the moment all children run)."""
    one = run_processes(factory, [cameras])
    per_camera = run_processes(factory, [(c,) for c in cameras])
    winner = "one_process" if one["fps"] >= per_camera["fps"] else "process_per_camera"
    return {"one_process": one, "process_per_camera": per_camera, "winner_by_fps": winner}
