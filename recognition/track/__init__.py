"""Tracking and voting: one :class:`~recognition.types.PlateRead` per vehicle pass."""

from recognition.track.align import align_to, levenshtein, similarity
from recognition.track.suppress import RepeatSuppressor
from recognition.track.tracker import PlateTracker, Sighting
from recognition.track.voter import PlateVoter, Vote

__all__ = [
    "PlateTracker",
    "PlateVoter",
    "RepeatSuppressor",
    "Sighting",
    "Vote",
    "align_to",
    "levenshtein",
    "similarity",
]
