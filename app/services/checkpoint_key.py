"""The key that signs the access record's checkpoints: kept in the OS keyring, never in the database."""

from __future__ import annotations

import logging
import secrets as _random
import threading

from app.domain.access import ChainSealer
from app.settings.secrets import SecretStore, SecretStoreUnavailable

logger = logging.getLogger(__name__)

KEY_NAME = "access-log/checkpoint-key"


class CheckpointKeyring:
    """Loads (or on first use creates) the checkpoint key; None when no secure keyring exists.

    In a center with several consoles on one PostgreSQL database every console's keyring must hold
    the same key (``admin audit show-key-id`` tells which one a console has).
    """

    def __init__(self, store: SecretStore) -> None:
        self._store = store
        self._sealer: ChainSealer | None = None
        self._lock = threading.Lock()

    def sealer(self) -> ChainSealer | None:
        """The sealer for this console's key (cached after the first keyring read)."""
        if self._sealer is not None:
            return self._sealer
        with self._lock:
            if self._sealer is None:
                self._sealer = self._load()
            return self._sealer

    def _load(self) -> ChainSealer | None:
        if not self._store.available():
            return None
        try:
            value = self._store.get(KEY_NAME)
            if not value:
                value = _random.token_hex(32)
                self._store.set(KEY_NAME, value)
            return ChainSealer(bytes.fromhex(value))
        except (SecretStoreUnavailable, ValueError) as exc:
            logger.warning("access-record checkpoint key unavailable: %s", exc)
            return None
