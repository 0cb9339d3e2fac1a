"""The candidate screen: quick read first, full read only where the quick one could be a plate."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from recognition.fakes import FakeReader
from recognition.pipeline_screen import ScreenedReader, ScreenRules
from recognition.protocols import PlateReader
from recognition.types import PlateText


def _text(text: str, confidence: float = 0.9) -> PlateText:
    return PlateText(text, confidence, (confidence,) * len(text), ())


@pytest.mark.parametrize("text", ["ABC123", "1G3296B", "GAGGED", "BLOGGER", "12345", "AB 1234", "7XYZ-529", "001", "PRI"])
def test_plate_like_quick_readings_and_row_fragments_get_a_full_read(text: str) -> None:
    assert ScreenRules().worth_full_read(_text(text))


@pytest.mark.parametrize("text", ["", "L", "SK", "A-B", "CUMBERLANDAVE", "WASHINGTONDC"])
def test_specks_and_long_lettering_keep_their_quick_reading(text: str) -> None:
    assert not ScreenRules().worth_full_read(_text(text))


def test_nothing_read_is_not_read_again() -> None:
    assert not ScreenRules().worth_full_read(None)


@pytest.mark.parametrize("kwargs", [{"min_chars": 0}, {"min_chars": 5, "max_chars": 4}, {"min_shape": 4}])
def test_bad_rules_are_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        ScreenRules(**kwargs)


def _by_mark(texts: dict[int, str | None], confidence: float):
    """A reader answering by the crop's first pixel (the test marks each crop with an id)."""

    def read(crop: np.ndarray) -> PlateText | None:
        text = texts[int(crop[0, 0, 0])]
        return None if text is None else _text(text, confidence)

    return read


def test_only_plate_like_candidates_are_read_in_full_and_the_others_keep_their_quick_text() -> None:
    quick_texts = {1: "ABC1234", 2: "SK", 3: None, 4: "GAGGED"}
    full_texts = {1: "ABC1234", 2: "SK", 3: None, 4: "GAGGED"}
    quick = FakeReader(_by_mark(quick_texts, 0.6))
    full = FakeReader(_by_mark(full_texts, 0.95), state="TX")
    crops = [np.full((40, 80, 3), mark, np.uint8) for mark in (1, 2, 3, 4)]
    screened = ScreenedReader(quick, full)
    readings = screened.read_many(crops)
    assert isinstance(screened, PlateReader)
    assert quick.crops == 4 and full.crops == 2
    assert screened.full_reads == 2 and screened.quick_only == 2
    assert [r.confidence if r else None for r in readings] == [0.95, 0.6, None, 0.95]
    assert readings[1] is not None and readings[1].text == "SK"  # kept, not dropped


def test_state_comes_from_the_full_reader() -> None:
    class StateReader(FakeReader):
        def state_of(self, crop: np.ndarray) -> tuple[str | None, float]:
            return "OH", 0.9

    screened = ScreenedReader(FakeReader("X"), StateReader("ABC123"))
    assert screened.state_of(np.zeros((40, 80, 3), np.uint8)) == ("OH", 0.9)
    assert ScreenedReader(FakeReader("X"), FakeReader("Y")).state_of(np.zeros((4, 4, 3), np.uint8)) == (None, 0.0)


# --- the shipped models -------------------------------------------------------------------------


def _lettering(text: str) -> np.ndarray:
    """A make badge / sign word: dark letters on a light patch."""
    patch = np.full((60, 200, 3), 225, np.uint8)
    cv2.putText(patch, text, (12, 44), cv2.FONT_HERSHEY_DUPLEX, 1.4, (30, 30, 30), 3, cv2.LINE_AA)
    return patch


@pytest.fixture(scope="module")
def shipped():
    from recognition.commands.models import load_reader

    return load_reader(screen=True)


def test_still_commands_screen_candidates_with_the_shipped_reader(shipped) -> None:
    from tests.recognition.test_read_real import render_plate

    assert isinstance(shipped, ScreenedReader)
    plate = render_plate("ABC1234", state="TEXAS")
    reading = shipped.read(plate)
    assert reading is not None and reading.text == "ABC1234"
    assert reading == shipped.full.read(plate)  # a plate gets exactly the full reading, state included
    full_before = shipped.full_reads
    both = shipped.read_many([plate, _lettering("FIAT")])
    assert shipped.full_reads == full_before + 1  # beside a sure plate the badge was not read in full
    assert both[0] == reading and both[1] is not None and both[1].text == "FIAT"


def test_crop_evaluations_keep_the_full_reader() -> None:
    from recognition.commands.models import load_reader
    from recognition.read import OpenVinoPlateReader

    assert isinstance(load_reader(screen=False), OpenVinoPlateReader)


def _screen_image(quick_texts: dict[int, str | None], quick_conf: float) -> tuple[list[PlateText | None], FakeReader]:
    quick = FakeReader(_by_mark(quick_texts, quick_conf))
    full = FakeReader(_by_mark(quick_texts, 0.97))
    crops = [np.full((40, 80, 3), mark, np.uint8) for mark in quick_texts]
    return ScreenedReader(quick, full).read_many(crops), full


def test_a_sure_plate_in_the_image_leaves_words_and_numbers_to_their_quick_reading() -> None:
    readings, full = _screen_image({1: "ABC1234", 2: "CITRON", 3: "12345", 4: "XYZ789", 5: "FIAT"}, 0.95)
    assert full.crops == 2  # the two plate-shaped texts only
    assert [r.confidence if r else None for r in readings] == [0.97, 0.95, 0.95, 0.97, 0.95]
    assert [r.text if r else None for r in readings] == ["ABC1234", "CITRON", "12345", "XYZ789", "FIAT"]


def test_without_a_sure_plate_a_letters_only_vanity_text_is_read_in_full() -> None:
    readings, full = _screen_image({1: "ABC1234", 2: "GAGGED"}, 0.6)  # nothing sure
    assert full.crops == 2
    alone, full_alone = _screen_image({2: "GAGGED"}, 0.95)
    assert full_alone.crops == 1 and alone[0] is not None and alone[0].confidence == 0.97


def test_sure_rule_can_be_turned_off_and_refuses_nonsense() -> None:
    rules = ScreenRules(sure_confidence=1.5)
    assert rules.full_reads([_text("ABC1234", 1.0), _text("CITRON", 1.0)]) == [True, True]
    with pytest.raises(ValueError):
        ScreenRules(sure_confidence=0.0)


# --- quick and full reads share their inferences -----------------------------------------------------


class _CountingModel:
    key = "v6_det"
    characters = ("", "A", " ")

    def __init__(self) -> None:
        self.calls = 0
        self.path = "model.onnx"

    def infer(self, batch: np.ndarray) -> np.ndarray:
        self.calls += 1
        return batch.sum(axis=(1, 2, 3), keepdims=True) + self.calls


def test_a_repeated_batch_is_answered_from_memory_and_only_an_identical_one() -> None:
    from recognition.pipeline_screen import RememberedModel

    model = _CountingModel()
    remembered = RememberedModel(model, size=2)
    a = np.ones((1, 3, 4, 4), np.float32)
    first = remembered.infer(a)
    again = remembered.infer(a.copy())
    assert model.calls == 1 and np.array_equal(first, again)
    b = a.copy()
    b[0, 0, 0, 0] = 2.0  # one value differs: inferred
    remembered.infer(b)
    remembered.infer(a.reshape(1, 3, 2, 8))  # same bytes, other shape: inferred
    assert model.calls == 3 and (remembered.hits, remembered.misses) == (1, 3)
    again[:] = -1  # an answer is a copy: the memory stays right
    remembered.infer(a.reshape(1, 3, 2, 8))
    assert model.calls == 3
    remembered.infer(a)  # pushed out by the two later batches (size 2): inferred again
    assert model.calls == 4
    assert remembered.key == "v6_det" and remembered.path == "model.onnx"
    with pytest.raises(ValueError):
        RememberedModel(model, size=0)


def test_the_memory_holds_no_more_bytes_than_allowed() -> None:
    from recognition.pipeline_screen import RememberedModel

    model = _CountingModel()
    remembered = RememberedModel(model, size=8, max_bytes=3 * 4 * 16)  # three answers of 16 float32
    batches = [np.full((16, 1, 1, 1), i, np.float32) for i in range(5)]
    for batch in batches:
        remembered.infer(batch)
    assert remembered.held_bytes <= 3 * 4 * 16
    remembered.infer(batches[4])
    remembered.infer(batches[0])  # the oldest went first
    assert model.calls == 6
    huge = RememberedModel(model, max_bytes=8)
    huge.infer(batches[0])  # larger than the whole memory: answered, not kept
    assert huge.held_bytes == 0


def test_a_plate_shaped_candidate_is_read_in_full_right_after_its_quick_read() -> None:
    calls: list[str] = []

    def reader(tag: str, texts: dict[int, str | None]) -> FakeReader:
        def read(crop: np.ndarray) -> PlateText | None:
            calls.append(f"{tag}{int(crop[0, 0, 0])}")
            text = texts[int(crop[0, 0, 0])]
            return None if text is None else _text(text, 0.6)

        return FakeReader(read)

    texts = {1: "FIAT", 2: "ABC1234", 3: "GAGGED"}
    crops = [np.full((40, 80, 3), mark, np.uint8) for mark in texts]
    ScreenedReader(reader("q", texts), reader("f", texts)).read_many(crops)
    # the plate-shaped one at once; the letters-only ones once every quick reading is known
    assert calls == ["q1", "q2", "f2", "q3", "f1", "f3"]


def test_a_full_read_repeats_none_of_its_quick_reads_inferences(shipped) -> None:
    from tests.recognition.test_read_real import render_plate

    det = shipped.full._det
    hits, misses = det.hits, det.misses
    reading = shipped.read(render_plate("KTA0017", state="OHIO"))
    assert reading is not None and reading.text == "KTA0017"
    assert (det.hits - hits, det.misses - misses) == (1, 1)  # the line detection ran once for both reads
    assert shipped.full._recs[0].hits > 0


# --- the live runtime ----------------------------------------------------------------------------------


def test_the_runtime_pipeline_screens_its_candidates() -> None:
    from recognition.runtime.factories import model_pipeline
    from tests.recognition.test_read_real import render_plate

    pipeline = model_pipeline({})
    reader = pipeline.reader
    assert isinstance(reader, ScreenedReader)
    assert reader.full.config.read_state is False  # the tracker reads the state once per vehicle
    # stills-only savings stay out of video: every unsure reading voted, with both recognisers; the detector's
    # static-shape copies are compiled aside, so no live frame waits for a compile
    assert reader.rules.vote_within == 0.0 and reader.full.config.vote_fuse
    # row ends: the box extension runs on video too, the stills' end re-read does not (~15 % CPU a frame,
    # no pass changed: notes/reader.md session 30)
    assert pipeline.row_ends is not None and pipeline.end_reread is None
    from recognition.runtime.factories import video_models

    static = video_models()[0]._static
    assert static is not None and static.background
    frame = np.full((720, 1280, 3), 90, np.uint8)
    plate = cv2.resize(render_plate("ABC1234", state="TEXAS"), (200, 100))
    frame[400:500, 500:700] = plate
    frame[200:260, 900:1100] = _lettering("FIAT")
    observed = pipeline.observe(frame)
    texts = [o.reading.text for o in observed.observations if o.reading is not None]
    assert "ABC1234" in texts
    assert reader.full_reads >= 1 and reader.full_reads + reader.quick_only == len(observed.observations)


def test_runtime_pipelines_share_the_compiled_models_but_not_their_stream_state() -> None:
    import threading

    from recognition.runtime.factories import model_pipeline
    from tests.recognition.test_read_real import render_plate

    # Given the pipelines of two inference workers
    one, two = model_pipeline({}), model_pipeline({})
    assert one.detector.detector is two.detector.detector and one.reader is two.reader  # type: ignore[attr-defined]
    assert one.detector is not two.detector and one.reuse is not two.reuse  # per-stream state of their own
    frame = np.full((720, 1280, 3), 90, np.uint8)
    frame[400:500, 500:700] = cv2.resize(render_plate("ABC1234", state="TEXAS"), (200, 100))
    alone = [o.reading.text if o.reading else None for o in one.observe(frame).observations]
    # When both read the same frame at the same time, each gets what one alone gets (thread-safe models)
    got: dict[int, list] = {}

    def run(i: int, pipeline) -> None:
        got[i] = [o.reading.text if o.reading else None for o in pipeline.observe(frame).observations]

    workers = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate((one, two))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert "ABC1234" in alone and got == {0: alone, 1: alone}


# --- voted views only for the candidates that could come first ---------------------------------------------


class _VotingReader:
    """A full reader with deferred votes: every reading is unsure; a vote makes it 0.95 confident."""

    def __init__(self, texts: dict[int, str]) -> None:
        self.texts = texts
        self.finished: list[tuple[str, bool]] = []

    def read_unvoted(self, crop: np.ndarray):
        from recognition.read.fusion import FusedLine
        from recognition.read.reader import PendingRead, Syntax

        text = self.texts[int(crop[0, 0, 0])]
        fused = FusedLine(text, (0.6,) * len(text), 0.0)
        return PendingRead(crop, fused, Syntax(), 0.0, True, _text(text, 0.6))

    def finish(self, pending, vote: bool = True) -> PlateText | None:
        self.finished.append((pending.fused.text, vote))
        return _text(pending.fused.text, 0.95 if vote else 0.6)

    def read(self, crop: np.ndarray) -> PlateText | None:
        return self.finish(self.read_unvoted(crop))


def _voted(texts: dict[int, str], rules: ScreenRules) -> tuple[list[PlateText | None], list[tuple[str, bool]]]:
    full = _VotingReader(texts)
    crops = [np.full((40, 80, 3), mark, np.uint8) for mark in texts]
    return ScreenedReader(FakeReader(_by_mark(texts, 0.6)), full, rules).read_many(crops), full.finished


def test_lettering_beside_a_plate_is_not_voted_but_a_second_plate_is() -> None:
    texts = {1: "GAGGED", 2: "ABC1234", 3: "XYZ789"}
    readings, finished = _voted(texts, ScreenRules(vote_within=0.5))
    assert sorted(finished) == [("ABC1234", True), ("GAGGED", False), ("XYZ789", True)]
    # nothing dropped: the unvoted lettering keeps its full reading
    assert [(r.text, r.confidence) for r in readings if r] == [("GAGGED", 0.6), ("ABC1234", 0.95), ("XYZ789", 0.95)]
    # the most plate-like candidate is settled first
    assert finished[0][0] in {"ABC1234", "XYZ789"}


def test_without_vote_within_every_unsure_reading_is_voted() -> None:
    readings, finished = _voted({1: "GAGGED", 2: "ABC1234"}, ScreenRules())
    assert sorted(finished) == [("ABC1234", True), ("GAGGED", True)]
    assert [r.confidence for r in readings if r] == [0.95, 0.95]
    with pytest.raises(ValueError):
        ScreenRules(vote_within=-0.1)


def test_the_still_reader_votes_only_near_the_best_candidate_with_one_recogniser(shipped) -> None:
    assert shipped.rules.vote_within > 0.0
    assert shipped.rules.fragment_aspect is not None  # stills read fragments on plate-shaped crops in full
    assert not shipped.full.config.vote_fuse and shipped.full.config.use_v4  # fusion stays on for the row


def test_voted_views_without_fusion_read_each_view_with_the_first_recogniser_only() -> None:
    from recognition.read.reader import OpenVinoPlateReader, Syntax

    class _Rec:
        key, characters = "v6_rec", ("", "A", "B", " ")

        def __init__(self) -> None:
            self.batches = 0

        def infer(self, batch: np.ndarray) -> np.ndarray:
            self.batches += 1
            probs = np.full((batch.shape[0], 8, 4), 0.1, np.float32)
            probs[:, ::2, 1] = 0.7  # "A" on every other frame, never sure (< fuse_below): the others would be asked
            return probs

    from recognition.read import ReaderConfig

    views = [np.full((48, 160, 3), 128, np.uint8)] * 3
    for others, second_calls in ((True, 1), (False, 0)):
        v6, v4 = _Rec(), _Rec()
        reader = OpenVinoPlateReader(ReaderConfig(syntax_weight=0.0), {"v6_det": v6, "v6_rec": v6, "v4_rec": v4})
        reader._read_each(views, Syntax(), others=others)
        assert (v6.batches, v4.batches) == (1, second_calls)


# --- a fragment read on a plate-shaped crop --------------------------------------------------------


def _fragment_image(quick_texts: dict[int, str | None], sizes: dict[int, tuple[int, int]], rules: ScreenRules):
    full_texts = {1: "EHE8237", 2: "SK", 3: "ANTIGOV", 4: "ABC1234"}
    quick = FakeReader(_by_mark(quick_texts, 0.3))
    full = FakeReader(_by_mark(full_texts, 0.97))
    crops = [np.full((*sizes[mark], 3), mark, np.uint8) for mark in quick_texts]
    return ScreenedReader(quick, full, rules).read_many(crops), full


def test_a_fragment_on_a_plate_shaped_crop_is_read_in_full() -> None:
    rules = ScreenRules(fragment_aspect=(1.5, 5.0))
    # "EHE8237" read "12" on a 96x36 crop, "ANTI GOV" read "60" on 125x68: both plates, read again in full
    readings, full = _fragment_image({1: "12", 3: "60"}, {1: (36, 96), 3: (68, 125)}, rules)
    assert full.crops == 2
    assert [r.text if r else None for r in readings] == ["EHE8237", "ANTIGOV"]


def test_a_plate_shaped_crop_with_nothing_read_keeps_its_quick_reading() -> None:
    rules = ScreenRules(fragment_aspect=(1.5, 5.0))
    readings, full = _fragment_image({1: None, 3: ""}, {1: (36, 96), 3: (68, 125)}, rules)
    assert full.crops == 0
    assert [r.text if r else None for r in readings] == [None, ""]


def test_a_single_crop_follows_the_fragment_rule_too() -> None:
    quick = FakeReader(_by_mark({1: "12"}, 0.3))
    full = FakeReader(_by_mark({1: "EHE8237"}, 0.97))
    plate_shaped = np.full((36, 96, 3), 1, np.uint8)
    screened = ScreenedReader(quick, full, ScreenRules(fragment_aspect=(1.5, 5.0)))
    reading = screened.read(plate_shaped)
    assert reading is not None and reading.text == "EHE8237"
    square = screened.read(np.full((40, 40, 3), 1, np.uint8))
    assert square is not None and square.text == "12"
    assert ScreenedReader(quick, full).read(plate_shaped).text == "12"  # type: ignore[union-attr]


def test_a_fragment_on_a_square_or_long_crop_keeps_its_quick_reading() -> None:
    rules = ScreenRules(fragment_aspect=(1.5, 5.0))
    readings, full = _fragment_image({1: "12", 2: "SK"}, {1: (40, 40), 2: (20, 200)}, rules)
    assert full.crops == 0
    assert [r.text if r else None for r in readings] == ["12", "SK"]


def test_a_sure_plate_in_the_image_leaves_fragments_to_their_quick_reading() -> None:
    rules = ScreenRules(fragment_aspect=(1.5, 5.0))
    quick = FakeReader(_by_mark({1: "12", 4: "ABC1234"}, 0.95))
    full = FakeReader(_by_mark({1: "EHE8237", 4: "ABC1234"}, 0.97))
    crops = [np.full((36, 96, 3), 1, np.uint8), np.full((40, 90, 3), 4, np.uint8)]
    readings = ScreenedReader(quick, full, rules).read_many(crops)
    assert full.crops == 1  # the sure plate only
    assert [r.text if r else None for r in readings] == ["12", "ABC1234"]


def test_fragments_keep_their_quick_reading_without_the_rule() -> None:
    readings, full = _fragment_image({1: "12", 3: None}, {1: (36, 96), 3: (68, 125)}, ScreenRules())
    assert full.crops == 0
    assert ScreenRules(fragment_aspect=(1.5, 5.0)).full_reads([_text("12")]) == [False]  # no sizes: no rule


@pytest.mark.parametrize("aspect", [(0.0, 4.0), (5.0, 1.5), (-1.0, 2.0)])
def test_nonsense_fragment_aspects_are_refused(aspect: tuple[float, float]) -> None:
    with pytest.raises(ValueError):
        ScreenRules(fragment_aspect=aspect)
