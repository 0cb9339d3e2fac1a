"""Small helpers to await Qt things from coroutines running on the qasync loop."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog


async def dialog_result(dialog: QDialog) -> int:
    """Open ``dialog`` window-modally and wait for it to finish (no nested event loop)."""
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(code: int) -> None:
        if not fut.done():
            fut.set_result(code)

    dialog.finished.connect(done)
    dialog.open()
    return await fut
