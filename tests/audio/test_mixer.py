"""A session's cues mixed over time: crossfades with no clicks, following the procedure, 16-bit WAV files."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from xrapp.audio import CROSSFADE_S, AudioTimeline, sound_clip, synthesize

from .spectra import SR, band_fraction

FADE = round(CROSSFADE_S * SR)


def read_wav(path) -> tuple[np.ndarray, tuple[int, int, int]]:
    with wave.open(str(path), "rb") as wav:
        shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
        frames = wav.readframes(wav.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32767.0, shape


def session() -> AudioTimeline:
    timeline = AudioTimeline()
    timeline.start("mri_table", 0.0)
    timeline.one_shot("ui_select", 0.3)
    timeline.stop("mri_table", 0.8)
    timeline.start("mri_spin_echo", 0.8)
    timeline.one_shot("ui_success", 1.5)
    timeline.stop("mri_spin_echo", 2.0)
    return timeline


def test_a_wav_file_is_16_bit_mono_48_khz_and_reads_back_as_rendered(tmp_path):
    timeline = session()
    path = timeline.write_wav(tmp_path / "session.wav", 2.5)
    samples, (channels, width, rate) = read_wav(path)
    assert (channels, width, rate) == (1, 2, 48000)
    rendered = timeline.render(2.5).astype(np.float64)
    assert len(samples) == len(rendered) == round(2.5 * SR)
    assert np.max(np.abs(samples - rendered)) <= 0.5 / 32767 + 1e-7  # equal within half a step of 16 bits
    assert np.max(np.abs(samples)) > 0.05


def test_the_same_cues_write_the_same_file(tmp_path):
    first = session().write_wav(tmp_path / "a.wav").read_bytes()
    sound_clip.cache_clear()
    assert session().write_wav(tmp_path / "b.wav").read_bytes() == first


def test_without_a_duration_the_file_lasts_until_everything_has_finished(tmp_path):
    timeline = session()
    end = 2.0 + CROSSFADE_S  # the spin echo's fade-out; the success chime (from 1.5 s) ends sooner
    assert timeline.end_s == pytest.approx(max(end, 1.5 + sound_clip("ui_success").natural_duration_s))
    samples, _ = read_wav(timeline.write_wav(tmp_path / "s.wav"))
    assert len(samples) == round(timeline.end_s * SR)


def test_a_stop_fades_out_over_the_crossfade_with_no_step():
    timeline = AudioTimeline()
    timeline.start("mri_epi", 0.0)
    timeline.stop("mri_epi", 1.0)
    out = timeline.render(1.5).astype(np.float64)
    clip = synthesize("mri_epi", 1.5).astype(np.float64)
    stop = SR
    assert np.array_equal(out[SR // 2 : stop], clip[SR // 2 : stop])  # untouched before the stop
    assert np.all(out[stop + FADE :] == 0)  # silent after the fade
    fade = out[stop : stop + FADE]
    source = clip[stop : stop + FADE]
    gain = np.abs(fade[np.abs(source) > 0.01] / source[np.abs(source) > 0.01])
    assert np.all(np.diff(gain) <= 1e-6) and gain[0] > 0.95 and gain[-1] < 0.05  # a gradual fall
    assert np.abs(out[stop + FADE // 2] / clip[stop + FADE // 2]) == pytest.approx(0.5, abs=0.05)
    # No sample-to-sample jump at or after the stop bigger than the sound itself makes.
    assert np.max(np.abs(np.diff(out[stop - 10 : stop + FADE + 10]))) <= np.max(np.abs(np.diff(clip[: 2 * stop // 3])))


def test_a_start_fades_in_from_silence():
    timeline = AudioTimeline()
    timeline.start("ct_gantry", 0.5)
    out = timeline.render(1.0).astype(np.float64)
    clip = synthesize("ct_gantry", 0.5).astype(np.float64)
    start = SR // 2
    assert np.all(out[:start] == 0) and out[start] == 0
    assert np.allclose(out[start + FADE : start + FADE + 1000], clip[FADE : FADE + 1000], atol=1e-7)
    half = np.sum(out[start : start + FADE] ** 2) / np.sum(clip[:FADE] ** 2)
    assert 0.2 < half < 0.6  # a raised-cosine ramp carries about 3/8 of the energy


def test_follow_switches_sounds_with_a_crossfade_and_ignores_repeats():
    timeline = AudioTimeline()
    for frame in range(0, 300):  # a procedure updating at 100 Hz, its DisplayState.sound changing twice
        t = frame / 100
        timeline.follow("mri_epi" if t < 1.0 else "mri_spin_echo" if t < 2.0 else None, t)
    assert timeline.playing(0.5) == ("mri_epi",)
    assert set(timeline.playing(1.0 + CROSSFADE_S / 2)) == {"mri_epi", "mri_spin_echo"}
    assert timeline.playing(1.5) == ("mri_spin_echo",)
    assert timeline.playing(2.5) == ()
    out = timeline.render(3.0)
    # The EPI buzz (1 kHz) is the sound before the switch and gone after it; no restart every frame.
    assert band_fraction(out[: SR - FADE], 850, 1150) > 0.6
    assert band_fraction(out[SR + FADE : 2 * SR], 850, 1150) < 0.05
    single = AudioTimeline()
    single.start("mri_epi", 0.0)
    assert np.array_equal(out[: SR - 1], single.render(3.0)[: SR - 1])


def test_a_sound_still_playing_at_the_end_of_a_render_fades_to_silence():
    timeline = AudioTimeline()
    timeline.start("mri_table", 0.0)
    out = timeline.render(1.0)
    assert out[-1] == 0 and np.max(np.abs(out[-FADE : -FADE + 50])) > 0


def test_one_shots_overlap_and_end_by_themselves():
    timeline = AudioTimeline()
    timeline.one_shot("ui_select", 0.0)
    timeline.one_shot("ui_select", 0.05)
    length = sound_clip("ui_select").natural_duration_s
    assert timeline.playing(0.06) == ("ui_select", "ui_select")
    assert timeline.playing(0.05 + length + 0.01) == ()


def test_cues_out_of_time_order_are_refused_with_the_reason():
    timeline = AudioTimeline()
    timeline.start("mri_epi", 2.0)
    with pytest.raises(ValueError, match="time order"):
        timeline.stop("mri_epi", 1.0)
    assert timeline.playing(2.5) == ("mri_epi",)  # the earlier cue is kept


def test_a_looping_sound_cannot_be_a_one_shot_and_unknown_names_are_refused():
    timeline = AudioTimeline()
    with pytest.raises(ValueError, match="start and stop it"):
        timeline.one_shot("mri_epi", 0.0)
    with pytest.raises(ValueError, match="Did you mean 'ui_badge'"):
        timeline.follow("ui_bagde", 0.0)
    assert timeline.following is None


def test_a_long_render_is_made_in_blocks_that_join_invisibly(monkeypatch, tmp_path):
    whole = session().render(2.5)
    monkeypatch.setattr("xrapp.audio.mixer._RENDER_BLOCK", 4099)  # many blocks, none aligned to anything
    blocks = session().render(2.5)
    assert len(blocks) == len(whole)
    assert np.allclose(blocks, whole, atol=1e-6)
    samples, _ = read_wav(session().write_wav(tmp_path / "blocks.wav", 2.5))
    assert np.max(np.abs(samples - whole)) <= 0.5 / 32767 + 1e-6
