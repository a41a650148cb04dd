"""The sounds of a rehearsal, synthesised (no recordings): played live when the machine has an audio output, and
rendered to a WAV file headless.

- :mod:`.synth`: each sound as pure numpy (:func:`synthesize`, :func:`sound_clip`, :data:`SOUND_NAMES`);
- :mod:`.limiter`: the one limiter every path out goes through (:data:`LEVEL_CAP_DBFS`, :data:`RMS_CAP_DBFS`);
- :mod:`.mixer`: a session's audio as cues over time (:class:`AudioTimeline`), rendered to an array or WAV file;
- :mod:`.player`: live playback through PortAudio (:class:`Player`), silent with a logged reason when there is none.
"""

from .limiter import (
    LEVEL_CAP_DBFS,
    RMS_CAP_DBFS,
    RMS_WINDOW_S,
    Limiter,
    limit,
    max_rms_dbfs,
    peak_dbfs,
    window_rms,
)
from .mixer import CROSSFADE_S, AudioTimeline
from .player import AudioUnavailable, Player
from .synth import (
    EPI_FUNDAMENTAL_HZ,
    GRADIENT_ECHO_RATE_HZ,
    LOOPING_SOUNDS,
    SAMPLE_RATE,
    SOUND_NAMES,
    SPIN_ECHO_TR_S,
    TURBO_ECHO_SPACING_S,
    TURBO_TRAIN_PERIOD_S,
    SoundClip,
    check_sound_name,
    sound_clip,
    synthesize,
)

__all__ = [
    "CROSSFADE_S",
    "EPI_FUNDAMENTAL_HZ",
    "GRADIENT_ECHO_RATE_HZ",
    "LEVEL_CAP_DBFS",
    "LOOPING_SOUNDS",
    "RMS_CAP_DBFS",
    "RMS_WINDOW_S",
    "SAMPLE_RATE",
    "SOUND_NAMES",
    "SPIN_ECHO_TR_S",
    "TURBO_ECHO_SPACING_S",
    "TURBO_TRAIN_PERIOD_S",
    "AudioTimeline",
    "AudioUnavailable",
    "Limiter",
    "Player",
    "SoundClip",
    "check_sound_name",
    "limit",
    "max_rms_dbfs",
    "peak_dbfs",
    "sound_clip",
    "synthesize",
    "window_rms",
]
