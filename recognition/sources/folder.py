"""A folder of still images served as a camera (evaluation, demos, benchmarks)."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from recognition.config import CaptureConfig
from recognition.sources.base import CaptureSource, CorruptFrame, EndOfStream, SourceError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


def list_images(folder: Path) -> list[Path]:
    """Image files directly inside ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


class FolderSource(CaptureSource):
    """Serves the images of a folder in name order at a fixed rate (or as fast as consumed)."""

    def __init__(
        self,
        camera_id: str,
        folder: str | Path,
        capture: CaptureConfig | None = None,
        *,
        fps: float | None = 2.0,
        loop: bool = True,
    ) -> None:
        """Serve ``folder``; ``fps=None`` serves as fast as the consumer takes frames."""
        super().__init__(camera_id, capture)
        self._folder = Path(folder)
        self._fps = fps
        self._loop = loop
        self._files: list[Path] = []
        self._index = 0
        self._next_due = 0.0
        self.backpressure = fps is None

    def describe(self) -> str:
        """Folder path."""
        return str(self._folder)

    def _open(self) -> None:
        if not self._folder.is_dir():
            raise SourceError(f"no such folder: {self._folder}")
        self._files = list_images(self._folder)
        if not self._files:
            raise SourceError(f"no images in {self._folder}")
        self._index = 0
        self._next_due = time.monotonic()

    def _read(self) -> np.ndarray:
        if self._index >= len(self._files):
            if not self._loop:
                raise EndOfStream()
            self._index = 0
        path = self._files[self._index]
        self._index += 1
        if self._fps:
            self._next_due += 1.0 / self._fps
            delay = self._next_due - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                self._next_due = time.monotonic()
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise CorruptFrame(f"cannot decode {path.name}")
        return image
