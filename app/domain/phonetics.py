"""Spoken form of plates and states for hit announcements (pure Python, no Qt).

Plates are spelled character by character in the APCO alphabet radio dispatchers use in the US
("Adam Boy Charles"), or in the NATO/ICAO alphabet, as a setting. Digits are always spoken one by
one, and 0 is "zero", never "oh" (an "oh" is heard as the letter O, the most common plate
look-alike). State codes (NCIC LIS) become state names, so "CA" is heard as "California".
"""

from __future__ import annotations

import re
from enum import StrEnum


class PhoneticAlphabet(StrEnum):
    APCO = "apco"
    NATO = "nato"


_APCO_WORDS = (
    "Adam Boy Charles David Edward Frank George Henry Ida John King Lincoln Mary Nora Ocean Paul "
    "Queen Robert Sam Tom Union Victor William X-ray Young Zebra"
).split()
_NATO_WORDS = (
    "Alfa Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike November Oscar "
    "Papa Quebec Romeo Sierra Tango Uniform Victor Whiskey X-ray Yankee Zulu"
).split()
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

ALPHABETS: dict[PhoneticAlphabet, dict[str, str]] = {
    PhoneticAlphabet.APCO: dict(zip(_LETTERS, _APCO_WORDS, strict=True)),
    PhoneticAlphabet.NATO: dict(zip(_LETTERS, _NATO_WORDS, strict=True)),
}
DIGITS: dict[str, str] = dict(
    zip("0123456789", "zero one two three four five six seven eight nine".split(), strict=True)
)

# NCIC state/province codes (LIS). US states, DC, territories, Canadian provinces (old NCIC and
# current postal codes), Mexico and US-government plates.
STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands", "US": "U.S. Government",
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NF": "Newfoundland", "NL": "Newfoundland and Labrador", "NS": "Nova Scotia",
    "NT": "Northwest Territories", "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island",
    "PQ": "Quebec", "QC": "Quebec", "SK": "Saskatchewan", "YT": "Yukon", "MX": "Mexico",
}  # fmt: skip

_NOT_PLATE_CHARS = re.compile(r"[^A-Z0-9]")


def normalise_plate(plate: str) -> str:
    """Uppercase and strip everything but A-Z and 0-9 (the NCIC rule)."""
    return _NOT_PLATE_CHARS.sub("", plate.upper())


def spell_plate(plate: str, alphabet: PhoneticAlphabet = PhoneticAlphabet.APCO) -> tuple[str, ...]:
    """Return one spoken word per plate character: "7AB0" -> ("seven", "Adam", "Boy", "zero")."""
    words = ALPHABETS[PhoneticAlphabet(alphabet)]
    return tuple(DIGITS[c] if c.isdigit() else words[c] for c in normalise_plate(plate))


def spoken_plate(plate: str, alphabet: PhoneticAlphabet = PhoneticAlphabet.APCO) -> str:
    """Plate as one phrase; commas give the speech engine a short pause between characters."""
    return ", ".join(spell_plate(plate, alphabet))


def state_name(code: str | None, alphabet: PhoneticAlphabet = PhoneticAlphabet.APCO) -> str:
    """Spoken name of an NCIC state code; an unknown code is spelled, a missing one says so."""
    clean = normalise_plate(code or "")
    if not clean:
        return "state unknown"
    if clean in STATE_NAMES:
        return STATE_NAMES[clean]
    return "state " + spoken_plate(clean, alphabet)


def _clean_phrase(text: str) -> str:
    return " ".join(text.replace(".", " ").split())


def build_announcement(
    *,
    hit_type: str,
    camera: str,
    location: str,
    plate: str,
    state: str | None,
    alphabet: PhoneticAlphabet = PhoneticAlphabet.APCO,
    reminder: bool = False,
) -> str:
    """Compose the sentence spoken for a hit.

    Order: hit type, camera and location, plate in phonetics, state. Sentences end with a full
    stop so the engine pauses between parts; free-text parts are cleaned of stray full stops.

    >>> build_announcement(hit_type="Stolen vehicle", camera="North Gate", location="Main St",
    ...                    plate="7AB 01", state="CA")
    'Stolen vehicle hit. Camera North Gate, Main St. Plate seven, Adam, Boy, zero, one. California.'
    """
    parts = []
    if reminder:
        parts.append("Reminder, unacknowledged")
    parts.append(f"{_clean_phrase(hit_type) or 'Hot list'} hit")
    where = ", ".join(p for p in (_clean_phrase(camera), _clean_phrase(location)) if p)
    if where:
        parts.append(f"Camera {where}")
    parts.append(f"Plate {spoken_plate(plate, alphabet) or 'unreadable'}")
    parts.append(state_name(state, alphabet))
    return ". ".join(parts) + "."
