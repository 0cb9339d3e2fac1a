"""Loading and saving settings; a corrupt file is kept aside and defaults are used."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from app.settings.model import AppSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    settings: AppSettings
    warning: str | None = None


def load_settings(path: Path) -> LoadedSettings:
    if not path.exists():
        return LoadedSettings(AppSettings())
    try:
        return LoadedSettings(AppSettings.model_validate(json.loads(path.read_text(encoding="utf-8"))))
    except (OSError, ValueError, ValidationError) as exc:
        aside = path.with_name(f"{path.stem}.corrupt-{datetime.now():%Y%m%d-%H%M%S}{path.suffix}")
        try:
            path.replace(aside)
        except OSError:
            aside = path
        first = str(exc).splitlines()[0]
        logger.warning("settings file %s unreadable (%s); kept as %s", path, first, aside)
        return LoadedSettings(
            AppSettings(),
            f"The settings file could not be read ({first}). It was kept as {aside.name} and defaults are in use.",
        )


def save_settings(path: Path, settings: AppSettings) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(settings.model_dump_json(indent=2))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
