"""Recording input and replaying it on the mock gives the same InputFrames, frame for frame."""

from __future__ import annotations

import pytest
import yaml

from xrapp.app import App
from xrapp.input_record import InputRecorder
from xrapp.mockrt.timeline import ScriptedTimeline
from xrapp.settings import RunSettings

pytestmark = [pytest.mark.xr, pytest.mark.gl]

TOUCH = "/interaction_profiles/oculus/touch_controller"

SCRIPT = {
    "keyframes": [
        {
            "t": 0.0,
            "head": {"position": [0.0, 1.6, 0.0]},
            "right": {"position": [0.2, 1.1, -0.3], "select": False, "trigger": 0.0},
            "left": {"squeeze": 0.0},
        },
        {"t": 0.15, "right": {"trigger": 0.9}},
        {"t": 0.25, "right": {"trigger": 0.1}, "left": {"thumbstick": [0.8, 0.0], "squeeze": 0.7}},
        {
            "t": 0.5,
            "head": {"position": [0.2, 1.5, -0.3], "yaw": 30, "pitch": -15},
            "right": {"position": [0.0, 1.3, -0.6], "yaw": 20, "trigger": 0.0},
            "left": {"position": [-0.3, 1.0, -0.2], "roll": 30, "thumbstick": [0.0, 0.0], "squeeze": 0.0},
        },
    ],
    "faults": [
        {"t": 0.005, "fault": "change_interaction_profile", "profile": TOUCH},
        {"t": 0.3, "fault": "lose_focus"},
        {"t": 0.35, "fault": "restore_focus"},
    ],
}


def run(script_path, frames: int, recorder: InputRecorder | None = None):
    settings = RunSettings(runtime="mock", graphics="egl", view_size=(64, 64), frames=frames, input_script=script_path)
    app = App(settings)
    seen = []
    app.input_observers.append(lambda frame, timing: seen.append(frame))
    if recorder is not None:
        app.input_observers.append(recorder)
    app.run()
    return seen


def assert_same_pose(a, b, tol: float = 1e-5) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        assert a.position == pytest.approx(b.position, abs=tol)
        assert a.orientation == pytest.approx(b.orientation, abs=tol)


def test_a_replayed_recording_gives_the_same_input_frames(mock_runtime, tmp_path):
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump(SCRIPT, sort_keys=False))
    recording = tmp_path / "recording.yaml"
    with InputRecorder(recording, "test") as recorder:
        recorded = run(script, 60, recorder)
    assert recorder.frames == 60

    # A recording is a timeline: it loads as one, one keyframe per frame (plus the controls' keys).
    timeline = ScriptedTimeline.load(recording)
    assert recorder.keyframes >= 60
    assert [f.name for f in timeline.faults] == [
        "change_interaction_profile",
        "change_interaction_profile",
        "lose_focus",
        "restore_focus",
    ]

    replayed = run(recording, 60)
    assert len(replayed) == len(recorded) == 60
    for i, (a, b) in enumerate(zip(recorded, replayed, strict=True)):
        assert a.time == b.time, f"frame {i}"
        assert (a.focused, a.profile) == (b.focused, b.profile), f"frame {i}"
        assert_same_pose(a.head, b.head)
        for side in ("left", "right"):
            ha, hb = a.hand(side), b.hand(side)
            assert (ha.active, ha.select, ha.menu) == (hb.active, hb.select, hb.menu), f"frame {i} {side}"
            assert ha.select_value == pytest.approx(hb.select_value, abs=1e-6)
            assert ha.squeeze == pytest.approx(hb.squeeze, abs=1e-6)
            assert ha.thumbstick == pytest.approx(hb.thumbstick, abs=1e-6)
            assert_same_pose(ha.aim, hb.aim)
            assert_same_pose(ha.grip, hb.grip)
    # The recording saw everything the script did: the press, the focus loss, the head's walk.
    assert [f.time for f in recorded if f.right.select] == [f.time for f in replayed if f.right.select]
    assert any(f.right.select for f in recorded)
    assert any(not f.focused for f in recorded[5:])
    assert recorded[-1].head.position[0] > 0.15


def test_the_command_line_records_and_replays(mock_runtime, tmp_path, capsys):
    import main

    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump(SCRIPT, sort_keys=False))
    recording = tmp_path / "out" / "recording.yaml"
    common = ["run", "--runtime", "mock", "--graphics", "egl", "--view-size", "64x64", "--frames", "20"]
    assert main.main([*common, "--input-script", str(script), "--record-input", str(recording)]) == 0
    assert "input recorded to" in capsys.readouterr().out
    assert main.main([*common, "--replay-input", str(recording)]) == 0
    both = [*common, "--input-script", str(script), "--replay-input", str(recording)]
    assert main.main(both) == 2
    assert "give one" in capsys.readouterr().err


def test_a_recording_cut_short_is_still_a_timeline(tmp_path):
    from interactions.input import InputFrame, Pose

    path = tmp_path / "cut.yaml"
    recorder = InputRecorder(path)
    for k in range(3):
        recorder.add(
            InputFrame(time=0.0, head=Pose((0.0, 1.6, -0.1 * k))), 1_000_000_000 + (k + 2) * 10_000_000, 10_000_000
        )
    recorder._file.flush()  # as a crash would leave it: no close()
    timeline = ScriptedTimeline.load(path)
    assert timeline.sample(0.02).head.position == pytest.approx((0.0, 1.6, 0.0))
    recorder.close()
    assert ScriptedTimeline.load(path).sample(0.04).head.position == pytest.approx((0.0, 1.6, -0.2))
