"""Ray and point queries of box, sphere and mesh colliders."""

import numpy as np
import pytest
import trimesh

from interactions.colliders import BoxCollider, MeshCollider, SphereCollider
from interactions.poses import yaw_matrix


def translate(x, y, z):
    m = np.identity(4)
    m[:3, 3] = (x, y, z)
    return m


def test_box_ray_hits_the_near_face_in_metres():
    box = BoxCollider((0.5, 0.5, 0.5))
    assert box.ray_distance(translate(0, 0, -5), (0, 0, 0), (0, 0, -1)) == pytest.approx(4.5)
    assert box.ray_distance(translate(0, 0, -5), (0, 0, 0), (0, 0, 1)) is None
    assert box.ray_distance(translate(2, 0, -5), (0, 0, 0), (0, 0, -1)) is None


def test_box_is_oriented_by_its_transform():
    # A long thin box turned 90 degrees about +Y lies across the ray's path instead of along it.
    box = BoxCollider((1.0, 0.1, 0.1))
    straight = translate(0.5, 0, -3)
    turned = yaw_matrix(90.0, (0.5, 0, -3))
    assert box.ray_distance(straight, (0, 0, 0), (0, 0, -1)) == pytest.approx(2.9)
    assert box.ray_distance(turned, (0, 0, 0), (0, 0, -1)) is None
    assert box.ray_distance(turned, (0.5, 0, 0), (0, 0, -1)) == pytest.approx(2.0)


def test_box_scaled_by_its_transform_still_gives_metres():
    m = translate(0, 0, -5)
    m[:3, :3] *= 2.0
    assert BoxCollider((0.5, 0.5, 0.5)).ray_distance(m, (0, 0, 0), (0, 0, -1)) == pytest.approx(4.0)


def test_box_is_not_hit_from_inside_and_contains_its_inside():
    box = BoxCollider((1, 1, 1))
    assert box.ray_distance(np.identity(4), (0, 0, 0), (0, 0, -1)) is None
    assert box.contains(np.identity(4), (0.9, 0, 0))
    assert box.distance(yaw_matrix(45.0), (3, 0, 0)) == pytest.approx(3 - np.sqrt(2))


def test_sphere_ray_and_distance():
    s = SphereCollider(0.5)
    assert s.ray_distance(translate(0, 0, -3), (0, 0, 0), (0, 0, -1)) == pytest.approx(2.5)
    assert s.ray_distance(translate(0, 1, -3), (0, 0, 0), (0, 0, -1)) is None
    assert s.ray_distance(translate(0, 0, 3), (0, 0, 0), (0, 0, -1)) is None
    assert s.distance(translate(0, 0, -3), (0, 0, 0)) == pytest.approx(2.5)
    assert s.contains(translate(0, 0, -3), (0, 0.2, -3))


def test_mesh_ray_matches_trimesh_on_a_box():
    cube = trimesh.creation.box(extents=(1, 1, 1))
    mesh = MeshCollider(cube.vertices, cube.faces)
    m = yaw_matrix(30.0, (0.1, 0.2, -4))
    rng = np.random.default_rng(1)
    box = BoxCollider((0.5, 0.5, 0.5))
    for _ in range(50):
        direction = np.array([0.0, 0.0, -1.0]) + rng.normal(scale=0.12, size=3)
        direction /= np.linalg.norm(direction)
        expected = box.ray_distance(m, (0, 0, 0), direction)
        got = mesh.ray_distance(m, (0, 0, 0), direction)
        assert (got is None) == (expected is None)
        if got is not None:
            assert got == pytest.approx(expected)


def test_mesh_point_distance_and_containment():
    cube = trimesh.creation.box(extents=(1, 1, 1))
    mesh = MeshCollider(cube.vertices, cube.faces)
    m = translate(0, 0, -2)
    assert mesh.contains(m, (0.2, 0.1, -2.3))
    assert mesh.distance(m, (0.2, 0.1, -2.3)) == 0.0
    assert mesh.distance(m, (1.5, 0, -2)) == pytest.approx(1.0)  # to a face
    assert mesh.distance(m, (1.5, 1.5, -2)) == pytest.approx(np.sqrt(2))  # to an edge
    assert mesh.distance(m, (1.5, 1.5, -0.5)) == pytest.approx(np.sqrt(3))  # to a corner
    assert not mesh.contains(m, (1.5, 0, -2))


def test_mesh_refuses_faces_outside_its_vertices():
    with pytest.raises(ValueError, match="outside"):
        MeshCollider(np.zeros((3, 3)), [[0, 1, 3]])


def test_a_box_whose_transform_is_changed_in_place_is_found_where_it_now_is():
    # The box keeps the inverse of the last transform it saw: changing that very array must not leave it stale.
    box = BoxCollider((0.5, 0.5, 0.5))
    m = translate(0, 0, -5)
    assert box.ray_distance(m, (0, 0, 0), (0, 0, -1)) == pytest.approx(4.5)
    assert box.distance(m, (0, 0, -3)) == pytest.approx(1.5)
    m[:3, 3] = (0, 0, -3)
    assert box.ray_distance(m, (0, 0, 0), (0, 0, -1)) == pytest.approx(2.5)
    assert box.distance(m, (0, 0, -3)) == 0.0
    m[0, 3] = 2.0
    assert box.ray_distance(m, (0, 0, 0), (0, 0, -1)) is None
    assert box.distance(m, (0, 0, -3)) == pytest.approx(1.5)
    m[:3, :3] *= 3.0  # scaled in place: now 3 m wide, reaching x = 0.5 from its centre at x = 2
    assert box.ray_distance(m, (0, 0, 0), (0, 0, -1)) is None
    assert box.ray_distance(m, (1, 0, 0), (0, 0, -1)) == pytest.approx(1.5)


def test_one_box_placed_by_two_transforms_in_turn_answers_for_each():
    box = BoxCollider((0.5, 0.5, 0.5))
    near, far = translate(0, 0, -2), translate(0, 0, -8)
    for _ in range(2):
        assert box.ray_distance(near, (0, 0, 0), (0, 0, -1)) == pytest.approx(1.5)
        assert box.ray_distance(far, (0, 0, 0), (0, 0, -1)) == pytest.approx(7.5)


def test_a_ray_with_non_finite_coordinates_hits_no_box():
    box = BoxCollider((0.5, 0.5, 0.5))
    hit = box.ray_distance(translate(0, 0, -5), (np.nan, 0, 0), (0, 0, -1))
    assert hit is None or np.isnan(hit)
