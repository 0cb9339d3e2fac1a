"""Values the runtime publishes and the callbacks that receive them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from recognition.types import BBox, CameraHealth, PlateRead


@dataclass(frozen=True, slots=True)
class PreviewPlate:
    """A plate to draw over a preview frame (box already scaled to the preview)."""

    box: BBox
    text: str
    confidence: float


@dataclass(frozen=True, slots=True, eq=False)
class PreviewFrame:
    """A downscaled live frame for a camera tile (either ``image`` or ``jpeg`` is set)."""

    camera_id: str
    seq: int
    ts: float
    width: int
    height: int
    image: np.ndarray | None
    jpeg: bytes
    plates: tuple[PreviewPlate, ...]


@dataclass(frozen=True, slots=True)
class RuntimeFault:
    """Something went wrong for one camera (or the runtime) without stopping the others."""

    camera_id: str | None
    message: str


@dataclass(frozen=True, slots=True)
class RuntimeCallbacks:
    """Where the runtime sends its events; each is called from a runtime thread.

    The app bridges them to queued Qt signals. Callbacks must be quick and must not raise
    (exceptions are logged and swallowed so that one subscriber cannot stop recognition).
    """

    on_read: Callable[[PlateRead], None] | None = None
    on_health: Callable[[CameraHealth], None] | None = None
    on_preview: Callable[[PreviewFrame], None] | None = None
    on_fault: Callable[[RuntimeFault], None] | None = None
    #: Where a recognition child journals each read before sending it (None: the receiver journals).
    journal_dir: str | None = None
    #: Receives ``(read, journal file or None)`` from a child that journalled it (None: the child could
    #: not write the journal and the receiver must keep the read); defaults to ``on_read``.
    on_journalled: Callable[[PlateRead, str | None], None] | None = None
