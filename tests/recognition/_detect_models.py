"""Tiny ONNX detector models built with the ``onnx`` package: a constant output that still
depends (by x0) on the image input, so OpenVINO sees a real input->output graph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def constant_output_model(path: Path, output: np.ndarray, input_shape: list[int | str] | None = None) -> Path:
    """Write an ONNX model whose only output is ``output`` (float32) whatever the image."""
    input_shape = input_shape or [1, 3, 64, 64]
    const = numpy_helper.from_array(output.astype(np.float32), name="boxes_const")
    zero = numpy_helper.from_array(np.array(0.0, dtype=np.float32), name="zero")
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
        helper.make_node("Add", ["boxes_const", "nothing"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes,
        "const_detector",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))],
        initializer=[const, zero],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path
