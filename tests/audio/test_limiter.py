"""The one limiter: whatever overlaps, the output stays under the peak and RMS caps, scaled down, never clipped."""

from __future__ import annotations

import numpy as np
import pytest

from xrapp.audio import (
    LEVEL_CAP_DBFS,
    LOOPING_SOUNDS,
    RMS_CAP_DBFS,
    SOUND_NAMES,
    AudioTimeline,
    Limiter,
    limit,
    max_rms_dbfs,
    peak_dbfs,
    synthesize,
)

from .spectra import SR


def everything_at_once() -> AudioTimeline:
    """Every sound the application has, started within half a second: far louder together than any alone."""
    timeline = AudioTimeline()
    for index, name in enumerate(SOUND_NAMES):
        t = 0.05 * index
        timeline.start(name, t) if name in LOOPING_SOUNDS else timeline.one_shot(name, t)
    return timeline


def test_overlapping_sounds_are_held_under_the_peak_and_rms_caps():
    timeline = everything_at_once()
    raw = timeline.mix(0, 3 * SR)
    assert peak_dbfs(raw) > LEVEL_CAP_DBFS and max_rms_dbfs(raw, SR) > RMS_CAP_DBFS  # the limiter has work to do
    out = timeline.render(3.0)
    assert peak_dbfs(out) <= LEVEL_CAP_DBFS
    assert max_rms_dbfs(out, SR) <= RMS_CAP_DBFS
    assert max_rms_dbfs(out, SR, window_s=0.4) <= RMS_CAP_DBFS  # longer windows too
    assert 20 * np.log10(np.sqrt(np.mean(out.astype(np.float64) ** 2))) <= RMS_CAP_DBFS
    assert peak_dbfs(out) > LEVEL_CAP_DBFS - 6  # scaled to the cap, not muted


def test_a_full_scale_sine_is_scaled_down_not_clipped():
    t = np.arange(SR) / SR
    sine = 0.95 * np.sin(2 * np.pi * 440 * t)
    out = limit(sine, SR).astype(np.float64)
    assert peak_dbfs(out) <= LEVEL_CAP_DBFS and max_rms_dbfs(out, SR) <= RMS_CAP_DBFS
    steady = slice(SR // 4, 3 * SR // 4)
    loud = np.abs(sine[steady]) > 0.05
    ratio = out[steady][loud] / sine[steady][loud]
    # One gain for crests and slopes alike: the waveform keeps its shape (a clipper would flatten the crests).
    assert ratio.std() < 0.01 * ratio.mean()


def test_sound_already_under_the_caps_passes_unchanged():
    x = synthesize("mri_gradient_echo", 1.0)
    assert np.array_equal(limit(x, SR), x)


def test_live_blocks_of_any_size_give_the_same_output_as_one_pass():
    raw = everything_at_once().mix(0, SR)
    whole = Limiter(SR).process(raw)
    limiter = Limiter(SR)
    sizes = [1, 7, 512, 1000, 4096, 33]
    parts, start = [], 0
    while start < len(raw):
        size = sizes[len(parts) % len(sizes)]
        parts.append(limiter.process(raw[start : start + size]))
        start += size
    blocks = np.concatenate(parts)
    assert np.allclose(blocks, whole, atol=1e-6)
    assert peak_dbfs(blocks) <= LEVEL_CAP_DBFS


def test_a_sudden_loud_onset_is_caught_before_it_is_heard():
    x = np.zeros(SR)
    x[SR // 2 :] = np.random.default_rng(0).uniform(-1, 1, SR // 2)  # silence, then full-scale noise
    out = limit(x, SR)
    assert peak_dbfs(out) <= LEVEL_CAP_DBFS
    assert max_rms_dbfs(out, SR) <= RMS_CAP_DBFS
    assert np.all(out[: SR // 2] == 0)


def test_a_limiter_cannot_be_set_louder_than_the_caps():
    with pytest.raises(ValueError, match="never louder"):
        Limiter(SR, peak_dbfs=LEVEL_CAP_DBFS + 3)
    with pytest.raises(ValueError, match="never louder"):
        Limiter(SR, rms_dbfs=RMS_CAP_DBFS + 3)
