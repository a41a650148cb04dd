"""One frame of user input as plain data: the head, both hands, and the state of their controls.

Poses are in the play space (the STAGE space, or LOCAL lowered to the floor): metres, +Y up, -Z forward;
orientations are unit quaternions (x, y, z, w). Times are seconds of the runtime's clock (the display time of the
frame), so behaviour is the same under the mock's virtual clock and on a headset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

IDENTITY = (0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class Pose:
    """``position`` (3,) metres, ``orientation`` (4,) unit quaternion (x, y, z, w)."""

    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    orientation: tuple[float, float, float, float] = IDENTITY

    def forward(self) -> np.ndarray:
        """(3,) unit vector the pose looks or points along (its -Z axis)."""
        return np.array(rotate_vector(self.orientation, (0.0, 0.0, -1.0)))

    def rotate(self, v) -> np.ndarray:
        """(3,) ``v`` rotated by the orientation (or (n, 3) vectors, each rotated)."""
        v = np.asarray(v, dtype=np.float64)
        if v.shape == (3,):
            return np.array(rotate_vector(self.orientation, v))
        x, y, z, w = self.orientation
        q = np.array([x, y, z])
        t = 2.0 * np.cross(q, v)
        return v + w * t + np.cross(q, t)


def rotate_vector(q: ArrayLike, v: ArrayLike) -> tuple[float, float, float]:
    """``v`` (3,) rotated by the (x, y, z, w) quaternion ``q`` (assumed unit), as a plain tuple.

    ``v + 2w (q x v) + q x (2 (q x v))``, written out in floats: numpy's per-call overhead on 3-vectors costs more
    than the arithmetic, and this runs several times per ray per frame.
    """
    x, y, z, w = (float(c) for c in q)
    vx, vy, vz = (float(c) for c in v)
    tx, ty, tz = 2.0 * (y * vz - z * vy), 2.0 * (z * vx - x * vz), 2.0 * (x * vy - y * vx)
    return (
        vx + w * tx + (y * tz - z * ty),
        vy + w * ty + (z * tx - x * tz),
        vz + w * tz + (x * ty - y * tx),
    )


@dataclass(frozen=True)
class HandInput:
    """One hand's controller this frame. ``aim`` is the pointing ray's pose, ``grip`` the palm's; either may be None
    when not tracked. ``select`` is the primary button (trigger click, or select on a simple controller); ``squeeze``
    the grip (0..1); ``thumbstick`` (x, y) in -1..1 with +Y pushed forward; ``menu`` the menu button. ``active`` is
    False when the controller is off, lost, or not bound."""

    active: bool = False
    aim: Pose | None = None
    grip: Pose | None = None
    select: bool = False
    select_value: float = 0.0
    squeeze: float = 0.0
    thumbstick: tuple[float, float] = (0.0, 0.0)
    menu: bool = False


@dataclass(frozen=True)
class InputFrame:
    """Everything the user did this frame. ``focused`` False (headset off, system menu up) means: ignore input and
    stand still. ``profile`` is the interaction profile path of the controllers, or "" when none."""

    time: float
    head: Pose
    left: HandInput = field(default_factory=HandInput)
    right: HandInput = field(default_factory=HandInput)
    focused: bool = True
    profile: str = ""

    def hand(self, side: str) -> HandInput:
        """``"left"`` or ``"right"``."""
        return self.left if side == "left" else self.right
