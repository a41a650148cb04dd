"""Poking buttons with the controller tip: one touch is one Poke, thanks to hysteresis."""

import numpy as np
import pytest

from interactions.events import HapticPulse, Poke
from tests.interactions.scene import BUTTON, of, room
from tests.interactions.synthetic import DT, frame
from tests.interactions.synthetic import controller as hand

FACE_Z = BUTTON[2] + 0.01  # the button's front face


def at_gap(gap_m):
    """A right controller pointing -Z whose tip (6 cm ahead of the grip) is ``gap_m`` in front of the face."""
    z = FACE_Z + gap_m + 0.06
    return hand((BUTTON[0], BUTTON[1], z), (BUTTON[0], BUTTON[1], z - 1.0))


def run(system, gaps):
    events = []
    for i, gap in enumerate(gaps):
        events += system.update(frame(i * DT, left=at_gap(gap)))
    return events


def test_touching_a_button_pokes_it_once():
    system, _ = room()
    events = run(system, [0.2, 0.1, 0.05, 0.02, 0.005, -0.005, -0.01])
    assert [(e.hand, e.target) for e in of(events, Poke)] == [("left", "next_button")]
    assert of(events, HapticPulse)


def test_trembling_on_the_surface_is_still_one_poke():
    system, _ = room()
    events = run(system, [0.1, 0.005, 0.02, 0.004, 0.025, 0.0, 0.015, 0.008])
    assert len(of(events, Poke)) == 1


def test_moving_away_past_the_release_distance_re_arms():
    system, _ = room()
    events = run(system, [0.1, 0.005, 0.05, 0.005, 0.1, 0.0])
    assert len(of(events, Poke)) == 3


def test_the_tip_is_ahead_of_the_grip_along_the_aim():
    system, _ = room()
    system.update(frame(0.0, left=at_gap(0.1)))
    tip = system.state.tips["left"]
    np.testing.assert_allclose(tip, (BUTTON[0], BUTTON[1], FACE_Z + 0.1))
    assert system.state.poke_pressed["left"] is None
    system.update(frame(DT, left=at_gap(0.0)))
    assert system.state.poke_pressed["left"] == "next_button"


def test_buttons_that_are_not_pokeable_are_not_poked():
    system, items = room()
    items["next_button"].pokeable = False
    assert of(run(system, [0.1, 0.0, -0.005]), Poke) == []


@pytest.mark.parametrize("gap", [0.011, 0.02])
def test_the_press_distance_is_a_setting(gap):
    system, _ = room()
    assert of(run(system, [0.1, gap]), Poke) == []
    system.settings.poke_press_m = 0.025
    assert len(of(run(system, [0.1, gap]), Poke)) == 1


def test_a_button_moved_in_place_is_poked_where_it_now_is():
    system, items = room()
    items["next_button"].transform[2, 3] -= 0.5  # half a metre further away, changed in place
    assert of(run(system, [0.0, -0.005]), Poke) == []
    events = []
    for i, gap in enumerate([0.1, 0.0]):
        events += system.update(frame((10 + i) * DT, left=at_gap(gap - 0.5)))
    assert [e.target for e in of(events, Poke)] == ["next_button"]
