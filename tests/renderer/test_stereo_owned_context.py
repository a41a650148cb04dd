"""The stereo renderer in a context it owns (``render(..., restore_state=False)``, what the application's frame loop
does): the same pictures for fewer GL calls, whatever state other GL code left behind; and per-frame work that is
skipped when nothing changed still follows what did change."""

from __future__ import annotations

import math

import numpy as np
import pytest

from renderer import primitives
from renderer.runtime_gl import GL_SRGB8_ALPHA8
from renderer.scene import Material, Node, Scene
from renderer.stereo import StereoRenderer, StereoTarget

from .test_stereo import SIZE, eyes, lit_primitives_scene, read_eyes, rotate, translate

pytestmark = pytest.mark.gl


@pytest.fixture(params=["single-pass", "two-pass"])
def renderer(request, egl_context, gl):
    """A StereoRenderer in each mode; afterwards the state its frames left is set back to GL's defaults, as the
    other tests sharing this context expect to find it."""
    made = StereoRenderer(egl_context, request.param)
    yield made
    made.release()  # unbinds its program, vertex array and framebuffer
    for capability in (gl.GL_FRAMEBUFFER_SRGB, gl.GL_DEPTH_TEST, gl.GL_CULL_FACE, gl.GL_BLEND):
        gl.glDisable(capability)
    gl.glDepthMask(gl.GL_TRUE)
    gl.glClearColor(0.0, 0.0, 0.0, 0.0)
    gl.glBindBufferBase(gl.GL_UNIFORM_BUFFER, 0, 0)
    gl.glBindBufferBase(gl.GL_UNIFORM_BUFFER, 1, 0)


@pytest.fixture
def target(runtime_gl):
    (color,) = runtime_gl.create_images(SIZE, SIZE, 2, GL_SRGB8_ALPHA8, 1)
    yield StereoTarget(color, None, SIZE, SIZE, srgb=True)
    runtime_gl.delete_images([color])


def test_without_restoring_state_the_picture_is_the_same_for_far_fewer_gl_calls(renderer, target, runtime_gl):
    scene = lit_primitives_scene()
    renderer.render(scene, eyes(), target)  # first frame: uploads
    renderer.render(scene, eyes(), target)
    restored, restored_calls = read_eyes(runtime_gl, target), renderer.last_frame_gl_calls
    renderer.render(scene, eyes(), target, restore_state=False)
    kept, kept_calls = read_eyes(runtime_gl, target), renderer.last_frame_gl_calls
    for a, b in zip(restored, kept, strict=True):
        np.testing.assert_array_equal(a, b)
    assert kept_calls <= restored_calls - 40  # the caller's state: about 30 queries and as many calls to put back
    renderer.release_scene(scene)


def test_state_left_by_other_gl_code_does_not_change_the_picture(renderer, target, runtime_gl, gl):
    scene = lit_primitives_scene()
    renderer.render(scene, eyes(), target, restore_state=False)
    clean = read_eyes(runtime_gl, target)
    framebuffer = int(gl.glGenFramebuffers(1))
    try:
        # What a mirror window, a capture or a careless library might leave between two frames.
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, framebuffer)
        gl.glViewport(3, 4, 50, 60)
        gl.glEnable(gl.GL_SCISSOR_TEST)
        gl.glScissor(0, 0, 10, 10)
        gl.glEnable(gl.GL_BLEND)
        gl.glBlendFunc(gl.GL_ONE, gl.GL_ONE)
        gl.glDepthFunc(gl.GL_GREATER)
        gl.glDepthMask(gl.GL_FALSE)
        gl.glColorMask(gl.GL_FALSE, gl.GL_TRUE, gl.GL_TRUE, gl.GL_TRUE)
        gl.glEnable(gl.GL_CULL_FACE)
        gl.glCullFace(gl.GL_FRONT)
        gl.glClearColor(1.0, 0.0, 1.0, 1.0)
        gl.glUseProgram(0)
        gl.glBindVertexArray(0)
        renderer.render(scene, eyes(), target, restore_state=False)
        for a, b in zip(clean, read_eyes(runtime_gl, target), strict=True):
            np.testing.assert_array_equal(a, b)
    finally:
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, 0)
        gl.glDeleteFramebuffers(1, [framebuffer])
        gl.glDisable(gl.GL_SCISSOR_TEST)
        gl.glScissor(0, 0, SIZE, SIZE)
        gl.glDisable(gl.GL_BLEND)
        gl.glBlendFunc(gl.GL_ONE, gl.GL_ZERO)
        gl.glDepthFunc(gl.GL_LESS)
        gl.glDepthMask(gl.GL_TRUE)
        gl.glColorMask(gl.GL_TRUE, gl.GL_TRUE, gl.GL_TRUE, gl.GL_TRUE)
        gl.glDisable(gl.GL_CULL_FACE)
        gl.glCullFace(gl.GL_BACK)
        gl.glClearColor(0.0, 0.0, 0.0, 0.0)
        renderer.release_scene(scene)


def test_a_node_that_turns_between_frames_is_lit_as_it_faces_now(renderer, target, runtime_gl, egl_context):
    """The normal matrices are worked out again only when a model matrix changed: a turn must still relight it."""
    mesh = primitives.box((0.5, 0.5, 0.5))
    material = Material("matte", base_color=(0.8, 0.8, 0.8, 1.0), roughness=0.9)

    def scene_turned(yaw: float) -> tuple[Scene, Node]:
        scene = Scene()
        node = scene.root.add(Node("box", translate(0.0, 1.6, -1.5) @ rotate(yaw=yaw), mesh, material))
        return scene, node

    scene, node = scene_turned(0.0)
    renderer.render(scene, eyes(), target, restore_state=False)
    before = read_eyes(runtime_gl, target)
    node.transform = translate(0.0, 1.6, -1.5) @ rotate(yaw=math.radians(35))
    renderer.render(scene, eyes(), target, restore_state=False)
    after = read_eyes(runtime_gl, target)
    assert np.abs(after[0].astype(int) - before[0].astype(int)).max() > 10  # it did change

    fresh = StereoRenderer(egl_context, renderer.mode)
    try:
        turned, _ = scene_turned(math.radians(35))
        fresh.render(turned, eyes(), target, restore_state=False)
        for a, b in zip(after, read_eyes(runtime_gl, target), strict=True):
            np.testing.assert_array_equal(a, b)
        fresh.release_scene(turned)
    finally:
        fresh.release()
    renderer.release_scene(scene)
