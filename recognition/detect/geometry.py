"""Box helpers shared by the detector backends: letterbox, NMS, conversion to :class:`BBox`."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from recognition.types import BBox, PlateDetection

PAD_VALUE = 114  # the grey Ultralytics pads with


@dataclass(frozen=True, slots=True)
class Letterbox:
    """How a frame was scaled and padded into a model input: ``input = frame * scale + pad``."""

    scale: float
    pad_x: float
    pad_y: float


def letterbox(image: np.ndarray, width: int, height: int) -> tuple[np.ndarray, Letterbox]:
    """Scale ``image`` to fit ``width`` x ``height`` keeping its aspect, centred on grey padding."""
    h, w = image.shape[:2]
    scale = min(width / w, height / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    pad_x, pad_y = (width - nw) // 2, (height - nh) // 2
    out = np.full((height, width, 3), PAD_VALUE, dtype=np.uint8)
    out[pad_y : pad_y + nh, pad_x : pad_x + nw] = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)
    return out, Letterbox(scale, float(pad_x), float(pad_y))


def unletterbox(xyxy: np.ndarray, lb: Letterbox) -> np.ndarray:
    """Map ``[N,4]`` corner boxes from model-input pixels back to frame pixels."""
    out = xyxy.astype(np.float64).copy()
    out[:, [0, 2]] = (out[:, [0, 2]] - lb.pad_x) / lb.scale
    out[:, [1, 3]] = (out[:, [1, 3]] - lb.pad_y) / lb.scale
    return out


def cxcywh_to_xyxy(boxes: np.ndarray) -> np.ndarray:
    """Centre/size boxes to corner boxes."""
    cx, cy, w, h = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)


def nms(xyxy: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression; indices of kept boxes, best score first."""
    order = np.argsort(-scores, kind="stable")
    areas = np.clip(xyxy[:, 2] - xyxy[:, 0], 0, None) * np.clip(xyxy[:, 3] - xyxy[:, 1], 0, None)
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        ix = np.clip(np.minimum(xyxy[i, 2], xyxy[rest, 2]) - np.maximum(xyxy[i, 0], xyxy[rest, 0]), 0, None)
        iy = np.clip(np.minimum(xyxy[i, 3], xyxy[rest, 3]) - np.maximum(xyxy[i, 1], xyxy[rest, 1]), 0, None)
        inter = ix * iy
        union = areas[i] + areas[rest] - inter
        iou = np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)
        order = rest[iou <= iou_threshold]
    return np.asarray(keep, dtype=np.int64)


def to_detections(
    xyxy: np.ndarray, scores: np.ndarray, width: int, height: int, limit: int
) -> list[PlateDetection]:
    """Clip corner boxes to the frame and wrap them as detections, best first, at most ``limit``."""
    out: list[PlateDetection] = []
    for i in np.argsort(-scores, kind="stable"):
        x1, y1, x2, y2 = xyxy[i]
        x1, x2 = int(np.clip(np.floor(x1), 0, width)), int(np.clip(np.ceil(x2), 0, width))
        y1, y2 = int(np.clip(np.floor(y1), 0, height)), int(np.clip(np.ceil(y2), 0, height))
        if x2 - x1 < 2 or y2 - y1 < 2:
            continue
        out.append(PlateDetection(BBox(x1, y1, x2 - x1, y2 - y1), float(scores[i])))
        if len(out) >= limit:
            break
    return out


def join_row_pieces(
    xyxy: np.ndarray, scores: np.ndarray, *, max_gap: float = 0.5, max_aspect: float = 6.0
) -> tuple[np.ndarray, np.ndarray]:
    """Union corner boxes that are two pieces of one line of text (one plate split in two).

    A state graphic, a bolt or a sticker can split a plate's characters into two text regions, and
    the coarse and the zoomed pass can each find one half; non-maximum suppression keeps both,
    and each half is then read short. Two boxes are joined when they sit on one row (vertical
    overlap >= 60 % of the lower box, heights within 1.5x), their horizontal gap is at most
    ``max_gap`` times the lower height (or they overlap sideways without one holding the other),
    and their union is no wider than ``max_aspect`` times its height. The joined box keeps the
    better score.
    """
    boxes = [np.asarray(b, dtype=np.float64) for b in np.asarray(xyxy, dtype=np.float64).reshape(-1, 4)]
    kept = [float(s) for s in np.asarray(scores, dtype=np.float64).reshape(-1)]
    while (pair := _pieces_pair(boxes, max_gap, max_aspect)) is not None:
        i, j = pair
        boxes[i] = np.concatenate([np.minimum(boxes[i][:2], boxes[j][:2]), np.maximum(boxes[i][2:], boxes[j][2:])])
        kept[i] = max(kept[i], kept[j])
        del boxes[j], kept[j]
    if not boxes:
        return np.zeros((0, 4)), np.zeros(0)
    return np.stack(boxes), np.asarray(kept)


def _pieces_pair(boxes: list[np.ndarray], max_gap: float, max_aspect: float) -> tuple[int, int] | None:
    """The first pair ``i < j`` of ``boxes`` that are two pieces of one row (None when there is none)."""
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if _row_pieces(boxes[i], boxes[j], max_gap, max_aspect):
                return i, j
    return None


def _row_pieces(a: np.ndarray, b: np.ndarray, max_gap: float, max_aspect: float) -> bool:
    ha, hb = a[3] - a[1], b[3] - b[1]
    low = min(ha, hb)
    if low <= 0 or max(ha, hb) > 1.5 * low:
        return False
    if min(a[3], b[3]) - max(a[1], b[1]) < 0.6 * low:
        return False
    holds = (a[0] <= b[0] and b[2] <= a[2]) or (b[0] <= a[0] and a[2] <= b[2])
    gap = max(b[0] - a[2], a[0] - b[2])
    if holds or gap > max_gap * low:
        return False
    width = max(a[2], b[2]) - min(a[0], b[0])
    height = max(a[3], b[3]) - min(a[1], b[1])
    return width <= max_aspect * height
