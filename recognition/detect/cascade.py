"""Second detection pass on zoomed windows: small plates in large frames at a bounded cost.

The text detector needs a plate's characters to be roughly 12+ pixels tall in its input, and it
judges text against the whole input (its squeeze-excitation layers pool the image globally), so a
60 px plate in a busy 1080p frame is often missed even at full resolution, while the same plate
zoomed into a small window on a neutral background is found almost always (notes/detector.md).

The coarse pass marks text-like regions with a low threshold. Each region that is not already a
plate becomes a window around it, zoomed so a plate there would be about ``plate_px`` wide.
The windows are packed, with grey gaps, into one mosaic image for a single second inference;
boxes found in each tile are mapped back to frame pixels. Everything here is geometry on numpy
arrays; the model calls live in :mod:`recognition.detect.builtin`.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

GAP = 32  # grey pixels between tiles: wider than the line-merging distance of the decoder
PAD_VALUE = 114


@dataclass(frozen=True, slots=True)
class Window:
    """A frame region zoomed into the mosaic: ``mosaic = (frame - (x, y)) * scale + (tx, ty)``."""

    x: int
    y: int
    w: int
    h: int
    scale: float
    tx: int = 0
    ty: int = 0

    @property
    def tile_w(self) -> int:
        """Width of the zoomed region in the mosaic."""
        return max(1, round(self.w * self.scale))

    @property
    def tile_h(self) -> int:
        """Height of the zoomed region in the mosaic."""
        return max(1, round(self.h * self.scale))


def window_for(
    kernel: tuple[float, float, float, float], frame_w: int, frame_h: int, plate_px: float,
    min_scale: float, max_scale: float,
) -> Window:
    """The window around a text kernel ``x, y, w, h`` (frame pixels) of a possible plate.

    The plate is guessed to be the kernel grown by its height on each side (at least 40 px
    wide); the window holds 2.4 x 1.4 such plates so a partly seen plate still fits, and is
    zoomed so the guessed plate becomes ``plate_px`` wide. Windows are clipped to the frame
    (shifted inside when they stick out).
    """
    x, y, w, h = kernel
    plate = max(40.0, w + 2.0 * h, 2.5 * h)
    scale = float(np.clip(plate_px / plate, min_scale, max_scale))
    ww = min(frame_w, max(16, round(2.4 * plate)))
    wh = min(frame_h, max(16, round(1.4 * plate)))
    cx, cy = x + w / 2, y + h / 2
    x0 = int(np.clip(round(cx - ww / 2), 0, frame_w - ww))
    y0 = int(np.clip(round(cy - wh / 2), 0, frame_h - wh))
    return Window(x0, y0, ww, wh, scale)


def select_windows(
    kernels: np.ndarray, scores: np.ndarray, found: np.ndarray, frame_w: int, frame_h: int, *,
    plate_px: float, limit: int, min_scale: float = 0.75, max_scale: float = 3.0,
    taken: list[Window] | None = None,
) -> list[Window]:
    """Windows for the best ``limit`` kernels that no found plate covers and no window holds yet.

    Args:
        kernels: ``[K,4]`` x, y, w, h of text kernels (frame pixels).
        scores: ``[K]`` their mean text probability.
        found: ``[M,4]`` x1, y1, x2, y2 of plates the coarse pass already found (frame pixels).
        frame_w: Frame width.
        frame_h: Frame height.
        plate_px: Width a plate should have in the mosaic.
        limit: Most windows.
        min_scale: Smallest zoom (a large window is shrunk at most this much).
        max_scale: Largest zoom.
        taken: Windows chosen already (for example around tracked plates): kernels in their middle
            are skipped, and they do not count against ``limit``.

    """
    windows: list[Window] = []
    taken = taken or []
    for i in np.argsort(-scores, kind="stable"):
        if len(windows) >= limit:
            break
        x, y, w, h = (float(v) for v in kernels[i])
        cx, cy = x + w / 2, y + h / 2
        if len(found) and np.any((found[:, 0] <= cx) & (cx <= found[:, 2]) & (found[:, 1] <= cy) & (cy <= found[:, 3])):
            continue
        if any(_inner(win, cx, cy) for win in (*taken, *windows)):
            continue
        windows.append(window_for((x, y, w, h), frame_w, frame_h, plate_px, min_scale, max_scale))
    return windows


def track_window(
    box: tuple[float, float, float, float], frame_w: int, frame_h: int, *, plate_px: float,
    min_scale: float = 0.75, max_scale: float = 3.0,
) -> Window:
    """The window around a plate box ``x, y, w, h`` last seen there (video: where it should be now).

    Wider than the plate by one plate width on each side and taller by 0.75 plate widths above
    and below, so a plate that moved up to ~half its width since the last frame still lies inside;
    zoomed so the plate becomes ``plate_px`` wide.
    """
    x, y, w, h = box
    pw = max(16.0, w)
    scale = float(np.clip(plate_px / pw, min_scale, max_scale))
    ww = min(frame_w, max(16, round(3.0 * pw)))
    wh = min(frame_h, max(16, round(h + 1.5 * pw)))
    cx, cy = x + w / 2, y + h / 2
    x0 = int(np.clip(round(cx - ww / 2), 0, frame_w - ww))
    y0 = int(np.clip(round(cy - wh / 2), 0, frame_h - wh))
    return Window(x0, y0, ww, wh, scale)


def _inner(win: Window, cx: float, cy: float) -> bool:
    """True when (cx, cy) lies in the middle 60 % of ``win`` (it would be seen there)."""
    return (win.x + 0.2 * win.w <= cx <= win.x + 0.8 * win.w) and (win.y + 0.2 * win.h <= cy <= win.y + 0.8 * win.h)


def pack(windows: list[Window], width: int, gap: int = GAP) -> tuple[list[Window], int, int]:
    """Place tiles left to right in rows (tallest first); returns placed windows, mosaic w and h.

    Width and height are multiples of 32 (the detector's stride); a tile wider than ``width``
    widens the mosaic.
    """
    order = sorted(range(len(windows)), key=lambda i: -windows[i].tile_h)
    placed: dict[int, Window] = {}
    x, y, row_h, used_w = gap, gap, 0, 0
    width = max(width, max((w.tile_w + 2 * gap for w in windows), default=width))
    for i in order:
        win = windows[i]
        if x + win.tile_w + gap > width and x > gap:
            x, y, row_h = gap, y + row_h + gap, 0
        placed[i] = Window(win.x, win.y, win.w, win.h, win.scale, x, y)
        x += win.tile_w + gap
        row_h = max(row_h, win.tile_h)
        used_w = max(used_w, x)
    height = y + row_h + gap
    return [placed[i] for i in range(len(windows))], _ceil32(width), _ceil32(height)


def _ceil32(value: int) -> int:
    return max(32, -(-value // 32) * 32)


def build_mosaic(frame: np.ndarray, windows: list[Window], width: int, height: int) -> np.ndarray:
    """The mosaic image: each window's frame region zoomed into its tile, grey elsewhere."""
    mosaic = np.full((height, width, 3), PAD_VALUE, np.uint8)
    for win in windows:
        region = frame[win.y : win.y + win.h, win.x : win.x + win.w]
        if not region.size:
            continue
        interp = cv2.INTER_LINEAR if win.scale >= 1 else cv2.INTER_AREA
        tile = cv2.resize(region, (win.tile_w, win.tile_h), interpolation=interp)
        mosaic[win.ty : win.ty + win.tile_h, win.tx : win.tx + win.tile_w] = tile
    return mosaic


def tile_to_frame(xyxy: np.ndarray, win: Window) -> np.ndarray:
    """Map ``[N,4]`` corner boxes from mosaic pixels of ``win``'s tile back to frame pixels (clipped to the window)."""
    out = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4).copy()
    out[:, [0, 2]] = (out[:, [0, 2]] - win.tx) / win.scale + win.x
    out[:, [1, 3]] = (out[:, [1, 3]] - win.ty) / win.scale + win.y
    out[:, [0, 2]] = np.clip(out[:, [0, 2]], win.x, win.x + win.w)
    out[:, [1, 3]] = np.clip(out[:, [1, 3]], win.y, win.y + win.h)
    return out


def contained_share(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
    """For each ``inner`` box, the largest share of its area inside any ``outer`` box (corner boxes)."""
    inner = np.asarray(inner, dtype=np.float64).reshape(-1, 4)
    outer = np.asarray(outer, dtype=np.float64).reshape(-1, 4)
    if not len(inner) or not len(outer):
        return np.zeros(len(inner))
    ix = np.clip(np.minimum(inner[:, None, 2], outer[None, :, 2]) - np.maximum(inner[:, None, 0], outer[None, :, 0]), 0, None)
    iy = np.clip(np.minimum(inner[:, None, 3], outer[None, :, 3]) - np.maximum(inner[:, None, 1], outer[None, :, 1]), 0, None)
    area = np.clip(inner[:, 2] - inner[:, 0], 0, None) * np.clip(inner[:, 3] - inner[:, 1], 0, None)
    return (ix * iy).max(axis=1) / np.maximum(area, 1e-9)
