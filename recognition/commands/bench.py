"""``python -m recognition bench``: throughput, latency and memory on generated 1080p clips.

The streams run twice in a recognition child process (the product layout):

- **all frames** (files served as fast as they are consumed, back-pressure, nothing dropped):
  ``fps_1080p`` is the aggregate frames per second the recognition gets through;
- **live** (for ``--live-seconds``, each clip looping at its 25 fps like a camera; a camera whose frames arrive faster than
  the shared inference takes them keeps only its newest frame, counted in ``dropped_live``):
  ``frame_to_read_p95_ms`` (capture of the frame that completed a read -> read published). In the
  all-frames run that figure is mostly queueing behind the other streams' frames (a frame waits for
  every stream's turn), reported as ``frame_to_read_p95_ms_all_frames``.

``wait_p95_ms`` / ``wait_p95_ms_all_frames`` is the age of a frame when the inference takes it (where
frames wait), ``process_ms_p95`` the time to process one. Plus ``image_ms_mean`` (one 1080p still,
detect + read) and ``rss_mb_4_streams`` (peak resident memory of the child while the streams run).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from recognition.config import CameraConfig, DemoSourceConfig, FileSourceConfig
from recognition.runtime.engine import PipelineFactory
from recognition.sources.demo import DemoSource
from recognition.sources.folder import list_images

logger = logging.getLogger(__name__)

CLIP_FPS = 25.0


def percentile(values: list[float], q: float) -> float:
    """``q``-th percentile (0-100) of ``values``; 0 for no values."""
    return float(np.percentile(values, q)) if values else 0.0


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process in MiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return 0.0
    return 0.0


class RssSampler:
    """Samples the summed RSS of some processes in a thread and keeps the peak."""

    def __init__(self, pids: list[int | str]) -> None:
        """Watch ``pids`` ("self" for this process)."""
        self.pids = pids
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, sum(rss_mb(p) for p in self.pids))
            if self._stop.wait(0.2):
                return


def make_clips(folder: Path, streams: int, seconds: float) -> list[Path]:
    """Write ``streams`` 1080p demo clips (different seeds) and return their paths."""
    paths = []
    for s in range(streams):
        source = DemoSource(f"gen{s}", DemoSourceConfig(resolution="1080p", fps=CLIP_FPS, seed=100 + s,
                                                        vehicles_per_minute=40, realtime=False))
        path = folder / f"demo_{s}.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), CLIP_FPS, (1920, 1080))
        for _ in range(int(seconds * CLIP_FPS)):
            writer.write(source.render_next().image)
        writer.release()
        paths.append(path)
    return paths


def time_images(factory: PipelineFactory, images: list[np.ndarray], cpu: list[float] | None = None) -> list[float]:
    """Milliseconds of detect + read per image (after one warm-up image); ``cpu`` gets each one's process CPU ms."""
    pipeline = factory({})
    pipeline.observe(images[0])
    times = []
    for image in images:
        t0, c0 = time.perf_counter(), time.process_time()
        pipeline.observe(image)
        times.append((time.perf_counter() - t0) * 1000.0)
        if cpu is not None:
            cpu.append((time.process_time() - c0) * 1000.0)
    return times


def file_cameras(clips: list[Path], live: bool = False) -> tuple[CameraConfig, ...]:
    """Cameras replaying ``clips``: once as fast as they are consumed, or looping paced like cameras (``live``)."""
    return tuple(
        CameraConfig(id=f"bench{i}", source=FileSourceConfig(path=str(p), loop=live, realtime=live))
        for i, p in enumerate(clips)
    )


def demo_cameras(streams: int, seconds: float, live: bool = False) -> tuple[CameraConfig, ...]:
    """Demo cameras, unpaced or paced (for the oracle models, which need the scene's ground truth)."""
    return tuple(
        CameraConfig(id=f"bench{i}", source=DemoSourceConfig(resolution="1080p", fps=CLIP_FPS, seed=100 + i,
                                                               vehicles_per_minute=40, realtime=live,
                                                               duration_s=0.0 if live else seconds))
        for i in range(streams)
    )


def main(args: argparse.Namespace) -> int:
    """Entry point of the ``bench`` subcommand."""
    from recognition.runtime.factories import model_pipeline, oracle_pipeline

    factory: PipelineFactory = oracle_pipeline if args.fake else model_pipeline
    result: dict[str, Any] = {"models": "oracle" if args.fake else "shipped", "streams": args.streams}
    stills = [DemoSource("still", DemoSourceConfig(resolution="1080p", seed=7, vehicles_per_minute=60,
                                                   realtime=False)).scene.render(3.0 + i).image for i in range(12)]
    if args.fake:
        result["image_ms_mean"] = 0.0  # the oracle needs a running demo source; no still timing
    else:
        cpu: list[float] = []
        times = time_images(factory, stills, cpu)
        result["image_ms_mean"] = round(float(np.mean(times)), 1)
        result["image_cpu_ms_mean"] = round(float(np.mean(cpu)), 1)
        result["image_ms_p95"] = round(percentile(times, 95), 1)
    if args.images:
        files = list_images(Path(args.images))[:50]
        loaded = [im for im in (cv2.imread(str(f)) for f in files) if im is not None]
        if loaded and not args.fake:
            result["folder_image_ms_mean"] = round(float(np.mean(time_images(factory, loaded))), 1)
    with tempfile.TemporaryDirectory(prefix="alpr-bench-") as tmp:
        if args.fake:
            cameras = demo_cameras(args.streams, args.seconds)
            live_cameras = demo_cameras(args.streams, args.seconds, live=True)
        else:
            t0 = time.monotonic()
            clips = make_clips(Path(tmp), args.streams, args.seconds)
            cameras, live_cameras = file_cameras(clips), file_cameras(clips, live=True)
            logger.info("clips written in %.1fs", time.monotonic() - t0)
        from recognition.commands.bench_modes import compare_process_modes, run_processes

        # The streams run in a clean recognition child process (the product layout), so its
        # memory is measured without this command's clips, stills and timing models.
        streams = run_processes(factory, [cameras])
        print(json.dumps({"streams_all_frames": streams}), flush=True)
        live = run_processes(factory, [live_cameras], duration_s=args.live_seconds)
        print(json.dumps({"streams_live": live}), flush=True)
        if args.compare_processes:
            print(json.dumps({"process_modes": compare_process_modes(factory, cameras)}), flush=True)
    result.update(
        fps_1080p=streams["fps"],
        cpu_ms_per_frame=streams["cpu_ms_per_frame"],
        cpu_ms_per_frame_live=live["cpu_ms_per_frame"],
        frame_to_read_p95_ms=live["frame_to_read_p95_ms"],
        frame_to_read_p95_ms_all_frames=streams["frame_to_read_p95_ms"],
        wait_p95_ms=live["wait_p95_ms"],
        wait_p95_ms_all_frames=streams["wait_p95_ms"],
        process_ms_p95=live["process_ms_p95"],
        pass_to_read_p95_ms=live["pass_to_read_p95_ms"],
        fps_1080p_live=live["fps"],
        dropped_live=live["dropped"],
        rss_mb_4_streams=max(streams["rss_mb"], live["rss_mb"]),
        reads=streams["reads"],
        reads_live=live["reads"],
        frames=streams["frames"],
        process_ms_mean=streams["process_ms_mean"],
        load_average=[round(v, 2) for v in os.getloadavg()],
    )
    print(json.dumps(result), flush=True)
    return 0
