from __future__ import annotations

from app.settings.store import load_settings
from app.ui.screens.database_panel import DatabasePanel
from tests.app.ui.conftest import run_until


def test_saving_the_connection_writes_the_settings_file(qtbot, qloop, ui_ctx, monkeypatch):
    shown = []
    monkeypatch.setattr("app.ui.screens.database_panel.QMessageBox.information", lambda *a: shown.append(a[2]))
    panel = DatabasePanel(ui_ctx, "sqlite:///x")
    qtbot.addWidget(panel)
    # When the administrator picks PostgreSQL with a URL (no password: the keyring is not touched) and saves
    panel.kind.setCurrentIndex(1)
    panel.url.setText("postgresql://alpr@dbserver:5432/alpr")
    panel._save()
    run_until(qloop, qtbot, lambda: bool(shown))
    # Then the choice is in the settings file for the next start
    saved = load_settings(ui_ctx.paths.settings_file).settings
    assert (saved.database.kind, saved.database.url) == ("postgresql", "postgresql://alpr@dbserver:5432/alpr")
