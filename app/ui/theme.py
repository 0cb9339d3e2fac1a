from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.paths import resources_dir


def apply_theme(app: QApplication, name: str) -> None:
    app.setStyle("Fusion")
    path = resources_dir() / "qss" / f"{name}.qss"
    app.setStyleSheet(path.read_text(encoding="utf-8") if path.exists() else "")
