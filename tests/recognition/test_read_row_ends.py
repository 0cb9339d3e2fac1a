"""Row assembly keeps the first and last characters of a tightly cut plate.

The line detector often leaves out a character next to a state graphic, a bolt or the crop's
edge. When the number row ends near a side of the crop, its full-width band is read again with a
replicated margin beside it and confident characters beyond the row are kept.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from recognition.read import ReaderConfig, create_reader
from recognition.read.lines import TextLine, crop_line
from recognition.read.reader import Syntax
from tests.recognition.test_read_real import render_plate


def tight_plate(text: str) -> np.ndarray:
    """A rendered plate cut at its first and last character (no margin left or right)."""
    plate = render_plate(text, width=300, height=150)
    grey = cv2.cvtColor(plate, cv2.COLOR_BGR2GRAY)
    cols = np.flatnonzero((grey[40:140] < 100).any(axis=0))
    cols = cols[(cols > 8) & (cols < 292)]
    return np.ascontiguousarray(plate[:, cols.min() : cols.max() + 1])


def row_without_first_char(image: np.ndarray) -> TextLine:
    """A detected row that missed the first character (as beside a graphic or bolt); it spans >= 85 % of the crop."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ink = (grey[40:140] < 100).any(axis=0)
    first_end = int(np.flatnonzero(~ink)[0])  # the gap after the first character
    left = first_end + 2
    right = image.shape[1] - 1
    rows = np.flatnonzero((grey < 100)[:, left:].any(axis=1))
    rows = rows[(rows > 8) & (rows < image.shape[0] - 8)]
    top, bottom = rows.min() - 3, rows.max() + 3
    return TextLine((left + right) / 2, (top + bottom) / 2, right - left, bottom - top, 0.0, 0.9)


@pytest.fixture(scope="module")
def readers():
    return create_reader(ReaderConfig(edge_margin=0.0)), create_reader(ReaderConfig())


def _assembled(reader, image: np.ndarray, line: TextLine) -> str:
    fused = reader._read_row([crop_line(image, line)], Syntax())
    return reader._extend_with_band(image, [line], fused, Syntax()).text


@pytest.mark.parametrize("text", ["7XYZ529", "1ADL132", "LMN502"])
def test_a_first_character_left_out_at_the_crop_edge_is_put_back(readers, text: str) -> None:
    old, new = readers
    image = tight_plate(text)
    line = row_without_first_char(image)
    assert _assembled(old, image, line) == text[1:]  # the row alone loses it
    assert _assembled(new, image, line) == text


def test_a_row_well_inside_the_crop_is_left_alone(readers) -> None:
    _, new = readers
    image = cv2.copyMakeBorder(tight_plate("ABC1234"), 0, 0, 60, 60, cv2.BORDER_REPLICATE)
    line = row_without_first_char(tight_plate("ABC1234"))
    inner = TextLine(line.cx + 60, line.cy, line.width, line.height, 0.0, 0.9)
    # the row ends far from the sides: only the ordinary band rule runs (and keeps the row's own text
    # plus confident characters the band finds)
    assert _assembled(new, image, inner).endswith("BC1234")


def test_full_reads_of_tight_plates(readers) -> None:
    _, new = readers
    for text in ("WXF7388", "1ADL132"):
        reading = new.read(tight_plate(text))
        assert reading is not None and reading.text == text


def _band_widths(monkeypatch: pytest.MonkeyPatch, reader, image: np.ndarray, line: TextLine) -> list[int]:
    """Widths of the bands ``_extend_with_band`` reads for ``line`` of ``image``."""
    fused = reader._read_row([crop_line(image, line)], Syntax())
    widths: list[int] = []
    real = reader._read_row

    def spy(parts, syntax=Syntax()):
        widths.extend(p.shape[1] for p in parts)
        return real(parts, syntax)

    monkeypatch.setattr(reader, "_read_row", spy)
    reader._extend_with_band(image, [line], fused, Syntax())
    return widths


def test_only_a_row_at_the_crop_edge_gets_the_margin(readers, monkeypatch: pytest.MonkeyPatch) -> None:
    _, new = readers
    # Given a row touching the crop's side, its band is read widened by the margin on both sides
    image = tight_plate("ABC1234")
    line = row_without_first_char(image)
    side = round(new.config.edge_margin * line.height)
    assert _band_widths(monkeypatch, new, image, line) == [image.shape[1] + 2 * side]
    # and the same row 60 px inside a wider crop is read at the crop's own width
    wide = cv2.copyMakeBorder(image, 0, 0, 60, 60, cv2.BORDER_REPLICATE)
    inner = TextLine(line.cx + 60, line.cy, line.width, line.height, 0.0, 0.9)
    assert _band_widths(monkeypatch, new, wide, inner) == [wide.shape[1]]
