"""Colour arithmetic for the palette checks: WCAG contrast, CIELAB lightness, colour-vision simulation.

Pure Python (no Qt) so the checks run on the palettes themselves. References:

- WCAG 2.x relative luminance and contrast ratio (sRGB, linearised with the 0.04045 knee).
- CIELAB L* (D65 white) for "lighter or darker", which survives a missing cone type.
- Machado, Oliveira & Fernandes (2009), severity 1.0 matrices for protanopia and deuteranopia,
  applied in linear RGB.
"""

from __future__ import annotations

from enum import StrEnum

RGB = tuple[float, float, float]

#: Machado et al. 2009, severity 1.0 (linear RGB in, linear RGB out).
_MACHADO: dict[str, tuple[RGB, RGB, RGB]] = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
}


class Vision(StrEnum):
    NORMAL = "normal"
    PROTANOPIA = "protanopia"
    DEUTERANOPIA = "deuteranopia"


def parse_hex(colour: str) -> RGB:
    """``#rrggbb`` to sRGB components in 0..1."""
    text = colour.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return tuple(int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def to_hex(rgb: RGB) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    r, g, b = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio, 1..21."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def lightness(colour: str) -> float:
    """CIELAB L* (0 black .. 100 white)."""
    y = luminance(colour)
    f = y ** (1 / 3) if y > (6 / 29) ** 3 else y / (3 * (6 / 29) ** 2) + 4 / 29
    return 116 * f - 16


def simulate(colour: str, vision: Vision) -> str:
    """How ``colour`` looks to a dichromat (Machado 2009), as ``#rrggbb``."""
    if vision is Vision.NORMAL:
        return colour
    m = _MACHADO[vision.value]
    lin = [_linear(c) for c in parse_hex(colour)]
    out = tuple(_gamma(sum(m[row][k] * lin[k] for k in range(3))) for row in range(3))
    return to_hex(out)  # type: ignore[arg-type]


def mix(a: str, b: str, share_b: float) -> str:
    """``a`` blended with ``share_b`` of ``b`` (sRGB space, as a painter would)."""
    ca, cb = parse_hex(a), parse_hex(b)
    return to_hex(tuple(x + (y - x) * share_b for x, y in zip(ca, cb, strict=True)))  # type: ignore[arg-type]
