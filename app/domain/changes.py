"""A small value saying what a mutation changed, broadcast through one hub signal."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Changes:
    users: bool = False
    agency: bool = False
    cameras: bool = False
    hotlists: bool = False
    hits: bool = False
    records: bool = False
    settings: bool = False

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})
