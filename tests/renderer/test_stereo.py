"""The stereo renderer: both eyes in one pass or two, lit materials, alpha modes, draw cost, GPU object lifetime.

Images are 128×128 per eye, read back from swapchain-like textures made by RuntimeGL; golden images are compared by
tests/renderer/golden.py (tolerance and --regenerate documented there).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pytest

from renderer import primitives
from renderer.environment import SKY_COLOR_LINEAR
from renderer.glcalls import GLCallError, GLCalls
from renderer.gpu import vertex_data
from renderer.runtime_gl import GL_DEPTH_COMPONENT24, GL_RGBA8, GL_SRGB8_ALPHA8
from renderer.scene import Material, Mesh, Node, Scene, Texture
from renderer.stereo import EyeCamera, StereoRenderer, StereoTarget, resolve_mode
from renderer.transforms import project, projection_from_fov, quat_from_yaw_pitch_roll, view_matrix

from . import golden

pytestmark = pytest.mark.gl

SIZE = 128  # pixels per eye, both ways
HEAD = np.array([0.0, 1.6, 0.0])  # metres
IPD = 0.064  # metres between the eyes
SKY_SRGB = np.array([46, 56, 72])  # SKY_COLOR_LINEAR encoded
BOX_TEXTURED = Path(__file__).resolve().parents[3] / "shared" / "test-assets" / "BoxTextured.glb"


# -- fixtures and helpers -------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_gl_error(gl):
    """Every test starts and ends with no GL error pending (with the test context current)."""
    assert gl.glGetError() == gl.GL_NO_ERROR, "a GL error was pending before the test"
    yield
    assert gl.glGetError() == gl.GL_NO_ERROR, "the test left a GL error"


@pytest.fixture
def regenerate(request) -> bool:
    return bool(request.config.getoption("--regenerate"))


@pytest.fixture(params=["single-pass", "two-pass"])
def renderer(request, egl_context, gl):
    """A StereoRenderer in each mode, released after the test."""
    made = StereoRenderer(egl_context, request.param)
    yield made
    made.release()


@pytest.fixture
def single(egl_context, gl):
    made = StereoRenderer(egl_context, "single-pass")
    yield made
    made.release()


@pytest.fixture
def target(runtime_gl):
    """A 2-layer sRGB colour image, 128×128 per eye; deleted after the test."""
    (color,) = runtime_gl.create_images(SIZE, SIZE, 2, GL_SRGB8_ALPHA8, 1)
    yield StereoTarget(color, None, SIZE, SIZE, srgb=True)
    runtime_gl.delete_images([color])


def eyes(head=HEAD, pitch: float = 0.0, ipd: float = IPD) -> list[EyeCamera]:
    """Left and right eye of a head at ``head`` looking along -Z (``pitch`` radians up), 90° field of view."""
    orientation = quat_from_yaw_pitch_roll(0.0, pitch, 0.0)
    right = np.array([1.0, 0.0, 0.0])
    angle = math.radians(45)
    projection = projection_from_fov(-angle, angle, angle, -angle, 0.05, 100.0)
    cameras = []
    for side in (-0.5, 0.5):
        position = np.asarray(head, np.float64) + side * ipd * right
        cameras.append(EyeCamera(view_matrix(position, orientation), projection, position))
    return cameras


def read_eyes(runtime_gl, target: StereoTarget) -> tuple[np.ndarray, np.ndarray]:
    """Both layers as (SIZE, SIZE, 4) uint8, top row first: the stored (sRGB-encoded) bytes."""
    fmt = GL_SRGB8_ALPHA8 if target.srgb else GL_RGBA8
    return tuple(runtime_gl.read_image(target.color_texture, 2, layer, 0, 0, SIZE, SIZE, fmt) for layer in (0, 1))


def pixel_of(camera: EyeCamera, point) -> tuple[int, int]:
    """(row, column) of a world point in an eye's image, row 0 at the top."""
    ndc = project(camera.projection @ camera.view, point)
    return int((1 - ndc[1]) / 2 * SIZE), int((ndc[0] + 1) / 2 * SIZE)


def translate(x: float, y: float, z: float) -> np.ndarray:
    m = np.identity(4)
    m[:3, 3] = (x, y, z)
    return m


def rotate(yaw: float = 0.0, pitch: float = 0.0) -> np.ndarray:
    from renderer.transforms import rotation_matrix

    m = np.identity(4)
    m[:3, :3] = rotation_matrix(quat_from_yaw_pitch_roll(yaw, pitch, 0.0))
    return m


def disc_texture(color=(230, 30, 30)) -> Texture:
    """16×16 sRGB: an opaque disc of ``color`` on fully transparent texels (for MASK)."""
    y, x = np.mgrid[0:16, 0:16] + 0.5
    inside = (x - 8) ** 2 + (y - 8) ** 2 < 7**2
    pixels = np.zeros((16, 16, 4), np.uint8)
    pixels[..., :3] = color
    pixels[..., 3] = np.where(inside, 255, 0)
    return Texture(pixels, srgb=True, name="disc")


def lit_primitives_scene() -> Scene:
    scene = Scene(source="lit primitives")
    root = scene.root
    rough_box = Material("rough dielectric", base_color=(0.70, 0.35, 0.15, 1.0), metallic=0.0, roughness=0.9)
    root.add(
        Node("box", translate(-0.45, 1.35, -1.6) @ rotate(0.6, 0.4), primitives.box((0.35, 0.35, 0.35)), rough_box)
    )
    metal = Material("polished metal", base_color=(0.95, 0.85, 0.6, 1.0), metallic=1.0, roughness=0.2)
    root.add(Node("sphere", translate(0.4, 1.35, -1.6), primitives.sphere(0.2, subdivisions=4), metal))
    mask = Material("red mask", base_color_texture=disc_texture(), alpha_mode="MASK", alpha_cutoff=0.5)
    root.add(Node("mask quad", translate(0.0, 1.8, -1.8), primitives.quad(0.4, 0.4), mask))
    glass = Material("blue glass", base_color=(0.2, 0.45, 1.0, 0.45), roughness=0.3, alpha_mode="BLEND")
    root.add(Node("blend quad", translate(0.3, 1.3, -1.2), primitives.quad(0.3, 0.25), glass))
    return scene


def side_by_side(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.concatenate([left, right], axis=1)


def centroid_column(mask: np.ndarray) -> float:
    rows, cols = np.nonzero(mask)
    assert len(cols), "the object is not in the image"
    return float(cols.mean())


def green(image: np.ndarray) -> np.ndarray:
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return (g > 100) & (g > r + 50) & (g > b + 50)


# -- pure: no GL needed, but cheap to keep here ---------------------------------------------------------------------


def test_a_mesh_without_normals_gets_unit_flat_normals_and_loses_its_indices():
    mesh = Mesh(positions=[[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], indices=[[0, 1, 2], [1, 3, 2]])
    vertices, indices = vertex_data(mesh)
    assert indices is None and vertices.shape == (6, 12)
    np.testing.assert_allclose(vertices[:, 3:6], np.tile([0, 0, 1], (6, 1)))  # counter-clockwise: faces +Z
    np.testing.assert_allclose(vertices[:, 8:12], 1.0)  # white where there are no vertex colours


def test_mode_auto_picks_single_pass_only_when_the_layer_extension_is_offered():
    class Context:
        def __init__(self, extensions):
            self.extensions = extensions
            self.version = (4, 5)

        def has_extension(self, name):
            return name in self.extensions

    assert resolve_mode(Context({"GL_ARB_shader_viewport_layer_array"}), "auto") == "single-pass"
    assert resolve_mode(Context(set()), "auto") == "two-pass"
    with pytest.raises(ValueError, match="two-pass"):
        resolve_mode(Context(set()), "single-pass")
    with pytest.raises(ValueError, match="use one of"):
        resolve_mode(Context(set()), "one-pass")


# -- GL ---------------------------------------------------------------------------------------------------------------


def test_the_choice_of_mode_is_logged(egl_context, caplog):
    with caplog.at_level(logging.INFO, logger="renderer"):
        made = StereoRenderer(egl_context, "auto")
    made.release()
    assert made.mode == "single-pass"  # llvmpipe offers GL_ARB_shader_viewport_layer_array
    assert any("single-pass" in r.getMessage() and r.name == "renderer" for r in caplog.records)


def test_lit_primitives_match_the_golden_image(renderer, target, runtime_gl, regenerate):
    renderer.render(lit_primitives_scene(), eyes(pitch=-0.15), target)
    left, right = read_eyes(runtime_gl, target)
    # Only the single-pass images are golden; the two-pass ones must equal them (test below).
    if renderer.mode == "single-pass":
        golden.compare("lit_primitives", side_by_side(left, right), regenerate)
    # Whatever the golden image says: the key light is up and to the right, so the metal sphere's brightest pixel is
    # in its upper right quarter, and the lit top of the box is brighter than its shadowed side.
    cam = eyes(pitch=-0.15)[0]
    row, col = pixel_of(cam, (0.4, 1.35, -1.6))
    patch = left[row - 12 : row + 12, col - 12 : col + 12, :3].astype(int).sum(axis=2)
    top, right_col = np.unravel_index(np.argmax(patch), patch.shape)
    assert top < 12 and right_col >= 10, f"sphere highlight at {(top, right_col)} of a 24x24 patch"


def test_single_pass_and_two_pass_draw_the_same_images(egl_context, target, runtime_gl):
    images = {}
    for mode in ("single-pass", "two-pass"):
        made = StereoRenderer(egl_context, mode)
        made.render(lit_primitives_scene(), eyes(pitch=-0.15), target)
        images[mode] = np.concatenate(read_eyes(runtime_gl, target), axis=1).astype(int)
        made.release()
    difference = np.abs(images["single-pass"] - images["two-pass"]).max()
    assert difference <= golden.DEFAULT_TOLERANCE
    assert (images["single-pass"][..., :3] != SKY_SRGB).any()  # something was drawn at all


def test_a_near_object_shifts_between_the_eyes(renderer, target, runtime_gl, regenerate):
    scene = Scene(source="parallax")
    near = Material("green", base_color=(0.1, 0.8, 0.1, 1.0))
    far = Material("grey", base_color=(0.5, 0.5, 0.5, 1.0))
    scene.root.add(Node("near", translate(0.0, 1.6, -0.4), primitives.box((0.05, 0.05, 0.05)), near))
    scene.root.add(Node("far", translate(0.0, 1.6, -4.0), primitives.box((0.8, 0.8, 0.8)), far))
    renderer.render(scene, eyes(), target)
    left, right = read_eyes(runtime_gl, target)
    if renderer.mode == "single-pass":
        golden.compare("parallax", side_by_side(left, right), regenerate)
    # The left eye sees a centred near object to its right, the right eye to its left: about 10 px apart at 40 cm
    # (6.4 cm between the eyes, 90° over 128 px), as the projection of its front face says.
    left_eye, right_eye = eyes()
    expected = pixel_of(left_eye, (0.0, 1.6, -0.375))[1] - pixel_of(right_eye, (0.0, 1.6, -0.375))[1]
    shift = centroid_column(green(left)) - centroid_column(green(right))
    assert expected > 8 and abs(shift - expected) <= 1.5, f"near object shifted {shift:.1f} px, expected {expected}"


def test_box_textured_matches_the_golden_image(single, target, runtime_gl, regenerate):
    try:
        from renderer.loader import load_scene
    except ImportError:
        pytest.skip("renderer/loader.py (load_scene) is not there yet")
    scene = load_scene(BOX_TEXTURED)
    scene.root.transform = rotate(0.6, 0.5) @ scene.root.transform  # three faces, so orientation errors show
    single.render(scene, eyes(head=(0.0, 0.0, 2.2)), target, floor_grid=False)
    left, right = read_eyes(runtime_gl, target)
    golden.compare("box_textured", side_by_side(left, right), regenerate)
    single.release_scene(scene)


def test_srgb_is_decoded_from_textures_and_encoded_once(single, target, runtime_gl):
    # Unlit, a texture byte of 188 (sRGB for linear 0.5) times a linear factor of 1 must come out as 188 again:
    # decoded on sampling, encoded by GL_FRAMEBUFFER_SRGB. Treating it as linear would give 225; no encoding 128.
    texture = Texture(np.full((4, 4, 4), (188, 188, 188, 255), np.uint8), srgb=True)
    scene = Scene()
    material = Material("unlit texture", base_color_texture=texture, unlit=True)
    scene.root.add(Node("wall", translate(0.0, 1.6, -1.0), primitives.quad(4.0, 4.0), material))
    single.render(scene, eyes(), target, floor_grid=False)
    left, right = read_eyes(runtime_gl, target)
    np.testing.assert_allclose(left[64, 64, :3], 188, atol=1)
    np.testing.assert_allclose(right[64, 64, :3], 188, atol=1)


def test_texture_row_zero_is_the_top_of_the_picture(renderer, target, runtime_gl):
    pixels = np.zeros((8, 8, 4), np.uint8)
    pixels[:4] = (255, 0, 0, 255)  # top half red
    pixels[4:] = (0, 0, 255, 255)  # bottom half blue
    scene = Scene()
    material = Material("halves", base_color_texture=Texture(pixels), unlit=True)
    scene.root.add(Node("wall", translate(0.0, 1.6, -1.0), primitives.quad(1.0, 1.0), material))
    renderer.render(scene, eyes(), target, floor_grid=False)
    for image in read_eyes(runtime_gl, target):
        assert image[40, 64, 0] > 200 and image[40, 64, 2] < 50, "the top of the quad should be red"
        assert image[88, 64, 2] > 200 and image[88, 64, 0] < 50, "the bottom of the quad should be blue"


def test_single_sided_faces_are_culled_and_double_sided_ones_lit_from_behind(renderer, target, runtime_gl):
    for double_sided in (False, True):
        scene = Scene()
        material = Material("card", base_color=(0.8, 0.8, 0.8, 1.0), double_sided=double_sided)
        # A quad facing away from the viewer (+Z normal turned to -Z), lit from above-behind the viewer.
        turned = translate(0.0, 1.6, -1.0) @ rotate(yaw=math.pi)
        scene.root.add(Node("card", turned, primitives.quad(0.6, 0.6), material))
        renderer.render(scene, eyes(), target, floor_grid=False)
        left, _ = read_eyes(runtime_gl, target)
        centre = left[64, 64, :3].astype(int)
        if double_sided:
            # The flipped normal faces the viewer and the light (+Z side): brightly lit, not black and not sky.
            assert centre.min() > 120, f"back face of a double-sided quad is {centre}"
        else:
            assert np.abs(centre - SKY_SRGB).max() <= 2, f"a single-sided back face was drawn: {centre}"


def test_mask_discards_and_blend_lets_the_background_through(renderer, target, runtime_gl):
    scene = Scene()
    wall = Material("white wall", base_color=(1.0, 1.0, 1.0, 1.0), unlit=True)
    scene.root.add(Node("wall", translate(0.0, 1.6, -3.0), primitives.quad(10.0, 10.0), wall))
    mask = Material("mask", base_color_texture=disc_texture((0, 0, 0)), alpha_mode="MASK", unlit=True)
    scene.root.add(Node("mask", translate(-0.3, 1.6, -1.0), primitives.quad(0.4, 0.4), mask))
    glass = Material("glass", base_color=(0.0, 0.0, 0.0, 0.5), alpha_mode="BLEND", unlit=True)
    scene.root.add(Node("glass", translate(0.3, 1.6, -1.0), primitives.quad(0.3, 0.3), glass))
    renderer.render(scene, eyes(ipd=0.0), target, floor_grid=False)
    left, _ = read_eyes(runtime_gl, target)
    cam = eyes(ipd=0.0)[0]
    r, c = pixel_of(cam, (-0.3, 1.6, -1.0))
    assert left[r, c, 0] < 10, "the opaque centre of the MASK disc is black"
    r, c = pixel_of(cam, (-0.3 + 0.19, 1.6 + 0.19, -1.0))
    assert left[r, c, 0] > 245, "the transparent corner of the MASK quad shows the wall"
    r, c = pixel_of(cam, (0.3, 1.6, -1.0))
    assert 170 < left[r, c, 0] < 200, f"half-covered white is sRGB ~188, got {left[r, c, :3]}"


def test_blended_objects_are_drawn_back_to_front(single, target, runtime_gl):
    scene = Scene()
    red = Material("red", base_color=(1.0, 0.0, 0.0, 0.5), alpha_mode="BLEND", unlit=True)
    blue = Material("blue", base_color=(0.0, 0.0, 1.0, 0.5), alpha_mode="BLEND", unlit=True)
    # Listed near first. Depth writes are off for BLEND, so drawn in scene order the far blue quad would land on top;
    # sorted back to front, the near red one does and red outweighs blue.
    scene.root.add(Node("near red", translate(0.0, 1.6, -1.0), primitives.quad(0.5, 0.5), red))
    scene.root.add(Node("far blue", translate(0.0, 1.6, -1.5), primitives.quad(1.0, 1.0), blue))
    single.render(scene, eyes(), target, floor_grid=False)
    left, right = read_eyes(runtime_gl, target)
    for image in (left, right):
        assert int(image[64, 64, 0]) > int(image[64, 64, 2]) + 40, f"blue drawn over red: {image[64, 64, :3]}"


def test_a_highlight_makes_an_object_glow(single, target, runtime_gl):
    scene = Scene()
    material = Material("grey", base_color=(0.3, 0.3, 0.3, 1.0))
    node = scene.root.add(Node("ball", translate(0.0, 1.6, -1.0), primitives.sphere(0.2), material))
    single.render(scene, eyes(), target, floor_grid=False)
    plain = read_eyes(runtime_gl, target)[0][64, 64, :3].astype(int)
    node.highlight = (0.0, 0.6, 0.0)
    single.render(scene, eyes(), target, floor_grid=False)
    glowing = read_eyes(runtime_gl, target)[0][64, 64, :3].astype(int)
    assert glowing[1] > plain[1] + 20 and abs(glowing[0] - plain[0]) <= 2


def test_meshes_without_normals_or_indices_are_drawn_lit(renderer, target, runtime_gl):
    scene = Scene()
    material = Material("plain", base_color=(0.8, 0.8, 0.8, 1.0))
    # A triangle list (no indices, no normals) facing the viewer, and an indexed box without normals.
    triangles = Mesh(
        positions=[[-0.2, -0.2, 0], [0.2, -0.2, 0], [0.2, 0.2, 0], [-0.2, -0.2, 0], [0.2, 0.2, 0], [-0.2, 0.2, 0]]
    )
    box = primitives.box((0.3, 0.3, 0.3))
    bare_box = Mesh(positions=box.positions, indices=box.indices, name="bare box")
    scene.root.add(Node("triangles", translate(-0.3, 1.6, -1.2), triangles, material))
    scene.root.add(Node("box", translate(0.3, 1.6, -1.2) @ rotate(0.5, 0.4), bare_box, material))
    renderer.render(scene, eyes(ipd=0.0), target, floor_grid=False)
    left, _ = read_eyes(runtime_gl, target)
    cam = eyes(ipd=0.0)[0]
    for point in ((-0.3, 1.6, -1.2), (0.3, 1.6, -1.2)):
        r, c = pixel_of(cam, point)
        value = left[r, c, :3].astype(int)
        assert np.abs(value - SKY_SRGB).max() > 30, f"nothing drawn at {point}: {value}"
        assert value.min() > 60, f"drawn black at {point} (a wrong normal?): {value}"


def test_depth_goes_into_the_given_depth_image(single, runtime_gl):
    (color,) = runtime_gl.create_images(SIZE, SIZE, 2, GL_RGBA8, 1)
    (depth,) = runtime_gl.create_images(SIZE, SIZE, 2, GL_DEPTH_COMPONENT24, 1)
    try:
        scene = Scene()
        scene.root.add(Node("wall", translate(0.0, 1.6, -2.0), primitives.quad(1.0, 1.0), Material("w")))
        single.render(scene, eyes(), StereoTarget(color, depth, SIZE, SIZE, srgb=False), floor_grid=False)
        for layer in (0, 1):
            values = runtime_gl.read_image(depth, 2, layer, 0, 0, SIZE, SIZE, GL_DEPTH_COMPONENT24)
            assert values[64, 64] < 0.999 and values[2, 2] == pytest.approx(1.0)
        # A linear target is written without sRGB encoding: the sky is its linear value as bytes.
        sky = runtime_gl.read_image(color, 2, 0, 0, 0, SIZE, SIZE, GL_RGBA8)[2, 2, :3]
        np.testing.assert_allclose(sky, np.round(np.array(SKY_COLOR_LINEAR[:3]) * 255), atol=1)
    finally:
        runtime_gl.delete_images([color, depth])


def test_the_callers_gl_state_is_put_back(single, target, gl):
    framebuffer = int(gl.glGenFramebuffers(1))
    try:
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, framebuffer)
        gl.glViewport(3, 4, 50, 60)
        gl.glEnable(gl.GL_SCISSOR_TEST)
        gl.glDisable(gl.GL_DEPTH_TEST)
        gl.glEnable(gl.GL_CULL_FACE)
        gl.glDepthMask(gl.GL_FALSE)
        single.render(lit_primitives_scene(), eyes(), target)
        assert int(gl.glGetIntegerv(gl.GL_DRAW_FRAMEBUFFER_BINDING)) == framebuffer
        assert [int(v) for v in gl.glGetIntegerv(gl.GL_VIEWPORT)] == [3, 4, 50, 60]
        assert gl.glIsEnabled(gl.GL_SCISSOR_TEST) and not gl.glIsEnabled(gl.GL_DEPTH_TEST)
        assert gl.glIsEnabled(gl.GL_CULL_FACE) and not gl.glIsEnabled(gl.GL_FRAMEBUFFER_SRGB)
        assert not gl.glIsEnabled(gl.GL_BLEND) and not bool(gl.glGetBooleanv(gl.GL_DEPTH_WRITEMASK))
        assert int(gl.glGetIntegerv(gl.GL_CURRENT_PROGRAM)) == 0
    finally:
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, 0)
        gl.glDeleteFramebuffers(1, [framebuffer])
        gl.glDisable(gl.GL_SCISSOR_TEST)
        gl.glEnable(gl.GL_DEPTH_TEST)
        gl.glDisable(gl.GL_CULL_FACE)
        gl.glDepthMask(gl.GL_TRUE)


def test_gpu_objects_return_to_their_baseline_after_release_scene(renderer, target):
    renderer.render(Scene(), eyes(), target)  # the renderer's own objects (its depth image) exist from here
    baseline = renderer.live_objects()
    scene = lit_primitives_scene()
    renderer.render(scene, eyes(), target)
    during = renderer.live_objects()
    # 4 meshes (vertex array, vertex and index buffers each), 4 material blocks, 1 texture.
    assert during["vertex_arrays"] == baseline["vertex_arrays"] + 4
    assert during["buffers"] == baseline["buffers"] + 12
    assert during["textures"] == baseline["textures"] + 1
    renderer.render(scene, eyes(), target)
    assert renderer.live_objects() == during  # made once, not every frame
    renderer.release_scene(scene)
    assert renderer.live_objects() == baseline
    renderer.release()
    renderer.release()  # idempotent
    assert set(renderer.live_objects().values()) == {0}


def test_gl_calls_do_not_grow_with_instances_of_one_mesh_and_material(renderer, target):
    def scene_of(count: int) -> Scene:
        scene = Scene()
        mesh, material = primitives.box((0.02, 0.02, 0.02)), Material("shared", base_color=(0.5, 0.6, 0.7, 1.0))
        for i in range(count):
            x, z = divmod(i, 40)
            scene.root.add(Node(f"n{i}", translate(x * 0.05 - 0.6, 1.4, -1.0 - z * 0.05), mesh, material))
        return scene

    counts = {}
    for count in (10, 1000):
        scene = scene_of(count)
        renderer.render(scene, eyes(), target)  # first frame uploads the mesh and material
        renderer.render(scene, eyes(), target)
        counts[count] = renderer.last_frame_gl_calls
        renderer.release_scene(scene)
    assert counts[10] == counts[1000]
    assert counts[10] > 0


def test_gl_calls_grow_with_distinct_meshes(single, target):
    """The counter itself is live: distinct meshes each cost a draw (so the test above can fail)."""
    scene = Scene()
    for i in range(5):
        scene.root.add(Node(f"n{i}", translate(i * 0.1, 1.5, -1.0), primitives.box((0.05, 0.05, 0.05)), Material()))
    single.render(scene, eyes(), target)
    single.render(scene, eyes(), target)
    five = single.last_frame_gl_calls
    single.render(Scene(), eyes(), target)
    assert five > single.last_frame_gl_calls + 5
    single.release_scene(scene)


def test_debug_mode_names_the_failing_call(egl_context, target):
    made = StereoRenderer(egl_context, "single-pass", debug=True)
    try:
        bad = StereoTarget(0xDEAD, None, SIZE, SIZE, srgb=True)  # no such texture
        with pytest.raises(GLCallError, match=r"glNamedFramebufferTexture\(.*GL_INVALID_VALUE"):
            made.render(Scene(), eyes(), bad)
        made.render(Scene(), eyes(), target)  # and it still works afterwards
    finally:
        made.release()


def test_the_call_proxy_counts_and_checks(gl):
    checked = GLCalls(gl, debug=True)
    with pytest.raises(GLCallError, match=r"glEnable\(4660\) raised GL_INVALID_ENUM"):
        checked.glEnable(0x1234)
    counting = GLCalls(gl)
    counting.glGetError()
    counting.glGetError()
    assert counting.take_count() == 2 and counting.take_count() == 0
    assert counting.GL_TRIANGLES == gl.GL_TRIANGLES
