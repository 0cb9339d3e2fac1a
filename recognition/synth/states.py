"""Colour schemes and serial formats of US-style plates used by the synthetic renderer.

Approximations for demo and test imagery only: the layout (state name on top, large serial in the
middle, optional slogan below) and the colour families are what matter, not exact artwork.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BGR = tuple[int, int, int]


def _bgr(hex_rgb: str) -> BGR:
    value = int(hex_rgb.lstrip("#"), 16)
    return (value & 0xFF, (value >> 8) & 0xFF, value >> 16)


@dataclass(frozen=True, slots=True)
class PlateScheme:
    """How one state's plate looks and which serial formats it uses.

    Formats use ``L`` for a letter, ``D`` for a digit and ``-``/space for a printed gap that is
    not part of the plate text.
    """

    code: str
    name: str
    background: BGR
    background_bottom: BGR
    text: BGR
    state_text: BGR
    band: BGR | None = None  # colour of a band behind the state name
    slogan: str = ""
    formats: tuple[str, ...] = ("LLL DDDD",)


SCHEMES: dict[str, PlateScheme] = {
    s.code: s
    for s in (
        PlateScheme("CA", "California", _bgr("f4f6f8"), _bgr("e8ecf0"), _bgr("1b2a6b"), _bgr("c0202a"),
                    slogan="DMV.CA.GOV", formats=("DLLLDDD",)),
        PlateScheme("TX", "TEXAS", _bgr("f2f2ee"), _bgr("d9dde2"), _bgr("111111"), _bgr("111111"),
                    slogan="THE LONE STAR STATE", formats=("LLL-DDDD",)),
        PlateScheme("NY", "NEW YORK", _bgr("f7f3e6"), _bgr("f2b33d"), _bgr("13294b"), _bgr("13294b"),
                    band=_bgr("13294b"), slogan="EXCELSIOR", formats=("LLL-DDDD",)),
        PlateScheme("FL", "FLORIDA", _bgr("f7f7f4"), _bgr("eef3ea"), _bgr("0f5a2e"), _bgr("0f5a2e"),
                    slogan="SUNSHINE STATE", formats=("LLLL DD", "LLL LDD", "DDD LLL")),
        PlateScheme("PA", "PENNSYLVANIA", _bgr("f6f6f2"), _bgr("f1e7b5"), _bgr("12235a"), _bgr("f3c316"),
                    band=_bgr("12235a"), slogan="visitPA.com", formats=("LLL-DDDD",)),
        PlateScheme("IL", "Illinois", _bgr("f6f6f6"), _bgr("e6e9ef"), _bgr("1a1a3a"), _bgr("b01c2e"),
                    slogan="LAND OF LINCOLN", formats=("LL DDDDD", "LLL DDDD")),
        PlateScheme("OH", "OHIO", _bgr("f8f6ee"), _bgr("e4e8f4"), _bgr("1a2a6c"), _bgr("b22234"),
                    slogan="BIRTHPLACE OF AVIATION", formats=("LLL DDDD",)),
        PlateScheme("GA", "GEORGIA", _bgr("f5f5f2"), _bgr("f2e3c8"), _bgr("151515"), _bgr("151515"),
                    slogan="IN GOD WE TRUST", formats=("LLL DDDD",)),
        PlateScheme("NJ", "NEW JERSEY", _bgr("efe4b0"), _bgr("e6d48a"), _bgr("111111"), _bgr("111111"),
                    slogan="GARDEN STATE", formats=("LDDLLL", "LLL DDL")),
        PlateScheme("AZ", "ARIZONA", _bgr("cfe3f2"), _bgr("f0a55a"), _bgr("5a1a12"), _bgr("5a1a12"),
                    slogan="GRAND CANYON STATE", formats=("LLL DDDD",)),
        PlateScheme("WA", "Washington", _bgr("f3f5f8"), _bgr("dde6ef"), _bgr("1d2f6f"), _bgr("1d2f6f"),
                    slogan="EVERGREEN STATE", formats=("LLLDDDD",)),
        PlateScheme("MI", "MICHIGAN", _bgr("f5f5f5"), _bgr("eaeaea"), _bgr("0e1e4e"), _bgr("0e1e4e"),
                    slogan="PURE MICHIGAN", formats=("LLL DDDD",)),
        PlateScheme("MA", "Massachusetts", _bgr("f8f8f8"), _bgr("ececec"), _bgr("8e1b22"), _bgr("8e1b22"),
                    slogan="THE SPIRIT OF AMERICA", formats=("DLLL DD", "DDL LDD")),
        PlateScheme("VA", "VIRGINIA", _bgr("f7f7f7"), _bgr("ebebeb"), _bgr("17275e"), _bgr("17275e"),
                    formats=("LLL-DDDD",)),
        PlateScheme("NC", "NORTH CAROLINA", _bgr("f6f3ef"), _bgr("d9e1ee"), _bgr("1c2f73"), _bgr("a6192e"),
                    slogan="FIRST IN FLIGHT", formats=("LLL-DDDD",)),
        PlateScheme("CO", "COLORADO", _bgr("eef3ee"), _bgr("f6f6f6"), _bgr("0a5a2a"), _bgr("f6f6f6"),
                    band=_bgr("0a5a2a"), formats=("LLL-DDDD", "DDD-LLL")),
        PlateScheme("NV", "NEVADA", _bgr("cfe0f2"), _bgr("f3e1c0"), _bgr("13235e"), _bgr("13235e"),
                    slogan="HOME MEANS NEVADA", formats=("DDDLDD", "DDL DDD")),
        PlateScheme("OR", "OREGON", _bgr("f4f4f0"), _bgr("dfe9dc"), _bgr("1c2755"), _bgr("1c2755"),
                    formats=("DDD LLL", "LLL DDD")),
        PlateScheme("MN", "MINNESOTA", _bgr("f4f7fb"), _bgr("cfe0f2"), _bgr("1b3a8c"), _bgr("1b3a8c"),
                    slogan="10,000 LAKES", formats=("LLL-DDD", "DDD-LLL")),
        PlateScheme("TN", "TENNESSEE", _bgr("f3f6fa"), _bgr("bcd2ea"), _bgr("0f2250"), _bgr("0f2250"),
                    formats=("LDD-DDL", "LLL-DDD")),
        PlateScheme("MD", "MARYLAND", _bgr("f7f7f7"), _bgr("ededed"), _bgr("111111"), _bgr("b5121b"),
                    formats=("DLL DDDD", "LLL DDDD")),
        PlateScheme("IN", "INDIANA", _bgr("f5f5f5"), _bgr("e7ecf3"), _bgr("13255a"), _bgr("13255a"),
                    slogan="IN GOD WE TRUST", formats=("DDDL", "DDDLLL")),
        PlateScheme("DE", "DELAWARE", _bgr("132a5c"), _bgr("0e2148"), _bgr("e8c15a"), _bgr("e8c15a"),
                    slogan="THE FIRST STATE", formats=("DDDDDD",)),
        PlateScheme("SC", "SOUTH CAROLINA", _bgr("f5f5f2"), _bgr("f1e6d3"), _bgr("11214f"), _bgr("11214f"),
                    slogan="WHILE I BREATHE I HOPE", formats=("LLL DDD",)),
    )
}

#: Letters most states print in serials (I, O and Q are usually avoided).
SERIAL_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"


def random_serial(state: str, rng: np.random.Generator) -> tuple[str, str]:
    """Random serial in one of ``state``'s formats.

    Returns:
        ``(text, printed)``: the normalised plate text (0-9A-Z only) and the printed form with
        gaps or dashes as they appear on the plate.

    """
    scheme = SCHEMES[state]
    fmt = scheme.formats[int(rng.integers(len(scheme.formats)))]
    printed = []
    for ch in fmt:
        if ch == "L":
            printed.append(SERIAL_LETTERS[int(rng.integers(len(SERIAL_LETTERS)))])
        elif ch == "D":
            printed.append(DIGITS[int(rng.integers(len(DIGITS)))])
        else:
            printed.append(ch)
    shown = "".join(printed)
    return normalise(shown), shown


def normalise(text: str) -> str:
    """Uppercase and keep only 0-9A-Z (the NCIC form of a plate)."""
    return "".join(c for c in text.upper() if c.isascii() and c.isalnum())
