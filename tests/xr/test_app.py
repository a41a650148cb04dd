"""The application's frame loop on the mock: clean exits, pauses, recovery from losses, and what the eyes see."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xrapp.app import App
from xrapp.settings import RunSettings

pytestmark = [pytest.mark.xr, pytest.mark.gl]

PERIOD_S = 1 / 90
STILL = "keyframes:\n  - {t: 0.0, head: {position: [0, 1.6, 0]}}\n"


def run(tmp_path=None, script: str | None = None, **kwargs):
    settings = RunSettings(runtime="mock", graphics="egl", view_size=(64, 64), **kwargs)
    if script is not None:
        path = tmp_path / "input.yaml"
        path.write_text(script)
        settings.input_script = path
    app = App(settings)
    return app, app.run()


def test_runs_the_frames_asked_for_and_exits_cleanly(mock_runtime):
    _, report = run(frames=30)
    assert report.frames_submitted == 30
    assert report.frames_rendered == 29  # the first frame comes before the session is VISIBLE
    assert report.states == [
        "IDLE",
        "READY",
        "SYNCHRONIZED",
        "VISIBLE",
        "FOCUSED",
        "VISIBLE",
        "SYNCHRONIZED",
        "STOPPING",
        "IDLE",
        "EXITING",
    ]
    assert report.reconnects == 0
    assert list(mock_runtime.failures) == []


def test_focus_loss_pauses_the_scene_clock_and_focus_brings_it_back(mock_runtime, tmp_path):
    script = (
        STILL
        + """
faults:
  - {t: 0.1, fault: lose_focus}
  - {t: 0.3, fault: restore_focus}
"""
    )
    _, report = run(tmp_path, script, frames=45)
    assert "VISIBLE" in report.states[4:]
    assert report.frames_rendered == 44  # rendering goes on while VISIBLE
    # 45 frames, about 0.2 s of them without focus: the scene's clock missed those.
    missed = 45 * PERIOD_S - report.scene_time_s
    assert 0.15 < missed < 0.25


def test_session_loss_mid_run_reconnects_and_keeps_rendering(mock_runtime, tmp_path):
    script = STILL + "faults:\n  - {t: 0.1, fault: lose_session}\n"
    _, report = run(tmp_path, script, frames=30)
    assert report.reconnects == 1
    assert "LOSS_PENDING" in report.states
    assert report.frames_submitted == 30
    assert report.states[-1] == "EXITING"
    before_loss = report.states.index("LOSS_PENDING")
    assert "FOCUSED" in report.states[before_loss:]  # a new session reached FOCUSED after the loss


def test_instance_loss_mid_run_recreates_the_instance(mock_runtime, tmp_path):
    script = STILL + "faults:\n  - {t: 0.1, fault: lose_instance}\n"
    _, report = run(tmp_path, script, frames=30)
    assert report.reconnects == 1
    assert report.frames_submitted == 30


def test_runtime_asking_to_exit_ends_the_run_early(mock_runtime, tmp_path):
    script = STILL + "faults:\n  - {t: 0.1, fault: request_exit}\n"
    _, report = run(tmp_path, script, frames=90)
    assert report.frames_submitted < 90
    assert report.states[-1] == "EXITING"


def red_centroid_x(image: np.ndarray) -> float:
    rgb = image[..., :3].astype(int)
    mask = (rgb[..., 0] > 2 * rgb[..., 1] + 20) & (rgb[..., 0] > 2 * rgb[..., 2] + 20)
    assert mask.sum() > 20, "the red box is visible"
    return float(np.nonzero(mask)[1].mean())


def expected_pixel_x(eye_x: float, point_x: float, depth: float, fov_deg, width: int) -> float:
    """Where a point lands in an eye's image, from the OpenXR fov definition (independent of the renderer)."""
    left, right = (math.tan(math.radians(a)) for a in fov_deg[:2])
    tangent = (point_x - eye_x) / depth
    return (tangent - left) / (right - left) * width


def test_eyes_see_the_box_ahead_with_the_parallax_of_a_63_mm_ipd(mock_runtime, tmp_path):
    _, report = run(frames=3, capture_dir=tmp_path)
    capture = mock_runtime.captures[2]
    left, right = capture.views
    assert left.shape == right.shape == (64, 64, 4)
    config = mock_runtime.config
    fov_left = config.fov_degrees
    fov_right = (-fov_left[1], -fov_left[0])
    # The red box is 2 m ahead of the head at eye height; the eyes sit 31.5 mm either side.
    want_left = expected_pixel_x(-0.0315, 0.0, 2.0, fov_left, 64)
    want_right = expected_pixel_x(0.0315, 0.0, 2.0, fov_right, 64)
    got_left, got_right = red_centroid_x(left) + 0.5, red_centroid_x(right) + 0.5  # pixel i spans [i, i + 1]
    print(f"left eye {got_left:.2f} px (want {want_left:.2f}), right eye {got_right:.2f} px (want {want_right:.2f})")
    assert got_left > got_right  # the left eye sees the box further right
    assert got_left == pytest.approx(want_left, abs=0.5)
    assert got_right == pytest.approx(want_right, abs=0.5)
    assert (tmp_path / "frame_00002_left.png").is_file()
    assert (tmp_path / "frame_00002_right.png").is_file()
