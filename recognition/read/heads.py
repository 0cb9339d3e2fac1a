"""Recogniser heads cut down to the characters the reader uses (built at load time from the packaged file).

PP-OCR recognisers end in ``MatMul(120 x C) + Add -> Softmax`` over their whole dictionary: C = 18,710
classes for PP-OCRv6 small (2.2 M of its 5.3 M parameters), 6,625 for PP-OCRv4, mostly Chinese. The reader
only ever uses the CTC blank, the characters that fold onto 0-9A-Z (``ctc.plate_char_of``: ASCII letters in
either case, digits, full-width and other compatibility forms of them) and, for the state lines, the letters
and digits a state phrase is squashed to (``states._squash``). Every other class is a separator to both: the
fold sums it into "other" (:data:`recognition.read.ctc.OTHER`), the state matcher deletes it.

:func:`cut_head` rewrites the compiled graph so that the head computes only the kept columns (the MatMul
weight and the bias sliced), plus one "other" column (:data:`OTHER_SYMBOL`, optional) holding the
log-sum-exp of the dropped logits. With that column the softmax is the same distribution as the full head's,
aggregated: each kept class keeps its probability and "other" is exactly the dropped classes' sum (what the
fold computed before as ``1 - blank - characters``). Without it the softmax renormalises over the kept classes.
The dictionary shrinks to match; the blank stays class 0 and the space class (PaddleOCR appends it) is kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np
import openvino as ov
from openvino import opset13 as ops

from recognition.read.ctc import plate_char_of

logger = logging.getLogger(__name__)

#: Dictionary entry of the "other" column of a cut head: every dropped class at once. The state matcher
#: deletes it like any symbol; the fold counts it as "other" (it is no plate character).
OTHER_SYMBOL = "\ufffd"
_SQUASHED = re.compile(r"[A-Z0-9]")


class HeadNotFound(ValueError):
    """The model does not end in the ``MatMul + Add -> Softmax`` head that can be cut."""


def kept_classes(characters: Sequence[str]) -> np.ndarray:
    """Class indices the reader uses: the blank (0), plate characters in any form, state letters, the space.

    Args:
        characters: The model's dictionary, blank first (as :class:`~recognition.read.models.CompiledOcrModel`).

    Returns:
        Sorted int64 indices into ``characters``; 0 first.

    """
    keep = [0]
    for i, symbol in enumerate(characters[1:], start=1):
        if symbol == " " or plate_char_of(symbol) is not None or _SQUASHED.search(symbol.upper()):
            keep.append(i)
    return np.asarray(keep, dtype=np.int64)


def _producer(output: ov.Output) -> ov.Node:
    """The node behind ``output``, skipping ``Identity`` / ``Convert`` pass-throughs."""
    node = output.get_node()
    while node.get_type_name() in ("Identity", "Convert") and node.get_input_size() == 1:
        node = node.input_value(0).get_node()
    return node


def _constant(output: ov.Output) -> np.ndarray | None:
    node = _producer(output)
    return np.asarray(node.get_data(), dtype=np.float32) if node.get_type_name() == "Constant" else None


def cut_head(model: ov.Model, keep: np.ndarray, other: bool = True) -> ov.Model:
    """A copy of a recogniser whose head scores only the ``keep`` classes (and "other" when ``other``).

    Args:
        model: A PP-OCR recogniser as read from its file (not modified).
        keep: Class indices to keep, 0 (the blank) first (:func:`kept_classes`).
        other: Append one column with the log-sum-exp of the dropped logits, so that the softmax keeps every
            kept class's probability and "other" gets the dropped classes' total.

    Returns:
        The new model: same input, one output ``[N, T, len(keep) (+1)]`` of softmax probabilities.

    Raises:
        HeadNotFound: If the model does not end in ``MatMul(x, const) + const -> Softmax`` over the class axis.

    """
    if len(model.outputs) != 1:
        raise HeadNotFound(f"expected one output, got {len(model.outputs)}")
    model = model.clone()
    result = model.get_results()[0]
    softmax = _producer(result.input_value(0))
    if softmax.get_type_name() != "Softmax":
        raise HeadNotFound(f"last op is {softmax.get_type_name()}, not Softmax")
    add = _producer(softmax.input_value(0))
    if add.get_type_name() != "Add":
        raise HeadNotFound(f"softmax input is {add.get_type_name()}, not Add")
    matmul, bias = None, None
    for a, b in ((0, 1), (1, 0)):
        if _producer(add.input_value(a)).get_type_name() == "MatMul":
            matmul, bias = _producer(add.input_value(a)), _constant(add.input_value(b))
            break
    if matmul is None or bias is None:
        raise HeadNotFound("softmax input is not MatMul + constant bias")
    weight = _constant(matmul.input_value(1))
    attrs = matmul.get_attributes()
    if weight is None or weight.ndim != 2 or attrs.get("transpose_a"):
        raise HeadNotFound("MatMul weight is not a constant 2-D matrix")
    if attrs.get("transpose_b"):
        weight = weight.T
    classes = weight.shape[1]
    bias = bias.reshape(-1)
    if bias.shape[0] != classes:
        raise HeadNotFound(f"bias of {bias.shape[0]} for {classes} classes")
    keep = np.asarray(keep, dtype=np.int64)
    if keep.size == 0 or keep[0] != 0 or keep.max() >= classes or np.any(np.diff(keep) <= 0):
        raise ValueError("keep must be sorted class indices starting with the blank (0)")
    features = matmul.input_value(0)

    def logits(columns: np.ndarray) -> ov.Output:
        w = np.ascontiguousarray(weight[:, columns])
        return ops.add(
            ops.matmul(features, ops.constant(w), False, False), ops.constant(bias[columns])
        ).output(0)

    scores = logits(keep)
    dropped = np.setdiff1d(np.arange(classes), keep)
    if other and dropped.size:
        rest = logits(dropped)
        peak = ops.reduce_max(rest, ops.constant(np.array([-1], dtype=np.int64)), True)
        total = ops.reduce_sum(
            ops.exp(ops.subtract(rest, peak)), ops.constant(np.array([-1], dtype=np.int64)), True
        )
        scores = ops.concat([scores, ops.add(peak, ops.log(total)).output(0)], -1).output(0)
    probs = ops.softmax(scores, -1)
    probs.get_output_tensor(0).set_names(set(result.input_value(0).get_names()) or {"probs"})
    return ov.Model([ops.result(probs)], model.get_parameters(), model.get_friendly_name() + "_cut")


def cut_dictionary(characters: Sequence[str], keep: np.ndarray, other: bool = True) -> tuple[str, ...]:
    """The dictionary of a :func:`cut_head` model (kept symbols in order, then :data:`OTHER_SYMBOL`)."""
    kept = tuple(characters[int(i)] for i in keep)
    dropped = len(characters) > len(kept)
    return kept + ((OTHER_SYMBOL,) if other and dropped else ())
