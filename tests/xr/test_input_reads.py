"""How the application reads input each frame: few runtime calls, and the same InputFrames whichever way it reads.

Each frame does one xrSyncActions, one state read per control with both hands together (the hands apart only when
that shows one in use), and locates the head and both hands' aim and grip in one xrLocateSpacesKHR where the
runtime offers XR_KHR_locate_spaces (one xrLocateSpace each where it does not).
"""

from __future__ import annotations

import pytest
import yaml

from xrapp import mockrt
from xrapp.app import App
from xrapp.settings import RunSettings
from xrapp.xr import actions

pytestmark = [pytest.mark.xr, pytest.mark.gl]

TOUCH = "/interaction_profiles/oculus/touch_controller"

BUSY = {
    "keyframes": [
        {
            "t": 0.0,
            "head": {"position": [0.0, 1.6, 0.0], "yaw": 0},
            # Every control the script changes has a value here: a track holds its first value before it.
            "right": {"position": [0.2, 1.1, -0.3], "pitch": -20, "select": False, "trigger": 0.0},
            "left": {"position": [-0.2, 1.1, -0.3], "squeeze": 0.0, "menu": False, "connected": True},
        },
        {"t": 0.1, "right": {"select": True, "trigger": 0.7, "thumbstick": [0.0, 0.0]}, "left": {"squeeze": 0.6}},
        {"t": 0.2, "right": {"select": False, "trigger": 0.0, "thumbstick": [0.3, -0.8]}, "left": {"menu": True}},
        {"t": 0.3, "right": {"thumbstick": [0.0, 0.0]}, "left": {"menu": False}},
        {"t": 0.4, "head": {"position": [0.1, 1.5, -0.2], "yaw": 50}, "left": {"connected": True}},
        {"t": 0.45, "left": {"connected": False}},
    ],
}


def run(tmp_path, script: dict | None, frames: int, monkeypatch, locate_spaces: bool = True, profile=TOUCH) -> list:
    """The InputFrames of an App run on the mock holding ``profile`` controllers (``locate_spaces``: the mock offers
    XR_KHR_locate_spaces)."""
    install = mockrt.install

    def install_with(config=None, *args, **kwargs):
        config.offer_locate_spaces = locate_spaces
        config.interaction_profile = profile
        return install(config, *args, **kwargs)

    monkeypatch.setattr(mockrt, "install", install_with)
    settings = RunSettings(runtime="mock", graphics="egl", view_size=(32, 32), frames=frames)
    if script is not None:
        path = tmp_path / "input.yaml"
        path.write_text(yaml.safe_dump(script, sort_keys=False))
        settings.input_script = path
    app = App(settings)
    seen = []
    app.input_observers.append(lambda frame, timing: seen.append(frame))
    app.run()
    return seen


class Calls:
    """Counts the runtime calls ControllerInput.frame makes, by wrapping what it prepared."""

    def __init__(self, monkeypatch) -> None:
        self.counts: dict[str, int] = {}
        self.frames = 0
        prepare = actions.ControllerInput._prepare_frame_calls
        calls = self

        def counted(name, function):
            def call(*arguments):
                calls.counts[name] = calls.counts.get(name, 0) + 1
                return function(*arguments)

            return call

        def prepare_counted(input_, extensions):
            prepare(input_, extensions)
            input_._sync = counted("sync", input_._sync)
            if input_._locate_spaces is not None:
                input_._locate_spaces = counted("locate_spaces", input_._locate_spaces)
            input_._locate_space = counted("locate_space", input_._locate_space)
            input_._readers = {
                name: (counted(name, getter), *rest) for name, (getter, *rest) in input_._readers.items()
            }

        frame = actions.ControllerInput.frame

        def frame_counted(input_, display_time, play_space):
            calls.frames += 1
            return frame(input_, display_time, play_space)

        monkeypatch.setattr(actions.ControllerInput, "_prepare_frame_calls", prepare_counted)
        monkeypatch.setattr(actions.ControllerInput, "frame", frame_counted)

    def per_frame(self) -> dict[str, float]:
        return {name: count / self.frames for name, count in sorted(self.counts.items())}


def test_the_input_frames_are_the_same_with_and_without_xr_khr_locate_spaces(tmp_path, monkeypatch, mock_runtime):
    together = run(tmp_path, BUSY, 60, monkeypatch, locate_spaces=True)
    one_by_one = run(tmp_path, BUSY, 60, monkeypatch, locate_spaces=False)
    assert len(together) == len(one_by_one) == 60
    assert together == one_by_one
    # And the script's controls did arrive, so the comparison above compared something.
    assert any(f.right.select for f in together) and any(f.left.squeeze > 0.5 for f in together)
    assert any(f.right.thumbstick[1] < -0.5 for f in together) and any(f.left.menu for f in together)
    assert any(not f.left.active and f.left.aim is None for f in together if f.focused)


def test_a_frame_at_rest_reads_each_control_once_and_locates_everything_in_one_call(
    tmp_path, monkeypatch, mock_runtime
):
    calls = Calls(monkeypatch)
    frames = run(tmp_path, None, 20, monkeypatch)
    assert all(f.right.active and f.left.active for f in frames if f.focused)
    assert calls.per_frame() == {
        "locate_spaces": 1.0,
        "menu": 1.0,
        "select": 1.0,
        "select_value": 1.0,
        "squeeze": 1.0,
        "sync": 1.0,
        "thumbstick": 1.0,
    }


def test_a_control_in_use_is_read_for_each_hand_and_without_the_extension_each_space_is_located(
    tmp_path, monkeypatch, mock_runtime
):
    calls = Calls(monkeypatch)
    held = {"keyframes": [{"t": 0.0, "right": {"select": True}}]}
    frames = run(tmp_path, held, 20, monkeypatch, locate_spaces=False)
    focused = [f for f in frames if f.focused]
    assert focused and all(f.right.select and not f.left.select for f in focused)
    counts = calls.per_frame()
    assert counts["locate_space"] == 5.0  # the head, then aim and grip of each hand
    assert "locate_spaces" not in counts
    # Both hands together, then each hand, in every focused frame; the unfocused first frames read it once.
    assert counts["select"] == pytest.approx((3 * len(focused) + (len(frames) - len(focused))) / len(frames))
    assert counts["menu"] == 1.0
