"""Post-training INT8 quantization of the built-in detector model (PP-OCRv4 det) with NNCF.

Calibration uses only frames this project renders itself (``recognition.synth`` traffic scenes
plus frames with random text), never the evaluation datasets. NNCF is needed only here, in a
separate venv; the product loads the resulting IR with plain OpenVINO.

Reproduce (from the repository root)::

    python3.11 -m venv /tmp/qvenv
    /tmp/qvenv/bin/pip install nncf==3.4.0 openvino==2026.4.1 opencv-python-headless==5.0.0.93 numpy==2.4.6 pydantic==2.14.3
    /tmp/qvenv/bin/pip install --no-deps rapidocr-openvino==1.4.4   # carrier of the FP32 model
    PYTHONPATH=. /tmp/qvenv/bin/python recognition/training/detector/quantize_det.py

Writes ``recognition/models/detector/ppocrv4_det_int8.xml`` and ``.bin``. Measured result: recall
unchanged (EU/BR 100/100) but only ~8% less CPU than the bf16 default on this AMX Xeon and ~12%
less than f32, so the INT8 model is NOT shipped (see notes/detector.md); the script stays so the
experiment can be repeated on other hardware.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import cv2
import nncf
import numpy as np
import openvino as ov

from recognition.detect.builtin import builtin_model_path, shrink
from recognition.synth.scene import TrafficScene

logger = logging.getLogger(__name__)

OUT = Path(__file__).resolve().parents[2] / "models" / "detector" / "ppocrv4_det_int8.xml"
_MEAN = np.array([0.485, 0.456, 0.406], np.float32) * 255
_STD = np.array([0.229, 0.224, 0.225], np.float32) * 255
_WORDS = ("STOP", "MAIN ST", "NORTH", "2012", "SALE", "EXIT 14", "ONE WAY", "PARKING", "TAXI")


def _text_frame(rng: np.random.Generator) -> np.ndarray:
    """A noisy gradient frame with random signs and plate-like boxes of text."""
    h, w = 720, 1280
    ramp = np.linspace(rng.uniform(20, 120), rng.uniform(80, 220), h, dtype=np.float32)[:, None, None]
    frame = np.repeat(ramp, w, axis=1).repeat(3, axis=2) * rng.uniform(0.6, 1.2, 3).astype(np.float32)
    frame = np.clip(frame + rng.normal(0, 12, frame.shape), 0, 255).astype(np.uint8)
    for _ in range(rng.integers(3, 9)):
        x, y = int(rng.integers(0, w - 200)), int(rng.integers(0, h - 80))
        bw, bh = int(rng.integers(60, 260)), int(rng.integers(20, 80))
        cv2.rectangle(frame, (x, y), (x + bw, y + bh), tuple(int(c) for c in rng.integers(0, 255, 3)), -1)
        text = (
            str(rng.choice(_WORDS))
            if rng.random() < 0.5
            else "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"), int(rng.integers(5, 8))))
        )
        scale = bh / 45
        cv2.putText(
            frame,
            text,
            (x + 4, y + int(bh * 0.75)),
            int(rng.choice([0, 2, 3, 4])),
            scale,
            tuple(int(c) for c in rng.integers(0, 255, 3)),
            max(1, int(2 * scale)),
            cv2.LINE_AA,
        )
    return frame


def calibration_frames(count: int, seed: int) -> list[np.ndarray]:
    """Half rendered traffic, half random text frames, at 1280x720."""
    rng = np.random.default_rng(seed)
    scene = TrafficScene(1280, 720, seed=seed, vehicles_per_minute=40)
    frames = [scene.render(float(t)).image for t in np.linspace(5, 300, count // 2)]
    frames += [_text_frame(rng) for _ in range(count - len(frames))]
    return frames


def to_tensor(frame: np.ndarray, side: int) -> np.ndarray:
    """The float NCHW input the original ONNX model expects (as the runtime feeds it)."""
    h, w = frame.shape[:2]
    scale = min(1.0, side / max(h, w))
    nh, nw = max(32, round(h * scale / 32) * 32), max(32, round(w * scale / 32) * 32)
    rgb = shrink(frame, nw, nh)[:, :, ::-1].astype(np.float32)
    return ((rgb - _MEAN) / _STD).transpose(2, 0, 1)[None].copy()


def main() -> None:
    """Quantize and save the INT8 IR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=160, help="calibration frames")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--side", type=int, default=640)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    model = ov.Core().read_model(str(builtin_model_path()))
    tensors = [to_tensor(f, args.side) for f in calibration_frames(args.count, args.seed)]
    quantized = nncf.quantize(
        model,
        nncf.Dataset(tensors),
        subset_size=len(tensors),
        preset=nncf.QuantizationPreset.MIXED,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(quantized, str(args.out), compress_to_fp16=False)
    logger.warning("wrote %s", args.out)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main()
