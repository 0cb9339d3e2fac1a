"""Where services announce the ``Changes`` they caused; one runner (the app runtime) broadcasts them.

A service publishes after its transaction committed, from whatever thread ran it (the DB executor,
the housekeeping job, the ingest thread). Subscribers must be cheap and thread-safe: the runtime's
subscriber only emits a queued Qt signal. A failing subscriber is logged and never undoes the change.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from app.domain.changes import Changes

logger = logging.getLogger(__name__)

Subscriber = Callable[[Changes], None]
T = TypeVar("T")


class ChangeFeed:
    """Publish/subscribe for :class:`Changes` values (thread-safe)."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber`` with every published change (idempotent per subscriber)."""
        with self._lock:
            if subscriber not in self._subscribers:
                self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Stop calling ``subscriber`` (no error if it was not subscribed)."""
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

    def publish(self, changes: Changes) -> Changes:
        """Hand ``changes`` to every subscriber; returns it so a service can ``return feed.publish(...)``."""
        if not changes:
            return changes
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(changes)
            except Exception:  # a broken listener must not turn a committed change into an error
                logger.exception("a change subscriber failed")
        return changes


def publishes(changes: Changes) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Publish ``changes`` on ``self.ctx.changes`` once the decorated service method has returned.

    It returns after its transaction committed; a method that raises publishes nothing.

    The screens then announce nothing themselves: whoever calls the service (a screen, the CLI, the
    scheduler, another console's listener), every screen hears the change through the one broadcaster.
    """

    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
            out = method(self, *args, **kwargs)
            self.ctx.changes.publish(changes)
            return out

        return wrapper

    return decorate
