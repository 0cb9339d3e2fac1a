"""``python -m recognition passes``: one line per vehicle pass on a generated clip, errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from recognition.synth.plate_render import render_plate
from tests.recognition.test_cli import _models_available, run_cli

WIDTH, HEIGHT = 960, 540
#: (plate, state, lettering on the vehicle)
VEHICLES = (("7KQB228", "CA", ("TOYOTA", "1-800-555-0199")), ("LKR4821", "TX", ("WWW.QUICKFIX.NET",)))
FRAMES_PER_PASS, GAP = 8, 4


def vehicle_frame(text: str, state: str, lettering: tuple[str, ...], t: float) -> tuple[np.ndarray, list[int]]:
    """One frame of a vehicle approaching (t from 0 to 1): its plate grows from 70 to 130 px wide."""
    image = np.full((HEIGHT, WIDTH, 3), (95, 100, 98), np.uint8)
    plate_h = int(35 + 30 * t)
    plate = render_plate(text, state, plate_h)
    cx, cy = int(WIDTH * (0.45 + 0.1 * t)), int(HEIGHT * (0.35 + 0.35 * t))
    body_w, body_h = plate.shape[1] * 4, plate_h * 5
    cv2.rectangle(image, (cx - body_w // 2, cy - body_h * 3 // 4), (cx + body_w // 2, cy + body_h // 4),
                  (60, 40, 140), -1)
    x, y = cx - plate.shape[1] // 2, cy - plate_h // 2
    image[y : y + plate_h, x : x + plate.shape[1]] = plate
    scale = cv2.getFontScaleFromHeight(cv2.FONT_HERSHEY_DUPLEX, max(8, plate_h // 3), 2)
    for k, words in enumerate(lettering):
        (tw, _), _ = cv2.getTextSize(words, cv2.FONT_HERSHEY_DUPLEX, scale, 2)
        cv2.putText(image, words, (cx - tw // 2, y - plate_h * (1 + k)), cv2.FONT_HERSHEY_DUPLEX, scale,
                    (235, 235, 235), 2, cv2.LINE_AA)
    return image, [x, y, plate.shape[1], plate_h]


def write_clip(path: Path) -> list[tuple[str, int, int]]:
    """Two passes separated by empty road; returns (plate, first frame, last frame) per pass."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10, (WIDTH, HEIGHT))
    empty = np.full((HEIGHT, WIDTH, 3), (95, 100, 98), np.uint8)
    passes, number = [], 0
    for text, state, lettering in VEHICLES:
        for _ in range(GAP):
            writer.write(empty)
            number += 1
        first = number
        for k in range(FRAMES_PER_PASS):
            writer.write(vehicle_frame(text, state, lettering, k / (FRAMES_PER_PASS - 1))[0])
            number += 1
        passes.append((text, first, number - 1))
    for _ in range(GAP):
        writer.write(empty)
    writer.release()
    return passes


def lines_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_missing_source_is_a_clear_error(tmp_path):
    result = run_cli("passes", str(tmp_path / "nope.mp4"), "--fake")
    assert result.returncode == 2
    assert "no such file" in lines_of(result.stdout)[-1]["error"]


def test_corrupt_video_ends_with_an_error_line_not_a_summary(tmp_path):
    clip = tmp_path / "clip.mp4"
    write_clip(clip)
    data = bytearray(clip.read_bytes())
    start = len(data) // 3
    data[start : start + 4000] = bytes(4000)
    clip.write_bytes(data)
    result = run_cli("passes", str(clip), "--fake")
    assert result.returncode == 1, result.stdout
    last = lines_of(result.stdout)[-1]
    assert "truncated or corrupt" in last["error"]
    assert "passes" not in last


def test_truncated_video_is_an_error(tmp_path):
    clip = tmp_path / "clip.mp4"
    write_clip(clip)
    clip.write_bytes(clip.read_bytes()[:20000])
    result = run_cli("passes", str(clip), "--fake")
    assert result.returncode == 1
    assert "cannot open video file" in lines_of(result.stdout)[-1]["error"]


def test_image_folder_numbers_frames_in_name_order(tmp_path):
    for i in range(5):
        cv2.imwrite(str(tmp_path / f"f{i:03d}.png"), np.full((120, 160, 3), 80, np.uint8))
    (tmp_path / "f002.png").write_bytes(b"not an image")  # keeps its place in the numbering
    result = run_cli("passes", str(tmp_path), "--fake")
    assert result.returncode == 0, result.stdout + result.stderr
    out = lines_of(result.stdout)
    assert out[-1]["frames"] == 4 and out[-1]["passes"] == 1
    assert (out[0]["text"], out[0]["first_frame"], out[0]["last_frame"]) == ("TEST123", 0, 4)


@pytest.mark.skipif(not _models_available(), reason="detector/reader packages not installed yet")
def test_generated_clip_gives_one_right_read_per_pass_and_none_for_lettering(tmp_path):
    clip = tmp_path / "clip.mp4"
    truth = write_clip(clip)
    result = run_cli("passes", str(clip), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = lines_of(result.stdout)
    summary, passes = out[-1], out[:-1]
    assert summary["passes"] == len(passes) and summary["frames"] == GAP * 3 + FRAMES_PER_PASS * 2
    assert [p["text"] for p in passes] == [text for text, _, _ in truth], passes
    for read, (_, first, last) in zip(passes, truth, strict=True):
        assert first <= read["first_frame"] <= read["best_frame"] <= read["last_frame"] <= last
        x, y, w, h = read["box"]
        assert w > 1.3 * h > 0  # plate-shaped (the plate is 2:1; the detector box may be a little taller)
        assert set(read) >= {"confidence", "state", "alternatives"}
