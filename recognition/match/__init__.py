"""Hot-list matcher: exact, OCR look-alike tolerant, missing/extra character and wildcard matching.

Pure Python + numpy; no Qt, no database. Build a :class:`HotListIndex` from the active entries
(off the hot path), hand it to :meth:`Matcher.swap`, call :meth:`Matcher.match` per read.
"""

from recognition.match.config import MatchConfig
from recognition.match.confusion import LOOKALIKE_GROUPS, fold, normalise
from recognition.match.index import HotListIndex, IndexEntry
from recognition.match.matcher import Match, Matcher, MatchKind, StateMatch

__all__ = [
    "LOOKALIKE_GROUPS", "HotListIndex", "IndexEntry", "Match", "MatchConfig", "MatchKind", "Matcher",
    "StateMatch", "fold", "normalise",
]
