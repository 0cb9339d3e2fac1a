"""``python -m recognition eval --scenes DIR [--true-box] | --crops DIR [--limit N]``: accuracy on labelled folders.

The JSON summary is always the LAST line (keys ``n``, ``exact_pct``, ``edit1_pct``, ``folded_pct``,
``det_recall_pct``, ``state_pct``, ``ms_mean``, ``ms_p95``; a key that does not apply is null).
"""

from __future__ import annotations

import json
from pathlib import Path

SUMMARY_KEYS = ("n", "exact_pct", "edit1_pct", "folded_pct", "det_recall_pct", "state_pct", "ms_mean", "ms_p95")


def main(scenes: str | None, crops: str | None, limit: int | None, true_box: bool = False) -> int:
    """Entry point of the ``eval`` subcommand."""
    from recognition.commands.models import ModelUnavailable, load_models

    folder = Path(scenes or crops or "")
    if not folder.is_dir():
        print(json.dumps({"error": f"no such folder: {folder}"}), flush=True)
        return 2
    try:
        detector, reader = load_models(screen=bool(scenes) and not true_box)
    except ModelUnavailable as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 2
    if scenes and true_box:
        from recognition.evaluate.truebox import evaluate_true_boxes

        result = evaluate_true_boxes(reader, folder, limit=limit)
    elif scenes:
        from recognition.evaluate.scenes import evaluate_scenes

        result = evaluate_scenes(detector, reader, folder, limit=limit)
    else:
        from recognition.evaluate.crops import evaluate_crops  # type: ignore[import-not-found]

        result = evaluate_crops(reader, folder, limit=limit)
    summary = {key: result.get(key) for key in SUMMARY_KEYS}
    extra = {k: v for k, v in result.items() if k not in summary}
    if extra:
        print(json.dumps({"details": extra}, default=str), flush=True)
    print(json.dumps(summary), flush=True)
    return 0
