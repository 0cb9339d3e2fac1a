"""Command contracts: read (files and --stdin), eval errors, bench summary line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from recognition.synth.plate_render import render_plate

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "recognition", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=env)


def plate_scene(path: Path, text: str = "7KQB228", state: str = "CA") -> Path:
    image = np.full((480, 640, 3), 90, np.uint8)
    image[200:280, 240:400] = render_plate(text, state, 80)
    cv2.imwrite(str(path), image)
    return path


def test_read_prints_one_json_line_per_image_and_errors_for_bad_ones(tmp_path):
    good = plate_scene(tmp_path / "good.png")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8 truncated")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    result = run_cli("read", "--fake", str(good), str(bad), str(empty), str(tmp_path / "missing.png"))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["image"] for line in lines] == [str(good), str(bad), str(empty), str(tmp_path / "missing.png")]
    assert lines[0]["plates"][0] == {"text": "TEST123", "confidence": 0.9, "likeness": 0.9, "box": [213, 160, 213, 80], "state": "CA"}
    assert isinstance(lines[0]["ms"], float)
    assert all("error" in line and "plates" not in line for line in lines[1:])


def test_read_stdin_answers_each_path_as_it_arrives(tmp_path):
    paths = [plate_scene(tmp_path / f"{i}.png") for i in range(3)]
    proc = subprocess.Popen([sys.executable, "-m", "recognition", "read", "--fake", "--stdin"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        for p in paths:
            proc.stdin.write(f"{p}\n")
            proc.stdin.flush()
            answer = json.loads(proc.stdout.readline())  # answered before the next path is sent
            assert answer["image"] == str(p) and answer["plates"]
        proc.stdin.write("\n/does/not/exist.png\n")
        proc.stdin.flush()
        assert "error" in json.loads(proc.stdout.readline())
    finally:
        proc.stdin.close()
        assert proc.wait(30) == 0
        proc.stdout.close()


def test_eval_reports_a_missing_folder_as_json(tmp_path):
    result = run_cli("eval", "--crops", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "error" in json.loads(result.stdout.splitlines()[-1])


def test_eval_requires_exactly_one_kind_of_folder(tmp_path):
    result = run_cli("eval", "--crops", str(tmp_path), "--scenes", str(tmp_path))
    assert result.returncode == 2


def test_bench_last_line_has_the_contract_keys():
    result = run_cli("bench", "--fake", "--seconds", "2", "--streams", "2")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.splitlines()[-1])
    for key in ("fps_1080p", "frame_to_read_p95_ms", "image_ms_mean", "rss_mb_4_streams"):
        assert isinstance(summary[key], (int, float)), key
    assert summary["frames"] == 2 * 2 * 25 and summary["fps_1080p"] > 0


def _models_available() -> bool:
    try:
        from recognition.detect import create_detector  # noqa: F401
        from recognition.read import create_reader  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _models_available(), reason="detector/reader packages not installed yet")
def test_read_with_the_shipped_models_finds_a_rendered_plate(tmp_path):
    good = plate_scene(tmp_path / "ca.png", "7KQB228", "CA")
    other = plate_scene(tmp_path / "tx.png", "LKR4821", "TX")
    result = run_cli("read", str(good), str(other))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert "7KQB228" in [p["text"] for p in lines[0]["plates"]]
    assert "LKR4821" in [p["text"] for p in lines[1]["plates"]]
    confidences = [p["confidence"] for p in lines[0]["plates"]]
    assert confidences == sorted(confidences, reverse=True)


def test_eval_true_box_needs_scenes(tmp_path):
    result = run_cli("eval", "--crops", str(tmp_path), "--true-box")
    assert result.returncode == 2
    assert "--true-box" in json.loads(result.stdout.splitlines()[-1])["error"]
