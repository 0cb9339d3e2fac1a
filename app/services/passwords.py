"""argon2id password hashing (argon2-cffi) and the password rules of NIST SP 800-63B.

Strength is judged by zxcvbn (a well-kept port of Dropbox's estimator): it knows the common and
breached passwords, keyboard walks, repeats, sequences, dates and l33t substitutions, and it is
told the context words (username, full name, agency) that must not carry a password.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

MAX_LENGTH = 256  # SP 800-63B: allow at least 64; a bound keeps hashing cost predictable
MIN_SCORE = 3  # zxcvbn 0..4; 3 = "safely unguessable: moderate protection from offline slow-hash attacks"
_CHECKED_PREFIX = 100  # zxcvbn's matching is quadratic in length; long passphrases are judged on a prefix
#: words that are context for every account of this application
APP_WORDS = ("alpr", "police", "sheriff", "dispatch", "dispatcher", "console", "plate", "license", "agency")
APP_WORDS_REFUSED = ("alpr", "police", "sheriff", "dispatch", "console")  # refused outright, anywhere


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
        """Spend the time of one verify so refusals cannot be told apart by timing."""
        self.verify(self._dummy, password)


def _context_tokens(words: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for w in words:
        for token in "".join(c if c.isalnum() else " " for c in w.casefold()).split():
            if len(token) >= 4 and token not in out:
                out.append(token)
    return out


def password_problems(password: str, *, min_length: int = 12, username: str = "",
                      context: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with ``password`` (empty list: acceptable).

    Args:
        password: the proposed password.
        min_length: at least 12 (policy 002 IV.B, CJIS 5.6.2.1.1).
        username: the account's username (never part of its password).
        context: other words of the account and agency (full name, agency name, ORI ...).

    """
    problems: list[str] = []
    if len(password) < min_length:
        problems.append(f"Password must be at least {min_length} characters long.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Password must be at most {MAX_LENGTH} characters long.")
    folded = password.casefold()
    tokens = _context_tokens((username, *context))
    if username and (username.casefold() in folded or any(t in folded for t in _context_tokens((username,)))):
        problems.append("Password must not contain the username.")
    elif any(t in folded for t in tokens) or any(w in folded for w in APP_WORDS_REFUSED):
        problems.append("Password must not contain your name, the agency's name or words of this application.")
    if not problems:
        verdict = zxcvbn(password[:_CHECKED_PREFIX], user_inputs=[*tokens, *APP_WORDS])
        if verdict["score"] < MIN_SCORE:
            hint = (verdict.get("feedback") or {}).get("warning") or ""
            problems.append("This password is too easy to guess (a common or breached password, a pattern or "
                            f"words of this agency){': ' + hint.rstrip('.') if hint else ''}. "
                            "Use a longer passphrase of unrelated words.")
    return problems
