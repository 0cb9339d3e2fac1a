"""Asking before an action that cannot be taken back: the safe answer is the default, and no Alt key answers."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.asyncio_qt import dialog_result


async def ask_first(parent: QWidget, title: str, text: str, action: str, keep: str | None = None) -> bool:
    """True when the user chose ``action``; Enter, Escape and closing the box choose ``keep`` (Cancel by default).

    The action button has no mnemonic: a second press of the key that opened the box must not answer it.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    go = box.addButton(action.replace("&", "&&"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = (box.addButton(keep, QMessageBox.ButtonRole.RejectRole) if keep
              else box.addButton(QMessageBox.StandardButton.Cancel))
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    try:
        await dialog_result(box)
        return box.clickedButton() is go
    finally:
        box.deleteLater()
