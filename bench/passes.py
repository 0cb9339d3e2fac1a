"""Score vehicle passes on clips from ``bench/make_pass_clips.py``. Last output line: one JSON object.

Runs the shipped detector and reader on every frame (as ``python -m recognition passes`` does:
:meth:`Pipeline.observe`, colour, then the tracker), then scores the reads against ``<clip>.json``:

- ``exact_share``: passes with exactly one read on the plate, and that read right (the target);
  ``exact_folded_share`` the same with O/0 and I/1 folded;
- ``missed_share``: passes with no read on the plate;
- ``extra_reads`` / ``extra_share``: reads beyond one per pass (``duplicate``: a second read on the
  plate; ``lettering``: a read during a pass away from the plate; ``empty``: a read while no vehicle
  was in view), and their count per pass;
- ``single_frame_exact``: share of (pass, frame) pairs where the plate was read right from that
  frame alone; ``best_single_exact``: share of passes whose most confident single-frame reading of
  the plate is right; ``voted_exact``: share of passes whose read on the plate is right (voting
  over frames; compare with the two single-frame figures);
- ``observe_fps``: frames per second through detection + reading (median over clips), and
  ``track_ms_per_frame``. The machine is shared: timings are noisy.

Per-frame observations are cached (``--cache``, default /tmp/passes/cache) so tracker and voter
changes can be re-scored without re-running the models; ``--refresh`` recomputes them (do so after
detector or reader changes).

``--every N`` feeds the tracker only every N-th frame (file time kept): a camera whose frames a
loaded machine processes at 1/N of its rate. Single-frame figures still use every frame.

``--reads FILE`` scores the output of ``python -m recognition passes CLIP`` instead (one clip; the
command end to end; no single-frame figures, ``fps`` from its summary line).

Usage: ``python bench/passes.py /tmp/passes/dev.mp4 [more clips] [--refresh] [--show-failures]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from recognition.commands.models import load_colour, load_models  # noqa: E402
from recognition.evaluate.scoring import fold_lookalikes, normalise_plate  # noqa: E402
from recognition.pipeline import Pipeline  # noqa: E402
from recognition.track.tracker import PlateTracker, Sighting  # noqa: E402
from recognition.types import BBox, Frame, PlateObservation, PlateRead, VehicleColour  # noqa: E402


@dataclass(slots=True)
class FrameObs:
    """What the models made of one frame (cached)."""

    number: int
    shape: tuple[int, ...]
    observations: tuple[PlateObservation, ...]
    crops: tuple[np.ndarray, ...]
    colours: tuple[VehicleColour | None, ...]
    ms: float


def observe_clip(clip: Path, cache_dir: Path, refresh: bool) -> tuple[list[FrameObs], bool]:
    """Per-frame observations of ``clip`` (from the cache when present); (observations, cached)."""
    stat = clip.stat()
    key = hashlib.sha1(f"{clip.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    cached = cache_dir / f"{clip.stem}-{key}.pkl"
    if cached.is_file() and not refresh:
        with cached.open("rb") as fh:
            return pickle.load(fh), True  # noqa: S301 - our own cache file
    detector, reader = load_models()
    pipeline = Pipeline(detector, reader, load_colour(), end_reread=None)  # type: ignore[arg-type]  # as `passes`
    colour = pipeline.colour
    cap = cv2.VideoCapture(str(clip), cv2.CAP_FFMPEG)
    frames: list[FrameObs] = []
    number = 0
    while True:
        ok, image = cap.read()
        if not ok:
            break
        t0 = time.perf_counter()
        observed = pipeline.observe(image)
        colours = tuple(
            colour.estimate(image, o.detection) if colour is not None and o.reading else None
            for o in observed.observations
        )
        ms = (time.perf_counter() - t0) * 1000.0
        frames.append(FrameObs(number, image.shape, observed.observations, observed.crops, colours, ms))
        number += 1
    cap.release()
    cache_dir.mkdir(parents=True, exist_ok=True)
    with cached.open("wb") as fh:
        pickle.dump(frames, fh)
    return frames, False


def decoded(clip: Path | None, count: int):
    """The clip's frames in order (blank frames when ``clip`` is None or ends early)."""
    cap = cv2.VideoCapture(str(clip), cv2.CAP_FFMPEG) if clip is not None else None
    try:
        for _ in range(count):
            ok, image = cap.read() if cap is not None else (False, None)
            yield image if ok else None
    finally:
        if cap is not None:
            cap.release()


def track(frames: list[FrameObs], fps: float, every: int = 1, clip: Path | None = None) -> tuple[list[PlateRead], float]:
    """Feed cached observations (every ``every``-th frame) through a fresh tracker; (reads, tracker ms per frame).

    The tracker sees the clip's decoded frames (``clip``) as the command does: it judges what is
    around each box (a plate's panel); without ``clip`` it sees blank frames.
    """
    tracker = PlateTracker("bench")
    reads: list[PlateRead] = []
    spent = 0.0
    for f, picture in zip(frames, decoded(clip, len(frames)), strict=True):
        if f.number % every:
            continue
        image = picture if picture is not None else np.zeros(f.shape, np.uint8)
        frame = Frame("bench", f.number + 1, f.number / fps, image)
        sightings = [Sighting(o, c, col) for o, c, col in zip(f.observations, f.crops, f.colours, strict=True)]
        t0 = time.perf_counter()
        reads.extend(r for r in tracker.update(frame, sightings) if not r.preview)
        spent += time.perf_counter() - t0
    reads.extend(tracker.flush())
    return reads, spent * 1000.0 / max(1, len(frames))


@dataclass(frozen=True, slots=True)
class CommandRead:
    """One pass line of the ``passes`` command, in the shape :func:`score` reads."""

    text: str
    best_ts: float
    box: BBox


def command_reads(path: Path, fps: float) -> tuple[list[CommandRead], dict]:
    """Pass lines and the summary line of a ``passes`` output file."""
    reads, summary = [], {}
    for line in path.read_text().splitlines():
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        if "text" in item:
            reads.append(CommandRead(item["text"], item["best_frame"] / fps, BBox(*item["box"])))
        else:
            summary = item
    return reads, summary


def _on_plate(box: BBox, truth: list[int]) -> bool:
    gt = BBox(*truth)
    if box.iou(gt) >= 0.2:
        return True
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    return gt.x <= cx <= gt.x + gt.w and gt.y <= cy <= gt.y + gt.h


def score(truth: dict, frames: list[FrameObs] | None, reads: list, fps: float, show: bool) -> dict[str, float]:
    """Counts for one clip (summed over clips by the caller)."""
    passes = truth["passes"]
    by_frame = {}
    for index, p in enumerate(passes):
        for k, number in enumerate(range(p["first_frame"], p["last_frame"] + 1)):
            by_frame[number] = (index, p["boxes"][k])
    on_plate: dict[int, list[PlateRead]] = {i: [] for i in range(len(passes))}
    counts = {"lettering": 0, "empty": 0, "duplicate": 0}
    for read in reads:
        best = round(read.best_ts * fps)
        hit = by_frame.get(best)
        if hit is None:
            counts["empty"] += 1
            if show:
                print(f"  empty-frame read {read.text!r} at frame {best}", file=sys.stderr)
        elif _on_plate(read.box, hit[1]):
            on_plate[hit[0]].append(read)
        else:
            counts["lettering"] += 1
            if show:
                print(f"  lettering read {read.text!r} during {passes[hit[0]]['text']}", file=sys.stderr)
    exact = folded = missed = voted = 0
    for index, p in enumerate(passes):
        text = normalise_plate(p["text"])
        found = on_plate[index]
        counts["duplicate"] += max(0, len(found) - 1)
        missed += not found
        right = [r for r in found if r.text == text]
        voted += bool(right)
        exact += len(found) == 1 and bool(right)
        folded += len(found) == 1 and fold_lookalikes(found[0].text) == fold_lookalikes(text)
        if show and not (len(found) == 1 and right):
            print(f"  pass {text}: reads {[r.text for r in found]}", file=sys.stderr)
    single_frames = single_right = best_single = 0
    for p in passes if frames is not None else ():
        text = normalise_plate(p["text"])
        best_conf, best_text = -1.0, None
        for k, number in enumerate(range(p["first_frame"], p["last_frame"] + 1)):
            single_frames += 1
            readings = [o.reading for o in frames[number].observations
                        if o.reading is not None and o.reading.text and _on_plate(o.detection.box, p["boxes"][k])]
            if not readings:
                continue
            top = max(readings, key=lambda r: r.confidence)
            single_right += top.text == text
            if top.confidence > best_conf:
                best_conf, best_text = top.confidence, top.text
        best_single += best_text == text
    return {"passes": len(passes), "exact": exact, "folded": folded, "missed": missed, "voted": voted,
            "single_frames": single_frames, "single_right": single_right, "best_single": best_single, **counts}


def main(argv: list[str] | None = None) -> int:
    """Score every clip, print one line per clip and the summary as the last line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="+", help="clips with <clip>.json ground truth beside them")
    parser.add_argument("--cache", default="/tmp/passes/cache")
    parser.add_argument("--refresh", action="store_true", help="re-run the models instead of using the cache")
    parser.add_argument("--show-failures", action="store_true", help="list wrong, missed and extra reads on stderr")
    parser.add_argument("--every", type=int, default=1, help="track every N-th frame only (a loaded machine)")
    parser.add_argument("--blank-frames", action="store_true",
                        help="give the tracker blank frames instead of the decoded clip (as before session 20)")
    parser.add_argument("--reads", metavar="FILE", help="score this output of `python -m recognition passes CLIP`")
    args = parser.parse_args(argv)
    if args.reads:
        truth = json.loads(Path(args.clips[0]).with_suffix(".json").read_text())
        reads, summary = command_reads(Path(args.reads), float(truth["fps"]))
        counts = score(truth, None, reads, float(truth["fps"]), args.show_failures)
        n = max(1, counts["passes"])
        extra = counts["lettering"] + counts["empty"] + counts["duplicate"]
        print(json.dumps({"passes": counts["passes"], "exact_share": round(counts["exact"] / n, 4),
                          "exact_folded_share": round(counts["folded"] / n, 4),
                          "missed_share": round(counts["missed"] / n, 4), "extra_reads": extra,
                          "extra_share": round(extra / n, 4), "voted_exact": round(counts["voted"] / n, 4),
                          "fps": summary.get("fps"), "frames": summary.get("frames")}))
        return 0
    totals: dict[str, float] = {}
    fps_values, track_ms = [], []
    for name in args.clips:
        clip = Path(name)
        truth = json.loads(clip.with_suffix(".json").read_text())
        frames, cached = observe_clip(clip, Path(args.cache), args.refresh)
        if len(frames) != truth["frames"]:
            print(json.dumps({"error": f"{clip}: decoded {len(frames)} of {truth['frames']} frames"}))
            return 1
        reads, ms = track(frames, float(truth["fps"]), max(1, args.every), None if args.blank_frames else clip)
        counts = score(truth, frames, reads, float(truth["fps"]), args.show_failures)
        observe_ms = statistics.median(f.ms for f in frames)
        fps_values.append(1000.0 / observe_ms)
        track_ms.append(ms)
        print(json.dumps({"clip": str(clip), "cached": cached, **counts, "observe_ms_median": round(observe_ms, 1)}))
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    n = max(1, totals["passes"])
    extra = totals["lettering"] + totals["empty"] + totals["duplicate"]
    print(json.dumps({
        "passes": int(totals["passes"]),
        "exact_share": round(totals["exact"] / n, 4),
        "exact_folded_share": round(totals["folded"] / n, 4),
        "missed_share": round(totals["missed"] / n, 4),
        "extra_reads": int(extra),
        "extra_share": round(extra / n, 4),
        "extra_by_kind": {k: int(totals[k]) for k in ("duplicate", "lettering", "empty")},
        "voted_exact": round(totals["voted"] / n, 4),
        "best_single_exact": round(totals["best_single"] / n, 4),
        "single_frame_exact": round(totals["single_right"] / max(1, totals["single_frames"]), 4),
        "observe_fps": round(statistics.median(fps_values), 2),
        "track_ms_per_frame": round(statistics.median(track_ms), 3),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
