"""Settings of the OpenVINO plate reader (pydantic, schema-driven settings dialog)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from recognition.config import StrictModel


class ReaderConfig(StrictModel):
    """How the plate reader finds, reads and fuses the character line of a plate crop."""

    type: Literal["paddle_openvino"] = Field(
        "paddle_openvino",
        title="Reader backend",
        description="PP-OCR text detection + two recognisers (PP-OCRv6 and PP-OCRv4) on OpenVINO.",
    )
    device: str = Field(
        "CPU", title="Device", description="OpenVINO device (CPU, AUTO, GPU ...).", min_length=2, max_length=32
    )
    precision: Literal["f32", "bf16", "f16", ""] = Field(
        "f32",
        title="CPU inference precision",
        description="INFERENCE_PRECISION_HINT on CPU; f32 keeps accuracy on CPUs that default to bf16. Empty: default.",
    )
    threads: int = Field(
        0, title="Inference threads", description="Threads per inference (0: OpenVINO decides).", ge=0, le=64
    )
    hint: Literal["LATENCY", "THROUGHPUT"] = Field(
        "LATENCY",
        title="Performance hint",
        description="LATENCY: each read as fast as possible. THROUGHPUT: several reads in parallel (one CPU "
        "stream each), for several recognition workers sharing the models.",
    )
    det_model: Literal["v6_det", "v4_det"] = Field(
        "v6_det",
        title="Line detector",
        description="Text detector used to find the lines of a plate (PP-OCRv6 small or PP-OCRv4).",
    )
    det_short_side: int = Field(
        160,
        title="Line detector input size",
        description="Short side (px) the crop is scaled to for text-line detection.",
        ge=64,
        le=736,
    )
    det_thresh: float = Field(0.3, title="Text map threshold", description="DB binarisation threshold.", ge=0.05, le=0.95)
    det_box_thresh: float = Field(
        0.5, title="Line score threshold", description="Minimum mean text probability of a line.", ge=0.05, le=0.99
    )
    det_unclip_ratio: float = Field(
        1.6, title="Line growth", description="DB unclip ratio growing detected lines.", ge=1.0, le=3.0
    )
    row_height_ratio: float = Field(
        0.75,
        title="Same-row height ratio",
        description="Lines at least this fraction of the tallest line's height, on its row, belong to the plate number.",
        ge=0.3,
        le=1.0,
    )
    min_main_height: float = Field(
        0.28,
        title="Minimum character height",
        description="Below this fraction of the crop height the tallest line is not trusted; the whole crop is read.",
        ge=0.0,
        le=0.9,
    )
    drop_below: float = Field(
        0.35,
        title="Character floor",
        description="Characters read with less confidence than this are dropped (mostly state graphics read as characters).",
        ge=0.0,
        le=0.9,
    )
    band_extra_conf: float = Field(
        0.9,
        title="Row band extension",
        description="Also read the full-width band of the main row and accept characters the line detector missed when "
        "their confidence is at least this (1: off).",
        ge=0.5,
        le=1.0,
    )
    use_v4: bool = Field(
        True, title="Fuse PP-OCRv4", description="Also read with PP-OCRv4 and fuse both by CTC likelihood."
    )
    fuse_below: float = Field(
        0.9,
        title="Fusion threshold",
        description="Run PP-OCRv4 and fuse only when a PP-OCRv6 character confidence is below this (1: always fuse).",
        ge=0.0,
        le=1.0,
    )
    read_state: bool = Field(
        True, title="Read state", description="Read the small text lines and map them to a state code."
    )
    max_state_lines: int = Field(
        2, title="State lines", description="Small lines read for the state at most (widest first).", ge=0, le=8
    )
    state_max_width: int = Field(
        320,
        title="State line width",
        description="Small lines wider than this (at 48 px height) are squeezed: reading them is the costliest step.",
        ge=96,
        le=960,
    )
    syntax_weight: float = Field(
        0.5,
        title="Plate syntax weight",
        description="How strongly the US/Canadian plate formats steer decoding (0: off). A format is preferred, "
        "never forced: a vanity plate that fits none reads as itself.",
        ge=0.0,
        le=5.0,
    )
    letter_prior: float = Field(
        0.5,
        title="Letter-frequency correction",
        description="On North American plates, how strongly a letter read as a common look-alike letter (O for Q, "
        "H for M) is corrected for the natural-text letter prior of the recognisers (0: off).",
        ge=0.0,
        le=2.0,
    )
    edge_margin: float = Field(
        0.5,
        title="Row edge margin",
        description="When the number row ends within this many character heights of the crop's side, its band is "
        "also read with a replicated margin of that width and confident characters found beyond the row are kept "
        "(0: off).",
        ge=0.0,
        le=1.0,
    )
    deslant: bool = Field(
        False,
        title="Straighten slanted characters",
        description="Estimate the slant of the number row's characters (a plate seen from the side) and shear "
        "it upright before reading.",
    )
    region: Literal["auto", "us", "none"] = Field(
        "auto",
        title="Plate region",
        description="Where the US/Canadian plate formats apply: auto (plates shaped like North American ones, or "
        "with a state read; never EU/Brazilian-shaped plates), us (every plate), none (no plate).",
    )
    vote_below: float = Field(
        0.85,
        title="Multi-view threshold",
        description="A row read less confident than this (or shorter than 4, or fitting no plate format) is read again "
        "in several horizontal bands of the crop and the readings are voted (0: never).",
        ge=0.0,
        le=1.0,
    )
    vote_level: bool = Field(
        False,
        title="Level the multi-view crop",
        description="Rotate the crop by the row's tilt before cutting the bands (measured: no gain, off).",
    )
    vote_fuse: bool = Field(
        True,
        title="Fuse PP-OCRv4 in the multi-view vote",
        description="Also read the voted views with PP-OCRv4 where PP-OCRv6 is unsure (off: PP-OCRv6 alone, about "
        "half the cost of a vote; still images, notes/speed.md session 26).",
    )
    vote_shears: tuple[float, ...] = Field(
        (),
        title="Multi-view shears",
        description="Horizontal shears of the middle band added to the vote, e.g. (-0.15, 0.15) (measured: no gain, off).",
        max_length=4,
    )
    min_confidence: float = Field(
        0.2, title="Minimum confidence", description="Readings below this confidence are dropped.", ge=0.0, le=1.0
    )
    max_alternatives: int = Field(
        4, title="Alternatives", description="Look-alike alternatives kept per reading.", ge=0, le=16
    )
