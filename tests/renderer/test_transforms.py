"""Poses, quaternions and OpenXR projections (pure numpy: no GL)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from renderer.transforms import (
    pose_matrix,
    project,
    projection_from_fov,
    quat_from_axis_angle,
    quat_from_yaw_pitch_roll,
    quat_multiply,
    quat_rotate,
    view_matrix,
)

IDENTITY_Q = (0.0, 0.0, 0.0, 1.0)
FORWARD = (0.0, 0.0, -1.0)


def test_identity_pose_is_identity_matrix():
    m = pose_matrix((0, 0, 0), IDENTITY_Q)
    assert m.dtype == np.float32 and m.shape == (4, 4)
    np.testing.assert_array_equal(m, np.eye(4))


def test_pose_matrix_rotates_then_translates():
    q = quat_from_yaw_pitch_roll(math.pi / 2, 0, 0)
    m = pose_matrix((1, 2, 3), q)
    np.testing.assert_allclose(m @ [0, 0, -1, 1], [0, 2, 3, 1], atol=1e-6)  # forward turned to -X, then moved


@pytest.mark.parametrize("seed", range(5))
def test_view_is_inverse_of_pose(seed):
    rng = np.random.default_rng(seed)
    position = rng.uniform(-3, 3, 3)
    orientation = rng.normal(size=4)  # not unit length: the functions normalise
    np.testing.assert_allclose(
        view_matrix(position, orientation) @ pose_matrix(position, orientation), np.eye(4), atol=1e-5
    )


def test_view_matrix_puts_a_point_ahead_of_the_eye_on_minus_z():
    view = view_matrix((0, 1.6, 0), IDENTITY_Q)
    np.testing.assert_allclose(view @ [0, 1.6, -2, 1], [0, 0, -2, 1], atol=1e-6)


def test_yaw_turns_left_pitch_looks_up_roll_tilts_left():
    np.testing.assert_allclose(quat_rotate(quat_from_yaw_pitch_roll(math.pi / 2, 0, 0), FORWARD), [-1, 0, 0], atol=1e-9)
    np.testing.assert_allclose(quat_rotate(quat_from_yaw_pitch_roll(0, math.pi / 2, 0), FORWARD), [0, 1, 0], atol=1e-9)
    np.testing.assert_allclose(
        quat_rotate(quat_from_yaw_pitch_roll(0, 0, math.pi / 2), (0, 1, 0)), [-1, 0, 0], atol=1e-9
    )


def test_yaw_pitch_roll_applies_pitch_in_the_turned_head():
    # Turn left 90°, then look up 45°: the view direction is between -X and +Y.
    q = quat_from_yaw_pitch_roll(math.pi / 2, math.pi / 4, 0)
    np.testing.assert_allclose(quat_rotate(q, FORWARD), [-math.sqrt(0.5), math.sqrt(0.5), 0], atol=1e-9)


def test_quat_multiply_composes_rotations_right_first():
    a = quat_from_axis_angle((0, 1, 0), 0.7)
    b = quat_from_axis_angle((1, 0, 0), -0.3)
    v = np.array([0.2, -0.5, 0.9])
    np.testing.assert_allclose(quat_rotate(quat_multiply(a, b), v), quat_rotate(a, quat_rotate(b, v)), atol=1e-12)
    np.testing.assert_allclose(quat_multiply(IDENTITY_Q, a), a)


def test_zero_quaternion_is_rejected():
    with pytest.raises(ValueError, match="zero quaternion"):
        pose_matrix((0, 0, 0), (0, 0, 0, 0))


def test_point_straight_ahead_projects_to_the_centre_for_a_symmetric_fov():
    a = math.radians(45)
    p = projection_from_fov(-a, a, a, -a, 0.1, 100.0)
    assert p.dtype == np.float32 and p.shape == (4, 4)
    x, y, _ = project(p, (0, 0, -5))
    assert abs(x) < 1e-6 and abs(y) < 1e-6


def test_asymmetric_fov_moves_the_centre_towards_the_narrow_side():
    # An inner-eye fov (a left eye sees more to its left): straight ahead lands right of the image centre.
    p = projection_from_fov(-0.9, 0.6, 0.3, -0.8, 0.1, 100.0)
    x, y, _ = project(p, (0, 0, -5))
    assert x > 0.1  # more of the view lies to the left, so the axis is right of centre
    assert y > 0.1  # more lies below, so the axis is above centre


@pytest.mark.parametrize(("left", "right", "up", "down"), [(-0.9, 0.6, 0.3, -0.8), (-0.4, 0.4, 0.5, -0.5)])
def test_fov_edges_project_to_the_clip_edges(left, right, up, down):
    p = projection_from_fov(left, right, up, down, 0.1, 100.0)
    depth = 3.0
    assert project(p, (math.tan(left) * depth, 0, -depth))[0] == pytest.approx(-1, abs=1e-5)
    assert project(p, (math.tan(right) * depth, 0, -depth))[0] == pytest.approx(1, abs=1e-5)
    assert project(p, (0, math.tan(up) * depth, -depth))[1] == pytest.approx(1, abs=1e-5)
    assert project(p, (0, math.tan(down) * depth, -depth))[1] == pytest.approx(-1, abs=1e-5)


def test_near_and_far_planes_map_to_minus_one_and_one():
    p = projection_from_fov(-0.5, 0.5, 0.5, -0.5, 0.25, 40.0)
    assert project(p, (0, 0, -0.25))[2] == pytest.approx(-1, abs=1e-5)
    assert project(p, (0, 0, -40.0))[2] == pytest.approx(1, abs=1e-4)


def test_infinite_far_plane():
    p = projection_from_fov(-0.5, 0.5, 0.5, -0.5, 0.1, math.inf)
    assert project(p, (0, 0, -0.1))[2] == pytest.approx(-1, abs=1e-5)
    assert project(p, (0, 0, -1e6))[2] == pytest.approx(1, abs=1e-5)


@pytest.mark.parametrize(
    ("near", "far", "fov"), [(0.0, 10, (-1, 1, 1, -1)), (2, 1, (-1, 1, 1, -1)), (0.1, 10, (0.5, 0.2, 1, -1))]
)
def test_bad_projection_arguments_are_rejected(near, far, fov):
    with pytest.raises(ValueError):
        projection_from_fov(*fov, near, far)
