"""A session's audio as cues over time: sounds started, stopped and fired once on the procedure's clock, mixed into
one mono signal and passed through the limiter, to an array or a 16-bit WAV file.

The same timeline feeds live playback (:mod:`xrapp.audio.player`) block by block, so a session heard in a headset
and the same session rendered headless to a file are made by the same code.
"""

from __future__ import annotations

import math
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .limiter import Limiter
from .synth import SAMPLE_RATE, SoundClip, check_sound_name, sound_clip

#: Length of the fade at every start and stop of a looping sound, seconds: long enough that the waveform never
#: jumps (no click), short enough that a change of sound feels immediate. A change made by :meth:`follow` fades the
#: old sound out while the new one fades in, over the same time.
CROSSFADE_S = 0.02
#: Samples mixed and limited at a time when rendering to an array or file (about 5 s at 48 kHz).
_RENDER_BLOCK = 1 << 18


@dataclass
class _Voice:
    """One sound playing on the timeline: its clip from sample ``start``; fading out from ``stop`` if set."""

    clip: SoundClip
    start: int
    fade_in: bool
    stop: int | None = None

    def end(self, fade: int) -> float:
        """The sample index after its last audible sample (``inf`` while a loop has not been stopped)."""
        ends = [math.inf]
        if self.stop is not None:
            ends.append(self.stop + fade)
        if not self.clip.looping:
            ends.append(self.start + len(self.clip.intro))
        return min(ends)


class AudioTimeline:
    """Cues on a clock in seconds (the procedure's), mixed on demand.

    ``start(name, t)`` plays a sound from ``t`` until ``stop(name, t)`` (fading in and out over
    :data:`CROSSFADE_S`); ``one_shot(name, t)`` plays a one-shot sound once; ``follow(name_or_None, t)`` keeps
    exactly the named sound playing (what a procedure's ``DisplayState.sound`` asks for). Cues must come in time
    order. :meth:`render` and :meth:`write_wav` return and write the limited mix.
    """

    def __init__(self, sample_rate: int = SAMPLE_RATE, *, seed: int = 0) -> None:
        self.sample_rate = sample_rate
        self.seed = seed
        self._fade = max(1, round(CROSSFADE_S * sample_rate))
        self._voices: list[_Voice] = []
        self._last_cue_s = 0.0
        self._followed: str | None = None

    # --- cues ---------------------------------------------------------------------------------------------------

    def start(self, name: str, t: float) -> None:
        """Start sound ``name`` at ``t`` seconds (fading in); nothing happens if it is already playing then."""
        sample = self._cue(name, t)
        if any(v.clip.name == name and v.stop is None and v.end(self._fade) > sample for v in self._voices):
            return
        clip = self._clip(name)
        self._voices.append(_Voice(clip, sample, fade_in=clip.looping))

    def stop(self, name: str, t: float) -> None:
        """Stop sound ``name`` at ``t`` seconds, fading out over :data:`CROSSFADE_S`; nothing if it is not playing."""
        sample = self._cue(name, t)
        for voice in self._voices:
            if voice.clip.name == name and voice.stop is None and voice.end(self._fade) > sample:
                voice.stop = max(sample, voice.start)

    def one_shot(self, name: str, t: float) -> None:
        """Play one-shot sound ``name`` once from ``t`` seconds (overlapping any earlier one still sounding)."""
        sample = self._cue(name, t)
        clip = self._clip(name)
        if clip.looping:
            raise ValueError(
                f"{name!r} is a looping sound and never ends by itself: start and stop it (or follow it) instead of "
                f"playing it as a one-shot"
            )
        self._voices.append(_Voice(clip, sample, fade_in=False))

    def follow(self, name: str | None, t: float) -> None:
        """Make ``name`` the sound playing from ``t`` (None: silence): the previous one fades out as it fades in.

        Call it with a procedure's ``DisplayState.sound`` every frame; only changes do anything.
        """
        if name == self._followed:
            return
        if name is not None:
            check_sound_name(name)
        if self._followed is not None:
            self.stop(self._followed, t)
        if name is not None:
            self.start(name, t)
        self._followed = name

    @property
    def following(self) -> str | None:
        """The sound :meth:`follow` last asked for (None: none)."""
        return self._followed

    @property
    def last_cue_s(self) -> float:
        """Time of the latest cue, seconds (later cues must not come before it)."""
        return self._last_cue_s

    def playing(self, t: float) -> tuple[str, ...]:
        """Names of the sounds audible at ``t`` seconds (in the order they were started)."""
        sample = round(t * self.sample_rate)
        return tuple(v.clip.name for v in self._voices if v.start <= sample < v.end(self._fade))

    @property
    def end_s(self) -> float:
        """When everything cued so far has finished, seconds; a loop never stopped counts until the last cue."""
        ends = [v.end(self._fade) for v in self._voices]
        finite = [e / self.sample_rate for e in ends if e != math.inf]
        return max([self._last_cue_s, *finite])

    # --- mixing -------------------------------------------------------------------------------------------------

    def mix(self, first_sample: int, count: int) -> np.ndarray:
        """The raw mix (before the limiter) of samples ``first_sample .. first_sample + count - 1``: (count,) float64.

        Used block by block for live playback; :meth:`render` is the whole-file version, limited.
        """
        out = np.zeros(count, dtype=np.float64)
        last = first_sample + count
        for voice in self._voices:
            lo = max(first_sample, voice.start)
            hi = min(last, voice.end(self._fade))
            if hi <= lo:
                continue
            hi = int(hi)
            index = np.arange(lo, hi)
            sound = voice.clip.samples(lo - voice.start, hi - lo).astype(np.float64)
            if voice.fade_in:
                sound *= _fade_in(np.clip((index - voice.start) / self._fade, 0.0, 1.0))
            if voice.stop is not None:
                sound *= 1.0 - _fade_in(np.clip((index - voice.stop) / self._fade, 0.0, 1.0))
            out[lo - first_sample : hi - first_sample] += sound
        return out

    def discard_before(self, sample: int) -> None:
        """Forget voices that have fallen silent before ``sample`` (live playback keeps the list short)."""
        self._voices = [v for v in self._voices if v.end(self._fade) > sample]

    def render(self, duration_s: float | None = None) -> np.ndarray:
        """The limited mix from 0 to ``duration_s`` seconds (None: :attr:`end_s`): (n,) float32, within the caps.

        A sound still playing at the end fades out over the last :data:`CROSSFADE_S`, so the file ends in silence.
        """
        blocks = list(self._limited(self._count(duration_s)))
        return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)

    def write_wav(self, path: str | Path, duration_s: float | None = None) -> Path:
        """Write :meth:`render` ``(duration_s)`` to ``path`` as a 16-bit PCM mono WAV file; returns the path.

        Written block by block, so a whole session (say 45 minutes) never has to fit in memory at once.
        """
        path = Path(path)
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.sample_rate)
            for block in self._limited(self._count(duration_s)):
                wav.writeframes(np.round(np.clip(block, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())
        return path

    # --- internals ----------------------------------------------------------------------------------------------

    def _cue(self, name: str, t: float) -> int:
        """Check a cue's sound and time; returns its sample index."""
        check_sound_name(name)
        if not math.isfinite(t) or t < 0:
            raise ValueError(f"cue time for {name!r} must be a finite number of seconds, 0 or more; got {t}")
        if t < self._last_cue_s:
            raise ValueError(
                f"cue for {name!r} at {t:.3f} s comes before the previous cue at {self._last_cue_s:.3f} s: give cues "
                f"in time order, on one clock (the procedure's)"
            )
        self._last_cue_s = t
        return round(t * self.sample_rate)

    def _count(self, duration_s: float | None) -> int:
        """Samples in a render of ``duration_s`` seconds (None: until everything has finished)."""
        duration_s = self.end_s if duration_s is None else duration_s
        if not math.isfinite(duration_s) or duration_s < 0:
            raise ValueError(f"duration_s must be a finite number of seconds, 0 or more; got {duration_s}")
        return round(duration_s * self.sample_rate)

    def _limited(self, count: int) -> Iterator[np.ndarray]:
        """Samples 0 .. count - 1 of the mix through the limiter, aligned with the cues, in float32 blocks."""
        limiter = Limiter(self.sample_rate)
        delay = limiter.latency_samples
        cut = any(v.start < count < v.end(self._fade) for v in self._voices)
        tail = min(count, self._fade) if cut else 0
        position = 0  # samples of the mix fed to the limiter; its output lags by ``delay``
        while position < count + delay:
            size = min(_RENDER_BLOCK, count + delay - position)
            raw = self.mix(position, min(size, max(count - position, 0)))
            out = limiter.process(np.concatenate([raw, np.zeros(size - len(raw))]))
            first = position - delay  # index (in the render) of out[0]
            position += size
            out = out[max(0, -first) :]
            first = max(first, 0)
            if tail and first + len(out) > count - tail:
                index = np.arange(first, first + len(out))
                fade = 1.0 - _fade_in(np.clip((index - (count - tail) + 1) / tail, 0.0, 1.0))
                out = (out * fade).astype(np.float32)
            if len(out):
                yield out

    def _clip(self, name: str) -> SoundClip:
        return sound_clip(name, seed=self.seed, sample_rate=self.sample_rate)


def _fade_in(position: np.ndarray) -> np.ndarray:
    """Raised-cosine fade from 0 to 1 over ``position`` 0..1 (smooth at both ends: no click)."""
    return 0.5 - 0.5 * np.cos(np.pi * position)
