"""A record type's covert handling is its category's: a source cannot mark a type covert that the console shows to all.

Hits and entries are hidden from users without the covert permission by category (gang / terrorist
screening). A source's type map once accepted ``covert: true`` on any category; the import kept no
such flag, so a type its administrator meant to restrict was shown and spoken to every dispatcher.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.domain.hits import COVERT_CATEGORIES
from app.domain.hotlists import SourceParseSettings
from app.domain.hotlists.categories import DEFAULT_TYPE_RULES, TypeRule
from app.domain.hotlists.presets import PRESET_TYPE_RULES
from app.domain.hotlists.records import RecordCategory


def test_a_type_marked_covert_in_a_category_shown_to_everyone_is_refused():
    with pytest.raises(ValidationError, match="covert handling follows the category"):
        SourceParseSettings.model_validate(
            {"type_map": {"rules": {"X": {"category": "sex_offender", "priority": 8, "covert": True}}}})
    with pytest.raises(ValidationError, match="covert handling follows the category"):
        TypeRule(category=RecordCategory.GANG_TERRORIST, priority=3, covert=False)


def test_a_gang_or_terrorist_type_is_covert_without_saying_so_and_every_shipped_rule_agrees():
    settings = SourceParseSettings.model_validate(
        {"type_map": {"rules": {"G": {"category": "gang_terrorist", "priority": 3}}}})
    assert settings.type_map.rules["G"].covert
    rules = [*DEFAULT_TYPE_RULES.values(), *(r for table in PRESET_TYPE_RULES.values() for r in table.values())]
    assert rules and all(r.covert == (str(r.category) in COVERT_CATEGORIES) for r in rules)

