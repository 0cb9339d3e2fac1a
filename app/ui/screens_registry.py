"""The screens of the main window, in navigation order."""

from __future__ import annotations

from app.ui.navigation import SCREEN_PERMISSIONS, ScreenSpec
from app.ui.screens.administration import AdministrationScreen
from app.ui.screens.audit import AuditScreen
from app.ui.screens.center import CenterScreen
from app.ui.screens.console import console_screen
from app.ui.screens.hotlists import HotListsScreen
from app.ui.screens.placeholder import PlaceholderScreen
from app.ui.screens.records import RecordsScreen
from app.ui.screens.search import SearchScreen


def default_screens(database_url: str) -> list[ScreenSpec]:
    def ph(title: str, text: str):  # noqa: ANN202
        return lambda _ui: PlaceholderScreen(title, text)

    center = [ScreenSpec("center", "Center", SCREEN_PERMISSIONS["center"], CenterScreen)] \
        if database_url.startswith("postgresql") else []  # one workstation on SQLite has no nodes
    return [
        ScreenSpec("console", "Console", SCREEN_PERMISSIONS["console"], console_screen),
        *center,
        ScreenSpec("hotlists", "Hot lists", SCREEN_PERMISSIONS["hotlists"],
                   HotListsScreen),
        ScreenSpec("search", "Search", SCREEN_PERMISSIONS["search"], SearchScreen),
        ScreenSpec("records", "Records", SCREEN_PERMISSIONS["records"], RecordsScreen),
        ScreenSpec("audit", "Audit", SCREEN_PERMISSIONS["audit"], AuditScreen),
        ScreenSpec("admin", "Administration", SCREEN_PERMISSIONS["admin"],
                   lambda ui: AdministrationScreen(ui, database_url)),
    ]
