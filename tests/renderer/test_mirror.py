"""The mirror window shows both eyes side by side on the desktop (under Xvfb)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gl, pytest.mark.xvfb]

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    from renderer.context import GLContext
    from renderer.mirror import MirrorWindow
    from renderer.runtime_gl import RuntimeGL, GL_SRGB8_ALPHA8
    from renderer import pyopengl_platform

    context = GLContext.create("glx", width=200, height=100)
    images = RuntimeGL(None, "glx").create_images(32, 32, 2, GL_SRGB8_ALPHA8, 1)
    GL = pyopengl_platform.gl()
    fbo = GL.glGenFramebuffers(1)
    GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
    for layer, colour in ((0, (1, 0, 0, 1)), (1, (0, 0, 1, 1))):
        GL.glFramebufferTextureLayer(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, images[0], 0, layer)
        GL.glClearColor(*colour)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT)
    GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, 0)
    mirror = MirrorWindow(context, eyes=EYES)
    mirror.show(images[0], 32, 32)
    GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, 0)
    GL.glReadBuffer(GL.GL_BACK)
    data = GL.glReadPixels(0, 0, 200, 100, GL.GL_RGB, GL.GL_UNSIGNED_BYTE)
    pixels = np.frombuffer(data, np.uint8).reshape(100, 200, 3)
    mirror.present()
    print("left", pixels[50, 50].tolist(), "right", pixels[50, 150].tolist())
    mirror.release()
    context.destroy()
    """
)


@pytest.mark.parametrize(
    ("eyes", "left", "right"),
    [("both", (255, 0, 0), (0, 0, 255)), ("left", (255, 0, 0), (255, 0, 0)), ("right", (0, 0, 255), (0, 0, 255))],
)
def test_mirror_shows_the_eyes_side_by_side(xvfb, eyes, left, right):
    script = SCRIPT.replace("EYES", repr(eyes))
    if eyes != "both":
        # One eye fills the window's height, centred: both sample points fall inside it.
        script = script.replace("pixels[50, 50]", "pixels[50, 90]").replace("pixels[50, 150]", "pixels[50, 110]")
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=dict(os.environ, DISPLAY=xvfb),
    )
    assert result.returncode == 0, result.stderr
    assert f"left {list(left)} right {list(right)}" in result.stdout
