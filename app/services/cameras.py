"""Camera administration: sources, names, places and directions; logins only in the OS keyring.

API::

    svc = CameraService(ctx, secrets)                 # secrets: KeyringSecretStore in the app
    svc.list(actor) -> list[Camera]
    svc.add(actor, CameraDraft(key, name, source={"type": "rtsp", "url": ...}, ...)) -> Camera
    svc.update(actor, camera_id, draft) -> Camera
    svc.set_credentials(actor, camera_id, user, password)    # keyring entry "camera/<key>"; never the DB
    svc.clear_credentials(actor, camera_id)
    svc.runtime_cameras(workstation) -> tuple[CameraConfig, ...]   enabled cameras this console runs
    svc.credentials(Actor.system(ws), camera_key) -> (user, password) | None   the runtime's lookup only
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from app.domain.cameras import Camera
from app.domain.changes import Changes
from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.cameras import CameraRepository
from app.services import audit_trail
from app.services.context import ServiceContext
from app.settings.secrets import SecretStore
from recognition.config import CameraConfig, SourceConfig

P = Permission
_SOURCE = TypeAdapter(SourceConfig)
_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_LOGIN_IN_URL = re.compile(r"^[a-z]+://[^/@]+@", re.IGNORECASE)


def credential_ref(key: str) -> str:
    """Keyring entry name of a camera's login."""
    return f"camera/{key}"


@dataclass(frozen=True, slots=True)
class CameraDraft:
    """What the camera editor submits."""

    key: str
    name: str
    source: dict[str, Any]
    location: str = ""
    direction: str = ""
    owner_workstation: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    enabled: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def validate_draft(d: CameraDraft) -> dict[str, Any]:
    """Problems as ValidationFailed; otherwise the normalised column values."""
    problems = []
    if not _KEY.match(d.key or ""):
        problems.append("The camera id may use letters, digits, '.', '_' and '-' (at most 64).")
    if not d.name.strip():
        problems.append("Give the camera a name.")
    if len(d.location) > 200 or len(d.direction) > 32 or len(d.name) > 128:
        problems.append("Name, location or direction is too long.")
    url = str(d.source.get("url", ""))
    if _LOGIN_IN_URL.match(url):
        problems.append("Do not put a user or password in the URL: use the camera login fields (kept in the keyring).")
    source: dict[str, Any] = {}
    try:
        source = _SOURCE.validate_python(d.source).model_dump(mode="json")
    except ValidationError as exc:
        problems += [f"Source {'.'.join(map(str, e['loc'][1:])) or 'type'}: {e['msg']}" for e in exc.errors()]
    for value, name, lo, hi in ((d.latitude, "Latitude", -90, 90), (d.longitude, "Longitude", -180, 180)):
        if value is not None and not lo <= value <= hi:
            problems.append(f"{name} must be between {lo} and {hi}.")
    if problems:
        raise ValidationFailed(problems)
    return {"name": d.name.strip(), "location": d.location.strip(), "direction": d.direction.strip(),
            "source": source, "owner_workstation": d.owner_workstation or None, "latitude": d.latitude,
            "longitude": d.longitude, "enabled": d.enabled}


class CameraService:
    """Add and edit cameras; hand the runtime its cameras and their logins.

    Args:
        ctx: service context.
        secrets: the credential store (OS keyring); camera logins never reach the database.

    """

    def __init__(self, ctx: ServiceContext, secrets: SecretStore) -> None:
        self.ctx = ctx
        self.secrets = secrets

    def list(self, actor: Actor) -> list[Camera]:
        """Every camera (console users see names and places; administrators edit them)."""
        audit_trail.require_any(self.ctx, actor, (P.VIEW_CONSOLE, P.MANAGE_CAMERAS), "cameras.list")
        with self.ctx.uow() as uow:
            return CameraRepository(uow.s).list()

    def add(self, actor: Actor, draft: CameraDraft) -> Camera:
        """Create a camera (its id must be new)."""
        audit_trail.require(self.ctx, actor, P.MANAGE_CAMERAS, "cameras.add", terms=draft.key)
        values = validate_draft(draft)
        values["owner_workstation"] = values["owner_workstation"] or self.ctx.workstation  # runs where it was added
        with self.ctx.uow() as uow:
            repo = CameraRepository(uow.s)
            taken = repo.by_key(draft.key) is not None
            if not taken:
                cam = repo.add(draft.key, **values)
                audit_trail.record(uow, self.ctx, actor, "cameras.add", object_type="camera", object_id=cam.id,
                                   detail={"key": cam.key, "source_type": values["source"].get("type")})
        if taken:
            raise Conflict(f"A camera with the id '{draft.key}' exists already.")
        self.ctx.changes.publish(Changes(cameras=True))
        return cam

    def update(self, actor: Actor, camera_id: int, draft: CameraDraft) -> Camera:
        """Change a camera's name, place, direction, source, owner or enabled flag (its id stays).

        The access record keeps the old and new value of each changed field. A new host (or source
        type) forgets the camera's stored login: the administrator enters it again for that device.
        """
        audit_trail.require(self.ctx, actor, P.MANAGE_CAMERAS, "cameras.update", object_type="camera",
                            object_id=camera_id)
        values = validate_draft(draft)
        with self.ctx.uow() as uow:
            repo = CameraRepository(uow.s)
            before = repo.get(camera_id)
            same_key = before.key == draft.key
            # the stored login was given for one device: sent to another host it would reach whoever runs it
            forget = bool(before.credential_ref) and _endpoint(before.source) != _endpoint(values["source"])
            if same_key:
                cam = repo.update(camera_id, **values, **({"credential_ref": None} if forget else {}))
                changed = sorted(k for k in values if getattr(before, k) != getattr(cam, k))
                audit_trail.record(uow, self.ctx, actor, "cameras.update", object_type="camera", object_id=camera_id,
                                   detail={"changed": changed, "before": {k: getattr(before, k) for k in changed},
                                           "after": {k: getattr(cam, k) for k in changed},
                                           "credentials_cleared": forget})
        if not same_key:
            raise ValidationFailed("A camera's id cannot change (reads are stored under it).")
        if forget:
            self.secrets.delete(before.credential_ref)  # type: ignore[arg-type]
        self.ctx.changes.publish(Changes(cameras=True))
        return cam

    def set_credentials(self, actor: Actor, camera_id: int, user: str, password: str) -> Camera:
        """Keep the camera login in the keyring and remember only the entry's name.

        Raises:
            SecretStoreUnavailable: no secure keyring (there is no plaintext fallback).

        """
        audit_trail.require(self.ctx, actor, P.MANAGE_CAMERAS, "cameras.credentials", object_type="camera",
                            object_id=camera_id)
        if not user.strip():
            raise ValidationFailed("Give the camera user name.")
        with self.ctx.uow() as uow:
            key = CameraRepository(uow.s).get(camera_id).key
        ref = credential_ref(key)
        self.secrets.set(ref, json.dumps({"user": user, "password": password}))
        with self.ctx.uow() as uow:
            cam = CameraRepository(uow.s).update(camera_id, credential_ref=ref)
            audit_trail.record(uow, self.ctx, actor, "cameras.credentials", object_type="camera",
                               object_id=camera_id, detail={"set": True})
        self.ctx.changes.publish(Changes(cameras=True))
        return cam

    def clear_credentials(self, actor: Actor, camera_id: int) -> Camera:
        """Forget a camera's login (keyring entry deleted)."""
        audit_trail.require(self.ctx, actor, P.MANAGE_CAMERAS, "cameras.credentials", object_type="camera",
                            object_id=camera_id)
        with self.ctx.uow() as uow:
            repo = CameraRepository(uow.s)
            cam = repo.get(camera_id)
            if cam.credential_ref:
                self.secrets.delete(cam.credential_ref)
            cam = repo.update(camera_id, credential_ref=None)
            audit_trail.record(uow, self.ctx, actor, "cameras.credentials", object_type="camera",
                               object_id=camera_id, detail={"set": False})
        self.ctx.changes.publish(Changes(cameras=True))
        return cam

    def runtime_cameras(self, workstation: str | None = None) -> tuple[CameraConfig, ...]:
        """Enabled cameras owned by ``workstation`` (default: this one) as recognition configs."""
        with self.ctx.uow() as uow:
            cams = CameraRepository(uow.s).list(workstation or self.ctx.workstation, enabled_only=True)
        return _configs(cams)

    def leased_cameras(self, camera_ids: list[int]) -> tuple[CameraConfig, ...]:
        """The recognition configs of the cameras leased to this node (app.services.center)."""
        with self.ctx.uow() as uow:
            repo = CameraRepository(uow.s)
            cams = [repo.get(i) for i in camera_ids]
        return _configs([c for c in cams if c.enabled])

    def credentials(self, actor: Actor, camera_key: str) -> tuple[str, str] | None:
        """The login of a camera from the keyring, for the recognition runtime only.

        Only a system actor (the runtime or a node: no signed-in account) gets a camera's password;
        a signed-in user never does, whatever their roles (administrators set or clear logins, they
        do not read them back). A refusal is recorded.

        Raises:
            PermissionDenied: ``actor`` is a signed-in user.

        """
        if actor.user_id is not None:
            audit_trail.record_alone(self.ctx, actor, "cameras.credentials_read", outcome="refused",
                                     object_type="camera", terms=camera_key,
                                     detail={"problem": "camera logins go to the recognition runtime only"})
            raise PermissionDenied("read a camera's login", "recognition runtime only")
        raw = self.secrets.get(credential_ref(camera_key))
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return str(data["user"]), str(data["password"])
        except (ValueError, KeyError, TypeError):
            return None


def _endpoint(source: dict[str, Any]) -> tuple[object, ...]:
    """Where a source connects: its type, host and port (a login is given for one device)."""
    try:
        parts = urlsplit(str(source.get("url") or ""))
        return source.get("type"), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return source.get("type"), str(source.get("url")), None


def _configs(cams: list[Camera]) -> tuple[CameraConfig, ...]:
    """Recognition configs of stored cameras; an invalid stored source is left out (shown offline)."""
    out = []
    for cam in cams:
        source = dict(cam.source)
        if cam.credential_ref and source.get("type") in ("rtsp", "http"):
            source["use_credentials"] = True  # a stored login is always used
        try:
            out.append(CameraConfig(id=cam.key, name=cam.name, location=cam.location, direction=cam.direction,
                                    source=_SOURCE.validate_python(source)))
        except ValidationError:
            continue  # an invalid stored source shows as offline in the bridge, never stops the others
    return tuple(out)
