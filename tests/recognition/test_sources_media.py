"""File, folder and demo sources; the source config union and credentials handling."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from recognition.config import CameraConfig, CaptureConfig, DemoSourceConfig
from recognition.sources import (
    Credentials,
    DemoSource,
    FolderSource,
    OpenCvSource,
    create_source,
    redact,
    with_credentials,
)
from recognition.synth.plate_render import render_plate
from recognition.synth.scene import TrafficScene
from tests.recognition._sources import drain, wait_for


def test_camera_config_picks_the_source_by_type():
    camera = TypeAdapter(CameraConfig).validate_python(
        {"id": "north-1", "name": "Main St", "direction": "NB",
         "source": {"type": "rtsp", "url": "rtsp://10.0.0.5:554/stream1", "use_credentials": True}}
    )
    assert camera.source.type == "rtsp"
    with pytest.raises(ValidationError):
        CameraConfig.model_validate({"id": "x", "source": {"type": "rtsp", "url": "rtsp://h/s", "password": "no"}})
    with pytest.raises(ValidationError):
        CameraConfig.model_validate({"id": "bad id!", "source": {"type": "demo"}})


def test_sources_that_need_credentials_require_the_hook():
    camera = CameraConfig.model_validate(
        {"id": "c", "source": {"type": "rtsp", "url": "rtsp://10.0.0.5/s", "use_credentials": True}})
    with pytest.raises(ValueError, match="credentials"):
        create_source(camera)
    assert isinstance(create_source(camera, credentials=lambda: ("u", "p")), OpenCvSource)


def test_credentials_are_url_encoded_and_redacted():
    url = with_credentials("rtsp://10.0.0.5:554/s", Credentials("admin", "p@ss:w/rd"))
    assert url == "rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/s"
    assert redact(url) == "rtsp://***@10.0.0.5:554/s"
    assert "p@ss" not in repr(Credentials("admin", "p@ss"))


def test_unreachable_stream_never_logs_the_password(caplog):
    camera = CameraConfig.model_validate({
        "id": "c", "source": {"type": "rtsp", "url": "rtsp://127.0.0.1:9/none", "use_credentials": True},
        "capture": {"backoff_initial_s": 5, "read_timeout_s": 1}})
    source = create_source(camera, credentials=lambda: ("admin", "s3cret"))
    source.start()
    wait_for(lambda: source.health().last_error is not None, timeout=10)
    source.stop()
    assert source.health().last_error
    assert "s3cret" not in caplog.text and "s3cret" not in (source.health().last_error or "")


def test_folder_source_serves_images_and_counts_corrupt_files(tmp_path):
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((40, 60, 3), i * 40, np.uint8))
    (tmp_path / "1b.jpg").write_bytes(b"not a jpeg")
    (tmp_path / "notes.txt").write_text("ignored")
    source = FolderSource("f", tmp_path, CaptureConfig(queue_size=4), fps=None, loop=False)
    source.start()
    frames = drain(source, 10.0)
    source.stop()
    assert [int(f.image[0, 0, 0]) for f in frames] == [0, 40, 80]
    assert source.health().corrupt == 1


def test_missing_folder_reports_offline(tmp_path):
    source = FolderSource("f", tmp_path / "nope", CaptureConfig(backoff_initial_s=0.01, offline_after=1))
    source.start()
    wait_for(lambda: source.health().state == "offline", timeout=5)
    state = source.health().state
    source.stop()
    assert state == "offline"


def test_video_file_source_plays_once_or_loops(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 25, (64, 48))
    for i in range(10):
        writer.write(np.full((48, 64, 3), i * 20, np.uint8))
    writer.release()
    once = OpenCvSource("v", str(path), CaptureConfig(queue_size=4), is_file=True, realtime=False)
    once.start()
    assert len(drain(once, 10.0)) == 10
    once.stop()
    looping = OpenCvSource("v", str(path), CaptureConfig(queue_size=4), is_file=True, realtime=False, loop=True)
    looping.start()
    frames = [looping.get(2.0) for _ in range(25)]
    looping.stop()
    assert all(f is not None for f in frames) and frames[-1].seq == 25


def test_demo_source_renders_requested_size_at_its_rate():
    config = DemoSourceConfig(resolution="720p", fps=20, seed=1, duration_s=1.0)
    source = DemoSource("demo", config)
    started = time.time()
    source.start()
    frames = drain(source, 10.0)
    source.stop()
    assert len(frames) >= 18  # 20 frames rendered; the last ones may be newer than a slow get
    assert frames[0].image.shape == (720, 1280, 3)
    # paced at its rate: frame n is never captured before n/20 s (a slow machine may only be later;
    # bench measures how late)
    assert all(f.ts >= started + (f.seq - frames[0].seq) / 20 - 0.02 for f in frames)


def test_demo_source_includes_seeded_plates_and_ground_truth():
    config = DemoSourceConfig(resolution="720p", fps=10, seed=2, vehicles_per_minute=60, realtime=False,
                              duration_s=30, seeded_share=1.0)
    source = DemoSource("demo", config, plates=("WANTED1",))
    texts = set()
    for _ in range(300):
        texts |= {p.text for p in source.render_next().plates}
    assert texts == {"WANTED1"}
    source = DemoSource("demo", config, plates=("WANTED1",))
    source.start()
    frame = source.get(2.0)
    source.stop()
    assert frame is not None
    assert source.truth_for(frame.image) == source.scene.render(0.0).plates
    assert source.truth_for(np.zeros((2, 2, 3), np.uint8)) == ()


def test_scene_is_deterministic_and_parked_car_stays():
    a = TrafficScene(1280, 720, seed=9, parked_car=True).render(12.0)
    b = TrafficScene(1280, 720, seed=9, parked_car=True).render(12.0)
    assert np.array_equal(a.image, b.image) and a.plates == b.plates
    scene = TrafficScene(1280, 720, seed=9, parked_car=True, vehicles_per_minute=0)
    parked = [scene.render(t).plates for t in (0.0, 60.0, 600.0)]
    assert len({p for frame in parked for p in frame}) == 1


@pytest.mark.parametrize("state", ["CA", "TX", "NY", "DE", "WY", None])
def test_render_plate_shape_and_contrast(state):
    plate = render_plate("ABC 1234", state, 60)
    assert plate.shape == (60, 120, 3) and plate.dtype == np.uint8
    grey = cv2.cvtColor(plate, cv2.COLOR_BGR2GRAY)
    middle = grey[20:45, 10:110]
    assert int(middle.max()) - int(middle.min()) > 100  # dark glyphs on a light plate (or the reverse)


def test_render_plate_rejects_bad_input():
    with pytest.raises(ValueError):
        render_plate("ABC123", "CA", 8)
    with pytest.raises(ValueError):
        render_plate(" - ", "CA", 40)
