"""The MRI room: its build script reproduces the committed .glb, it has every node the MRI scenario names (as the
application loads it), and what the rehearsal asks of a person is physically there (a bore you can see through,
things within reach of where the person stands)."""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys

import numpy as np
import pytest
import trimesh

from interactions.colliders import MeshCollider
from interactions.procedure.catalogue import assets_dir
from interactions.procedure.crosschecks import NODE_FIELDS, RUNTIME_UI_NODES
from interactions.procedure.loader import load_scenario
from renderer.loader import load_scene
from renderer.scene import Node, Scene

SCENE = assets_dir() / "scenes" / "mri_room.glb"
SCRIPT = assets_dir() / "scenes" / "build_mri_room.py"
SCENARIO = assets_dir() / "scenarios" / "mri-rehearsal.yaml"

ARM_REACH_M = 0.75
"""How far from where a person stands (horizontally, from the head) a hand comfortably reaches, metres."""


def _build_module():
    spec = importlib.util.spec_from_file_location("build_mri_room", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build():
    return _build_module()


@pytest.fixture(scope="module")
def scene() -> Scene:
    return load_scene(SCENE)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


def _world(scene: Scene, name: str) -> tuple[Node, np.ndarray]:
    for node, world in scene.root.walk():
        if node.name == name:
            return node, world
    raise AssertionError(f"no node {name!r} in {SCENE.name}")


def _centre(scene: Scene, name: str) -> np.ndarray:
    """World (3,) centre of a node's own mesh bounds (what the application takes as its position)."""
    node, world = _world(scene, name)
    low, high = node.mesh.bounds()
    return world[:3, :3] @ ((low + high) / 2) + world[:3, 3]


def _top(scene: Scene, name: str) -> np.ndarray:
    """World (3,) top centre of a node's mesh bounds (where a zone holds what is put in it)."""
    node, world = _world(scene, name)
    low, high = node.mesh.bounds()
    return world[:3, :3] @ np.array([(low[0] + high[0]) / 2, high[1], (low[2] + high[2]) / 2]) + world[:3, 3]


def _horizontal(a, b) -> float:
    return float(np.hypot(a[0] - b[0], a[2] - b[2]))


# -- the file ------------------------------------------------------------------------------------------------------


def test_the_build_script_reproduces_the_committed_glb_byte_for_byte(build):
    fresh = build.glb_bytes()
    committed = SCENE.read_bytes()
    assert fresh == committed, (
        f"{SCENE} differs from what {SCRIPT.name} builds now ({len(fresh)} vs {len(committed)} bytes, trimesh "
        f"{trimesh.__version__}): run python {SCRIPT.relative_to(assets_dir().parent)} and commit both files"
    )


def test_check_mode_tells_an_out_of_date_file(build, tmp_path, capsys):
    stale = tmp_path / "mri_room.glb"
    data = bytearray(SCENE.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one vertex a little off
    stale.write_bytes(bytes(data))
    assert build.main(["--check", "--output", str(stale)]) == 1
    assert "differs" in capsys.readouterr().out
    assert build.main(["--output", str(stale)]) == 0
    assert build.main(["--check", "--output", str(stale)]) == 0


def test_the_room_is_light_enough_for_a_headset(scene):
    triangles = sum(node.mesh.triangle_count for node, _ in scene.drawables())
    assert 1000 < triangles < 10_000


# -- names -------------------------------------------------------------------------------------------------------


def test_every_node_the_shared_contract_names_is_in_the_file_as_loaded(build, scene):
    names = {node.name for node, _ in scene.root.walk()}
    assert set(build.NAMES) <= names, f"missing: {sorted(set(build.NAMES) - names)}"


def test_every_node_the_scenario_names_is_in_the_scene(scenario, scene):
    names = {node.name for node, _ in scene.root.walk()}
    wanted = set(scenario.scene.roles)
    for step in scenario.steps:
        variants = [step] + [dataclasses.replace(step, **o) for o in step.per_track.values()]
        for variant in variants:
            for field in NODE_FIELDS:
                value = getattr(variant, field, None)
                wanted.update([value] if isinstance(value, str) else value or ())
    wanted -= set(RUNTIME_UI_NODES)
    assert wanted, "the scenario names no scene nodes: the test would prove nothing"
    assert wanted <= names, f"named by {SCENARIO.name} but not in {SCENE.name}: {sorted(wanted - names)}"


def test_every_interactive_node_has_its_own_mesh(scenario, scene):
    # The application takes an interactive node's shape (hit box, zone, spot) from the node's own mesh.
    for name in scenario.scene.roles:
        node, _ = _world(scene, name)
        assert node.mesh is not None and node.mesh.triangle_count > 0, name


def test_the_scenario_starts_where_the_scene_expects_the_user(build, scenario):
    assert tuple(scenario.scene.start) == tuple(build.START)


# -- what the rehearsal needs to be there ----------------------------------------------------------------------


def test_the_bore_is_a_real_hole_you_can_see_through(build, scene):
    scanner, scanner_world = _world(scene, "scanner")
    bore, bore_world = _world(scene, "bore")
    colliders = [
        (MeshCollider(node.mesh.positions, node.mesh.indices), world)
        for node, world in ((scanner, scanner_world), (bore, bore_world))
    ]
    along_axis = np.array([build.AXIS_X, build.AXIS_Y, 0.0])
    beside_axis = along_axis + (0.6, 0.0, 0.0)
    forward = np.array([0.0, 0.0, -1.0])
    assert all(c.ray_distance(w, along_axis, forward) is None for c, w in colliders), "the bore is blocked"
    assert any(c.ray_distance(w, beside_axis, forward) is not None for c, w in colliders), "no housing round it"
    points = bore.mesh.positions @ bore_world[:3, :3].T + bore_world[:3, 3]
    inner = np.hypot(points[:, 0] - build.AXIS_X, points[:, 1] - build.AXIS_Y).min()
    assert 0.6 <= 2 * inner <= 0.7, f"the bore is {2 * inner:.2f} m across inside; MRI bores are 0.6-0.7 m"


def test_the_table_top_fits_inside_the_bore(build, scene):
    node, world = _world(scene, "table_top")
    corners = node.mesh.positions @ world[:3, :3].T + world[:3, 3]
    radial = np.hypot(corners[:, 0] - build.AXIS_X, corners[:, 1] - build.AXIS_Y)
    assert radial.max() < build.BORE_RADIUS


def test_the_headrest_and_call_button_move_with_the_table_top(scene):
    table_top, _ = _world(scene, "table_top")
    children = {child.name for child in table_top.children}
    assert {"headrest", "call_button"} <= children


def test_the_patients_things_are_within_arms_reach_of_the_start(build, scene):
    head = np.array(build.START)
    for name in ("watch", "phone", "keys"):
        assert _horizontal(_centre(scene, name), head) < ARM_REACH_M, name
        assert 0.9 <= _centre(scene, name)[1] <= 1.0, f"{name} is not on a table at hand height"


def test_from_the_locker_spot_the_things_and_the_shelf_are_within_reach(scene):
    spot = _centre(scene, "spot_locker")
    for name in ("watch", "phone", "keys"):
        assert _horizontal(_centre(scene, name), spot) < ARM_REACH_M, name
    assert _horizontal(_top(scene, "locker_shelf"), spot) < ARM_REACH_M


def test_from_the_table_spot_the_headrest_headphones_and_call_button_are_within_reach(scene):
    spot = _centre(scene, "spot_table")
    for name in ("ear_protection", "call_button"):
        assert _horizontal(_centre(scene, name), spot) < ARM_REACH_M, name
    assert _horizontal(_top(scene, "headrest"), spot) < ARM_REACH_M


def test_looking_at_the_radiographers_face_counts_as_looking_at_the_radiographer(scenario, scene):
    # The look_at step aims at the node's centre: from the locker spot, the face must be inside the step's cone.
    (step,) = [s for s in scenario.steps if s.TYPE == "look_at" and s.target == "radiographer"]
    eye = _centre(scene, "spot_locker") + (0.0, 1.6, 0.0)
    face = _centre(scene, "radiographer_head")
    target = _centre(scene, "radiographer")
    to_face, to_target = face - eye, target - eye
    cosine = to_face @ to_target / np.linalg.norm(to_face) / np.linalg.norm(to_target)
    assert np.degrees(np.arccos(np.clip(cosine, -1, 1))) < step.cone_deg


def test_the_control_window_is_tinted_glass(scene):
    node, _ = _world(scene, "control_window")
    assert node.material.alpha_mode == "BLEND"
    assert node.material.base_color[3] == pytest.approx(0.35, abs=0.01)


def test_teleport_spots_are_thin_discs_on_the_floor(scene):
    for name in ("spot_locker", "spot_table"):
        node, world = _world(scene, name)
        low, high = node.mesh.bounds()
        assert world[1, 3] + low[1] >= 0.009 and world[1, 3] + high[1] < 0.03, name  # on the floor covering
        assert high[0] - low[0] == pytest.approx(high[2] - low[2], rel=0.01), name


def test_the_room_is_about_six_by_seven_metres(scene):
    node, world = _world(scene, "floor")
    low, high = node.mesh.bounds()
    size = high - low
    assert size[0] == pytest.approx(6.0, abs=0.5) and size[2] == pytest.approx(7.0, abs=0.5)
    # At y = 0, give or take the few millimetres that keep it clear of the renderer's floor grid.
    assert 0.0 < world[1, 3] + high[1] <= 0.012, "the floor's surface is at y = 0"


def test_the_script_runs_on_its_own(tmp_path):
    # What a person does after editing it: python assets/scenes/build_mri_room.py
    out = tmp_path / "room.glb"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(out)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == SCENE.read_bytes()
