"""Map the small text lines of a US plate (state name, slogan, website) to a state code.

Plates print the state name and often a slogan ("Land of Lincoln") or a website
("dmv.ca.gov"). OCR of these small lines is noisy, so matching is fuzzy: each phrase is compared
with every same-length window of the line's letters (approximate substring matching) and scored
``1 - edits / len(phrase)``. Longer phrases are more trustworthy, so very short phrases (the
two-letter code itself) are not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

#: Phrases seen on plates, by state code. Names first; slogans and web addresses after.
STATE_PHRASES: dict[str, tuple[str, ...]] = {
    "AL": ("ALABAMA", "HEART OF DIXIE", "SWEET HOME ALABAMA", "STARS FELL ON ALABAMA"),
    "AK": ("ALASKA", "THE LAST FRONTIER", "NORTH TO THE FUTURE"),
    "AZ": ("ARIZONA", "GRAND CANYON STATE"),
    "AR": ("ARKANSAS", "THE NATURAL STATE", "LAND OF OPPORTUNITY"),
    "CA": ("CALIFORNIA", "DMV.CA.GOV", "GOLDEN STATE"),
    "CO": ("COLORADO", "CENTENNIAL STATE"),
    "CT": ("CONNECTICUT", "CONSTITUTION STATE", "PRESERVING THE PAST"),
    "DE": ("DELAWARE", "THE FIRST STATE", "FIRST STATE"),
    "DC": ("DISTRICT OF COLUMBIA", "WASHINGTON DC", "TAXATION WITHOUT REPRESENTATION",
           "CELEBRATE AND DISCOVER", "END TAXATION"),
    "FL": ("FLORIDA", "SUNSHINE STATE", "MYFLORIDA.COM", "MY FLORIDA"),
    "GA": ("GEORGIA", "PEACH STATE"),
    "HI": ("HAWAII", "ALOHA STATE"),
    "ID": ("IDAHO", "FAMOUS POTATOES", "SCENIC IDAHO"),
    "IL": ("ILLINOIS", "LAND OF LINCOLN"),
    "IN": ("INDIANA", "CROSSROADS OF AMERICA", "HOOSIER STATE"),
    "IA": ("IOWA", "FIELDS OF OPPORTUNITIES"),
    "KS": ("KANSAS", "SUNFLOWER STATE"),
    "KY": ("KENTUCKY", "UNBRIDLED SPIRIT", "BLUEGRASS STATE"),
    "LA": ("LOUISIANA", "SPORTSMANS PARADISE", "SPORTSMAN'S PARADISE", "BAYOU STATE", "PELICAN STATE"),
    "ME": ("MAINE", "VACATIONLAND", "PINE TREE STATE"),
    "MD": ("MARYLAND", "MARYLAND.GOV", "VISITMARYLAND", "SPIRIT OF TOLERANCE"),
    "MA": ("MASSACHUSETTS", "THE SPIRIT OF AMERICA", "SPIRIT OF AMERICA"),
    "MI": ("MICHIGAN", "GREAT LAKES", "PURE MICHIGAN", "WATER WINTER WONDERLAND"),
    "MN": ("MINNESOTA", "10,000 LAKES"),
    "MS": ("MISSISSIPPI", "MAGNOLIA STATE", "BIRTHPLACE OF AMERICA'S MUSIC"),
    "MO": ("MISSOURI", "SHOW-ME STATE", "SHOW ME STATE"),
    "MT": ("MONTANA", "BIG SKY", "TREASURE STATE"),
    "NE": ("NEBRASKA", "THE GOOD LIFE", "CORNHUSKER STATE"),
    "NV": ("NEVADA", "SILVER STATE", "HOME MEANS NEVADA", "BATTLE BORN"),
    "NH": ("NEW HAMPSHIRE", "LIVE FREE OR DIE", "GRANITE STATE"),
    "NJ": ("NEW JERSEY", "GARDEN STATE", "CROSSROADS OF THE AMERICAN REVOLUTION"),
    "NM": ("NEW MEXICO", "LAND OF ENCHANTMENT", "USA"),
    "NY": ("NEW YORK", "EMPIRE STATE", "EXCELSIOR"),
    "NC": ("NORTH CAROLINA", "FIRST IN FLIGHT", "FIRST IN FREEDOM"),
    "ND": ("NORTH DAKOTA", "PEACE GARDEN STATE", "LEGENDARY", "DISCOVER THE SPIRIT"),
    "OH": ("OHIO", "BIRTHPLACE OF AVIATION", "ROUND ON THE ENDS", "BEAUTIFUL OHIO"),
    "OK": ("OKLAHOMA", "NATIVE AMERICA", "OK!", "TRAVELOK.COM", "EXPLORE OKLAHOMA"),
    "OR": ("OREGON", "PACIFIC WONDERLAND"),
    "PA": ("PENNSYLVANIA", "VISITPA.COM", "KEYSTONE STATE", "VISITPA"),
    "RI": ("RHODE ISLAND", "OCEAN STATE"),
    "SC": ("SOUTH CAROLINA", "WHILE I BREATHE I HOPE", "SMILING FACES", "BEAUTIFUL PLACES"),
    "SD": ("SOUTH DAKOTA", "GREAT FACES", "GREAT PLACES", "MOUNT RUSHMORE"),
    "TN": ("TENNESSEE", "VOLUNTEER STATE", "TNVACATION.COM", "SOUNDS GOOD TO ME"),
    "TX": ("TEXAS", "LONE STAR STATE", "THE LONE STAR STATE"),
    "UT": ("UTAH", "LIFE ELEVATED", "GREATEST SNOW ON EARTH"),
    "VT": ("VERMONT", "GREEN MOUNTAIN STATE", "GREEN MOUNTAINS"),
    "VA": ("VIRGINIA", "VIRGINIA IS FOR LOVERS", "OLD DOMINION"),
    "WA": ("WASHINGTON", "EVERGREEN STATE"),
    "WV": ("WEST VIRGINIA", "WILD AND WONDERFUL", "WILD WONDERFUL", "MOUNTAIN STATE",
           "ALMOST HEAVEN"),
    "WI": ("WISCONSIN", "AMERICA'S DAIRYLAND", "DAIRYLAND", "FORWARD"),
    "WY": ("WYOMING", "LIKE NO PLACE ON EARTH", "EQUALITY STATE", "COWBOY STATE"),
}

#: Shorter phrases (after removing spaces and symbols) match by chance too easily.
_MIN_PHRASE = 4
_NON_LETTERS = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True)
class StateMatch:
    """Best state for a set of lines with a 0..1 confidence and the phrase that matched."""

    code: str
    confidence: float
    phrase: str


def _squash(text: str) -> str:
    return _NON_LETTERS.sub("", text.upper())


def _substring_similarity(phrase: str, line: str) -> float:
    """``1 - min edits / len(phrase)`` of ``phrase`` against any substring of ``line``."""
    return float(_similarities([phrase], line)[0]) if phrase else 0.0


def _similarities(phrases: list[str], line: str) -> np.ndarray:
    """Vectorised :func:`_substring_similarity` of many phrases against one line.

    Semi-global edit distance (free start and end in the line), one DP row per phrase character
    for all phrases at once. The in-row dependency ``cur[j] <= cur[j-1] + 1`` is resolved with
    a running minimum of ``cur[j] - j``.
    """
    lengths = np.array([len(p) for p in phrases])
    if not line:
        return np.zeros(len(phrases))
    codes = np.full((len(phrases), int(lengths.max())), -1, dtype=np.int32)
    for k, p in enumerate(phrases):
        codes[k, : len(p)] = [ord(c) for c in p]
    line_codes = np.array([ord(c) for c in line], dtype=np.int32)
    m = len(line_codes)
    cols = np.arange(m + 1)
    prev = np.zeros((len(phrases), m + 1), dtype=np.int32)
    result = np.zeros(len(phrases), dtype=np.int32)
    for i in range(codes.shape[1]):
        cost = (codes[:, i : i + 1] != line_codes[None, :]).astype(np.int32)
        base = np.empty_like(prev)
        base[:, 0] = prev[:, 0] + 1
        base[:, 1:] = np.minimum(prev[:, 1:] + 1, prev[:, :-1] + cost)
        cur = np.minimum.accumulate(base - cols, axis=1) + cols
        done = lengths == i + 1
        result[done] = cur[done].min(axis=1)
        prev = cur
    return np.clip(1.0 - result / np.maximum(lengths, 1), 0.0, 1.0)


_ENTRIES: tuple[tuple[str, str, str], ...] = tuple(
    (code, phrase, _squash(phrase))
    for code, phrases in STATE_PHRASES.items()
    for phrase in phrases
    if len(_squash(phrase)) >= _MIN_PHRASE
)
_KEYS = [key for _, _, key in _ENTRIES]


def match_state(lines: list[str], min_similarity: float = 0.7) -> StateMatch | None:
    """Best-matching state for the small text lines of one plate.

    A phrase's score is its similarity weighted by its length (long phrases are reliable,
    four-letter ones can appear by chance). "WEST VIRGINIA" also contains "VIRGINIA": the longer
    phrase wins because its score is higher.

    Args:
        lines: Raw OCR text of the small lines (any case, any symbols).
        min_similarity: Similarity below which a phrase does not count.

    Returns:
        The best match, or None when nothing is similar enough.

    """
    squashed = [_squash(line) for line in lines]
    squashed = [s for s in squashed if len(s) >= 3]
    if not squashed:
        return None
    sims = np.max([_similarities(_KEYS, s) for s in squashed], axis=0)
    best: tuple[float, int, str, str] | None = None
    for (code, phrase, key), sim in zip(_ENTRIES, sims, strict=True):
        if sim < min_similarity:
            continue
        weight = min(1.0, len(key) / 8.0)
        score = sim * (0.6 + 0.4 * weight)
        # Ties go to the longer phrase ("WEST VIRGINIA" over its substring "VIRGINIA").
        if best is None or (score, len(key)) > best[:2]:
            best = (score, len(key), code, phrase)
    if best is None:
        return None
    score, _length, code, phrase = best
    return StateMatch(code=code, confidence=round(float(min(1.0, score)), 3), phrase=phrase)
