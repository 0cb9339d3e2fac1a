"""argon2id password hashing (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class PasswordHashing:
    """Hash and verify passwords with argon2id; parameters chosen for < 0.5 s verify on 2 cores."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 2) -> None:
        self._ph = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
        self._dummy = self._ph.hash("timing-equaliser-not-a-password")

    def hash(self, password: str) -> str:
        """Return an argon2id hash string of ``password``."""
        return self._ph.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        """True when ``password`` matches ``stored_hash``."""
        try:
            return self._ph.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def burn(self, password: str) -> None:
        """Spend the time of one verify so unknown usernames cannot be told apart by timing."""
        self.verify(self._dummy, password)
