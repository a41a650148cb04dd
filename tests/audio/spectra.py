"""Measurements the audio tests make on synthesised sound: Welch-averaged spectra, envelopes, periodicities."""

from __future__ import annotations

import numpy as np

SR = 48000


def welch_spectrum(signal: np.ndarray, sample_rate: int = SR, segment: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Power spectrum averaged over half-overlapping Hann-windowed segments: (frequencies Hz, power), both (m,)."""
    window = np.hanning(segment)
    starts = range(0, len(signal) - segment + 1, segment // 2)
    frames = np.array([signal[s : s + segment] * window for s in starts], dtype=np.float64)
    power = np.mean(np.abs(np.fft.rfft(frames, axis=1)) ** 2, axis=0)
    return np.fft.rfftfreq(segment, 1 / sample_rate), power


def band_fraction(signal: np.ndarray, low_hz: float, high_hz: float, sample_rate: int = SR) -> float:
    """Fraction of the signal's energy between ``low_hz`` and ``high_hz``."""
    freqs, power = welch_spectrum(signal, sample_rate)
    return float(power[(freqs >= low_hz) & (freqs <= high_hz)].sum() / power.sum())


def third_octave_db(signal: np.ndarray, sample_rate: int = SR) -> np.ndarray:
    """Level of each third-octave band from 63 Hz to 4 kHz, dB relative to the total: (19,)."""
    freqs, power = welch_spectrum(signal, sample_rate)
    centres = 63.0 * 2 ** (np.arange(19) / 3)
    bands = [power[(freqs >= c / 2 ** (1 / 6)) & (freqs < c * 2 ** (1 / 6))].sum() for c in centres]
    return 10 * np.log10(np.maximum(np.array(bands) / power.sum(), 1e-9))


def envelope(signal: np.ndarray, sample_rate: int = SR, frame_s: float = 0.002) -> np.ndarray:
    """RMS of consecutive frames of ``frame_s`` seconds: (len // frame,)."""
    n = round(frame_s * sample_rate)
    m = len(signal) // n
    return np.sqrt(np.mean(np.asarray(signal[: m * n], dtype=np.float64).reshape(m, n) ** 2, axis=1))


def autocorrelation(values: np.ndarray) -> np.ndarray:
    """Normalised autocorrelation of ``values`` (mean removed) at lags 0 .. len - 1 (1.0 at lag 0)."""
    centred = values - values.mean()
    corr = np.correlate(centred, centred, "full")[len(values) - 1 :]
    return corr / corr[0]


def envelope_period(signal: np.ndarray, low_s: float, high_s: float, frame_s: float = 0.002) -> tuple[float, float]:
    """The lag (seconds) between ``low_s`` and ``high_s`` where the envelope best repeats, and its correlation."""
    corr = autocorrelation(envelope(signal, frame_s=frame_s))
    lags = np.arange(len(corr)) * frame_s
    inside = (lags >= low_s) & (lags <= high_s)
    best = int(np.argmax(np.where(inside, corr, -np.inf)))
    return float(lags[best]), float(corr[best])


def onsets(signal: np.ndarray, min_gap_s: float, frame_s: float = 0.002, level: float = 0.3) -> np.ndarray:
    """Times (seconds) where the envelope rises through ``level`` × its maximum, at least ``min_gap_s`` apart."""
    env = envelope(signal, frame_s=frame_s)
    above = env >= level * env.max()
    rising = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    times: list[float] = []
    for index in rising:
        if not times or index * frame_s - times[-1] >= min_gap_s:
            times.append(index * frame_s)
    return np.array(times)


def active_segments(signal: np.ndarray, smooth_s: float = 0.06, level: float = 0.1) -> list[tuple[float, float]]:
    """(start, end) seconds of stretches where the smoothed envelope stays above ``level`` × its maximum."""
    frame_s = 0.002
    env = envelope(signal, frame_s=frame_s)
    width = max(1, round(smooth_s / frame_s))
    smooth = np.convolve(env, np.ones(width) / width, "same")
    above = np.concatenate([[False], smooth >= level * smooth.max(), [False]])
    edges = np.flatnonzero(above[1:] != above[:-1])
    return [(s * frame_s, e * frame_s) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def modulation_spectrum(signal: np.ndarray, frame_s: float = 0.002) -> np.ndarray:
    """How the envelope fluctuates: its magnitude spectrum 0.5-60 Hz, normalised to unit length."""
    env = envelope(signal, frame_s=frame_s)
    spectrum = np.abs(np.fft.rfft((env - env.mean()) * np.hanning(len(env))))
    freqs = np.fft.rfftfreq(len(env), frame_s)
    band = spectrum[(freqs >= 0.5) & (freqs <= 60)]
    return band / np.linalg.norm(band)
