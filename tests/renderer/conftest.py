"""GL fixtures for the renderer's tests: one EGL surfaceless context (Mesa llvmpipe) for the whole session.

``gl`` makes that context current for one test, checks that no GL error is pending before and after it, and then
puts back whichever EGL context was current before (the XR tests have their own).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("EGL_PLATFORM", "surfaceless")


@pytest.fixture(scope="session")
def egl_context():
    """An EGL surfaceless OpenGL 4.5 core context, alive for the whole session (made without taking the place of
    a context other tests made current)."""
    from renderer.context import GLContext, current_context_kept

    with current_context_kept():
        context = GLContext.create("egl")
    yield context
    context.destroy()


@pytest.fixture
def gl(egl_context):
    """The ``OpenGL.GL`` module, with :func:`egl_context` current; fails the test if it leaves a GL error."""
    from renderer import pyopengl_platform

    with egl_context.activated():
        GL = pyopengl_platform.gl()
        assert GL.glGetError() == GL.GL_NO_ERROR, "a GL error was pending before the test"
        yield GL
        assert GL.glGetError() == GL.GL_NO_ERROR, "the test left a GL error"


@pytest.fixture
def runtime_gl(gl, egl_context):
    """A RuntimeGL resolving its functions through the context's eglGetProcAddress, as the mock runtime does."""
    from renderer.runtime_gl import RuntimeGL

    return RuntimeGL(egl_context.egl_get_proc_address, "egl")
