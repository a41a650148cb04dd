"""Text drawn by the stereo renderer: a Korean and English panel, legible in both eyes."""

from __future__ import annotations

import numpy as np
import pytest

from renderer.runtime_gl import GL_SRGB8_ALPHA8
from renderer.scene import Scene
from renderer.stereo import StereoRenderer, StereoTarget
from renderer.text import GlyphAtlas, text_panel

from . import golden
from .test_stereo import eyes, translate

pytestmark = pytest.mark.gl

SIZE = 192  # pixels per eye: text needs a few more pixels than the primitives
PANEL_TEXT = "안녕하세요! 검사를 연습해요.\nHello! Let's practise."


@pytest.fixture
def panel_target(runtime_gl):
    (color,) = runtime_gl.create_images(SIZE, SIZE, 2, GL_SRGB8_ALPHA8, 1)
    yield StereoTarget(color, None, SIZE, SIZE, srgb=True)
    runtime_gl.delete_images([color])


def test_korean_and_english_panel_matches_the_golden_image(egl_context, gl, runtime_gl, panel_target, request):
    scene = Scene(source="text panel")
    # A fresh atlas: glyph places in the shared one depend on what was laid out before, and so would the filtering.
    atlas = GlyphAtlas()
    panel = text_panel(PANEL_TEXT, width_m=0.5, text_height_m=0.045, align="center", name="panel", atlas=atlas)
    panel.transform = translate(0.0, 1.6, -0.45)
    scene.root.add(panel)
    renderer = StereoRenderer(egl_context, "single-pass")
    try:
        renderer.render(scene, eyes(), panel_target)
        left, right = (
            runtime_gl.read_image(panel_target.color_texture, 2, layer, 0, 0, SIZE, SIZE, GL_SRGB8_ALPHA8)
            for layer in (0, 1)
        )
    finally:
        renderer.release()
    golden.compare("text_panel_ko_en", np.concatenate([left, right], axis=1), request.config.getoption("--regenerate"))
    # Whatever the golden image says: light glyph pixels on the dark panel in both eyes, in two lines of text.
    for image in (left, right):
        bright = image[..., :3].min(axis=2) > 180
        assert bright.sum() > 200, "glyphs are drawn"
        rows = np.nonzero(bright.any(axis=1))[0]
        gaps = np.diff(rows) > 3
        assert gaps.sum() >= 1, "two separate lines of text"
