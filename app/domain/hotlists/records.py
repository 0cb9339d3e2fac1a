"""Hot-list record values and plate normalisation.

``HotListRecord`` is what a parsed hot-list row becomes; the import service writes these into
``hotlist_entries``. Plates follow the NCIC rule: uppercase, no spaces, hyphens or symbols.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, make_dataclass
from datetime import date
from enum import StrEnum

#: Longest plate NCIC accepts (LIC is 1-10 characters).
MAX_PLATE_LENGTH = 10

_NON_PLATE = re.compile(r"[^A-Z0-9]")
_NON_PATTERN = re.compile(r"[^A-Z0-9*?]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_A-Za-z]")


class RecordCategory(StrEnum):
    """What kind of record a hot-list row is (drives colour, sound and priority)."""

    AMBER_ALERT = "amber_alert"
    MISSING_PERSON = "missing_person"
    WANTED_PERSON = "wanted_person"
    VIOLENT_PERSON = "violent_person"
    GANG_TERRORIST = "gang_terrorist"
    STOLEN_VEHICLE = "stolen_vehicle"
    STOLEN_CANADIAN_VEHICLE = "stolen_canadian_vehicle"
    STOLEN_BOAT = "stolen_boat"
    PROTECTION_ORDER = "protection_order"
    STOLEN_PLATE = "stolen_plate"
    FELONY_VEHICLE = "felony_vehicle"
    SUPERVISED_RELEASE = "supervised_release"
    SEX_OFFENDER = "sex_offender"
    PROTECTIVE_INTEREST = "protective_interest"
    IMMIGRATION_VIOLATOR = "immigration_violator"
    LOCAL_BOLO = "local_bolo"
    ADMINISTRATIVE = "administrative"
    UNKNOWN = "unknown"


def normalise_plate(text: str) -> str:
    """Uppercase and drop everything but A-Z and 0-9 (NCIC: no spaces, hyphens or symbols).

    >>> normalise_plate(" ab-12 3")
    'AB123'
    """
    up = text.upper()
    if up.isalnum() and up.isascii():
        return up
    return _NON_PLATE.sub("", up)


def normalise_pattern(text: str) -> str:
    """Like :func:`normalise_plate` but keeps the wildcards ``*`` and ``?`` of local entries."""
    return _NON_PATTERN.sub("", text.upper())


def has_foreign_letters(text: str) -> bool:
    """True when ``text`` holds letters outside A-Z (e.g. mojibake from a wrong encoding)."""
    return not text.isascii() and _NON_ASCII_LETTER.search(text) is not None


@dataclass(frozen=True, slots=True)
class HotListRecord:
    """One hot-list row after parsing, validation and normalisation.

    Code fields (state, types, vehicle descriptors) are NCIC codes as found in the file, stripped,
    uppercased and with zero-for-O repaired in purely alphabetic codes; ``None`` when absent.
    """

    plate: str
    plate_raw: str
    state: str | None
    record_type: str
    category: RecordCategory
    priority: int
    covert: bool
    nic: str | None
    ori: str | None
    entry_date: date | None
    lic_year: str | None
    lic_type: str | None
    vehicle_year: str | None
    vehicle_make: str | None
    vehicle_model: str | None
    vehicle_style: str | None
    vehicle_colour: str | None
    expiry: date | None
    oca: str | None
    remarks: str | None
    line_no: int


# A frozen dataclass __init__ costs ~20 object.__setattr__ calls (~5 us per record here); a
# mutable twin with the identical slot layout builds in ~0.5 us and is then re-classed, which
# keeps a million-row import in budget while the public type stays a frozen dataclass.
_MutableRecord = make_dataclass(
    "_MutableRecord",
    [(f.name, f.type) for f in fields(HotListRecord)],
    slots=True,
)


def make_record(*values: object) -> HotListRecord:
    """Build a :class:`HotListRecord` fast from positional values in field order (no checks)."""
    obj = _MutableRecord(*values)
    obj.__class__ = HotListRecord
    return obj  # type: ignore[return-value]
