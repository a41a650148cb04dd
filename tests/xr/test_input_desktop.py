"""The desktop simulator: keyboard and mouse steer the mock's live pose source; the App runs as in a headset."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from xrapp.desktop import DesktopControls, DesktopInput
from xrapp.mockrt.live import LivePoseSource

ROOT = Path(__file__).resolve().parents[2]
FOV = [tuple(math.radians(a) for a in (-45.0, 45.0, 45.0, -45.0))] * 2


def controls(eyes: str = "left") -> tuple[LivePoseSource, DesktopControls]:
    source = LivePoseSource()
    return source, DesktopControls(source, FOV, (100, 100), eyes)


def test_walking_follows_the_heading_and_recentre_goes_back():
    source, c = controls()
    c.step(DesktopInput(keys={"q"}, window_size=(100, 100), cursor=(50, 50)), 1.0)  # dt capped at 0.1 s
    assert source.yaw_deg == pytest.approx(9.0)
    for _ in range(10):
        c.step(DesktopInput(keys={"w"}, window_size=(100, 100), cursor=(50, 50)), 0.1)
    heading = math.radians(9.0)
    assert source.head_position == pytest.approx([-1.4 * math.sin(heading), 1.6, -1.4 * math.cos(heading)])
    c.step(DesktopInput(keys={"r"}, window_size=(100, 100), cursor=(50, 50)), 0.1)
    assert source.head_position == pytest.approx([0.0, 1.6, 0.0]) and source.yaw_deg == 0.0


def test_the_right_controller_aims_through_the_cursor_and_clicks_select():
    source, c = controls("both")
    # Window 200x100 with both eyes: the left eye fills x 0..100. The top-left corner of its image is 45° left
    # and 45° up; the centre is straight ahead.
    c.step(DesktopInput(cursor=(50, 50), window_size=(200, 100), left_button=True), 0.01)
    sample = source.sample(0.0)
    assert sample.right.select and sample.right.trigger == 1.0
    assert np.asarray(sample.right.aim.orientation) == pytest.approx([0, 0, 0, 1], abs=1e-9)
    assert sample.right.grip.position == pytest.approx((0.0, 1.6, -source.reach_m))
    c.step(DesktopInput(cursor=(0, 0), window_size=(200, 100)), 0.01)
    sample = source.sample(0.0)
    assert not sample.right.select
    m = sample.right.aim
    from interactions.input import Pose

    forward = Pose(m.position, m.orientation).forward()
    assert forward == pytest.approx(np.array([-1.0, 1.0, -1.0]) / math.sqrt(3), abs=1e-9)
    assert c.pointer_direction((50, 150), (200, 100)) is None  # below the image: no new aim


def test_right_drag_looks_and_escape_quits():
    source, c = controls()
    c.step(DesktopInput(cursor=(50, 50), window_size=(100, 100)), 0.01)
    c.step(DesktopInput(cursor=(60, 40), window_size=(100, 100), right_button=True), 0.01)
    assert source.yaw_deg == pytest.approx(-2.0) and source.pitch_deg == pytest.approx(2.0)
    assert not c.quit
    c.step(DesktopInput(keys={"escape"}, window_size=(100, 100)), 0.01)
    assert c.quit


DESKTOP_RUN = textwrap.dedent(
    """
    import json
    from xrapp.desktop import DesktopApp, DesktopInput, desktop_settings

    class Scripted:
        # Synthetic keyboard and mouse: walk forward, then hold the left button, then Esc.
        def __init__(self, window):
            self.n = 0
        def snapshot(self):
            self.n += 1
            keys = {"w"} if self.n < 30 else set()
            if self.n >= 40:
                keys.add("escape")
            return DesktopInput(keys=keys, cursor=(320, 240), window_size=(640, 480), left_button=self.n >= 20)

    app = DesktopApp(desktop_settings("left", view_size=(64, 64)), input_device=Scripted)
    frames = []
    app.input_observers.append(lambda f, t: frames.append(f))
    report = app.run()
    print(json.dumps({
        "frames": report.frames_submitted,
        "states": report.states,
        "head": frames[-1].head.position,
        "select": [f.right.select for f in frames],
        "profile": frames[-1].profile,
        "failures": [str(f) for f in app.mock.failures],
    }))
    """
)


@pytest.mark.xvfb
@pytest.mark.gl
@pytest.mark.xr
def test_the_desktop_simulator_runs_in_a_window_and_quits_on_escape(xvfb):
    env = {**os.environ, "DISPLAY": xvfb, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", DESKTOP_RUN], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert 40 <= result["frames"] < 60  # Esc ended it (no frame limit)
    assert result["states"][-1] == "EXITING"
    assert result["head"][2] < -0.2  # walked forward (-Z) for about a third of a second
    assert any(result["select"]) and not any(result["select"][:15])
    assert result["profile"] == "/interaction_profiles/oculus/touch_controller"
    assert result["failures"] == []
