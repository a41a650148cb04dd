"""The sounds of a rehearsal, synthesised from numbers (no recordings): MRI sequences, moving tables, the CT gantry,
and the interface's clicks and chimes.

Each sound is a :class:`SoundClip`: an ``intro`` played once, then (for looping sounds) a ``loop`` repeated for as
long as the sound plays. Loops are built circularly - every knock's decaying tail that runs past the end of the loop
wraps round to its start, noise is filtered in the frequency domain over exactly one period, and every tone has a
whole number of cycles per period - so the repetition has no seam. One-shots are their intro alone, ending in
silence.

The MRI sounds reproduce the character of the real ones, never their level (see :mod:`xrapp.audio.limiter`):

- ``mri_spin_echo``: slow rhythmic knocking, one group of knocks per repetition time (:data:`SPIN_ECHO_TR_S`): the
  excitation, the refocusing pulse with its crushers, the readout; each knock a few damped resonances of the
  gradient coil between 100 and 900 Hz;
- ``mri_turbo_spin_echo``: trains of rapid knocks (one per echo of the echo train) then a gap;
- ``mri_epi``: the loud continuous buzz of echo-planar imaging: the readout gradient switching at about 1 kHz
  (:data:`EPI_FUNDAMENTAL_HZ`, energy concentrated there, with weaker harmonics), broken briefly between slices;
- ``mri_gradient_echo``: fast regular tapping, short chirps at :data:`GRADIENT_ECHO_RATE_HZ`;
- ``mri_table``: the patient table's motor hum and rolling.

All synthesis is plain numpy, mono float32, deterministic for a given ``seed``.
"""

from __future__ import annotations

import difflib
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .limiter import RMS_CAP_DBFS, amplitude_from_dbfs, window_rms

SAMPLE_RATE = 48000
"""The sample rate everything is made and played at, Hz."""

#: Every sound the application can play, by the name scenario steps use (``sound:``).
SOUND_NAMES = (
    "mri_spin_echo",
    "mri_turbo_spin_echo",
    "mri_epi",
    "mri_gradient_echo",
    "mri_table",
    "ct_table",
    "ct_gantry",
    "ui_select",
    "ui_success",
    "ui_hint",
    "ui_badge",
)
#: The sounds that go on until stopped; the others are one-shots with a natural length.
LOOPING_SOUNDS = frozenset(SOUND_NAMES[:7])

#: Repetition time of the spin-echo sound, seconds (a T1 spin echo uses about 0.4-0.7 s).
SPIN_ECHO_TR_S = 0.55
#: Echo spacing of the turbo spin-echo train, seconds, and knocks per train.
TURBO_ECHO_SPACING_S = 0.045
TURBO_ECHO_TRAIN = 12
#: Time from one echo train to the next, seconds (the rest of it is the gap).
TURBO_TRAIN_PERIOD_S = 1.2
#: Fundamental of the EPI readout buzz, Hz.
EPI_FUNDAMENTAL_HZ = 1000.0
#: Slices per second of the EPI sound (the short breaks in the buzz).
EPI_SLICE_RATE_HZ = 16.0
#: Clicks per second of the gradient-echo sound, Hz.
GRADIENT_ECHO_RATE_HZ = 12.5

#: Peak level each sound is made at, dBFS, before it meets the mix: the scanner's noise is the loudest thing the
#: application plays, and still 14 dB under full scale; interface sounds sit well below it.
_PEAK_DBFS = {"mri_sequence": -14.0, "machine": -18.0, "ui": -22.0}
#: Each sound is also made 2 dB under the RMS cap, so a sound alone never makes the limiter act.
_RMS_DBFS = RMS_CAP_DBFS - 2.0


@dataclass(frozen=True)
class SoundClip:
    """A sound ready to play: ``intro`` ((i,) float32) once, then ``loop`` ((p,) float32) repeated, or nothing."""

    name: str
    sample_rate: int
    intro: np.ndarray
    loop: np.ndarray | None

    @property
    def looping(self) -> bool:
        """True when the sound goes on until it is stopped."""
        return self.loop is not None

    @property
    def natural_duration_s(self) -> float:
        """Length of a one-shot, seconds (``inf`` for a looping sound)."""
        return float("inf") if self.looping else len(self.intro) / self.sample_rate

    def samples(self, offset: int, count: int) -> np.ndarray:
        """Samples ``offset .. offset + count - 1`` of the sound from its start ((count,) float32); silence past the
        end of a one-shot."""
        out = np.zeros(count, dtype=np.float32)
        index = np.arange(offset, offset + count)
        in_intro = (index >= 0) & (index < len(self.intro))
        out[in_intro] = self.intro[index[in_intro]]
        if self.loop is not None:
            after = index >= len(self.intro)
            out[after] = self.loop[(index[after] - len(self.intro)) % len(self.loop)]
        return out


def check_sound_name(name: str) -> str:
    """Return ``name`` if it is a known sound; otherwise raise ValueError naming the closest known ones."""
    if name in SOUND_NAMES:
        return name
    close = difflib.get_close_matches(str(name), SOUND_NAMES, n=2)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown sound {name!r}.{hint} The sounds are: {', '.join(SOUND_NAMES)}.")


def synthesize(name: str, duration_s: float, *, seed: int = 0, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """``duration_s`` seconds of sound ``name`` from its start: (round(duration_s * sample_rate),) float32.

    Deterministic for a given ``seed``. A looping sound continues seamlessly for any duration (a shorter call is a
    prefix of a longer one); a one-shot keeps its natural length and is followed by silence (or cut short).
    """
    if duration_s < 0:
        raise ValueError(f"duration_s must be zero or more seconds, got {duration_s}")
    return sound_clip(name, seed=seed, sample_rate=sample_rate).samples(0, round(duration_s * sample_rate))


@lru_cache(maxsize=64)
def sound_clip(name: str, *, seed: int = 0, sample_rate: int = SAMPLE_RATE) -> SoundClip:
    """The :class:`SoundClip` of sound ``name`` (made once per name, seed and rate, then cached; arrays read-only)."""
    check_sound_name(name)
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    intro, loop = _MAKERS[name](rng, sample_rate)
    whole = np.concatenate([intro, loop, loop]) if loop is not None else intro
    # One gain for intro and loop alike, chosen from the whole cycle (windows across the seams included).
    peak = float(np.max(np.abs(whole)))
    rms = float(np.max(window_rms(whole, sample_rate)))
    kind = "ui" if name.startswith("ui_") else "machine" if name.endswith(("_table", "_gantry")) else "mri_sequence"
    gain = min(amplitude_from_dbfs(_PEAK_DBFS[kind]) / peak, amplitude_from_dbfs(_RMS_DBFS) / rms)
    parts = []
    for part in (intro, loop):
        if part is not None:
            part = (part * gain).astype(np.float32)
            part.flags.writeable = False
        parts.append(part)
    return SoundClip(name, sample_rate, parts[0], parts[1])


# --- building blocks --------------------------------------------------------------------------------------------


def _n(seconds: float, sample_rate: int) -> int:
    return round(seconds * sample_rate)


def _fit(freq_hz: float, period: int, sample_rate: int) -> float:
    """The frequency nearest ``freq_hz`` with a whole number of cycles in ``period`` samples (so loops are seamless)."""
    return max(1, round(freq_hz * period / sample_rate)) * sample_rate / period


def _knock(partials: list[tuple[float, float, float]], sample_rate: int, length_s: float = 0.12) -> np.ndarray:
    """One mechanical knock: damped resonances (frequency Hz, decay time constant s, amplitude) starting at rest."""
    t = np.arange(_n(length_s, sample_rate)) / sample_rate
    out = np.zeros_like(t)
    for freq, decay, amp in partials:
        out += amp * np.exp(-t / decay) * np.sin(2 * np.pi * freq * t)
    return out


def _chirp_knock(f0: float, f1: float, decay: float, sample_rate: int, length_s: float = 0.04) -> np.ndarray:
    """A short knock whose resonance sweeps from ``f0`` to ``f1`` Hz (the "chirp" of a fast gradient echo)."""
    t = np.arange(_n(length_s, sample_rate)) / sample_rate
    freq = f1 + (f0 - f1) * np.exp(-t / (decay * 1.5))
    phase = 2 * np.pi * np.cumsum(freq) / sample_rate
    return np.exp(-t / decay) * np.sin(phase - phase[0])


def _place(period: int, times_s: list[float], amps: list[float], template: np.ndarray, sample_rate: int) -> np.ndarray:
    """``template`` added at each time (scaled), wrapping round a loop of ``period`` samples."""
    out = np.zeros(period)
    for time_s, amp in zip(times_s, amps, strict=True):
        index = (_n(time_s, sample_rate) + np.arange(len(template))) % period
        np.add.at(out, index, amp * template)
    return out


def _band_noise(rng: np.random.Generator, period: int, low_hz: float, high_hz: float, sample_rate: int) -> np.ndarray:
    """Noise between ``low_hz`` and ``high_hz`` (soft edges), exactly periodic over ``period`` samples, unit RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(period))
    freqs = np.fft.rfftfreq(period, 1 / sample_rate)
    shape = 1 / np.sqrt(1 + (low_hz / np.maximum(freqs, 1e-9)) ** 4) / np.sqrt(1 + (freqs / high_hz) ** 4)
    out = np.fft.irfft(spectrum * shape, period)
    return out / np.sqrt(np.mean(out**2))


def _slow_wobble(rng: np.random.Generator, period: int, cycles: int) -> np.ndarray:
    """A smooth random curve around 0 (about ±1), periodic over ``period`` samples, with up to ``cycles`` wiggles."""
    t = np.arange(period) / period
    out = np.zeros(period)
    for k in range(1, cycles + 1):
        out += rng.normal() / k * np.sin(2 * np.pi * k * t + rng.uniform(0, 2 * np.pi))
    return out / max(np.max(np.abs(out)), 1e-9)


def _motor(phase: np.ndarray, harmonics: list[float]) -> np.ndarray:
    """An electric motor's hum from its running phase (radians, per sample): a fundamental and its harmonics."""
    return sum(amp * np.sin((k + 1) * phase) for k, amp in enumerate(harmonics))


def _fade_tail(sound: np.ndarray, sample_rate: int, fade_s: float = 0.01) -> np.ndarray:
    """End a one-shot at exact silence with a short raised-cosine fade (no click when it stops)."""
    n = min(len(sound), _n(fade_s, sample_rate))
    sound[-n:] *= 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, n))
    return sound


# --- MRI sequences ------------------------------------------------------------------------------------------------


def _spin_echo(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, np.ndarray]:
    repetitions = 8  # the loop: 8 TRs, over which the phase-encoding knock's strength steps and returns
    period = _n(SPIN_ECHO_TR_S * repetitions, sr)
    tr = period / repetitions / sr
    excite = _knock([(160, 0.030, 0.6), (410, 0.020, 0.5), (720, 0.012, 0.3)], sr)
    refocus = _knock([(150, 0.035, 0.7), (390, 0.022, 0.6), (690, 0.014, 0.35)], sr)
    readout = _knock([(240, 0.025, 0.7), (530, 0.018, 0.5), (880, 0.010, 0.25)], sr)
    starts = [0.2 + k * tr for k in range(repetitions)]  # from a quiet moment: the scanner gets ready first
    phase_encode = [0.6 + 0.4 * abs(np.cos(np.pi * k / repetitions)) for k in range(repetitions)]
    jitter = list(1 + 0.04 * rng.standard_normal(repetitions))
    out = _place(period, starts, [0.6 * j for j in jitter], excite, sr)
    out += _place(period, [s + 0.015 for s in starts], jitter, refocus, sr)
    out += _place(period, [s + 0.030 for s in starts], phase_encode, readout, sr)
    return np.zeros(0), out


def _turbo_spin_echo(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, np.ndarray]:
    trains = 4
    period = _n(TURBO_TRAIN_PERIOD_S * trains, sr)
    train_s = period / trains / sr
    excite = _knock([(200, 0.020, 0.8), (470, 0.014, 0.5)], sr, 0.08)
    echo = _knock([(130, 0.016, 0.6), (350, 0.013, 0.6), (610, 0.009, 0.4)], sr, 0.08)
    times, amps = [], []
    for k in range(trains):
        for e in range(TURBO_ECHO_TRAIN):
            times.append(0.3 + k * train_s + 0.02 + e * TURBO_ECHO_SPACING_S)
            amps.append((1.0 if e % 2 else 0.85) * (1 + 0.05 * rng.standard_normal()))
    out = _place(period, [0.3 + k * train_s for k in range(trains)], [0.7] * trains, excite, sr)
    out += _place(period, times, amps, echo, sr)
    return np.zeros(0), out


def _epi(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, np.ndarray]:
    slices = 32
    period = _n(slices / EPI_SLICE_RATE_HZ, sr)
    t = np.arange(period) / sr
    f0 = _fit(EPI_FUNDAMENTAL_HZ, period, sr)
    # The readout gradient's trapezoids and the phase-encoding blips: a fundamental and weaker harmonics.
    harmonics = [1.0, 0.3, 0.22, 0.1, 0.08, 0.05]
    buzz = sum(a * np.sin(2 * np.pi * (k + 1) * f0 * t + rng.uniform(0, 2 * np.pi)) for k, a in enumerate(harmonics))
    # Each slice: the readout for most of it, a short quiet gap with the next excitation's knock.
    slice_n = period // slices
    position = np.arange(period) % slice_n / sr
    on_s, ramp_s = 0.052, 0.003
    gate = np.clip(np.minimum(position / ramp_s, (on_s - position) / ramp_s), 0, 1)
    gate = 0.5 - 0.5 * np.cos(np.pi * gate)
    excite = _knock([(210, 0.012, 0.6), (520, 0.008, 0.4)], sr, 0.04)
    knocks = _place(period, [k * slice_n / sr + on_s + 0.001 for k in range(slices)], [0.5] * slices, excite, sr)
    return np.zeros(0), buzz * gate + knocks


def _gradient_echo(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, np.ndarray]:
    clicks = 25
    period = _n(clicks / GRADIENT_ECHO_RATE_HZ, sr)
    chirp = _chirp_knock(480, 900, 0.006, sr) + 0.5 * _knock([(290, 0.008, 1.0)], sr, 0.04)
    amps = [(1.0 if k % 2 else 0.85) * (1 + 0.03 * rng.standard_normal()) for k in range(clicks)]
    times = [(k + 0.5) * period / clicks / sr for k in range(clicks)]
    return np.zeros(0), _place(period, times, amps, chirp, sr)


def _mri_table(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, np.ndarray]:
    period = _n(3.0, sr)
    t = np.arange(period) / sr
    f = _fit(100.0, period, sr)  # twice the 50 Hz mains: the motor's hum
    wobble = 1 + 0.15 * np.sin(2 * np.pi * _fit(4.0, period, sr) * t)
    hum = _motor(2 * np.pi * f * t, [1.0, 0.5, 0.3, 0.15]) * wobble
    rolling = _band_noise(rng, period, 150, 1800, sr) * (0.8 + 0.2 * _slow_wobble(rng, period, 6))
    bump = _knock([(90, 0.03, 1.0), (250, 0.015, 0.6)], sr, 0.15)
    times = [0.1875 + k * 0.375 for k in range(8)]  # rollers passing seams in the table's rail
    bumps = _place(period, times, [1.0 + 0.1 * rng.standard_normal() for _ in range(8)], bump, sr)
    return np.zeros(0), 0.5 * hum + 0.35 * rolling + 0.3 * bumps


# --- CT -------------------------------------------------------------------------------------------------------------


def _ct_table(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """A fast move into position, a slow-down, then the slow feed through the ring (the loop)."""
    fast_hz, slow_hz, start_s, decel_s, end_s = 160.0, 70.0, 0.15, 1.6, 2.1
    intro_n, period = _n(end_s, sr), _n(2.0, sr)
    slow_hz = _fit(slow_hz, period, sr)
    t = np.arange(intro_n) / sr
    ramp = np.clip((t - decel_s) / (end_s - decel_s), 0, 1)
    ramp = 0.5 - 0.5 * np.cos(np.pi * ramp)  # 0 while fast, 1 once slow
    freq = fast_hz + (slow_hz - fast_hz) * ramp
    phase = 2 * np.pi * np.concatenate([[0.0], np.cumsum(freq[:-1])]) / sr
    start = 0.5 - 0.5 * np.cos(np.pi * np.clip(t / start_s, 0, 1))
    harmonics = [1.0, 0.45, 0.3, 0.12]
    # The slow loop's motor carries on from the phase the intro ends at.
    loop_phase = phase[-1] + 2 * np.pi * freq[-1] / sr + 2 * np.pi * slow_hz * np.arange(period) / sr
    loop_hum = _motor(loop_phase, harmonics)
    slow_rolling = _band_noise(rng, period, 120, 900, sr)
    fast_rolling = _band_noise(rng, intro_n, 300, 3000, sr)
    # The slow rolling runs backwards from the loop into the intro, so the join has no seam.
    slow_in_intro = slow_rolling[(np.arange(intro_n) - intro_n) % period]
    hum_level = 0.55 + 0.15 * (1 - ramp)
    intro = start * (hum_level * _motor(phase, harmonics) + 0.5 * (1 - ramp) * fast_rolling + 0.2 * slow_in_intro)
    loop = 0.55 * loop_hum + 0.2 * slow_rolling
    return intro, loop


def _ct_gantry(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """The ring spinning (a whirr rising and falling once per turn, a bearing's tone, the generator's whine) and a
    click on every turn."""
    turns, turn_s = 4, 0.5
    period = _n(turns * turn_s, sr)
    t = np.arange(period) / sr
    rotation = _fit(1 / turn_s, period, sr)
    whirr = _band_noise(rng, period, 200, 2500, sr) * (1 + 0.35 * np.sin(2 * np.pi * rotation * t))
    bearing_phase = 2 * np.pi * _fit(180.0, period, sr) * t + 0.6 * np.sin(2 * np.pi * rotation * t)
    bearing = _motor(bearing_phase, [1.0, 0.35, 0.15])
    whine = np.sin(2 * np.pi * _fit(3200.0, period, sr) * t)
    click = _knock([(1200, 0.003, 1.0), (2500, 0.002, 0.6)], sr, 0.02)
    clicks = _place(period, [(k + 0.1) * turn_s for k in range(turns)], [1.0] * turns, click, sr)
    return np.zeros(0), 0.4 * whirr + 0.3 * bearing + 0.04 * whine + 0.6 * clicks


# --- interface ------------------------------------------------------------------------------------------------------


def _note(
    freq: float, decay_s: float, sr: int, length_s: float, partials=((1, 1.0), (2, 0.3), (3, 0.12))
) -> np.ndarray:
    """A soft bell-like note: harmonic partials decaying (higher ones faster), a 4 ms attack with no click."""
    t = np.arange(_n(length_s, sr)) / sr
    out = sum(a * np.exp(-t * k / decay_s) * np.sin(2 * np.pi * k * freq * t) for k, a in partials)
    attack = np.minimum(t / 0.004, 1)
    return out * (0.5 - 0.5 * np.cos(np.pi * attack))


def _chime(notes: list[tuple[float, float]], decay_s: float, length_s: float, sr: int, **kwargs) -> np.ndarray:
    """Notes (start s, frequency Hz) over ``length_s`` seconds, ending in silence."""
    out = np.zeros(_n(length_s, sr))
    for start_s, freq in notes:
        note = _note(freq, decay_s, sr, length_s - start_s, **kwargs)
        out[_n(start_s, sr) : _n(start_s, sr) + len(note)] += note
    return _fade_tail(out, sr)


def _ui_select(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, None]:
    return _chime([(0.0, 1318.5)], 0.025, 0.12, sr), None


def _ui_success(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, None]:
    return _chime([(0.0, 784.0), (0.09, 1046.5)], 0.18, 0.8, sr), None


def _ui_hint(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, None]:
    soft = ((1, 1.0), (3, 0.08))  # a rounder, quieter timbre than the success chime
    return _chime([(0.0, 659.3), (0.12, 880.0)], 0.15, 0.75, sr, partials=soft), None


def _ui_badge(rng: np.random.Generator, sr: int) -> tuple[np.ndarray, None]:
    notes = [(0.0, 1046.5), (0.08, 1318.5), (0.16, 1568.0), (0.24, 2093.0)]
    shimmer = ((1, 1.0), (2, 0.25), (4, 0.08))
    return _chime(notes, 0.25, 1.3, sr, partials=shimmer), None


_MAKERS = {
    "mri_spin_echo": _spin_echo,
    "mri_turbo_spin_echo": _turbo_spin_echo,
    "mri_epi": _epi,
    "mri_gradient_echo": _gradient_echo,
    "mri_table": _mri_table,
    "ct_table": _ct_table,
    "ct_gantry": _ct_gantry,
    "ui_select": _ui_select,
    "ui_success": _ui_success,
    "ui_hint": _ui_hint,
    "ui_badge": _ui_badge,
}
