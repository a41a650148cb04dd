"""The minimal scene renderer: geometry (pure), then drawing into swapchain-like textures made by RuntimeGL."""

from __future__ import annotations

import math

import numpy as np
import pytest

from renderer.basic import SKY_COLOR_LINEAR, BasicSceneRenderer, Box, box_vertices, grid_vertices
from renderer.runtime_gl import GL_DEPTH_COMPONENT24, GL_RGBA8, GL_SRGB8_ALPHA8
from renderer.shader import ShaderError, compile_shader, load_source, numbered
from renderer.transforms import projection_from_fov, view_matrix

WIDTH, HEIGHT = 160, 120
EYE = (0.0, 1.6, 0.0)
FORWARD = (0.0, 0.0, 0.0, 1.0)
RED_BOX = Box(center=(0.0, 1.6, -2.0), size=(0.4, 0.4, 0.4), color=(0.85, 0.12, 0.10))
SKY_SRGB = np.array([46, 56, 72])  # SKY_COLOR_LINEAR encoded to sRGB bytes


def symmetric_projection(half_angle_deg: float = 45.0) -> np.ndarray:
    a = math.radians(half_angle_deg)
    v = math.atan(math.tan(a) * HEIGHT / WIDTH)
    return projection_from_fov(-a, a, v, -v, 0.05, 100.0)


def red_mask(image: np.ndarray) -> np.ndarray:
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return (r > 120) & (r > g + 60) & (r > b + 60)


# -- geometry (no GL) ---------------------------------------------------------------------------------------------


def test_box_vertices_span_the_box_with_unit_normals():
    v = box_vertices(Box(center=(1, 2, 3), size=(0.5, 1.0, 2.0), color=(0.1, 0.2, 0.3)))
    assert v.shape == (36, 9) and v.dtype == np.float32
    np.testing.assert_allclose(v[:, :3].min(axis=0), [0.75, 1.5, 2.0])
    np.testing.assert_allclose(v[:, :3].max(axis=0), [1.25, 2.5, 4.0])
    np.testing.assert_allclose(np.linalg.norm(v[:, 3:6], axis=1), 1.0)
    np.testing.assert_allclose(v[:, 6:9], np.tile([0.1, 0.2, 0.3], (36, 1)), rtol=1e-6)


def test_box_triangles_wind_counter_clockwise_seen_from_outside():
    v = box_vertices(RED_BOX)
    for (a, b, c), normal in zip(v[:, :3].reshape(-1, 3, 3), v[::3, 3:6], strict=True):
        winding_normal = np.cross(b - a, c - a)
        assert np.dot(winding_normal, (a + b + c) / 3 - np.asarray(RED_BOX.center)) > 0  # points outwards
        assert np.dot(winding_normal, normal) > 0  # and agrees with the shading normal


def test_grid_is_a_ten_metre_floor_square_every_half_metre():
    v = grid_vertices()
    assert v.shape == (21 * 4, 9)
    assert np.all(v[:, 1] == 0) and v[:, 0].min() == -5 and v[:, 2].max() == 5
    assert np.all(v[:, 3:6] == 0)  # unlit
    assert sorted(set(v[0::4, 0].round(3))) == [round(-5 + 0.5 * i, 3) for i in range(21)]


# -- shaders ------------------------------------------------------------------------------------------------------


def test_shader_sources_load_from_the_package():
    assert load_source("basic_scene.vert.glsl").startswith("#version 330 core")
    with pytest.raises(FileNotFoundError, match=r"basic_scene\.frag\.glsl"):
        load_source("missing.glsl")


@pytest.mark.gl
def test_compile_error_shows_numbered_source_and_driver_log(gl):
    source = "#version 330 core\nout vec4 c;\nvoid main() { c = undefined_thing; }\n"
    with pytest.raises(ShaderError) as caught:
        compile_shader(gl.GL_FRAGMENT_SHADER, source, "broken.frag.glsl")
    message = str(caught.value)
    assert "broken.frag.glsl" in message and "undefined_thing" in message.split("--- source ---")[0]
    assert "3 | void main() { c = undefined_thing; }" in message
    assert numbered("a\nb").splitlines() == ["1 | a", "2 | b"]


# -- drawing ------------------------------------------------------------------------------------------------------


@pytest.fixture
def renderer(gl):
    r = BasicSceneRenderer([RED_BOX])
    yield r
    r.release()


@pytest.fixture
def array_images(runtime_gl):
    """One 2-layer SRGB8_ALPHA8 colour image and one 2-layer DEPTH_COMPONENT24 image, like a stereo swapchain."""
    color = runtime_gl.create_images(WIDTH, HEIGHT, 2, GL_SRGB8_ALPHA8, 1)
    depth = runtime_gl.create_images(WIDTH, HEIGHT, 2, GL_DEPTH_COMPONENT24, 1)
    yield color[0], depth[0]
    runtime_gl.delete_images(color + depth)
    assert runtime_gl.check_error() == 0


@pytest.mark.gl
def test_red_box_ahead_sky_above_grid_below(gl, runtime_gl, renderer, array_images):
    color, depth = array_images
    renderer.draw_view(color, 1, (0, 0, WIDTH, HEIGHT), view_matrix(EYE, FORWARD), symmetric_projection(), depth, 1)
    assert gl.glGetError() == gl.GL_NO_ERROR
    image = runtime_gl.read_image(color, 2, 1, 0, 0, WIDTH, HEIGHT, GL_SRGB8_ALPHA8)
    depth_image = runtime_gl.read_image(depth, 2, 1, 0, 0, WIDTH, HEIGHT, GL_DEPTH_COMPONENT24)

    centre = image[HEIGHT // 2, WIDTH // 2, :3].astype(int)
    assert centre[0] > 150 and centre[1] < 110 and centre[2] < 110, f"centre pixel {centre} is not red"
    top = image[:10, :, :3].astype(int)
    assert np.abs(top - SKY_SRGB).max() <= 2, "top rows are not all sky"
    bottom = image[-12:, :, :3].astype(int)
    grey = (np.abs(bottom - SKY_SRGB).min(axis=-1) > 40) & (np.ptp(bottom, axis=-1) < 12)
    assert grey.sum() > WIDTH // 2, "no grid lines in the bottom rows"
    assert np.all(depth_image[:10] == 1.0) and depth_image[HEIGHT // 2, WIDTH // 2] < 1.0
    # The box is centred: its red pixels balance around the image centre.
    ys, xs = np.nonzero(red_mask(image))
    assert abs(xs.mean() - (WIDTH - 1) / 2) < 1.0 and abs(ys.mean() - (HEIGHT - 1) / 2) < 1.0


@pytest.mark.gl
def test_asymmetric_fov_shifts_the_box(runtime_gl, renderer, array_images):
    color, _ = array_images
    # A view reaching further left than right: straight ahead is right of the image centre.
    projection = projection_from_fov(-0.9, 0.5, 0.45, -0.45, 0.05, 100.0)
    renderer.draw_view(color, 0, (0, 0, WIDTH, HEIGHT), view_matrix(EYE, FORWARD), projection)
    image = runtime_gl.read_image(color, 2, 0, 0, 0, WIDTH, HEIGHT, GL_SRGB8_ALPHA8)
    xs = np.nonzero(red_mask(image))[1]
    expected_x = (math.tan(0.9) / (math.tan(0.9) + math.tan(0.5))) * WIDTH
    assert xs.size > 0 and abs(xs.mean() - expected_x) < 2.0, (xs.mean(), expected_x)


@pytest.mark.gl
def test_srgb_encoding_can_be_turned_off(runtime_gl, renderer, array_images):
    color, _ = array_images
    renderer.draw_view(color, 0, (0, 0, WIDTH, HEIGHT), view_matrix(EYE, FORWARD), symmetric_projection(), srgb=False)
    image = runtime_gl.read_image(color, 2, 0, 0, 0, WIDTH, HEIGHT, GL_SRGB8_ALPHA8)
    expected = np.round(np.asarray(SKY_COLOR_LINEAR[:3]) * 255)
    np.testing.assert_allclose(image[0, 0, :3], expected, atol=1)


@pytest.mark.gl
def test_draws_only_inside_its_rect_of_a_double_wide_image(gl, runtime_gl, renderer):
    (image_name,) = runtime_gl.create_images(2 * WIDTH, HEIGHT, 1, GL_RGBA8, 1)
    try:
        gl.glClearTexImage(image_name, 0, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, np.array([255, 0, 255, 255], np.uint8))
        rect = (WIDTH, 0, WIDTH, HEIGHT)  # the right eye's half
        renderer.draw_view(image_name, None, rect, view_matrix(EYE, FORWARD), symmetric_projection())
        image = runtime_gl.read_image(image_name, 1, 0, 0, 0, 2 * WIDTH, HEIGHT, GL_RGBA8)
    finally:
        runtime_gl.delete_images([image_name])
    assert np.all(image[:, :WIDTH] == [255, 0, 255, 255]), "drew outside the rect"
    right = image[:, WIDTH:]
    assert red_mask(right)[HEIGHT // 2, WIDTH // 2] and not red_mask(right)[0, 0]


@pytest.mark.gl
def test_draw_view_restores_the_application_state(gl, renderer, array_images):
    color, depth = array_images
    app_framebuffer = gl.glGenFramebuffers(1)
    gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, app_framebuffer)
    gl.glViewport(1, 2, 3, 4)
    gl.glClearColor(0.5, 0.25, 0.125, 1.0)
    gl.glEnable(gl.GL_CULL_FACE)

    def state():
        return [
            int(gl.glGetIntegerv(gl.GL_DRAW_FRAMEBUFFER_BINDING)),
            [int(v) for v in gl.glGetIntegerv(gl.GL_VIEWPORT)],
            [float(v) for v in gl.glGetFloatv(gl.GL_COLOR_CLEAR_VALUE)],
            int(gl.glGetIntegerv(gl.GL_CURRENT_PROGRAM)),
            int(gl.glGetIntegerv(gl.GL_VERTEX_ARRAY_BINDING)),
            [bool(gl.glIsEnabled(e)) for e in (gl.GL_CULL_FACE, gl.GL_DEPTH_TEST, gl.GL_SCISSOR_TEST)],
            bool(gl.glIsEnabled(gl.GL_FRAMEBUFFER_SRGB)),
        ]

    before = state()
    try:
        renderer.draw_view(color, 1, (0, 0, WIDTH, HEIGHT), view_matrix(EYE, FORWARD), symmetric_projection(), depth, 1)
        after = state()
    finally:
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, 0)
        gl.glDeleteFramebuffers(1, [app_framebuffer])
        gl.glViewport(0, 0, 1, 1)
        gl.glClearColor(0, 0, 0, 0)
        gl.glDisable(gl.GL_CULL_FACE)
    assert after == before
    assert before[0] == app_framebuffer and before[5][0] is True


@pytest.mark.gl
def test_release_deletes_every_gl_object_and_can_repeat(gl, runtime_gl, array_images):
    color, _ = array_images
    renderer = BasicSceneRenderer([RED_BOX])
    assert renderer.gl_object_count == 0  # nothing before the first draw
    renderer.draw_view(color, 0, (0, 0, WIDTH, HEIGHT), view_matrix(EYE, FORWARD), symmetric_projection())
    program = renderer._program
    assert renderer.gl_object_count == 5 and gl.glIsProgram(program)
    renderer.release()
    renderer.release()
    assert renderer.gl_object_count == 0 and not gl.glIsProgram(program)
    assert gl.glGetError() == gl.GL_NO_ERROR


@pytest.mark.gl
def test_set_boxes_changes_the_picture(runtime_gl, renderer, array_images):
    color, _ = array_images
    renderer.set_boxes([])
    renderer.draw_view(color, 0, (0, 0, WIDTH, HEIGHT), view_matrix(EYE, FORWARD), symmetric_projection())
    image = runtime_gl.read_image(color, 2, 0, 0, 0, WIDTH, HEIGHT, GL_SRGB8_ALPHA8)
    assert not red_mask(image).any()


@pytest.mark.parametrize("rect", [(0, 0, 0, 10), (-1, 0, 10, 10)])
def test_bad_rect_is_rejected(rect):
    with pytest.raises(ValueError, match="bad rect"):
        BasicSceneRenderer([]).draw_view(1, None, rect, np.eye(4), np.eye(4))
