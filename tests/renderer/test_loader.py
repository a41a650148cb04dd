"""Model files into scenes: the shared test assets, hand-built glTF files, broken and hostile files, fitting for view.

Pure Python: no GL. The real assets are read from ``../shared/test-assets/`` beside the project (never copied in);
everything else is written into ``tmp_path`` by the test that needs it.
"""

from __future__ import annotations

import io
import json
import logging
import random
import struct
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image

from renderer import loader
from renderer.loader import SUPPORTED_EXTENSIONS, SceneLoadError, fit_for_viewing, load_scene
from renderer.primitives import box, sphere
from renderer.scene import Node, Scene

ASSETS = Path(__file__).resolve().parents[2].parent / "shared" / "test-assets"
ASSET_NAMES = ("cube.glb", "BoxTextured.glb", "Duck.glb", "monkey.glb")


@pytest.fixture(scope="module")
def assets() -> Path:
    """The shared asset folder; a missing one fails the test rather than skipping it quietly."""
    assert ASSETS.is_dir(), f"the shared test assets are missing: expected them in {ASSETS}"
    return ASSETS


def _chunks(data: bytes) -> tuple[int, int, int]:
    """(JSON start, JSON length, binary data start) of a .glb file's bytes."""
    json_length = struct.unpack_from("<I", data, 12)[0]
    return 20, json_length, 20 + json_length + 8


def _glb(gltf: dict, binary: bytes = b"") -> bytes:
    """A .glb file from a glTF JSON document and its binary buffer (padded as the spec requires)."""
    gltf = {"asset": {"version": "2.0"}, **gltf}
    if binary:
        gltf["buffers"] = [{"byteLength": len(binary)}]
    text = json.dumps(gltf).encode()
    text += b" " * (-len(text) % 4)
    binary += b"\0" * (-len(binary) % 4)
    body = struct.pack("<I4s", len(text), b"JSON") + text
    if binary:
        body += struct.pack("<I4s", len(binary), b"BIN\0") + binary
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body


class _Buffer:
    """Arrays and images packed into one glTF binary buffer, each with its bufferView (and accessor)."""

    def __init__(self) -> None:
        self.binary = bytearray()
        self.views: list[dict] = []
        self.accessors: list[dict] = []

    def _view(self, data: bytes) -> int:
        self.binary += b"\0" * (-len(self.binary) % 4)
        self.views.append({"buffer": 0, "byteOffset": len(self.binary), "byteLength": len(data)})
        self.binary += data
        return len(self.views) - 1

    def accessor(self, array, kind: str) -> int:
        array = np.ascontiguousarray(array)
        component = {np.dtype(np.float32): 5126, np.dtype(np.uint32): 5125}[array.dtype]
        accessor = {"bufferView": self._view(array.tobytes()), "componentType": component, "count": len(array)}
        accessor["type"] = kind
        if kind == "VEC3" and component == 5126:  # POSITION needs its bounds
            accessor["min"], accessor["max"] = array.min(axis=0).tolist(), array.max(axis=0).tolist()
        self.accessors.append(accessor)
        return len(self.accessors) - 1

    def image(self, image: Image.Image) -> int:
        data = io.BytesIO()
        image.save(data, format="PNG")
        return self._view(data.getvalue())

    def glb(self, **gltf) -> bytes:
        return _glb({"bufferViews": self.views, "accessors": self.accessors, **gltf}, bytes(self.binary))


# Two triangles (a unit square on z = 0) as a plain triangle list: no indices, no normals.
SQUARE = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 0, 0], [1, 1, 0], [0, 1, 0]], dtype=np.float32)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the shared assets ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ASSET_NAMES)
def test_every_asset_loads_with_triangles_and_normals(assets, name):
    path = assets / name
    scene = load_scene(path)
    drawn = list(scene.drawables())
    assert drawn, f"{name}: no meshes"
    assert scene.source == str(path)
    for node, _ in drawn:
        mesh = node.mesh
        assert mesh.triangle_count > 0
        assert mesh.normals is not None and mesh.normals.shape == mesh.positions.shape
        lengths = np.linalg.norm(mesh.normals, axis=1)
        assert np.allclose(lengths, 1.0, atol=1e-3), f"{name}: normals are not unit length"


def test_box_textured_has_an_srgb_base_colour_texture_and_uvs(assets):
    node = next(node for node, _ in load_scene(assets / "BoxTextured.glb").drawables())
    texture = node.material.base_color_texture
    assert texture is not None and texture.srgb is True
    assert texture.pixels.shape == (256, 256, 4) and texture.pixels.dtype == np.uint8
    assert node.mesh.uvs is not None and node.mesh.uvs.shape == (len(node.mesh.positions), 2)
    # Absent from the file: glTF's defaults apply (roughness 1), metallic 0 as written.
    assert node.material.roughness == 1.0 and node.material.metallic == 0.0
    assert node.material.base_color == (1.0, 1.0, 1.0, 1.0)


def _raw_primitive(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The first primitive's float attributes read straight from a .glb, without trimesh."""
    data = path.read_bytes()
    start, length, binary = _chunks(data)
    gltf = json.loads(data[start : start + length])
    attributes = {}
    for name, index in gltf["meshes"][0]["primitives"][0]["attributes"].items():
        accessor = gltf["accessors"][index]
        view = gltf["bufferViews"][accessor["bufferView"]]
        width = {"VEC2": 2, "VEC3": 3}[accessor["type"]]
        offset = binary + view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
        values = np.frombuffer(data, np.float32, accessor["count"] * width, offset)
        attributes[name] = values.reshape(-1, width)
    return gltf, attributes


def test_box_textured_uvs_are_the_files_own_gltf_uvs(assets):
    """Scene UVs are glTF's (v = 0 at the top), i.e. exactly TEXCOORD_0 as stored, matched vertex by vertex."""
    _, raw = _raw_primitive(assets / "BoxTextured.glb")
    mesh = next(node.mesh for node, _ in load_scene(assets / "BoxTextured.glb").drawables())
    expected = {
        (tuple(np.round(p, 4)), tuple(np.round(n, 3))): tuple(np.round(uv, 4))
        for p, n, uv in zip(raw["POSITION"], raw["NORMAL"], raw["TEXCOORD_0"], strict=True)
    }
    for p, n, uv in zip(mesh.positions, mesh.normals, mesh.uvs, strict=True):
        assert expected[(tuple(np.round(p, 4)), tuple(np.round(n, 3)))] == tuple(np.round(uv, 4))


def test_box_textured_logo_is_upright_on_the_side_faces(assets):
    """The Cesium logo has sky (blue) above hills (green): on every side face of the box, in world space, a point
    above the face's centre must sample blue and one below it green. A v flip would swap them."""
    scene = load_scene(assets / "BoxTextured.glb")
    node, world = next(iter(scene.drawables()))
    pixels = node.material.base_color_texture.pixels.astype(int)
    height, width = pixels.shape[:2]
    mesh = node.mesh
    positions = mesh.positions @ world[:3, :3].T + world[:3, 3]
    normals = mesh.normals @ world[:3, :3].T
    checked = set()
    for triangle in mesh.indices:
        normal = np.round(normals[triangle[0]], 3)
        if abs(normal[1]) > 0.5 or tuple(normal) in checked:
            continue  # top and bottom faces have no "up"
        checked.add(tuple(normal))
        across = np.cross([0.0, 1.0, 0.0], normal)
        # UV is affine across a face: solve uv = [along, y, 1] @ coefficients from the triangle's corners.
        corners = np.column_stack([positions[triangle] @ across, positions[triangle][:, 1], np.ones(3)])
        coefficients = np.linalg.solve(corners, mesh.uvs[triangle])
        centre = (normal * 0.5) @ across
        for y, want in ((0.25, "blue"), (-0.25, "green")):
            u, v = np.array([centre, y, 1.0]) @ coefficients
            r, g, b, _ = pixels[int((v % 1) * height), int((u % 1) * width)]
            if want == "blue":
                assert b > r + 40 and b > g + 20, f"face {normal}: above the centre is {(r, g, b)}, not sky blue"
            else:
                assert g > b + 40 and g > r + 20, f"face {normal}: below the centre is {(r, g, b)}, not green"
    assert len(checked) == 4


def test_duck_keeps_its_node_hierarchy_names_and_camera(assets):
    scene = load_scene(assets / "Duck.glb")
    top = {node.name: node for node in scene.root.children}
    assert set(top) == {"0", "camera"}
    assert top["camera"].mesh is None and top["camera"].children == []
    assert [child.name for child in top["0"].children] == ["2"]
    assert top["0"].mesh is None and top["0"].children[0].mesh.name == "LOD3spShape"
    assert np.allclose(np.diag(top["0"].transform), [0.01, 0.01, 0.01, 1.0])
    assert scene.find("2") is top["0"].children[0]


def test_loading_twice_gives_the_same_node_names(assets):
    """trimesh names an unnamed camera at random; scenarios need names that do not change between runs."""
    names = [[node.name for node, _ in load_scene(assets / "Duck.glb").root.walk()] for _ in range(2)]
    assert names[0] == names[1]


def test_monkey_has_smooth_normals(assets):
    mesh = next(node.mesh for node, _ in load_scene(assets / "monkey.glb").drawables())
    corners = mesh.positions[mesh.indices]
    face_normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    face_normals /= np.linalg.norm(face_normals, axis=1, keepdims=True)
    cosines = np.einsum("fcj,fj->fc", mesh.normals[mesh.indices], face_normals)
    # Flat shading would make every corner normal equal its face's normal.
    assert (cosines < 0.9999).mean() > 0.5


def test_cube_base_colour_factor_becomes_a_linear_float(assets):
    material = next(node.material for node, _ in load_scene(assets / "cube.glb").drawables())
    # The file says baseColorFactor (0.3984375, ..., 0.99609375); trimesh keeps it as bytes, so within 1/255.
    assert np.allclose(material.base_color, [0.3984375, 0.3984375, 0.3984375, 0.99609375], atol=1 / 255)
    assert material.metallic == pytest.approx(0.02) and material.roughness == pytest.approx(0.1)


# --- broken, hostile and odd files --------------------------------------------------------------------------------


def _broken(data: bytes, how: str) -> bytes:
    start, length, binary = _chunks(data)
    if how == "half":
        return data[: len(data) // 2]
    if how == "first 100 bytes":
        return data[:100]
    if how == "json overwritten":
        middle = start + length // 2
        return data[:middle] + b"\xff\x00{[" + data[middle + 4 :]
    if how == "binary overwritten":
        return data[:binary] + b"\xff" * (len(data) - binary)  # NaN floats and indices past the end
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["half", "first 100 bytes", "json overwritten", "binary overwritten"])
@pytest.mark.parametrize("name", ASSET_NAMES)
def test_broken_copies_of_each_asset_raise_scene_load_error_naming_the_file(assets, tmp_path, name, how):
    path = _write(tmp_path / f"broken-{name}", _broken((assets / name).read_bytes(), how))
    with pytest.raises(SceneLoadError) as raised:
        load_scene(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert ". " in message[len(str(path)) + 2 :], f"no advice after the problem: {message}"


def test_a_truncated_file_keeps_the_original_exception_as_cause(assets, tmp_path):
    path = _write(tmp_path / "half.glb", (assets / "Duck.glb").read_bytes()[:60_000])
    with pytest.raises(SceneLoadError) as raised:
        load_scene(path)
    assert raised.value.__cause__ is not None


@pytest.mark.parametrize("name", ["cube.glb", "BoxTextured.glb"])
def test_random_corruptions_raise_only_scene_load_error(assets, tmp_path, name):
    original = (assets / name).read_bytes()
    rng = random.Random(f"loader-{name}")  # fixed seed: a failure is reproducible
    outcomes = {"loaded": 0, "refused": 0}
    for attempt in range(30):
        data = bytearray(original)
        kind = attempt % 3
        if kind == 0:  # a few bytes overwritten anywhere, header included
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:  # cut short
            data = data[: rng.randrange(1, len(data))]
        else:  # a run of garbage
            at = rng.randrange(len(data))
            data[at : at + 64] = bytes(rng.randrange(256) for _ in range(64))
        path = _write(tmp_path / f"random-{attempt}.glb", bytes(data))
        try:
            scene = load_scene(path)
        except SceneLoadError as error:
            assert str(error).startswith(f"{path}: ")
            outcomes["refused"] += 1
        else:
            assert isinstance(scene, Scene) and scene.source == str(path)
            outcomes["loaded"] += 1
    assert outcomes["refused"] > 0


def test_an_empty_file_is_refused(tmp_path):
    path = _write(tmp_path / "empty.glb", b"")
    with pytest.raises(SceneLoadError, match="empty"):
        load_scene(path)


def test_a_missing_file_is_refused(tmp_path):
    path = tmp_path / "nowhere.glb"
    with pytest.raises(SceneLoadError, match="no such file") as raised:
        load_scene(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_a_directory_is_refused(tmp_path):
    folder = tmp_path / "model.glb"
    folder.mkdir()
    with pytest.raises(SceneLoadError, match="directory"):
        load_scene(folder)


def test_an_unsupported_extension_is_refused_listing_the_supported_ones(tmp_path):
    path = _write(tmp_path / "model.fbx", b"Kaydara FBX Binary")
    with pytest.raises(SceneLoadError) as raised:
        load_scene(path)
    for extension in SUPPORTED_EXTENSIONS:
        assert extension in str(raised.value)


def test_extensions_are_matched_without_regard_to_case(assets, tmp_path):
    path = _write(tmp_path / "CUBE.GLB", (assets / "cube.glb").read_bytes())
    assert list(load_scene(path).drawables())


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(assets, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1024 * 1024 // 16)
    with pytest.raises(SceneLoadError, match="MB limit"):
        load_scene(assets / "Duck.glb")


def test_too_many_triangles_are_refused_naming_the_limit(assets, monkeypatch):
    monkeypatch.setattr(loader, "MAX_TRIANGLES", 500)
    with pytest.raises(SceneLoadError, match="500"):
        load_scene(assets / "monkey.glb")  # 968 triangles


def test_instances_count_towards_the_triangle_limit(tmp_path, monkeypatch):
    scene = trimesh.Scene()
    part = trimesh.creation.box()  # 12 triangles
    for i in range(5):
        scene.add_geometry(
            part,
            geom_name="part",
            node_name=f"part{i}",
            transform=trimesh.transformations.translation_matrix([i, 0, 0]),
        )
    path = tmp_path / "many.glb"
    scene.export(path)
    monkeypatch.setattr(loader, "MAX_TRIANGLES", 50)
    with pytest.raises(SceneLoadError, match="50"):
        load_scene(path)


def test_a_texture_over_the_size_limit_is_refused(tmp_path):
    buffer = _Buffer()
    position = buffer.accessor(SQUARE, "VEC3")
    uv = buffer.accessor(np.zeros((6, 2), dtype=np.float32), "VEC2")
    image = buffer.image(Image.new("RGB", (loader.MAX_TEXTURE_SIDE + 1, 1)))
    data = buffer.glb(
        scenes=[{"nodes": [0]}],
        nodes=[{"mesh": 0, "name": "wide"}],
        meshes=[{"primitives": [{"attributes": {"POSITION": position, "TEXCOORD_0": uv}, "material": 0}]}],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        textures=[{"source": 0}],
        images=[{"bufferView": image, "mimeType": "image/png"}],
    )
    with pytest.raises(SceneLoadError, match=str(loader.MAX_TEXTURE_SIDE)):
        load_scene(_write(tmp_path / "wide.glb", data))


def test_a_glb_that_is_valid_but_empty_has_no_drawable_geometry(tmp_path):
    path = _write(tmp_path / "nothing.glb", _glb({"scenes": [{"nodes": [0]}], "nodes": [{"name": "lonely"}]}))
    with pytest.raises(SceneLoadError, match="no drawable geometry"):
        load_scene(path)


def _points_and_square(with_square: bool) -> bytes:
    buffer = _Buffer()
    points = buffer.accessor(SQUARE, "VEC3")
    square = buffer.accessor(SQUARE + 2, "VEC3")
    meshes = [{"name": "scan", "primitives": [{"attributes": {"POSITION": points}, "mode": 0}]}]
    nodes = [{"mesh": 0, "name": "scan_node"}]
    if with_square:
        meshes.append({"name": "square", "primitives": [{"attributes": {"POSITION": square}}]})
        nodes.append({"mesh": 1, "name": "square_node"})
    return buffer.glb(scenes=[{"nodes": list(range(len(nodes)))}], nodes=nodes, meshes=meshes)


def test_point_clouds_are_skipped_with_a_warning_naming_them(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="renderer.loader"):
        scene = load_scene(_write(tmp_path / "mixed.glb", _points_and_square(with_square=True)))
    assert [node.name for node, _ in scene.drawables()] == ["square_node"]
    assert scene.find("scan_node").mesh is None
    assert any("scan" in record.getMessage() and "PointCloud" in record.getMessage() for record in caplog.records)


def test_a_file_with_only_points_is_refused(tmp_path):
    with pytest.raises(SceneLoadError, match="no drawable geometry.*scan"):
        load_scene(_write(tmp_path / "points.glb", _points_and_square(with_square=False)))


# --- hand-built glTF: what the file says is what the scene gets ---------------------------------------------------


def test_positions_that_are_not_numbers_are_refused(tmp_path):
    buffer = _Buffer()
    positions = SQUARE.copy()
    positions[2] = np.nan
    position = buffer.accessor(positions, "VEC3")
    buffer.accessors[position]["min"], buffer.accessors[position]["max"] = [0, 0, 0], [1, 1, 0]
    data = buffer.glb(
        scenes=[{"nodes": [0]}], nodes=[{"mesh": 0}], meshes=[{"primitives": [{"attributes": {"POSITION": position}}]}]
    )
    with pytest.raises(SceneLoadError, match="not numbers"):
        load_scene(_write(tmp_path / "nan.glb", data))


def test_a_gltf_without_normals_or_indices_still_gets_normals(tmp_path):
    buffer = _Buffer()
    position = buffer.accessor(SQUARE, "VEC3")
    data = buffer.glb(
        scenes=[{"nodes": [0]}], nodes=[{"mesh": 0}], meshes=[{"primitives": [{"attributes": {"POSITION": position}}]}]
    )
    mesh = next(node.mesh for node, _ in load_scene(_write(tmp_path / "bare.glb", data)).drawables())
    assert mesh.triangle_count == 2
    assert np.allclose(mesh.normals, [0, 0, 1], atol=1e-6)


def test_gltf_vertex_colours_stay_linear(tmp_path):
    buffer = _Buffer()
    position = buffer.accessor(SQUARE, "VEC3")
    colors = np.tile(np.array([[0.5, 0.25, 1.0, 0.75]], dtype=np.float32), (6, 1))
    color = buffer.accessor(colors, "VEC4")
    attributes = {"POSITION": position, "COLOR_0": color}
    data = buffer.glb(
        scenes=[{"nodes": [0]}], nodes=[{"mesh": 0}], meshes=[{"primitives": [{"attributes": attributes}]}]
    )
    mesh = next(node.mesh for node, _ in load_scene(_write(tmp_path / "coloured.glb", data)).drawables())
    assert mesh.colors is not None
    assert np.allclose(mesh.colors, [0.5, 0.25, 1.0, 0.75], atol=1 / 255)


def test_gltf_material_factors_and_modes_are_kept(tmp_path):
    buffer = _Buffer()
    position = buffer.accessor(SQUARE, "VEC3")
    material = {
        "name": "glass",
        "pbrMetallicRoughness": {"baseColorFactor": [0.2, 0.4, 0.6, 0.5]},  # metallic and roughness absent
        "emissiveFactor": [0.1, 0.0, 0.3],
        "alphaMode": "MASK",
        "alphaCutoff": 0.3,
        "doubleSided": True,
    }
    primitive = {"attributes": {"POSITION": position}, "material": 0}
    data = buffer.glb(
        scenes=[{"nodes": [0]}], nodes=[{"mesh": 0}], meshes=[{"primitives": [primitive]}], materials=[material]
    )
    loaded = next(node.material for node, _ in load_scene(_write(tmp_path / "glass.glb", data)).drawables())
    assert loaded.name == "glass"
    assert np.allclose(loaded.base_color, [0.2, 0.4, 0.6, 0.5], atol=1 / 255)
    assert (loaded.metallic, loaded.roughness) == (1.0, 1.0)  # glTF's defaults, not the scene's
    assert np.allclose(loaded.emissive, [0.1, 0.0, 0.3])
    assert (loaded.alpha_mode, loaded.alpha_cutoff, loaded.double_sided) == ("MASK", pytest.approx(0.3), True)


def test_a_material_used_by_two_meshes_is_one_material(tmp_path):
    buffer = _Buffer()
    first, second = buffer.accessor(SQUARE, "VEC3"), buffer.accessor(SQUARE + 1, "VEC3")
    material = {"pbrMetallicRoughness": {"baseColorFactor": [1, 0, 0, 1]}}
    meshes = [{"primitives": [{"attributes": {"POSITION": p}, "material": 0}]} for p in (first, second)]
    data = buffer.glb(scenes=[{"nodes": [0, 1]}], nodes=[{"mesh": 0}, {"mesh": 1}], meshes=meshes, materials=[material])
    (a, _), (b, _) = load_scene(_write(tmp_path / "two.glb", data)).drawables()
    assert a.mesh is not b.mesh
    assert a.material is b.material


def test_a_mesh_with_two_primitives_gets_stable_child_names(tmp_path):
    buffer = _Buffer()
    first, second = buffer.accessor(SQUARE, "VEC3"), buffer.accessor(SQUARE + 1, "VEC3")
    meshes = [{"primitives": [{"attributes": {"POSITION": first}}, {"attributes": {"POSITION": second}}]}]
    data = buffer.glb(scenes=[{"nodes": [0]}], nodes=[{"mesh": 0, "name": "body"}], meshes=meshes)
    scene = load_scene(_write(tmp_path / "parts.glb", data))
    body = scene.find("body")
    assert sorted(child.name for child in body.children) == ["body_primitive0", "body_primitive1"]


# --- other formats and instancing ---------------------------------------------------------------------------------


def test_an_stl_loads_with_normals(tmp_path):
    path = tmp_path / "part.stl"
    trimesh.creation.icosphere(subdivisions=2).export(path)
    (node, _), *rest = load_scene(path).drawables()
    assert rest == []
    assert node.mesh.triangle_count == 320 and node.mesh.normals is not None


def test_an_obj_loads_and_its_srgb_colours_become_linear(tmp_path):
    path = tmp_path / "part.obj"
    sphere = trimesh.creation.icosphere(subdivisions=1)
    sphere.visual.vertex_colors = [128, 64, 255, 255]  # sRGB bytes, as OBJ files carry them
    sphere.export(path)
    mesh = next(node.mesh for node, _ in load_scene(path).drawables())
    assert mesh.triangle_count == 80 and mesh.normals is not None
    srgb = np.array([128, 64, 255]) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    assert np.allclose(mesh.colors[:, :3], linear, atol=1e-3)  # 0.216, 0.052, 1.0: not the raw 0.5, 0.25


def test_an_obj_material_diffuse_becomes_linear(tmp_path):
    (tmp_path / "part.mtl").write_text("newmtl grey\nKd 0.5 0.5 0.5\n")
    path = tmp_path / "part.obj"
    path.write_text("mtllib part.mtl\nusemtl grey\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    material = next(node.material for node, _ in load_scene(path).drawables())
    assert material.name == "grey"
    assert np.allclose(material.base_color, [0.214, 0.214, 0.214, 1.0], atol=0.005)


def _write_gltf(folder: Path) -> Path:
    """A .gltf (JSON) file with its separate buffer, as trimesh exports them."""
    files = trimesh.Scene([trimesh.creation.box()]).export(file_type="gltf")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder / "model.gltf"


def test_a_gltf_with_a_separate_buffer_loads(tmp_path):
    path = _write_gltf(tmp_path)
    assert sum(node.mesh.triangle_count for node, _ in load_scene(path).drawables()) == 12


def test_a_gltf_whose_buffer_file_is_missing_is_refused(tmp_path):
    path = _write_gltf(tmp_path)
    for other in tmp_path.iterdir():
        if other != path:
            other.unlink()
    with pytest.raises(SceneLoadError, match="missing.*gltf_buffer") as raised:
        load_scene(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_a_geometry_used_by_two_nodes_becomes_one_shared_mesh(tmp_path):
    scene = trimesh.Scene()
    part = trimesh.creation.box()
    scene.add_geometry(part, geom_name="bolt", node_name="left")
    # A second node for the same geometry (add_geometry would copy it under a new name).
    scene.graph.update(frame_to="right", geometry="bolt", matrix=trimesh.transformations.translation_matrix([2, 0, 0]))
    path = tmp_path / "bolts.glb"
    scene.export(path)
    data = path.read_bytes()
    start, length, _ = _chunks(data)
    gltf = json.loads(data[start : start + length])
    assert len(gltf["meshes"]) == 1 and [node.get("mesh") for node in gltf["nodes"]].count(0) == 2  # the premise
    loaded = load_scene(path)
    left, right = loaded.find("left"), loaded.find("right")
    assert left.mesh is not None and left.mesh is right.mesh
    assert left.material is right.material
    assert np.allclose(right.transform[:3, 3], [2, 0, 0])


# --- fitting for the model viewer ---------------------------------------------------------------------------------


def _world_bounds(scene: Scene) -> np.ndarray:
    points = np.concatenate([node.mesh.positions @ world[:3, :3].T + world[:3, 3] for node, world in scene.drawables()])
    return np.array([points.min(axis=0), points.max(axis=0)])


@pytest.mark.parametrize("name", ASSET_NAMES)
def test_fit_for_viewing_scales_centres_and_stands_the_model_on_the_floor(assets, name):
    scene = load_scene(assets / name)
    before = _world_bounds(scene)
    fitted = fit_for_viewing(scene, size_m=0.8, distance_m=2.0)
    low, high = _world_bounds(fitted)
    assert (high - low).max() == pytest.approx(0.8)
    assert low[1] == pytest.approx(0.0, abs=1e-6)
    assert (low[0] + high[0]) / 2 == pytest.approx(0.0, abs=1e-6)
    assert (low[2] + high[2]) / 2 == pytest.approx(-2.0, abs=1e-6)
    assert np.allclose(_world_bounds(scene), before)  # the original is left where it was
    assert fitted.find(scene.root.children[0].name) is scene.root.children[0]
    assert fitted.source == scene.source


def test_fit_for_viewing_uses_the_real_lowest_point_of_a_rotated_model():
    """Box corners of a rotated mesh reach lower than the mesh does; the model must touch the floor, not float."""
    scene = Scene()
    turned = trimesh.transformations.rotation_matrix(np.pi / 4, [0, 0, 1])
    scene.root.add(Node("turned", transform=turned, mesh=sphere(radius=0.5)))
    assert scene.bounds()[0][1] < -0.6  # the premise: the corner of the turned box is well below the sphere
    low, _ = _world_bounds(fit_for_viewing(scene))
    assert low[1] == pytest.approx(0.0, abs=1e-6)


def test_fit_for_viewing_refuses_an_empty_scene_and_a_bad_size():
    with pytest.raises(ValueError, match="no visible mesh"):
        fit_for_viewing(Scene(source="empty.glb"))
    scene = Scene()
    scene.root.add(Node("box", mesh=box()))
    with pytest.raises(ValueError, match="size_m"):
        fit_for_viewing(scene, size_m=0.0)
