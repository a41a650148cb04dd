"""Controller aim rays: hover on the nearest hit, select on the button's down edge, release, haptics; the mouse ray."""

import math

import numpy as np
import pytest

from interactions.events import HapticPulse, HoverEnd, HoverStart, Release, Select
from interactions.input import HandInput, Pose
from interactions.pointers import mouse_aim_pose, mouse_ray
from interactions.poses import quat_multiply
from tests.interactions.scene import BUTTON, OTHER, of, room
from tests.interactions.synthetic import DT, controller, frame

HAND = (0.2, 1.3, -0.2)


def test_hover_start_and_end_follow_the_aim():
    system, _ = room()
    first = system.update(frame(0.0, right=controller(HAND, BUTTON)))
    assert [(type(e), e.pointer, e.target) for e in of(first, (HoverStart, HoverEnd))] == [
        (HoverStart, "right", "next_button")
    ]
    assert system.state.hovered["right"] == "next_button"
    moved = system.update(frame(DT, right=controller(HAND, OTHER)))
    assert [(type(e), e.target) for e in of(moved, (HoverStart, HoverEnd))] == [
        (HoverEnd, "next_button"),
        (HoverStart, "other_button"),
    ]
    away = system.update(frame(2 * DT, right=controller(HAND, (0, 3, -2))))
    assert [(type(e), e.target) for e in away] == [(HoverEnd, "other_button")]
    assert system.state.hovered["right"] is None


def test_the_nearest_hit_wins_and_a_blocker_hides_what_is_behind():
    from interactions.colliders import BoxCollider
    from interactions.interactables import Interactable
    from tests.interactions.scene import at

    system, items = room()
    system.interactables.append(Interactable("wall", BoxCollider((2, 2, 0.05)), at(0, 1.6, -1.5), selectable=False))
    events = system.update(frame(0.0, right=controller(HAND, BUTTON)))
    assert of(events, HoverStart) == []
    system.interactables.pop()
    system.interactables.append(Interactable("near_button", BoxCollider((0.2, 0.2, 0.01)), at(0, 1.6, -1.5)))
    events = system.update(frame(DT, right=controller(HAND, BUTTON)))
    assert [e.target for e in of(events, HoverStart)] == ["near_button"]


def test_select_fires_once_on_the_down_edge_and_release_on_the_up_edge():
    system, _ = room()
    system.update(frame(0.0, right=controller(HAND, BUTTON)))
    down = system.update(frame(DT, right=controller(HAND, BUTTON, select=True)))
    held = system.update(frame(2 * DT, right=controller(HAND, BUTTON, select=True)))
    up = system.update(frame(3 * DT, right=controller(HAND, OTHER, select=False)))
    assert [(e.pointer, e.target) for e in of(down, Select)] == [("right", "next_button")]
    assert of(held, Select) == []
    # The release names what was pressed, even though the ray has moved on.
    assert [(e.pointer, e.target) for e in of(up, Release)] == [("right", "next_button")]


def test_pressing_on_nothing_and_sliding_onto_a_button_does_not_select():
    system, _ = room()
    system.update(frame(0.0, right=controller(HAND, (0, 3, -2), select=True)))
    events = system.update(frame(DT, right=controller(HAND, BUTTON, select=True)))
    assert of(events, Select) == []


def test_haptic_pulses_on_hover_and_select_for_the_hand_that_caused_them():
    system, _ = room()
    hover = system.update(frame(0.0, left=controller(HAND, BUTTON)))
    select = system.update(frame(DT, left=controller(HAND, BUTTON, select=True)))
    (h,) = of(hover, HapticPulse)
    (s,) = of(select, HapticPulse)
    assert h.hand == s.hand == "left"
    assert 0 < h.amplitude < s.amplitude <= 1
    assert hover.index(h) == hover.index(of(hover, HoverStart)[0]) + 1


def test_haptics_scaled_to_zero_are_not_sent():
    system, _ = room()
    system.settings.haptics = 0.0
    system.update(frame(0.0, left=controller(HAND, BUTTON)))
    assert of(system.update(frame(DT, left=controller(HAND, BUTTON, select=True))), HapticPulse) == []


def test_an_inactive_controller_points_at_nothing_and_the_gaze_takes_over():
    system, _ = room()
    system.update(frame(0.0, right=controller(HAND, BUTTON)))
    assert system.state.gaze_active is False
    off = HandInput(active=False, aim=controller(HAND, BUTTON).aim)
    events = system.update(frame(DT, right=off))
    assert [(type(e), e.pointer, e.target) for e in of(events, (HoverStart, HoverEnd))] == [
        (HoverEnd, "right", "next_button"),
        (HoverStart, "gaze", "next_button"),  # the default head looks straight at it
    ]
    assert system.state.gaze_active is True


def test_mouse_ray_at_the_centre_is_the_camera_forward():
    camera = Pose((1.0, 1.5, 2.0), (0.0, math.sin(math.radians(45)), 0.0, math.cos(math.radians(45))))
    ray = mouse_ray(camera, 60.0, (800, 600), (400, 300))
    np.testing.assert_allclose(ray.origin, (1.0, 1.5, 2.0))
    np.testing.assert_allclose(ray.direction, camera.forward(), atol=1e-12)
    np.testing.assert_allclose(ray.direction, (-1, 0, 0), atol=1e-12)


def test_mouse_ray_at_the_top_edge_is_half_the_vertical_fov_up():
    ray = mouse_ray(Pose(), 60.0, (800, 600), (400, 0))
    assert math.degrees(math.atan2(ray.direction[1], -ray.direction[2])) == pytest.approx(30.0)
    assert ray.direction[0] == pytest.approx(0.0)


def test_mouse_ray_at_the_right_edge_follows_the_aspect_ratio():
    ray = mouse_ray(Pose(), 90.0, (1600, 800), (1600, 400))
    # Half width at unit depth is tan(45 deg) * aspect 2 = 2.
    assert ray.direction[0] / -ray.direction[2] == pytest.approx(2.0)
    down_left = mouse_ray(Pose(), 90.0, (1600, 800), (0, 800))
    assert down_left.direction[0] < 0 and down_left.direction[1] < 0


def test_mouse_aim_pose_points_along_the_mouse_ray_and_selects_through_the_system():
    yaw = (0.0, math.sin(math.radians(10)), 0.0, math.cos(math.radians(10)))
    pitch = (math.sin(math.radians(-5)), 0.0, 0.0, math.cos(math.radians(-5)))
    camera = Pose((0.0, 1.6, 0.0), tuple(quat_multiply(yaw, pitch)))
    for cursor in [(100, 50), (640, 360), (1200, 700)]:
        pose = mouse_aim_pose(camera, 70.0, (1280, 720), cursor)
        np.testing.assert_allclose(pose.forward(), mouse_ray(camera, 70.0, (1280, 720), cursor).direction, atol=1e-9)
    # The cursor over the button, as the desktop simulator would feed it.
    straight = Pose((0.0, 1.6, 0.0))
    system, _ = room()
    aim = mouse_aim_pose(straight, 70.0, (1280, 720), (640, 360))
    system.update(frame(0.0, right=HandInput(active=True, aim=aim)))
    events = system.update(frame(DT, right=HandInput(active=True, aim=aim, select=True)))
    assert [e.target for e in of(events, Select)] == ["next_button"]


def test_a_button_moved_between_frames_is_hovered_where_it_now_is():
    # Hit tests keep what they worked out from an object's transform; moving it, in place or by a new matrix,
    # must move what the rays hit.
    system, items = room()
    button = items["next_button"]
    assert system.update(frame(0.0, right=controller(HAND, BUTTON)))[0] == HoverStart(0.0, "right", "next_button")
    button.transform[:3, 3] = (0.0, 3.0, -2.0)  # in place
    moved = system.update(frame(DT, right=controller(HAND, BUTTON)))
    assert [(type(e), e.target) for e in of(moved, (HoverStart, HoverEnd))] == [(HoverEnd, "next_button")]
    found = system.update(frame(2 * DT, right=controller(HAND, (0.0, 3.0, -2.0))))
    assert [(type(e), e.target) for e in of(found, (HoverStart, HoverEnd))] == [(HoverStart, "next_button")]
    back = button.transform.copy()
    back[:3, 3] = BUTTON
    button.transform = back  # a new matrix
    assert system.state.hovered["right"] == "next_button"
    gone = system.update(frame(3 * DT, right=controller(HAND, (0.0, 3.0, -2.0))))
    assert [(type(e), e.target) for e in of(gone, (HoverStart, HoverEnd))] == [(HoverEnd, "next_button")]
