"""The interactive demo scene end to end on the mock: scripted users (gaze only, a controller, a snap turn), the
App's events, and what the eyes see in the captured frames."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from interactions.events import Grab, PlacedInZone, Select, SnapTurn
from interactions.settings import InteractionSettings
from xrapp.app import App
from xrapp.demo_scene import build_interactive
from xrapp.settings import RunSettings

pytestmark = [pytest.mark.xr, pytest.mark.gl]

TOUCH = "/interaction_profiles/oculus/touch_controller"
SIZE = 128
CONTINUE_AT = (0.7, 1.3, -1.5)  # the demo's Continue button (xrapp/demo_scene.py)


def run(tmp_path, script: dict, frames: int, interactions, capture: set[int], name: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(script, sort_keys=False))
    settings = RunSettings(
        runtime="mock",
        graphics="egl",
        view_size=(SIZE, SIZE),
        frames=frames,
        input_script=path,
        capture_dir=tmp_path / name,
        capture_frames=capture,
    )
    scene = interactions.scene if interactions is not None else build_interactive().scene
    app = App(settings, scene=scene, interactions=interactions)
    return app, app.run()


def left_eye(mock_runtime, frame: int) -> np.ndarray:
    return mock_runtime.captures[frame].views[0][..., :3].astype(float)


def gaze_angles(target) -> tuple[float, float]:
    """(yaw, pitch) degrees for the head at (0, 1.6, 0) to look at ``target``."""
    d = np.asarray(target) - (0.0, 1.6, 0.0)
    return math.degrees(math.atan2(-d[0], -d[2])), math.degrees(math.asin(d[1] / np.linalg.norm(d)))


def test_gaze_alone_dwelling_on_continue_selects_it_once_and_the_eye_sees_the_hover(mock_runtime, tmp_path):
    yaw, pitch = gaze_angles(CONTINUE_AT)
    script = {
        "keyframes": [
            # No controllers at all: the head alone hovers and, by dwelling, presses.
            {
                "t": 0.0,
                "head": {"position": [0, 1.6, 0], "yaw": yaw, "pitch": pitch},
                "left": {"connected": False},
                "right": {"connected": False},
            },
        ]
    }
    frames, during = 100, {20, 45}  # dwell 0.8 s from the first focused frame: selected near frame 75
    settings = InteractionSettings(dwell_s=0.8, dwell_cooldown_s=10.0)
    bridge = build_interactive(settings)
    _, report = run(tmp_path, script, frames, bridge, during, "gaze")
    hovered = {f: left_eye(mock_runtime, f) for f in during}
    selects = [e for e in report.events if isinstance(e, Select)]
    assert [(e.pointer, e.target) for e in selects] == [("gaze", "continue_button")]

    # The same head, the same scene, nothing fed to the interaction system: the button as it is when not hovered.
    mock_runtime.captures.clear()
    run(tmp_path, script, frames, None, during, "still")
    plain = left_eye(mock_runtime, 45)

    # The button is where the head looks: around the centre of view (the mock's fov is not symmetric).
    fov = mock_runtime.config.fov_degrees
    tl, tr, tu, td = (math.tan(math.radians(a)) for a in fov)
    cx, cy = int(-tl / (tr - tl) * SIZE), int(tu / (tu - td) * SIZE)
    window = (slice(cy - 8, cy + 9), slice(cx - 16, cx + 17))
    lit = (hovered[45] - plain).sum(axis=2) > 10  # pixels the glow (and the ring) made brighter
    print(f"centre of view ({cx}, {cy}): {lit.sum()} pixels brighter, {lit[window].sum()} of them on the button")
    assert lit[window].sum() >= 30 and lit[window].sum() == lit.sum()
    far = (slice(0, 20), slice(0, 20))
    assert np.abs(hovered[45][far] - plain[far]).max() <= 2.0  # and nothing else changed
    # The ring grows while the dwell goes on: the two frames under the same head differ at the gaze point only.
    ring = np.abs(hovered[45] - hovered[20]).sum(axis=2) > 30
    assert ring.any() and ring[window].sum() == ring.sum()


def test_a_controller_grabs_the_watch_and_places_it_in_the_locker(mock_runtime, tmp_path):
    bridge = build_interactive()
    watch = tuple(float(c) for c in bridge.scene.find("watch").transform[:3, 3])
    zone = bridge.system.zones[0]
    over = [float(zone.center[0]) + 0.02, float(zone.center[1]) + 0.03, float(zone.center[2]) + 0.03]
    script = {
        "keyframes": [
            {"t": 0.0, "head": {"position": [0, 1.6, 0], "pitch": -40}, "right": {"position": list(watch)}},
            {"t": 0.2, "right": {"position": list(watch), "squeeze": 0.0}},
            {"t": 0.3, "right": {"squeeze": 1.0}},  # a near grab, in the watch
            {"t": 0.4, "right": {"position": list(watch)}},
            {"t": 0.9, "right": {"position": over}},  # carried over the locker
            {"t": 1.0, "right": {"squeeze": 1.0}},
            {"t": 1.1, "right": {"squeeze": 0.0, "position": over}},  # and let go
            {"t": 1.4, "right": {"position": [0.2, 1.1, -0.3]}},  # the hand goes away; the watch stays
        ],
        "faults": [{"t": 0.005, "fault": "change_interaction_profile", "profile": TOUCH}],  # Touch has a grip
    }
    _, report = run(tmp_path, script, 150, bridge, {60, 149}, "grab")
    events = report.events
    assert [(e.hand, e.target) for e in events if isinstance(e, Grab)] == [("right", "watch")]
    placed = [e for e in events if isinstance(e, PlacedInZone)]
    assert [(e.hand, e.object, e.zone) for e in placed] == [("right", "watch", "locker")]
    node_world = next(w for n, w in bridge.scene.root.walk() if n.name == "watch")
    assert node_world[:3, 3] == pytest.approx(zone.center)
    # While carried, the locker glowed (it accepts the watch); once placed it is plain again.
    assert bridge.scene.find("locker").highlight is None
    assert not np.array_equal(left_eye(mock_runtime, 60), left_eye(mock_runtime, 149))


def red_centroid_x(image: np.ndarray) -> float:
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    mask = (r > 2 * g + 20) & (r > 2 * b + 20)
    mask[SIZE * 3 // 5 :] = False  # the red box is at eye height; the red call button is low, and is not counted
    assert mask.sum() > 20, "the red box is visible"
    return float(np.nonzero(mask)[1].mean())


def edges(image: np.ndarray, band: int = SIZE // 8) -> float:
    """Mean brightness of the outer ``band`` pixels of the image."""
    mask = np.ones(image.shape[:2], bool)
    mask[band:-band, band:-band] = False
    return float(image[mask].mean())


def centre(image: np.ndarray, half: int = SIZE // 8) -> np.ndarray:
    c = SIZE // 2
    return image[c - half : c + half, c - half : c + half]


def test_a_snap_turn_turns_the_world_and_the_vignette_darkens_the_edges_after_it(mock_runtime, tmp_path):
    script = {
        "keyframes": [
            {"t": 0.0, "head": {"position": [0, 1.6, 0]}, "right": {"thumbstick": [0, 0]}},
            {"t": 0.45, "right": {"thumbstick": [0, 0]}},
            {"t": 0.5, "right": {"thumbstick": [1, 0]}},  # pushed right: a snap turn to the right
            {"t": 0.6, "right": {"thumbstick": [1, 0]}},
            {"t": 0.65, "right": {"thumbstick": [0, 0]}},
        ],
        "faults": [{"t": 0.005, "fault": "change_interaction_profile", "profile": TOUCH}],
    }
    bridge = build_interactive()
    before, after, later = 40, 48, 140  # the turn happens at about frame 45 (t = 0.48 s)
    _, report = run(tmp_path, script, 150, bridge, {before, after, later}, "turn")
    turns = [e for e in report.events if isinstance(e, SnapTurn)]
    assert [e.angle_deg for e in turns] == [-30.0]
    images = {f: left_eye(mock_runtime, f) for f in (before, after, later)}
    x0, x1, x2 = (red_centroid_x(images[f]) for f in (before, after, later))
    print(f"red box x: {x0:.1f} before, {x1:.1f} right after, {x2:.1f} later; edges {edges(images[before]):.0f}, "
          f"{edges(images[after]):.0f}, {edges(images[later]):.0f}")  # fmt: skip
    # Turned right by 30 degrees: what was ahead is now to the left, by about tan(30°) of the image's scale.
    assert x0 - x1 > 0.2 * SIZE and x2 == pytest.approx(x1, abs=3.0)  # (the vignette dims its edge)
    # Right after the turn the edges are dark; a second later (same view) they are not, and the centre was never
    # covered: the vignette keeps the middle of the view clear.
    assert edges(images[after]) < 0.6 * edges(images[later])
    assert np.abs(centre(images[after]) - centre(images[later])).mean() < 6.0


def test_gaze_dwelling_on_a_language_button_switches_the_welcome_language(mock_runtime, tmp_path):
    settings = InteractionSettings(dwell_s=0.5, dwell_cooldown_s=10.0)
    bridge = build_interactive(settings)
    target = next(w for n, w in bridge.scene.root.walk() if n.name == "language/vi")[:3, 3]
    yaw, pitch = gaze_angles(target)
    head = {"position": [0, 1.6, 0], "yaw": yaw, "pitch": pitch}
    off = {"connected": False}
    script = {"keyframes": [{"t": 0.0, "head": head, "left": off, "right": off}]}
    english = bridge.scene.find("welcome_panel/text").mesh
    _, report = run(tmp_path, script, 80, bridge, {79}, "language")
    selects = [e for e in report.events if isinstance(e, Select)]
    assert [(e.pointer, e.target) for e in selects] == [("gaze", "language/vi")]
    assert bridge.languages.selector.selected == "vi"
    assert bridge.scene.find("welcome_panel/text").mesh is not english
    assert bridge.scene.find("language/vi").material is bridge.languages.chosen
