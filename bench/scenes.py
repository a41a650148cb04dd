"""The benchmark's scenes: N objects in a wall in front of the user, as trimesh data every contender draws.

One description (:class:`BenchScene`: trimesh meshes, world transforms, colours) is turned into our
:class:`renderer.scene.Scene` (:func:`to_scene`), drawn by the per-eye PyOpenGL peer as it is, and written to an
``.npz`` file (:func:`write_npz`) for the pyrender peer, which runs in a virtual environment of its own. So every
contender draws the same triangles at the same places.

Kinds:
    ``"shared"``: every object is the same mesh with the same material (what instancing is for);
    ``"distinct"``: every object has a mesh and a material of its own (boxes of different sizes and colours).

Units: metres, STAGE space (+Y up, -Z forward; the mock's static user stands at the origin, eyes 1.6 m up).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh

KINDS = ("shared", "distinct")

#: The wall of objects: centred on the line of sight, this far in front of the eyes (metres).
WALL_DISTANCE_M = 3.0
WALL_WIDTH_M = 3.2
WALL_HEIGHT_M = 2.4
EYE_HEIGHT_M = 1.6


@dataclass
class BenchScene:
    """N objects as plain data.

    Attributes:
        kind: ``"shared"`` or ``"distinct"``.
        meshes: the distinct trimesh meshes (one for ``"shared"``, N for ``"distinct"``).
        mesh_index: ``(N,) int``: which of ``meshes`` each object draws.
        transforms: ``(N, 4, 4) float64`` world transforms (column-vector convention).
        colors: ``(N, 4) float32`` linear RGBA base colour per object (all equal for ``"shared"``).
    """

    kind: str
    meshes: list[trimesh.Trimesh]
    mesh_index: np.ndarray
    transforms: np.ndarray
    colors: np.ndarray

    @property
    def count(self) -> int:
        return len(self.transforms)

    @property
    def triangles(self) -> int:
        """Triangles drawn per eye."""
        return int(sum(len(self.meshes[i].faces) for i in self.mesh_index))


def build(count: int, kind: str) -> BenchScene:
    """``count`` objects on a grid in a wall ``WALL_DISTANCE_M`` in front of the user, each turned a little so
    three faces show; deterministic (no randomness)."""
    if kind not in KINDS:
        raise ValueError(f"scene kind {kind!r}: use one of {', '.join(KINDS)}")
    if count < 1:
        raise ValueError(f"a scene needs at least one object, got {count}")
    columns = math.ceil(math.sqrt(count * WALL_WIDTH_M / WALL_HEIGHT_M))
    rows = math.ceil(count / columns)
    pitch = min(WALL_WIDTH_M / columns, WALL_HEIGHT_M / rows)
    size = 0.6 * pitch
    transforms = np.zeros((count, 4, 4))
    colors = np.zeros((count, 4), np.float32)
    turn = trimesh.transformations.euler_matrix(0.4, 0.6, 0.0)
    for i in range(count):
        row, column = divmod(i, columns)
        transform = turn.copy()
        transform[:3, 3] = (
            (column - (columns - 1) / 2) * pitch,
            EYE_HEIGHT_M + ((rows - 1) / 2 - row) * pitch,
            -WALL_DISTANCE_M - 0.1 * (i % 3),
        )
        transforms[i] = transform
        colors[i] = (0.2 + 0.6 * (i % 7) / 6, 0.3 + 0.5 * (i % 5) / 4, 0.8 - 0.6 * (i % 3) / 2, 1.0)
    if kind == "shared":
        meshes = [_box((size, size, size))]
        mesh_index = np.zeros(count, np.int64)
        colors[:] = colors[0]
    else:
        meshes = [
            _box((size * (0.7 + 0.3 * (i % 4) / 3), size, size * (0.7 + 0.3 * (i % 5) / 4))) for i in range(count)
        ]
        mesh_index = np.arange(count)
    return BenchScene(kind, meshes, mesh_index, transforms, colors)


def _box(extents: tuple[float, float, float]) -> trimesh.Trimesh:
    mesh = trimesh.creation.box(extents=extents)
    mesh.unmerge_vertices()  # flat faces: each face its own normals
    return mesh


def to_scene(bench: BenchScene):
    """Our :class:`renderer.scene.Scene` of ``bench``: one node per object, meshes and materials shared as in
    ``bench`` (so the shared kind is one (mesh, material) batch)."""
    from renderer.primitives import from_trimesh
    from renderer.scene import Material, Node, Scene

    meshes = [from_trimesh(m, f"mesh {i}") for i, m in enumerate(bench.meshes)]
    if bench.kind == "shared":
        shared = Material(name="shared", base_color=tuple(float(c) for c in bench.colors[0]), roughness=0.6)
        materials = [shared] * bench.count
    else:
        materials = [
            Material(name=f"material {i}", base_color=tuple(float(c) for c in bench.colors[i]), roughness=0.6)
            for i in range(bench.count)
        ]
    scene = Scene(source=f"bench {bench.kind} {bench.count}")
    for i in range(bench.count):
        scene.root.add(
            Node(f"object {i}", bench.transforms[i], mesh=meshes[bench.mesh_index[i]], material=materials[i])
        )
    return scene


def write_npz(bench: BenchScene, path: Path) -> Path:
    """Write ``bench`` as arrays for a program without this package (the pyrender peer): ``vertices_<i>``,
    ``faces_<i>``, ``mesh_index``, ``transforms``, ``colors``, ``kind``."""
    arrays = {"mesh_index": bench.mesh_index, "transforms": bench.transforms, "colors": bench.colors}
    for i, mesh in enumerate(bench.meshes):
        arrays[f"vertices_{i}"] = np.asarray(mesh.vertices, np.float32)
        arrays[f"faces_{i}"] = np.asarray(mesh.faces, np.uint32)
    np.savez(path, kind=np.array(bench.kind), mesh_count=np.array(len(bench.meshes)), **arrays)
    return path
