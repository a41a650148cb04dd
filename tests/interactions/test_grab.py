"""Grabbing and placing: near grab, ray grab, following the hand, snapping into zones, refusals, gaze grab."""

import numpy as np
import pytest

from interactions.events import Drop, Grab, HapticPulse, PlacedInZone, Select
from interactions.input import HandInput
from interactions.settings import InteractionSettings
from tests.interactions.scene import TRAY, WATCH, of, room
from tests.interactions.synthetic import DT, EYE, controller, frame, looking_at

NEAR_WATCH = (WATCH[0], WATCH[1] + 0.06, WATCH[2])  # 2 cm above the watch's surface
AHEAD = (0.0, 0.0, -5.0)  # aim somewhere harmless


def moved(p, dx=0.0, dy=0.0, dz=0.0):
    return (p[0] + dx, p[1] + dy, p[2] + dz)


def carry(system, start_t, path, squeeze_at_end=0.0):
    """Squeeze at path[0], carry through path, let go at the last point. All events."""
    events = []
    t = start_t
    for i, p in enumerate(path):
        squeeze = 1.0 if i < len(path) - 1 else squeeze_at_end
        events += system.update(frame(t, right=controller(p, moved(p, dz=-1), squeeze=squeeze)))
        t += DT
    return events


def straight(a, b, n=10):
    return [tuple(np.asarray(a) + (np.asarray(b) - np.asarray(a)) * i / n) for i in range(n + 1)]


def test_near_grab_and_place_in_an_accepting_zone_gives_one_placed_event():
    system, items = room()
    system.update(frame(0.0, right=controller(NEAR_WATCH, moved(NEAR_WATCH, dz=-1))))
    delta = np.subtract(TRAY, WATCH)
    events = carry(system, DT, straight(NEAR_WATCH, moved(NEAR_WATCH, *delta)) + [moved(NEAR_WATCH, *delta)] * 3)
    assert [(e.hand, e.target) for e in of(events, Grab)] == [("right", "watch")]
    assert [(e.hand, e.object, e.zone) for e in of(events, PlacedInZone)] == [("right", "watch", "tray")]
    assert of(events, Drop) == []
    np.testing.assert_allclose(items["watch"].position, TRAY)
    assert system.state.placed == {"watch": "tray"}
    assert system.state.grabbed == {}


def test_placing_snaps_to_the_zone_centre_from_anywhere_inside():
    system, items = room()
    system.update(frame(0.0, right=controller(NEAR_WATCH, AHEAD)))
    off_centre = np.subtract(TRAY, WATCH) + (0.05, 0.03, 0.0)
    events = carry(system, DT, straight(NEAR_WATCH, moved(NEAR_WATCH, *off_centre)) + [moved(NEAR_WATCH, *off_centre)])
    assert len(of(events, PlacedInZone)) == 1
    np.testing.assert_allclose(items["watch"].position, TRAY)


def test_a_grabbed_object_follows_the_hand_keeping_its_offset():
    system, items = room()
    ahead = moved(NEAR_WATCH, dz=-1)
    system.update(frame(0.0, right=controller(NEAR_WATCH, ahead)))
    system.update(frame(DT, right=controller(NEAR_WATCH, ahead, squeeze=1.0)))
    system.update(frame(2 * DT, right=controller(moved(NEAR_WATCH, 0.3, 0.1), moved(ahead, 0.3, 0.1), squeeze=1.0)))
    np.testing.assert_allclose(items["watch"].position, moved(WATCH, 0.3, 0.1), atol=1e-9)
    # Turning the hand swings the object round the grip, as a held object does.
    turned = moved(NEAR_WATCH, 0.3, 0.1)
    system.update(frame(3 * DT, right=controller(turned, moved(turned, dx=1.0), squeeze=1.0)))
    np.testing.assert_allclose(items["watch"].position, moved(WATCH, 0.3, 0.1), atol=1e-9)  # straight below the grip
    system.update(frame(4 * DT, right=controller(turned, moved(turned, dy=-1.0, dz=-1.0), squeeze=1.0)))
    # Pitched 45 degrees down, "below the grip" leans towards the user.
    r = 0.06 * np.sqrt(0.5)
    np.testing.assert_allclose(items["watch"].position, moved(turned, dy=-r, dz=r), atol=1e-9)
    assert system.state.grabbed == {"right": "watch"}


def test_releasing_elsewhere_drops_and_returns_the_object():
    system, items = room()
    system.update(frame(0.0, right=controller(NEAR_WATCH, AHEAD)))
    events = carry(system, DT, straight(NEAR_WATCH, moved(NEAR_WATCH, 0.0, 0.4)) + [moved(NEAR_WATCH, 0.0, 0.4)])
    (drop,) = of(events, Drop)
    assert (drop.hand, drop.target, drop.refused_by) == ("right", "watch", None)
    assert of(events, PlacedInZone) == []
    np.testing.assert_allclose(items["watch"].position, WATCH)
    np.testing.assert_allclose(drop.position, WATCH)


def test_without_return_a_dropped_object_stays_where_it_was_let_go():
    system, items = room(InteractionSettings(return_dropped_objects=False))
    system.update(frame(0.0, right=controller(NEAR_WATCH, AHEAD)))
    carry(system, DT, straight(NEAR_WATCH, moved(NEAR_WATCH, 0.0, 0.4)) + [moved(NEAR_WATCH, 0.0, 0.4)])
    np.testing.assert_allclose(items["watch"].position, moved(WATCH, 0.0, 0.4), atol=1e-9)


def test_a_zone_refuses_objects_it_does_not_accept():
    system, items = room()
    ring = items["ring"].position
    near_ring = moved(ring, dy=0.04)
    system.update(frame(0.0, right=controller(near_ring, AHEAD)))
    delta = np.subtract(TRAY, ring)
    events = carry(system, DT, straight(near_ring, moved(near_ring, *delta)) + [moved(near_ring, *delta)])
    assert [e.target for e in of(events, Grab)] == ["ring"]
    assert of(events, PlacedInZone) == []
    assert [(e.target, e.refused_by) for e in of(events, Drop)] == [("ring", "tray")]
    assert "ring" not in system.state.placed


def test_squeezing_far_from_anything_grabs_nothing():
    system, _ = room()
    system.update(frame(0.0, right=controller((0.0, 1.0, 1.0), (0, 1, 3))))
    events = system.update(frame(DT, right=controller((0.0, 1.0, 1.0), (0, 1, 3), squeeze=1.0)))
    assert of(events, Grab) == []


def test_squeeze_hysteresis_keeps_a_weak_grip_holding():
    system, _ = room()
    system.update(frame(0.0, right=controller(NEAR_WATCH, AHEAD)))
    events = []
    for i, squeeze in enumerate([0.55, 0.45, 0.35, 0.45, 0.4]):  # dips below grab but not below release
        events += system.update(frame((i + 1) * DT, right=controller(NEAR_WATCH, AHEAD, squeeze=squeeze)))
    assert len(of(events, Grab)) == 1
    assert of(events, Drop) == []
    events = system.update(frame(9 * DT, right=controller(NEAR_WATCH, AHEAD, squeeze=0.2)))
    assert len(of(events, Drop)) == 1


def test_ray_grab_takes_the_hovered_grabbable():
    system, items = room()
    far = (-0.5, 1.0, 0.5)  # a metre behind the watch, aiming at it
    system.update(frame(0.0, right=controller(far, WATCH)))
    assert system.state.hovered["right"] == "watch"
    events = system.update(frame(DT, right=controller(far, WATCH, squeeze=1.0)))
    assert [e.target for e in of(events, Grab)] == ["watch"]
    assert of(events, HapticPulse)
    system.update(frame(2 * DT, right=controller(moved(far, 0.2), moved(WATCH, 0.2), squeeze=1.0)))
    np.testing.assert_allclose(items["watch"].position, moved(WATCH, 0.2), atol=1e-9)


def test_switching_the_controller_off_lets_go():
    system, _ = room()
    system.update(frame(0.0, right=controller(NEAR_WATCH, AHEAD)))
    system.update(frame(DT, right=controller(NEAR_WATCH, AHEAD, squeeze=1.0)))
    events = system.update(frame(2 * DT, right=HandInput(active=False)))
    assert [e.target for e in of(events, Drop)] == ["watch"]


def test_gaze_dwell_picks_up_and_places_without_controllers():
    system, items = room()
    events = []
    t = 0.0
    for _ in range(140):
        events += system.update(frame(t, head=looking_at(EYE, WATCH)))
        t += DT
    assert [(e.hand, e.target) for e in of(events, Grab)] == [("gaze", "watch")]
    assert system.state.grabbed == {"gaze": "watch"}
    # Held in front of the eyes at the setting's distance, below the line of sight so it hides nothing.
    held = items["watch"].position
    assert np.linalg.norm(held - EYE) == pytest.approx(0.6)
    assert held[1] < EYE[1] - 0.2
    for _ in range(140):
        events += system.update(frame(t, head=looking_at(EYE, TRAY)))
        t += DT
    assert [(e.hand, e.object, e.zone) for e in of(events, PlacedInZone)] == [("gaze", "watch", "tray")]
    assert of(events, Select) == []
    np.testing.assert_allclose(items["watch"].position, TRAY)


def test_objects_placed_in_a_zone_with_spacing_stand_side_by_side_and_reuse_a_freed_slot():
    from interactions.colliders import BoxCollider
    from interactions.grab import Grabbing
    from interactions.interactables import Interactable, SnapZone

    shelf = SnapZone("shelf", (0.0, 1.0, -0.5), 0.3, {"watch", "phone", "keys"}, spacing=(0.12, 0.0, 0.0))
    grabbing, settings = Grabbing(), InteractionSettings()
    things = {}
    for name in ("watch", "phone", "keys"):
        things[name] = Interactable(name, BoxCollider((0.02, 0.01, 0.02)), np.identity(4), grabbable=True)

    def place(name, at=(0.01, 1.0, -0.5)):
        holder = np.identity(4)
        holder[:3, 3] = at
        things[name].transform = holder.copy()  # in the hand: carried over the shelf
        grabbing.grab(0.0, "right", things[name], holder)
        grabbing.follow("right", holder)
        events = grabbing.release(0.0, "right", [shelf], settings)
        assert [type(e) for e in events] == [PlacedInZone]
        return things[name].position

    assert place("watch") == pytest.approx((0.0, 1.0, -0.5))
    assert place("phone") == pytest.approx((0.12, 1.0, -0.5))
    assert place("keys") == pytest.approx((-0.12, 1.0, -0.5))
    holder = np.identity(4)
    grabbing.grab(0.0, "left", things["watch"], holder)  # taken away again: slot 0 is free
    grabbing.release(0.0, "left", [], settings)
    assert place("watch", at=(0.1, 1.0, -0.5)) == pytest.approx((0.0, 1.0, -0.5))
