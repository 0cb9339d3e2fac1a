"""The screens of the main window, in navigation order."""

from __future__ import annotations

from app.ui.navigation import SCREEN_PERMISSIONS, ScreenSpec
from app.ui.screens.administration import AdministrationScreen
from app.ui.screens.hotlists import HotListsScreen
from app.ui.screens.placeholder import PlaceholderScreen


def default_screens(database_url: str) -> list[ScreenSpec]:
    def ph(title: str, text: str):  # noqa: ANN202
        return lambda _ui: PlaceholderScreen(title, text)

    return [
        ScreenSpec("console", "Console", SCREEN_PERMISSIONS["console"],
                   ph("Console", "The live hit queue, camera tiles, verification panel and NCIC confirmation log "
                      "are not in this build yet (issue 5).")),
        ScreenSpec("hotlists", "Hot lists", SCREEN_PERMISSIONS["hotlists"],
                   HotListsScreen),
        ScreenSpec("search", "Search", SCREEN_PERMISSIONS["search"],
                   ph("Search", "Detection browsing with a mandatory case number or reason is not in this build "
                      "yet (issue 6).")),
        ScreenSpec("records", "Records", SCREEN_PERMISSIONS["records"],
                   ph("Records", "Release requests, evidence holds and retention reports are not in this build "
                      "yet (issue 6).")),
        ScreenSpec("audit", "Audit", SCREEN_PERMISSIONS["audit"],
                   ph("Audit", "The access record browser and monthly audits are not in this build yet "
                      "(issue 6). The chain can be verified with: python main.py admin audit verify")),
        ScreenSpec("admin", "Administration", SCREEN_PERMISSIONS["admin"],
                   lambda ui: AdministrationScreen(ui, database_url)),
    ]
