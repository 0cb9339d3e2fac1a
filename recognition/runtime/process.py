"""The recognition runtime in a child process, with the same API as the in-process one.

The child is named, has faulthandler on and forwards its log records to the parent. Events come
back over a multiprocessing queue and are dispatched to the callbacks by a parent thread. If the
child dies it is restarted with backoff and the cameras are reported offline meanwhile.

Each child gets its own queues, and the parent closes its copy of their write ends. A child killed
while it writes to a queue can leave the queue's write lock held or a message cut in half: with
shared queues the next child could never send again and the parent would wait for the rest of the
message forever. Here the parent reads end of file instead, drops the cut message (a read in it is
in the journal, which the ingest replays) and moves on to the next child's queues.
"""

from __future__ import annotations

import faulthandler
import functools
import logging
import logging.handlers
import multiprocessing as mp
import queue
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from recognition.config import RuntimeConfig
from recognition.runtime.engine import PipelineFactory, RecognitionRuntime
from recognition.runtime.events import RuntimeCallbacks, RuntimeFault
from recognition.sources.opencv import Credentials
from recognition.types import CameraHealth

logger = logging.getLogger(__name__)

_CTX = mp.get_context("spawn")  # never fork a process that may hold Qt or OpenVINO threads


class ChildProcess(_CTX.Process):  # type: ignore[name-defined,misc]
    """Base for our child processes: named, faulthandler on, logging forwarded to the parent."""

    def __init__(self, name: str, log_queue: Any) -> None:
        """Create (not start) a child called ``name`` that logs into ``log_queue``."""
        super().__init__(name=name, daemon=True)
        self._log_queue = log_queue
        self._log_level = logging.getLogger().getEffectiveLevel()

    def run(self) -> None:
        """Set up crash dumps and logging, then call :meth:`main`."""
        faulthandler.enable(file=sys.stderr, all_threads=True)
        root = logging.getLogger()
        root.handlers[:] = [logging.handlers.QueueHandler(self._log_queue)]
        root.setLevel(self._log_level)
        try:
            import setproctitle  # type: ignore[import-not-found]

            setproctitle.setproctitle(self.name)
        except ImportError:
            pass
        self.main()

    def main(self) -> None:
        """Body of the child; override."""
        raise NotImplementedError


class _RuntimeChild(ChildProcess):
    def __init__(self, name: str, log_queue: Any, events: Any, commands: Any, spec: dict[str, Any]) -> None:
        super().__init__(name, log_queue)
        self._events = events
        self._commands = commands
        self._spec = spec

    def main(self) -> None:
        spec = self._spec
        creds: Mapping[str, Credentials] = spec["credentials"]
        events = self._events

        def put(kind: str) -> Callable[[object], None]:
            return lambda value: events.put((kind, value))

        on_read = put("read")
        group = None
        if spec.get("journal_dir"):
            from recognition.runtime.journal import GroupJournal, ReadJournal

            journal = ReadJournal(Path(spec["journal_dir"]))
            try:
                journal.sweep_leftovers()  # what a killed predecessor was writing when it died
            except OSError as error:
                logging.getLogger(__name__).warning("cannot sweep the journal's leftovers: %s", error)

            def sent(read: object, path: Path | None, error: OSError | None) -> None:
                if error is not None:
                    logging.getLogger(__name__).error("cannot journal read: %s", error)
                events.put(("journalled", (read, str(path) if path else None)))

            group = GroupJournal(journal.put_many)

            def on_read(read: object) -> None:  # journalled here (group commit), sent once durable: a kill loses nothing
                group.submit(read, sent)  # type: ignore[arg-type]

        callbacks = RuntimeCallbacks(on_read, put("health"), put("preview"), put("fault"))
        runtime = RecognitionRuntime(
            spec["config"], spec["factory"], callbacks, credentials=creds.get,
            demo_plates=spec["demo_plates"], workers=spec["workers"],
        )
        runtime.prepare()
        events.put(("ready", None))
        running = False
        if not spec["paused"]:
            runtime.start()
            running = True
            events.put(("started", None))
        while True:
            try:
                command = self._commands.get(timeout=0.5)
            except queue.Empty:
                continue
            if command == "go" and not running:
                runtime.start()
                running = True
                events.put(("started", None))
            elif command == "stop":
                break
        runtime.stop()
        if group is not None:
            group.close()
        stats = runtime.stats
        events.put(("stats", {"frames": stats.frames, "reads": stats.reads, "errors": stats.errors,
                              "process_ms": stats.process_ms, "read_latency_ms": stats.read_latency_ms,
                              "frame_to_read_ms": stats.frame_to_read_ms, "wait_ms": stats.wait_ms,
                              "seconds": stats.stopped - stats.started,
                              "cpu_ms_per_frame": stats.cpu_ms_per_frame}))
        events.put(("stopped", None))


class RecognitionProcess:
    """:class:`RecognitionRuntime` in a child process.

    Args:
        config: Runtime settings (use ``preview.jpeg=True``: arrays are costly to pickle).
        pipeline_factory: A picklable callable (top-level function or ``functools.partial``).
        callbacks: Receivers, called from a parent thread.
        credentials: Logins by camera id, resolved by the app before the child starts (they are
            sent over the process pipe, never on a command line or in the environment).
        demo_plates: Extra plate texts for demo sources.
        workers: Inference threads in the child (None: ``config.workers``).
        name: Process name (shows in ``ps``).
        restart: Restart a crashed child (with backoff from 1 s up to 30 s).
        stable_after_s: A child that ran this long before it died restarts after the initial
            delay again (the backoff resets after a stable run).

    """

    def __init__(
        self,
        config: RuntimeConfig,
        pipeline_factory: PipelineFactory,
        callbacks: RuntimeCallbacks | None = None,
        *,
        credentials: Mapping[str, Credentials] | None = None,
        demo_plates: tuple[str, ...] = (),
        workers: int | None = None,
        name: str = "alpr-recognition",
        restart: bool = True,
        stable_after_s: float = 60.0,
    ) -> None:
        self.config = config
        self._callbacks = callbacks or RuntimeCallbacks()
        self._spec = {"config": config, "factory": pipeline_factory, "credentials": dict(credentials or {}),
                      "demo_plates": demo_plates, "workers": workers, "paused": False,
                      "journal_dir": self._callbacks.journal_dir}
        self._name = name
        self._restart = restart
        self.stable_after_s = stable_after_s
        self._spawned_at = 0.0
        self.last_backoff_s = 0.0
        self._events: Any = None
        self._logs: Any = None
        self._commands: Any = None
        self._child: _RuntimeChild | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._health: dict[str, CameraHealth] = {}
        self._started = threading.Event()
        self._ready = threading.Event()
        self.stats: dict[str, Any] = {}
        self.restarts = 0

    def start(self, wait: float = 60.0, *, paused: bool = False) -> None:
        """Spawn the child and wait until its cameras are started.

        With ``paused=True`` the child loads its models and waits for :meth:`go` (benchmarks start
        several children together this way).
        """
        self._stop.clear()
        self._spec["paused"] = paused
        self._spawn()
        self._threads = [
            threading.Thread(target=self._dispatch, name="recognition-events", daemon=True),
            threading.Thread(target=self._forward_logs, name="recognition-logs", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        (self._ready if paused else self._started).wait(wait)

    def go(self, wait: float = 30.0) -> None:
        """Start the cameras of a child started with ``paused=True``."""
        self._commands.put("go")
        self._started.wait(wait)

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the child to stop, wait for its last events, then end the parent threads."""
        self._stop.set()
        child = self._child
        if child is not None and child.is_alive():
            self._commands.put("stop")
            child.join(timeout)
            if child.is_alive():
                logger.warning("recognition process did not stop; terminating it")
                child.terminate()
                child.join(5)
        for thread in self._threads:  # they end at the end of file of the child's queues
            thread.join(timeout)
        self._threads.clear()
        if self._commands is not None:
            self._commands.cancel_join_thread()  # a dead child never reads its last command
            self._commands.close()
        self._child = None

    def health(self) -> list[CameraHealth]:
        """Last health published by the child for each camera."""
        return list(self._health.values())

    @property
    def pid(self) -> int | None:
        """Process id of the child (None when not running)."""
        return self._child.pid if self._child is not None else None

    # -- internals -----------------------------------------------------------------------------
    def _spawn(self) -> None:
        if self._commands is not None:
            self._commands.cancel_join_thread()
            self._commands.close()
        self._commands = _CTX.Queue()
        events, logs = _CTX.Queue(), _CTX.Queue()
        self._started.clear()
        self._ready.clear()
        child = _RuntimeChild(self._name, logs, events, self._commands, self._spec)
        child.start()
        for q in (events, logs):  # the child has its copy now: once it is gone, reads see end of file
            q._writer.close()  # noqa: SLF001 - no public way to drop the parent's write end
        self._events, self._logs, self._child = events, logs, child
        self._spawned_at = time.monotonic()

    def _dispatch(self) -> None:
        backoff = 1.0
        while True:
            events, child = self._events, self._child
            try:
                kind, value = events.get(timeout=0.5)
            except queue.Empty:
                if child is None or child.is_alive():
                    continue
                if self._stop.is_set():
                    return
                backoff = self._on_crash(backoff)
                if self._child is None:
                    return
                continue
            except (EOFError, OSError):  # every write end closed: this child is gone
                if self._stop.is_set():
                    return
                if child is not None:
                    child.join(5)
                backoff = self._on_crash(backoff)
                if self._child is None:  # not restarted
                    return
                continue
            self._handle(kind, value)

    def _handle(self, kind: str, value: Any) -> None:
        cb = self._callbacks
        target: Callable[[Any], None] | None = None
        if kind == "read":
            target = cb.on_read
        elif kind == "journalled":
            if cb.on_journalled is not None:
                target = lambda pair: cb.on_journalled(*pair)  # noqa: E731
            elif cb.on_read is not None:
                target = lambda pair: cb.on_read(pair[0])  # noqa: E731
        elif kind == "health":
            self._health[value.camera_id] = value
            target = cb.on_health
        elif kind == "preview":
            target = cb.on_preview
        elif kind == "fault":
            target = cb.on_fault
        elif kind == "started":
            self._started.set()
        elif kind == "ready":
            self._ready.set()
        elif kind == "stats":
            self.stats = value
        if target is not None:
            try:
                target(value)
            except Exception:
                logger.exception("runtime subscriber failed")

    def _on_crash(self, backoff: float) -> float:
        code = self._child.exitcode if self._child is not None else None
        message = f"recognition process exited unexpectedly (code {code})"
        logger.error(message)
        self._handle("fault", RuntimeFault(None, message))
        for cam in self.config.cameras:
            self._handle("health", CameraHealth(cam.id, "offline", last_error=message))
        if not self._restart:
            self._child = None
            return backoff
        if time.monotonic() - self._spawned_at >= self.stable_after_s:
            backoff = 1.0  # it ran long enough: this is a new fault, not the same one again
        self.last_backoff_s = backoff
        if self._stop.wait(backoff):
            return backoff
        self.restarts += 1
        self._spawn()
        return min(backoff * 2, 30.0)

    def _forward_logs(self) -> None:
        while True:
            logs = self._logs
            try:
                record = logs.get(timeout=0.5)
            except queue.Empty:
                continue
            except (EOFError, OSError):  # this child is gone: wait for the next one, or end with the last
                if self._stop.is_set():
                    return
                while self._logs is logs and not self._stop.wait(0.1):
                    pass
                continue
            logging.getLogger(record.name).handle(record)


def partial_factory(func: Callable[..., Any], **kwargs: Any) -> PipelineFactory:
    """``functools.partial`` of a top-level factory, picklable for the child process."""
    return functools.partial(func, **kwargs)
