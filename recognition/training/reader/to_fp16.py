r"""Store an ONNX model's float32 weights as float16, each followed by a Cast back to float32.

The shipped fine-tuned recogniser (notes/reader.md, session 28) is written this way: the file halves
(21.2 -> 10.7 MB) while every operation still computes in float32. Initialisers under 16 values stay
float32. Usage::

    python -m recognition.training.reader.to_fp16 /tmp/rec28/run9/step700.onnx \\
        recognition/models/reader/PP-OCRv6_rec_small.onnx
"""

from __future__ import annotations

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def to_fp16_weights(model: onnx.ModelProto, min_size: int = 16) -> int:
    """Rewrite ``model`` in place; returns the number of initialisers stored as float16."""
    graph = model.graph
    casts, inits = [], []
    for init in list(graph.initializer):
        arr = numpy_helper.to_array(init) if init.data_type == TensorProto.FLOAT else None
        if arr is None or arr.size < min_size:
            inits.append(init)
            continue
        half = numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16")
        inits.append(half)
        casts.append(
            helper.make_node(
                "Cast", [half.name], [init.name], to=TensorProto.FLOAT, name=init.name + "__cast"
            )
        )
    del graph.initializer[:]
    graph.initializer.extend(inits)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    return len(casts)


def main() -> None:
    """Convert argv[1] to argv[2]."""
    src, dst = sys.argv[1], sys.argv[2]
    model = onnx.load(src)
    n = to_fp16_weights(model)
    onnx.save(model, dst)
    print(n, "initialisers stored as float16")


if __name__ == "__main__":
    main()
