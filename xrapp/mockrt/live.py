"""A live pose source: the simulated user steered by a person at a desktop (keyboard and mouse), as it happens.

The desktop simulator (``xrapp/desktop.py``) owns the window and its input; this module holds only the state it
steers and answers the mock runtime's :meth:`sample` with it, so the runtime sees a user like any other. The head
walks and turns in the horizontal plane (as a person does: W/A/S/D move along the direction the head faces, not
where it pitches), the right controller's aim follows a ray the desktop computes from the mouse, and its grip sits
on that ray at arm's length so it can reach what the ray points at.

All poses are in the STAGE space of the mock runtime (metres, +Y up, -Z forward); angles are degrees.
"""

from __future__ import annotations

import math

import numpy as np

from .poses import DeviceSample, HandState, Pose, default_hands
from .timeline import quat_from_euler

MAX_PITCH_DEG = 89.0  # never straight up or down: yaw would become meaningless there


class LivePoseSource:
    """A :class:`~xrapp.mockrt.poses.PoseSource` whose state a desktop window updates between frames."""

    def __init__(
        self, eye_height_m: float = 1.6, start: tuple[float, float, float] | None = None, reach_m: float = 0.5
    ) -> None:
        self.start = tuple(start) if start is not None else (0.0, eye_height_m, 0.0)
        self.head_position = np.array(self.start, dtype=np.float64)
        self.yaw_deg = 0.0
        self.pitch_deg = 0.0
        self.reach_m = reach_m
        """Distance of the right controller's grip along the aim ray, metres (how far the simulated arm reaches)."""
        self.select = False
        self.menu = False
        self.squeeze = 0.0
        self.pointer_in_head: np.ndarray = np.array([0.0, 0.0, -1.0])
        """(3,) unit direction of the mouse ray in the head's frame (-Z: straight ahead)."""
        self._left, self._right_rest = default_hands(eye_height_m)

    # -- what the desktop does -----------------------------------------------------------------------------------

    def head_orientation(self) -> tuple[float, float, float, float]:
        return quat_from_euler(self.yaw_deg, self.pitch_deg, 0.0)

    def head_pose(self) -> Pose:
        return Pose(tuple(float(v) for v in self.head_position), self.head_orientation())

    def look(self, yaw_deg: float, pitch_deg: float) -> None:
        """Turn the head by ``yaw_deg`` (positive: left) and tilt it by ``pitch_deg`` (positive: up)."""
        self.yaw_deg = (self.yaw_deg + yaw_deg + 180.0) % 360.0 - 180.0
        self.pitch_deg = min(max(self.pitch_deg + pitch_deg, -MAX_PITCH_DEG), MAX_PITCH_DEG)

    def move(self, forward_m: float, right_m: float, up_m: float = 0.0) -> None:
        """Walk along the direction the head faces on the floor (pitch ignored) and to its right, and rise."""
        yaw = math.radians(self.yaw_deg)
        forward = np.array([-math.sin(yaw), 0.0, -math.cos(yaw)])
        right = np.array([math.cos(yaw), 0.0, -math.sin(yaw)])
        self.head_position = self.head_position + forward * forward_m + right * right_m + np.array([0.0, up_m, 0.0])

    def recentre(self) -> None:
        """Back to where the session started, looking along -Z."""
        self.head_position = np.array(self.start, dtype=np.float64)
        self.yaw_deg = self.pitch_deg = 0.0

    def point(self, direction_in_head) -> None:
        """Aim the right controller along ``direction_in_head`` ((3,), the head's frame; normalised here)."""
        d = np.asarray(direction_in_head, dtype=np.float64)
        norm = float(np.linalg.norm(d))
        if norm > 1e-9:
            self.pointer_in_head = d / norm

    # -- the pose source -----------------------------------------------------------------------------------------

    def aim_pose(self) -> Pose:
        """The right controller's aim: from the eyes along the mouse ray (so it hits what the cursor is over)."""
        head = self.head_pose()
        direction = head.matrix()[:3, :3] @ self.pointer_in_head
        return Pose(head.position, _look_rotation(direction))

    def sample(self, t: float) -> DeviceSample:
        """The state as the desktop left it; ``t`` is not needed (the person moves in real time)."""
        aim = self.aim_pose()
        forward = aim.matrix()[:3, :3] @ np.array([0.0, 0.0, -1.0])
        grip = Pose(tuple(float(v) for v in np.asarray(aim.position) + forward * self.reach_m), aim.orientation)
        right = HandState(
            aim=aim,
            grip=grip,
            select=self.select,
            trigger=1.0 if self.select else 0.0,
            squeeze=self.squeeze,
            menu=self.menu,
        )
        return DeviceSample(self.head_pose(), self._left, right)


def _look_rotation(direction: np.ndarray) -> tuple[float, float, float, float]:
    """The orientation whose -Z axis is ``direction`` with no roll (its X axis stays horizontal)."""
    d = direction / np.linalg.norm(direction)
    yaw = math.degrees(math.atan2(-d[0], -d[2]))
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, float(d[1])))))
    return quat_from_euler(yaw, pitch, 0.0)
