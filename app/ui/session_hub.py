"""The signal hub of one sign-in: the screens listen here, and sign-out cuts it from the application's hub.

The application hub (:class:`AppSignals`) lives as long as the process: the runtime, recognition and
the services' change feed emit on it. Screens are built at sign-in and deleted at sign-out, but a
connection made with a lambda (or to a gate that outlives its screen) stays on a long-lived hub and
later calls into a deleted C++ object (``Internal C++ object (AuditScreen) already deleted``). Each
sign-in therefore gets a :class:`SessionSignals` relaying every signal of the application hub;
:meth:`SessionSignals.close` at sign-out disconnects the relays, so nothing of the old session hears
anything again, whatever the screens connected.
"""

from __future__ import annotations

from PySide6.QtCore import QMetaMethod

from app.workers.signals import AppSignals


def signal_names(cls: type[AppSignals] = AppSignals) -> tuple[str, ...]:
    """The names of the signals ``cls`` declares (its own and its bases' below QObject)."""
    meta = cls.staticMetaObject
    names = []
    for i in range(meta.methodOffset(), meta.methodCount()):
        method = meta.method(i)
        if method.methodType() == QMetaMethod.MethodType.Signal:
            names.append(bytes(method.name().data()).decode())
    return tuple(dict.fromkeys(names))


class SessionSignals(AppSignals):
    """Relays the application hub to one signed-in session's screens until :meth:`close`.

    Emitting here (a screen announcing a change it made) reaches the session's screens only; what the
    runtime and other processes must hear is published by the services on the change feed.
    """

    def __init__(self, hub: AppSignals) -> None:
        super().__init__()
        self.hub = hub
        self._names = signal_names(AppSignals)
        for name in self._names:
            getattr(hub, name).connect(getattr(self, name))
        self.closed = False

    def close(self) -> None:
        """Stop relaying (sign-out); idempotent."""
        if self.closed:
            return
        self.closed = True
        for name in self._names:
            try:
                getattr(self.hub, name).disconnect(getattr(self, name))
            except (RuntimeError, TypeError):  # already gone with the hub at shutdown
                pass
