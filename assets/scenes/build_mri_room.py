"""Builds the MRI rehearsal room, ``mri_room.glb`` beside this file, from simple shapes, the same bytes every run.

    python assets/scenes/build_mri_room.py           # (re)writes mri_room.glb
    python assets/scenes/build_mri_room.py --check   # exit status 1 if mri_room.glb differs from a fresh build

Edit the numbers here, never the .glb: the file is generated, and a test checks that this script reproduces it.

Coordinates: metres, +Y up, -Z forward, floor at y = 0. The user starts at :data:`START` facing -Z: the scanner
stands ahead (a little to the right), its bore facing the user; the patient table runs from the bore towards the
user; the radiographer stands beside the table, facing the start; the control room's window is in the right-hand
wall; a small side table with the patient's watch, phone and keys is within arm's reach of the start, and the
locker against the left-hand wall a step further (from ``spot_locker`` both are within reach); the headphones wait
on a trolley by the head end of the table, within reach of ``spot_table`` and the headrest they go on; the door the
patient came through is behind. Top view::

        z = -4.7  +------------------------------------+
                  |       [ scanner + bore ]            |
                  |  (spot_table) |table|  radiographer # control_window -> control room
                  |     trolley   |_____|               |
          locker  # (spot_locker)                       |
                  | side table  o start (0, 1.5)        |
        z = 2.3   +-----------[ door ]------------------+
               x = -1.3                              x = 4.7

Every node the scenarios name (see ``NAMES``) has its own mesh and one material: the application takes an
interactive node's shape, and any node's position, from its own mesh (the centre of its bounds; a zone holds things
on its top surface). So the ``radiographer`` node's mesh is the scrubs top, putting "look at the radiographer" at
chest height, and the head, legs and badge are its children. Nodes that move with the table (``headrest``,
``call_button``) are children of ``table_top``. Normals are explicit (flat where surfaces meet at an edge, smooth on
curves), and positions are rounded to a micrometre so the output does not depend on the last bits of the arithmetic.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import trimesh
from trimesh.visual.material import PBRMaterial

OUTPUT = Path(__file__).with_name("mri_room.glb")
"""The file this script writes."""

START = (0.0, 0.0, 1.5)
"""Where the user stands at the start (floor point, metres); they face -Z."""

NAMES = (
    "floor",
    "walls",
    "door",
    "scanner",
    "bore",
    "table",
    "table_top",
    "locker",
    "locker_shelf",
    "watch",
    "phone",
    "keys",
    "ear_protection",
    "headrest",
    "call_button",
    "control_window",
    "radiographer",
    "spot_locker",
    "spot_table",
)
"""The node names scenarios may refer to (other nodes are decoration and may change)."""

# --- layout, metres ----------------------------------------------------------------------------------------------
ROOM_X = (-1.3, 4.7)  # 6 m wide
ROOM_Z = (-4.7, 2.3)  # 7 m deep
ROOM_HEIGHT = 2.8
WALL = 0.1  # wall thickness, outside the room's interior bounds
# The floor's surface, 1 cm above y = 0 (a floor covering): the renderer draws its floor grid at exactly y = 0, and a
# floor closer to that plane loses the depth test to the grid's lines in the distance (dotted lines show through,
# as far as 4 m away with 5 mm). Things standing on the floor are built from y = 0 and sink into it unseen.
FLOOR_TOP = 0.01

AXIS_X = 1.5  # the bore's axis (runs along Z), a little left of the room's centre
AXIS_Y = 1.0
BORE_RADIUS = 0.32  # a 64 cm bore, as in most 1.5 T and 3 T scanners (60-70 cm)
HOUSING_FRONT_Z = -2.4
HOUSING_DEPTH = 1.6
HOUSING_HALF = 1.0  # half width and half height of the housing (2 m x 2 m)

TABLE_TOP_Y = 0.86  # the cushion's upper surface: its corners clear the bore (radius 0.32) by a few millimetres
TABLE_TOP_SIZE = (0.48, 0.06, 2.0)
TABLE_TOP_Z = -1.55  # centre: it reaches 0.15 m into the bore

LOCKER_Z = 0.9  # against the left-hand wall, open towards +X
SHELF_TOP_Y = 1.05
SIDE_TABLE = (-0.55, 0.95, 1.15)  # centre of the top surface: within arm's reach of START
# (x, z) of the disc: facing back towards the wall (yaw about 155 degrees), the locker's shelf and the side table
# are both about 0.6 m away and 58 degrees apart, so things can be taken from one and put on the other in view.
SPOT_LOCKER = (-0.59, 0.55)
SPOT_TABLE = (0.9, -1.85)  # beside the head end of the table: headrest, call button and trolley within reach
TROLLEY = (0.3, 0.85, -1.6)  # centre of its top surface
RADIOGRAPHER = (2.35, -1.1)  # standing right of the table, facing the start

WINDOW_Z = (-2.3, -0.7)  # the control window's opening in the right-hand wall
WINDOW_Y = (0.95, 1.95)


# --- shapes ------------------------------------------------------------------------------------------------------


@dataclass
class Shape:
    """Triangles with explicit normals: ``vertices`` (n, 3) metres, ``normals`` (n, 3) unit, ``faces`` (m, 3)."""

    vertices: np.ndarray
    normals: np.ndarray
    faces: np.ndarray

    def __add__(self, other: Shape) -> Shape:
        return Shape(
            np.concatenate([self.vertices, other.vertices]),
            np.concatenate([self.normals, other.normals]),
            np.concatenate([self.faces, other.faces + len(self.vertices)]),
        )

    def moved(self, transform: np.ndarray) -> Shape:
        """This shape under a rigid (4, 4) transform (rotation and translation only)."""
        rotation = transform[:3, :3]
        return Shape(self.vertices @ rotation.T + transform[:3, 3], self.normals @ rotation.T, self.faces.copy())


def _shape(vertices, normals, faces) -> Shape:
    """A Shape whose triangles wind counter-clockwise seen from the side their vertex normals point to (so
    back-face culling keeps the visible side); triangles without area are dropped."""
    vertices = np.asarray(vertices, np.float64).reshape(-1, 3)
    normals = np.asarray(normals, np.float64).reshape(-1, 3)
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    faces = np.asarray(faces, np.int64).reshape(-1, 3)
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    cross = np.cross(b - a, c - a)
    faces = faces[np.linalg.norm(cross, axis=1) > 1e-12]
    cross = cross[np.linalg.norm(cross, axis=1) > 1e-12]
    wrong = np.einsum("ij,ij->i", cross, normals[faces].sum(axis=1)) < 0
    faces[wrong] = faces[wrong][:, ::-1]
    return Shape(vertices, normals, faces)


def combine(*shapes: Shape) -> Shape:
    """One shape holding all of ``shapes``."""
    out = shapes[0]
    for shape in shapes[1:]:
        out = out + shape
    return out


def box(size, centre=(0.0, 0.0, 0.0)) -> Shape:
    """An axis-aligned box, ``size`` (3,) metres, flat-shaded (4 vertices per side)."""
    half = np.asarray(size, np.float64) / 2
    vertices, normals, faces = [], [], []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            u, v = (axis + 1) % 3, (axis + 2) % 3
            base = len(vertices)
            for du, dv in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                corner = np.zeros(3)
                corner[axis], corner[u], corner[v] = sign * half[axis], du * half[u], dv * half[v]
                vertices.append(corner + centre)
                normal = np.zeros(3)
                normal[axis] = sign
                normals.append(normal)
            faces += [(base, base + 1, base + 2), (base, base + 2, base + 3)]
    return _shape(vertices, normals, faces)


def box_between(low, high) -> Shape:
    """The axis-aligned box with corners ``low`` and ``high`` (3,) metres."""
    low, high = np.asarray(low, np.float64), np.asarray(high, np.float64)
    return box(high - low, (low + high) / 2)


def lathe(strips, sections: int = 32) -> Shape:
    """A surface of revolution about +Y. ``strips``: polylines of (radius, height) points, each smooth along its
    length (a new strip makes a crease), traversed counter-clockwise around the solid's cross-section (radius to
    the right, height up), so that the outward normal is the tangent turned clockwise."""
    out = None
    angles = np.linspace(0.0, 2 * math.pi, sections + 1)
    for strip in strips:
        profile = np.asarray(strip, np.float64)
        tangents = np.gradient(profile, axis=0)
        flat = np.stack([tangents[:, 1], -tangents[:, 0]], axis=1)  # (normal r, normal h)
        s, c = np.sin(angles)[:, None], np.cos(angles)[:, None]
        vertices = np.stack(
            [profile[:, 0] * s, np.broadcast_to(profile[:, 1], (sections + 1, len(profile))), profile[:, 0] * c], -1
        )
        normals = np.stack(
            [flat[:, 0] * s, np.broadcast_to(flat[:, 1], (sections + 1, len(profile))), flat[:, 0] * c], -1
        )
        k = len(profile)
        i, j = np.meshgrid(np.arange(sections), np.arange(k - 1), indexing="ij")
        a, b = i * k + j, (i + 1) * k + j
        faces = np.concatenate([np.stack([a, a + 1, b + 1], -1), np.stack([a, b + 1, b], -1)]).reshape(-1, 3)
        part = _shape(vertices.reshape(-1, 3), normals.reshape(-1, 3), faces)
        out = part if out is None else out + part
    return out


def cylinder(radius: float, height: float, sections: int = 32) -> Shape:
    """A closed cylinder along Y from 0 to ``height``: flat caps, smooth side."""
    return lathe([[(0, 0), (radius, 0)], [(radius, 0), (radius, height)], [(radius, height), (0, height)]], sections)


def tube(inner: float, outer: float, length: float, sections: int = 48) -> Shape:
    """A thick-walled pipe along Y from 0 to ``length``: the inside visible (you can see into it)."""
    return lathe(
        [
            [(inner, 0), (outer, 0)],
            [(outer, 0), (outer, length)],
            [(outer, length), (inner, length)],
            [(inner, length), (inner, 0)],
        ],
        sections,
    )


def sphere(radius: float, sections: int = 24, rings: int = 12) -> Shape:
    """A smooth sphere centred on the origin."""
    t = np.linspace(-math.pi / 2, math.pi / 2, rings + 1)
    return lathe([np.stack([radius * np.cos(t), radius * np.sin(t)], 1)], sections)


def capsule(radius: float, height: float, sections: int = 24, rings: int = 6) -> Shape:
    """A smooth capsule along Y from 0 to ``height`` (hemispherical ends included)."""
    t = np.linspace(-math.pi / 2, 0, rings + 1)
    low = np.stack([radius * np.cos(t), radius + radius * np.sin(t)], 1)
    high = np.stack([radius * np.cos(-t[::-1]), height - radius + radius * np.sin(-t[::-1])], 1)
    return lathe([np.concatenate([low, high])], sections)


def arc_tube(radius: float, thickness: float, start: float, end: float, steps: int = 16, sides: int = 8) -> Shape:
    """A round bar bent along an arc of ``radius`` in the XY plane from angle ``start`` to ``end`` (radians,
    from +X towards +Y), ``thickness`` its radius; open ends."""
    t = np.linspace(start, end, steps + 1)[:, None]
    s = np.linspace(0.0, 2 * math.pi, sides + 1)[None, :]
    radial = np.stack([np.cos(t), np.sin(t), np.zeros_like(t)], -1)  # (steps+1, 1, 3)
    normals = np.cos(s)[..., None] * radial + np.sin(s)[..., None] * np.array([0.0, 0.0, 1.0])
    vertices = radius * radial + thickness * normals
    k = sides + 1
    i, j = np.meshgrid(np.arange(steps), np.arange(sides), indexing="ij")
    a, b = i * k + j, (i + 1) * k + j
    faces = np.concatenate([np.stack([a, a + 1, b + 1], -1), np.stack([a, b + 1, b], -1)]).reshape(-1, 3)
    return _shape(vertices.reshape(-1, 3), normals.reshape(-1, 3), faces)


def housing(half: float, hole: float, depth: float, exponent: float = 5.0, sections: int = 96) -> Shape:
    """The scanner's housing: a rounded square (a superellipse of half size ``half``) with a round hole of radius
    ``hole`` right through it, the front face at z = 0 and the back at z = -``depth``; the bore's axis is Z."""
    theta = np.linspace(0.0, 2 * math.pi, sections + 1)
    c, s = np.cos(theta), np.sin(theta)
    r = (np.abs(c) ** exponent + np.abs(s) ** exponent) ** (-1.0 / exponent) * half
    outer = np.stack([r * c, r * s], 1)
    inner = np.stack([hole * c, hole * s], 1)
    # The superellipse's outward normal is the gradient of |x|^n + |y|^n.
    grad = np.stack([np.sign(c) * np.abs(c * r) ** (exponent - 1), np.sign(s) * np.abs(s * r) ** (exponent - 1)], 1)
    k = sections + 1
    idx = np.arange(sections)

    def ring(points_a, points_b, z_a, z_b, normals_a, normals_b) -> Shape:
        vertices = np.concatenate([np.c_[points_a, np.full(k, z_a)], np.c_[points_b, np.full(k, z_b)]])
        faces = np.concatenate([np.stack([idx, idx + k, idx + k + 1], 1), np.stack([idx, idx + k + 1, idx + 1], 1)])
        return _shape(vertices, np.concatenate([normals_a, normals_b]), faces)

    front = np.tile([0.0, 0.0, 1.0], (k, 1))
    back = np.tile([0.0, 0.0, -1.0], (k, 1))
    out_n = np.c_[grad, np.zeros(k)]
    in_n = np.c_[-inner, np.zeros(k)]
    return combine(
        ring(inner, outer, 0.0, 0.0, front, front),
        ring(inner, outer, -depth, -depth, back, back),
        ring(outer, outer, 0.0, -depth, out_n, out_n),
        ring(inner, inner, 0.0, -depth, in_n, in_n),
    )


def scaled(shape: Shape, factors) -> Shape:
    """``shape`` stretched by ``factors`` (3,) along X, Y, Z (normals follow the inverse transpose)."""
    factors = np.asarray(factors, np.float64)
    return _shape(shape.vertices * factors, shape.normals / factors, shape.faces)


def inside_out(shape: Shape) -> Shape:
    """The same surface seen from inside (a room's walls seen from within)."""
    return _shape(shape.vertices, -shape.normals, shape.faces)


# --- transforms --------------------------------------------------------------------------------------------------


def place(position=(0.0, 0.0, 0.0), yaw_deg: float = 0.0) -> np.ndarray:
    """(4, 4): a turn of ``yaw_deg`` about +Y (positive turns -Z towards -X, i.e. to the left), then a move."""
    m = np.identity(4)
    a = math.radians(yaw_deg)
    m[:3, :3] = [[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]]
    m[:3, 3] = position
    return m


def turn(axis: str, degrees: float) -> np.ndarray:
    """(4, 4) rotation about the X, Y or Z axis."""
    return trimesh.transformations.rotation_matrix(
        math.radians(degrees), {"x": [1, 0, 0], "y": [0, 1, 0], "z": [0, 0, 1]}[axis]
    )


# --- materials ---------------------------------------------------------------------------------------------------


def _linear(srgb_hex: str) -> list[float]:
    """'#RRGGBB' (a display colour, as designers pick it) to linear RGB 0..1 (what glTF factors are)."""
    values = np.array([int(srgb_hex[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return list(np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4))


def pbr(
    name, colour, roughness=0.8, metallic=0.0, alpha=1.0, glow=None, glow_strength=1.0, fill=0.0, double_sided=False
):
    """A glTF metallic-roughness material from an sRGB ``colour`` ('#RRGGBB'); ``glow`` an sRGB emissive colour.

    ``fill`` (0..1) makes the surface give off that fraction of its own colour: the light a bright room bounces
    onto walls and ceilings that the renderer's single key light leaves in shade (a white wall facing away from
    the light would otherwise look dark grey, which reads as gloomy, not as a hospital)."""
    if fill and glow is None:
        glow, glow_strength = colour, fill
    return PBRMaterial(
        name=name,
        baseColorFactor=[*_linear(colour), alpha],
        metallicFactor=metallic,
        roughnessFactor=roughness,
        emissiveFactor=None if glow is None else [v * glow_strength for v in _linear(glow)],
        alphaMode="BLEND" if alpha < 1.0 else "OPAQUE",
        doubleSided=double_sided,
    )


# --- the scene graph ---------------------------------------------------------------------------------------------


@dataclass
class Part:
    """A node: ``name``, its ``shape`` in its own frame, a material, its transform relative to the parent."""

    name: str
    shape: Shape
    material: PBRMaterial
    transform: np.ndarray = field(default_factory=lambda: np.identity(4))
    children: list[Part] = field(default_factory=list)


def _mesh(part: Part) -> trimesh.Trimesh:
    # Rounded so that the file does not depend on the last bits of the arithmetic (libraries, CPUs).
    mesh = trimesh.Trimesh(
        vertices=np.round(part.shape.vertices, 6),
        faces=part.shape.faces,
        vertex_normals=np.round(part.shape.normals, 6),
        process=False,
    )
    mesh.visual = trimesh.visual.TextureVisuals(material=part.material)
    mesh.metadata = {}
    return mesh


def _add(scene: trimesh.Scene, part: Part, parent: str | None) -> None:
    scene.add_geometry(
        _mesh(part),
        node_name=part.name,
        geom_name=part.name,
        parent_node_name=parent,
        transform=np.round(part.transform, 6),
    )
    for child in part.children:
        _add(scene, child, part.name)


# --- the room ----------------------------------------------------------------------------------------------------


def room() -> list[Part]:
    """Floor, walls (with the control window's opening), ceiling with lights, the door behind the start."""
    (x0, x1), (z0, z1), h = ROOM_X, ROOM_Z, ROOM_HEIGHT
    centre = ((x0 + x1) / 2, 0.0, (z0 + z1) / 2)
    at_centre = place(centre)
    local = -np.asarray(centre)
    wz0, wz1 = WINDOW_Z
    wy0, wy1 = WINDOW_Y
    walls = combine(
        box_between((x0 - WALL, 0, z0 - WALL), (x0, h, z1 + WALL)),  # left
        box_between((x0 - WALL, 0, z0 - WALL), (x1 + WALL, h, z0)),  # ahead, behind the scanner
        box_between((x0 - WALL, 0, z1), (x1 + WALL, h, z1 + WALL)),  # behind the start
        # right, around the window's opening
        box_between((x1, 0, z0 - WALL), (x1 + WALL, h, wz0)),
        box_between((x1, 0, wz1), (x1 + WALL, h, z1 + WALL)),
        box_between((x1, 0, wz0), (x1 + WALL, wy0, wz1)),
        box_between((x1, wy1, wz0), (x1 + WALL, h, wz1)),
    ).moved(place(local))
    skirting = combine(
        box_between((x0, 0, z0), (x0 + 0.012, 0.1, z1)),
        box_between((x1 - 0.012, 0, z0), (x1, 0.1, z1)),
        box_between((x0, 0, z1 - 0.012), (x1, 0.1, z1)),
        box_between((x0, 0, z0 + 0.005), (x1, 0.1, z0 + 0.017)),
    ).moved(place(local))
    calm = pbr("wall_white", "#E6E4DF", roughness=0.9, fill=0.3)
    lights = combine(*(box((0.6, 0.02, 0.6), (x, -0.015, z)) for x in (-1.5, 1.5) for z in (-2.0, 0.3, 2.4)))
    door_size = (1.2, 2.1, 0.05)
    door = Part(
        "door",
        box(door_size),
        pbr("door_blue_grey", "#B3C1CA", roughness=0.6, fill=0.25),
        place((0.9, door_size[1] / 2, z1 - door_size[2] / 2)),
        [
            Part(
                "door_handle",
                box((0.14, 0.025, 0.03), (-0.45, 0.0, -0.04)),
                pbr("brushed_metal", "#A7ABAF", roughness=0.35, metallic=0.8),
            ),
            Part("door_sign", box((0.3, 0.3, 0.005), (0.0, 0.55, -0.028)), pbr("sign_yellow", "#EEC24A", 0.6)),
        ],
    )
    return [
        Part(
            "floor",
            box_between((x0, FLOOR_TOP - 0.02, z0), (x1, FLOOR_TOP, z1)).moved(place(local)),
            pbr("floor_vinyl", "#C9C3B6", 0.6, fill=0.08),
            at_centre,
        ),
        Part(
            "walls",
            walls,
            calm,
            at_centre,
            [
                # The wall behind the scanner in a soft teal: a calm thing to look at, and depth for the eye.
                Part(
                    "accent_wall",
                    box_between((x0, 0, z0), (x1, h, z0 + 0.005)).moved(place(local)),
                    pbr("wall_teal", "#A7C8C5", 0.9, fill=0.15),
                ),
                Part("skirting", skirting, pbr("skirting_grey", "#8D98A1", 0.7, fill=0.2)),
            ],
        ),
        Part(
            "ceiling",
            box_between((x0, h, z0), (x1, h + 0.03, z1)).moved(place(local)),
            pbr("ceiling_white", "#F1F1EE", 0.9, fill=0.55),
            at_centre,
            [
                Part(
                    "ceiling_lights", lights.moved(place((0, h, 0))), pbr("light_panel", "#FFFFFF", 0.5, glow="#FFF4DE")
                )
            ],
        ),
        door,
    ]


def scanner() -> Part:
    """The scanner: housing with a real hole, the bore (a tube you can see through), a flared ring round its
    opening, the table base and the sliding table top with the headrest and the call button on it."""
    front = place((AXIS_X, AXIS_Y, HOUSING_FRONT_Z))
    # The bore: a pipe whose inner face is what the patient sees, reaching 2 cm out of each end of the housing.
    bore = tube(BORE_RADIUS, BORE_RADIUS + 0.02, HOUSING_DEPTH + 0.04, sections=48).moved(
        place((0, 0, 0.02)) @ turn("x", -90)
    )
    bore_light = box((0.06, 0.004, HOUSING_DEPTH), (0.0, BORE_RADIUS - 0.012, -HOUSING_DEPTH / 2))
    # The flared ring round the opening: a lip at the bore, sloping back to the front face.
    bezel_profile = [(0.70, 0.004), (0.62, 0.04), (0.50, 0.075), (0.37, 0.09), (0.335, 0.075), (BORE_RADIUS, 0.02)]
    bezel = lathe([bezel_profile], 64).moved(turn("x", 90))
    displays = combine(box((0.22, 0.13, 0.012), (0.62, 0.5, 0.006)), box((0.22, 0.13, 0.012), (-0.62, 0.5, 0.006)))
    plinth = box_between((-0.75, -AXIS_Y, -HOUSING_DEPTH + 0.05), (0.75, -AXIS_Y + 0.1, 0.02))
    return Part(
        "scanner",
        housing(HOUSING_HALF, BORE_RADIUS + 0.02, HOUSING_DEPTH),
        pbr("scanner_white", "#EEF0F0", roughness=0.35, fill=0.12),
        front,
        [
            Part(
                "bore",
                bore,
                pbr("bore_white", "#F2F3F1", roughness=0.5, fill=0.35),
                children=[Part("bore_light", bore_light, pbr("bore_glow", "#FFFFFF", 0.5, glow="#FFF2D8"))],
            ),
            Part("scanner_ring", bezel, pbr("scanner_blue", "#5B8DB8", roughness=0.4)),
            Part("scanner_plinth", plinth, pbr("plinth_grey", "#7D858C", roughness=0.7)),
            Part("scanner_displays", displays, pbr("display", "#1D3A52", 0.3, glow="#4A8CC0", glow_strength=0.6)),
        ],
    )


def table() -> list[Part]:
    """The table base (fixed) and the table top (the cushion that slides into the bore) carrying the headrest
    and the call button (a squeeze ball with its cable), where a lying patient's head and right hand are."""
    w, t, length = TABLE_TOP_SIZE
    base = box_between((-0.26, 0.0, -0.7), (0.26, TABLE_TOP_Y - t, 0.7))
    # A head cradle: a base pad and two side pads, wide enough for headphones between them.
    headrest = combine(
        box_between((-0.17, 0.0, -0.13), (0.17, 0.025, 0.13)),
        box_between((-0.17, 0.025, -0.13), (-0.11, 0.105, 0.13)),
        box_between((0.11, 0.025, -0.13), (0.17, 0.105, 0.13)),
    ).moved(place((0, -0.0525, 0)))
    ball_radius = 0.035
    cable = cylinder(0.006, 0.32, 12).moved(place((0, -ball_radius + 0.006, -0.01)) @ turn("x", -90))
    top = Part(
        "table_top",
        box((w, t, length)),
        pbr("cushion_blue", "#3F6E8C", roughness=0.85),
        place((AXIS_X, TABLE_TOP_Y - t / 2, TABLE_TOP_Z)),
        [
            Part("headrest", headrest, pbr("foam_blue", "#6E9DB5", roughness=0.9), place((0, t / 2 + 0.0525, -0.6))),
            # The patient lies on their back, head in the bore: their right hand is on the -X side.
            Part(
                "call_button",
                sphere(ball_radius, 20, 10),
                pbr("rubber_orange", "#E07B39", roughness=0.6),
                place((-0.17, t / 2 + ball_radius, -0.05)),
                [Part("call_button_cable", cable, pbr("cable_grey", "#D5D7D8", roughness=0.5))],
            ),
        ],
    )
    return [
        Part("table", base, pbr("table_grey", "#D9DCDD", roughness=0.5), place((AXIS_X, 0, -1.55))),
        top,
    ]


def locker() -> Part:
    """An open-fronted locker against the left-hand wall, facing into the room (+X), with the shelf where the
    patient's metal things go (the ``locker_shelf`` zone: its top surface is where they rest)."""
    depth, height, width, panel = 0.45, 1.8, 0.6, 0.018
    # Built facing +Z, then turned to face +X; the origin is the cabinet's centre.
    d, hh, w = depth / 2, height / 2, width / 2
    shell = combine(
        box_between((-w, -hh, -d), (w, hh, -d + panel)),  # back
        box_between((-w, -hh, -d), (-w + panel, hh, d)),  # sides
        box_between((w - panel, -hh, -d), (w, hh, d)),
        box_between((-w, hh - panel, -d), (w, hh, d)),  # top
        box_between((-w, -hh, -d), (w, -hh + 0.08, d)),  # plinth
        box_between((-w, -hh + 0.45, -d), (w, -hh + 0.47, d)),  # a low shelf for shoes and bags
        box_between((-w, hh - 0.35, -d), (w, hh - 0.33, d)),  # a high shelf
    )
    shelf = box_between((-w + panel, -0.02, -d + panel), (w - panel, 0.0, d))
    return Part(
        "locker",
        shell,
        pbr("locker_birch", "#D8C7A3", roughness=0.7, fill=0.15),
        place((ROOM_X[0] + d, hh, LOCKER_Z), yaw_deg=90.0),
        [Part("locker_shelf", shelf, pbr("shelf_birch", "#BFA77C", roughness=0.7), place((0, SHELF_TOP_Y - hh, 0)))],
    )


def belongings() -> list[Part]:
    """The side table by the start with the patient's watch, phone and keys on it; the trolley by the table with
    the headphones (the ear protection the patient puts on the headrest)."""
    x, y, z = SIDE_TABLE
    side_table = combine(
        box_between((-0.22, -0.025, -0.18), (0.22, 0.0, 0.18)),
        cylinder(0.025, y - 0.04, 16).moved(place((0, -y, 0))),
        cylinder(0.18, 0.02, 32).moved(place((0, -y, 0))),
    )
    watch = combine(cylinder(0.021, 0.011, 24).moved(place((0, -0.0055, 0))), box((0.02, 0.004, 0.12), (0, -0.0035, 0)))
    phone = box((0.075, 0.009, 0.155))
    keys = combine(
        lathe([[(0.016, -0.002), (0.02, 0.0), (0.016, 0.002), (0.012, 0.0), (0.016, -0.002)]], 20),
        box((0.018, 0.004, 0.055), (0.0, 0.0, 0.045)).moved(place(yaw_deg=25)),
        box((0.016, 0.004, 0.05), (0.0, 0.0, 0.042)).moved(place(yaw_deg=-35)),
    )
    tx, ty, tz = TROLLEY
    trolley = combine(
        box_between((-0.2, -0.02, -0.17), (0.2, 0.0, 0.17)),
        box_between((-0.2, -ty + 0.15, -0.17), (0.2, -ty + 0.17, 0.17)),
        *(
            cylinder(0.012, ty - 0.05, 12).moved(place((sx * 0.18, -ty + 0.03, sz * 0.15)))
            for sx in (-1, 1)
            for sz in (-1, 1)
        ),
        *(sphere(0.025, 8, 4).moved(place((sx * 0.18, -ty + 0.025, sz * 0.15))) for sx in (-1, 1) for sz in (-1, 1)),
    )
    # Headphones: a band over the top and two ear cups (axes along X), resting on the cups.
    cup = cylinder(0.045, 0.035, 24)
    ear_protection = combine(
        arc_tube(0.085, 0.011, 0.0, math.pi, 16, 8),
        cup.moved(place((0.0675, 0, 0)) @ turn("z", -90)),
        cup.moved(place((-0.0675, 0, 0)) @ turn("z", 90)),
    )
    metal = pbr("watch_steel", "#C3C7CB", roughness=0.35, metallic=0.7)
    return [
        Part("side_table", side_table, pbr("side_table_grey", "#BFC7CC", roughness=0.6), place((x, y, z))),
        Part("watch", watch, metal, place((x + 0.12, y + 0.0055, z + 0.08), yaw_deg=20)),
        Part(
            "phone",
            phone,
            pbr("phone_graphite", "#2B2F33", roughness=0.3),
            place((x - 0.02, y + 0.0045, z + 0.06), yaw_deg=-10),
        ),
        Part(
            "keys",
            keys,
            pbr("keys_brass", "#C9A646", roughness=0.4, metallic=0.8),
            place((x + 0.1, y + 0.002, z - 0.09), yaw_deg=60),
        ),
        Part("trolley", trolley, pbr("trolley_white", "#D4D9DC", roughness=0.5), place((tx, ty, tz))),
        Part(
            "ear_protection",
            ear_protection,
            pbr("headphones_lilac", "#8A7FB0", roughness=0.55),
            place((tx, ty + 0.045, tz), yaw_deg=90),
        ),
    ]


def control_room() -> list[Part]:
    """The window into the control room (tinted glass, alpha 0.35) and, behind it, a desk with screens."""
    x1 = ROOM_X[1]
    (z0, z1), (y0, y1) = WINDOW_Z, WINDOW_Y
    mid = ((z0 + z1) / 2, (y0 + y1) / 2)
    width, height = z1 - z0, y1 - y0
    pane = box((0.012, height, width))
    lining = 0.03
    frame = combine(
        box((WALL + 0.02, lining, width + 2 * lining), (0, height / 2 + lining / 2, 0)),
        box((WALL + 0.06, lining, width + 2 * lining), (-0.02, -height / 2 - lining / 2, 0)),  # the sill
        box((WALL + 0.02, height, lining), (0, 0, width / 2 + lining / 2)),
        box((WALL + 0.02, height, lining), (0, 0, -width / 2 - lining / 2)),
    )
    back = (x1 + WALL, x1 + WALL + 2.3)
    booth = inside_out(box_between((back[0], 0, -3.2), (back[1], ROOM_HEIGHT, 0.4)))
    # Without the side towards the window: from the MRI room the window looks into the booth, not at its wall.
    keep = booth.normals[booth.faces[:, 0], 0] < 0.5
    booth = Shape(booth.vertices, booth.normals, booth.faces[keep])
    desk = combine(
        box_between((back[0] + 0.1, 0.72, z0 - 0.1), (back[0] + 0.75, 0.75, z1 + 0.1)),
        box_between((back[0] + 0.65, 0.0, z0 - 0.1), (back[0] + 0.72, 0.72, z1 + 0.1)),
    )
    screens = combine(
        *(
            box_between((back[0] + 0.55, 0.9, z - 0.27), (back[0] + 0.58, 1.24, z + 0.27))
            for z in (z0 + 0.45, z1 - 0.45)
        )
    )
    return [
        Part(
            "control_window",
            pane,
            pbr("tinted_glass", "#5F8A96", roughness=0.1, alpha=0.35, double_sided=True),
            place((x1 + WALL / 2, mid[1], mid[0])),
            [Part("control_window_frame", frame, pbr("frame_grey", "#9AA3A8", roughness=0.5))],
        ),
        Part(
            "control_room",
            booth,
            pbr("control_room_wall", "#B9BFC4", roughness=0.9, fill=0.2),
            children=[
                Part("control_desk", desk, pbr("desk_oak", "#9C8B74", roughness=0.7)),
                Part("control_screens", screens, pbr("screen", "#1A1F24", 0.3, glow="#3A6A96", glow_strength=0.7)),
            ],
        ),
    ]


def radiographer() -> Part:
    """A simple, friendly figure in scrubs (capsule torso, arms and legs, sphere head with eyes, a name badge),
    standing beside the table and facing the start.

    The ``radiographer`` node's own mesh is the scrubs top (torso and arms), so its centre, which the application
    takes as the node's position, is at chest height: "look at the radiographer" aims at the person, and looking
    at the face is well inside the cone (the legs, head and badge are child nodes)."""
    chest = 1.35
    top = combine(
        scaled(capsule(0.18, 0.72, 24, 6), (1.0, 1.0, 0.72)).moved(place((0, 0.8 - chest, 0))),
        capsule(0.05, 0.62, 12, 4).moved(place((0.235, 0.8 - chest, 0))),
        capsule(0.05, 0.62, 12, 4).moved(place((-0.235, 0.8 - chest, 0))),
    )
    legs = combine(*(capsule(0.075, 0.95, 16, 4).moved(place((sx * 0.09, -chest, 0))) for sx in (-1, 1)))
    head_y = 1.625 - chest
    head = sphere(0.115, 24, 12).moved(place((0, head_y, 0)))
    eyes = combine(*(sphere(0.014, 10, 5).moved(place((sx * 0.04, head_y + 0.02, 0.105))) for sx in (-1, 1)))
    badge = box((0.06, 0.085, 0.006), (0.075, 1.3 - chest, 0.118))
    tx, tz = START[0] - RADIOGRAPHER[0], START[2] - RADIOGRAPHER[1]
    facing = math.degrees(math.atan2(tx, tz))  # the figure's front is +Z
    return Part(
        "radiographer",
        top,
        pbr("scrubs_teal", "#4F8FA6", roughness=0.85),
        place((RADIOGRAPHER[0], chest, RADIOGRAPHER[1]), yaw_deg=facing),
        [
            Part("radiographer_legs", legs, pbr("scrubs_trousers", "#3F7A90", roughness=0.85)),
            Part("radiographer_head", head, pbr("skin", "#D9A98A", roughness=0.7)),
            Part("radiographer_eyes", eyes, pbr("eyes_dark", "#2A2522", roughness=0.3)),
            Part("radiographer_badge", badge, pbr("badge_white", "#F4F4F4", roughness=0.5)),
        ],
    )


def spots() -> list[Part]:
    """The teleport spots: thin discs on the floor, softly lit so they read as "you can go here"."""
    disc = cylinder(0.3, 0.01, 40).moved(place((0, FLOOR_TOP, 0)))
    material = pbr("spot_teal", "#4FB3A9", roughness=0.6, glow="#4FB3A9", glow_strength=0.25)
    return [
        Part("spot_locker", disc, material, place((SPOT_LOCKER[0], 0, SPOT_LOCKER[1]))),
        Part("spot_table", disc, material, place((SPOT_TABLE[0], 0, SPOT_TABLE[1]))),
    ]


def build() -> trimesh.Scene:
    """The MRI room as a trimesh Scene (node names as in :data:`NAMES`, plus decoration)."""
    scene = trimesh.Scene()
    parts = [*room(), scanner(), *table(), locker(), *belongings(), *control_room(), radiographer(), *spots()]
    for part in parts:
        _add(scene, part, None)
    return scene


def glb_bytes() -> bytes:
    """The .glb file's contents, as :func:`main` writes them."""
    return build().export(file_type="glb", include_normals=True)


def main(argv: list[str] | None = None) -> int:
    """Write :data:`OUTPUT` (or with ``--check``, say whether it is up to date: exit status 0 or 1)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default {OUTPUT.name})")
    args = parser.parse_args(argv)
    data = glb_bytes()
    if args.check:
        same = args.output.is_file() and args.output.read_bytes() == data
        print(f"{args.output}: {'up to date' if same else 'differs from a fresh build: run this script'}")
        return 0 if same else 1
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
