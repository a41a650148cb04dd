"""``import xr`` forces PyOpenGL's GLX platform; the renderer must draw with EGL whichever was imported first.

Each case runs in a fresh interpreter, since PyOpenGL's platform and resolved functions are process-wide.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gl

ROOT = Path(__file__).resolve().parents[2]

DRAW = """
import json
import numpy as np
from renderer import primitives
from renderer.scene import Material, Node, Scene
from renderer.stereo import EyeCamera, StereoRenderer, StereoTarget
from renderer.runtime_gl import RuntimeGL, GL_SRGB8_ALPHA8
from renderer.transforms import projection_from_fov, view_matrix
import OpenGL.platform
runtime = RuntimeGL(context.egl_get_proc_address, "egl")
(image,) = runtime.create_images(64, 64, 2, GL_SRGB8_ALPHA8, 1)
box_at = np.identity(4)
box_at[:3, 3] = (0, 1.6, -2)
scene = Scene()
scene.root.add(Node("box", box_at, primitives.box((0.4, 0.4, 0.4)), Material(base_color=(0.9, 0.1, 0.1, 1.0))))
renderer = StereoRenderer(context)
eye = EyeCamera(view_matrix((0, 1.6, 0), (0, 0, 0, 1)), projection_from_fov(-0.8, 0.8, 0.8, -0.8, 0.05, 100),
                np.array([0.0, 1.6, 0.0]))
renderer.render(scene, [eye, eye], StereoTarget(image, None, 64, 64, True))
pixels = runtime.read_image(image, 2, 1, 0, 0, 64, 64, GL_SRGB8_ALPHA8)
# PyOpenGL attributes glTexStorage2D to GL_ARB_texture_storage: the GLX platform, blind to an EGL context, would
# find the extension missing (NullFunctionError). Any function through pyopengl_platform.gl() must resolve.
from renderer import pyopengl_platform
GL = pyopengl_platform.gl()
texture = GL.glGenTextures(1)
GL.glBindTexture(GL.GL_TEXTURE_2D, texture)
GL.glTexStorage2D(GL.GL_TEXTURE_2D, 1, GL.GL_RGBA8, 4, 4)
GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
GL.glDeleteTextures(1, [texture])
renderer.release()
runtime.delete_images([image])
print(json.dumps({"centre": pixels[32, 32].tolist(), "error": runtime.check_error(),
                  "platform": type(OpenGL.platform.PLATFORM).__name__}))
"""

CASES = {
    "xr_first": "import xr\nfrom renderer.context import GLContext\ncontext = GLContext.create('egl')\n",
    "xr_after_context": "from renderer.context import GLContext\ncontext = GLContext.create('egl')\nimport xr\n",
    "opengl_gl_before_all": (
        "from OpenGL import GL\nimport xr\nfrom renderer.context import GLContext\ncontext = GLContext.create('egl')\n"
    ),
}


@pytest.mark.parametrize("inherited_platform", [None, "glx"])
@pytest.mark.parametrize("case", CASES)
def test_egl_drawing_works_whatever_the_import_order(case, inherited_platform):
    env = {k: v for k, v in os.environ.items() if k not in ("PYOPENGL_PLATFORM", "DISPLAY")}
    if inherited_platform is not None:
        env["PYOPENGL_PLATFORM"] = inherited_platform  # as a parent process that used GLX would pass it on
    env["EGL_PLATFORM"] = "surfaceless"
    result = subprocess.run(
        [sys.executable, "-c", CASES[case] + DRAW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["error"] == 0
    assert report["platform"] == "EGLPlatform"
    r, g, b, _ = report["centre"]
    assert r > 150 and g < 100 and b < 100, report
