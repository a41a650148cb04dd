"""Peer 2: pyrender drawing the same trimesh scene once per eye (run in pyrender's own virtual environment).

pyrender pins PyOpenGL 3.1.0, so this script runs as a subprocess in a virtual environment of its own (see
``bench/run.py``) with ``PYOPENGL_PLATFORM=egl``; it imports nothing from this project. It reads the scene and the
two eye cameras from an ``.npz`` written by :func:`bench.scenes.write_npz` (plus ``eye_poses`` ``(2, 4, 4)``
camera → world and ``projections`` ``(2, 4, 4)``), builds a ``pyrender.Scene`` the way pyrender's documentation does
it (one ``pyrender.Mesh`` per distinct trimesh mesh, shared by its nodes; a directional light), and times frames of
two ``OffscreenRenderer.render`` calls, one per eye, at the per-eye size. Prints JSON: ``frame_ns``, a list.

Usage: ``python pyrender_eyes.py SCENE.npz FRAMES WIDTH HEIGHT [WARMUP]``
"""

from __future__ import annotations

import gc
import json
import sys
import time

import numpy as np
import pyrender
import trimesh


class FixedCamera(pyrender.camera.Camera):
    """A camera with a given (4, 4) projection: the eye's asymmetric frustum, as the headset reports it."""

    def __init__(self, matrix: np.ndarray) -> None:
        super().__init__(znear=0.05, zfar=100.0)
        self._matrix = np.asarray(matrix, np.float64)

    def get_projection_matrix(self, width=None, height=None):
        return self._matrix


def build(data) -> tuple[pyrender.Scene, list[pyrender.Node]]:
    scene = pyrender.Scene(bg_color=[0.5, 0.6, 0.7, 1.0], ambient_light=[0.2, 0.2, 0.2])
    kind = str(data["kind"])
    count = len(data["transforms"])
    meshes = {}
    for i in range(count):
        m = int(data["mesh_index"][i])
        key = m if kind == "shared" else i
        if key not in meshes:
            mesh = trimesh.Trimesh(data[f"vertices_{m}"], data[f"faces_{m}"], process=False)
            material = pyrender.MetallicRoughnessMaterial(
                baseColorFactor=[float(c) for c in data["colors"][i]], metallicFactor=0.0, roughnessFactor=0.6
            )
            meshes[key] = pyrender.Mesh.from_trimesh(mesh, material=material, smooth=False)
        scene.add(meshes[key], pose=data["transforms"][i])
    scene.add(pyrender.DirectionalLight(color=[1.0, 1.0, 1.0], intensity=3.0), pose=np.identity(4))
    eyes = zip(data["projections"], data["eye_poses"], strict=True)
    cameras = [scene.add(FixedCamera(matrix), pose=pose) for matrix, pose in eyes]
    return scene, cameras


def main(argv: list[str]) -> None:
    path, frames, width, height = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    warmup = int(argv[4]) if len(argv) > 4 else 10
    data = np.load(path)
    scene, cameras = build(data)
    renderer = pyrender.OffscreenRenderer(width, height)
    times = []
    gc.collect()
    gc.freeze()
    for frame in range(warmup + frames):
        start = time.perf_counter_ns()
        for camera in cameras:
            scene.main_camera_node = camera
            renderer.render(scene)
        if frame >= warmup:
            times.append(time.perf_counter_ns() - start)
    renderer.delete()
    print(json.dumps({"frame_ns": times, "pyrender": pyrender.__version__}))


if __name__ == "__main__":
    main(sys.argv[1:])
