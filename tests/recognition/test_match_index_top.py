"""The index's cache-sized top level finds the same position as a plain bisect of the whole column."""

from __future__ import annotations

import bisect
import random

from recognition.match import HotListIndex
from recognition.match.index import TOP_STRIDE, first_at_least


def test_first_at_least_equals_a_plain_bisect_at_every_boundary():
    rnd = random.Random(3)
    for n in (0, 1, TOP_STRIDE - 1, TOP_STRIDE, TOP_STRIDE + 1, 5 * TOP_STRIDE, 1000):
        plates = ["".join(rnd.choices("ABC123", k=rnd.randint(3, 4))) for _ in range(n)]
        index = HotListIndex.from_columns(list(range(n)), plates, ["CA"] * n, [4] * n)
        keys = list(index.folded_keys)
        probes = {k + d for k in keys for d in (-1, 0, 1)} | {0, 2**62}
        for key in probes:
            assert first_at_least(index, key) == bisect.bisect_left(keys, key), (n, key)
