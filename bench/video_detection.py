"""Detection on video clips: the full detector on every frame versus motion-gated detection.

Runs on clips from ``bench/make_pass_clips.py`` (evaluation only; they live in /tmp) and scores
the DETECTION part of each vehicle pass against ``<clip>.json``:

- ``frame_recall``: share of (pass, frame) pairs whose plate is overlapped by a box with IoU >= 0.3;
- ``pass_found``: share of passes whose plate is found on at least one frame (``pass_found_3``: on
  at least three frames, what voting needs);
- ``boxes_per_frame``, ``cpu_ms_per_frame`` (process CPU time, all threads: robust to other users
  of a shared machine) and ``wall_ms_per_frame``; for the gated mode how many frames got a full,
  a guided (known plates only) or no pass.

Usage: ``python bench/video_detection.py /tmp/passes/dev.mp4 [--input-size 640] [--modes full gated]
[--frames N]``. The last output line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402

from recognition.detect import BuiltinDetectorConfig, create_detector  # noqa: E402
from recognition.detect.video import VideoGate, VideoPlateDetector  # noqa: E402
from recognition.types import BBox  # noqa: E402


def truth_by_frame(meta: dict) -> dict[int, tuple[int, BBox]]:
    """Frame number -> (pass index, plate box)."""
    out = {}
    for p, ps in enumerate(meta["passes"]):
        for k, box in enumerate(ps["boxes"]):
            out[ps["first_frame"] + k] = (p, BBox(*box))
    return out


def run(clip: Path, mode: str, input_size: int, gate: VideoGate, limit: int) -> dict:
    """Detect on every frame of ``clip`` in ``mode`` ('full' or 'gated') and score it."""
    meta = json.loads(clip.with_suffix(".json").read_text())
    truth = truth_by_frame(meta)
    det = create_detector(BuiltinDetectorConfig(input_size=input_size))
    video = VideoPlateDetector(det, gate)
    cap = cv2.VideoCapture(str(clip))
    hits: dict[int, int] = {}
    missed_by: dict[str, int] = {}
    pairs = found = boxes = frames = 0
    cpu = wall = 0.0
    while frames < limit:
        ok, image = cap.read()
        if not ok:
            break
        c0, w0 = time.process_time(), time.perf_counter()
        dets = video.detect_stream(image, "clip") if mode == "gated" else det.detect(image)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
        boxes += len(dets)
        if frames in truth:
            p, box = truth[frames]
            pairs += 1
            if any(d.box.iou(box) >= 0.3 for d in dets):
                found += 1
                hits[p] = hits.get(p, 0) + 1
            else:
                hits.setdefault(p, 0)
                if mode == "gated":
                    missed_by[video.last_pass] = missed_by.get(video.last_pass, 0) + 1
        frames += 1
    cap.release()
    passes = len(hits)
    result = {
        "clip": str(clip), "mode": mode, "input_size": input_size, "frames": frames, "passes": passes,
        "frame_recall": round(100.0 * found / max(1, pairs), 1),
        "pass_found": round(100.0 * sum(v >= 1 for v in hits.values()) / max(1, passes), 1),
        "pass_found_3": round(100.0 * sum(v >= 3 for v in hits.values()) / max(1, passes), 1),
        "boxes_per_frame": round(boxes / max(1, frames), 2),
        "cpu_ms_per_frame": round(1000.0 * cpu / max(1, frames), 1),
        "wall_ms_per_frame": round(1000.0 * wall / max(1, frames), 1),
    }
    if mode == "gated":
        c = video.counts
        result.update(full=c.full, guided=c.guided, skipped=c.skipped, reasons=c.reasons, missed_by=missed_by)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="+", type=Path)
    parser.add_argument("--input-size", type=int, default=640)
    parser.add_argument("--modes", nargs="+", default=["full", "gated"], choices=["full", "gated"])
    parser.add_argument("--keyframe-every", type=int, default=VideoGate().keyframe_every)
    parser.add_argument("--frames", type=int, default=10**9, help="stop each clip after this many frames")
    args = parser.parse_args()
    gate = VideoGate(keyframe_every=args.keyframe_every)
    results = []
    for clip in args.clips:
        for mode in args.modes:
            results.append(run(clip, mode, args.input_size, gate, args.frames))
            print(json.dumps(results[-1]), flush=True)
    summary = {r["mode"]: {k: r[k] for k in ("frame_recall", "pass_found", "pass_found_3", "cpu_ms_per_frame",
                                                "wall_ms_per_frame")} for r in results}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
