"""The runtime's GL (swapchain images and read-back), through ctypes and eglGetProcAddress as a runtime does it."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

from renderer.runtime_gl import (
    COLOR_FORMATS,
    DEPTH_FORMATS,
    GL_DEPTH24_STENCIL8,
    GL_DEPTH_COMPONENT16,
    GL_DEPTH_COMPONENT24,
    GL_DEPTH_COMPONENT32F,
    GL_RGBA8,
    GL_RGBA16F,
    GL_SRGB8_ALPHA8,
    RuntimeGL,
    formats_supported,
)

pytestmark = pytest.mark.gl

READ_PATHS = {"get_texture_sub_image": True, "read_pixels": False}


def _texture_parameter(gl, name: int, parameter: int, level: int | None = None) -> int:
    """glGetTextureParameteriv / glGetTextureLevelParameteriv (PyOpenGL wraps neither with an output array)."""
    out = np.zeros(1, np.int32)
    if level is None:
        gl.glGetTextureParameteriv(name, parameter, out)
    else:
        gl.glGetTextureLevelParameteriv(name, level, parameter, out)
    return int(out[0])


def test_formats_in_preference_order():
    assert formats_supported() == [
        GL_SRGB8_ALPHA8,
        GL_RGBA8,
        GL_RGBA16F,
        GL_DEPTH_COMPONENT24,
        GL_DEPTH_COMPONENT32F,
        GL_DEPTH24_STENCIL8,
        GL_DEPTH_COMPONENT16,
    ]
    assert formats_supported() == [*COLOR_FORMATS, *DEPTH_FORMATS]
    assert (GL_SRGB8_ALPHA8, GL_DEPTH_COMPONENT24) == (0x8C43, 0x81A6)


def test_array_images_are_immutable_2d_arrays(gl, runtime_gl):
    names = runtime_gl.create_images(64, 32, 2, GL_SRGB8_ALPHA8, 3)
    try:
        assert len(set(names)) == 3 and all(gl.glIsTexture(n) for n in names)
        for name in names:
            assert _texture_parameter(gl, name, gl.GL_TEXTURE_TARGET) == gl.GL_TEXTURE_2D_ARRAY
            assert _texture_parameter(gl, name, gl.GL_TEXTURE_IMMUTABLE_FORMAT) == gl.GL_TRUE
            assert _texture_parameter(gl, name, gl.GL_TEXTURE_INTERNAL_FORMAT, level=0) == GL_SRGB8_ALPHA8
            assert _texture_parameter(gl, name, gl.GL_TEXTURE_DEPTH, level=0) == 2
    finally:
        runtime_gl.delete_images(names)
    assert not any(gl.glIsTexture(n) for n in names)
    assert runtime_gl.check_error() == 0


@pytest.mark.parametrize("internal_format", [GL_RGBA8, GL_RGBA16F, *DEPTH_FORMATS])
def test_every_offered_format_makes_2d_images_with_mips(gl, runtime_gl, internal_format):
    names = runtime_gl.create_images(32, 16, 1, internal_format, 2, mip_count=3)
    try:
        for name in names:
            assert _texture_parameter(gl, name, gl.GL_TEXTURE_TARGET) == gl.GL_TEXTURE_2D
            assert _texture_parameter(gl, name, gl.GL_TEXTURE_IMMUTABLE_LEVELS) == 3
            assert _texture_parameter(gl, name, gl.GL_TEXTURE_INTERNAL_FORMAT, level=0) == internal_format
    finally:
        runtime_gl.delete_images(names)


def test_refused_format_raises_and_leaves_no_error(gl, runtime_gl):
    with pytest.raises(RuntimeError, match="refused"):
        runtime_gl.create_images(16, 16, 1, gl.GL_RGB, 1)  # unsized: glTexStorage2D rejects it
    assert runtime_gl.check_error() == 0


@pytest.mark.parametrize(
    "arguments",
    [(0, 16, 1, GL_RGBA8, 1), (16, 16, 0, GL_RGBA8, 1), (16, 16, 1, GL_RGBA8, 0), (16, 16, 1, GL_RGBA8, 1, 9)],
)
def test_bad_sizes_are_rejected(runtime_gl, arguments):
    with pytest.raises(ValueError):
        runtime_gl.create_images(*arguments)


def _pattern(width: int, height: int) -> np.ndarray:
    """(height, width, 4) uint8, row 0 = bottom row as GL stores it; every texel distinct."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 7 % 256, y * 11 % 256, (x + y) % 256, np.full_like(x, 255)], axis=-1).astype(np.uint8)


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize("array_size", [1, 2])
def test_read_image_returns_a_subrect_top_row_first(gl, egl_context, path, array_size):
    runtime = RuntimeGL(egl_context.egl_get_proc_address, "egl", use_get_texture_sub_image=READ_PATHS[path])
    width, height = 40, 24
    (name,) = runtime.create_images(width, height, array_size, GL_SRGB8_ALPHA8, 1)
    layer = array_size - 1
    pattern = _pattern(width, height)
    gl.glPixelStorei(gl.GL_UNPACK_ALIGNMENT, 1)
    if array_size > 1:
        gl.glTextureSubImage3D(name, 0, 0, 0, layer, width, height, 1, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, pattern)
    else:
        gl.glTextureSubImage2D(name, 0, 0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, pattern)
    gl.glPixelStorei(gl.GL_UNPACK_ALIGNMENT, 4)
    gl.glEnable(gl.GL_FRAMEBUFFER_SRGB)  # must not turn the stored sRGB bytes into linear values on the way out
    try:
        image = runtime.read_image(name, array_size, layer, 5, 3, 17, 9, GL_SRGB8_ALPHA8)
    finally:
        gl.glDisable(gl.GL_FRAMEBUFFER_SRGB)
        runtime.delete_images([name])
    assert image.shape == (9, 17, 4) and image.dtype == np.uint8 and image.flags.c_contiguous
    np.testing.assert_array_equal(image, pattern[3:12, 5:22][::-1])


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize("internal_format", DEPTH_FORMATS)
def test_read_depth_image_as_float(gl, egl_context, path, internal_format):
    runtime = RuntimeGL(egl_context.egl_get_proc_address, "egl", use_get_texture_sub_image=READ_PATHS[path])
    (name,) = runtime.create_images(8, 4, 2, internal_format, 1)
    try:
        if internal_format == GL_DEPTH24_STENCIL8:
            value = np.array([0x40000000], np.uint32)  # depth 0.25 in the top 24 bits, stencil 0
            gl.glClearTexImage(name, 0, gl.GL_DEPTH_STENCIL, gl.GL_UNSIGNED_INT_24_8, value)
        else:
            gl.glClearTexImage(name, 0, gl.GL_DEPTH_COMPONENT, gl.GL_FLOAT, np.array([0.25], np.float32))
        depth = runtime.read_image(name, 2, 1, 0, 0, 8, 4, internal_format)
    finally:
        runtime.delete_images([name])
    assert depth.shape == (4, 8) and depth.dtype == np.float32
    np.testing.assert_allclose(depth, 0.25, atol=1e-4)


def test_runtime_gl_leaves_the_application_state_alone(gl, runtime_gl):
    app_texture = gl.glGenTextures(1)
    gl.glBindTexture(gl.GL_TEXTURE_2D_ARRAY, app_texture)
    app_texture_2d = gl.glGenTextures(1)
    gl.glBindTexture(gl.GL_TEXTURE_2D, app_texture_2d)
    app_framebuffer = gl.glGenFramebuffers(1)
    gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, app_framebuffer)
    app_buffer = gl.glGenBuffers(1)
    gl.glBindBuffer(gl.GL_PIXEL_PACK_BUFFER, app_buffer)
    gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 8)
    gl.glPixelStorei(gl.GL_PACK_ROW_LENGTH, 100)

    def state():
        return [
            gl.glGetIntegerv(gl.GL_TEXTURE_BINDING_2D_ARRAY),
            gl.glGetIntegerv(gl.GL_TEXTURE_BINDING_2D),
            gl.glGetIntegerv(gl.GL_READ_FRAMEBUFFER_BINDING),
            gl.glGetIntegerv(gl.GL_PIXEL_PACK_BUFFER_BINDING),
            gl.glGetIntegerv(gl.GL_PACK_ALIGNMENT),
            gl.glGetIntegerv(gl.GL_PACK_ROW_LENGTH),
        ]

    before = state()
    try:
        names = runtime_gl.create_images(16, 16, 2, GL_SRGB8_ALPHA8, 2) + runtime_gl.create_images(
            16, 16, 1, GL_RGBA8, 1
        )
        for use_sub_image in (True, False):
            reader = RuntimeGL(None, "egl", use_get_texture_sub_image=use_sub_image)
            reader.read_image(names[0], 2, 1, 0, 0, 16, 16, GL_SRGB8_ALPHA8)
            reader.read_image(names[2], 1, 0, 0, 0, 16, 16, GL_RGBA8)
        after = state()
        runtime_gl.delete_images(names)
    finally:
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, 0)
        gl.glBindBuffer(gl.GL_PIXEL_PACK_BUFFER, 0)
        gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 4)
        gl.glPixelStorei(gl.GL_PACK_ROW_LENGTH, 0)
        gl.glDeleteTextures(2, [app_texture, app_texture_2d])
        gl.glDeleteFramebuffers(1, [app_framebuffer])
        gl.glDeleteBuffers(1, [app_buffer])
    assert after == before
    assert before[0] == app_texture and before[4] == 8


def test_read_image_rejects_a_layer_outside_the_image(runtime_gl):
    with pytest.raises(ValueError, match="layer 2"):
        runtime_gl.read_image(1, 2, 2, 0, 0, 4, 4, GL_RGBA8)


def test_glx_kind_without_a_context_resolves_through_libgl():
    runtime = RuntimeGL(None, "glx")
    assert runtime.functions.has("glGetError")
    assert isinstance(runtime.functions.glGetError, ctypes._CFuncPtr)


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="'egl' or 'glx'"):
        RuntimeGL(None, "vulkan")
