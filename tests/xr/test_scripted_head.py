"""A scripted timeline moves the simulated head as written: located views follow the interpolated keyframes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xr

from xrapp.mockrt.timeline import ScriptedTimeline

from . import xrkit

pytestmark = [pytest.mark.xr, pytest.mark.gl]

TIMELINE = {
    "keyframes": [
        {"t": 0.0, "head": {"position": [0.0, 1.6, 0.0], "yaw": 0}},
        {"t": 1.0, "head": {"position": [0.3, 1.5, -0.2], "yaw": 90}},
    ]
}


def test_located_views_follow_the_keyframes(mock_runtime, gl_context):
    mock_runtime.set_pose_source(ScriptedTimeline.from_dict(TIMELINE, "head.yaml"))
    r = xrkit.Running(gl_context)
    try:
        checked = 0
        for _ in range(120):
            state = xr.wait_frame(r.session, xr.FrameWaitInfo())
            xr.begin_frame(r.session, xr.FrameBeginInfo())
            t = mock_runtime.clock.seconds(state.predicted_display_time)
            _, views = xr.locate_views(
                r.session,
                xr.ViewLocateInfo(
                    view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO,
                    display_time=state.predicted_display_time,
                    space=r.space,
                ),
            )
            xrkit.end(r.session, state.predicted_display_time)
            # What the keyframes say, computed here independently: linear position, yaw turning 0 → 90°.
            f = min(max(t, 0.0), 1.0)
            head = np.array([0.3 * f, 1.6 - 0.1 * f, -0.2 * f])
            yaw = math.radians(90 * f)
            right_axis = np.array([math.cos(yaw), 0.0, -math.sin(yaw)])  # +X of the head after turning left
            eyes = [np.array([v.pose.position.x, v.pose.position.y, v.pose.position.z]) for v in views]
            np.testing.assert_allclose((eyes[0] + eyes[1]) / 2, head, atol=1e-5)
            np.testing.assert_allclose(eyes[1] - eyes[0], right_axis * 0.063, atol=1e-5)
            q = views[0].pose.orientation
            assert abs(q.y) == pytest.approx(math.sin(yaw / 2), abs=1e-5)
            checked += 1
        assert checked == 120 and t > 1.0  # the run went past the last keyframe
    finally:
        r.destroy()
