"""Where the simulated user's head and hands are: the data a pose source produces, and the static source.

Positions are metres and orientations unit quaternions (x, y, z, w), in the STAGE space of the mock runtime: origin
on the floor at the centre of the play area, +Y up, -Z forward (OpenXR convention). Time ``t`` is seconds of the
runtime's clock since it started.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

IDENTITY_ORIENTATION = (0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class Pose:
    """A rigid pose: ``position`` (3,) metres, ``orientation`` (4,) unit quaternion (x, y, z, w)."""

    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    orientation: tuple[float, float, float, float] = IDENTITY_ORIENTATION

    def matrix(self) -> np.ndarray:
        """(4, 4) float64 transform from this pose's local frame to its parent frame."""
        x, y, z, w = self.orientation
        m = np.identity(4)
        m[:3, :3] = [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
        m[:3, 3] = self.position
        return m

    @staticmethod
    def from_matrix(m: np.ndarray) -> Pose:
        """The pose of a rigid (4, 4) transform."""
        r = m[:3, :3]
        trace = r[0, 0] + r[1, 1] + r[2, 2]
        if trace > 0:
            s = 0.5 / np.sqrt(trace + 1.0)
            q = ((r[2, 1] - r[1, 2]) * s, (r[0, 2] - r[2, 0]) * s, (r[1, 0] - r[0, 1]) * s, 0.25 / s)
        elif r[0, 0] > r[1, 1] and r[0, 0] > r[2, 2]:
            s = 2.0 * np.sqrt(1.0 + r[0, 0] - r[1, 1] - r[2, 2])
            q = (0.25 * s, (r[0, 1] + r[1, 0]) / s, (r[0, 2] + r[2, 0]) / s, (r[2, 1] - r[1, 2]) / s)
        elif r[1, 1] > r[2, 2]:
            s = 2.0 * np.sqrt(1.0 + r[1, 1] - r[0, 0] - r[2, 2])
            q = ((r[0, 1] + r[1, 0]) / s, 0.25 * s, (r[1, 2] + r[2, 1]) / s, (r[0, 2] - r[2, 0]) / s)
        else:
            s = 2.0 * np.sqrt(1.0 + r[2, 2] - r[0, 0] - r[1, 1])
            q = ((r[0, 2] + r[2, 0]) / s, (r[1, 2] + r[2, 1]) / s, 0.25 * s, (r[1, 0] - r[0, 1]) / s)
        q = np.asarray(q) / np.linalg.norm(q)
        if q[3] < 0:
            q = -q
        return Pose(tuple(float(v) for v in m[:3, 3]), tuple(float(v) for v in q))


@dataclass(frozen=True)
class HandState:
    """One controller: poses (None when not tracked) and its inputs, named by what they are, not by binding path.

    ``select``, ``menu``, ``a``, ``b``, ``thumbstick_click`` are buttons; ``trigger`` and ``squeeze`` are 0..1;
    ``thumbstick`` is (x, y) in -1..1. The action system maps these to the paths of the active interaction profile.
    """

    connected: bool = True
    aim: Pose | None = None
    grip: Pose | None = None
    select: bool = False
    menu: bool = False
    trigger: float = 0.0
    squeeze: float = 0.0
    thumbstick: tuple[float, float] = (0.0, 0.0)
    thumbstick_click: bool = False
    a: bool = False
    b: bool = False


@dataclass(frozen=True)
class DeviceSample:
    """Everything tracked at one instant: the head (the VIEW space origin, between the eyes) and both hands."""

    head: Pose
    left: HandState = field(default_factory=HandState)
    right: HandState = field(default_factory=HandState)

    def hand(self, index: int) -> HandState:
        """0 = left, 1 = right."""
        return self.left if index == 0 else self.right


class PoseSource(Protocol):
    """Anything that says where the user is at a time: static, a scripted timeline, a recorded trace, a live
    desktop simulator."""

    def sample(self, t: float) -> DeviceSample:
        """The tracked state at ``t`` seconds of the runtime's clock."""
        ...


def default_hands(eye_height_m: float) -> tuple[HandState, HandState]:
    """Controllers held in front of the waist, pointing forward, as a seated or standing user rests them."""
    y = eye_height_m - 0.45

    def hand(x: float) -> HandState:
        pose = Pose((x, y, -0.30), IDENTITY_ORIENTATION)
        return HandState(aim=pose, grip=pose)

    return hand(-0.18), hand(0.18)


class StaticPoseSource:
    """A user who does not move: head at ``eye_height_m`` above the STAGE origin looking along -Z, hands resting."""

    def __init__(self, eye_height_m: float = 1.6, head: Pose | None = None) -> None:
        left, right = default_hands(eye_height_m)
        self._sample = DeviceSample(head or Pose((0.0, eye_height_m, 0.0)), left, right)

    def sample(self, t: float) -> DeviceSample:
        return self._sample
