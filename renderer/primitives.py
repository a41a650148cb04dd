"""Simple meshes made in code (boxes, spheres, planes, cylinders) for scenes built by scripts and for tests."""

from __future__ import annotations

import numpy as np
import trimesh

from .scene import Mesh


def from_trimesh(mesh: trimesh.Trimesh, name: str = "") -> Mesh:
    """A scene ``Mesh`` from a trimesh ``Trimesh`` (positions, vertex normals, faces; UVs where it has them)."""
    uvs = None
    visual = getattr(mesh, "visual", None)
    if visual is not None and getattr(visual, "uv", None) is not None and len(visual.uv) == len(mesh.vertices):
        uvs = np.asarray(visual.uv, dtype=np.float32).copy()
        uvs[:, 1] = 1.0 - uvs[:, 1]  # trimesh keeps OpenGL's v-up; scene meshes use glTF's v-down
    return Mesh(
        positions=np.asarray(mesh.vertices, dtype=np.float32),
        normals=np.asarray(mesh.vertex_normals, dtype=np.float32),
        uvs=uvs,
        indices=np.asarray(mesh.faces, dtype=np.uint32),
        name=name,
    )


def box(size=(1.0, 1.0, 1.0), name: str = "box") -> Mesh:
    """An axis-aligned box centred on the origin, ``size`` (3,) metres; flat-shaded (each face its own normals)."""
    mesh = trimesh.creation.box(extents=size)
    mesh.unmerge_vertices()
    return from_trimesh(mesh, name)


def sphere(radius: float = 0.5, subdivisions: int = 3, name: str = "sphere") -> Mesh:
    """A sphere centred on the origin, smooth-shaded."""
    return from_trimesh(trimesh.creation.icosphere(subdivisions=subdivisions, radius=radius), name)


def cylinder(radius: float = 0.5, height: float = 1.0, sections: int = 32, name: str = "cylinder") -> Mesh:
    """A cylinder along +Y centred on the origin (the trimesh one stands along Z; it is turned upright here)."""
    mesh = trimesh.creation.cylinder(radius=radius, height=height, sections=sections)
    mesh.apply_transform(trimesh.transformations.rotation_matrix(-np.pi / 2, [1, 0, 0]))
    return from_trimesh(mesh, name)


def plane(width: float = 1.0, depth: float = 1.0, name: str = "plane") -> Mesh:
    """A horizontal rectangle on y = 0 facing +Y, ``width`` along X and ``depth`` along Z, with UVs 0..1."""
    w, d = width / 2, depth / 2
    return Mesh(
        positions=np.array([[-w, 0, d], [w, 0, d], [w, 0, -d], [-w, 0, -d]], dtype=np.float32),
        normals=np.tile(np.array([0, 1, 0], dtype=np.float32), (4, 1)),
        uvs=np.array([[0, 1], [1, 1], [1, 0], [0, 0]], dtype=np.float32),
        indices=np.array([[0, 1, 2], [0, 2, 3]], dtype=np.uint32),
        name=name,
    )


def quad(width: float = 1.0, height: float = 1.0, name: str = "quad") -> Mesh:
    """A vertical rectangle on z = 0 facing +Z (towards a viewer looking along -Z), with UVs 0..1 (v down)."""
    w, h = width / 2, height / 2
    return Mesh(
        positions=np.array([[-w, -h, 0], [w, -h, 0], [w, h, 0], [-w, h, 0]], dtype=np.float32),
        normals=np.tile(np.array([0, 0, 1], dtype=np.float32), (4, 1)),
        uvs=np.array([[0, 1], [1, 1], [1, 0], [0, 0]], dtype=np.float32),
        indices=np.array([[0, 1, 2], [0, 2, 3]], dtype=np.uint32),
        name=name,
    )
