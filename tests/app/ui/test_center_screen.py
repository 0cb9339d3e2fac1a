"""The Center screen shows node and camera health from the hub (node, cameras, fps, last heartbeat)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt

from app.domain.center import CameraAssignment, CenterHealth, NodeHealth
from app.domain.notifications import ReadsStored
from app.ui.main_window import MainWindow
from app.ui.screens.center import CenterScreen
from app.ui.screens_registry import default_screens
from tests.app.ui.conftest import run_until

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _health():
    nodes = (NodeHealth("node-a", "rack1", True, "running", 8, ("cam-1", "cam-2"), 24.5, 1200, NOW, 1.2),
             NodeHealth("node-b", "rack2", False, "running", 8, (), 0.0, 800, NOW, 42.0))
    cams = (CameraAssignment("cam-1", "Main St", "node-a", "live", 12.0, NOW),
            CameraAssignment("cam-2", "Harbor", "node-a", "reconnecting", 0.0, NOW),
            CameraAssignment("cam-3", "Route 9"))
    return CenterHealth(NOW, nodes, cams)


def _cell(model, row, col, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, col), role)


def test_center_screen_shows_nodes_cameras_and_a_silent_node(qtbot, ui_ctx):
    screen = CenterScreen(ui_ctx)
    qtbot.addWidget(screen)
    ui_ctx.signals.nodes_health.emit(_health())
    ui_ctx.signals.reads_stored.emit(ReadsStored("node-a", ((1, "cam-1", datetime.now(UTC).timestamp()),)))
    assert [_cell(screen.nodes, r, 0) for r in range(2)] == ["node-a", "node-b"]
    assert _cell(screen.nodes, 0, 3) == "cam-1, cam-2" and _cell(screen.nodes, 0, 4) == "24.5"
    assert _cell(screen.nodes, 1, 2) == "SILENT" and _cell(screen.nodes, 1, 6) == "42 s ago"
    assert _cell(screen.cameras, 2, 2) == "NO NODE"
    assert "SILENT: node-b" in screen.summary.text() and "NO NODE: cam-3" in screen.summary.text()
    screen.cameras.set_items(list(_health().cameras))  # refreshed at the next report: last read shows
    assert _cell(screen.cameras, 0, 5).endswith("s ago") and _cell(screen.cameras, 1, 5) == "never"
    shots = os.environ.get("ALPR_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        screen.resize(1366, 600)
        screen.grab().save(str(Path(shots) / "center.png"))


def test_the_center_screen_is_only_there_on_postgresql(qtbot, qloop, ui_ctx):
    assert "center" not in {s.key for s in default_screens("sqlite:///x")}
    w = MainWindow(ui_ctx, default_screens("postgresql+psycopg://alpr@db/alpr"))
    qtbot.addWidget(w)
    assert isinstance(w.screens["center"], CenterScreen)
    run_until(qloop, qtbot, lambda: True)  # the other screens' first loads run inside the loop
    w.shutdown()
