"""Poses as matrices, rays from poses, and yaw about the vertical: the small geometry every interaction shares.

Conventions (those of :mod:`interactions.input` and the renderer): metres, +Y up, -Z forward; quaternions
(x, y, z, w); (4, 4) float64 matrices for column vectors (``world = parent @ local``). A yaw is an angle in degrees
about +Y, positive turning left (from -Z towards -X), the right-hand rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from interactions.input import Pose, rotate_vector


@dataclass(frozen=True)
class Ray:
    """A half-line: ``origin`` (3,) metres and ``direction`` (3,) unit length, so distances along it are metres."""

    origin: np.ndarray
    direction: np.ndarray

    @staticmethod
    def make(origin: ArrayLike, direction: ArrayLike) -> Ray:
        """A ray with ``direction`` normalised (ValueError for a zero direction)."""
        d = np.asarray(direction, dtype=np.float64)
        n = float(np.linalg.norm(d))
        if n == 0.0:
            raise ValueError("a ray needs a non-zero direction")
        return Ray(np.asarray(origin, dtype=np.float64).copy(), d / n)

    def at(self, distance: float) -> np.ndarray:
        """(3,) the point ``distance`` metres along the ray."""
        return self.origin + distance * self.direction


def rotation_matrix(q: ArrayLike) -> np.ndarray:
    """(3, 3) rotation of the (x, y, z, w) quaternion ``q`` (normalised first, as runtimes' are only nearly unit)."""
    return np.array(_rotation_rows(q))


def _rotation_rows(q: ArrayLike) -> tuple[tuple[float, float, float], ...]:
    """The rows of :func:`rotation_matrix` as floats: poses are turned into matrices several times a frame, and
    numpy's overhead on a 4-vector costs more than the arithmetic."""
    x, y, z, w = (float(c) for c in q)
    n = math.sqrt(x * x + y * y + z * z + w * w)
    if n == 0.0 or not math.isfinite(n):
        x, y, z, w = np.asarray(q, dtype=np.float64) / np.linalg.norm(q)  # NaN rows, with numpy's warning
    else:
        x, y, z, w = x / n, y / n, z / n, w / n
    return (
        (1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)),
        (2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)),
        (2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)),
    )


def quat_multiply(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """(4,) the Hamilton product ``a * b`` of (x, y, z, w) quaternions: rotating by it is ``b``, then ``a``."""
    ax, ay, az, aw = np.asarray(a, np.float64)
    bx, by, bz, bw = np.asarray(b, np.float64)
    return np.array(
        [
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz,
        ]
    )


def pose_matrix(pose: Pose) -> np.ndarray:
    """(4, 4) the matrix taking points from the pose's local frame to its parent's."""
    (a, b, c), (x, y, z) = _rotation_rows(pose.orientation), pose.position
    return np.array(((*a, x), (*b, y), (*c, z), (0.0, 0.0, 0.0, 1.0)), dtype=np.float64)


def yaw_matrix(yaw_deg: float, position: ArrayLike = (0.0, 0.0, 0.0)) -> np.ndarray:
    """(4, 4) a rotation of ``yaw_deg`` degrees about +Y followed by a translation ``position`` (3,) metres."""
    a = math.radians(yaw_deg)
    c, s = math.cos(a), math.sin(a)
    m = np.array(((c, 0.0, s, 0.0), (0.0, 1.0, 0.0, 0.0), (-s, 0.0, c, 0.0), (0.0, 0.0, 0.0, 1.0)))
    m[:3, 3] = position
    return m


def yaw_of(direction: ArrayLike) -> float:
    """Degrees: the yaw of a (3,) direction seen from above (0 for -Z, 90 for -X); 0 for a vertical direction."""
    d = np.asarray(direction, dtype=np.float64)
    if abs(d[0]) < 1e-12 and abs(d[2]) < 1e-12:
        return 0.0
    return math.degrees(math.atan2(-d[0], -d[2]))


def transform_point(m: np.ndarray, p: ArrayLike) -> np.ndarray:
    """(3,) the point ``p`` (3,) transformed by the (4, 4) matrix ``m``."""
    return m[:3, :3] @ np.asarray(p, dtype=np.float64) + m[:3, 3]


def pose_ray(pose: Pose, world_from_play: np.ndarray) -> Ray:
    """The ray a pose points along (its -Z axis), in world coordinates through the (4, 4) ``world_from_play``."""
    origin, (dx, dy, dz) = pose_origin_and_forward(pose, world_from_play)
    n = math.sqrt(dx * dx + dy * dy + dz * dz)
    if n == 0.0:
        raise ValueError("a ray needs a non-zero direction")
    return Ray(np.array(origin), np.array((dx / n, dy / n, dz / n)))


def pose_origin_and_forward(
    pose: Pose, world_from_play: np.ndarray
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """The pose's position (metres) and its -Z axis (not renormalised), in world coordinates through the (4, 4)
    ``world_from_play``, as float tuples: the same numbers as ``transform_point`` and ``@ pose.forward()``."""
    # In floats: rays and poke tips are made several times a frame, where numpy's per-call cost outweighs the work.
    a, b, c = np.asarray(world_from_play, dtype=np.float64)[:3].tolist()
    px, py, pz = (float(v) for v in pose.position)
    fx, fy, fz = rotate_vector(pose.orientation, (0.0, 0.0, -1.0))
    origin = (
        a[0] * px + a[1] * py + a[2] * pz + a[3],
        b[0] * px + b[1] * py + b[2] * pz + b[3],
        c[0] * px + c[1] * py + c[2] * pz + c[3],
    )
    forward = (
        a[0] * fx + a[1] * fy + a[2] * fz,
        b[0] * fx + b[1] * fy + b[2] * fz,
        c[0] * fx + c[1] * fy + c[2] * fz,
    )
    return origin, forward
