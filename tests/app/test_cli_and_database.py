from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.bootstrap import open_database
from app.domain.errors import DatabaseUnavailable
from app.paths import AppPaths
from app.settings.model import AppSettings
from app.settings.secrets import MemorySecretStore

ROOT = Path(__file__).resolve().parents[2]


def test_unreachable_postgres_gives_a_clear_error(tmp_path):
    s = AppSettings()
    with pytest.raises(DatabaseUnavailable, match="Cannot connect to the database"):
        open_database(s, AppPaths(tmp_path, tmp_path), MemorySecretStore(),
                      "postgresql+psycopg://alpr@127.0.0.1:9/alpr")


def _main(*args, stdin=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, env=env, timeout=120)


def test_admin_cli_create_verify_and_tamper(tmp_path):
    data = str(tmp_path / "d")
    r = _main("--data-dir", data, "admin", "create-admin", "--username", "sup1", "--full-name", "Sam S",
              "--password-stdin", stdin="correct horse battery\n")
    assert r.returncode == 0, r.stderr
    r = _main("--data-dir", data, "admin", "create-admin", "--username", "sup2", "--full-name", "Sue S",
              "--password-stdin", stdin="correct horse battery\n")
    assert r.returncode == 1 and "already exists" in r.stderr
    r = _main("--data-dir", data, "admin", "audit", "verify")
    assert r.returncode == 0 and r.stdout.startswith("intact")
    # Given someone edits the first access-record row with a database tool
    con = sqlite3.connect(Path(data) / "alpr.db")
    con.execute("update access_log set username='nobody' where id=1")
    con.commit()
    con.close()
    r = _main("--data-dir", data, "admin", "audit", "verify")
    assert r.returncode == 3 and "BROKEN at row 1" in r.stdout

