"""Every sound: its level under the caps, determinism, seamless loops, one-shots that end in silence."""

from __future__ import annotations

import numpy as np
import pytest

from xrapp.audio import (
    LEVEL_CAP_DBFS,
    LOOPING_SOUNDS,
    RMS_CAP_DBFS,
    SOUND_NAMES,
    max_rms_dbfs,
    peak_dbfs,
    sound_clip,
    synthesize,
)
from xrapp.audio.synth import check_sound_name

from .spectra import SR

ONE_SHOTS = [name for name in SOUND_NAMES if name not in LOOPING_SOUNDS]


def test_the_sound_names_are_the_ones_scenarios_use():
    assert set(SOUND_NAMES) == {
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
    }


@pytest.mark.parametrize("name", SOUND_NAMES)
def test_every_sound_is_mono_float32_of_the_asked_length_and_under_the_caps(name):
    x = synthesize(name, 2.5)
    assert x.dtype == np.float32
    assert x.shape == (round(2.5 * SR),)
    assert np.any(x != 0)
    assert peak_dbfs(x) <= LEVEL_CAP_DBFS
    assert max_rms_dbfs(x, SR) <= RMS_CAP_DBFS


@pytest.mark.parametrize("name", SOUND_NAMES)
def test_synthesis_is_deterministic(name):
    first = synthesize(name, 1.0, seed=3)
    sound_clip.cache_clear()
    assert np.array_equal(first, synthesize(name, 1.0, seed=3))


@pytest.mark.parametrize("name", ["mri_spin_echo", "mri_epi", "mri_table", "ct_gantry"])
def test_another_seed_gives_another_take_of_the_same_sound(name):
    a, b = synthesize(name, 1.0, seed=0), synthesize(name, 1.0, seed=1)
    assert not np.array_equal(a, b)
    assert abs(peak_dbfs(a) - peak_dbfs(b)) < 3.0


@pytest.mark.parametrize("name", sorted(LOOPING_SOUNDS))
def test_a_loop_continues_seamlessly_past_its_end(name):
    clip = sound_clip(name)
    intro, period = len(clip.intro), len(clip.loop)
    x = synthesize(name, (intro + 2 * period + 960) / SR).astype(np.float64)
    # A shorter request is the start of a longer one, and the sound repeats exactly for as long as it is asked.
    assert np.array_equal(synthesize(name, (intro + period // 2) / SR), x[: intro + period // 2])
    assert np.array_equal(x[intro + period : intro + 2 * period], x[intro : intro + period])
    step = np.abs(np.diff(x))
    for seam in ([intro] if intro else []) + [intro + period, intro + 2 * period]:
        nearby = np.concatenate([step[seam - 960 : seam - 1], step[seam : seam + 960]])
        # The change from sample to sample across the seam is like those within 20 ms of it: no jump, no click.
        assert step[seam - 1] <= 3 * np.sqrt(np.mean(nearby**2)) + 1e-7, (name, seam)


@pytest.mark.parametrize("name", ONE_SHOTS)
def test_a_one_shot_has_its_natural_length_then_silence(name):
    clip = sound_clip(name)
    length = len(clip.intro)
    assert 0.05 <= clip.natural_duration_s <= 2.0
    x = synthesize(name, length / SR + 0.5)
    assert np.all(x[length:] == 0)
    assert abs(x[length - 1]) < 1e-4  # it fades to silence, it is not cut off
    assert abs(x[0]) < 1e-4  # and it starts from silence
    assert np.array_equal(synthesize(name, 0.03), x[: round(0.03 * SR)])


def test_interface_sounds_are_quieter_than_the_scanner():
    loudest_ui = max(peak_dbfs(synthesize(name, 1.5)) for name in ONE_SHOTS)
    assert loudest_ui <= peak_dbfs(synthesize("mri_spin_echo", 1.5)) - 6


def test_an_unknown_sound_name_is_refused_with_the_closest_known_ones():
    with pytest.raises(ValueError, match="Did you mean 'mri_spin_echo'") as error:
        check_sound_name("mri_spinecho")
    assert "ui_badge" in str(error.value)  # and the full list, to pick from
    with pytest.raises(ValueError, match="unknown sound"):
        synthesize("mri_whistle", 1.0)
