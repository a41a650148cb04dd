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

WELCOME_KO = "안녕하세요! MRI 검사를 함께 연습해요."
WELCOMES = {
    "ko": WELCOME_KO,
    "en": "Hello! Let's practise your MRI scan together.",
    "vi": "Xin chào! Hãy cùng tập chụp MRI nhé.",
    "zh": "您好！我们一起练习MRI检查吧。",
}
"""The welcome in each language of the selector; the panel always shows the Korean line, then the chosen one."""
WELCOME = f"{WELCOME_KO}\n{WELCOMES['en']}"
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


CONTINUE = "계속 · Continue"
CALL = "호출 · Call"
RESUME = "계속하기 · Resume"
LANGUAGES = {"ko": "한국어", "en": "English", "vi": "Tiếng Việt", "zh": "中文"}
"""Language code → the selector button's label, each in its own language."""
FIRST_LANGUAGE = "en"  # the welcome panel as build() makes it: Korean and English
STEPS = 4


def welcome_text(code: str) -> str:
    """The welcome panel's text for ``code``: Korean, plus the chosen language's line unless that is Korean."""
    return WELCOME_KO if code == "ko" else f"{WELCOME_KO}\n{WELCOMES[code]}"


def progress_text(step: int, count: int) -> str:
    return f"단계 {step} / {count} · Step {step} of {count}"


def _unlit(name: str, rgb: tuple[float, float, float]) -> Material:
    return Material(name, base_color=(*rgb, 1.0), unlit=True)


def _welcome_panel(code: str, height_m: float | None = None):
    return text_panel(welcome_text(code), width_m=1.0, height_m=height_m, text_height_m=0.05, align="center",
                      name="welcome_panel")  # fmt: skip


def _add_language_and_progress(scene: Scene):
    """The language selector and the progress indicator under the welcome panel (as its children, so they face the
    user as it does; the panel itself stays where build() put it). Returns (LanguageView, ProgressView)."""
    from interactions.ui import LanguageSelector, ProgressIndicator

    from .scene_interactions import LanguageView, ProgressView, retext

    welcome = scene.find("welcome_panel")
    # One height for every language (the tallest), so a change of language moves nothing below the panel.
    height = max(float(np.ptp(_welcome_panel(code).mesh.bounds(), axis=0)[1]) for code in WELCOMES)
    cache = {FIRST_LANGUAGE: _welcome_panel(FIRST_LANGUAGE, height)}
    retext(welcome, cache[FIRST_LANGUAGE])

    def relayout(code: str) -> None:  # once per change of language; kept, so switching back makes no new meshes
        if code not in cache:
            cache[code] = _welcome_panel(code, height)
        retext(welcome, cache[code])

    selector = LanguageSelector("language", tuple(LANGUAGES), FIRST_LANGUAGE, spacing_m=0.245)
    button_h, y = 0.09, -height / 2 - 0.02
    nodes = {}
    for button, code in zip(selector.buttons, selector.codes, strict=True):
        node = text_panel(LANGUAGES[code], width_m=0.235, height_m=button_h, text_height_m=0.035, align="center",
                          padding_m=0.02, background=(0.10, 0.22, 0.40, 1.0), name=button.name)  # fmt: skip
        node.transform = button.transform.copy()  # the selector's row, laid out on the panel's plane
        node.transform[1, 3] = y - button_h / 2
        nodes[button.name] = welcome.add(node)
    languages = LanguageView(selector, nodes, _unlit("language/chosen", (0.08, 0.40, 0.18)), relayout)

    y -= button_h + 0.03
    label_h, bar_w, bar_h = 0.08, 0.6, 0.025

    def label(step: int, count: int):
        return text_panel(progress_text(step, count), width_m=bar_w, height_m=label_h, text_height_m=0.04,
                          align="center", padding_m=0.015, name="progress_label")  # fmt: skip

    progress = ProgressIndicator(1, STEPS)
    label_node = welcome.add(label(1, STEPS))
    label_node.transform = _at(0.0, y - label_h / 2, 0.0)
    grey = _unlit("progress_bar", (0.2, 0.2, 0.24))
    bar_at = _at(0.0, y - label_h - 0.005 - bar_h / 2, 0.0)
    bar = welcome.add(Node("progress_bar", bar_at, primitives.quad(bar_w, bar_h, "progress_bar"), grey))
    fill = bar.add(Node("progress_bar/fill", _at(0.0, 0.0, 0.001), primitives.quad(1.0, bar_h, "progress_fill"),
                        _unlit("progress_fill", (0.25, 0.75, 0.35))))  # fmt: skip
    steps = ProgressView(progress, label_node, fill, bar_w, label, advance_on="continue_button", wrap=False)
    return languages, steps


def build_interactive(settings=None):
    """The demo scene made interactive: :func:`build` plus a Continue button, a call button (with the pause panel
    and its resume button), a watch on a side table and a locker shelf that accepts it; under the welcome panel a
    language selector (one "button" per language of :data:`LANGUAGES`, named ``"language/<code>"``: pressing one
    shows the welcome in Korean and that language and marks the button green) and the progress indicator
    ("단계 1 / 4 · Step 1 of 4" and a bar): Continue advances it, and it stops at the last step (no wrap).

    Returns an :class:`xrapp.scene_interactions.SceneInteractions`: its ``scene`` is what to draw and it is also
    what the App feeds each frame's input (``App(settings, scene=si.scene, interactions=si)``). ``settings``: the
    ``InteractionSettings`` (defaults if None). Everything is at or just below eye level and within reach of a
    seated patient: nothing to fetch from the floor.
    """
    from .scene_interactions import PAUSED_PANEL, Role, from_scene, paused_panel

    scene = build()
    root = scene.root
    languages, steps = _add_language_and_progress(scene)
    button = text_panel(CONTINUE, width_m=0.5, text_height_m=0.05, align="center", name="continue_button",
                        background=(0.10, 0.22, 0.40, 1.0))  # fmt: skip
    # Right of the red box and clear of the subtitle, which floats about 12° below the gaze.
    button.transform = _at(0.7, 1.3, -1.5, yaw_deg=-25.0)
    root.add(button)
    call = text_panel(CALL, width_m=0.34, text_height_m=0.05, align="center", name="call_button",
                      background=(0.60, 0.08, 0.08, 1.0))  # fmt: skip
    call.transform = _at(0.75, 1.05, -0.95, yaw_deg=-35.0)  # low on the right: always there, never in the way
    root.add(call)
    pause = root.add(paused_panel(PAUSED_PANEL))
    pause.visible = False  # shown (and placed in front of the user) by SceneInteractions while paused
    resume = text_panel(RESUME, width_m=0.5, text_height_m=0.05, align="center", name="resume_button",
                        background=(0.08, 0.40, 0.18, 1.0))  # fmt: skip
    resume.transform = _at(0.0, -0.2, 0.01)
    pause.add(resume)

    wood = Material("table", base_color=(0.45, 0.32, 0.22, 1.0), roughness=0.7)
    root.add(Node("side_table", _at(0.35, 0.93, -0.55), primitives.box((0.3, 0.04, 0.3), "side_table"), wood))
    gold = Material("watch", base_color=(0.95, 0.80, 0.15, 1.0), roughness=0.35)
    root.add(Node("watch", _at(0.35, 0.97, -0.55), primitives.box((0.1, 0.04, 0.08), "watch"), gold))
    grey = Material("locker", base_color=(0.55, 0.58, 0.62, 1.0), roughness=0.6)
    root.add(Node("locker", _at(-0.4, 0.935, -0.55), primitives.box((0.4, 0.03, 0.3), "locker"), grey))

    roles = {
        "continue_button": "button",
        "call_button": "call_button",
        "resume_button": "resume_button",
        "watch": "grabbable",
        # The watch's centre rests 2 cm above the shelf's top: it lies on it.
        "locker": Role("zone", accepts=frozenset({"watch"}), offset=(0.0, 0.02, 0.0)),
        **{button.name: "button" for button in languages.selector.buttons},
    }
    bridge = from_scene(scene, roles, settings)
    bridge.widgets += [languages, steps]
    bridge.languages, bridge.progress = languages, steps
    return bridge
