"""Every real-world test asset loads, is fitted in front of the viewer, and renders a picture in both eyes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from renderer.loader import fit_for_viewing, load_scene
from renderer.runtime_gl import GL_SRGB8_ALPHA8
from renderer.stereo import StereoRenderer, StereoTarget

from .test_stereo import SKY_SRGB, eyes

pytestmark = pytest.mark.gl

ASSETS = Path(__file__).resolve().parents[3] / "shared" / "test-assets"
SIZE = 96


@pytest.mark.parametrize("name", ["cube.glb", "BoxTextured.glb", "Duck.glb", "monkey.glb"])
def test_asset_renders_a_non_empty_picture(name, egl_context, gl, runtime_gl):
    assert ASSETS.is_dir(), f"{ASSETS} is missing: the shared test assets sit beside the project"
    scene = fit_for_viewing(load_scene(ASSETS / name), size_m=0.6, distance_m=1.2)
    (color,) = runtime_gl.create_images(SIZE, SIZE, 2, GL_SRGB8_ALPHA8, 1)
    renderer = StereoRenderer(egl_context, "single-pass")
    try:
        # Eyes at 1.6 m looking down at the model standing on the floor 1.2 m ahead.
        renderer.render(scene, eyes(pitch=-0.6), StereoTarget(color, None, SIZE, SIZE, True), floor_grid=False)
        for layer in (0, 1):
            image = runtime_gl.read_image(color, 2, layer, 0, 0, SIZE, SIZE, GL_SRGB8_ALPHA8)
            covered = (np.abs(image[..., :3].astype(int) - SKY_SRGB).sum(axis=2) > 30).mean()
            assert 0.005 < covered < 0.9, f"{name}, eye {layer}: the model covers {covered:.1%} of the picture"
        renderer.release_scene(scene)
    finally:
        renderer.release()
        runtime_gl.delete_images([color])
