"""Small pieces shared by the Hot lists panels: list-age wording, the warning look, a thread-safe relay."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app.domain.hotlist_admin import HotListSource, SourceKind


def warn_colour() -> QColor:
    """Warnings in tables, in the theme in use (contrast-checked in app.ui.palette)."""
    from app.ui.theme import palette

    return QColor(palette().warn)


def warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def short_age(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    if hours < 1:
        return f"{max(0, int(age.total_seconds() // 60))} min"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"


def age_text(src: HotListSource, now: datetime) -> str:
    """What the Age column says; stale lists say so in words."""
    if src.kind is SourceKind.LOCAL:
        return "- (not downloaded)"
    age = src.age(now)
    if age is None:
        return "STALE: never imported"
    if src.is_stale(now):
        return f"STALE: {short_age(age)} old"
    return short_age(age)


def stale_note(src: HotListSource, now: datetime) -> str:
    """Short marker put before a stale source's name wherever its entries appear."""
    age = src.age(now)
    return "STALE (never imported)" if age is None else f"STALE {short_age(age)}"


class ProgressRelay(QObject):
    """Carries progress text from the DB executor thread to the GUI thread (queued signal)."""

    message = Signal(str)

    def __call__(self, text: str) -> None:
        self.message.emit(text)
