"""The scene bridge without GL or a runtime: synthetic InputFrames in, node highlights, transforms and overlays out."""

from __future__ import annotations

import numpy as np
import pytest

from interactions.events import CallButton, PlacedInZone, Select
from interactions.settings import InteractionSettings
from renderer import primitives
from renderer.scene import Material, Node, Scene
from tests.interactions.synthetic import DT, EYE, controller, frame, looking_at
from xrapp.scene_interactions import (
    HOVER_GLOW,
    RING_STEPS,
    VIGNETTE_DISTANCE_M,
    ZONE_GLOW,
    Role,
    from_scene,
)

BUTTON_AT = (0.0, 1.6, -1.5)
CUP_AT = (0.3, 1.0, -0.5)
TRAY_AT = (-0.3, 0.98, -0.5)  # its top at 1.0 m: the cup's centre lands there


def at(x: float, y: float, z: float) -> np.ndarray:
    m = np.identity(4)
    m[:3, 3] = (x, y, z)
    return m


def scene_and_bridge(**settings):
    scene = Scene()
    plain = Material("plain")
    scene.root.add(Node("button", at(*BUTTON_AT), primitives.quad(0.3, 0.15), plain))
    # The cup under a moved parent: its node transform is local, the interactable's is world.
    shelf = scene.root.add(Node("shelf_group", at(0.1, 0.0, 0.0)))
    shelf.add(Node("cup", at(CUP_AT[0] - 0.1, CUP_AT[1], CUP_AT[2]), primitives.box((0.06, 0.06, 0.06)), plain))
    scene.root.add(Node("tray", at(*TRAY_AT), primitives.box((0.3, 0.04, 0.3)), plain))
    roles = {"button": "button", "cup": "grabbable", "tray": Role("zone", accepts=frozenset({"cup"}))}
    bridge = from_scene(scene, roles, InteractionSettings(**settings))
    return scene, bridge


def world_of(scene: Scene, name: str) -> np.ndarray:
    return next(w for n, w in scene.root.walk() if n.name == name)


def test_roles_become_interactables_zones_with_colliders_from_the_mesh_bounds():
    _, bridge = scene_and_bridge()
    items = {i.name: i for i in bridge.system.interactables}
    assert set(items) == {"button", "cup"}
    assert items["button"].selectable and items["button"].pokeable and not items["button"].grabbable
    assert items["cup"].grabbable and not items["cup"].selectable
    assert items["cup"].position == pytest.approx(CUP_AT)  # through the parent's offset
    assert items["button"].collider.half_extents == pytest.approx((0.15, 0.075, 0.01))  # flat: poke-thick
    (zone,) = bridge.system.zones
    assert zone.center == pytest.approx((TRAY_AT[0], 1.0, TRAY_AT[2])) and zone.accepts == {"cup"}


def test_unknown_roles_and_meshless_nodes_are_refused():
    with pytest.raises(ValueError, match="use one of"):
        Role("lever")
    scene = Scene()
    scene.root.add(Node("empty"))
    with pytest.raises(ValueError, match="no mesh"):
        from_scene(scene, {"empty": "button"})


def test_a_hovered_node_glows_and_gives_back_its_own_highlight_when_left():
    scene, bridge = scene_and_bridge()
    button = scene.find("button")
    button.highlight = (0.0, 0.0, 0.5)  # a procedure step's "touch this"
    bridge.update(frame(0.0, right=controller(target=BUTTON_AT)))
    assert button.highlight == HOVER_GLOW
    bridge.update(frame(DT, right=controller(target=(3.0, 1.6, -1.5))))
    assert button.highlight == (0.0, 0.0, 0.5)


def test_a_grabbed_node_follows_the_hand_and_rests_in_the_zone_it_is_placed_in():
    scene, bridge = scene_and_bridge()
    t = 0.0
    bridge.update(frame(t, right=controller(CUP_AT, squeeze=0.0)))
    t += DT
    bridge.update(frame(t, right=controller(CUP_AT, squeeze=1.0)))  # near grab
    assert scene.find("tray").highlight == ZONE_GLOW  # shows where the cup may go
    for k in range(1, 11):
        t += DT
        hand = np.array(CUP_AT) + (np.array([TRAY_AT[0], 1.0, TRAY_AT[2]]) - CUP_AT) * k / 10
        bridge.update(frame(t, right=controller(tuple(hand), squeeze=1.0)))
        assert world_of(scene, "cup")[:3, 3] == pytest.approx(hand, abs=1e-6)
    t += DT
    events = bridge.update(frame(t, right=controller(tuple(hand), squeeze=0.0)))
    assert [(e.object, e.zone) for e in events if isinstance(e, PlacedInZone)] == [("cup", "tray")]
    assert world_of(scene, "cup")[:3, 3] == pytest.approx((TRAY_AT[0], 1.0, TRAY_AT[2]))
    assert scene.find("tray").highlight is None
    for _ in range(5):  # and it stays there
        t += DT
        bridge.update(frame(t, right=controller((0.2, 1.2, -0.3), squeeze=0.0)))
    assert world_of(scene, "cup")[:3, 3] == pytest.approx((TRAY_AT[0], 1.0, TRAY_AT[2]))


def test_a_button_node_moved_in_place_between_frames_is_hit_where_it_now_is():
    scene, bridge = scene_and_bridge()
    bridge.update(frame(0.0, right=controller(target=BUTTON_AT)))
    assert bridge.state.hovered["right"] == "button"
    scene.find("button").transform[0, 3] = 2.0  # the panel slides aside; its node's matrix changed in place
    bridge.update(frame(DT, right=controller(target=BUTTON_AT)))
    assert bridge.state.hovered["right"] is None
    bridge.update(frame(2 * DT, right=controller(target=(2.0, 1.6, -1.5))))
    assert bridge.state.hovered["right"] == "button"


def test_a_resting_grabbable_stays_put_when_its_parent_moves_or_its_node_is_changed():
    # Its node's local transform is worked out from the parent and the interactable each frame (and kept while
    # neither changes): a parent moved in place or a node matrix changed from outside must not leave it stale.
    scene, bridge = scene_and_bridge()
    bridge.update(frame(0.0))
    assert world_of(scene, "cup")[:3, 3] == pytest.approx(CUP_AT)
    scene.find("shelf_group").transform[0, 3] = 0.5
    bridge.update(frame(DT))
    assert world_of(scene, "cup")[:3, 3] == pytest.approx(CUP_AT)
    scene.find("cup").transform[1, 3] += 1.0
    bridge.update(frame(2 * DT))
    assert world_of(scene, "cup")[:3, 3] == pytest.approx(CUP_AT)


def test_the_dwell_ring_fills_at_the_gaze_point_facing_the_head_and_goes_when_done():
    scene, bridge = scene_and_bridge(dwell_s=0.5, dwell_cooldown_s=10.0)
    look = looking_at(EYE, BUTTON_AT)
    arcs, t, selects = [], 0.0, []
    while t < 0.7:
        selects += [e for e in bridge.update(frame(t, head=look)) if isinstance(e, Select)]
        if bridge.ring.visible:
            arcs.append(bridge.ring_arcs.index(bridge.ring_arc.mesh))
            ring = bridge.ring.transform
        t += DT
    assert [(e.pointer, e.target) for e in selects] == [("gaze", "button")]
    assert arcs == sorted(arcs) and arcs[0] == 0 and arcs[-1] == RING_STEPS - 1  # fills in steps
    # On the button's face, 1 cm towards the eyes; its +Z faces the head.
    assert ring[:3, 3] == pytest.approx((0.0, 1.6, -1.5 + 0.01 + 0.01), abs=1e-6)
    z = ring[:3, 2] / np.linalg.norm(ring[:3, 2])
    assert z == pytest.approx((0.0, 0.0, 1.0), abs=1e-6)
    assert not bridge.ring.visible  # selected: the dwell starts over only after the cool-down
    bridge.update(frame(t, head=looking_at(EYE, (3.0, 1.6, -1.5))))
    assert not bridge.ring.visible and scene.find("button").highlight is None


def test_no_ring_while_controllers_point():
    _, bridge = scene_and_bridge()
    for k in range(30):
        bridge.update(frame(k * DT, head=looking_at(EYE, BUTTON_AT), right=controller()))
    assert not bridge.ring.visible


def test_the_vignette_darkens_after_a_snap_turn_head_locked_and_fades_away():
    _, bridge = scene_and_bridge()
    bridge.update(frame(0.0))
    assert not bridge.vignette.visible
    bridge.update(frame(DT, right=controller(thumbstick=(1.0, 0.0))))  # pushed right: turn right
    state = bridge.state
    assert state.play_space_yaw_deg == pytest.approx(-30.0)
    assert bridge.vignette.visible and bridge.vignette.material.base_color[3] > 0.8
    # Centred 0.3 m ahead of the eyes in the world (the play space turned under the head).
    head_world = state.world_from_play @ np.r_[EYE, 1.0]
    forward = state.world_from_play[:3, :3] @ np.array([0.0, 0.0, -1.0])
    assert bridge.vignette.transform[:3, 3] == pytest.approx(head_world[:3] + VIGNETTE_DISTANCE_M * forward)
    t = DT
    alphas = []
    while bridge.vignette.visible and t < 3.0:
        t += DT
        bridge.update(frame(t, right=controller()))
        alphas.append(bridge.vignette.material.base_color[3] if bridge.vignette.visible else 0.0)
    assert alphas == sorted(alphas, reverse=True) and alphas[-1] == 0.0
    assert t < 1.5  # gone within about five time constants


def test_the_call_button_shows_the_paused_panel_in_front_of_the_user():
    scene, bridge = scene_and_bridge()
    bridge.system.call()
    events = bridge.update(frame(0.0))
    assert any(isinstance(e, CallButton) for e in events)
    panel = bridge.paused_panel
    assert panel.visible
    assert panel.transform[:3, 3][2] < -1.0 and abs(panel.transform[0, 3]) < 1e-9  # ahead, a little low
    bridge.system.resume()
    bridge.update(frame(DT))
    assert not panel.visible


def test_the_demo_scene_without_interactions_still_builds_and_with_them_has_its_roles():
    from xrapp.demo_scene import build, build_interactive

    plain = build()
    assert plain.find("red_box").transform[:3, 3] == pytest.approx((0.0, 1.6, -2.0))
    bridge = build_interactive()
    names = {i.name for i in bridge.system.interactables}
    languages = {f"language/{code}" for code in ("ko", "en", "vi", "zh")}  # the language selector's buttons
    assert names == {"continue_button", "call_button", "resume_button", "watch"} | languages
    assert [z.name for z in bridge.system.zones] == ["locker"]
    assert bridge.scene.find("red_box").transform[:3, 3] == pytest.approx((0.0, 1.6, -2.0))
    # The resume button sits on the hidden pause panel: out of the system's list until paused.
    bridge.update(frame(0.0, right=controller()))
    assert "resume_button" not in {i.name for i in bridge.system.interactables}
    bridge.system.call()
    bridge.update(frame(DT, right=controller()))
    bridge.update(frame(2 * DT, right=controller()))
    assert "resume_button" in {i.name for i in bridge.system.interactables}


def click(bridge, name: str, t: float) -> tuple[float, list]:
    """Point the right controller at node ``name`` and pull the trigger (press, then release): a mouse click in the
    desktop simulator. The time after, and the events."""
    target = tuple(next(w for n, w in bridge.scene.root.walk() if n.name == name)[:3, 3])
    events = []
    for pressed in (False, True, False):
        events += bridge.update(frame(t, right=controller(target=target, select=pressed)))
        t += DT
    return t, events


def test_choosing_a_language_relayouts_the_welcome_panel_once_and_marks_its_button():
    from xrapp.demo_scene import WELCOMES, build_interactive

    bridge = build_interactive()
    scene = bridge.scene
    text = scene.find("welcome_panel/text")
    panel_at = scene.find("welcome_panel").transform.copy()
    english_mesh, english_glyphs = text.mesh, len(text.mesh.positions)
    english, vietnamese = scene.find("language/en"), scene.find("language/vi")
    assert english.material is bridge.languages.chosen and vietnamese.material is not bridge.languages.chosen

    t, events = click(bridge, "language/vi", 0.0)
    assert [e.target for e in events if isinstance(e, Select)] == ["language/vi"]
    assert bridge.languages.selector.selected == "vi"
    assert text.mesh is not english_mesh and len(text.mesh.positions) != english_glyphs
    assert vietnamese.material is bridge.languages.chosen and english.material is not bridge.languages.chosen
    assert scene.find("welcome_panel").transform == pytest.approx(panel_at)  # the panel did not move
    # Not laid out again while nothing changes (the same mesh object frame after frame).
    vi_mesh = text.mesh
    for k in range(5):
        bridge.update(frame(t + k * DT, right=controller(target=(3.0, 1.6, -1.5))))
    assert text.mesh is vi_mesh

    # Korean alone for 한국어, and back to English: the first layout again (kept, not remade).
    t, _ = click(bridge, "language/ko", t + 10 * DT)
    assert bridge.languages.selector.selected == "ko" and text.mesh is not vi_mesh
    t, _ = click(bridge, "language/en", t + 10 * DT)
    assert text.mesh is english_mesh and english.material is bridge.languages.chosen
    assert set(WELCOMES) == set(bridge.languages.selector.codes)


def test_the_korean_line_stays_with_every_language():
    from xrapp.demo_scene import WELCOME, WELCOME_KO, WELCOMES, welcome_text

    assert welcome_text("en") == WELCOME
    for code, line in WELCOMES.items():
        lines = welcome_text(code).split("\n")
        assert lines[0] == WELCOME_KO and lines[-1] == line


def test_continue_advances_the_progress_label_and_bar_and_stops_at_the_last_step():
    from xrapp.demo_scene import STEPS, build_interactive

    bridge = build_interactive()
    scene = bridge.scene
    fill, label = scene.find("progress_bar/fill"), scene.find("progress_label/text")
    assert bridge.progress.progress.step == 1 and fill.transform[0, 0] == pytest.approx(0.6 / STEPS)
    meshes, widths, t = [label.mesh], [fill.transform[0, 0]], 0.0
    for _ in range(STEPS + 1):  # one more press than there are steps
        t, _ = click(bridge, "continue_button", t + 10 * DT)
        meshes.append(label.mesh)
        widths.append(fill.transform[0, 0])
    assert bridge.progress.progress.step == STEPS
    assert widths == pytest.approx([0.15, 0.3, 0.45, 0.6, 0.6, 0.6])
    assert len({id(m) for m in meshes}) == STEPS and meshes[-1] is meshes[-2]
    # The fill stays flush with the bar's left edge.
    assert fill.transform[0, 3] - widths[-1] / 2 == pytest.approx(-0.3)


def test_progress_indicator_advances_and_optionally_wraps():
    from interactions.ui import ProgressIndicator

    p = ProgressIndicator(1, 2)
    assert p.advance() and p.step == 2
    assert not p.advance() and p.step == 2
    assert p.advance(wrap=True) and p.step == 1
