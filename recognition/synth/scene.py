"""Synthetic road scene: vehicles with US-style plates driving toward the camera.

Deterministic for a given seed: :meth:`TrafficScene.render` is a pure function of the scene time,
so tests can ask for the ground truth of any frame. Drawing uses OpenCV primitives on a
pre-rendered background; a 1080p frame costs a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from recognition.synth.plate_render import render_plate
from recognition.synth.states import SCHEMES, normalise, random_serial
from recognition.types import BBox

#: NCIC colour code -> BGR body colour.
VEHICLE_COLOURS: dict[str, tuple[int, int, int]] = {
    "WHI": (235, 235, 235), "BLK": (30, 30, 32), "SIL": (190, 192, 195), "GRY": (110, 110, 112),
    "RED": (40, 40, 190), "BLU": (150, 70, 30), "GRN": (60, 110, 40), "BGE": (150, 190, 210),
}
_COLOUR_WEIGHTS = (0.24, 0.22, 0.16, 0.14, 0.1, 0.08, 0.03, 0.03)


@dataclass(frozen=True, slots=True)
class GroundTruthPlate:
    """A plate visible in a rendered frame."""

    text: str
    state: str
    box: BBox
    colour: str
    vehicle_id: int


@dataclass(frozen=True, slots=True, eq=False)
class SceneFrame:
    """One rendered frame and the plates it shows."""

    image: np.ndarray
    plates: tuple[GroundTruthPlate, ...]


@dataclass(slots=True)
class _Vehicle:
    vehicle_id: int
    start: float
    duration: float
    lane: float  # -1 .. 1 across the road
    colour: str
    text: str
    printed: str
    state: str
    parked: bool = False
    plate_image: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 3), np.uint8))


class TrafficScene:
    """Vehicles entering far away, passing the camera and leaving at the bottom of the frame."""

    def __init__(
        self,
        width: int = 1280,
        height: int = 720,
        *,
        seed: int = 0,
        vehicles_per_minute: float = 20.0,
        parked_car: bool = False,
        seeded_plates: tuple[str, ...] = (),
        seeded_share: float = 0.3,
    ) -> None:
        """Create a scene; nothing is drawn until :meth:`render` is called."""
        self.width, self.height = width, height
        self._rng = np.random.default_rng(seed)
        self._rate = vehicles_per_minute / 60.0
        self._seeded = tuple(p for p in (normalise(s) for s in seeded_plates) if p)
        self._seeded_share = seeded_share
        self._vehicles: list[_Vehicle] = []
        self._next_spawn = 0.3
        self._next_id = 1
        self._horizon = int(0.3 * height)
        self._background = self._draw_background()
        self._parked = self._make_vehicle(0.0, 1e12, 1.0, parked=True) if parked_car else None

    # -- traffic -----------------------------------------------------------------------------
    def _make_vehicle(self, start: float, duration: float, lane: float, parked: bool = False) -> _Vehicle:
        rng = self._rng
        state = list(SCHEMES)[int(rng.integers(len(SCHEMES)))]
        if self._seeded and not parked and rng.random() < self._seeded_share:
            text = self._seeded[int(rng.integers(len(self._seeded)))]
            printed = text
        else:
            text, printed = random_serial(state, rng)
        colour = list(VEHICLE_COLOURS)[int(rng.choice(len(VEHICLE_COLOURS), p=_COLOUR_WEIGHTS))]
        vehicle = _Vehicle(self._next_id, start, duration, lane, colour, text, printed, state, parked)
        vehicle.plate_image = render_plate(printed, state, max(32, self.height // 10))
        self._next_id += 1
        return vehicle

    def _spawn_until(self, t: float) -> None:
        while self._rate > 0 and self._next_spawn <= t:
            lane = float(self._rng.choice([-0.45, 0.0, 0.45]))
            duration = float(self._rng.uniform(2.5, 4.0))
            self._vehicles.append(self._make_vehicle(self._next_spawn, duration, lane))
            self._next_spawn += float(self._rng.exponential(1.0 / self._rate)) + 0.4

    def _active(self, t: float) -> list[_Vehicle]:
        self._spawn_until(t)
        self._vehicles = [v for v in self._vehicles if v.start + v.duration + 30.0 > t]
        active = [v for v in self._vehicles if v.start <= t < v.start + v.duration]
        if self._parked is not None:
            active.append(self._parked)
        return active

    # -- drawing -----------------------------------------------------------------------------
    def _draw_background(self) -> np.ndarray:
        w, h, hz = self.width, self.height, self._horizon
        img = np.empty((h, w, 3), np.uint8)
        sky = np.linspace(0, 1, hz, dtype=np.float32)[:, None, None]
        img[:hz] = (np.array([230, 200, 160], np.float32) * (1 - sky) + np.array([235, 225, 210]) * sky).astype(np.uint8)
        img[hz:] = (70, 120, 80)  # verge
        cx = w // 2
        road = np.array([[cx - w // 40, hz], [cx + w // 40, hz], [int(w * 1.15), h], [int(-w * 0.15), h]], np.int32)
        cv2.fillPoly(img, [road], (95, 95, 98))
        for side in (-1, 1):  # lane lines
            for k in range(14):
                p0, p1 = (k / 14) ** 1.6, ((k + 0.5) / 14) ** 1.6
                x0 = cx + side * (w * 0.22) * p0
                x1 = cx + side * (w * 0.22) * p1
                y0, y1 = hz + (h - hz) * p0, hz + (h - hz) * p1
                cv2.line(img, (int(x0), int(y0)), (int(x1), int(y1)), (220, 220, 220), max(1, int(6 * p1 * h / 720)))
        noise = np.random.default_rng(7).normal(0, 6, (h // 4, w // 4, 1)).astype(np.float32)
        noise = cv2.resize(noise, (w, h), interpolation=cv2.INTER_LINEAR)[:, :, None]
        return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)

    def _geometry(self, vehicle: _Vehicle, t: float) -> tuple[int, int, int]:
        """(centre x, bottom y, body width) of a vehicle at time ``t``."""
        w, h, hz = self.width, self.height, self._horizon
        if vehicle.parked:
            p = 0.5
        else:
            p = (t - vehicle.start) / vehicle.duration
        bottom = hz + (1.45 * h - hz) * p * p * 0.55 + (1.45 * h - hz) * p * 0.45
        depth = (bottom - hz) / (h - hz)
        body_w = 0.3 * w * depth
        centre = w / 2 + vehicle.lane * 0.55 * w * depth
        return int(centre), int(bottom), int(body_w)

    def _draw_vehicle(self, img: np.ndarray, vehicle: _Vehicle, t: float) -> GroundTruthPlate | None:
        cx, bottom, bw = self._geometry(vehicle, t)
        if bw < 12:
            return None
        bh = int(bw * 0.78)
        colour = VEHICLE_COLOURS[vehicle.colour]
        x0, x1, top = cx - bw // 2, cx + bw // 2, bottom - bh
        cv2.ellipse(img, (cx, bottom), (int(bw * 0.55), max(2, bw // 16)), 0, 0, 360, (45, 45, 48), -1)
        wheel_w, wheel_h = max(2, bw // 9), max(2, bh // 7)
        for wx in (x0 + bw // 20, x1 - bw // 20 - wheel_w):
            cv2.rectangle(img, (wx, bottom - wheel_h), (wx + wheel_w, bottom), (20, 20, 20), -1)
        body_top = top + int(bh * 0.42)
        cv2.rectangle(img, (x0, body_top), (x1, bottom - wheel_h // 2), colour, -1)
        cabin = np.array([[x0 + bw // 8, body_top], [x1 - bw // 8, body_top],
                          [x1 - bw // 4, top], [x0 + bw // 4, top]], np.int32)
        cv2.fillPoly(img, [cabin], colour)
        glass = np.array([[x0 + bw // 6, body_top - 2], [x1 - bw // 6, body_top - 2],
                          [x1 - bw // 4 - 3, top + bh // 14], [x0 + bw // 4 + 3, top + bh // 14]], np.int32)
        cv2.fillPoly(img, [glass], (70, 55, 45))
        light_y = body_top + bh // 10
        for lx in (x0 + bw // 10, x1 - bw // 10):
            cv2.ellipse(img, (lx, light_y), (max(2, bw // 14), max(1, bh // 22)), 0, 0, 360, (200, 235, 245), -1)
        cv2.rectangle(img, (cx - bw // 5, light_y - bh // 26), (cx + bw // 5, light_y + bh // 20), (40, 40, 40), -1)
        plate_w = int(bw * 0.24)
        plate_h = max(2, plate_w // 2)
        px, py = cx - plate_w // 2, body_top + int(bh * 0.26)
        bumper_y = py + plate_h + max(1, bh // 40)
        cv2.rectangle(img, (x0, bumper_y), (x1, bumper_y + max(2, bh // 14)), (50, 50, 52), -1)
        if plate_w < 8:
            return None
        plate = cv2.resize(vehicle.plate_image, (plate_w, plate_h), interpolation=cv2.INTER_AREA)
        vx0, vy0 = max(0, px), max(0, py)
        vx1, vy1 = min(self.width, px + plate_w), min(self.height, py + plate_h)
        if vx1 - vx0 < 4 or vy1 - vy0 < 4:
            return None
        img[vy0:vy1, vx0:vx1] = plate[vy0 - py : vy1 - py, vx0 - px : vx1 - px]
        box = BBox(vx0, vy0, vx1 - vx0, vy1 - vy0)
        return GroundTruthPlate(vehicle.text, vehicle.state, box, vehicle.colour, vehicle.vehicle_id)

    def render(self, t: float) -> SceneFrame:
        """Draw the scene at ``t`` seconds after its start.

        Calls may go back in time only as far as vehicles are still remembered (30 s).
        """
        img = self._background.copy()
        plates: list[GroundTruthPlate] = []
        # Far vehicles first so near ones cover them.
        for vehicle in sorted(self._active(t), key=lambda v: self._geometry(v, t)[1]):
            truth = self._draw_vehicle(img, vehicle, t)
            if truth is not None:
                plates.append(truth)
        return SceneFrame(img, tuple(plates))
