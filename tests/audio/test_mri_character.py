"""The MRI sequences sound like themselves: measured from their spectra and envelopes, never from their code."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from xrapp.audio import synthesize

from .spectra import (
    SR,
    active_segments,
    band_fraction,
    envelope,
    envelope_period,
    modulation_spectrum,
    onsets,
    third_octave_db,
    welch_spectrum,
)

SEQUENCES = ("mri_spin_echo", "mri_turbo_spin_echo", "mri_epi", "mri_gradient_echo")


@pytest.fixture(scope="module")
def sequences() -> dict[str, np.ndarray]:
    return {name: synthesize(name, 3.6).astype(np.float64) for name in SEQUENCES}


@pytest.mark.parametrize("name", ["mri_spin_echo", "mri_turbo_spin_echo", "mri_gradient_echo", "mri_table"])
def test_knocking_sounds_keep_their_energy_between_50_hz_and_1_khz(name):
    assert band_fraction(synthesize(name, 3.0), 50, 1000) > 0.7


def test_spin_echo_knocks_once_per_repetition_time(sequences):
    x = sequences["mri_spin_echo"]
    period, strength = envelope_period(x, 0.3, 1.0)
    assert 0.5 <= period <= 0.6
    assert strength > 0.5
    # Slow knocking, not a continuous noise: mostly quiet between the groups of knocks.
    env = envelope(x, frame_s=0.01)
    assert np.mean(env > 0.1 * env.max()) < 0.35


def test_epi_is_a_continuous_buzz_with_its_energy_near_1_khz(sequences):
    x = sequences["mri_epi"]
    freqs, power = welch_spectrum(x)
    fundamental = freqs[np.argmax(power)]
    assert 800 <= fundamental <= 1300
    assert band_fraction(x, 0.85 * fundamental, 1.15 * fundamental) > 0.6
    env = envelope(x, frame_s=0.01)
    assert np.mean(env > 0.1 * env.max()) > 0.8


def test_gradient_echo_taps_regularly_between_10_and_20_hz(sequences):
    times = onsets(sequences["mri_gradient_echo"], min_gap_s=0.03)
    intervals = np.diff(times)
    assert len(times) >= 30
    assert 10 <= 1 / intervals.mean() <= 20
    assert intervals.std() < 0.05 * intervals.mean()


def test_turbo_spin_echo_comes_in_trains_of_rapid_knocks_with_gaps(sequences):
    x = sequences["mri_turbo_spin_echo"]
    bursts = active_segments(x)
    assert len(bursts) >= 3
    for (start, end), (next_start, _) in itertools.pairwise(bursts):
        assert 0.3 <= end - start <= 0.8
        assert next_start - end >= 0.3  # a real gap, not knocks run together
    for start, end in bursts[1:]:
        knocks = onsets(x[round(start * SR) : round(end * SR)], min_gap_s=0.02)
        assert len(knocks) >= 8
        assert 0.03 <= np.median(np.diff(knocks)) <= 0.07  # rapid: about 15-30 knocks a second


def test_the_four_sequences_differ_in_spectrum_and_in_rhythm(sequences):
    for a, b in itertools.combinations(SEQUENCES, 2):
        spectral_db = np.sqrt(np.mean((third_octave_db(sequences[a]) - third_octave_db(sequences[b])) ** 2))
        rhythm = 1 - float(modulation_spectrum(sequences[a]) @ modulation_spectrum(sequences[b]))
        assert spectral_db > 3.0, (a, b, spectral_db)
        assert rhythm > 0.5, (a, b, rhythm)
