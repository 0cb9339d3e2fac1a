"""The workstation's settings file: validated changes, saved atomically, recorded in the access record.

The Administration panels (Appearance, Sounds and speech) save through :meth:`save_section`, which
needs the administrator's permission. The font size alone (Ctrl+Plus / Ctrl+Minus / Ctrl+0) is a
reading aid any signed-in user may change for the workstation they sit at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from app.domain.errors import ValidationFailed
from app.domain.roles import Permission
from app.domain.users import Actor
from app.services import audit_trail
from app.services.context import ServiceContext
from app.settings.model import AppSettings
from app.settings.store import save_settings

#: Sections an administrator may change from the console (the rest stays in the file: database, node).
EDITABLE_SECTIONS = ("ui", "alerts")


class WorkstationSettingsService:
    """Writes the settings file of the workstation the console runs on."""

    def __init__(self, ctx: ServiceContext, path: Path) -> None:
        self.ctx = ctx
        self.path = path

    def save_section(self, actor: Actor, settings: AppSettings, section: str, values: dict[str, Any]) -> list[str]:
        """Validate ``values`` for ``settings.<section>``, apply them, save the file; return the changed names.

        The access record keeps the old and the new value of every changed setting.

        Raises:
            PermissionDenied: the actor may not administer the agency.
            ValidationFailed: a value is out of its bounds (nothing is changed then).

        """
        action = f"settings.{section}.update"
        audit_trail.require(self.ctx, actor, Permission.MANAGE_AGENCY, action)
        if section not in EDITABLE_SECTIONS:
            raise ValidationFailed(f"The '{section}' settings are not changed from the console.")
        current: BaseModel = getattr(settings, section)
        try:
            updated = type(current).model_validate({**current.model_dump(), **values})
        except ValidationError as exc:
            raise ValidationFailed([f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]) from exc
        changed = sorted(k for k in type(current).model_fields if getattr(current, k) != getattr(updated, k))
        if not changed:
            return []
        candidate = settings.model_copy(update={section: updated})
        with self.ctx.uow() as uow:  # recorded with the change; the file is written before the commit
            audit_trail.record(uow, self.ctx, actor, action, object_type="workstation_settings",
                               object_id=self.ctx.workstation,
                               detail={"changed": changed,
                                       "before": {k: current.model_dump(mode="json")[k] for k in changed},
                                       "after": {k: updated.model_dump(mode="json")[k] for k in changed}})
            save_settings(self.path, candidate)
        setattr(settings, section, updated)
        return changed

    def save_font_size(self, settings: AppSettings, font_pt: float) -> None:
        """Keep the reading size chosen with Ctrl+Plus / Ctrl+Minus / Ctrl+0 for the next start."""
        settings.ui.font_pt = font_pt  # validated (bounds) by the model
        save_settings(self.path, settings)
