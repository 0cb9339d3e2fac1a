"""Record type letter -> category and priority (DOMAIN.md "Hit priorities"; configurable per source)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.domain.hotlists.records import RecordCategory

C = RecordCategory

#: The categories whose entries and hits only privileged users see (terrorist screening, gang files). The
#: console hides hits and entries by category, so a type's covert handling is its category's.
COVERT_CATEGORY_VALUES: frozenset[str] = frozenset({RecordCategory.GANG_TERRORIST.value})


class TypeRule(BaseModel):
    """How one record type is classified."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: RecordCategory = Field(title="Category", description="Category shown on hits.")
    priority: int = Field(ge=1, le=9, title="Priority", description="1 = most urgent, 9 = administrative.")
    covert: bool = Field(
        default=False,
        title="Covert",
        description="Only privileged users see hits on this type (terrorist screening).",
    )
    code: str | None = Field(
        default=None, pattern=r"^[A-Z0-9]{1,2}$",
        title="Stored code",
        description="1-2 character type stored for the entry when the file names the type in words "
                    "('STOLEN LICENSE PLATE' -> 'P'); empty = the type as found.",
    )

    @model_validator(mode="before")
    @classmethod
    def _covert_follows_the_category(cls, data: Any) -> Any:  # noqa: ANN401 - pydantic's raw input
        """Covert handling is the category's: a type marked covert in another category would be shown to everyone."""
        if not isinstance(data, dict) or "category" not in data:
            return data
        covert = str(getattr(data["category"], "value", data["category"])) in COVERT_CATEGORY_VALUES
        given = data.get("covert")
        if given is None:
            return {**data, "covert": covert}
        if bool(given) != covert:
            raise ValueError("covert handling follows the category: gang / terrorist-screening records are always "
                             "covert (privileged users only) and no other category is; to restrict a record type, "
                             "map it to 'gang_terrorist'")
        return data


def _r(category: RecordCategory, priority: int, covert: bool = False, code: str | None = None) -> TypeRule:
    return TypeRule(category=category, priority=priority, covert=covert, code=code)


#: Letters seen in NCIC LPR extracts (DOMAIN.md) with the default priorities of "Hit priorities".
DEFAULT_TYPE_RULES: dict[str, TypeRule] = {
    "A": _r(C.AMBER_ALERT, 1),
    "M": _r(C.MISSING_PERSON, 1),
    "W": _r(C.WANTED_PERSON, 2),
    "L": _r(C.VIOLENT_PERSON, 2),
    "T": _r(C.GANG_TERRORIST, 3, covert=True),
    "V": _r(C.STOLEN_VEHICLE, 4),
    "R": _r(C.STOLEN_CANADIAN_VEHICLE, 4),
    "B": _r(C.STOLEN_BOAT, 4),
    "H": _r(C.PROTECTION_ORDER, 5),
    "P": _r(C.STOLEN_PLATE, 6),
    "F": _r(C.FELONY_VEHICLE, 7),
    "C": _r(C.SUPERVISED_RELEASE, 8),
    "X": _r(C.SEX_OFFENDER, 8),
    "K": _r(C.PROTECTIVE_INTEREST, 8),
    "N": _r(C.IMMIGRATION_VIOLATOR, 9),
}

#: What an unknown record type becomes when the map says to import it anyway.
UNKNOWN_TYPE_RULE = _r(C.UNKNOWN, 9)


class RecordTypeMap(BaseModel):
    """Per-source mapping from the record type found in a file to category and priority."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: dict[str, TypeRule] = Field(
        default_factory=lambda: dict(DEFAULT_TYPE_RULES),
        title="Record types",
        description="Record type as found in the file (letter or word, case-insensitive) -> rule.",
    )
    unknown: Literal["import", "reject"] = Field(
        default="import",
        title="Unknown record types",
        description=(
            "import: keep the row as category 'unknown', priority 9, with a warning line "
            "(a new NCIC file type must not silently vanish); reject: count it as a bad row."
        ),
    )

    def lookup(self) -> dict[str, TypeRule]:
        """Rules keyed by the uppercased type string, for the parser's hot loop."""
        return {key.strip().upper(): rule for key, rule in self.rules.items()}


def declassified(preset_map: RecordTypeMap, source_map: RecordTypeMap) -> list[str]:
    """Record types covert in ``preset_map`` that ``source_map`` would show to everyone (sorted).

    A type stays covert when the source maps it to a covert category, or leaves it out and rejects
    unknown types; remapped to another category, or left out while unknown types are imported
    (as 'unknown', priority 9), its gang / terrorist-screening records reach every dispatcher.
    """
    given = source_map.lookup()
    out = []
    for key, rule in preset_map.lookup().items():
        if not rule.covert:
            continue
        mapped = given.get(key)
        if (mapped is None and source_map.unknown == "import") or (mapped is not None and not mapped.covert):
            out.append(key)
    return sorted(out)
