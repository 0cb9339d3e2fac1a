"""A small value saying what a mutation changed, broadcast through one hub signal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Changes:
    users: bool = False
    agency: bool = False
    cameras: bool = False
    hotlists: bool = False
    hits: bool = False
    records: bool = False
    settings: bool = False
