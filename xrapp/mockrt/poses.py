"""Where the simulated user's head and hands are: the data a pose source produces, and the static source.

Positions are metres and orientations unit quaternions (x, y, z, w), in the STAGE space of the mock runtime: origin
on the floor at the centre of the play area, +Y up, -Z forward (OpenXR convention). Time ``t`` is seconds of the
runtime's clock since it started.
"""

from __future__ import annotations

import math
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
        # Plain float arithmetic and one array: every located space and view goes through here each frame.
        x, y, z, w = self.orientation
        px, py, pz = self.position
        return np.array(
            [
                [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), px],
                [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), py],
                [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y), pz],
                [0.0, 0.0, 0.0, 1.0],
            ]
        )

    @staticmethod
    def from_matrix(m: np.ndarray) -> Pose:
        """The pose of a rigid (4, 4) transform."""
        # Python floats (one tolist) rather than numpy scalars: the same formulas, a fraction of the cost.
        (r00, r01, r02, tx), (r10, r11, r12, ty), (r20, r21, r22, tz) = m[:3].tolist()
        trace = r00 + r11 + r22
        if trace > 0:
            s = 0.5 / math.sqrt(trace + 1.0)
            q = ((r21 - r12) * s, (r02 - r20) * s, (r10 - r01) * s, 0.25 / s)
        elif r00 > r11 and r00 > r22:
            s = 2.0 * math.sqrt(1.0 + r00 - r11 - r22)
            q = (0.25 * s, (r01 + r10) / s, (r02 + r20) / s, (r21 - r12) / s)
        elif r11 > r22:
            s = 2.0 * math.sqrt(1.0 + r11 - r00 - r22)
            q = ((r01 + r10) / s, 0.25 * s, (r12 + r21) / s, (r02 - r20) / s)
        else:
            s = 2.0 * math.sqrt(1.0 + r22 - r00 - r11)
            q = ((r02 + r20) / s, (r12 + r21) / s, 0.25 * s, (r10 - r01) / s)
        norm = math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3])
        if q[3] < 0:
            norm = -norm
        return Pose((tx, ty, tz), (q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm))


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
