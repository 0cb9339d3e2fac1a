"""`python main.py node`: run a recognition node until SIGTERM/SIGINT (QtCore event loop, no GUI)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer

from app.domain.errors import DatabaseUnavailable
from app.workers.db_executor import DbExecutor
from app.workers.signals import AppSignals

if TYPE_CHECKING:
    from app.bootstrap import Assembly

logger = logging.getLogger(__name__)


def run_node(assembly: Assembly) -> int:
    """Connect, lease cameras, recognise and ingest until told to stop; 2 when the database is unusable."""
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    name = getattr(assembly.args, "name", None)
    if name:
        assembly.settings.workstation_name = name  # its reads and access rows name the node
    try:
        assembly.connect()
        executor, signals = DbExecutor(), AppSignals()
        node = assembly.node_runtime(executor, signals)
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        assembly.close()
        return 2
    signals.banner.connect(lambda text: text and logger.warning("%s", text))
    node.cameras_changed.connect(lambda cams: print(f"node {node.name}: running {len(cams)} camera(s): "
                                                    + ",".join(c.id for c in cams), flush=True))
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)  # lets Python run its signal handlers while Qt waits
    wake.start(200)
    try:
        asyncio.run(node.start())
        print(f"node {node.name} started (capacity {node.capacity}, heartbeat {node.heartbeat_s:g} s)", flush=True)
        app.exec()
    finally:
        wake.stop()
        node.stop()
        executor.shutdown()
        assembly.close()
    return 0
