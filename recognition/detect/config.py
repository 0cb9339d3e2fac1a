"""Detector configuration: a discriminated union on ``type``.

``builtin`` is the detector shipped with the product (no model path needed); ``yolo`` and ``ssd``
load an agency-supplied ONNX or OpenVINO IR file by path. Every field carries a title, a
description and bounds so the settings dialog can be generated from the JSON schema.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from recognition.config import StrictModel

Device = Literal["CPU", "AUTO"]
Precision = Literal["auto", "f32"]


class _DetectorBase(StrictModel):
    """Fields every detector backend shares."""

    device: Device = Field(
        "CPU", title="Device", description="OpenVINO device: CPU, or AUTO to let OpenVINO pick (GPU/NPU)."
    )
    threads: int = Field(
        0, title="Threads", description="CPU inference threads (0 = OpenVINO decides).", ge=0, le=64
    )
    precision: Precision = Field(
        "auto",
        title="Precision",
        description="'auto' lets the CPU use bf16 where it has it (faster); 'f32' is bit-stable across machines.",
    )
    hint: Literal["LATENCY", "THROUGHPUT"] = Field(
        "LATENCY",
        title="Performance hint",
        description="LATENCY: one frame as fast as possible. THROUGHPUT: several parallel infer requests "
        "(better aggregate fps when many cameras submit frames asynchronously).",
    )
    max_detections: int = Field(
        8, title="Max plates per frame", description="Keep at most this many boxes, best first.", ge=1, le=100
    )
    roi: tuple[float, float, float, float] | None = Field(
        None,
        title="Region of interest",
        description="x, y, width, height as fractions of the frame (0-1): detect only there, at a "
        "higher effective resolution. Empty = the whole frame.",
    )

    @field_validator("roi")
    @classmethod
    def _roi_inside_frame(cls, roi: tuple[float, float, float, float] | None) -> tuple[float, ...] | None:
        if roi is None:
            return None
        x, y, w, h = roi
        if min(x, y) < 0 or w <= 0.05 or h <= 0.05 or x + w > 1.0001 or y + h > 1.0001:
            raise ValueError("roi must be x, y, width, height fractions inside the frame (sides > 0.05)")
        return roi


class BuiltinDetectorConfig(_DetectorBase):
    """The shipped detector: PP-OCRv4 text detection (Apache-2.0) plus plate-shape filtering."""

    type: Literal["builtin"] = Field("builtin", title="Detector", description="The shipped detector.")
    input_size: int = Field(
        960,
        title="Input size",
        description="Longest side the frame is scaled to for the first (coarse) pass (pixels, multiple "
        "of 32). 960 finds plates down to ~90 px in 1080p; smaller ones are left to the zoomed windows.",
        ge=256,
        le=2048,
        multiple_of=32,
    )
    min_scale: float = Field(
        0.0,
        title="Smallest coarse scale",
        description="The coarse pass never shrinks a frame below this share of its size: large frames get a "
        "larger input than input_size (a 1080p frame at 0.66 is read at 1280, a 720p one stays at input_size). "
        "Below ~0.6 a 100 px plate's characters are too small for the text detector (0 = input_size only).",
        ge=0.0,
        le=1.0,
    )
    max_input_size: int = Field(
        1920,
        title="Largest input size",
        description="Cap on the coarse input's longest side when min_scale raises it (4K frames; pixels).",
        ge=256,
        le=4096,
        multiple_of=32,
    )
    bin_threshold: float = Field(
        0.3,
        title="Pixel threshold",
        description="Text probability a pixel needs to join a region.",
        gt=0,
        lt=1,
    )
    box_threshold: float = Field(
        0.5,
        title="Region threshold",
        description="Mean text probability a region needs to be kept.",
        gt=0,
        lt=1,
    )
    min_height: int = Field(
        8,
        title="Minimum text height",
        description="Ignore text lines shorter than this (frame pixels).",
        ge=2,
        le=200,
    )
    min_aspect: float = Field(
        1.0, title="Minimum aspect", description="Smallest width/height of a plate text line.", gt=0, le=20
    )
    max_aspect: float = Field(
        12.0, title="Maximum aspect", description="Largest width/height of a plate text line.", ge=1, le=50
    )
    zoom_windows: int = Field(
        8,
        title="Zoomed windows",
        description="Second pass for small plates: at most this many text-like spots the first pass "
        "did not call a plate are zoomed and looked at again, in one extra inference (0 = off).",
        ge=0,
        le=32,
    )
    zoom_plate_px: int = Field(
        80,
        title="Zoomed plate width",
        description="Width a plate in a zoomed window is scaled to (pixels).",
        ge=40,
        le=200,
    )
    zoom_threshold: float = Field(
        0.05,
        title="Zoom threshold",
        description="Mean text probability a first-pass region needs to be worth a zoomed look.",
        gt=0,
        lt=1,
    )
    zoom_mosaic_width: int = Field(
        640,
        title="Zoom mosaic width",
        description="Width of the image the zoomed windows are packed into (pixels, multiple of 32).",
        ge=256,
        le=2048,
        multiple_of=32,
    )
    static_shapes: int = Field(
        8,
        title="Static-shape copies",
        description="Input sizes (coarse pass, zoom mosaic) met 3 times get a copy of the model compiled for "
        "exactly that size, 20-30 % less CPU per inference than the size-agnostic model (~0.25 s to compile "
        "once); at most this many (0 = off).",
        ge=0,
        le=32,
    )
    static_in_background: bool = Field(
        False,
        title="Compile static copies in the background",
        description="The dynamic model serves a size while its static copy compiles on a separate thread, "
        "so no frame waits ~0.25 s for a compile (the live video runtime); off: the frame that makes a copy "
        "due compiles it (stills).",
    )


class YoloDetectorConfig(_DetectorBase):
    """An agency-supplied YOLOv5 or YOLOv8 export (ONNX or OpenVINO IR)."""

    type: Literal["yolo"] = Field("yolo", title="Detector", description="A YOLOv5/YOLOv8 export.")
    model_path: str = Field(title="Model file", description="Path of the .onnx or .xml model.", min_length=1)
    version: Literal["auto", "v5", "v8"] = Field(
        "auto",
        title="Output layout",
        description="v5: [1,N,5+C] with objectness; v8: [1,4+C,N]; auto guesses from the shape.",
    )
    input_size: int = Field(
        640,
        title="Input size",
        description="Square letterbox size used when the model's input is dynamic.",
        ge=64,
        le=2048,
        multiple_of=32,
    )
    conf_threshold: float = Field(
        0.25, title="Confidence threshold", description="Minimum plate score to keep a box.", ge=0, le=1
    )
    iou_threshold: float = Field(
        0.45,
        title="NMS IoU",
        description="Boxes overlapping a better one by more than this are dropped.",
        gt=0,
        le=1,
    )
    class_ids: tuple[int, ...] | None = Field(
        None, title="Plate classes", description="Class indices that are plates (empty = every class)."
    )


class SsdDetectorConfig(_DetectorBase):
    """An agency-supplied SSD-style model whose output is [1,1,N,7] with normalised corners."""

    type: Literal["ssd"] = Field("ssd", title="Detector", description="An SSD-style model.")
    model_path: str = Field(title="Model file", description="Path of the .onnx or .xml model.", min_length=1)
    input_width: int = Field(
        300, title="Input width", description="Used only when the model's input is dynamic.", ge=32, le=2048
    )
    input_height: int = Field(
        300, title="Input height", description="Used only when the model's input is dynamic.", ge=32, le=2048
    )
    conf_threshold: float = Field(
        0.5, title="Confidence threshold", description="Minimum plate score to keep a box.", ge=0, le=1
    )
    iou_threshold: float = Field(
        0.45,
        title="NMS IoU",
        description="Boxes overlapping a better one by more than this are dropped.",
        gt=0,
        le=1,
    )
    label_ids: tuple[int, ...] | None = Field(
        None, title="Plate labels", description="Label ids that are plates (empty = every label)."
    )
    channel_order: Literal["bgr", "rgb"] = Field(
        "bgr", title="Channel order", description="Colour order the model was trained with."
    )
    scale: float = Field(
        1.0,
        title="Input scale",
        description="Pixels are divided by this (255 for 0-1 inputs).",
        gt=0,
        le=1000,
    )


DetectorConfig = Annotated[
    BuiltinDetectorConfig | YoloDetectorConfig | SsdDetectorConfig, Field(discriminator="type")
]
