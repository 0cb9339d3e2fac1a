"""Run one function over a few items on worker threads, results in the items' order.

The readers use it for the candidates of one image: OpenVINO releases the GIL during inference, so two
crops read on two threads use both CPU cores when nothing else does (a still, a recorded video read
frame by frame). The pool lives for one call only: no thread outlives the image it was made for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def side_by_side(fn: Callable[[Item], Result], items: Sequence[Item], workers: int) -> list[Result]:
    """``[fn(item) for item in items]``, on up to ``workers`` threads at once when there are several items.

    Raises:
        ValueError: If ``workers`` < 1.
        Exception: The first exception ``fn`` raised, in the items' order (as the plain loop would).

    """
    if workers < 1:
        raise ValueError("workers >= 1 required")
    if workers == 1 or len(items) < 2:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(min(workers, len(items)), thread_name_prefix="side-by-side") as pool:
        return list(pool.map(fn, items))
