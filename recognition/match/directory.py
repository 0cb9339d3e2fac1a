"""The key directory: where in the folded-key column a read's key can be, in one array read.

A folded key is ``value << 4 | length`` (plates of 1-10 characters, ``value < 36 ** length``).
For each length L the directory cuts the values into buckets of ``2 ** s`` values, ``s`` chosen so
that the plates of length L give ~``BUCKET_ENTRIES`` an entry a bucket, and records the first
position of each bucket: a key ``k`` of length L lies in bucket ``i = k >> (s + 4)``, i.e. between
positions ``starts[i]`` and ``starts[i + 1]``, and one bisect of that short stretch finds it.
That replaces three bisects (two top levels and a 64-key stretch of the column) and their Python
overhead. Any distribution is correct: a crowded bucket (look-alike classes fold four letters to
one digit; shorter plates share the values of a longer plate's leading zeros) only means a longer
bisect, never more than one of the whole column.
"""

from __future__ import annotations

from array import array

import numpy as np

from recognition.match.confusion import MAX_KEY_LENGTH

#: Entries of one plate length a bucket holds on average (10 M entries: ~2 M buckets, 8 MB).
BUCKET_ENTRIES = 8
#: Bounds per search step (each holds the interpreter lock a few ms).
_STEP = 1 << 16


def key_directory(folded: np.ndarray) -> tuple[tuple[int, array], ...]:
    """For each length 0..``MAX_KEY_LENGTH``: ``(shift, starts)``, ``starts`` int32 (int64 past 2**31 entries).

    ``folded`` must be ascending. ``starts[i]`` is the first position whose key is at least
    ``i << shift``; ``starts`` has one item more than there are buckets.
    """
    counts = np.bincount(folded & 15, minlength=16) if len(folded) else np.zeros(16, np.int64)
    typecode = "i" if len(folded) < 2**31 else "q"
    out = []
    for length in range(MAX_KEY_LENGTH + 1):
        span = 36**length
        wanted = max(1, int(counts[length]) // BUCKET_ENTRIES)
        bits = max(0, (span // wanted).bit_length() - 1)
        buckets = ((span - 1) >> bits) + 1
        starts = array(typecode)
        for first in range(0, buckets + 1, _STEP):
            bounds = np.arange(first, min(first + _STEP, buckets + 1), dtype=np.int64) << (bits + 4)
            starts.frombytes(np.searchsorted(folded, bounds).astype(typecode).tobytes())
        out.append((bits + 4, starts))
    return tuple(out)
