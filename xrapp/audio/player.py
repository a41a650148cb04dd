"""Live playback of a session's sounds through the machine's audio output (PortAudio, via ``sounddevice``).

Sound is welcome but never required: with no output device, no PortAudio library, no ``sounddevice`` package, or
sound switched off, the :class:`Player` says why in one log line and stays silent, and every cue still works (names
are still checked). ``sounddevice`` is imported only when a player is made, so the rest of the application, and
machines without audio, never load PortAudio.

Cues arrive on the procedure's clock; the player anchors that clock to its own audio clock at the first cue and
keeps later cues at the same spacing, re-anchoring if the two drift apart (a paused runtime, a slow frame). What is
heard is exactly what :class:`~xrapp.audio.mixer.AudioTimeline` renders to a file, through the same limiter.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from .limiter import Limiter
from .mixer import AudioTimeline
from .synth import LOOPING_SOUNDS, SAMPLE_RATE, SOUND_NAMES, check_sound_name, sound_clip

log = logging.getLogger("xrapp.audio")

#: A cue may land at most this far ahead of the audio clock, seconds; a cue further ahead means the procedure's
#: clock ran ahead of the audio's, and the player re-anchors instead of holding the sound back.
MAX_AHEAD_S = 0.25


class AudioUnavailable(Exception):
    """Why live sound cannot be played on this machine (a sentence for the log)."""


def load_sounddevice() -> Any:
    """Import ``sounddevice`` (and with it the PortAudio library); raise :class:`AudioUnavailable` saying what is
    missing and how to install it."""
    try:
        import sounddevice
    except ImportError as exc:
        raise AudioUnavailable(
            f"the Python package 'sounddevice' cannot be imported ({exc}); install it with: pip install sounddevice"
        ) from exc
    except OSError as exc:  # sounddevice raises this when the PortAudio shared library is not found
        raise AudioUnavailable(
            f"the PortAudio library is missing ({exc}); install it (Debian/Ubuntu: apt-get install libportaudio2)"
        ) from exc
    return sounddevice


class Player:
    """Plays cues live, or stays silent with a logged reason when there is no way to play them.

    Cue methods mirror :class:`~xrapp.audio.mixer.AudioTimeline` (``start``, ``stop``, ``one_shot``, ``follow``,
    times in seconds on the procedure's clock). Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        *,
        enabled: bool = True,
        device: int | str | None = None,
        sample_rate: int = SAMPLE_RATE,
        block_size: int = 512,
        seed: int = 0,
    ) -> None:
        """``enabled`` False keeps the player silent; ``device`` picks a PortAudio output (None: the default);
        ``block_size`` is samples per audio callback."""
        self.sample_rate = sample_rate
        self._timeline = AudioTimeline(sample_rate, seed=seed)
        self._limiter = Limiter(sample_rate)
        self._lock = threading.Lock()
        self._position = 0  # samples handed to the audio output so far: the audio clock
        self._offset_s: float | None = None  # audio clock minus procedure clock, seconds
        self._callback_failed = False
        self._stream: Any = None
        self._device_name = "the default output"
        self.reason: str | None = None
        """Why the player is silent (None while it plays)."""
        try:
            if not enabled:
                raise AudioUnavailable("sound is switched off")
            self._stream = self._open(device, block_size)
        except AudioUnavailable as exc:
            self.reason = str(exc)
            log.warning("audio: %s; the rehearsal carries on in silence", self.reason)
        else:
            log.info("audio: playing through %s", self._device_name)

    def available(self) -> bool:
        """True while sound is actually going out to an audio device."""
        return self._stream is not None

    # --- cues ---------------------------------------------------------------------------------------------------

    def start(self, name: str, t: float) -> None:
        """Start sound ``name`` at ``t`` seconds (procedure clock); see :meth:`AudioTimeline.start`."""
        self._cue("start", name, t)

    def stop(self, name: str, t: float) -> None:
        """Stop sound ``name`` at ``t`` seconds, fading out; see :meth:`AudioTimeline.stop`."""
        self._cue("stop", name, t)

    def one_shot(self, name: str, t: float) -> None:
        """Play one-shot sound ``name`` once at ``t`` seconds; see :meth:`AudioTimeline.one_shot`."""
        if name in LOOPING_SOUNDS:
            raise ValueError(f"{name!r} is a looping sound and never ends by itself: start and stop it, or follow it")
        self._cue("one_shot", name, t)

    def follow(self, name: str | None, t: float) -> None:
        """Keep exactly ``name`` playing from ``t`` (None: silence), as a procedure's ``DisplayState.sound`` asks."""
        if name is not None:
            check_sound_name(name)
        self._cue("follow", name, t)

    def close(self) -> None:
        """Stop the audio output (the player is silent afterwards); safe to call more than once."""
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as exc:  # closing a device that went away must not end the session
                log.warning("audio: closing the output failed (%s)", exc)
            if self.reason is None:
                self.reason = "the player was closed"

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- internals ----------------------------------------------------------------------------------------------

    def _open(self, device: int | str | None, block_size: int) -> Any:
        sd = load_sounddevice()
        try:
            info = sd.query_devices(device, kind="output")
        except Exception as exc:  # PortAudioError, or ValueError for a device name that matches nothing
            raise AudioUnavailable(f"no audio output device found ({exc})") from exc
        if int(info.get("max_output_channels", 0)) < 1:
            raise AudioUnavailable(f"the audio device {info.get('name', device)!r} has no output channels")
        self._device_name = repr(info.get("name", "the default output"))
        for name in SOUND_NAMES:  # synthesise everything now, never inside the audio callback
            sound_clip(name, seed=self._timeline.seed, sample_rate=self.sample_rate)
        try:
            stream = sd.OutputStream(
                samplerate=self.sample_rate,
                channels=1,
                dtype="float32",
                blocksize=block_size,
                device=device,
                callback=self._callback,
            )
            stream.start()
        except Exception as exc:
            raise AudioUnavailable(f"the audio output {self._device_name} could not be opened ({exc})") from exc
        return stream

    def _cue(self, kind: str, name: str | None, t: float) -> None:
        if self._stream is None:
            if name is not None:
                check_sound_name(name)
            return
        with self._lock:
            getattr(self._timeline, kind)(name, self._audio_time(t))

    def _audio_time(self, t: float) -> float:
        """Where on the audio clock a cue at procedure time ``t`` goes (never in the past, never far ahead)."""
        now_s = self._position / self.sample_rate
        if self._offset_s is None:
            self._offset_s = now_s - t
        at = t + self._offset_s
        if not now_s <= at <= now_s + MAX_AHEAD_S:
            self._offset_s = now_s - t
            at = now_s
        return max(at, self._timeline.last_cue_s)

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's request for the next ``frames`` samples ((frames, 1) float32, filled in place)."""
        try:
            with self._lock:
                raw = self._timeline.mix(self._position, frames)
                self._position += frames
                self._timeline.discard_before(self._position)
            outdata[:, 0] = self._limiter.process(raw)
        except Exception:  # an exception here would kill the audio thread: play silence and say so once
            outdata.fill(0)
            if not self._callback_failed:
                self._callback_failed = True
                log.exception("audio: making the next block of sound failed; playing silence")
