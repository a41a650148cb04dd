"""The EGL context and the plain handles it gives the OpenXR graphics binding (the GLX path: test_glx_xvfb.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from renderer.context import ContextError, GLContext, current_context_kept, parse_gl_version
from renderer.pyopengl_platform import current_kind

pytestmark = pytest.mark.gl

ROOT = Path(__file__).resolve().parents[2]


def test_egl_context_is_gl_45_core_on_llvmpipe(egl_context):
    assert egl_context.kind == "egl"
    assert egl_context.gl_version.startswith("4.5") and "Core Profile" in egl_context.gl_version
    assert egl_context.version == (4, 5)
    assert "llvmpipe" in egl_context.renderer_name
    assert egl_context.has_extension("GL_ARB_texture_storage")
    assert not egl_context.has_extension("GL_NO_SUCH_extension")
    assert len(egl_context.extensions) > 100


def test_egl_context_exposes_binding_handles_as_ints(egl_context):
    handles = [egl_context.egl_display, egl_context.egl_config, egl_context.egl_context]
    handles.append(egl_context.egl_get_proc_address)
    assert all(isinstance(h, int) and h != 0 for h in handles)
    assert [egl_context.x_display, egl_context.glx_fbconfig, egl_context.visualid] == [0, 0, 0]
    assert egl_context.get_proc_address_function()(b"glGetString")


def test_egl_context_has_no_window(gl, egl_context):
    egl_context.swap_buffers()
    egl_context.poll_events()
    assert egl_context.should_close() is False and egl_context.window is None


def test_destroy_twice_and_activated_puts_back_the_previous_context(gl, egl_context):
    second = GLContext.create("egl")
    assert second.is_current() and not egl_context.is_current()
    with egl_context.activated():
        assert egl_context.is_current()
    assert second.is_current()
    second.destroy()
    second.release()
    assert not second.is_current()
    with pytest.raises(ContextError, match="destroyed"):
        second.make_current()
    egl_context.make_current()


def test_current_context_kept_restores_none_too(gl, egl_context):
    egl_context.done_current()
    assert current_kind() is None
    with current_context_kept():
        third = GLContext.create("egl")
        assert third.is_current()
    assert current_kind() is None and not third.is_current()
    third.destroy()
    egl_context.make_current()


def test_auto_without_display_is_egl(gl, egl_context, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    assert GLContext.display_available() is False
    context = GLContext.create("auto")
    try:
        assert context.kind == "egl"
    finally:
        context.destroy()
        egl_context.make_current()


def test_glx_without_display_says_what_to_do(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(ContextError, match=r"DISPLAY is not set.*kind='egl'"):
        GLContext.create("glx")


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="'auto', 'egl' or 'glx'"):
        GLContext.create("wayland")


@pytest.mark.parametrize(
    ("text", "version"), [("4.5 (Core Profile) Mesa 22.3.6", (4, 5)), ("3.3.0 NVIDIA 535.54", (3, 3)), ("4.6", (4, 6))]
)
def test_parse_gl_version(text, version):
    assert parse_gl_version(text) == version


def test_parse_gl_version_rejects_garbage():
    with pytest.raises(ValueError, match="unrecognised"):
        parse_gl_version("OpenGL ES 3.2")


def test_egl_falls_back_to_the_surfaceless_platform_display():
    # With EGL_PLATFORM=x11 and no X server the default display fails; Mesa's surfaceless one is asked for by name.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "PYOPENGL_PLATFORM")}
    env["EGL_PLATFORM"] = "x11"
    probe = (
        "from renderer.context import GLContext\nc = GLContext.create('egl')\nprint(c.egl_display_source, c.version)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "eglGetPlatformDisplayEXT (4, 5)"
