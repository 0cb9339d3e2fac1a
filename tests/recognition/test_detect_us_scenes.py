"""bench/make_us_scenes.py on a tiny generated dataset (the real photos are never needed here)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from recognition.evaluate.scenes import labelled_images

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "make_us_scenes.py"


@pytest.fixture(scope="module")
def maker():
    spec = importlib.util.spec_from_file_location("make_us_scenes", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_us_scenes"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("make_us_scenes", None)


def _datasets(root: Path) -> Path:
    rng = np.random.default_rng(0)
    for sub, size, box in (("eu", (600, 450), (250, 300, 110, 25)), ("br", (640, 480), (280, 330, 120, 39))):
        (root / sub).mkdir(parents=True)
        for i in range(3):
            image = rng.integers(60, 120, size=(size[1], size[0], 3), dtype=np.uint8)
            x, y, w, h = box
            image[y : y + h, x : x + w] = 230  # the scene's own (white) plate
            cv2.imwrite(str(root / sub / f"{sub}{i}.jpg"), image)
            (root / sub / f"{sub}{i}.txt").write_text(f"{sub}{i}.jpg\t{x}\t{y}\t{w}\t{h}\tOLD{i}\n")
    us = root / "us_plates"
    us.mkdir()
    rows = ["file,state,plate"]
    for i in range(4):
        crop = np.zeros((150, 300, 3), np.uint8)
        crop[:] = (0, 0, 255)  # pure red: easy to find where it landed
        cv2.imwrite(str(us / f"p{i}.png"), crop)
        rows.append(f"p{i}.png,tx,ab-c{i}23")
    cv2.imwrite(str(us / "tiny.png"), np.zeros((20, 40, 3), np.uint8))  # too small: skipped
    rows.append("tiny.png,ca,TINY1")
    (us / "labels.csv").write_text("\n".join(rows) + "\n")
    return root


def test_builds_labelled_frames_the_scene_scorer_reads(maker, tmp_path):
    # Given a tiny dataset with scenes and US crops
    root = _datasets(tmp_path / "data")
    out = tmp_path / "out"
    # When four scenes are made
    made = maker.build(root, out, seed=3, count=10)
    # Then every crop but the tiny one is used once, in a 720p or 1080p frame, with its label
    assert sorted(m.plate for m in made) == ["ABC023", "ABC123", "ABC223", "ABC323"]
    pairs = labelled_images(out)
    assert len(pairs) == 4
    for path, labels in pairs:
        image = cv2.imread(str(path))
        assert (image.shape[1], image.shape[0]) in maker.FRAME_SIZES
        (label,) = labels
        box = label.box
        assert box.x >= 0 and box.y >= 0 and box.x + box.w <= image.shape[1] and box.y + box.h <= image.shape[0]
        assert maker.PLATE_RANGE_PX[0] * 0.9 <= box.w <= maker.PLATE_RANGE_PX[1] * 1.2
        # The pasted red plate is where the label says (its centre is red, not the grey scene)
        centre = image[box.y + box.h // 3 : box.y + 2 * box.h // 3, box.x + box.w // 3 : box.x + 2 * box.w // 3]
        b, g, r = centre.reshape(-1, 3).mean(0)
        assert r > 120 and r > b + 60 and r > g + 60
        assert path.with_suffix(".txt").read_text().rstrip("\n").split("\t")[6] == "TX"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["count"] == 4 and manifest["seed"] == 3


def test_same_seed_same_set_other_seed_other_set(maker, tmp_path):
    root = _datasets(tmp_path / "data")
    first = maker.build(root, tmp_path / "a", seed=5, count=2)
    again = maker.build(root, tmp_path / "b", seed=5, count=2)
    other = maker.build(root, tmp_path / "c", seed=6, count=2)
    assert [m.box for m in first] == [m.box for m in again]
    assert (tmp_path / "a" / "us_0000.jpg").read_bytes() == (tmp_path / "b" / "us_0000.jpg").read_bytes()
    assert [(m.box, m.plate) for m in first] != [(m.box, m.plate) for m in other]


def test_plate_widths_follow_the_camera_range(maker):
    rng = np.random.default_rng(1)
    widths = [maker.plate_width(rng) for _ in range(2000)]
    assert min(widths) >= 40 and max(widths) <= 150
    assert 80 <= float(np.median(widths)) <= 96


def test_missing_dataset_is_a_clear_exit(maker, tmp_path):
    (tmp_path / "us_plates").mkdir()
    (tmp_path / "us_plates" / "labels.csv").write_text("file,state,plate\n")
    with pytest.raises(SystemExit, match="need eu/ or br/"):
        maker.build(tmp_path, tmp_path / "out", seed=1, count=1)
