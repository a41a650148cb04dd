"""Live playback: through PortAudio when there is an output, silence with one clear log line when there is not.

No test here touches a real audio device: ``sounddevice`` is replaced by a stand-in (or made to fail to import),
so the suite behaves the same on a laptop with speakers and on a CI machine with none.
"""

from __future__ import annotations

import importlib.abc
import logging
import subprocess
import sys
import types

import numpy as np
import pytest

from xrapp.audio import LEVEL_CAP_DBFS, RMS_CAP_DBFS, AudioTimeline, Player, max_rms_dbfs, peak_dbfs

from .spectra import SR


class FakeStream:
    """Stands in for ``sounddevice.OutputStream``: keeps its settings; the test calls the callback itself."""

    def __init__(self, **settings):
        self.settings = settings
        self.started = self.closed = False

    def start(self):
        self.started = True

    def stop(self):
        self.started = False

    def close(self):
        self.closed = True


def fake_sounddevice(devices: bool = True) -> types.ModuleType:
    module = types.ModuleType("sounddevice")
    module.streams = []

    def query_devices(device=None, kind=None):
        if not devices:
            raise RuntimeError("Error querying device -1")
        return {"name": "Test speakers", "max_output_channels": 2}

    def output_stream(**settings):
        module.streams.append(FakeStream(**settings))
        return module.streams[-1]

    module.query_devices = query_devices
    module.OutputStream = output_stream
    return module


def pull(player: Player, stream: FakeStream, seconds: float, block: int = 512) -> np.ndarray:
    """Ask the player for ``seconds`` of sound the way PortAudio does, block by block."""
    blocks = []
    for _ in range(round(seconds * SR) // block):
        outdata = np.full((block, 1), np.nan, dtype=np.float32)
        stream.settings["callback"](outdata, block, None, None)
        blocks.append(outdata[:, 0].copy())
    return np.concatenate(blocks)


class FailingImport(importlib.abc.MetaPathFinder):
    """Makes ``import sounddevice`` fail the way it does when the PortAudio library is not installed."""

    def find_spec(self, name, path=None, target=None):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return None


def assert_silent_and_harmless(player: Player) -> None:
    assert not player.available()
    player.follow("mri_epi", 0.0)
    player.one_shot("ui_select", 0.1)
    player.start("ct_gantry", 0.2)
    player.stop("ct_gantry", 0.3)
    player.follow(None, 0.4)
    player.close()
    with pytest.raises(ValueError, match="unknown sound"):  # a wrong name is still a mistake to fix
        player.follow("mri_epl", 1.0)


def test_without_the_portaudio_library_the_player_is_silent_and_says_how_to_install_it(monkeypatch, caplog):
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [FailingImport(), *sys.meta_path])
    with caplog.at_level(logging.WARNING, logger="xrapp.audio"):
        player = Player()
    assert "PortAudio" in player.reason and "libportaudio2" in player.reason
    assert [r.message for r in caplog.records] == [f"audio: {player.reason}; the rehearsal carries on in silence"]
    assert_silent_and_harmless(player)


def test_without_the_sounddevice_package_the_player_is_silent(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import raises ImportError
    with caplog.at_level(logging.WARNING, logger="xrapp.audio"):
        player = Player()
    assert "pip install sounddevice" in player.reason
    assert "silence" in caplog.text
    assert_silent_and_harmless(player)


def test_without_an_output_device_the_player_is_silent(monkeypatch, caplog):
    fake = fake_sounddevice(devices=False)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    with caplog.at_level(logging.WARNING, logger="xrapp.audio"):
        player = Player()
    assert "no audio output device" in player.reason and "silence" in caplog.text
    assert fake.streams == []
    assert_silent_and_harmless(player)


def test_sound_switched_off_never_opens_a_device(monkeypatch):
    fake = fake_sounddevice()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    player = Player(enabled=False)
    assert player.reason == "sound is switched off" and fake.streams == []
    assert_silent_and_harmless(player)


def test_with_a_device_the_player_plays_what_a_file_would_hold_under_the_caps(monkeypatch):
    fake = fake_sounddevice()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    with Player() as player:
        assert player.available()
        (stream,) = fake.streams
        assert stream.started
        assert (stream.settings["samplerate"], stream.settings["channels"], stream.settings["dtype"]) == (
            SR,
            1,
            "float32",
        )
        # The procedure's clock is at 100 s when the first cue comes; the audio clock at 0.
        player.follow("mri_epi", 100.0)
        player.one_shot("ui_badge", 100.2)
        live = pull(player, stream, 1.0)
    assert stream.closed and not player.available()
    assert peak_dbfs(live) <= LEVEL_CAP_DBFS and max_rms_dbfs(live, SR) <= RMS_CAP_DBFS
    offline = AudioTimeline()
    offline.follow("mri_epi", 0.0)
    offline.one_shot("ui_badge", 0.2)
    expected = offline.render(1.0)
    latency = player._limiter.latency_samples
    assert np.all(live[:latency] == 0)
    assert np.allclose(live[latency:], expected[: len(live) - latency], atol=1e-6)


def test_a_failure_inside_the_audio_callback_plays_silence_and_is_logged_once(monkeypatch, caplog):
    fake = fake_sounddevice()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    player = Player()
    player.follow("mri_epi", 0.0)

    def broken(first_sample, count):
        raise RuntimeError("boom")

    monkeypatch.setattr(player._timeline, "mix", broken)
    with caplog.at_level(logging.ERROR, logger="xrapp.audio"):
        out = pull(player, fake.streams[0], 0.1)
    assert np.all(out == 0)
    assert len(caplog.records) == 1
    player.close()


def test_importing_the_audio_package_does_not_load_portaudio():
    code = "import sys, xrapp.audio; print('sounddevice' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
