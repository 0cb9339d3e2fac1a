"""Is a typed reason a reason? (002 IV.P.4, IV.Q.1: a documented reason, not a keystroke.)

Used for override reasons, detection-browsing reasons and redraw reasons: a text must have at
least ``min_words`` words of two or more letters, and must not be one character repeated or a
word repeated (``xxxxxxxxxxxxxxxxxxxxx``, ``test test test test``).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def reason_problem(text: str | None, what: str = "The reason", min_words: int = 3, min_chars: int = 0) -> str | None:
    """Why ``text`` is not a substantive reason, or None when it is."""
    value = " ".join((text or "").split())
    if not value:
        return f"{what} is required."
    squeezed = re.sub(r"\W", "", value).lower()
    if len(set(squeezed)) <= 2:
        return f"{what} is not a reason: it repeats one or two characters."
    words = [w.lower() for w in _WORD.findall(value)]
    if len(words) < min_words:
        return f"{what} needs at least {min_words} words saying why."
    if len(set(words)) < min(min_words, 2) or len(set(words)) * 2 < len(words) and len(set(words)) < min_words:
        return f"{what} is not a reason: it repeats the same words."
    if len(value) < min_chars:
        return f"{what} must be at least {min_chars} characters long."
    return None
