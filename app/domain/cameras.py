"""Cameras as the console administers them (source settings; credentials live in the keyring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Camera:
    """One configured camera. ``source`` is a recognition ``SourceConfig`` as JSON, never with secrets."""

    id: int
    key: str  # stable id used by the recognition runtime and stored with every read
    name: str
    location: str = ""
    direction: str = ""
    source: dict[str, Any] = field(default_factory=dict)
    credential_ref: str | None = None  # keyring entry name
    owner_workstation: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    enabled: bool = True

    @property
    def label(self) -> str:
        """``Main St NB (Main & 5th)`` style label for tiles and alerts."""
        name = f"{self.name} {self.direction}".strip() if self.direction else self.name
        return f"{name} ({self.location})" if self.location else name


@dataclass(frozen=True, slots=True)
class CameraInfo:
    """What a camera tile shows of a camera that this process (or a node) runs."""

    key: str
    name: str
    location: str = ""
