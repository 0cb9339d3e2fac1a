"""The index's cache-sized top levels find the same position as a plain bisect of the whole column."""

from __future__ import annotations

import bisect
import random

import pytest

from recognition.match import HotListIndex
from recognition.match.index import TOP_STRIDE, first_at_least

_TOP2 = TOP_STRIDE * TOP_STRIDE


@pytest.mark.parametrize("n", [0, 1, TOP_STRIDE - 1, TOP_STRIDE, TOP_STRIDE + 1, 5 * TOP_STRIDE, 1000,
                               _TOP2 - 1, _TOP2, _TOP2 + 1, _TOP2 + TOP_STRIDE, 2 * _TOP2 + TOP_STRIDE + 1])
def test_first_at_least_equals_a_plain_bisect_at_every_boundary(n):
    rnd = random.Random(n)
    # few distinct keys, so runs of equal keys straddle the strides of both levels
    plates = ["".join(rnd.choices("ABC123", k=rnd.randint(3, 4))) for _ in range(n)]
    index = HotListIndex.from_columns(list(range(n)), plates, ["CA"] * n, [4] * n)
    keys = list(index.folded_keys)
    assert list(index.folded_top2) == keys[::_TOP2]
    assert list(index.folded_top) == keys[::TOP_STRIDE]
    probes = {k + d for k in keys for d in (-1, 0, 1)} | {0, 2**62}
    for key in probes:
        assert first_at_least(index, key) == bisect.bisect_left(keys, key), (n, key)


def test_the_second_top_level_is_small():
    n = 3 * _TOP2
    index = HotListIndex.from_columns(list(range(n)), [f"A{i:06d}" for i in range(n)], ["CA"] * n, [4] * n)
    assert len(index.folded_top2) == 3
    assert len(index.folded_top) == 3 * TOP_STRIDE
