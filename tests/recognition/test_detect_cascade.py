"""Zoomed second pass: window geometry, packing, mapping back to frame pixels, and the real model."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from recognition.detect import BuiltinDetectorConfig, ModelLoadError, create_detector
from recognition.detect.builtin import builtin_model_path
from recognition.detect.cascade import (
    GAP,
    Window,
    build_mosaic,
    contained_share,
    pack,
    select_windows,
    tile_to_frame,
    window_for,
)
from recognition.types import BBox


def test_window_zooms_a_small_text_line_and_stays_inside_the_frame():
    # A 20x8 px text kernel near the right edge of a 1280x720 frame
    win = window_for((1265, 300, 20, 8), 1280, 720, plate_px=80, min_scale=0.75, max_scale=3.0)
    # The guessed plate (40 px, the minimum) is zoomed to 80 px: scale 2, window 2.4 x 1.4 plates
    assert win.scale == pytest.approx(2.0)
    assert (win.w, win.h) == (96, 56)
    # shifted inside the frame, still holding the kernel
    assert win.x + win.w == 1280 and win.x <= 1265
    assert win.y <= 300 and win.y + win.h >= 308


def test_window_zoom_is_bounded():
    big = window_for((0, 0, 300, 40), 1920, 1080, plate_px=80, min_scale=0.75, max_scale=3.0)
    tiny = window_for((10, 10, 1, 1), 1920, 1080, plate_px=200, min_scale=0.75, max_scale=3.0)
    assert big.scale == 0.75 and tiny.scale == 3.0
    # a window never exceeds a small frame
    small = window_for((5, 5, 10, 4), 50, 30, plate_px=80, min_scale=0.75, max_scale=3.0)
    assert (small.x, small.y, small.w, small.h) == (0, 0, 50, 30)


def test_select_windows_skips_found_plates_repeats_and_respects_the_limit():
    kernels = np.array([
        [100, 100, 20, 8],  # inside an already found plate: skipped
        [500, 300, 20, 8],  # best free spot
        [505, 302, 10, 6],  # same spot again: already inside the first window
        [900, 600, 20, 8],
        [1200, 100, 20, 8],
    ], dtype=float)
    scores = np.array([0.99, 0.9, 0.8, 0.7, 0.6])
    found = np.array([[80, 90, 160, 130]], dtype=float)
    windows = select_windows(kernels, scores, found, 1280, 720, plate_px=80, limit=2)
    assert len(windows) == 2
    centres = [(w.x + w.w / 2, w.y + w.h / 2) for w in windows]
    assert centres[0] == pytest.approx((510, 304), abs=1)
    assert centres[1] == pytest.approx((910, 604), abs=1)


def test_pack_places_tiles_without_overlap_inside_a_stride_aligned_mosaic():
    windows = [Window(0, 0, 100 + 10 * i, 50 + 7 * i, 1.5) for i in range(7)]
    placed, width, height = pack(windows, 640)
    assert width % 32 == 0 and height % 32 == 0 and width >= 640
    for i, a in enumerate(placed):
        assert (a.x, a.y, a.w, a.h, a.scale) == (windows[i].x, windows[i].y, windows[i].w, windows[i].h, 1.5)
        assert a.tx >= GAP and a.ty >= GAP
        assert a.tx + a.tile_w + GAP <= width and a.ty + a.tile_h + GAP <= height
        for b in placed[i + 1 :]:
            apart_x = a.tx + a.tile_w + GAP <= b.tx or b.tx + b.tile_w + GAP <= a.tx
            apart_y = a.ty + a.tile_h + GAP <= b.ty or b.ty + b.tile_h + GAP <= a.ty
            assert apart_x or apart_y, (a, b)


def test_pack_widens_for_a_tile_wider_than_the_mosaic():
    placed, width, _ = pack([Window(0, 0, 500, 40, 2.0)], 640)
    assert width >= 1000 + 2 * GAP and placed[0].tx == GAP


@pytest.mark.parametrize("frame_shape", [(720, 1280, 3), (1080, 1920, 3), (2160, 3840, 3), (333, 517, 3)])
def test_a_box_drawn_in_the_frame_comes_back_in_frame_pixels(frame_shape):
    # Given a frame with one bright rectangle and windows at different zooms around it
    h, w = frame_shape[:2]
    target = (w // 2 - 23, h // 2 - 9, w // 2 + 23, h // 2 + 9)  # x1, y1, x2, y2
    frame = np.zeros(frame_shape, np.uint8)
    frame[target[1] : target[3], target[0] : target[2]] = 255
    windows = [
        window_for((target[0], target[1], 46, 18), w, h, plate_px=px, min_scale=0.75, max_scale=3.0)
        for px in (50, 90, 150)
    ]
    placed, mw, mh = pack(windows, 640)
    mosaic = build_mosaic(frame, placed, mw, mh)
    for win in placed:
        # When the rectangle is found in that window's tile of the mosaic
        tile = mosaic[win.ty : win.ty + win.tile_h, win.tx : win.tx + win.tile_w, 0]
        ys, xs = np.nonzero(tile > 127)
        found = np.array([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], float) + [win.tx, win.ty] * 2
        # Then mapped back it is the rectangle in frame pixels (within a zoomed pixel)
        back = tile_to_frame(found, win)[0]
        assert back == pytest.approx(target, abs=1.0 / win.scale + 1)


def test_mapped_boxes_are_clipped_to_their_window():
    win = Window(100, 50, 80, 40, 2.0, tx=32, ty=32)
    out = tile_to_frame(np.array([[0, 0, 1000, 1000]], float), win)[0]
    assert out.tolist() == [100, 50, 180, 90]


def test_contained_share():
    inner = np.array([[10, 10, 20, 20], [0, 0, 10, 10]], float)
    outer = np.array([[15, 0, 40, 40]], float)
    assert contained_share(inner, outer).tolist() == [0.5, 0.0]
    assert contained_share(inner, np.zeros((0, 4))).tolist() == [0.0, 0.0]


# --- the real model -------------------------------------------------------------------------


def _small_plate_frame(plate: BBox, size: tuple[int, int]) -> np.ndarray:
    """A textured street-like frame with a small white plate carrying black characters."""
    rng = np.random.default_rng(3)
    img = cv2.GaussianBlur(rng.integers(40, 200, (*size, 3), dtype=np.uint8), (0, 0), 4)
    for _ in range(40):  # clutter: bars and blocks
        x, y = int(rng.integers(0, size[1] - 200)), int(rng.integers(0, size[0] - 100))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(20, 200)), y + int(rng.integers(5, 100))),
                      tuple(int(c) for c in rng.integers(0, 255, 3)), -1)
    x, y, w, h = plate.x, plate.y, plate.w, plate.h
    cv2.rectangle(img, (x - 20, y - 15), (x + w + 20, y + h + 30), (70, 60, 50), -1)  # bumper
    cv2.rectangle(img, (x, y), (x + w, y + h), (235, 235, 235), -1)
    scale = h / 48
    cv2.putText(img, "7ABC123", (x + 3, y + int(h * 0.78)), cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20),
                max(1, round(2 * scale)), cv2.LINE_AA)
    return img


@pytest.fixture(scope="module")
def detectors():
    try:
        builtin_model_path()
    except ModelLoadError as exc:
        pytest.skip(str(exc))
    base = {"precision": "f32", "threads": 1, "input_size": 640}
    return (create_detector(BuiltinDetectorConfig(**base, zoom_windows=0)),
            create_detector(BuiltinDetectorConfig(**base)))


def test_zoom_pass_finds_a_small_plate_in_a_1080p_frame_that_the_coarse_pass_misses(detectors):
    coarse, cascade = detectors
    truth = BBox(1060, 830, 100, 34)
    frame = _small_plate_frame(truth, (1080, 1920))
    assert not any(d.box.iou(truth) >= 0.3 for d in coarse.detect(frame))
    found = [d for d in cascade.detect(frame) if d.box.iou(truth) >= 0.3]
    assert found, "zoomed pass missed the plate"
    # boxes are in frame pixels, inside the frame
    for d in cascade.detect(frame):
        assert 0 <= d.box.x and d.box.x + d.box.w <= 1920 and 0 <= d.box.y and d.box.y + d.box.h <= 1080


@pytest.mark.parametrize("convert", ["grey", "bgra", "float"])
def test_zoom_pass_accepts_grey_bgra_and_float_frames(detectors, convert):
    _, cascade = detectors
    truth = BBox(1060, 830, 100, 34)
    frame = _small_plate_frame(truth, (1080, 1920))
    if convert == "grey":
        frame = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    elif convert == "bgra":
        frame = cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA)
    else:
        frame = frame.astype(np.float32)
    assert any(d.box.iou(truth) >= 0.3 for d in cascade.detect(frame))


@pytest.mark.parametrize("shape", [(9, 4000, 3), (3000, 12, 3), (2160, 3840, 3), (37, 61, 3)])
def test_zoom_pass_survives_odd_frame_sizes(detectors, shape):
    _, cascade = detectors
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 255, shape, dtype=np.uint8)
    for d in cascade.detect(frame):
        assert d.box.x >= 0 and d.box.y >= 0 and d.box.x + d.box.w <= shape[1] and d.box.y + d.box.h <= shape[0]


def test_zoom_pass_with_a_region_of_interest_reports_frame_pixels():
    try:
        builtin_model_path()
    except ModelLoadError as exc:
        pytest.skip(str(exc))
    truth = BBox(1060, 830, 100, 34)
    frame = _small_plate_frame(truth, (1080, 1920))
    roi = create_detector(BuiltinDetectorConfig(precision="f32", threads=1, input_size=640, roi=(0.5, 0.5, 0.5, 0.5)))
    dets = roi.detect(frame)
    assert any(d.box.iou(truth) >= 0.3 for d in dets)
    assert all(d.box.x >= 960 and d.box.y >= 540 for d in dets)
