"""Workstation settings, validated by pydantic and stored as JSON in the user config folder.

Agency-wide settings (retention, purposes ...) live in the database; these are per workstation.
Secrets are never here: only the name of a keyring entry.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DatabaseSettings(Strict):
    kind: Literal["sqlite", "postgresql"] = Field("sqlite", title="Database", description="Embedded SQLite (one workstation) or a shared PostgreSQL (several consoles).")
    url: str = Field("", title="PostgreSQL URL", description="postgresql://user@host:5432/alpr, without the password (kept in the OS keyring).", max_length=500)
    password_ref: str = Field("database", title="Keyring entry", description="Name of the keyring entry that holds the database password.", max_length=100)

    @field_validator("url")
    @classmethod
    def _no_password_in_url(cls, v: str) -> str:
        """The database password lives in the OS keyring, never in the settings file."""
        if not v.strip():
            return v
        try:
            parts = urlsplit(v.strip())
            embedded = parts.password
        except ValueError as exc:
            raise ValueError(f"not a database URL: {exc}") from exc
        if embedded:
            raise ValueError("the URL holds a password: remove it, the password is kept in the OS keyring")
        if any(k.lower() in ("password", "passfile") for k in parse_qs(parts.query)):
            raise ValueError("the URL holds a password parameter: remove it, the password is kept in the OS keyring")
        return v


class SecuritySettings(Strict):
    max_failed_attempts: int = Field(5, title="Failed attempts before lockout", ge=3, le=10)
    lockout_minutes: int = Field(15, title="Lockout duration (minutes)", ge=1, le=1440)
    min_password_length: int = Field(12, title="Minimum password length", ge=12, le=128)
    idle_lock_minutes: int = Field(30, title="Idle lock after (minutes)", description="CJIS 5.5.5 session lock: at most 30 minutes.", ge=1, le=30)


class AlertSettings(Strict):
    phonetic_alphabet: Literal["apco", "nato"] = Field("apco", title="Phonetic alphabet", description="How plates are spelled aloud.")
    speech_enabled: bool = Field(True, title="Spoken announcements")
    repeat_top_priority_s: int = Field(30, title="Repeat unacknowledged top-priority hits every (s)", ge=10, le=600)
    dedupe_minutes: int = Field(10, title="Do not re-announce the same plate within (minutes)", ge=0, le=240)
    raise_window_on_top_priority: bool = Field(True, title="Raise and flash the window on top-priority hits")
    voice: str = Field("", title="Voice", description="The speech engine's voice (empty: the system default).", max_length=200)
    speech_rate_wpm: int = Field(165, title="Speech rate (words per minute)", description="Plates are spelled to a listener: a little slower than normal speech.", ge=100, le=260)
    speech_volume: float = Field(1.0, title="Speech volume", description="0 silent .. 1 full.", ge=0.1, le=1.0)
    chime_volume: float = Field(0.8, title="Chime volume", description="0 silent .. 1 full.", ge=0.1, le=1.0)


class UiSettings(Strict):
    theme: Literal["dark", "light"] = Field("dark", title="Theme", description="Dark for a darkened room, light for a day-lit office. Both pass WCAG AA contrast.")
    font_pt: float = Field(12.0, title="Font size (pt)", description="Body text size; plates and priorities are shown larger. Ctrl+Plus / Ctrl+Minus / Ctrl+0 change it too.", ge=9.0, le=24.0)
    date_format: Literal["iso", "us", "dmy"] = Field(
        "iso", title="Date format",
        description="How dates are written in tables, dialogs and PDFs: iso 2026-12-04 (ISO 8601), "
                    "us 12/04/2026, dmy 04/12/2026. Times are always 24-hour.")


class QueueSettings(Strict):
    stale_after_min: int = Field(30, title="Hits go stale after (minutes)", description="An open hit whose vehicle was not seen again for this long is marked stale and counted, never dropped; stale top priorities keep their place in the queue.", ge=5, le=720)


class NodeSettings(Strict):
    capacity: int = Field(8, title="Cameras this node can run", description="A recognition node leases at most this many cameras.", ge=1, le=64)
    heartbeat_s: float = Field(3.0, title="Heartbeat interval (s)", description="How often a node renews its leases and reports health.", ge=0.5, le=60)
    lease_timeout_s: float = Field(15.0, title="Failover after (s)", description="A node silent this long loses its cameras to a node with capacity.", ge=3, le=600)


class AppSettings(Strict):
    workstation_name: str = Field("", title="Workstation name", description="Shown in the access record; defaults to the host name.", max_length=128)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    run_recognition: bool | None = Field(
        None, title="Run recognition for this workstation's cameras",
        description="Unset: yes on the embedded SQLite database (one workstation), no on PostgreSQL (recognition "
                    "nodes run the center's cameras). Set it to run this console's own cameras anyway.")
    node: NodeSettings = Field(default_factory=lambda: NodeSettings())
