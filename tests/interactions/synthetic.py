"""Synthetic input for interaction tests: poses looking at points, hands, frames at 90 Hz."""

from __future__ import annotations

import math

import numpy as np

from interactions.input import HandInput, InputFrame, Pose

DT = 1.0 / 90.0
EYE = (0.0, 1.6, 0.0)


def looking_at(position, target) -> Pose:
    """A pose at ``position`` whose -Z points at ``target`` (no roll; not straight up or down)."""
    p = np.asarray(position, float)
    d = np.asarray(target, float) - p
    d /= np.linalg.norm(d)
    yaw = math.atan2(-d[0], -d[2])
    pitch = math.asin(d[1])
    qy = np.array([0.0, math.sin(yaw / 2), 0.0, math.cos(yaw / 2)])
    qp = np.array([math.sin(pitch / 2), 0.0, 0.0, math.cos(pitch / 2)])
    x1, y1, z1, w1 = qy
    x2, y2, z2, w2 = qp
    q = (
        w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
        w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
        w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2,
        w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
    )
    return Pose(tuple(float(c) for c in p), tuple(float(c) for c in q))


def controller(position=(0.2, 1.2, -0.3), target=(0.0, 1.2, -2.0), **controls) -> HandInput:
    """An active controller at ``position`` aiming at ``target``, grip and aim at the same pose."""
    pose = looking_at(position, target)
    return HandInput(active=True, aim=pose, grip=pose, **controls)


def frame(t: float, head: Pose | None = None, **hands) -> InputFrame:
    """A focused frame at ``t`` seconds; the head at eye height looking forward unless given."""
    return InputFrame(time=t, head=head or Pose(EYE), **hands)
