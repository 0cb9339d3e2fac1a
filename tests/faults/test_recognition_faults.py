"""The recognition child killed (journalled reads survive, restarts), a stalled HTTP camera detected."""

from __future__ import annotations

import os
import signal
import socket
import threading

from app.services.spool import Spool
from recognition.config import (
    CameraConfig,
    CaptureConfig,
    DemoSourceConfig,
    HttpMjpegSourceConfig,
    RuntimeConfig,
)
from recognition.runtime import RecognitionProcess, RuntimeCallbacks, oracle_pipeline
from recognition.sources import create_source
from tests.faults.scenarios import wait_until


def test_killed_recognition_child_restarts_and_every_read_it_sent_is_journalled(tmp_path):
    spool = tmp_path / "spool"
    cam = CameraConfig(id="k", source=DemoSourceConfig(seed=8, resolution="720p", fps=20, vehicles_per_minute=120,
                                                       realtime=False, duration_s=30))
    got: list[tuple[str, str | None]] = []
    lock = threading.Lock()

    def received(read, path) -> None:  # noqa: ANN001
        with lock:
            got.append((read.read_id, path))

    proc = RecognitionProcess(RuntimeConfig(cameras=(cam,)), oracle_pipeline,
                              RuntimeCallbacks(journal_dir=str(spool), on_journalled=received),
                              name="alpr-fault-recognition")
    proc.start()
    try:
        for kill in range(2):
            assert wait_until(lambda k=kill: len(got) > 2 * (k + 1) and proc.pid is not None, 90)
            os.kill(proc.pid, signal.SIGKILL)
            assert wait_until(lambda k=kill: proc.restarts > k, 60)
        assert wait_until(lambda: len(got) > 8, 90)
    finally:
        proc.stop()
    assert all(path is not None for _, path in got)
    # a journal file holds one read or a group of them (group commit): count reads, not files
    journalled = [read.read_id for p in spool.glob("*.json") for read, _ in Spool.load_all(p)]
    assert {rid for rid, _ in got} <= set(journalled)  # 0 lost: everything the parent got is in the journal
    assert len(set(journalled)) == len(journalled)  # 0 duplicates
    assert not list(spool.glob("*.tmp"))


def test_stalled_http_camera_is_detected_and_reported():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]
    stop = threading.Event()
    clients: list[socket.socket] = []

    def serve() -> None:  # answers the request, sends one multipart header, then never a frame
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            clients.append(conn)
            conn.recv(4096)
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=frame\r\n\r\n"
                         b"--frame\r\nContent-Type: image/jpeg\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    cam = CameraConfig(id="stall", source=HttpMjpegSourceConfig(url=f"http://127.0.0.1:{port}/video.mjpg"),
                       capture=CaptureConfig(read_timeout_s=1.0, backoff_initial_s=0.2,
                                             backoff_max_s=0.5, offline_after=2))
    source = create_source(cam)
    try:
        source.start()
        assert wait_until(lambda: source.health().state in ("reconnecting", "offline"), 30), source.health()
        assert source.health().last_error
    finally:
        source.stop()
        stop.set()
        thread.join(5)
        for c in clients:
            c.close()
        server.close()


def test_child_killed_while_its_queue_is_locked_does_not_silence_the_next_child(tmp_path):
    """A kill can leave the events queue's write lock held (the child was writing): the next child still reports."""
    cam = CameraConfig(id="w", source=DemoSourceConfig(seed=9, resolution="720p", fps=20, vehicles_per_minute=120,
                                                       realtime=False, duration_s=30))
    got: list[str] = []
    lock = threading.Lock()

    def received(read, path) -> None:  # noqa: ANN001, ARG001
        with lock:
            got.append(read.read_id)

    proc = RecognitionProcess(RuntimeConfig(cameras=(cam,)), oracle_pipeline,
                              RuntimeCallbacks(journal_dir=str(tmp_path / "spool"), on_journalled=received),
                              name="alpr-fault-recognition")
    proc.start()
    try:
        assert wait_until(lambda: len(got) > 1, 90)
        stuck = proc._events  # noqa: SLF001 - the queue the killed child was writing to
        assert stuck._wlock.acquire(timeout=10)  # noqa: SLF001 - held as if by a writer that was killed
        os.kill(proc.pid, signal.SIGKILL)
        assert wait_until(lambda: proc.restarts > 0, 60)
        before = len(got)
        assert wait_until(lambda: len(got) > before + 1, 90), "the restarted child never reported a read"
    finally:
        proc.stop()
