"""The Center screen (consoles on PostgreSQL): recognition nodes and the cameras they run.

Layout only. The runtime reads the center's health every few seconds (``AppSignals.nodes_health``);
reads stored anywhere arrive by LISTEN/NOTIFY (``AppSignals.reads_stored``) and give each camera's
last-read age here. A node that stopped heart-beating shows SILENT in words and colour.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.domain.center import CameraAssignment, CenterHealth, NodeHealth
from app.domain.notifications import ReadsStored
from app.ui.context import UiContext
from app.ui.table_model import ItemTableModel, make_table
from app.ui.theme import palette


def _bad() -> QColor:
    return QColor(palette().error)


def _warn() -> QColor:
    return QColor(palette().warn)


def _node_state(n: NodeHealth) -> str:
    if n.state == "stopped":
        return "stopped"
    return "running" if n.alive else "SILENT"


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    return f"{seconds:.0f} s ago" if seconds < 120 else f"{seconds / 60:.0f} min ago"


class NodeModel(ItemTableModel[NodeHealth]):
    def __init__(self) -> None:
        super().__init__(("Node", "Host", "State", "Cameras", "fps", "Reads", "Last heartbeat"),
                         lambda n: (n.name, n.host, _node_state(n), ", ".join(n.cameras) or "none",
                                    f"{n.fps:.1f}", f"{n.reads:,}", _age(n.heartbeat_age_s)))

    def styled(self, item: NodeHealth, column: int, role: int):  # noqa: ANN201
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and item.state != "stopped" and not item.alive:
            return _bad()
        return None


class CameraModel(ItemTableModel[CameraAssignment]):
    def __init__(self, last_read: dict[str, float]) -> None:
        self.last_read = last_read
        super().__init__(("Camera", "Name", "Node", "State", "fps", "Last read"),
                         lambda c: (c.key, c.name, c.node or "NO NODE", c.state, f"{c.fps:.1f}",
                                    _age(time.time() - last_read[c.key] if c.key in last_read else None)))

    def styled(self, item: CameraAssignment, column: int, role: int):  # noqa: ANN201
        if role == Qt.ItemDataRole.ForegroundRole and column in (2, 3):
            if not item.node:
                return _bad()
            if item.state not in ("live", "starting"):
                return _warn()
        return None


class CenterScreen(QWidget):
    """Node and camera health of the communications center."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.last_read: dict[str, float] = {}
        head = QLabel("Communications center")
        head.setObjectName("Heading")
        self.summary = QLabel("Waiting for the first health report...")
        self.summary.setAccessibleName("Center summary")
        self.nodes = NodeModel()
        self.cameras = CameraModel(self.last_read)
        self.node_table = make_table(self.nodes, "Recognition nodes")
        self.camera_table = make_table(self.cameras, "Cameras and their nodes")
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.summary)
        for text, table, stretch in (("Recognition &nodes", self.node_table, 1), ("C&ameras", self.camera_table, 2)):
            label = QLabel(text)
            label.setBuddy(table)  # Alt+N / Alt+A reach the tables from the keyboard
            lay.addWidget(label)
            lay.addWidget(table, stretch)
        ui.signals.nodes_health.connect(self.show_health)
        ui.signals.reads_stored.connect(self.note_reads)

    def show_health(self, health: object) -> None:
        if not isinstance(health, CenterHealth):
            return
        self.nodes.set_items(list(health.nodes))
        self.cameras.set_items(list(health.cameras))
        alive = sum(1 for n in health.nodes if n.alive)
        silent = [n.name for n in health.nodes if n.state == "running" and not n.alive]
        parts = [f"{alive} node(s) running", f"{len(health.cameras) - len(health.unassigned)} of "
                 f"{len(health.cameras)} camera(s) on a node"]
        if silent:
            parts.append("SILENT: " + ", ".join(silent))
        if health.unassigned:
            parts.append("NO NODE: " + ", ".join(c.key for c in health.unassigned))
        self.summary.setText("  |  ".join(parts))

    def note_reads(self, reads: object) -> None:
        if not isinstance(reads, ReadsStored):
            return
        for _rid, camera, stored in reads.reads:
            self.last_read[camera] = max(stored, self.last_read.get(camera, 0.0))
