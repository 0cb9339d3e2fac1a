"""bench/still_candidates.py report: scores recorded candidates without the models."""

from __future__ import annotations

import json

from bench import still_candidates


def _cand(text, conf, box, iou, alts=()):
    return {"box": list(box), "det": 0.9, "text": text, "conf": conf, "alts": [list(a) for a in alts], "panel": None, "iou": iou}


def _row(truth, cands):
    return {"image": "x.jpg", "shape": [720, 1280], "truth": truth, "tbox": [0, 0, 1, 1], "cpu": 0.2, "cands": cands}


ROWS = [
    # a confident badge (wide box) beside the plate: confidence picks the badge, the ranking the plate
    _row("7ABC123", [_cand("CARBRAXX", 0.85, (300, 300, 300, 40), 0.0), _cand("7ABC123", 0.8, (800, 600, 120, 60), 0.8)]),
    # the plate read one letter wrong, the right text among the alternatives
    _row("QTA827", [_cand("OTA827", 0.95, (800, 600, 120, 60), 0.7, alts=[("QTA827", 0.4)])]),
    # nothing on the plate
    _row("XYZ999", [_cand("STOP", 0.9, (10, 10, 80, 40), 0.0)]),
    # a dropped first character
    _row("KTU979", [_cand("U979", 0.8, (800, 600, 110, 55), 0.6)]),
]


def test_report_scores_the_ranking_against_confidence_and_classifies_misses():
    out = still_candidates.report(ROWS)
    assert out["images"] == 4
    assert out["exact_pct"] == 25.0 and out["by_confidence_pct"] == 0.0 and out["ceiling_pct"] == 25.0
    assert out["det_recall_pct"] == 75.0 and out["cpu_ms_mean"] == 200.0
    assert out["misses"] == {
        "one substitution (right text among the alternatives)": 1,
        "no detection": 1,
        "dropped characters": 1,
    }


def test_report_command_prints_one_json_object_last(tmp_path, capsys):
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    assert still_candidates.main(["report", str(path)]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["dev.jsonl"]["exact_pct"] == 25.0
