"""The scene ``python main.py run`` shows until scenarios bring their own: coloured boxes, a welcome panel in
Korean and English, and a subtitle that follows the gaze.

Positions in metres in the play space (floor at y = 0, -Z ahead of a viewer standing at the origin). The red box
is straight ahead at eye height, so both eyes see it and its parallax shows the IPD.
"""

from __future__ import annotations

import numpy as np

from renderer import primitives
from renderer.scene import Material, Node, Scene
from renderer.text import layout_text, text_node, text_panel

WELCOME = "안녕하세요! MRI 검사를 함께 연습해요.\nHello! Let's practise your MRI scan together."
SUBTITLE = "천천히 숨을 쉬세요 · Breathe slowly"


def _at(x: float, y: float, z: float, yaw_deg: float = 0.0) -> np.ndarray:
    m = np.identity(4)
    c, s = np.cos(np.radians(yaw_deg)), np.sin(np.radians(yaw_deg))
    m[:3, :3] = [[c, 0, s], [0, 1, 0], [-s, 0, c]]
    m[:3, 3] = (x, y, z)
    return m


def build() -> Scene:
    """A fresh demo scene (new objects each call, so GPU resources of one run never leak into another)."""
    scene = Scene(source="demo scene")
    root = scene.root
    boxes = [
        ("red_box", (0.0, 1.6, -2.0), (0.4, 0.4, 0.4), (0.85, 0.12, 0.10), 0.5, 0.0),
        ("green_box", (-1.2, 0.5, -3.0), (1.0, 1.0, 1.0), (0.15, 0.65, 0.20), 0.8, 0.0),
        ("blue_box", (1.3, 0.4, -2.5), (0.6, 0.8, 0.6), (0.15, 0.30, 0.85), 0.4, 0.0),
        ("yellow_box", (0.4, 0.1, -1.2), (0.2, 0.2, 0.2), (0.95, 0.80, 0.15), 0.3, 0.0),
    ]
    for name, center, size, color, roughness, metallic in boxes:
        material = Material(name, base_color=(*color, 1.0), roughness=roughness, metallic=metallic)
        root.add(Node(name, _at(*center), primitives.box(size, name), material))
    panel = text_panel(WELCOME, width_m=1.0, text_height_m=0.05, align="center", name="welcome_panel")
    panel.transform = _at(-0.75, 1.7, -1.6, yaw_deg=25.0)
    root.add(panel)
    subtitle = text_node(layout_text(SUBTITLE, 0.045, align="center", color=(1.0, 0.95, 0.8, 1.0)), name="subtitle")
    root.add(subtitle)
    return scene
