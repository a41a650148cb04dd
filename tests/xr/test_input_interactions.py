"""From the runtime to interaction events: scripted users on the mock, through the App's InteractionSystem."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from xrapp.app import App
from xrapp.input_record import InputRecorder
from xrapp.settings import RunSettings

pytestmark = [pytest.mark.xr, pytest.mark.gl]

system = pytest.importorskip(
    "interactions.system", reason="interactions/system.py (InteractionSystem) is not written yet"
)
from interactions.colliders import BoxCollider  # noqa: E402 - only once the interaction system exists
from interactions.events import Grab, PlacedInZone, Select  # noqa: E402

TOUCH = "/interaction_profiles/oculus/touch_controller"


def at(x: float, y: float, z: float) -> np.ndarray:
    m = np.identity(4)
    m[:3, 3] = (x, y, z)
    return m


def run(tmp_path, script, frames: int, interactions, recorder=None, name: str = "input.yaml"):
    if isinstance(script, dict):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(script, sort_keys=False))
    else:
        path = script
    app = App(
        RunSettings(runtime="mock", graphics="egl", view_size=(64, 64), frames=frames, input_script=path),
        interactions=interactions,
    )
    if recorder is not None:
        app.input_observers.append(recorder)
    return app.run()


def test_looking_at_a_button_for_the_dwell_time_selects_it_once(mock_runtime, tmp_path):
    button = system.Interactable("start", BoxCollider((0.15, 0.15, 0.02)), at(0.0, 1.6, -1.5))
    settings = system.InteractionSettings(dwell_s=0.5, dwell_cooldown_s=10.0)
    interactions = system.InteractionSystem([button], [], settings)
    script = {
        "keyframes": [
            # No controllers (a patient who cannot hold them): the gaze selects, by dwelling.
            {"t": 0.0, "head": {"position": [0, 1.6, 0], "yaw": -60}, "left": {"connected": False}},
            {"t": 0.2, "head": {"yaw": -60}, "right": {"connected": False}},
            {"t": 0.3, "head": {"yaw": 0}},
        ]
    }
    report = run(tmp_path, script, 110, interactions)  # about 1.2 s
    selects = [e for e in report.events if isinstance(e, Select)]
    assert [(e.pointer, e.target) for e in selects] == [("gaze", "start")]
    looked_at = 1.0 + 0.28  # XrTime seconds: the mock's t = 0 is XrTime 1 s; the gaze reaches the edge at ~0.28 s
    assert selects[0].time == pytest.approx(looked_at + 0.5, abs=0.05)


def grab_scene():
    box = system.Interactable("gauze", BoxCollider((0.05, 0.05, 0.05)), at(0.2, 1.1, -0.5), grabbable=True)
    tray = system.SnapZone("tray", (-0.3, 1.1, -0.5), 0.1, {"gauze"})
    return system.InteractionSystem([box], [tray], system.InteractionSettings())


GRAB = {
    "keyframes": [
        {"t": 0.0, "right": {"position": [0.2, 1.1, -0.5], "squeeze": 0.0}},
        {"t": 0.1, "right": {"squeeze": 0.0}},
        {"t": 0.2, "right": {"position": [0.2, 1.1, -0.5], "squeeze": 1.0}},  # grab in the box (near grab)
        {"t": 0.6, "right": {"position": [-0.3, 1.1, -0.5]}},  # carry it over the tray
        {"t": 0.7, "right": {"squeeze": 1.0}},
        {"t": 0.8, "right": {"squeeze": 0.0}},  # and let go
    ],
    "faults": [{"t": 0.005, "fault": "change_interaction_profile", "profile": TOUCH}],  # Touch: it has a grip
}


def test_grabbing_an_object_and_letting_go_over_its_zone_places_it_once(mock_runtime, tmp_path):
    interactions = grab_scene()
    report = run(tmp_path, GRAB, 90, interactions)
    assert [(e.hand, e.target) for e in report.events if isinstance(e, Grab)] == [("right", "gauze")]
    placed = [e for e in report.events if isinstance(e, PlacedInZone)]
    assert [(e.hand, e.object, e.zone) for e in placed] == [("right", "gauze", "tray")]
    assert interactions.interactables[0].position == pytest.approx((-0.3, 1.1, -0.5))


def test_a_replayed_recording_gives_the_same_events(mock_runtime, tmp_path):
    recording = tmp_path / "recording.yaml"
    with InputRecorder(recording) as recorder:
        first = run(tmp_path, GRAB, 90, grab_scene(), recorder)
    again = run(tmp_path, recording, 90, grab_scene())
    assert any(isinstance(e, PlacedInZone) for e in first.events)
    assert again.events == first.events
