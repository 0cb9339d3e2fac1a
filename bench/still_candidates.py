"""Every candidate ``read`` sees on labelled scenes, recorded once and re-ranked offline.

    python bench/still_candidates.py record DIR OUT.jsonl [--limit N]   # runs the shipped models
    python bench/still_candidates.py report OUT.jsonl [more.jsonl]       # no models: seconds

``record`` runs ``read``'s pipeline (``load_models(screen=True)``, :meth:`Pipeline.observe`) on each
labelled image of DIR and writes one JSON line per image: the label (text, box), the frame size, the
process CPU seconds and every candidate (box, detector score, text, confidence, alternatives, plate
panel contrast, IoU with the label). ``report`` scores the shipped ranking
(:func:`recognition.ranking.rank_readings`) and plain confidence on such a file, the ceiling (the
label's text read on some candidate), detection recall and the classes of the misses, so ranking and
selection rules can be compared on identical readings (notes/reader.md, session 21). The last line of
``report`` is one JSON object per file set: ``exact_pct``, ``by_confidence_pct``, ``ceiling_pct``,
``det_recall_pct``, ``cpu_ms_mean``, ``misses`` (class counts).

Evaluation only: DIR comes from ../shared/datasets or ``bench/make_us_scenes.py``; output stays in /tmp.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recognition.evaluate.scenes import readable_scenes  # noqa: E402
from recognition.evaluate.scoring import edit_distance, fold_lookalikes, normalise_plate  # noqa: E402
from recognition.ranking import rank_readings  # noqa: E402
from recognition.types import BBox, PlateText  # noqa: E402

IOU_FOUND = 0.3


def record(folder: Path, out: Path, limit: int | None) -> int:
    """Write one line per labelled image of ``folder``; returns the number of images."""
    from recognition.commands.models import load_models
    from recognition.pipeline import Pipeline
    from recognition.track.images import panel_contrast

    detector, reader = load_models(False, screen=True)
    pipeline = Pipeline(detector, reader)
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for path, image, labels in readable_scenes(folder, limit):
            t0 = time.process_time()
            observations = pipeline.observe(image).observations
            cpu = time.process_time() - t0
            candidates = []
            for o in observations:
                r, b = o.reading, o.detection.box
                candidates.append({
                    "box": b.as_list(), "det": o.detection.score,
                    "text": r.text if r else None, "conf": r.confidence if r else None,
                    "alts": [[a.text, a.confidence] for a in (r.alternatives if r else ())][:5],
                    "panel": panel_contrast(image, b),
                    "iou": max(b.iou(lab.box) for lab in labels),
                })
            first = labels[0]
            fh.write(json.dumps({
                "image": path.name, "shape": list(image.shape[:2]), "truth": first.text,
                "tbox": [first.box.x, first.box.y, first.box.w, first.box.h], "cpu": cpu, "cands": candidates,
            }) + "\n")
            count += 1
    return count


def _readings(row: dict) -> tuple[list[PlateText | None], list[BBox]]:
    readings = [PlateText(c["text"], c["conf"] or 0.0) if c["text"] else None for c in row["cands"]]
    return readings, [BBox(*c["box"]) for c in row["cands"]]


def miss_class(row: dict) -> str:
    """Why the label's text was not read on the label's own candidate (the best-overlapping one)."""
    truth = row["truth"]
    found = [c for c in row["cands"] if c["iou"] >= IOU_FOUND]
    if not found:
        return "no detection"
    cand = max(found, key=lambda c: c["iou"])
    text = normalise_plate(cand["text"])
    if text == truth:
        return "ranked below another candidate"
    in_alts = truth in {normalise_plate(a[0]) for a in cand["alts"]}
    if not text:
        kind = "no text"
    elif fold_lookalikes(text) == fold_lookalikes(truth):
        kind = "O/0-I/1 lookalike"
    elif len(text) < len(truth) and edit_distance(text, truth) == len(truth) - len(text):
        kind = "dropped characters"
    elif len(text) > len(truth) and edit_distance(text, truth) == len(text) - len(truth):
        kind = "added characters"
    elif edit_distance(text, truth) == 1:
        kind = "one substitution"
    else:
        kind = "other"
    return kind + (" (right text among the alternatives)" if in_alts else "")


def report(rows: list[dict]) -> dict[str, object]:
    """Exact share by the shipped ranking and by confidence, the ceiling, recall and the miss classes."""
    exact = by_conf = ceiling = found = 0
    misses: collections.Counter[str] = collections.Counter()
    for row in rows:
        readings, boxes = _readings(row)
        texts = [normalise_plate(r.text) if r is not None else "" for r in readings]
        ranked = rank_readings(readings, boxes)
        first = texts[ranked[0][0]] if ranked else ""
        confident = max(
            (i for i, t in enumerate(texts) if t), key=lambda i: (readings[i].confidence, -i), default=None  # type: ignore[union-attr]
        )
        exact += first == row["truth"]
        by_conf += confident is not None and texts[confident] == row["truth"]
        ceiling += row["truth"] in texts
        found += any(c["iou"] >= IOU_FOUND for c in row["cands"])
        if first != row["truth"]:
            misses[miss_class(row)] += 1
    n = max(1, len(rows))
    return {
        "images": len(rows),
        "exact_pct": round(100 * exact / n, 2),
        "by_confidence_pct": round(100 * by_conf / n, 2),
        "ceiling_pct": round(100 * ceiling / n, 2),
        "det_recall_pct": round(100 * found / n, 2),
        "cpu_ms_mean": round(1000 * sum(r["cpu"] for r in rows) / n, 1),
        "misses": dict(misses.most_common()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="run the shipped models on a labelled scene folder")
    rec.add_argument("folder", type=Path)
    rec.add_argument("out", type=Path)
    rec.add_argument("--limit", type=int)
    rep = sub.add_parser("report", help="score recorded candidates (no models)")
    rep.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "record":
        print(json.dumps({"images": record(args.folder, args.out, args.limit), "out": str(args.out)}))
        return 0
    summaries = {}
    for path in args.files:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        summaries[path.name] = report(rows)
        print(json.dumps({"file": str(path), **summaries[path.name]}))
    print(json.dumps(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
