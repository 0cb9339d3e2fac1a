"""Load the plate-format table (``formats.toml``): which serials each state or province issues.

Pattern syntax, one character per printed plate position: ``#`` a digit, ``@`` a letter of the
jurisdiction's serial letters (all 26 unless ``serial_letters`` says otherwise), ``*`` a letter
or a digit, anything else in 0-9A-Z that literal character.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from recognition.types import PLATE_ALPHABET

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: The bundled table.
DEFAULT_TABLE = Path(__file__).with_name("formats.toml")
_CODE = re.compile(r"^[A-Z]{2}$")


class FormatTableError(ValueError):
    """The format table is missing, unreadable or malformed (the message names the entry)."""


@dataclass(frozen=True, slots=True)
class PlateFormat:
    """One serial format: the characters allowed at each position and its share of plates."""

    pattern: str
    weight: float
    classes: tuple[str, ...]
    note: str = ""

    @property
    def length(self) -> int:
        """Number of characters."""
        return len(self.classes)

    def matches(self, text: str) -> bool:
        """Whether ``text`` (0-9A-Z) fits the format."""
        return len(text) == len(self.classes) and all(c in allowed for c, allowed in zip(text, self.classes, strict=True))

    def log_choices(self) -> float:
        """``log`` of the number of strings the format can produce (uniform within each class)."""
        return float(sum(math.log(len(allowed)) for allowed in self.classes))


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """A state, district, province or territory with its formats."""

    code: str
    name: str
    country: str
    weight: float
    max_length: int
    vanity: float
    formats: tuple[PlateFormat, ...]


def compile_pattern(pattern: str, letters: str = LETTERS) -> tuple[str, ...]:
    """Allowed characters per position of a pattern.

    Raises:
        FormatTableError: On a character that is neither a class nor a plate character.

    """
    classes: list[str] = []
    for ch in pattern:
        if ch == "#":
            classes.append(DIGITS)
        elif ch == "@":
            classes.append(letters)
        elif ch == "*":
            classes.append(DIGITS + letters)
        elif ch in PLATE_ALPHABET:
            classes.append(ch)
        else:
            raise FormatTableError(f"pattern {pattern!r}: unknown character {ch!r}")
    if not classes:
        raise FormatTableError("empty pattern")
    return tuple(classes)


def _number(entry: dict, key: str, where: str, low: float, high: float) -> float:
    value = entry.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise FormatTableError(f"{where}: {key} must be a number in [{low}, {high}], got {value!r}")
    return float(value)


def _jurisdiction(code: str, entry: dict) -> Jurisdiction:
    where = f"[{code}]"
    if not _CODE.match(code):
        raise FormatTableError(f"{where}: a jurisdiction code is two capital letters")
    letters = entry.get("serial_letters", LETTERS)
    if not isinstance(letters, str) or not letters or any(c not in LETTERS for c in letters):
        raise FormatTableError(f"{where}: serial_letters must be capital letters")
    raw = entry.get("formats")
    if not isinstance(raw, list) or not raw:
        raise FormatTableError(f"{where}: needs a non-empty formats list")
    formats = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("p"), str):
            raise FormatTableError(f"{where} formats[{i}]: expected {{ p = \"...\", w = ... }}")
        try:
            classes = compile_pattern(item["p"], letters)
        except FormatTableError as exc:
            raise FormatTableError(f"{where} formats[{i}]: {exc}") from exc
        weight = _number(item, "w", f"{where} formats[{i}]", 1e-6, 1.0)
        formats.append(PlateFormat(item["p"], weight, classes, str(item.get("note", ""))))
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise FormatTableError(f"{where}: needs a name")
    return Jurisdiction(
        code=code,
        name=name,
        country=str(entry.get("country", "")),
        weight=_number(entry, "weight", where, 1e-6, 1e4),
        max_length=int(_number(entry, "max_length", where, 2, 10)),
        vanity=_number(entry, "vanity", where, 1e-4, 1.0),
        formats=tuple(formats),
    )


@dataclass(frozen=True, slots=True)
class FormatTable:
    """All jurisdictions plus the share of plates each country contributes."""

    jurisdictions: dict[str, Jurisdiction]
    country_weights: dict[str, float]

    def prior_weight(self, code: str) -> float:
        """Share of all plates from jurisdiction ``code`` (sums to 1 over the table)."""
        total = sum(self._raw_weight(j) for j in self.jurisdictions.values())
        return self._raw_weight(self.jurisdictions[code]) / total

    def _raw_weight(self, j: Jurisdiction) -> float:
        return j.weight * self.country_weights.get(j.country, 1.0)


def parse_table(data: dict) -> FormatTable:
    """Validate a parsed TOML document into a :class:`FormatTable`.

    Raises:
        FormatTableError: On any malformed entry.

    """
    countries = data.get("country", {})
    if not isinstance(countries, dict):
        raise FormatTableError("[country] must be a table")
    country_weights = {
        name: _number(entry, "weight", f"[country.{name}]", 0.0, 1e4) for name, entry in countries.items()
    }
    jurisdictions = {
        code: _jurisdiction(code, entry) for code, entry in data.items() if code != "country" and isinstance(entry, dict)
    }
    if not jurisdictions:
        raise FormatTableError("no jurisdictions in the table")
    return FormatTable(jurisdictions, country_weights)


def load_table(path: Path | None = None) -> FormatTable:
    """Read and validate a format table (the bundled one by default, cached).

    Raises:
        FormatTableError: If the file is missing, not TOML, or malformed.

    """
    return _load(str(path or DEFAULT_TABLE))


@lru_cache(maxsize=4)
def _load(path: str) -> FormatTable:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise FormatTableError(f"cannot read the plate format table {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise FormatTableError(f"{path} is not valid TOML: {exc}") from exc
    return parse_table(data)
