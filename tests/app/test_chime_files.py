"""The committed chime WAVs: format, length, no clipping, fades, distinct, and reproducible."""

import hashlib
import importlib.util
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from app.domain.alerts import ChimeBand
from app.workers.chime import chime_path, default_sounds_dir

ROOT = Path(__file__).resolve().parents[2]


def read(path):
    with wave.open(str(path), "rb") as f:
        params = f.getparams()
        pcm = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(np.int32)
    return params, pcm


@pytest.mark.parametrize("band", list(ChimeBand))
def test_chime_is_short_16bit_44k_mono_pcm(band):
    params, pcm = read(chime_path(band))
    assert (params.nchannels, params.sampwidth, params.framerate, params.comptype) == (1, 2, 44100, "NONE")
    seconds = params.nframes / params.framerate
    assert 0.3 < seconds < 1.5
    assert len(pcm) == params.nframes


@pytest.mark.parametrize("band", list(ChimeBand))
def test_chime_does_not_clip_and_fades_in_and_out(band):
    _, pcm = read(chime_path(band))
    peak = np.max(np.abs(pcm))
    assert 0.3 * 32767 < peak <= 0.8 * 32767  # audible, and at least 2 dB of headroom
    assert pcm[0] == 0 and pcm[-1] == 0
    assert np.max(np.abs(pcm[:40])) < 0.05 * peak  # first ~1 ms: fading in, no click
    assert np.max(np.abs(pcm[-40:])) < 0.05 * peak


def test_bands_sound_different_and_urgent_is_loudest():
    digests = {hashlib.sha256(chime_path(b).read_bytes()).hexdigest() for b in ChimeBand}
    assert len(digests) == len(ChimeBand)
    rms = {b: np.sqrt(np.mean(read(chime_path(b))[1].astype(float) ** 2)) for b in ChimeBand}
    assert rms[ChimeBand.URGENT] > rms[ChimeBand.HIGH] > rms[ChimeBand.NORMAL] > rms[ChimeBand.LOW]


def _pitch(pcm, start_s, rate=44100, win_s=0.05):
    seg = pcm[int(start_s * rate) : int((start_s + win_s) * rate)].astype(float)
    spectrum = np.abs(np.fft.rfft(seg * np.hanning(len(seg))))
    return np.fft.rfftfreq(len(seg), 1 / rate)[np.argmax(spectrum)]


def test_urgent_chime_is_three_rising_tones_played_twice():
    _, pcm = read(chime_path(ChimeBand.URGENT))
    first = [_pitch(pcm, t) for t in (0.03, 0.165, 0.30)]
    second = [_pitch(pcm, t + 0.53) for t in (0.03, 0.165, 0.30)]
    assert first[0] < first[1] < first[2]
    assert np.allclose(first, second, rtol=0.02)
    assert first == pytest.approx([880, 1108.7, 1318.5], rel=0.03)


def test_committed_chimes_match_the_generator(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "make_chimes", ROOT / "installer" / "tools" / "make_chimes.py"
    )
    make_chimes = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_chimes", make_chimes)  # dataclasses look their module up
    spec.loader.exec_module(make_chimes)
    assert make_chimes.main(["--out", str(tmp_path)]) == 0
    for band in ChimeBand:
        assert (tmp_path / f"chime_{band.value}.wav").read_bytes() == chime_path(band).read_bytes(), band


def test_sounds_dir_is_the_repo_resources():
    assert default_sounds_dir() == ROOT / "resources" / "sounds"
    assert (default_sounds_dir() / "README.md").is_file()
