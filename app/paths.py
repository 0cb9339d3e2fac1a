"""Where the app keeps its files: user data folder (database, images, documents) and config."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP = "alpr-console"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data: Path
    config: Path

    @property
    def database(self) -> Path:
        return self.data / "alpr.db"

    @property
    def images(self) -> Path:
        return self.data / "images"

    @property
    def documents(self) -> Path:
        return self.data / "documents"

    @property
    def spool(self) -> Path:
        return self.data / "spool"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    def ensure(self) -> AppPaths:
        """Create the folders owner-only and make this process create private files from now on."""
        from app.data_at_rest import private_umask

        private_umask()
        for p in (self.data, self.config, self.images, self.documents, self.spool):
            p.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self

    @classmethod
    def default(cls, data_dir: Path | None = None) -> AppPaths:
        if data_dir is not None:
            return cls(data_dir, data_dir / "config")
        return cls(user_data_path(APP, appauthor=False), user_config_path(APP, appauthor=False))


def resources_dir() -> Path:
    """resources/ next to the code, or inside a PyInstaller bundle."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources"
