"""Issue 10: data at rest readable by the owner only (also files created later), checked at start;
one running console per data folder."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from app.data_at_rest import AlreadyRunning, InstanceLock, check_private
from app.paths import AppPaths
from app.persistence.engine import make_engine, sqlite_url
from app.persistence.migrate import upgrade

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)  # the usual desktop default under which everything was 0644 in 0755 folders
    yield
    os.umask(old)


def _mode(p) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_database_wal_images_spool_and_documents_are_private(tmp_path, loose_umask):
    paths = AppPaths(tmp_path / "data", tmp_path / "cfg").ensure()
    engine = make_engine(sqlite_url(paths.database))
    upgrade(engine)
    with engine.begin() as c:
        c.execute(text("insert into settings (key, value, updated_at) values ('k', '1', '2026-01-01')"))
    (paths.images / "cam1").mkdir()
    (paths.images / "cam1" / "2026112014.pack").write_bytes(b"jpeg")
    (paths.spool / "read-1.json").write_text("{}")
    (paths.documents / "memo.pdf").write_bytes(b"%PDF")
    created = [paths.database, paths.database.with_name("alpr.db-wal"), paths.images / "cam1" / "2026112014.pack",
               paths.spool / "read-1.json", paths.documents / "memo.pdf"]
    for f in created:
        assert _mode(f) == 0o600, (f, oct(_mode(f)))
    for d in (paths.data, paths.config, paths.images, paths.images / "cam1", paths.spool, paths.documents):
        assert _mode(d) == 0o700, (d, oct(_mode(d)))
    engine.dispose()
    assert check_private(paths.data, paths.config) == []


def test_start_up_check_warns_and_tightens(tmp_path):
    data = tmp_path / "data"
    (data / "images").mkdir(parents=True)
    (data / "alpr.db").write_bytes(b"x")
    data.chmod(0o755)
    (data / "images").chmod(0o755)
    (data / "alpr.db").chmod(0o644)
    warnings = check_private(data)
    assert len(warnings) == 3 and all("readable by other users" in w for w in warnings)
    assert _mode(data) == 0o700 and _mode(data / "images") == 0o700 and _mode(data / "alpr.db") == 0o600
    assert check_private(data) == []


def test_second_console_on_the_same_data_folder_is_refused(tmp_path):
    first = InstanceLock(tmp_path).acquire()
    with pytest.raises(AlreadyRunning, match=str(os.getpid())):
        InstanceLock(tmp_path).acquire()
    first.release()
    InstanceLock(tmp_path).acquire().release()  # free again once the first console ends


def test_second_process_is_refused(tmp_path):
    import subprocess
    import sys

    lock = InstanceLock(tmp_path).acquire()
    code = ("import sys; from pathlib import Path; from app.data_at_rest import InstanceLock, AlreadyRunning\n"
            "try:\n    InstanceLock(Path(sys.argv[1])).acquire()\nexcept AlreadyRunning:\n    sys.exit(7)\n")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], timeout=60)
    lock.release()
    assert r.returncode == 7
