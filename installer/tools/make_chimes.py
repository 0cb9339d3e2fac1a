"""Generate the hit-alert chimes in resources/sounds/ (one WAV per priority band).

Deterministic: pure numpy synthesis (no noise, no randomness), written with the stdlib ``wave``
module as mono 16-bit PCM at 44.1 kHz. Running it twice gives byte-identical files, and
tests/app/test_chime_files.py checks the committed WAVs against a fresh run.

    python installer/tools/make_chimes.py [--out resources/sounds]

Bands (priority -> band: 1-2 urgent, 3-5 high, 6-7 normal, 8-9 low):

- urgent: three rising tones (A5 C#6 E6), played twice; brightest timbre, loudest.
- high:   two rising tones (E5 A5), played twice.
- normal: "ding-dong", two falling bell tones (G5 D5).
- low:    one soft bell tone (C5).

Each tone has a 6 ms raised-cosine fade in and an exponential decay ending in a 25 ms fade out,
so nothing clicks; the whole file is then peak-normalised to the band's level (<= -2 dBFS, so no
sample can clip) and the first and last samples are exactly zero.
"""

from __future__ import annotations

import argparse
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 44_100
FADE_IN_S = 0.006
FADE_OUT_S = 0.025


@dataclass(frozen=True, slots=True)
class Tone:
    freq_hz: float
    dur_s: float
    gap_s: float  # silence after the tone
    decay: float  # exponential decay rate (1/s); 0 = flat (a beep), larger = more bell-like


@dataclass(frozen=True, slots=True)
class Chime:
    name: str
    tones: tuple[Tone, ...]
    harmonics: tuple[float, ...]  # relative amplitudes of harmonics 1, 2, 3, ...
    peak_dbfs: float


def _note(semitones_from_a4: int) -> float:
    return 440.0 * 2.0 ** (semitones_from_a4 / 12.0)


A5, CS6, E6 = _note(12), _note(16), _note(19)
E5 = _note(7)
G5, D5 = _note(10), _note(5)
C5 = _note(3)

_URGENT_RUN = (Tone(A5, 0.11, 0.025, 4.0), Tone(CS6, 0.11, 0.025, 4.0), Tone(E6, 0.14, 0.0, 4.0))
_HIGH_RUN = (Tone(E5, 0.14, 0.04, 5.0), Tone(A5, 0.18, 0.0, 5.0))

CHIMES: tuple[Chime, ...] = (
    Chime(
        "urgent",
        (*_URGENT_RUN[:-1], Tone(E6, 0.14, 0.12, 4.0), *_URGENT_RUN),
        harmonics=(1.0, 0.45, 0.25, 0.12),
        peak_dbfs=-2.0,
    ),
    Chime(
        "high",
        (*_HIGH_RUN[:-1], Tone(A5, 0.18, 0.10, 5.0), *_HIGH_RUN),
        harmonics=(1.0, 0.35, 0.15),
        peak_dbfs=-3.0,
    ),
    Chime(
        "normal",
        (Tone(G5, 0.30, 0.02, 6.0), Tone(D5, 0.50, 0.0, 5.0)),
        harmonics=(1.0, 0.2, 0.05),
        peak_dbfs=-5.0,
    ),
    Chime("low", (Tone(C5, 0.45, 0.0, 6.0),), harmonics=(1.0, 0.15), peak_dbfs=-8.0),
)


def _tone(tone: Tone, harmonics: tuple[float, ...]) -> np.ndarray:
    n = round(tone.dur_s * RATE)
    t = np.arange(n, dtype=np.float64) / RATE
    wave_ = np.zeros(n, dtype=np.float64)
    for k, amp in enumerate(harmonics, start=1):
        if tone.freq_hz * k < RATE / 2 - 1000:  # keep well below Nyquist
            wave_ += amp * np.sin(2.0 * np.pi * tone.freq_hz * k * t)
    env = np.exp(-tone.decay * t)
    n_in, n_out = round(FADE_IN_S * RATE), round(FADE_OUT_S * RATE)
    env[:n_in] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(n_in) / n_in)
    env[n - n_out :] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(1, n_out + 1) / n_out)
    out = wave_ * env
    silence = np.zeros(round(tone.gap_s * RATE), dtype=np.float64)
    return np.concatenate([out, silence])


def render(chime: Chime) -> np.ndarray:
    """Return the chime as int16 samples, peak-normalised to ``chime.peak_dbfs``."""
    signal = np.concatenate([_tone(t, chime.harmonics) for t in chime.tones])
    signal /= np.max(np.abs(signal))
    signal *= 10.0 ** (chime.peak_dbfs / 20.0)
    pcm = np.round(signal * 32767.0).astype(np.int16)
    pcm[0] = pcm[-1] = 0
    return pcm


def write_wav(path: Path, pcm: np.ndarray) -> None:
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(RATE)
        f.writeframes(pcm.astype("<i2").tobytes())


def main(argv: list[str] | None = None) -> int:
    default_out = Path(__file__).resolve().parents[2] / "resources" / "sounds"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out, help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for chime in CHIMES:
        pcm = render(chime)
        path = args.out / f"chime_{chime.name}.wav"
        write_wav(path, pcm)
        print(f"{path}: {len(pcm) / RATE:.3f} s, peak {np.max(np.abs(pcm.astype(np.int32)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
