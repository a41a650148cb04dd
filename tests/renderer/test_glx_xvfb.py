"""The GLX path: a glfw window under an Xvfb this test starts, with the handles an Xlib graphics binding needs.

Runtimes such as Monado reject an XrGraphicsBindingOpenGLXlibKHR whose glxFBConfig is NULL or whose visualid is 0,
so both must come out of the context non-zero (and agree with each other).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.xvfb, pytest.mark.gl]

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import ctypes, json
import xr  # pyopenxr, imported first as the application does
from renderer.context import GLContext
from renderer.runtime_gl import RuntimeGL, GL_SRGB8_ALPHA8
import numpy as np
from renderer import primitives
from renderer.scene import Material, Node, Scene
from renderer.stereo import EyeCamera, StereoRenderer, StereoTarget
from renderer.transforms import projection_from_fov, view_matrix

auto_kind = GLContext.create("auto", width=64, height=64)
auto_kind_name = auto_kind.kind
auto_kind.destroy()
context = GLContext.create("glx", width=64, height=64)
gl = ctypes.CDLL("libGL.so.1")
gl.glXGetVisualFromFBConfig.restype = ctypes.POINTER(ctypes.c_ulong * 4)  # XVisualInfo: visual*, visualid, ...
gl.glXGetVisualFromFBConfig.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
visual_info = gl.glXGetVisualFromFBConfig(context.x_display, context.glx_fbconfig)
runtime = RuntimeGL(None, "glx")  # libGL's glXGetProcAddressARB, as for an Xlib binding
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
renderer.release()
runtime.delete_images([image])
context.swap_buffers()
context.poll_events()
report = {
    "auto_kind": auto_kind_name,
    "kind": context.kind,
    "gl_version": context.gl_version,
    "renderer": context.renderer_name,
    "x_display": context.x_display,
    "glx_context": context.glx_context,
    "glx_drawable": context.glx_drawable,
    "glx_fbconfig": context.glx_fbconfig,
    "visualid": context.visualid,
    "visualid_of_fbconfig": visual_info.contents[1] if visual_info else 0,
    "should_close": context.should_close(),
    "centre": pixels[32, 32].tolist(),
    "error": runtime.check_error(),
}
context.destroy()
context.destroy()
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def xvfb_display():
    """DISPLAY of an Xvfb started on a free display number (Xvfb picks it: -displayfd), stopped afterwards."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("the Xvfb binary is not installed (apt-get install xvfb): cannot test the GLX path")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [binary, "-displayfd", str(write_end), "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 20.0)
        number = os.read(read_end, 64).decode().strip() if ready else ""
        if not number:
            server.kill()
            pytest.fail(f"Xvfb did not report a display number: {server.stderr.read().decode()[-2000:]}")
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.parametrize("inherited_platform", [None, "egl"])
def test_glx_context_under_xvfb_has_fbconfig_and_visual_and_draws(xvfb_display, inherited_platform):
    # PYOPENGL_PLATFORM=egl inherited from a parent (the renderer sets it for EGL) starts PyOpenGL as EGL; `import
    # xr` then swaps PLATFORM alone, and GLX drawing must still work.
    env = {k: v for k, v in os.environ.items() if k != "PYOPENGL_PLATFORM"}
    if inherited_platform is not None:
        env["PYOPENGL_PLATFORM"] = inherited_platform
    env["DISPLAY"] = xvfb_display
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["auto_kind"] == "glx"
    assert report["kind"] == "glx"
    assert report["gl_version"].startswith("4.5") and "llvmpipe" in report["renderer"]
    for handle in ("x_display", "glx_context", "glx_drawable", "glx_fbconfig", "visualid"):
        assert report[handle] != 0, f"{handle} is 0"
    assert report["visualid"] == report["visualid_of_fbconfig"]
    assert report["should_close"] is False
    assert report["error"] == 0
    r, g, b, _ = report["centre"]
    assert r > 150 and g < 100 and b < 100, report
