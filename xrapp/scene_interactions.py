"""The bridge between the scene the renderer draws and the interaction system: what a person in the headset (or at
the desktop simulator) sees of their interactions.

**Convention for interactive nodes.** Whoever builds a scene names its interactive nodes in a plain dictionary,
node name → :class:`Role` (or just the role's kind as a string), and hands it to :func:`from_scene` with the scene:

=================  ==================================================================================================
``"button"``       selectable by a controller ray, the gaze (dwell) or the mouse, and pokeable with a controller tip
``"call_button"``  a button; name it as ``InteractionSettings.call_button`` (default ``"call_button"``): it pauses
``"resume_button"``  a button; as ``InteractionSettings.resume_button``: it ends the pause (usually put under
                   :data:`PAUSED_PANEL`, so it is only seen, and only hit, while paused)
``"grabbable"``    taken by a squeeze (near or by ray), or picked up by a gaze dwell; follows its holder
``"zone"``         a snap zone accepting ``Role.accepts``; its centre is the top of the node's mesh plus
                   ``Role.offset`` (local metres), so a placed object rests on a shelf rather than inside it
``"spot"``         a teleport spot: a disc on the node's mesh bounds (radius: half its larger horizontal side)
=================  ==================================================================================================

Buttons and grabbables get a :class:`~interactions.colliders.BoxCollider` of their mesh's bounds (at least
``BUTTON_DEPTH_M`` thick, so a flat panel can be poked), placed by the node's world transform. Zones and spots are
made once; nodes that are hidden (``visible`` False, or under a hidden parent) are taken out of the system's list,
so an invisible button neither selects nor blocks a ray.

**Each frame** :meth:`SceneInteractions.update` (the same signature as ``InteractionSystem.update``, so the App can
hold either) moves scene-driven hit boxes to their nodes, runs the system, then writes back what the user did:
grabbed and placed objects' nodes go where their interactables are; hovered nodes glow; a zone that accepts what
is held glows green; a dwell ring fills at the gaze's hit point; the comfort vignette darkens the edges of the view
after a snap turn or teleport; a "Paused" panel stands in front of the user while the call button's pause lasts.

Everything added is scene data (nodes with unlit BLEND materials) made once here: meshes and materials are never
created per frame, so the renderer's GPU objects do not grow during a session. Units: metres, seconds, degrees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from interactions.colliders import BoxCollider
from interactions.events import Event, Poke, Select
from interactions.input import InputFrame
from interactions.interactables import Interactable, SnapZone
from interactions.locomotion import TeleportSpot
from interactions.poses import pose_matrix, pose_ray, transform_point, yaw_matrix, yaw_of
from interactions.settings import InteractionSettings
from interactions.system import InteractionState, InteractionSystem
from interactions.ui import BUTTON_DEPTH_M, LanguageSelector, ProgressIndicator
from renderer.scene import Material, Mesh, Node, Scene
from renderer.text import text_panel

KINDS = ("button", "call_button", "resume_button", "grabbable", "zone", "spot")

HOVER_GLOW = (0.25, 0.25, 0.1)
"""Linear RGB added to a hovered node (a warm, soft glow: visible on dark panels, not garish on bright objects)."""

ZONE_GLOW = (0.05, 0.3, 0.1)
"""Linear RGB on a zone that accepts what the user holds now: where to put it."""

RING_STEPS = 10
"""The dwell ring fills in this many steps (one precomputed arc mesh each): 10 % steps read as continuous at 90 Hz
over a 1.5 s dwell and cost nothing per frame."""

RING_ANGULAR_RADIUS_DEG = 2.2
"""The ring's outer radius as seen from the head, degrees: the same apparent size at any distance (about a
fingertip at arm's length), large enough to read, small enough not to hide the label being looked at."""

RING_WIDTH = 0.28
"""The ring's width as a fraction of its outer radius."""

RING_LIFT_M = 0.01
"""The ring stands this far in front of the surface it is on, towards the head, so it never z-fights with it."""

VIGNETTE_DISTANCE_M = 0.3
"""The vignette's annulus stands this far in front of the eyes (beyond the 0.05 m near plane)."""

VIGNETTE_HALF_FOV_DEG = 45.0
"""The half field of view ``InteractionSettings.vignette_size`` is measured against (a typical headset's): the clear
centre's half angle is ``(1 - vignette_size)`` of it."""

VIGNETTE_SOFT = 1.35
"""The vignette goes from clear to its full darkness between its inner radius and this many times it (soft edge:
a hard edge reads as a tunnel wall and draws the eye)."""

VIGNETTE_LEVELS = 16
"""Alpha steps of the vignette (one material each: materials are uploaded once, so alpha cannot change in place)."""

PAUSED_PANEL = "paused_panel"
"""Name of the node :class:`SceneInteractions` makes for the pause; a scene may put a resume button under it."""

PAUSED_TEXT = "일시정지 · Paused"


@dataclass(frozen=True)
class Role:
    """What an interactive node is: ``kind`` (one of :data:`KINDS`); for a zone, ``accepts`` (names of objects)
    and ``offset`` (3,) metres in the node's frame from the top centre of its mesh to where a placed object's
    centre goes, and ``spacing_m`` how far apart objects placed there stand along the node's x axis (0: all at one
    point); for a spot, ``yaw_deg`` the direction faced on arrival (None keeps the user's)."""

    kind: str
    accepts: frozenset[str] = frozenset()
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)
    radius_m: float | None = None
    yaw_deg: float | None = None
    pokeable: bool = True
    spacing_m: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"interactive role {self.kind!r}: use one of {', '.join(KINDS)}")


@dataclass
class Interactive:
    """A scene plus the roles of its interactive nodes (node name → :class:`Role` or kind string)."""

    scene: Scene
    roles: Mapping[str, Role | str] = field(default_factory=dict)


def _role(value: Role | str) -> Role:
    return value if isinstance(value, Role) else Role(value)


class _Visible:
    """The visible nodes of a scene as it is now, with world transforms made on demand and kept.

    One walk per frame finds which nodes are visible and their parents (cheap); the (4, 4) matrix products are made
    only for the nodes asked about and their ancestors, not for the whole scene. It is a snapshot: valid while no
    node's transform, visibility or children change, so make a new one each frame (or after changing the scene).
    """

    def __init__(self, scene: Scene) -> None:
        self.parents: dict[int, Node | None] = {}
        """id(node) → its parent (None for the root), for every visible node."""
        self._worlds: dict[int, np.ndarray] = {}
        # Depth first, children pushed in reverse: the order (and so, for a node placed twice, which place counts)
        # is that of the recursive walk this replaces. Hidden children are never pushed: their subtrees are hidden.
        parents = self.parents
        stack: list[tuple[Node, Node | None]] = [(scene.root, None)] if scene.root.visible else []
        while stack:
            node, parent = stack.pop()
            parents[id(node)] = parent
            for child in reversed(node.children):
                if child.visible:
                    stack.append((child, node))

    def __contains__(self, node: Node) -> bool:
        return id(node) in self.parents

    def world(self, node: Node) -> np.ndarray:
        """(4, 4) the world transform of visible ``node`` (KeyError for a hidden one); do not modify it."""
        world = self._worlds.get(id(node))
        if world is None:
            world = self.parent_world(node) @ node.transform
            self._worlds[id(node)] = world
        return world

    def parent_world(self, node: Node) -> np.ndarray:
        """(4, 4) the world transform of visible ``node``'s parent (the identity for the root)."""
        parent = self.parents[id(node)]
        return np.identity(4) if parent is None else self.world(parent)


def _all_nodes(node: Node):
    yield node
    for child in node.children:
        yield from _all_nodes(child)


def _find(scene: Scene, name: str) -> Node:
    """The node called ``name``, hidden or not (Scene.find only sees visible ones)."""
    for node in _all_nodes(scene.root):
        if node.name == name:
            return node
    scene.find(name)  # raises KeyError with close names
    raise KeyError(name)  # pragma: no cover


def _translation(v) -> np.ndarray:
    m = np.identity(4)
    m[:3, 3] = v
    return m


# ------------------------------------------------------------------------------------------------ meshes


def ring_mesh(inner: float, outer: float, fraction: float, segments: int = 48, name: str = "ring") -> Mesh:
    """A flat ring (annulus) in the z = 0 plane facing +Z, from 12 o'clock clockwise over ``fraction`` (0..1] of
    a turn; ``inner``/``outer`` radii in metres (of the unscaled mesh)."""
    n = max(1, round(segments * fraction))
    angles = math.pi / 2 - np.linspace(0.0, 2 * math.pi * fraction, n + 1)
    c, s = np.cos(angles), np.sin(angles)
    positions = np.empty((2 * (n + 1), 3), np.float32)
    positions[0::2] = np.stack([inner * c, inner * s, np.zeros_like(c)], 1)
    positions[1::2] = np.stack([outer * c, outer * s, np.zeros_like(c)], 1)
    i = np.arange(n, dtype=np.uint32)[:, None] * 2
    indices = np.concatenate([i + [0, 1, 3], i + [0, 3, 2]], 0)
    normals = np.tile(np.array([0, 0, 1], np.float32), (len(positions), 1))
    return Mesh(positions=positions, normals=normals, indices=indices, name=name)


def vignette_mesh(soft: float = VIGNETTE_SOFT, outer: float = 40.0, segments: int = 64) -> Mesh:
    """The vignette's annulus for an inner radius of 1 (scaled by the node): alpha 0 on the inner edge, 1 from
    ``soft`` outwards to ``outer`` (far beyond any field of view), in vertex colours (black)."""
    angles = np.linspace(0.0, 2 * math.pi, segments + 1)
    c, s = np.cos(angles), np.sin(angles)
    rings = [(1.0, 0.0), (soft, 1.0), (outer, 1.0)]
    positions = np.concatenate([np.stack([r * c, r * s, np.zeros_like(c)], 1) for r, _ in rings]).astype(np.float32)
    colors = np.concatenate([np.tile([0.0, 0.0, 0.0, a], (segments + 1, 1)) for _, a in rings]).astype(np.float32)
    k = segments + 1
    i = np.arange(segments, dtype=np.uint32)[:, None]
    quads = []
    for band in range(len(rings) - 1):
        a, b = band * k + i, (band + 1) * k + i
        quads += [np.concatenate([a, b, b + 1], 1), np.concatenate([a, b + 1, a + 1], 1)]
    normals = np.tile(np.array([0, 0, 1], np.float32), (len(positions), 1))
    return Mesh(positions=positions, normals=normals, colors=colors, indices=np.concatenate(quads), name="vignette")


def _overlay(name: str, rgba: tuple[float, float, float, float]) -> Material:
    """Unlit, blended, seen from both sides: overlays must look the same from any angle and never be shaded."""
    return Material(name, base_color=rgba, unlit=True, alpha_mode="BLEND", double_sided=True)


# ------------------------------------------------------------------------------------------------ the bridge


class SceneInteractions:
    """Keeps a scene and an :class:`~interactions.system.InteractionSystem` in step (see the module docstring).

    Args:
        scene: the scene drawn; the overlays (ring, vignette, paused panel) are added under its root.
        system: the interaction system, built over this scene's interactables (see :func:`from_scene`).
        nodes: interactable name → its scene node.
        offsets: interactable name → (4, 4) node-to-collider transform (the mesh's bounds centre).
    """

    def __init__(
        self,
        scene: Scene,
        system: InteractionSystem,
        nodes: Mapping[str, Node],
        offsets: Mapping[str, np.ndarray],
        zone_nodes: Mapping[str, Node] | None = None,
    ) -> None:
        self.scene = scene
        self.system = system
        self.nodes = dict(nodes)
        self.offsets = {k: np.asarray(v, np.float64) for k, v in offsets.items()}
        self.zone_nodes = dict(zone_nodes or {})
        self.every = {i.name: i for i in system.interactables}  # all of them, shown or hidden
        self.last_state: InteractionState | None = None
        self._glowing: dict[int, tuple[Node, tuple[float, float, float] | None]] = {}  # id → (node, before)
        # name → (bytes of parent world, object and offset transforms, the node transform they gave): a grabbable
        # that stands still does not cost two matrix inverses per frame.
        self._placed_nodes: dict[str, tuple[bytes, np.ndarray]] = {}

        self.overlays = scene.root.add(Node("interaction_overlays"))
        # The dwell ring: a faint full track, and the filled arc chosen from RING_STEPS precomputed meshes.
        inner = 1.0 - RING_WIDTH
        self.ring = self.overlays.add(Node("dwell_ring", visible=False))
        self.ring.add(
            Node("dwell_ring/track", mesh=ring_mesh(inner, 1.0, 1.0), material=_overlay("ring_track", (1, 1, 1, 0.3)))
        )
        self.ring_arcs = [ring_mesh(inner, 1.0, (k + 1) / RING_STEPS, name=f"ring_{k + 1}") for k in range(RING_STEPS)]
        self.ring_arc = self.ring.add(
            Node("dwell_ring/arc", mesh=self.ring_arcs[0], material=_overlay("ring_arc", (1.0, 0.85, 0.2, 0.95)))
        )
        self.ring_arc.transform[2, 3] = 0.001  # just in front of the track
        # The comfort vignette: one annulus, scaled to the clear centre's radius; alpha by choice of material.
        self.vignette = self.overlays.add(Node("comfort_vignette", mesh=vignette_mesh(), visible=False))
        self.vignette_materials = [
            _overlay(f"vignette_{k}", (1.0, 1.0, 1.0, k / VIGNETTE_LEVELS)) for k in range(VIGNETTE_LEVELS + 1)
        ]
        # The pause: a panel the scene may already have (with a resume button under it), else one made here.
        try:
            self.paused_panel = _find(scene, PAUSED_PANEL)
        except KeyError:
            self.paused_panel = self.overlays.add(paused_panel())
        self.paused_panel.visible = False
        self._was_paused = False
        self.widgets: list = []
        """Scene-side UI views (e.g. :class:`LanguageView`, :class:`ProgressView`): each frame's events go to their
        ``handle(events)`` after the system ran; they change the scene only when something was pressed."""

    # -- the frame ----------------------------------------------------------------------------------------------------

    @property
    def settings(self) -> InteractionSettings:
        return self.system.settings

    @property
    def state(self) -> InteractionState:
        """The system's state after the last update (what the App views the world through)."""
        return self.last_state if self.last_state is not None else self.system.state

    def update(self, frame: InputFrame) -> list[Event]:
        """One frame: scene → hit boxes, the interaction system, then what it did → scene. The events, as
        ``InteractionSystem.update`` returns them."""
        visible = _Visible(self.scene)
        self._sync_hit_boxes(visible)
        events = self.system.update(frame)
        for widget in self.widgets:
            widget.handle(events)
        state = self.system.state
        self.last_state = state
        # The system changes interactables, never the scene, so the walk above still holds for applying what it
        # did; widgets may move or hide nodes, so with any of them the scene is walked again.
        self._apply(state, frame, None if self.widgets else visible)
        return events

    def _sync_hit_boxes(self, visible: _Visible | None = None) -> None:
        """Visible buttons follow their nodes (panels may move); hidden ones leave the system's list. ``visible``:
        this frame's view of the scene, if already made."""
        if visible is None:
            visible = _Visible(self.scene)
        shown = []
        for name, item in self.every.items():
            node = self.nodes[name]
            if node in visible:
                if not item.grabbable:
                    item.transform = visible.world(node) @ self.offsets[name]
            elif not self.system.grabbing.is_held(item):
                continue
            shown.append(item)
        self.system.interactables[:] = shown  # in place: the system holds the list by reference

    def apply(self, state: InteractionState, frame: InputFrame | None = None) -> None:
        """Show ``state`` in the scene: grabbed and placed objects where the system put them, glows, the dwell ring,
        the vignette and the paused panel. ``frame`` (for the head pose) may be None: then only the nodes move."""
        self._apply(state, frame, None)

    def _apply(
        self,
        state: InteractionState,
        frame: InputFrame | None,
        visible: _Visible | None,
    ) -> None:
        """:meth:`apply`, with this frame's view of the scene if it is still valid (None: look at it now)."""
        if visible is None:
            visible = _Visible(self.scene)
        # Every parent's world first, then the moves: a grabbable under another is placed by where its parent was.
        moves = [
            (name, node, visible.parent_world(node), item.transform)
            for name, item in self.every.items()
            if item.grabbable and (node := self.nodes[name]) in visible
        ]
        for name, node, parent, placed in moves:
            node.transform = self._node_transform(name, parent, placed)
        self._glow(state)
        if frame is None:
            return
        w = state.world_from_play
        head = w @ pose_matrix(frame.head)
        self._ring(state, frame, w)
        self._vignette(state, head)
        self._pause(state, head)

    def _node_transform(self, name: str, parent: np.ndarray, placed: np.ndarray) -> np.ndarray:
        """(4, 4) the local transform that puts node ``name`` (under a parent at ``parent``, world) where its
        interactable is (``placed``, world), a fresh array; remembered while the three matrices stay the same."""
        offset = self.offsets[name]
        key = b"".join(np.asarray(m, dtype=np.float64).tobytes() for m in (parent, placed, offset))
        known = self._placed_nodes.get(name)
        if known is None or known[0] != key:
            known = (key, np.linalg.inv(parent) @ placed @ np.linalg.inv(offset))
            self._placed_nodes[name] = known
        return known[1].copy()

    def _glow(self, state: InteractionState) -> None:
        wanted: dict[int, tuple[Node, tuple[float, float, float]]] = {}
        held = set(state.grabbed.values())
        for zone in self.system.zones:
            node = self.zone_nodes.get(zone.name)
            if node is not None and held & zone.accepts:
                wanted[id(node)] = (node, ZONE_GLOW)
        for name in [*state.hovered.values(), state.dwell_target]:
            node = self.nodes.get(name) if name else None
            if node is None and name in self.zone_nodes:
                node = self.zone_nodes[name]
            if node is not None:
                wanted[id(node)] = (node, HOVER_GLOW)
        for key, (node, before) in list(self._glowing.items()):
            if key not in wanted:
                node.highlight = before  # give back whatever glow a procedure step had put there
                del self._glowing[key]
        for key, (node, glow) in wanted.items():
            if key not in self._glowing:
                self._glowing[key] = (node, node.highlight)
            node.highlight = glow

    def _ring(self, state: InteractionState, frame: InputFrame, w: np.ndarray) -> None:
        progress = state.dwell_progress
        if not state.gaze_active or state.dwell_target is None or progress <= 0.0:
            self.ring.visible = False
            return
        ray = pose_ray(frame.head, w)
        distance = self._gaze_distance(state.dwell_target, ray)
        point = ray.at(max(distance - RING_LIFT_M, 0.1))
        # Facing the head (+Z towards it), level (no roll), sized to a constant visual angle.
        facing = -ray.direction
        yaw = yaw_of(-facing)
        pitch = math.asin(float(np.clip(facing[1], -1.0, 1.0)))
        m = yaw_matrix(yaw, point)
        c, s = math.cos(pitch), math.sin(pitch)
        m[:3, :3] = m[:3, :3] @ np.array([[1, 0, 0], [0, c, s], [0, -s, c]])
        seen_from = float(np.linalg.norm(point - ray.origin))
        m[:3, :3] *= seen_from * math.tan(math.radians(RING_ANGULAR_RADIUS_DEG))
        self.ring.transform = m
        step = min(RING_STEPS, max(1, math.ceil(progress * RING_STEPS - 1e-9)))
        self.ring_arc.mesh = self.ring_arcs[step - 1]
        self.ring.visible = True

    def _gaze_distance(self, target: str, ray) -> float:
        """Metres along the gaze ray to what it dwells on (an interactable, a zone or a spot); 1.5 m if unknown."""
        item = self.every.get(target)
        d = item.ray_distance(ray) if item is not None else None
        if d is None:
            zone = next((z for z in self.system.zones if z.name == target), None)
            spot = next((p for p in self.system.locomotion.spots if p.name == target), None)
            d = (zone or spot).ray_distance(ray) if (zone or spot) is not None else None
        return 1.5 if d is None or d <= 0.0 else d

    def _vignette(self, state: InteractionState, head: np.ndarray) -> None:
        level = round(state.vignette * VIGNETTE_LEVELS)
        if level <= 0:
            self.vignette.visible = False
            return
        clear = (1.0 - min(max(state.vignette_size, 0.0), 0.95)) * VIGNETTE_HALF_FOV_DEG
        radius = VIGNETTE_DISTANCE_M * math.tan(math.radians(clear))
        self.vignette.transform = (
            head @ _translation((0.0, 0.0, -VIGNETTE_DISTANCE_M)) @ np.diag([radius, radius, radius, 1.0])
        )
        self.vignette.material = self.vignette_materials[min(level, VIGNETTE_LEVELS)]
        self.vignette.visible = True

    def _pause(self, state: InteractionState, head: np.ndarray) -> None:
        if state.paused and not self._was_paused:
            # Placed once, where the user looks, a little below eye level; it stays there (world-locked) so the
            # user can look at its resume button without it running away.
            forward = head[:3, :3] @ np.array([0.0, 0.0, -1.0])
            yaw = yaw_of(forward)
            drop = math.radians(10.0)
            ahead = yaw_matrix(yaw)[:3, :3] @ np.array([0.0, -math.sin(drop), -math.cos(drop)])
            self.paused_panel.transform = yaw_matrix(yaw, head[:3, 3] + 1.2 * ahead)
        self.paused_panel.visible = state.paused
        self._was_paused = state.paused


def retext(panel: Node, fresh: Node) -> None:
    """Give ``panel`` (made by ``text_panel``) the background mesh and the text of ``fresh`` (another ``text_panel``
    of the same name): the node objects, their transforms, children and hit boxes stay; only meshes, the text's
    material and the text's place on the panel change."""
    panel.mesh = fresh.mesh
    old_text, new_text = _find_child(panel, f"{panel.name}/text"), _find_child(fresh, f"{fresh.name}/text")
    old_text.mesh, old_text.material = new_text.mesh, new_text.material
    old_text.transform = new_text.transform.copy()


def _find_child(node: Node, name: str) -> Node:
    return next(c for c in node.children if c.name == name)


class LanguageView:
    """A :class:`~interactions.ui.LanguageSelector` shown as a row of "button" nodes (named as its buttons,
    ``"<selector>/<code>"``). The chosen button wears ``chosen`` as its background material, the others their own
    (a material swap, not a highlight, so the hover glow never takes the mark away). ``on_change(code)`` is called
    once per change of language, e.g. to relayout a panel's text."""

    def __init__(
        self,
        selector: LanguageSelector,
        nodes: Mapping[str, Node],
        chosen: Material,
        on_change: Callable[[str], None] | None = None,
    ) -> None:
        self.selector = selector
        self.nodes = {code: nodes[f"{selector.name}/{code}"] for code in selector.codes}
        self.plain = {code: node.material for code, node in self.nodes.items()}
        self.chosen = chosen
        self.on_change = on_change
        self._mark()

    def _mark(self) -> None:
        for code, node in self.nodes.items():
            node.material = self.chosen if code == self.selector.selected else self.plain[code]

    def handle(self, events: Iterable[Event]) -> None:
        before = self.selector.selected
        for event in events:
            self.selector.handle(event)
        if self.selector.selected != before:
            self._mark()
            if self.on_change is not None:
                self.on_change(self.selector.selected)


class ProgressView:
    """A :class:`~interactions.ui.ProgressIndicator` shown as a label panel (its text from ``label(step, count)``)
    and a bar: ``fill``, a quad of width 1 m under a background ``bar_width_m`` wide, scaled in x to
    ``step / count`` of the bar and kept flush with its left edge. Pressing the interactable ``advance_on`` (e.g.
    the Continue button) goes to the next step: it stops at the last (``wrap`` False) or starts over. The label is
    laid out once per step shown (and kept, so going back and forth makes no new meshes)."""

    def __init__(
        self,
        progress: ProgressIndicator,
        label: Node,
        fill: Node,
        bar_width_m: float,
        text: Callable[[int, int], Node],
        advance_on: str,
        wrap: bool = False,
    ) -> None:
        self.progress = progress
        self.label, self.fill, self.bar_width_m = label, fill, bar_width_m
        self.text, self.advance_on, self.wrap = text, advance_on, wrap
        self._fill_y_z = fill.transform[1:3, 3].copy()
        self._panels: dict[int, Node] = {}
        self.show()

    @property
    def shown_fraction(self) -> float:
        """0..1 of the bar filled: the current step counts (step 1 of 4 shows a quarter)."""
        return self.progress.step / self.progress.count

    def show(self) -> None:
        step = self.progress.step
        if step not in self._panels:
            self._panels[step] = self.text(step, self.progress.count)
        retext(self.label, self._panels[step])
        width = self.bar_width_m * self.shown_fraction
        m = np.diag([width, 1.0, 1.0, 1.0])
        m[:3, 3] = (-self.bar_width_m / 2 + width / 2, *self._fill_y_z)
        self.fill.transform = m

    def handle(self, events: Iterable[Event]) -> None:
        pressed = any(_pressed(e, self.advance_on) for e in events)
        if pressed and self.progress.advance(self.wrap):
            self.show()


def _pressed(event: Event, name: str) -> bool:
    return isinstance(event, (Select, Poke)) and event.target == name


def paused_panel(name: str = PAUSED_PANEL) -> Node:
    """The panel shown while paused: "일시정지 · Paused", in large text on an opaque dark board."""
    return text_panel(
        PAUSED_TEXT, width_m=0.8, text_height_m=0.07, align="center", background=(0.05, 0.06, 0.1, 1.0), name=name
    )


def from_scene(
    scene: Scene,
    roles: Mapping[str, Role | str],
    settings: InteractionSettings | None = None,
) -> SceneInteractions:
    """Interactables, zones and spots from the nodes named in ``roles`` (see the module docstring), an
    InteractionSystem over them, and the bridge that shows it in ``scene``."""
    settings = settings if settings is not None else InteractionSettings()
    visible = _Visible(scene)
    items: list[Interactable] = []
    zones: list[SnapZone] = []
    spots: list[TeleportSpot] = []
    nodes: dict[str, Node] = {}
    offsets: dict[str, np.ndarray] = {}
    zone_nodes: dict[str, Node] = {}
    for name, value in roles.items():
        role = _role(value)
        node = _find(scene, name)
        if node.mesh is None:
            raise ValueError(f"interactive node {name!r} ({role.kind}) has no mesh to take its shape from")
        world = visible.world(node) if node in visible else _hidden_world(scene, node)
        lo, hi = node.mesh.bounds()
        centre, half = (lo + hi) / 2, (hi - lo) / 2
        if role.kind == "zone":
            top = transform_point(world, (centre[0], hi[1], centre[2]))
            radius = role.radius_m if role.radius_m is not None else float(max(half[0], half[2]))
            spacing = world[:3, :3] @ np.array([role.spacing_m, 0.0, 0.0]) if role.spacing_m else None
            zones.append(
                SnapZone(name, top + world[:3, :3] @ np.asarray(role.offset), radius, set(role.accepts), spacing)
            )
            zone_nodes[name] = node
            continue
        if role.kind == "spot":
            radius = role.radius_m if role.radius_m is not None else float(max(half[0], half[2]))
            spots.append(TeleportSpot(name, transform_point(world, centre), radius, role.yaw_deg))
            zone_nodes[name] = node  # glows when the gaze dwells on it
            continue
        half = np.maximum(half, BUTTON_DEPTH_M / 2)  # flat panels: thick enough to poke, and to hit edge-on
        offset = _translation(centre)
        grabbable = role.kind == "grabbable"
        items.append(
            Interactable(
                name,
                BoxCollider(tuple(float(h) for h in half)),
                world @ offset,
                selectable=not grabbable,
                grabbable=grabbable,
                pokeable=role.pokeable and not grabbable,
            )
        )
        nodes[name] = node
        offsets[name] = offset
    system = InteractionSystem(items, zones, settings, spots=spots)
    return SceneInteractions(scene, system, nodes, offsets, zone_nodes)


def _hidden_world(scene: Scene, target: Node) -> np.ndarray:
    """World transform of a node under a hidden parent (walk() skips those)."""

    def search(node: Node, parent: np.ndarray) -> np.ndarray | None:
        world = parent @ node.transform
        if node is target:
            return world
        for child in node.children:
            found = search(child, world)
            if found is not None:
                return found
        return None

    found = search(scene.root, np.identity(4))
    return found if found is not None else target.transform
