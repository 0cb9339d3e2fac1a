"""IoU + text-similarity tracker that turns per-frame plate sightings into one read per pass."""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from recognition.config import TrackerConfig
from recognition.plates.badges import badge_factor
from recognition.track.align import similarity
from recognition.track.images import encode_jpeg, panel_contrast, sharpness
from recognition.track.likeness import PlateEvidence
from recognition.track.suppress import RepeatSuppressor
from recognition.track.vehicle import (
    driving_at_end,
    drove,
    height_ratio,
    lower,
    motionless,
    nested,
    rigid,
    same_vehicle,
    still,
)
from recognition.track.voter import PlateVoter, Vote
from recognition.types import BBox, Frame, PlateObservation, PlateRead, VehicleColour

logger = logging.getLogger(__name__)

#: Ended tracks are kept this long to compare later tracks of the same vehicle with them.
CLOSED_KEEP_S = 3.0
#: Sightings of a track kept for the same-vehicle test.
HISTORY = 600
#: Plate width (px) from which a crop counts as fully sized when the best crop of a track is picked.
BEST_CROP_WIDTH = 160
#: A track below its rival on the vehicle counts this much more plate-like.
LOWER_BONUS = 1.4
#: How much a taller box counts on one vehicle: likeness x (height ratio, clamped to 0.5-2) ** weight.
HEIGHT_WEIGHT = 0.5
#: How much more clearly (in panel factor, 0.6..1) a rival must show a plate panel than a track before
#: the panel cue can make the track count as lettering on the rival's vehicle rather than another plate.
PANEL_MARGIN = 0.2
#: Likeness of a typical plate: such a track only loses to a rival that moves rigidly with it (two
#: plate-like tracks close together but drifting apart are two vehicles, one behind the other).
STRONG_LIKENESS = 0.6

#: A track lost for this many typical frame gaps (median interval between the frames this tracker
#: was given) has ended, whatever ``max_lost_s`` says: under load a camera's frames are processed
#: 1-2 times a second, and a wall-time limit below one gap would end every track at its first miss.
LOST_GAPS = 2.5
#: Frame intervals kept for that median.
GAP_HISTORY = 16
#: Frames this far apart (typical gap) are sparse: one strongly plate-like reading makes a pass.
SPARSE_GAP_S = 0.25
#: Frames this far apart (typical gap) are very sparse: a vehicle in view for about a second is seen
#: in one or two of them, so a single sighting is the usual pass, not a fragment of one.
VERY_SPARSE_GAP_S = 0.45  # about 2 processed frames a second or fewer
#: Likeness a track read in one frame of a very sparse stream needs to be a pass (STRONG_LIKENESS
#: between SPARSE_GAP_S and VERY_SPARSE_GAP_S). Pass clips, 2 and 1 processed fps (notes/passes.md).
SPARSE_LIKENESS = 0.4

#: Reads only the state of a plate crop: ``(code or None, confidence)`` (``PlateReader.state_of``).
StateReader = Callable[[np.ndarray], tuple[str | None, float]]


@dataclass(frozen=True, slots=True, eq=False)
class Sighting:
    """One plate in one frame with what the later stages need: crop and vehicle colour."""

    observation: PlateObservation
    crop: np.ndarray | None = None
    colour: VehicleColour | None = None


@dataclass(slots=True, eq=False)
class Track:
    """A plate followed across frames (mutable, internal to the tracker)."""

    track_id: str
    boxes: list[BBox]
    first_seen: float
    last_seen: float
    capture_ts: float
    voter: PlateVoter = field(default_factory=PlateVoter)
    frames: int = 0
    lost: int = 0
    last_text: str = ""
    best_score: float = -1.0
    best_crop: np.ndarray | None = None
    best_frame: np.ndarray | None = None
    best_box: BBox | None = None
    best_ts: float = 0.0
    emitted: bool = False
    previewed: bool = False
    suppressed: bool = False
    repeat: bool = False  # suppressed as a repeat of an earlier read (still a plate)
    history: list[tuple[float, BBox]] = field(default_factory=list)
    evidence: PlateEvidence = field(default_factory=PlateEvidence)
    likeness: float | None = None  # fixed when the track ends
    state_crop: np.ndarray | None = None  # the best crop whose state was read ahead (``state_read``)
    state_read: tuple[str | None, float] = (None, 0.0)

    def predicted(self) -> BBox:
        """Box expected in the next frame under constant velocity."""
        last = self.boxes[-1]
        if len(self.boxes) < 2 or self.lost > 0:
            return last
        prev = self.boxes[-2]
        return BBox(2 * last.x - prev.x, 2 * last.y - prev.y, max(1, 2 * last.w - prev.w), max(1, 2 * last.h - prev.h))


class PlateTracker:
    """Associates sightings across frames of ONE camera and emits :class:`PlateRead` events.

    Time comes only from frame timestamps, so tests drive it with simulated clocks.
    """

    def __init__(
        self, camera_id: str, config: TrackerConfig | None = None, *, state_reader: StateReader | None = None
    ) -> None:
        """Create a tracker for ``camera_id``.

        ``state_reader`` reads the state once per emitted read, on the best crop, when no reading
        of the track carried one (the per-frame reader skips the costly state lines).
        """
        self.camera_id = camera_id
        self.config = config or TrackerConfig()
        self._state_reader = state_reader
        self._tracks: list[Track] = []
        self._closed: deque[Track] = deque()
        self._suppressor = RepeatSuppressor(self.config.repeat_window_s, self.config.parked_window_s)
        self._frame_size = (0, 0)
        self._last_ts: float | None = None
        self._gaps: deque[float] = deque(maxlen=GAP_HISTORY)

    @property
    def active(self) -> int:
        """Number of live tracks."""
        return len(self._tracks)

    def expire(self, ts: float) -> list[PlateRead]:
        """End the tracks that are over by time alone at ``ts`` (the next frame's timestamp); their reads.

        A track lost for longer than the lost limit has ended whatever the next frame holds
        (:meth:`update` no longer lets such a track take a sighting), so its read need not wait for
        that frame's detection and reading: a runtime calls this as soon as it takes a frame, and
        the read is published one frame's processing earlier (notes/speed.md, ``frame_to_read``).
        Calling it or not gives the same reads: :meth:`update` expires first too.
        """
        if self._last_ts is not None and ts > self._last_ts:
            self._gaps.append(ts - self._last_ts)
        self._last_ts = ts
        limit = self._lost_limit_s()
        ended = [t for t in self._tracks if (t.lost > 0 and ts - t.last_seen >= limit) or self._leaving(t)]
        return self._end(ended)

    def _due(self, track: Track, now: float) -> bool:
        """True when ``track`` ends at the next frame unless its plate is found in it (:meth:`_is_over`)."""
        if self._at_edge(track.boxes[-1]):
            return True
        if track.lost == 0:
            return False
        next_ts = now + max(self._typical_gap(), 1e-6)
        return track.lost + 1 >= self.config.max_lost_frames or next_ts - track.last_seen >= self._lost_limit_s()

    def _read_state_ahead(self, track: Track) -> None:
        """Read the state of the best crop of a track about to end, if it is to be read.

        The state lines are the costliest part of a read (~3/4 of finishing it): read while this
        frame is processed, the read is published as soon as the next frame is taken instead of
        after a state reading (``frame_to_read``). Only a track that would be emitted now is read
        ahead, once per best crop, so no state is read that the read itself would not have read.
        """
        crop = track.best_crop
        if self._state_reader is None or crop is None or not crop.size or track.state_crop is crop:
            return
        if track.emitted or track.suppressed or not self._enough_frames(track):
            return
        cfg = self.config
        vote = track.voter.vote()
        if vote is None or vote.state is not None or vote.confidence < cfg.min_confidence or len(vote.text) < cfg.min_chars:
            return
        likeness = self._likeness(track, vote)
        if likeness < cfg.min_likeness or self._scenery(track, likeness):
            return
        track.state_crop, track.state_read = crop, self._state_reader(crop)

    def _leaving(self, track: Track) -> bool:
        """True when a plate at the frame's edge is expected outside the frame in the next frame.

        Its vehicle is driving out: at most a piece of the plate could be seen again, and a plate lost at
        the edge ends the track anyway (:meth:`_is_over`), so the pass is complete now.
        """
        width, height = self._frame_size
        if width <= 0 or len(track.boxes) < 2 or not self._at_edge(track.boxes[-1]):
            return False
        nxt = track.predicted()
        cx, cy = nxt.x + nxt.w / 2, nxt.y + nxt.h / 2
        return not (0 <= cx < width and 0 <= cy < height)

    def update(self, frame: Frame, sightings: Sequence[Sighting]) -> list[PlateRead]:
        """Feed one frame's sightings; return the reads completed (or previewed) by it."""
        self._frame_size = (frame.image.shape[1], frame.image.shape[0]) if frame.image.ndim >= 2 else (0, 0)
        reads = self.expire(frame.ts)
        matches = self._associate(sightings)
        matched_tracks = set()
        for idx, sighting in enumerate(sightings):
            track = matches.get(idx)
            if track is None:
                track = self._new_track(frame, sighting)
                self._tracks.append(track)
            self._extend(track, frame, sighting)
            matched_tracks.add(id(track))
        ended: list[Track] = []
        for track in self._tracks:
            if id(track) not in matched_tracks:
                track.lost += 1
                if self._is_over(track, frame.ts):
                    ended.append(track)
                    continue
            read = self._maybe_emit_early(track)
            if read is not None:
                reads.append(read)
        reads.extend(self._end(ended))
        for track in self._tracks:
            if self._due(track, frame.ts):
                self._read_state_ahead(track)
        while self._closed and frame.ts - self._closed[0].last_seen > CLOSED_KEEP_S:
            self._closed.popleft()
        self._suppressor.expire(frame.ts)
        return reads

    def _end(self, ended: list[Track]) -> list[PlateRead]:
        """Finish ``ended`` (live tracks), the best of a vehicle's tracks deciding first; their reads."""
        ended.sort(key=lambda t: -self._rivalry(t))
        reads: list[PlateRead] = []
        for track in ended:
            self._tracks.remove(track)
            read = self._finish(track)
            if read is not None:
                reads.append(read)
        return reads

    def flush(self) -> list[PlateRead]:
        """End every live track (end of a file, camera stopped) and return their reads."""
        tracks = sorted(self._tracks, key=lambda t: -self._rivalry(t))
        self._tracks.clear()
        reads = [r for r in (self._finish(t) for t in tracks) if r is not None]
        self._closed.clear()
        return reads

    # -- association ---------------------------------------------------------------------------
    def _associate(self, sightings: Sequence[Sighting]) -> dict[int, Track]:
        cfg = self.config
        candidates: list[tuple[float, int, int]] = []
        predicted = [track.predicted() for track in self._tracks]  # once per track, not per sighting
        for i, s in enumerate(sightings):
            box = s.observation.detection.box
            reading = s.observation.reading
            for j, track in enumerate(self._tracks):
                geo = max(predicted[j].iou(box), track.boxes[-1].iou(box))
                text_sim = similarity(reading.text, track.last_text) if reading and track.last_text else None
                near = _centre_distance(predicted[j], box) <= cfg.max_centre_jump * max(box.w, track.boxes[-1].w)
                if geo < cfg.iou_threshold and not (near and (text_sim is None or text_sim >= 0.5)):
                    continue
                geo_term = max(geo, 0.5 * cfg.iou_threshold) if near else geo
                score = geo_term if text_sim is None else (1 - cfg.text_weight) * geo_term + cfg.text_weight * text_sim
                candidates.append((score, i, j))
        candidates.sort(reverse=True)
        used_s: set[int] = set()
        used_t: set[int] = set()
        result: dict[int, Track] = {}
        for _, i, j in candidates:
            if i in used_s or j in used_t:
                continue
            used_s.add(i)
            used_t.add(j)
            result[i] = self._tracks[j]
        return result

    def _new_track(self, frame: Frame, sighting: Sighting) -> Track:
        box = sighting.observation.detection.box
        return Track(uuid.uuid4().hex, [box], frame.ts, frame.ts, frame.ts)

    def _extend(self, track: Track, frame: Frame, sighting: Sighting) -> None:
        obs = sighting.observation
        track.boxes.append(obs.detection.box)
        if len(track.boxes) > 8:
            del track.boxes[:-8]
        track.last_seen = frame.ts
        track.lost = 0
        track.history.append((frame.ts, obs.detection.box))
        if len(track.history) > HISTORY:
            del track.history[: -HISTORY // 2]
        text = obs.reading.text if obs.reading is not None else None
        track.evidence.add(obs.detection.box, text, panel_contrast(frame.image, obs.detection.box) if text else None)
        crop = sighting.crop
        sharp = sharpness(crop) if crop is not None and text else 0.5
        track.voter.add(obs.reading, sighting.colour, quality=obs.detection.box.w * (0.5 + sharp))
        if obs.reading is None or not obs.reading.text:
            return
        track.frames += 1
        track.last_text = obs.reading.text
        # the best crop is stored and its state read: prefer large crops (a small one looks sharp only
        # because downscaling concentrates its edges)
        score = obs.reading.confidence * sharp * min(1.0, obs.detection.box.w / BEST_CROP_WIDTH)
        if score > track.best_score:
            track.best_score = score
            track.best_crop = crop
            track.best_frame = frame.image
            track.best_box = obs.detection.box
            track.best_ts = frame.ts

    def _is_over(self, track: Track, now: float) -> bool:
        cfg = self.config
        if track.lost >= cfg.max_lost_frames or now - track.last_seen >= self._lost_limit_s():
            return True
        return self._at_edge(track.boxes[-1])

    def _enough_frames(self, track: Track) -> bool:
        """Whether an ended track was read in enough frames to be a pass.

        ``min_frames`` filters one-frame flickers at a camera's full rate. When this camera's
        frames come ``SPARSE_GAP_S`` or more apart (a loaded machine processes 1-4 a second) a
        vehicle is often in view for a single processed frame: one reading then suffices if it is
        strongly plate-like (``STRONG_LIKENESS``: plate syntax and shape), or, at ``VERY_SPARSE_GAP_S``
        and more (a single sighting is then the usual pass), plate-like enough (``SPARSE_LIKENESS``:
        letters-only vanity plates, a plate read with a character missing).
        """
        if track.frames >= self.config.min_frames:
            return True
        gap = self._typical_gap()
        if track.frames < 1 or gap < SPARSE_GAP_S:
            return False
        return self._likeness(track) >= (SPARSE_LIKENESS if gap >= VERY_SPARSE_GAP_S else STRONG_LIKENESS)

    def _typical_gap(self) -> float:
        """Median interval between the frames this tracker was given (0 before two frames)."""
        if not self._gaps:
            return 0.0
        gaps = sorted(self._gaps)
        return gaps[len(gaps) // 2]

    def _lost_limit_s(self) -> float:
        """How long a track may go without its plate: ``max_lost_s``, or ``LOST_GAPS`` typical frame gaps.

        Counted in the frames this tracker actually processed, so a loaded machine (or a camera
        delivering few frames) does not end every track at its first missed frame; a long stall
        (many gaps) still ends it.
        """
        return max(self.config.max_lost_s, LOST_GAPS * self._typical_gap())

    def _at_edge(self, box: BBox) -> bool:
        width, height = self._frame_size
        m = self.config.edge_margin_px
        return width > 0 and (box.x <= m or box.y <= m or box.x + box.w >= width - m or box.y + box.h >= height - m)

    # -- emission ------------------------------------------------------------------------------
    def _maybe_emit_early(self, track: Track) -> PlateRead | None:
        cfg = self.config
        if track.emitted or track.suppressed or track.frames < cfg.min_frames:
            return None  # early reads keep min_frames: a sparse single sighting waits for the track's end
        if track.last_seen - track.first_seen >= cfg.emit_after_s:
            return self._emit(track, preview=False)
        if cfg.preview_after_frames and not track.previewed and track.frames >= cfg.preview_after_frames:
            return self._emit(track, preview=True)
        return None

    def _finish(self, track: Track) -> PlateRead | None:
        track.likeness = self._likeness(track)
        self._closed.append(track)
        if track.emitted or track.suppressed:
            self._remember(track)
            return None
        if not self._enough_frames(track):
            return None
        read = self._emit(track, preview=False)
        if read is None and track.suppressed and not track.repeat and still(track.history):
            self._remember(track)  # a sign that is not a plate: its later misreadings are repeats too
        return read

    def _remember(self, track: Track, vote: Vote | None = None) -> None:
        """Remember ``track``'s text (``vote``: its vote, when at hand) where and when it was last seen."""
        vote = vote or track.voter.vote()
        if vote is not None:
            self._suppressor.remember(vote.text, track.boxes[-1], track.last_seen, moving=driving_at_end(track.history))

    def _emit(self, track: Track, *, preview: bool) -> PlateRead | None:
        cfg = self.config
        vote = track.voter.vote()
        if vote is None or vote.confidence < cfg.min_confidence or len(vote.text) < cfg.min_chars:
            return None
        box = track.boxes[-1]
        likeness = self._likeness(track, vote)
        if likeness < cfg.min_likeness or self._scenery(track, likeness) or (
            not preview and self._outranked(track, likeness)
        ):
            track.suppressed = not preview
            logger.debug("camera %s: %s is not the plate of its vehicle (%.2f)", self.camera_id, vote.text, likeness)
            return None
        if not track.previewed and self._suppressor.is_repeat(vote.text, box, track.first_seen, moving=drove(track.history)):
            track.suppressed = track.repeat = True
            self._remember(track, vote)
            logger.debug("camera %s: suppressed repeat of %s", self.camera_id, vote.text)
            return None
        if preview:
            track.previewed = True
        else:
            track.emitted = True
            self._remember(track, vote)
        return self._to_read(track, vote, preview)

    def _likeness(self, track: Track, vote: Vote | None = None) -> float:
        """How plate-like ``track`` is (0..1; fixed once the track has ended).

        Text, shape and persistence only: the thresholds that drop a track on its own (``min_likeness``,
        scenery, a sparse stream's single sighting) never see the panel cue, since a white plate on a
        white car shows no panel and must still be read.
        """
        if track.likeness is not None:
            return track.likeness
        vote = vote or track.voter.vote()
        return track.evidence.score(vote.text, panel=False) if vote is not None else 0.0

    def _rivalry(self, track: Track, likeness: float | None = None) -> float:
        """Likeness weighed by the plate panel cue and badges: how ``track`` fares against a rival on its vehicle."""
        return self._as_rival(track, likeness) * track.evidence.panel_factor()

    def _as_rival(self, track: Track, likeness: float | None = None) -> float:
        """Likeness against a rival on the same vehicle, without the panel cue.

        A make, model or trim badge ("4RUNNER", "RAV4") counts ``BADGE_FACTOR`` of it
        (:mod:`recognition.plates.badges`).
        """
        vote = track.voter.vote()  # once: the likeness of a live track is computed from it too
        if likeness is None:
            likeness = self._likeness(track, vote)
        return likeness * (badge_factor(vote.text) if vote is not None else 1.0)

    def _scenery(self, track: Track, likeness: float | None = None) -> bool:
        """True for text that has not moved at all and does not look like a plate serial.

        Signs, wall lettering and a parked vehicle's badges are read between passing vehicles as
        often as plates are; they never move. A plate-like text that does not move (a parked car's
        plate) is still read; a plate seen while its vehicle moves needs no such syntax.
        """
        if not motionless(track.history):
            return False
        return (self._likeness(track) if likeness is None else likeness) < STRONG_LIKENESS

    def _eligible(self, track: Track) -> bool:
        """Whether ``track`` is, or could become, a read (a rival that cannot be read never wins)."""
        if track.emitted or track.repeat:
            return True
        if self._scenery(track):
            return False
        if track.likeness is None:  # still live: it may yet be read
            return track.frames > 0
        if track.suppressed or not self._enough_frames(track):
            return False
        vote = track.voter.vote()
        cfg = self.config
        return (vote is not None and vote.confidence >= cfg.min_confidence and len(vote.text) >= cfg.min_chars
                and self._likeness(track, vote) >= cfg.min_likeness)

    def _outranked(self, track: Track, likeness: float) -> bool:
        """True when a more plate-like track rides on the same vehicle (live or recently ended)."""
        for other in (*self._tracks, *self._closed):
            if other is track or not same_vehicle(track.history, other.history):
                continue
            taller = min(2.0, max(0.5, height_ratio(track.history, other.history))) ** HEIGHT_WEIGHT
            weighed = self._rivalry(track, likeness)
            mine = weighed * taller * (LOWER_BONUS if lower(track.history, other.history) else 1.0)
            theirs = self._rivalry(other) / taller * (LOWER_BONUS if lower(other.history, track.history) else 1.0)
            # the panel cue decides whether a plate-like text is another vehicle's plate only when the rival
            # shows a panel clearly and this track does not (lettering beside a plate); two plates without a
            # visible panel (white plates on white cars) are judged on their text, as without the cue
            shown = other.evidence.panel_factor() - track.evidence.panel_factor() >= PANEL_MARGIN
            # a badge is never strong enough to be another vehicle's plate: it rides on this one
            strong = weighed if shown else self._as_rival(track, likeness)
            if strong >= STRONG_LIKENESS and not rigid(track.history, other.history) and not nested(
                track.history, other.history
            ):
                continue  # two plate-like tracks not moving as one (nor one inside the other): two vehicles
            if theirs > mine and self._eligible(other):
                return True
        return False

    def _to_read(self, track: Track, vote: Vote, preview: bool) -> PlateRead:
        cfg = self.config
        crop = track.best_crop if track.best_crop is not None else np.zeros((0, 0, 3), np.uint8)
        overview = track.best_frame if track.best_frame is not None else np.zeros((0, 0, 3), np.uint8)
        state, state_confidence = vote.state, vote.state_confidence
        if state is None and self._state_reader is not None and crop.size:
            ahead = track.state_crop is not None and track.state_crop is track.best_crop
            found, confidence = track.state_read if ahead else self._state_reader(crop)
            if found:
                state, state_confidence = found, confidence
        return PlateRead(
            read_id=track.track_id,
            camera_id=self.camera_id,
            text=vote.text,
            confidence=vote.confidence,
            char_confidences=vote.char_confidences,
            alternatives=vote.alternatives,
            state=state,
            state_confidence=state_confidence,
            colour=vote.colour,
            box=track.best_box or track.boxes[-1],
            plate_jpeg=encode_jpeg(crop, cfg.jpeg_quality),
            overview_jpeg=encode_jpeg(overview, cfg.jpeg_quality, cfg.overview_max_width),
            first_seen=track.first_seen,
            last_seen=track.last_seen,
            best_ts=track.best_ts,
            frame_count=track.frames,
            preview=preview,
            capture_ts=track.capture_ts,
        )


def _centre_distance(a: BBox, b: BBox) -> float:
    return float(np.hypot(a.x + a.w / 2 - b.x - b.w / 2, a.y + a.h / 2 - b.y - b.h / 2))
