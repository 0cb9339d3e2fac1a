"""Build an evaluation clip of vehicle passes from real plate crops (evaluation only, output to /tmp).

Each pass: a real vehicle rear (cut from a real street scene of ``--scenes``, its own plate painted
out) carrying a real US plate crop of ``--plates`` approaches the camera over ``--frames-per-pass``
frames, its plate growing from 55 % to 100 % of a final width drawn from ``--final-width`` (so plates
are 40-150 px wide in the 1280x720 frame). Most vehicles carry vehicle lettering near the plate
(make and model names, fleet slogans, phone numbers, web addresses) so false reads are measured.
Some frames get motion blur, noise or low light; the clip is H.264 (``ffmpeg``, ``--crf``). Empty
frames (background only) separate the passes, so reads on empty frames are measured too. The
background is another real scene, slightly blurred (far away), kept for ``--passes-per-background``
passes like a fixed camera.

Ground truth goes next to the clip as ``<clip>.json``: ``{"fps", "size", "frames", "passes": [{"text",
"state", "first_frame", "last_frame", "boxes", "lettering"}]}`` (frame numbers 0-based).

The datasets are evaluation material: never copy their images or these clips into the repository.

Usage::

    python bench/make_pass_clips.py --plates ../shared/datasets/us_plates \\
        --scenes ../shared/datasets/eu ../shared/datasets/br --passes 80 --seed 1 --out /tmp/passes/dev.mp4
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import datasets_io  # noqa: E402
from bench.datasets_io import LabelledScene, PlateCrop  # noqa: E402

WIDTH, HEIGHT = 1280, 720

MAKES = ("TOYOTA", "HONDA", "CHEVROLET", "NISSAN", "FORD", "SUBARU", "DODGE", "JEEP", "HYUNDAI", "KIA",
         "TACOMA", "CAMRY", "ACCORD", "SILVERADO", "TUNDRA", "4RUNNER", "RAV4", "F-150", "CR-V", "SIERRA",
         "HYBRID", "AWD", "4X4", "V6", "LIMITED", "SPORT", "XLT", "LX")
SLOGANS = ("WE DELIVER", "FAST FREE DELIVERY", "HOW AM I DRIVING?", "CALL NOW", "PLUMBING & HEATING",
           "RENT ME", "SINCE 1985", "LICENSED & INSURED", "MOVING MADE EASY", "24 HR SERVICE")
PHONES = ("1-800-555-0199", "(555) 123-4567", "555-867-5309", "1-888-RENT-NOW", "800-742-5877", "CALL 555-0142")
URLS = ("WWW.ABCRENTALS.COM", "budgetmovers.com", "www.quickfix.net", "JOESPLUMBING.COM", "rentacar.com/deals")
FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_COMPLEX)


Scene = LabelledScene  # a real street scene and its labelled plate box
Plate = PlateCrop  # a real plate crop and its label


def load_scenes(folders: list[str]) -> list[Scene]:
    """Scenes with a ``<name>.txt`` label (``file x y w h plate``) in ``folders``."""
    return datasets_io.load_scenes(folders)


def load_plates(folder: str) -> list[Plate]:
    """Plate crops listed in ``labels.csv`` (file,state,plate)."""
    return datasets_io.load_plate_crops(folder)


def painted_out(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """``image`` with the plate under ``box`` inpainted (so only the plate we place is readable)."""
    x, y, w, h = box
    mask = np.zeros(image.shape[:2], np.uint8)
    pad_x, pad_y = int(w * 0.08) + 2, int(h * 0.25) + 2
    mask[max(0, y - pad_y) : y + h + pad_y, max(0, x - pad_x) : x + w + pad_x] = 255
    return cv2.inpaint(image, mask, 5, cv2.INPAINT_TELEA)


def background(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """The scene as a far, slightly blurred 1280x720 backdrop without its plate."""
    image = painted_out(cv2.imread(str(scene.image)), scene.box)
    h, w = image.shape[:2]
    scale = max(WIDTH / w, HEIGHT / h)
    image = cv2.resize(image, (int(np.ceil(w * scale)), int(np.ceil(h * scale))), interpolation=cv2.INTER_AREA)
    y0 = (image.shape[0] - HEIGHT) // 2
    x0 = (image.shape[1] - WIDTH) // 2
    image = image[y0 : y0 + HEIGHT, x0 : x0 + WIDTH]
    return cv2.GaussianBlur(image, (0, 0), float(rng.uniform(1.5, 2.5)))


def contrasting(body: np.ndarray, rng: np.random.Generator) -> tuple[int, int, int]:
    """A lettering colour that stands out from the body colour under it."""
    luma = float(np.mean(cv2.cvtColor(body, cv2.COLOR_BGR2GRAY))) if body.size else 128.0
    if luma < 110:
        choices = [(235, 235, 235), (200, 200, 205), (40, 200, 240), (60, 60, 220)]
    else:
        choices = [(25, 25, 25), (140, 40, 20), (30, 30, 170), (40, 110, 30)]
    return choices[int(rng.integers(len(choices)))]


def lettering(rng: np.random.Generator) -> list[tuple[str, str]]:
    """0-2 (kind, text) pieces of vehicle lettering; 3 vehicles in 4 carry some."""
    pieces = []
    if rng.random() < 0.75:
        kinds = ["make", "make", "slogan", "phone", "url"]
        for _ in range(1 + int(rng.random() < 0.4)):
            kind = kinds[int(rng.integers(len(kinds)))]
            pool = {"make": MAKES, "slogan": SLOGANS, "phone": PHONES, "url": URLS}[kind]
            pieces.append((kind, pool[int(rng.integers(len(pool)))]))
    return pieces


def vehicle(scene: Scene, plate: Plate, rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int, int, int], list[str]]:
    """A vehicle rear patch carrying ``plate``; returns (patch, plate box in the patch, lettering)."""
    image = cv2.imread(str(scene.image))
    x, y, w, h = scene.box
    image = painted_out(image, scene.box)
    cx, cy = x + w / 2, y + h / 2
    x0, x1 = int(max(0, cx - 2.3 * w)), int(min(image.shape[1], cx + 2.3 * w))
    y0, y1 = int(max(0, cy - 1.5 * w)), int(min(image.shape[0], cy + 0.7 * w))
    patch = image[y0:y1, x0:x1].copy()
    crop = cv2.imread(str(plate.image))
    pw = int(w * rng.uniform(0.62, 0.72))
    ph = int(round(pw * crop.shape[0] / crop.shape[1]))
    px, py = int(cx - x0 - pw / 2), int(cy - y0 - ph / 2)
    px = int(np.clip(px, 0, patch.shape[1] - pw))
    py = int(np.clip(py, 0, patch.shape[0] - ph))
    patch[py : py + ph, px : px + pw] = cv2.resize(crop, (pw, ph), interpolation=cv2.INTER_AREA)
    texts = []
    for kind, text in lettering(rng):
        _draw_lettering(patch, (px, py, pw, ph), kind, text, rng)
        texts.append(text)
    return patch, (px, py, pw, ph), texts


def _draw_lettering(patch: np.ndarray, plate: tuple[int, int, int, int], kind: str, text: str,
                    rng: np.random.Generator) -> None:
    px, py, pw, ph = plate
    font = FONTS[int(rng.integers(len(FONTS)))]
    # character height relative to the plate's (plate characters are ~45 % of its height)
    rel = {"make": rng.uniform(0.25, 0.5), "slogan": rng.uniform(0.25, 0.45),
           "phone": rng.uniform(0.35, 0.7), "url": rng.uniform(0.25, 0.45)}[kind]
    char_h = max(4.0, rel * ph)
    scale = cv2.getFontScaleFromHeight(font, int(char_h), 2)
    thickness = max(1, int(round(char_h / 9)))
    (tw, th), _ = cv2.getTextSize(text, font, scale, thickness)
    places = [("above", 0.5), ("left", 0.2), ("right", 0.2), ("below", 0.1)]
    where = places[int(rng.choice(len(places), p=[p for _, p in places]))][0]
    gap = int(ph * rng.uniform(0.4, 1.2))
    if where == "above":
        ox, oy = int(px + pw / 2 - tw / 2 + rng.uniform(-0.6, 0.6) * pw), py - gap
    elif where == "below":
        ox, oy = int(px + pw / 2 - tw / 2), py + ph + gap + th
    elif where == "left":
        ox, oy = px - gap - tw, int(py + ph / 2 + th / 2)
    else:
        ox, oy = px + pw + gap, int(py + ph / 2 + th / 2)
    ox = int(np.clip(ox, 0, max(0, patch.shape[1] - tw)))
    oy = int(np.clip(oy, th + 1, patch.shape[0] - 2))
    if ox < px + pw and ox + tw > px and oy > py and oy - th < py + ph:  # would cover the plate: go above
        oy = max(th + 1, py - gap)
    under = patch[max(0, oy - th) : oy, ox : ox + tw]
    cv2.putText(patch, text, (ox, oy), font, scale, contrasting(under, rng), thickness, cv2.LINE_AA)


def degrade(frame: np.ndarray, rng: np.random.Generator, dark: float) -> np.ndarray:
    """Motion blur, sensor noise and low light on some frames."""
    out = frame
    if rng.random() < 0.3:
        k = int(rng.integers(3, 9))
        kernel = np.zeros((k, k), np.float32)
        angle = rng.uniform(0, np.pi)
        c = (k - 1) / 2
        for t in np.linspace(-c, c, 2 * k):
            kernel[int(round(c + t * np.sin(angle))), int(round(c + t * np.cos(angle)))] = 1
        out = cv2.filter2D(out, -1, kernel / kernel.sum())
    if dark < 1.0:
        out = cv2.convertScaleAbs(out, alpha=dark, beta=0)
    if rng.random() < 0.3:
        noise = rng.normal(0, rng.uniform(4, 10), out.shape)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return out


def paste(frame: np.ndarray, patch: np.ndarray, ox: int, oy: int) -> None:
    """Paste ``patch`` with its top-left at (ox, oy), clipped to the frame."""
    h, w = patch.shape[:2]
    fx0, fy0 = max(0, ox), max(0, oy)
    fx1, fy1 = min(WIDTH, ox + w), min(HEIGHT, oy + h)
    if fx1 > fx0 and fy1 > fy0:
        frame[fy0:fy1, fx0:fx1] = patch[fy0 - oy : fy1 - oy, fx0 - ox : fx1 - ox]


def build(args: argparse.Namespace) -> dict[str, object]:
    """Render the clip through ffmpeg and return its ground truth."""
    rng = np.random.default_rng(args.seed)
    scenes = load_scenes(args.scenes)
    plates = load_plates(args.plates)
    order = rng.permutation(len(plates))[: args.passes]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg = subprocess.Popen(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{WIDTH}x{HEIGHT}",
         "-r", str(args.fps), "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", str(args.crf),
         "-pix_fmt", "yuv420p", str(out)],
        stdin=subprocess.PIPE,
    )
    assert ffmpeg.stdin is not None
    frame_no = 0
    passes = []
    backdrop = background(scenes[int(rng.integers(len(scenes)))], rng)

    def emit(image: np.ndarray) -> None:
        nonlocal frame_no
        ffmpeg.stdin.write(np.ascontiguousarray(image).tobytes())  # type: ignore[union-attr]
        frame_no += 1

    for n, index in enumerate(order):
        if n and n % args.passes_per_background == 0:
            backdrop = background(scenes[int(rng.integers(len(scenes)))], rng)
        for _ in range(int(rng.integers(args.gap[0], args.gap[1] + 1))):
            emit(degrade(backdrop, rng, 1.0))
        plate = plates[int(index)]
        patch, (bx, by, bw, bh), texts = vehicle(scenes[int(rng.integers(len(scenes)))], plate, rng)
        final = rng.uniform(*args.final_width)
        dark = rng.uniform(0.45, 0.8) if rng.random() < 0.2 else 1.0
        start = np.array([rng.uniform(0.3, 0.7) * WIDTH, rng.uniform(0.3, 0.45) * HEIGHT])
        end = np.array([start[0] + rng.uniform(-0.12, 0.12) * WIDTH, rng.uniform(0.6, 0.72) * HEIGHT])
        boxes, first = [], frame_no
        for k in range(args.frames_per_pass):
            t = k / max(1, args.frames_per_pass - 1)
            width = final * (0.55 + 0.45 * t)
            scale = width / bw
            small = cv2.resize(patch, (max(1, int(patch.shape[1] * scale)), max(1, int(patch.shape[0] * scale))),
                               interpolation=cv2.INTER_AREA)
            centre = start + (end - start) * t
            ox = int(centre[0] - (bx + bw / 2) * scale)
            oy = int(centre[1] - (by + bh / 2) * scale)
            image = backdrop.copy()
            paste(image, small, ox, oy)
            boxes.append([ox + int(bx * scale), oy + int(by * scale), int(bw * scale), int(bh * scale)])
            emit(degrade(image, rng, dark))
        passes.append({"text": plate.text, "state": plate.state, "crop": plate.image.name, "first_frame": first,
                       "last_frame": frame_no - 1, "boxes": boxes, "lettering": texts})
    for _ in range(args.gap[1]):
        emit(degrade(backdrop, rng, 1.0))
    ffmpeg.stdin.close()
    if ffmpeg.wait() != 0:
        raise SystemExit("ffmpeg failed")
    truth = {"fps": args.fps, "size": [WIDTH, HEIGHT], "frames": frame_no, "passes": passes}
    out.with_suffix(".json").write_text(json.dumps(truth, indent=1))
    return truth


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the clip, print a one-line JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plates", required=True, help="folder of US plate crops with labels.csv")
    parser.add_argument("--scenes", nargs="+", required=True, help="folders of labelled street scenes")
    parser.add_argument("--out", default="/tmp/passes/clip.mp4")
    parser.add_argument("--passes", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fps", type=float, default=10.0)
    parser.add_argument("--frames-per-pass", type=int, default=10)
    parser.add_argument("--gap", type=int, nargs=2, default=(3, 6), metavar=("MIN", "MAX"),
                        help="empty frames between passes")
    parser.add_argument("--final-width", type=float, nargs=2, default=(73.0, 150.0), metavar=("MIN", "MAX"),
                        help="plate width in px in the last frame of a pass (first frame: 55 %% of it)")
    parser.add_argument("--passes-per-background", type=int, default=10)
    parser.add_argument("--crf", type=int, default=26, help="H.264 quality (higher = more compression)")
    args = parser.parse_args(argv)
    if not args.out.startswith("/tmp/"):
        print(json.dumps({"error": "write clips under /tmp (they hold evaluation images)"}))
        return 2
    truth = build(args)
    passes = truth["passes"]
    assert isinstance(passes, list)
    print(json.dumps({"clip": args.out, "passes": len(passes), "frames": truth["frames"],
                      "with_lettering": sum(1 for p in passes if p["lettering"])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
