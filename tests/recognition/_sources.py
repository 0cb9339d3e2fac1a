"""Helpers shared by the source tests: wait for a condition, collect a source's frames."""

from __future__ import annotations

import time


def wait_for(predicate, timeout: float = 5.0) -> bool:
    """Poll ``predicate`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def drain(source, timeout: float) -> list:
    """Every frame ``source`` delivers until it stops running or ``timeout`` seconds pass."""
    frames = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = source.get(0.05)
        if frame is not None:
            frames.append(frame)
        elif not source.running:
            break
    return frames
