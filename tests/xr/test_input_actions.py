"""The application's actions on the mock: what the user does in a scripted timeline arrives in each InputFrame."""

from __future__ import annotations

import pytest
import yaml

from xrapp.app import App
from xrapp.mockrt.timeline import ScriptedTimeline
from xrapp.settings import RunSettings

pytestmark = [pytest.mark.xr, pytest.mark.gl]

SIMPLE = "/interaction_profiles/khr/simple_controller"
TOUCH = "/interaction_profiles/oculus/touch_controller"
PERIOD_NS = round(1e9 / 90)


def run(tmp_path, script: dict, frames: int, interactions=None):
    """Run the App on the mock with ``script``; returns (report, [(InputFrame, FrameTiming)], timeline)."""
    path = tmp_path / "input.yaml"
    path.write_text(yaml.safe_dump(script, sort_keys=False))
    settings = RunSettings(runtime="mock", graphics="egl", view_size=(64, 64), frames=frames, input_script=path)
    app = App(settings, interactions=interactions)
    seen = []
    app.input_observers.append(lambda frame, timing: seen.append((frame, timing)))
    report = app.run()
    return report, seen, ScriptedTimeline.load(path)


def seconds(runtime, xr_time: int) -> float:
    return runtime.clock.seconds(xr_time)


def assert_pose(got, want, tol: float = 1e-5) -> None:
    assert got is not None
    assert got.position == pytest.approx(want.position, abs=tol)
    # q and -q are one rotation
    same = all(abs(a - b) <= tol for a, b in zip(got.orientation, want.orientation, strict=True))
    flipped = all(abs(a + b) <= tol for a, b in zip(got.orientation, want.orientation, strict=True))
    assert same or flipped, f"{got.orientation} != {want.orientation}"


MOVING = {
    "keyframes": [
        {
            "t": 0.0,
            "head": {"position": [0.0, 1.6, 0.0], "yaw": 0},
            "right": {"position": [0.2, 1.1, -0.3], "pitch": -20, "select": False, "trigger": 0.0},
        },
        {"t": 0.2, "right": {"select": True}},
        {"t": 0.3, "right": {"select": False}},
        {
            "t": 0.5,
            "head": {"position": [0.1, 1.55, -0.2], "yaw": 40, "pitch": -10},
            "right": {"position": [0.3, 1.2, -0.5], "pitch": 10, "trigger": 0.8},
        },
    ]
}


def check_against_timeline(runtime, seen, timeline, profile: str) -> list:
    """Every focused frame matches the timeline: poses at the display time, controls at the sync (xrWaitFrame)."""
    focused = [(f, t) for f, t in seen if f.focused]
    assert len(focused) >= len(seen) - 3  # only the frames before the session is FOCUSED lack input
    for frame, timing in focused:
        assert frame.time == timing.display_time / 1e9
        assert frame.profile == profile
        want = timeline.sample(seconds(runtime, timing.display_time))
        assert_pose(frame.head, want.head)
        assert frame.right.active and frame.left.active
        assert_pose(frame.right.aim, want.right.aim)
        assert_pose(frame.right.grip, want.right.grip)
        assert_pose(frame.left.grip, want.left.grip)
        # The mock samples controls at xrSyncActions, i.e. when xrWaitFrame returned: one period before display.
        controls = timeline.sample(seconds(runtime, timing.display_time - timing.period)).right
        if profile == SIMPLE:
            assert frame.right.select == controls.select
    return focused


def test_simple_controller_head_aim_and_select_follow_the_timeline(mock_runtime, tmp_path):
    report, seen, timeline = run(tmp_path, MOVING, frames=60)
    assert report.frames_submitted == 60
    focused = check_against_timeline(mock_runtime, seen, timeline, SIMPLE)
    pressed = [seconds(mock_runtime, t.display_time - t.period) for f, t in focused if f.right.select]
    assert pressed, "select was pressed"
    assert min(pressed) == pytest.approx(0.2, abs=PERIOD_NS / 1e9)  # pressed at the scripted time
    assert max(pressed) == pytest.approx(0.3, abs=PERIOD_NS / 1e9)  # and released at it
    for frame, _ in focused:
        # The simple controller's select is a button: its value is 0 or 1, and it has no squeeze or thumbstick.
        assert frame.right.select_value == (1.0 if frame.right.select else 0.0)
        assert frame.right.squeeze == 0.0 and frame.right.thumbstick == (0.0, 0.0)
    assert not [f for f in mock_runtime.failures]


def test_touch_controller_trigger_value_and_thumbstick(mock_runtime, tmp_path):
    script = {
        "keyframes": [
            *MOVING["keyframes"][:-1],
            {**MOVING["keyframes"][-1], "left": {"thumbstick": [0.0, 0.9], "squeeze": 0.6}},
        ],
        # During the first xrWaitFrame: the user holds Touch controllers from the start.
        "faults": [{"t": 0.005, "fault": "change_interaction_profile", "profile": TOUCH}],
    }
    _, seen, timeline = run(tmp_path, script, frames=60)
    assert seen[0][0].profile == SIMPLE  # read right after attach, before the runtime said otherwise
    focused = check_against_timeline(mock_runtime, seen, timeline, TOUCH)
    for frame, timing in focused:
        controls = timeline.sample(seconds(mock_runtime, timing.display_time - timing.period))
        want_trigger = controls.right.trigger if controls.right.trigger > 0 else float(controls.right.select)
        assert frame.right.select_value == pytest.approx(want_trigger, abs=1e-6)
        # A Touch trigger has no click: select is the trigger pulled past half way (the runtime's threshold).
        assert frame.right.select == (want_trigger >= 0.5)
        assert frame.left.thumbstick == pytest.approx(controls.left.thumbstick, abs=1e-6)
        assert frame.left.squeeze == pytest.approx(controls.left.squeeze, abs=1e-6)
    # The trigger ramps to 0.8: past 0.5 a Touch trigger selects (it has no click).
    assert focused[-1][0].right.select_value == pytest.approx(0.8, abs=1e-6)
    assert focused[-1][0].right.select


def test_interaction_profile_change_mid_run_keeps_input_working(mock_runtime, tmp_path, caplog):
    script = {
        "keyframes": [{"t": 0.0, "right": {"select": True, "trigger": 0.7, "thumbstick": [0.5, 0.0]}}],
        "faults": [{"t": 0.2, "fault": "change_interaction_profile", "profile": TOUCH}],
    }
    caplog.set_level("INFO", logger="xrapp.xr")
    _, seen, _ = run(tmp_path, script, frames=40)
    focused = [f for f, _ in seen if f.focused]
    before = [f for f in focused if f.profile == SIMPLE]
    after = [f for f in focused if f.profile == TOUCH]
    assert before and after and len(before) + len(after) == len(focused)
    assert all(f.right.active and f.right.select for f in focused)  # never a frame without input
    # The frame whose xrWaitFrame switched the controllers reads them already; its ``profile`` names the new
    # ones from the next frame, once the runtime's event is polled.
    assert all(f.right.select_value == 1.0 and f.right.thumbstick == (0.0, 0.0) for f in before[:-1])
    assert all(f.right.select_value == pytest.approx(0.7) for f in after)
    assert all(f.right.thumbstick == pytest.approx((0.5, 0.0)) for f in after)
    assert f"interaction profile: {TOUCH}" in caplog.text


def test_no_input_while_focus_is_lost(mock_runtime, tmp_path):
    script = {
        "keyframes": [{"t": 0.0, "right": {"select": True}}],
        "faults": [{"t": 0.1, "fault": "lose_focus"}, {"t": 0.2, "fault": "restore_focus"}],
    }
    _, seen, _ = run(tmp_path, script, frames=30)
    paused = [f for f, t in seen if 0.12 < seconds(mock_runtime, t.display_time) < 0.2]
    assert paused and all(not f.focused and not f.right.active and not f.right.select for f in paused)
    assert all(f.head is not None for f in paused)  # the head is still tracked: keep rendering
    assert seen[-1][0].focused and seen[-1][0].right.select


class PulseOnSelect:
    """A stand-in interaction system: one haptic pulse on each press of the right select."""

    def __init__(self) -> None:
        self.was = False

    def update(self, frame):
        from interactions.events import HapticPulse

        pressed = frame.focused and frame.right.select
        events = [HapticPulse(frame.time, "right", 0.5, 0.05, 160.0)] if pressed and not self.was else []
        self.was = pressed
        return events


def test_haptic_pulses_reach_the_runtime(mock_runtime, tmp_path):
    pytest.importorskip("interactions.events", reason="interactions/events.py (HapticPulse) is not there yet")
    script = {"keyframes": [{"t": 0.0, "right": {"select": False}}, {"t": 0.1, "right": {"select": True}}]}
    report, _, _ = run(tmp_path, script, frames=20, interactions=PulseOnSelect())
    assert [type(e).__name__ for e in report.events] == ["HapticPulse"]
    (request,) = mock_runtime.haptics
    assert request.action == "haptic"
    assert request.subaction_path == "/user/hand/right"
    assert request.duration_ns == 50_000_000
    assert request.frequency_hz == pytest.approx(160.0)
    assert request.amplitude == pytest.approx(0.5)
    assert not request.stop
