"""Whether a plate crop is a US/Canadian plate, so the US/Canadian format prior may steer its read.

The format table (:mod:`recognition.plates`) only knows North American serials. Applied to a
European or Brazilian plate it drops real letters ("SI819AK" -> "S819AK") and settles O/0 the US
way ("NO450AM" -> "N0450AM"). So the prior's weight is scaled by how North American the crop looks:

- a state read on the plate: North American (a state name or slogan was printed on it);
- otherwise the crop's shape: US and Canadian plates are 12 x 6 in (2:1; the detector's boxes on
  US street scenes: median 2.2, 94 % below 2.8), EU plates 520 x 110 mm (4.7:1, detector boxes
  median 3.8, 93 % above 2.8) and Brazilian ones 400 x 130 mm (3.1:1). Up to
  :data:`US_MAX_ASPECT` the prior applies fully, from :data:`OTHER_MIN_ASPECT` not at all, linearly
  in between.

``region`` in :class:`~recognition.read.config.ReaderConfig` overrides the guess: ``"us"`` always
applies the prior (a North American deployment), ``"none"`` never does.
"""

from __future__ import annotations

from typing import Literal

Region = Literal["auto", "us", "none"]

#: Crops up to this width/height ratio are plate-shaped like a US/Canadian plate.
US_MAX_ASPECT = 2.8
#: Crops at least this wide for their height are not (EU 4.7:1, Brazil 3.1:1).
OTHER_MIN_ASPECT = 3.1
#: A state read at least this confident marks the plate as North American whatever its shape.
STATE_CONFIDENCE = 0.5


def north_american_weight(
    width: int, height: int, state: str | None = None, state_confidence: float = 0.0, region: Region = "auto"
) -> float:
    """How much (0..1) the US/Canadian format prior applies to a crop of this size and state read.

    Args:
        width: Crop width in pixels.
        height: Crop height in pixels.
        state: Jurisdiction read on the plate, if any.
        state_confidence: Confidence of that read.
        region: ``"auto"`` (guess from state and shape), ``"us"`` (always 1) or ``"none"`` (always 0).

    """
    if region == "us":
        return 1.0
    if region == "none":
        return 0.0
    if state and state_confidence >= STATE_CONFIDENCE:
        return 1.0
    if width <= 0 or height <= 0:
        return 0.0
    aspect = width / height
    if aspect <= US_MAX_ASPECT:
        return 1.0
    if aspect >= OTHER_MIN_ASPECT:
        return 0.0
    return (OTHER_MIN_ASPECT - aspect) / (OTHER_MIN_ASPECT - US_MAX_ASPECT)
