"""Buttons a role cannot use: disabled, with the reason (the permission and the roles that hold it) as tooltip.

The services refuse such actions anyway (and record the refusal); the gate saves the user a refused
click and says whom to ask. A gated control stays disabled even if screen code later enables it
(e.g. when a row is selected).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from app.domain.roles import ROLE_PERMISSIONS, Permission, Role
from app.domain.users import Actor

_DENIED = "permissionDenied"


def roles_with(permissions: tuple[Permission, ...]) -> list[Role]:
    return [r for r in Role if any(p in ROLE_PERMISSIONS[r] for p in permissions)]


def denial_reason(permissions: tuple[Permission, ...]) -> str:
    """'Needs the "approve release" permission: Supervisor / ALPR administrator.'"""
    names = " or ".join(f'"{p.value.replace("_", " ")}"' for p in permissions)
    holders = ", ".join(r.label for r in roles_with(permissions)) or "no role"
    return f"Your roles do not allow this. It needs the {names} permission, held by: {holders}."


class _KeepDisabled(QObject):
    """Re-disables a gated widget that screen code enabled (selection changes, reloads ...)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget)
                and watched.property(_DENIED) and watched.isEnabled()):
            watched.setEnabled(False)
        return False


_keeper: _KeepDisabled | None = None


def gate(actor: Actor, widget: QWidget, *permissions: Permission) -> bool:
    """Disable ``widget`` with the reason as tooltip unless ``actor`` holds one of ``permissions``."""
    global _keeper  # noqa: PLW0603 - one stateless filter object shared by every gated widget
    if any(actor.can(p) for p in permissions):
        return True
    reason = denial_reason(permissions)
    widget.setProperty(_DENIED, True)
    widget.setEnabled(False)
    widget.setToolTip(reason)
    widget.setAccessibleDescription(reason)
    if _keeper is None:
        _keeper = _KeepDisabled()
    widget.installEventFilter(_keeper)
    return False


def is_gated(widget: QWidget) -> bool:
    return bool(widget.property(_DENIED))
