"""Experiment: a tiny plate-segmentation net trained only on synthetic scenes (not shipped).

Procedural backgrounds (gradients, car-like boxes, noise textures, distractor text) with plates
pasted under perspective, blur, noise and lighting changes: US-style plates from
``recognition.synth`` plus generic long/short plates with random colours. The net predicts a
plate mask at stride 4; boxes are the connected components. It exists to measure how far pure
synthetic data gets (see notes/detector.md); it needs torch, so it runs in a separate venv::

    python3.11 -m venv /tmp/trainvenv
    /tmp/trainvenv/bin/pip install torch==2.13.0 onnx numpy opencv-python-headless
    PYTHONPATH=. /tmp/trainvenv/bin/python recognition/training/detector/train_synth_seg.py --minutes 12
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn

from recognition.synth.plate_render import render_plate

STATES = ("CA", "NY", "TX", "FL", "PA", "OH", "IL", "WA", "AZ", "NJ", "GA", "MI")
CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
SIZE = 256


def _rand_text(rng: np.random.Generator, lo: int = 4, hi: int = 8) -> str:
    return "".join(rng.choice(list(CHARS), int(rng.integers(lo, hi))))


def _background(rng: np.random.Generator) -> np.ndarray:
    lo, hi = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    ramp = np.linspace(0, 1, SIZE, dtype=np.float32)[:, None, None]
    img = (lo * (1 - ramp) + hi * ramp).repeat(SIZE, axis=1)
    small = rng.uniform(-60, 60, (int(rng.integers(2, 16)),) * 2 + (3,)).astype(np.float32)
    img = img + cv2.resize(small, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC)
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(2, 10))):  # car bodies, lights, grilles, windows
        x, y = rng.integers(-40, SIZE, 2)
        w, h = rng.integers(10, 160, 2)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            cv2.rectangle(img, (int(x), int(y)), (int(x + w), int(y + h)), colour, -1)
        else:
            cv2.ellipse(
                img,
                (int(x), int(y)),
                (int(w // 2), int(h // 2)),
                float(rng.uniform(0, 180)),
                0,
                360,
                colour,
                -1,
            )
    for _ in range(int(rng.integers(0, 6))):  # grille bars / lines
        y = int(rng.integers(0, SIZE))
        cv2.line(
            img,
            (0, y),
            (SIZE, y + int(rng.integers(-20, 20))),
            tuple(int(c) for c in rng.integers(0, 255, 3)),
            int(rng.integers(1, 4)),
        )
    for _ in range(int(rng.integers(0, 4))):  # distractor text (signs, badges, stickers)
        scale = float(rng.uniform(0.3, 1.2))
        cv2.putText(
            img,
            _rand_text(rng, 2, 10) if rng.random() < 0.5 else "NORTH",
            (int(rng.integers(0, 200)), int(rng.integers(15, 250))),
            int(rng.choice([0, 1, 2, 3, 4])),
            scale,
            tuple(int(c) for c in rng.integers(0, 255, 3)),
            max(1, int(scale * 2)),
        )
    return img


def _plate(rng: np.random.Generator, height: int) -> np.ndarray:
    kind = rng.random()
    if kind < 0.5:
        return render_plate(_rand_text(rng, 5, 8), str(rng.choice(STATES)), max(16, height))
    aspect = 4.7 if kind < 0.8 else float(rng.uniform(1.8, 3.5))
    h, w = max(12, height), max(24, int(height * aspect))
    bg = tuple(int(c) for c in (rng.integers(180, 255, 3) if rng.random() < 0.8 else rng.integers(0, 255, 3)))
    fg = (20, 20, 20) if sum(bg) > 380 else (235, 235, 235)
    plate = np.full((h, w, 3), bg, np.uint8)
    x0 = 0
    if kind < 0.8 and rng.random() < 0.7:  # EU band
        x0 = int(0.1 * w)
        plate[:, :x0] = (150, 50, 20)
    text = _rand_text(rng, 5, 8)
    scale = h / 40
    (tw, th), _ = cv2.getTextSize(text, 0, scale, max(1, int(2.2 * scale)))
    scale *= min(1.0, (w - x0) * 0.9 / max(tw, 1))
    (tw, th), _ = cv2.getTextSize(text, 0, scale, max(1, int(2.2 * scale)))
    cv2.putText(
        plate,
        text,
        (x0 + (w - x0 - tw) // 2, (h + th) // 2),
        int(rng.choice([0, 2, 3])),
        scale,
        fg,
        max(1, int(2.2 * scale)),
        cv2.LINE_AA,
    )
    cv2.rectangle(plate, (0, 0), (w - 1, h - 1), fg, max(1, h // 25))
    return plate


def sample(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One synthetic 256x256 image and its plate mask at stride 4."""
    img = _background(rng)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    for _ in range(int(rng.choice([0, 1, 1, 1, 2]))):
        plate = _plate(rng, int(rng.integers(12, 60)))
        ph, pw = plate.shape[:2]
        if pw > SIZE - 10:
            plate = cv2.resize(plate, (SIZE - 10, int(ph * (SIZE - 10) / pw)))
            ph, pw = plate.shape[:2]
        src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
        jitter = rng.uniform(-0.12, 0.12, (4, 2)) * [pw, ph]
        x, y = rng.integers(0, SIZE - pw), rng.integers(0, SIZE - ph)
        dst = (src + jitter + [x, y]).astype(np.float32)
        m = cv2.getPerspectiveTransform(src, dst)
        warped = cv2.warpPerspective(plate, m, (SIZE, SIZE))
        pm = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), m, (SIZE, SIZE))
        img[pm > 127] = warped[pm > 127]
        mask = np.maximum(mask, pm)
    gain, bias = rng.uniform(0.5, 1.4), rng.uniform(-40, 40)
    img = np.clip(
        img.astype(np.float32) * gain + bias + rng.normal(0, rng.uniform(0, 12), img.shape), 0, 255
    ).astype(np.uint8)
    if rng.random() < 0.5:
        k = int(rng.integers(1, 4)) * 2 + 1
        img = cv2.GaussianBlur(img, (k, k), 0)
    if rng.random() < 0.5:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 90))])
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return img, (cv2.resize(mask, (SIZE // 4, SIZE // 4), interpolation=cv2.INTER_AREA) > 127).astype(
        np.float32
    )


def _block(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)
    )


class TinySeg(nn.Module):
    """Stride-4 plate mask from an RGB image (about 0.2 M parameters)."""

    def __init__(self) -> None:
        super().__init__()
        self.s4 = nn.Sequential(_block(3, 16, 2), _block(16, 32, 2), _block(32, 32, 1))
        self.s16 = nn.Sequential(_block(32, 64, 2), _block(64, 64, 1), _block(64, 96, 2), _block(96, 96, 1))
        self.head = nn.Sequential(_block(32 + 96, 48, 1), nn.Conv2d(48, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Plate-mask logits at stride 4."""
        f4 = self.s4(x)
        f16 = nn.functional.interpolate(
            self.s16(f4), size=f4.shape[-2:], mode="bilinear", align_corners=False
        )
        return self.head(torch.cat([f4, f16], 1))


def to_input(img: np.ndarray) -> torch.Tensor:
    """CHW float tensor in [-0.5, 0.5], RGB, from a BGR uint8 image."""
    return torch.from_numpy(img[:, :, ::-1].astype(np.float32).transpose(2, 0, 1).copy() / 255.0 - 0.5)


def train(minutes: float, seed: int, out: Path, resume: Path | None = None) -> None:
    """Train for ``minutes`` of wall time on freshly generated batches and save the weights."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = TinySeg()
    if resume is not None:
        net.load_state_dict(torch.load(resume))
    opt = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=1e-4)
    pos_weight = torch.tensor([4.0])
    end, step = time.time() + 60 * minutes, 0
    while time.time() < end:
        batch = [sample(rng) for _ in range(16)]
        x = torch.stack([to_input(b[0]) for b in batch])
        y = torch.from_numpy(np.stack([b[1] for b in batch]))[:, None]
        logits = net(x)
        prob = torch.sigmoid(logits)
        dice = 1 - (2 * (prob * y).sum() + 1) / (prob.sum() + y.sum() + 1)
        loss = nn.functional.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight) + dice
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0:
            print(f"step {step} loss {loss.item():.3f}", flush=True)
    torch.save(net.state_dict(), out)
    print(f"saved {out} after {step} steps", flush=True)


def main() -> None:
    """Parse arguments and train."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=12)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/tinyseg.pt"))
    parser.add_argument("--resume", type=Path, default=None, help="continue from these weights")
    args = parser.parse_args()
    torch.set_num_threads(2)
    train(args.minutes, args.seed, args.out, args.resume)


if __name__ == "__main__":
    main()
