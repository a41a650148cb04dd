"""Poses, quaternions and projections for OpenXR views, in pure numpy (no GL).

Conventions:

- OpenXR axes: +X right, +Y up, -Z forward; metres; angles in radians.
- Quaternions are ``(x, y, z, w)``, as ``XrQuaternionf`` stores them; they need not be exactly unit length.
- Matrices are ``(4, 4) float32`` for column vectors: a point ``p`` transforms as ``M @ [x, y, z, 1]``, and
  ``A @ B`` applies ``B`` first. numpy stores them row-major, so upload with ``glUniformMatrix4fv(location, 1,
  GL_TRUE, m)`` (transpose), or pass ``m.T`` with ``GL_FALSE``.
- Clip space is OpenGL's: x, y, z in [-1, 1] after division by w, z = -1 at the near plane.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike


def quat_multiply(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """The Hamilton product ``a * b`` of two ``(4,)`` (x, y, z, w) quaternions: rotating by it is ``b``, then ``a``."""
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


def quat_rotate(q: ArrayLike, v: ArrayLike) -> np.ndarray:
    """The ``(3,)`` vector ``v`` rotated by the (x, y, z, w) quaternion ``q`` (normalised first)."""
    return rotation_matrix(q) @ np.asarray(v, np.float64)


def quat_from_axis_angle(axis: ArrayLike, angle: float) -> np.ndarray:
    """The (x, y, z, w) quaternion rotating by ``angle`` radians about ``axis`` ``(3,)`` (right-handed)."""
    axis = np.asarray(axis, np.float64)
    axis = axis / np.linalg.norm(axis)
    s = math.sin(angle / 2)
    return np.array([axis[0] * s, axis[1] * s, axis[2] * s, math.cos(angle / 2)])


def quat_from_yaw_pitch_roll(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """The (x, y, z, w) orientation of a head that turned ``yaw``, then looked up ``pitch``, then tilted ``roll``.

    Radians, right-handed: yaw about +Y (positive turns left, from -Z towards -X), pitch about the head's +X
    (positive looks up), roll about the head's +Z (positive tilts the top of the head to the left). As a product:
    ``q = yaw * pitch * roll``.
    """
    q_yaw = quat_from_axis_angle((0.0, 1.0, 0.0), yaw)
    q_pitch = quat_from_axis_angle((1.0, 0.0, 0.0), pitch)
    q_roll = quat_from_axis_angle((0.0, 0.0, 1.0), roll)
    return quat_multiply(quat_multiply(q_yaw, q_pitch), q_roll)


def rotation_matrix(q: ArrayLike) -> np.ndarray:
    """The ``(3, 3) float64`` rotation matrix of the (x, y, z, w) quaternion ``q`` (normalised first)."""
    q = np.asarray(q, np.float64)
    norm = np.linalg.norm(q)
    if norm == 0.0:
        raise ValueError("a zero quaternion is not a rotation")
    x, y, z, w = q / norm
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def pose_matrix(position: ArrayLike, orientation: ArrayLike) -> np.ndarray:
    """The ``(4, 4) float32`` matrix taking a pose's local coordinates to its space's (``XrPosef``: model matrix).

    Args:
        position: ``(3,)`` metres.
        orientation: ``(4,)`` (x, y, z, w) quaternion.
    """
    m = np.eye(4)
    m[:3, :3] = rotation_matrix(orientation)
    m[:3, 3] = np.asarray(position, np.float64)
    return m.astype(np.float32)


def view_matrix(position: ArrayLike, orientation: ArrayLike) -> np.ndarray:
    """The ``(4, 4) float32`` view matrix of an eye at this pose: the inverse of :func:`pose_matrix`.

    Computed as ``[R^T | -R^T p]``, exact for a rotation, rather than with a general matrix inverse.
    """
    r = rotation_matrix(orientation)
    m = np.eye(4)
    m[:3, :3] = r.T
    m[:3, 3] = -r.T @ np.asarray(position, np.float64)
    return m.astype(np.float32)


def projection_from_fov(
    angle_left: float, angle_right: float, angle_up: float, angle_down: float, near: float, far: float
) -> np.ndarray:
    """The ``(4, 4) float32`` OpenGL projection of an OpenXR ``XrFovf`` (an asymmetric frustum).

    Args:
        angle_left, angle_right, angle_up, angle_down: radians from the view direction to each edge of the view,
            as in ``XrFovf``: left and down are negative for a view that contains its own axis.
        near, far: distances in metres to the clip planes (``0 < near < far``); ``far = inf`` gives an infinite
            far plane.

    Maps view space (-Z forward) to OpenGL clip space: x, y, z in [-1, 1] after the divide by w.
    """
    if not 0.0 < near < far:
        raise ValueError(f"need 0 < near < far, got near={near}, far={far}")
    tan_left, tan_right = math.tan(angle_left), math.tan(angle_right)
    tan_up, tan_down = math.tan(angle_up), math.tan(angle_down)
    width, height = tan_right - tan_left, tan_up - tan_down
    if width <= 0.0 or height <= 0.0:
        raise ValueError(
            f"empty field of view: left {angle_left}, right {angle_right}, up {angle_up}, down {angle_down}"
        )
    m = np.zeros((4, 4))
    m[0, 0] = 2.0 / width
    m[0, 2] = (tan_right + tan_left) / width
    m[1, 1] = 2.0 / height
    m[1, 2] = (tan_up + tan_down) / height
    if math.isinf(far):
        m[2, 2] = -1.0
        m[2, 3] = -2.0 * near
    else:
        m[2, 2] = -(far + near) / (far - near)
        m[2, 3] = -2.0 * far * near / (far - near)
    m[3, 2] = -1.0
    return m.astype(np.float32)


def project(matrix: ArrayLike, point: ArrayLike) -> np.ndarray:
    """The ``(3,)`` normalised device coordinates of the ``(3,)`` point under the ``(4, 4)`` matrix (w divided out)."""
    clip = np.asarray(matrix, np.float64) @ np.append(np.asarray(point, np.float64), 1.0)
    return clip[:3] / clip[3]
