"""Which detected lines of a plate crop hold the plate number and which are small text.

The plate number is the row of the tallest characters. A state graphic (Wyoming's horse,
Louisiana's pelican) often splits that row into two detected lines, so lines of nearly the same
height whose vertical centre lies within the tallest line's band join it. Everything clearly
smaller is "small text": state name, slogan, website, registration sticker.
"""

from __future__ import annotations

from dataclasses import dataclass

from recognition.read.lines import TextLine


@dataclass(frozen=True, slots=True)
class PlateLayout:
    """Lines of a crop split into the plate-number row (left to right) and small text lines."""

    main: tuple[TextLine, ...]
    small: tuple[TextLine, ...]


def split_layout(
    lines: list[TextLine],
    crop_height: int,
    row_height_ratio: float = 0.75,
    min_main_height: float = 0.28,
    max_small: int = 3,
) -> PlateLayout:
    """Split detected lines into the main row and the small lines.

    Args:
        lines: Detected lines of one crop.
        crop_height: Height of the crop in pixels.
        row_height_ratio: Minimum height, relative to the tallest, of a line joining the main row.
        min_main_height: If the tallest line is lower than this fraction of the crop, the detector
            probably missed the number: ``main`` is empty (the caller reads the whole crop).
        max_small: Small lines kept at most (widest first, they carry names and slogans).

    """
    if not lines:
        return PlateLayout((), ())
    tallest = max(lines, key=lambda line: line.height * min(1.0, line.width / max(line.height, 1e-6)))
    main: list[TextLine] = []
    small: list[TextLine] = []
    if tallest.height >= min_main_height * crop_height:
        for line in lines:
            same_row = abs(line.cy - tallest.cy) <= 0.35 * tallest.height
            if line is tallest or (same_row and line.height >= row_height_ratio * tallest.height):
                main.append(line)
            elif line.height < 0.8 * tallest.height and line.width >= 1.5 * line.height:
                small.append(line)
    else:
        small = [line for line in lines if line.width >= 1.5 * line.height]
    main = _drop_overlaps(sorted(main, key=lambda line: line.cx))
    small.sort(key=lambda line: -line.width)
    return PlateLayout(tuple(main), tuple(small[:max_small]))


def _drop_overlaps(row: list[TextLine]) -> list[TextLine]:
    """Drop lines mostly inside a wider line of the row (duplicate detections)."""
    kept: list[TextLine] = []
    for line in sorted(row, key=lambda ln: -ln.width):
        inside = any(
            min(line.right, k.right) - max(line.left, k.left) > 0.5 * line.width for k in kept
        )
        if not inside:
            kept.append(line)
    return sorted(kept, key=lambda ln: ln.cx)
