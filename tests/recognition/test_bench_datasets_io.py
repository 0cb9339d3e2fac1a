"""bench/datasets_io.py: the one dataset loader the scene builder and the pass-clip builder share.

Generated tiny datasets only (the real photos are never needed here).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench import datasets_io
from tests.recognition.test_detect_us_scenes import _datasets

BENCH = Path(__file__).resolve().parents[2] / "bench"
# Recorded from the builders before their loaders moved into bench/datasets_io.py (same tiny dataset,
# same seeds): the move must not change what a seed makes.
US_SCENES_SEED3 = "526bf1fc2e24d163a8dfd61b0de581dabf1d4641b7b17276b20b0f093c88d3b2"
PASS_CLIPS_SEED2 = "72c24b7a6f2b253c61679907249a77f78da16e3c2cf622c91405fb331a551c35"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builders():
    yield _module("make_us_scenes"), _module("make_pass_clips")
    sys.modules.pop("bench_make_us_scenes", None)
    sys.modules.pop("bench_make_pass_clips", None)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _untidy(root: Path) -> Path:
    """Labels as they come: spaces or tabs, float boxes, two lines, a slip of a box, an image missing."""
    (root / "eu").mkdir(parents=True)
    image = np.full((120, 200, 3), 90, np.uint8)
    for name, label in (("a", "a.jpg 10 20 60 15 AB123"), ("b", "b.jpg\t12.0\t22.6\t58.9\t14\tCD456\nsecond line"),
                        ("c", "c.jpg\t1\t2\t3\t2\tSLIP"), ("d", "d.jpg 5 6")):
        cv2.imwrite(str(root / "eu" / f"{name}.jpg"), image)
        (root / "eu" / f"{name}.txt").write_text(label + "\n")
    (root / "eu" / "gone.txt").write_text("gone.jpg 1 2 60 15 X\n")  # its image is missing
    us = root / "us_plates"
    us.mkdir()
    cv2.imwrite(str(us / "wide.png"), np.zeros((60, 240, 3), np.uint8))
    cv2.imwrite(str(us / "narrow.png"), np.zeros((20, 40, 3), np.uint8))
    (us / "labels.csv").write_text("file,state,plate\nwide.png,tx,ab-c 123\nnarrow.png,ca,7xyz1\n"
                                   "blank.png,ny,---\nmissing.png,fl,QQQ111\n")
    return root


def test_both_builders_read_the_same_scenes_and_crops(builders, tmp_path):
    us_scenes, pass_clips = builders
    root = _untidy(tmp_path)
    want = [(root / "eu" / "a.jpg", (10, 20, 60, 15)), (root / "eu" / "b.jpg", (12, 22, 58, 14))]
    # Tabs or spaces, floats, a second line: read; a slip of a box, a short label, no image: skipped
    assert [(s.image, s.box) for s in us_scenes.load_scenes(root)] == want
    assert [(s.image, s.box) for s in pass_clips.load_scenes([str(root / "eu")])] == want
    # Crops: the plate as NCIC writes it; no plate or no file: skipped; the scene builder also skips narrow ones
    crops = [(c.image.name, c.state, c.text) for c in pass_clips.load_plates(str(root / "us_plates"))]
    assert crops == [("wide.png", "TX", "ABC123"), ("narrow.png", "CA", "7XYZ1")]
    assert [(c.image.name, c.text) for c in us_scenes.load_crops(root)] == [("wide.png", "ABC123")]


def test_missing_folders_give_no_scenes(tmp_path):
    assert datasets_io.load_scenes([tmp_path / "eu", tmp_path / "br"]) == []


def test_scene_builder_makes_the_same_set_as_before_the_move(builders, tmp_path):
    us_scenes, _ = builders
    root = _datasets(tmp_path / "data")
    us_scenes.build(root, tmp_path / "out", seed=3, count=10)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert _digest(manifest["images"]) == US_SCENES_SEED3


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="the clip builder encodes with ffmpeg")
def test_pass_clip_builder_makes_the_same_passes_as_before_the_move(builders, tmp_path):
    _, pass_clips = builders
    root = _datasets(tmp_path / "data")
    args = argparse.Namespace(plates=str(root / "us_plates"), scenes=[str(root / "eu"), str(root / "br")],
                              out=str(tmp_path / "clip.mp4"), passes=4, seed=2, fps=10.0, frames_per_pass=10,
                              gap=(3, 6), final_width=(73.0, 150.0), passes_per_background=10, crf=26)
    truth = pass_clips.build(args)
    assert [p["text"] for p in truth["passes"]] == ["ABC223", "TINY1", "ABC323", "ABC023"]
    assert _digest(truth) == PASS_CLIPS_SEED2
