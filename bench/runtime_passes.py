"""Vehicle passes through the RUNTIME's pipeline (what cameras run), scored like ``bench/passes.py``.

``bench/passes.py`` measures the still detector on every frame (as ``python -m recognition passes``);
the live runtime runs :func:`recognition.runtime.factories.model_pipeline` instead: the motion-gated
video detector at 640 plus reading only what needs reading (settled readings carried forward,
:mod:`recognition.pipeline_reuse`). This runs that pipeline frame by frame on a clip of
``bench/make_pass_clips.py`` (tracker time = file time) and scores the reads with ``bench/passes.py``'s
scoring, so a speed change is measured with its effect on accuracy.

- ``--no-reuse``: read every plate every frame (the runtime before settled readings were carried);
- ``--no-screen``: read every candidate in full (the runtime before the quick-read screen,
  :mod:`recognition.pipeline_screen`);
- ``--every N``: process only every N-th frame (a live camera whose frames are dropped because the
  inference is shared with other cameras: 4 cameras at 25 fps and ~20 processed fps give N = 5).

Last line: ``{"exact_share", "missed_share", "extra_share", "extra_by_kind", "voted_exact", "frames",
"fps", "cpu_ms_per_frame", "read_ms_per_frame", "detect_ms_per_frame", "crops_read", "crops_reused"}``.
``cpu_ms_per_frame`` is the process CPU time (all threads, OpenVINO's too) per processed frame: less
sensitive to other users of a shared machine than ``fps``.

Usage: ``python bench/runtime_passes.py /tmp/clip.mp4 [--no-reuse] [--every 5] [--show-failures]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402

from bench.passes import score  # noqa: E402
from recognition.pipeline_reuse import ReadReuse, ReuseRules  # noqa: E402
from recognition.pipeline_screen import screened_reader  # noqa: E402
from recognition.read import ReaderConfig  # noqa: E402
from recognition.runtime.factories import VIDEO_HINT, model_pipeline  # noqa: E402
from recognition.types import Frame, PlateRead  # noqa: E402


def run_clip(
    clip: Path, fps: float, *, reuse: ReuseRules | None, every: int, screen: bool = True, precision: str = ""
) -> tuple[list[PlateRead], dict[str, float]]:
    """Reads of the runtime's pipeline on ``clip`` and its cost figures (``precision``: another reader precision)."""
    pipeline = model_pipeline({})
    if precision:
        pipeline.reader = screened_reader(ReaderConfig(read_state=False, hint=VIDEO_HINT, precision=precision))
    pipeline.reuse = ReadReuse(reuse) if reuse is not None else None
    if not screen:
        pipeline.reader = pipeline.reader.full  # type: ignore[attr-defined]
    cap = cv2.VideoCapture(str(clip), cv2.CAP_FFMPEG)
    reads: list[PlateRead] = []
    number = processed = 0
    detect_ms = read_ms = 0.0
    wall = cpu = 0.0
    while True:
        ok, image = cap.read()
        if not ok:
            break
        if number % every == 0:
            frame = Frame("bench", number + 1, number / fps, image)
            t0, c0 = time.perf_counter(), time.process_time()
            result = pipeline.process(frame)
            wall += time.perf_counter() - t0
            cpu += time.process_time() - c0
            timings = {t.stage: t.ms for t in result.timings}
            detect_ms += timings["detect"]
            read_ms += timings["read"]
            reads.extend(r for r in result.reads if not r.preview)
            processed += 1
        number += 1
    cap.release()
    reads.extend(pipeline.flush())
    n = max(1, processed)
    counts = pipeline.reuse.counts if pipeline.reuse is not None else None
    return reads, {
        "frames": processed,
        "fps": round(processed / max(wall, 1e-9), 2),
        "cpu_ms_per_frame": round(1000.0 * cpu / n, 1),
        "detect_ms_per_frame": round(detect_ms / n, 1),
        "read_ms_per_frame": round(read_ms / n, 1),
        "crops_read": counts.read if counts else -1,
        "crops_reused": counts.reused if counts else 0,
    }


def main(argv: list[str] | None = None) -> int:
    """Run and score one clip; the summary is the last line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clip", help="a clip with <clip>.json ground truth beside it")
    parser.add_argument("--no-reuse", action="store_true", help="read every plate in every frame")
    parser.add_argument("--min-confidence", type=float, default=ReuseRules().min_confidence,
                        help="confidence of each settling reading (ReuseRules)")
    parser.add_argument("--match-iou", type=float, default=ReuseRules().match_iou, help="ReuseRules.match_iou")
    parser.add_argument("--no-screen", action="store_true", help="read every candidate in full (no quick-read screen)")
    parser.add_argument("--reader-precision", default="", choices=["", "f32", "bf16"],
                        help="the reader's CPU inference precision instead of the runtime's (f32)")
    parser.add_argument("--every", type=int, default=1, help="process every N-th frame only (live drops)")
    parser.add_argument("--show-failures", action="store_true", help="list wrong, missed and extra reads on stderr")
    args = parser.parse_args(argv)
    clip = Path(args.clip)
    truth = json.loads(clip.with_suffix(".json").read_text())
    fps = float(truth["fps"])
    reads, cost = run_clip(clip, fps, reuse=None if args.no_reuse else ReuseRules(min_confidence=args.min_confidence, match_iou=args.match_iou), every=max(1, args.every), screen=not args.no_screen, precision=args.reader_precision)
    counts = score(truth, None, reads, fps, args.show_failures)
    n = max(1, counts["passes"])
    extra = counts["lettering"] + counts["empty"] + counts["duplicate"]
    print(json.dumps({
        "clip": str(clip), "reuse": not args.no_reuse, "screen": not args.no_screen, "min_confidence": args.min_confidence, "match_iou": args.match_iou, "every": args.every, "reader_precision": args.reader_precision or "f32", "passes": counts["passes"],
        "exact_share": round(counts["exact"] / n, 4), "exact_folded_share": round(counts["folded"] / n, 4),
        "missed_share": round(counts["missed"] / n, 4), "extra_reads": extra, "extra_share": round(extra / n, 4),
        "extra_by_kind": {k: counts[k] for k in ("duplicate", "lettering", "empty")},
        "voted_exact": round(counts["voted"] / n, 4), **cost,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
