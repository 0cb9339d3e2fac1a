"""Static-shape copies of the detector for input sizes it meets again and again (notes/speed.md, session 26)."""

from __future__ import annotations

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest

from recognition.detect import BuiltinDetectorConfig, ModelLoadError, create_detector
from recognition.detect.builtin import builtin_model_path
from recognition.detect.runtime import StaticShapes, core
from recognition.types import BBox
from tests.recognition.test_detect_builtin import _scene_with_plate


def _doubling_model() -> ov.Model:
    x = ops.parameter(ov.PartialShape([-1, -1]), ov.Type.f32, name="x")
    return ov.Model([ops.multiply(x, ops.constant(np.float32(2.0)))], [x], "double")


def test_a_shape_gets_its_copy_on_its_third_sighting_and_only_within_the_limit() -> None:
    compiled: list[ov.Model] = []

    def compile_fn(model: ov.Model) -> ov.CompiledModel:
        compiled.append(model)
        return core().compile_model(model, "CPU")

    shapes = StaticShapes(_doubling_model(), compile_fn, after=3, limit=1)
    assert shapes.request((2, 3)) is None and shapes.request((2, 3)) is None
    request = shapes.request((2, 3))
    assert request is not None and shapes.shapes == ((2, 3),)
    assert compiled[0].input(0).get_partial_shape() == ov.PartialShape([2, 3])  # static
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    request.infer({0: x})
    assert np.array_equal(request.get_output_tensor(0).data, 2 * x)
    assert shapes.request((2, 3)) is request  # one request per thread and shape, reused
    for _ in range(5):  # the limit is reached: other shapes stay on the dynamic model
        assert shapes.request((4, 4)) is None
    assert len(compiled) == 1
    with pytest.raises(ValueError):
        StaticShapes(_doubling_model(), compile_fn, after=0)


def test_the_detector_finds_the_same_plates_with_its_static_copies() -> None:
    try:
        builtin_model_path()
    except ModelLoadError as exc:
        pytest.skip(str(exc))
    scene = _scene_with_plate("ABC 1234", BBox(300, 260, 120, 40), size=(480, 640))
    dynamic = create_detector(BuiltinDetectorConfig(precision="f32", static_shapes=0))
    static = create_detector(BuiltinDetectorConfig(precision="f32", static_shapes=8))
    want = dynamic.detect(scene)
    assert want, "the rendered plate is found"
    got = [static.detect(scene) for _ in range(4)]  # the 3rd and 4th run on the static copy
    assert static._static is not None and static._static.shapes
    for found in got:
        assert [d.box for d in found] == [d.box for d in want]
        assert [d.score for d in found] == pytest.approx([d.score for d in want], abs=1e-3)


def test_a_background_copy_compiles_aside_while_the_dynamic_model_serves_the_shape() -> None:
    import threading

    started, release = threading.Event(), threading.Event()
    callers: list[str] = []

    def slow_compile(model: ov.Model) -> ov.CompiledModel:
        callers.append(threading.current_thread().name)
        started.set()
        assert release.wait(10)
        return core().compile_model(model, "CPU")

    shapes = StaticShapes(_doubling_model(), slow_compile, after=2, limit=2, background=True)
    assert shapes.request((2, 3)) is None
    assert shapes.request((2, 3)) is None  # due: the compile starts aside, this call does not wait for it
    assert started.wait(10) and callers == ["detector-static-compile"]
    for _ in range(3):  # still compiling: the dynamic model keeps the shape, no second compile
        assert shapes.request((2, 3)) is None
    release.set()
    assert shapes.wait(10)
    request = shapes.request((2, 3))
    assert request is not None and shapes.shapes == ((2, 3),) and len(callers) == 1
    x = np.ones((2, 3), np.float32)
    request.infer({0: x})
    assert np.array_equal(request.get_output_tensor(0).data, 2 * x)


def test_a_background_compile_that_fails_leaves_the_dynamic_model_for_good() -> None:
    calls: list[int] = []

    def failing(model: ov.Model) -> ov.CompiledModel:
        calls.append(1)
        raise RuntimeError("no memory for another copy")

    shapes = StaticShapes(_doubling_model(), failing, after=1, limit=2, background=True)
    assert shapes.request((2, 3)) is None
    assert shapes.wait(10)
    for _ in range(5):
        assert shapes.request((2, 3)) is None
    assert shapes.wait(10) and calls == [1] and shapes.shapes == ()
