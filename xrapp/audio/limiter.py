"""The one level limiter every sound passes through on its way out (live playback and WAV files alike).

Why there is a cap at all: a real MRI scanner is loud (spin-echo T1 about 117 dB SPL, 3 T EPI 122-131 dB SPL) and
patients wear earplugs or ear defenders for it ("no earplugs, no scan"). A rehearsal needs the *character* of that
noise - the knocking rhythm, the buzz, the gaps - so that the real one is familiar; it never needs its loudness.
The listeners are often children, wearing headphones pressed to their ears, with a volume knob set by someone else,
and no earplugs during a rehearsal. So the application's own output is kept well below full scale: a peak cap
(:data:`LEVEL_CAP_DBFS`) and a short-term RMS cap (:data:`RMS_CAP_DBFS` over any :data:`RMS_WINDOW_S` window), both
enforced on the final mix, whatever sounds overlap.

How: a look-ahead gain computer. For each sample it finds the largest gain that keeps that sample under the peak cap
and every RMS window containing it under the RMS cap, spreads each reduction over a few milliseconds (a running
minimum, then a running mean of the same width, which can only lower the gain), and multiplies. The signal is only
ever scaled down, never clipped, so the waveform's shape (the character) is kept. The price is a fixed latency of
:attr:`Limiter.latency_samples` (about 55 ms at 48 kHz), the time needed to see a whole RMS window ahead.

The same :class:`Limiter` runs block by block for live playback and once over a whole render for files; its output
does not depend on the block sizes (a test pins it).
"""

from __future__ import annotations

import numpy as np

#: Peak cap of everything the application plays, dBFS (decibels relative to digital full scale, 1.0).
LEVEL_CAP_DBFS = -12.0
#: Short-term RMS cap of everything the application plays, dBFS, over any window of :data:`RMS_WINDOW_S`.
RMS_CAP_DBFS = -20.0
#: Length of the window over which the RMS cap holds, seconds. Any longer window is then within the cap as well
#: (to within 0.4 dB for windows ten times longer), since its energy is shared out over shorter windows.
RMS_WINDOW_S = 0.05
#: Half-width of the gain smoothing, seconds: each reduction ramps in and out over twice this.
SMOOTHING_HALF_S = 0.0025
#: The caps are aimed at slightly below their stated values, so rounding (float32, 16-bit files) stays under them.
_MARGIN = 0.999


def amplitude_from_dbfs(dbfs: float) -> float:
    """Linear amplitude (1.0 = full scale) of a level in dBFS."""
    return float(10.0 ** (dbfs / 20.0))


def dbfs_from_amplitude(amplitude: float) -> float:
    """Level in dBFS of a linear amplitude; silence is ``-inf``."""
    return float(20.0 * np.log10(amplitude)) if amplitude > 0 else float("-inf")


def peak_dbfs(signal: np.ndarray) -> float:
    """Peak level of ``signal`` ((n,) float, full scale 1.0), dBFS."""
    return dbfs_from_amplitude(float(np.max(np.abs(signal), initial=0.0)))


def window_rms(signal: np.ndarray, sample_rate: int, window_s: float = RMS_WINDOW_S) -> np.ndarray:
    """RMS of every window of ``window_s`` seconds that overlaps ``signal`` ((n,) float), silence assumed around it.

    Returns shape (n + w - 1,), w the window length in samples: the windows slide one sample at a time, from the one
    ending at the first sample to the one starting at the last.
    """
    w = max(1, round(window_s * sample_rate))
    energy = np.concatenate([np.zeros(w), np.asarray(signal, dtype=np.float64) ** 2, np.zeros(w - 1)])
    cumulative = np.cumsum(energy)
    sums = cumulative[w:] - cumulative[:-w]
    return np.sqrt(np.maximum(sums, 0.0) / w)


def max_rms_dbfs(signal: np.ndarray, sample_rate: int, window_s: float = RMS_WINDOW_S) -> float:
    """The loudest ``window_s`` window of ``signal`` ((n,) float), RMS in dBFS (the quantity the RMS cap bounds)."""
    if len(signal) == 0:
        return float("-inf")
    return dbfs_from_amplitude(float(np.max(window_rms(signal, sample_rate, window_s))))


def _running_min(values: np.ndarray, width: int) -> np.ndarray:
    """Minimum of every ``width`` consecutive values ((n,) -> (n - width + 1,)), in O(n) (van Herk / Gil-Werman)."""
    n = len(values)
    if width <= 1:
        return values.copy()
    blocks = -(-n // width)
    padded = np.full(blocks * width, np.inf)
    padded[:n] = values
    shaped = padded.reshape(blocks, width)
    forward = np.minimum.accumulate(shaped, axis=1).ravel()
    backward = np.minimum.accumulate(shaped[:, ::-1], axis=1)[:, ::-1].ravel()
    count = n - width + 1
    return np.minimum(backward[:count], forward[width - 1 : width - 1 + count])


def _running_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Mean of every ``width`` consecutive values ((n,) -> (n - width + 1,))."""
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    return (cumulative[width:] - cumulative[:-width]) / width


class Limiter:
    """A stateful look-ahead limiter holding the mix under the peak and RMS caps by scaling it down.

    :meth:`process` takes mono blocks of any size and returns as many samples, delayed by :attr:`latency_samples`;
    the stream starts from silence. The same samples fed in other block sizes give the same output (to float
    rounding).
    """

    def __init__(
        self,
        sample_rate: int = 48000,
        *,
        peak_dbfs: float = LEVEL_CAP_DBFS,
        rms_dbfs: float = RMS_CAP_DBFS,
        rms_window_s: float = RMS_WINDOW_S,
    ) -> None:
        if peak_dbfs > LEVEL_CAP_DBFS or rms_dbfs > RMS_CAP_DBFS:
            raise ValueError(
                f"a limiter may be set quieter than the caps, never louder: asked for peak {peak_dbfs} dBFS and "
                f"RMS {rms_dbfs} dBFS, the caps are {LEVEL_CAP_DBFS} and {RMS_CAP_DBFS} dBFS"
            )
        self.sample_rate = sample_rate
        self._peak = amplitude_from_dbfs(peak_dbfs) * _MARGIN
        self._rms = amplitude_from_dbfs(rms_dbfs) * _MARGIN
        self._window = max(1, round(rms_window_s * sample_rate))
        self._half = max(1, round(SMOOTHING_HALF_S * sample_rate))
        #: Output sample k is input sample k - latency_samples (scaled).
        self.latency_samples = self._window - 1 + 2 * self._half
        # The input needed around a sample to decide its gain: latency_samples on each side.
        self._history = np.zeros(2 * self.latency_samples, dtype=np.float64)

    def process(self, block: np.ndarray) -> np.ndarray:
        """Limit the next ``block`` ((n,) float, full scale 1.0); returns (n,) float32, ``latency_samples`` late."""
        block = np.asarray(block, dtype=np.float64).reshape(-1)
        if len(block) == 0:
            return np.zeros(0, dtype=np.float32)
        context = np.concatenate([self._history, block])
        self._history = context[-len(self._history) :]
        gain = self._gain(context)
        d = self.latency_samples
        return (gain * context[d : d + len(block)]).astype(np.float32)

    def _gain(self, x: np.ndarray) -> np.ndarray:
        """Gains for samples ``latency_samples .. len(x) - latency_samples - 1`` of ``x`` (the rest is context)."""
        w, a = self._window, self._half
        magnitude = np.abs(x)
        peak_gain = np.minimum(1.0, self._peak / np.maximum(magnitude, 1e-30))
        cumulative = np.concatenate([[0.0], np.cumsum(x * x)])
        mean_square = np.maximum(cumulative[w:] - cumulative[:-w], 0.0) / w  # window ending at index w - 1 + i
        window_gain = np.minimum(1.0, self._rms / np.sqrt(np.maximum(mean_square, 1e-60)))
        # A sample must satisfy every window that contains it: the windows ending at k .. k + w - 1.
        sample_rms_gain = _running_min(window_gain, w)  # entry i is for sample index w - 1 + i
        needed = np.minimum(peak_gain[w - 1 : w - 1 + len(sample_rms_gain)], sample_rms_gain)
        # Running min then running mean, both 2a + 1 wide: smooth, and never above what any sample needs.
        smooth = _running_mean(_running_min(needed, 2 * a + 1), 2 * a + 1)
        return smooth


def limit(signal: np.ndarray, sample_rate: int = 48000) -> np.ndarray:
    """A whole signal ((n,) float) limited under the caps, aligned with the input: returns (n,) float32."""
    signal = np.asarray(signal, dtype=np.float64).reshape(-1)
    limiter = Limiter(sample_rate)
    out = limiter.process(np.concatenate([signal, np.zeros(limiter.latency_samples)]))
    return out[limiter.latency_samples :]
