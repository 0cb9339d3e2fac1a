"""The plate head: a small number that follows the plates' order, for the entries browser's prefix search.

``hotlist_entries.plate_head`` holds :func:`plate_head` of the row's plate: its first two characters
mapped onto ``PLATE_HEADS`` steps, never smaller for a plate that sorts later (binary order). It is
also the parser's stage table of the plate, so the hot-list copy writes a stage table's rows with one
head and increasing ids: every row lands at the end of its head's stretch of the index
``ix_hotlist_entries_plate_head`` (an append). A text index on ``plate`` took each row at a random
place instead: ~0.6 us a row more of the copy (5.4 CPU s of a 10 M import).

A prefix search reads the heads of the prefix (:func:`prefix_heads`: one for two characters or more)
and checks the plate itself on those rows only. No writer may store a row without its head: the ORM
row sets it with its plate, bulk rows carry it (:data:`~app.persistence.hotlist_rows.BULK_COLUMNS`),
and :func:`plate_head_sql` is the same function in SQL (the migration's backfill, the tests' check).
"""

from __future__ import annotations

#: Steps of the head (0 .. PLATE_HEADS - 1); the hot-list parser stages a list in as many tables.
PLATE_HEADS = 256
#: Places of a plate's first two characters: a character ranks 0 (below '0', or none), 1-10 ('0'-'9'), 11
#: (':'-'@', e.g. the wildcard '?'), 12-37 ('A'-'Z'), 38 (above 'Z'); the second counts only after a digit
#: or letter (after the other ranks, which hold many characters, it would break the order).
_PLACES = 1407


def _rank(code: int) -> int:
    if code < 48:
        return 0
    if code <= 57:
        return code - 47
    if code < 65:
        return 11
    if code <= 90:
        return code - 53
    return 38


def _place(first: int, second: int) -> int:
    """0 .. _PLACES - 1 from the code points of the first two characters (0: none)."""
    if first < 48:
        return 0
    if first <= 57:
        return 1 + (first - 48) * 39 + _rank(second)
    if first < 65:
        return 391
    if first <= 90:
        return 392 + (first - 65) * 39 + _rank(second)
    return 1406


def _head_of(two: str) -> int:
    return _place(ord(two[0]) if two else 0, ord(two[1]) if len(two) > 1 else 0) * PLATE_HEADS // _PLACES


class _Heads(dict):
    """Head of a plate's first two characters (``plate[:2]``): a dict lookup for plates of 0-9 and A-Z."""

    def __missing__(self, two: str) -> int:
        return _head_of(two)


_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: ``HEAD_OF_FIRST_TWO[plate[:2]]`` is :func:`plate_head` (the parser maps ten million plates through it)
HEAD_OF_FIRST_TWO: dict[str, int] = _Heads(
    {"": 0, **{a: _head_of(a) for a in _ALNUM}, **{a + b: _head_of(a + b) for a in _ALNUM for b in _ALNUM}})


def plate_head(plate: str) -> int:
    """The head of a plate (0 .. ``PLATE_HEADS - 1``): ``a <= b`` implies ``plate_head(a) <= plate_head(b)``."""
    return HEAD_OF_FIRST_TWO[plate[:2]]


def prefix_heads(prefix: str) -> tuple[int, int]:
    """The lowest and highest head of a plate that starts with ``prefix`` (``prefix <= plate < prefix + '\\x7f'``)."""
    return plate_head(prefix), plate_head(prefix + "\x7f")


def plate_head_sql(dialect: str, column: str = "plate") -> str:
    """:func:`plate_head` of ``column`` as an SQL expression of SQLite or PostgreSQL (``dialect``)."""
    code = "unicode" if dialect == "sqlite" else "ascii"  # ascii(): the code point in a UTF-8 database
    first = f"coalesce({code}(substr({column}, 1, 1)), 0)"
    second = f"coalesce({code}(substr({column}, 2, 1)), 0)"
    rank = (f"(CASE WHEN {second} < 48 THEN 0 WHEN {second} <= 57 THEN {second} - 47 WHEN {second} < 65 THEN 11 "
            f"WHEN {second} <= 90 THEN {second} - 53 ELSE 38 END)")
    place = (f"(CASE WHEN {first} < 48 THEN 0 WHEN {first} <= 57 THEN 1 + ({first} - 48) * 39 + {rank} "
             f"WHEN {first} < 65 THEN 391 WHEN {first} <= 90 THEN 392 + ({first} - 65) * 39 + {rank} ELSE 1406 END)")
    return f"({place} * {PLATE_HEADS} / {_PLACES})"
