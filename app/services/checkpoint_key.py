"""The key that signs the access record's checkpoints: kept in the OS keyring, never in the database."""

from __future__ import annotations

import json
import logging
import secrets as _random
import threading

from app.domain.access import ChainSealer
from app.settings.secrets import SecretStore, SecretStoreUnavailable

logger = logging.getLogger(__name__)

KEY_NAME = "access-log/checkpoint-key"
SIGNED_NAME = "access-log/signed-records"  # first-row hashes of the records this key signed (not secret)
SIGNED_KEPT = 50


class CheckpointKeyring:
    """Loads (or on first use creates) the checkpoint key; None when no secure keyring exists.

    In a center with several consoles on one PostgreSQL database every console's keyring must hold
    the same key (``admin audit show-key-id`` tells which one a console has).
    """

    def __init__(self, store: SecretStore) -> None:
        self._store = store
        self._sealer: ChainSealer | None = None
        self.noted = False  # this process has noted the record it writes to (one check per process)
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
            sealer = ChainSealer(bytes.fromhex(value))
        except (SecretStoreUnavailable, ValueError) as exc:
            logger.warning("access-record checkpoint key unavailable: %s", exc)
            return None
        sealer.signed_records = frozenset(self._signed())
        return sealer

    def _signed(self) -> list[str]:
        try:
            raw = self._store.get(SIGNED_NAME)
            hashes = json.loads(raw) if raw else []
        except (SecretStoreUnavailable, ValueError) as exc:
            logger.warning("list of signed access records unreadable: %s", exc)
            return []
        return [h for h in hashes if isinstance(h, str)] if isinstance(hashes, list) else []

    def note_signed(self, first_hash: str) -> None:
        """Remember (beside the key) that this key signs the record starting with ``first_hash``.

        Verify then reports a record among them that has lost every checkpoint (they were removed)
        instead of treating it as one written before checkpoints existed.
        """
        sealer = self.sealer()
        if sealer is None:
            return
        if first_hash in sealer.signed_records:
            self.noted = True
            return
        with self._lock:
            hashes = [h for h in self._signed() if h != first_hash][-(SIGNED_KEPT - 1):] + [first_hash]
            try:
                self._store.set(SIGNED_NAME, json.dumps(hashes))
            except SecretStoreUnavailable as exc:
                logger.warning("could not note the signed access record: %s", exc)
                self.noted = True  # tried once in this process; the next start tries again
                return
            sealer.signed_records = frozenset(hashes)
            self.noted = True
