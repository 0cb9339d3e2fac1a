"""Which screens a user sees (services enforce the permissions again; this only hides)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.domain.roles import Permission as P
from app.domain.users import User
from app.ui.context import UiContext


@dataclass(frozen=True, slots=True)
class ScreenSpec:
    key: str
    title: str
    any_of: frozenset[P]
    build: Callable[[UiContext], QWidget]
    shortcut: str = ""


def visible(specs: list[ScreenSpec], user: User) -> list[ScreenSpec]:
    perms = user.permissions
    return [s for s in specs if s.any_of & perms]


SCREEN_PERMISSIONS = {
    "console": frozenset({P.VIEW_CONSOLE}),
    "center": frozenset({P.VIEW_CONSOLE, P.MANAGE_CAMERAS}),
    "hotlists": frozenset({P.VIEW_HOTLISTS, P.APPROVE_HOTLIST, P.MANAGE_HOTLIST_SOURCES}),
    "search": frozenset({P.SEARCH_READS}),
    "records": frozenset({P.INTAKE_RELEASE, P.APPROVE_RELEASE, P.PRINT_RECORDS, P.PLACE_HOLD, P.RELEASE_HOLD}),
    "audit": frozenset({P.VIEW_ACCESS_LOG, P.VIEW_AUDITS}),
    "admin": frozenset({P.MANAGE_USERS, P.MANAGE_AGENCY, P.MANAGE_CAMERAS}),
}
