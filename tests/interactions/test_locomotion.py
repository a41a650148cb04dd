"""Snap turn, teleport, seated mode, recentre, and the comfort vignette."""

import math

import numpy as np
import pytest

from interactions.events import Recentre, SnapTurn, Teleport
from interactions.input import HandInput, Pose
from interactions.poses import transform_point, yaw_of
from interactions.settings import InteractionSettings
from tests.interactions.scene import of, room
from tests.interactions.synthetic import DT, EYE, controller, frame, looking_at

HEAD = Pose((0.3, 1.6, -0.2))  # off the play space's centre, so turning about the head is visible


def stick(x, y=0.0, **kw):
    return HandInput(active=True, thumbstick=(x, y), **kw)


def run(system, hands, head=HEAD, start=0.0):
    events = []
    for i, h in enumerate(hands):
        events += system.update(frame(start + i * DT, head=head, right=h))
    return events


def head_world(system, head=HEAD):
    return transform_point(system.state.world_from_play, head.position)


def test_one_push_is_one_turn():
    system, _ = room()
    events = run(system, [stick(0.0), stick(0.5), stick(0.9), stick(1.0), stick(0.95), stick(0.8)])
    assert [(e.source, e.angle_deg) for e in of(events, SnapTurn)] == [("right", -30.0)]
    assert system.state.play_space_yaw_deg == pytest.approx(-30.0)


def test_the_stick_must_return_near_centre_to_re_arm():
    system, _ = room()
    events = run(system, [stick(1.0), stick(0.5), stick(1.0), stick(0.1), stick(1.0), stick(0.0), stick(-1.0)])
    assert [e.angle_deg for e in of(events, SnapTurn)] == [-30.0, -30.0, 30.0]
    assert system.state.play_space_yaw_deg == pytest.approx(-30.0)


def test_a_turn_keeps_the_head_where_it_is_and_turns_the_view():
    system, _ = room(InteractionSettings(snap_turn_deg=45.0))
    before = head_world(system)
    run(system, [stick(-1.0)])
    np.testing.assert_allclose(head_world(system), before, atol=1e-12)
    facing = system.state.world_from_play[:3, :3] @ HEAD.forward()
    assert yaw_of(facing) == pytest.approx(45.0)


def aim_and_push(target, y):
    return controller((0.3, 1.2, -0.3), target, thumbstick=(0.0, y))


def test_teleport_when_the_stick_is_pushed_at_a_spot_and_released():
    system, _ = room()
    bed = (0.0, 0.0, -4.0)
    events = run(system, [aim_and_push(bed, 0.0), aim_and_push(bed, 1.0), aim_and_push(bed, 0.9)])
    assert of(events, Teleport) == []
    assert system.state.teleport_target["right"] == "bed"
    events = run(system, [aim_and_push(bed, 0.5), aim_and_push(bed, 0.0)], start=1.0)
    assert [(e.source, e.spot) for e in of(events, Teleport)] == [("right", "bed")]
    w = head_world(system)
    assert (w[0], w[2]) == pytest.approx((0.0, -4.0))
    assert w[1] == pytest.approx(1.6)  # the floor of the spot, the head's own height
    assert system.state.teleport_target["right"] is None


def test_no_teleport_when_released_off_any_spot_or_cancelled_sideways():
    system, _ = room()
    nowhere = (5.0, 0.0, -5.0)
    bed = (0.0, 0.0, -4.0)
    events = run(system, [aim_and_push(nowhere, 1.0), aim_and_push(nowhere, 0.0)])
    events += run(system, [aim_and_push(bed, 1.0), controller((0.3, 1.2, -0.3), bed, thumbstick=(0.9, 0.3))], start=1)
    events += run(system, [aim_and_push(bed, 0.0)], start=2)
    assert of(events, Teleport) == []
    assert of(events, SnapTurn) == []  # the sideways cancel does not also turn


def test_a_spot_with_a_direction_turns_the_user_to_face_it():
    system, _ = room()
    system.teleport_to("door")
    events = run(system, [stick(0.0)])
    assert [e.spot for e in of(events, Teleport)] == ["door"]
    facing = system.state.world_from_play[:3, :3] @ HEAD.forward()
    assert yaw_of(facing) == pytest.approx(90.0)
    w = head_world(system)
    assert (w[0], w[2]) == pytest.approx((3.0, 0.0))


def test_gaze_dwell_on_a_spot_teleports_without_controllers():
    system, _ = room()
    head = looking_at(EYE, (0.0, 0.0, -4.0))
    events = [e for i in range(140) for e in system.update(frame(i * DT, head=head))]
    assert [(e.source, e.spot) for e in of(events, Teleport)] == [("gaze", "bed")]


def test_seated_mode_raises_the_view_by_its_offset():
    system, _ = room(InteractionSettings(seated=True, seated_height_offset_m=0.45))
    seated_head = Pose((0.0, 1.15, 0.0))
    run(system, [HandInput()], head=seated_head)
    assert head_world(system, seated_head)[1] == pytest.approx(1.6)
    system.settings.seated = False
    assert head_world(system, seated_head)[1] == pytest.approx(1.15)


def test_a_long_press_of_menu_recentres_once():
    system, _ = room()
    turned_head = Pose((0.5, 1.6, 0.4), (0.0, math.sin(math.radians(20)), 0.0, math.cos(math.radians(20))))
    run(system, [stick(1.0), stick(0.0)], head=turned_head)
    held = [stick(0.0, menu=True)] * 135  # 1.5 s
    events = run(system, held, head=turned_head, start=1.0)
    recentres = of(events, Recentre)
    assert len(recentres) == 1
    assert recentres[0].time == pytest.approx(1.0 + 90 * DT, abs=DT)  # after the 1 s hold, not at the press
    w = head_world(system, turned_head)
    assert (w[0], w[2]) == pytest.approx((0.0, 0.0))
    facing = system.state.world_from_play[:3, :3] @ turned_head.forward()
    assert yaw_of(facing) == pytest.approx(0.0, abs=1e-9)


def test_a_short_press_of_menu_does_not_recentre():
    system, _ = room()
    events = run(system, [stick(0.0, menu=True)] * 45 + [stick(0.0)] + [stick(0.0, menu=True)] * 45)
    assert of(events, Recentre) == []


def test_recentre_by_call():
    system, _ = room()
    system.recentre()
    assert [e.source for e in of(run(system, [stick(0.0)]), Recentre)] == ["api"]


def test_the_vignette_rises_on_a_turn_and_fades_out():
    system, _ = room(InteractionSettings(vignette_fade_s=0.3))
    run(system, [stick(0.0)])
    assert system.state.vignette == 0.0
    run(system, [stick(1.0)], start=DT)
    assert system.state.vignette == pytest.approx(1.0)
    run(system, [stick(0.0)] * 27, start=2 * DT)  # 0.3 s later: one time constant
    assert system.state.vignette == pytest.approx(math.exp(-1.0), rel=0.05)
    run(system, [stick(0.0)] * 180, start=1.0)
    assert system.state.vignette == 0.0


def test_the_vignette_strength_and_size_are_settings():
    system, _ = room(InteractionSettings(vignette=0.4, vignette_size=0.6))
    run(system, [stick(1.0)])
    assert system.state.vignette == pytest.approx(0.4)
    assert system.state.vignette_size == 0.6
    system.settings.vignette = 0.0
    run(system, [stick(0.0), stick(1.0)], start=5.0)
    assert system.state.vignette == 0.0


def test_the_view_follows_the_play_space_changed_in_place_and_the_state_is_a_copy():
    system, _ = room()
    system.update(frame(0.0, head=HEAD))
    system.locomotion.space.position[0] = 1.0  # in place, as a turn does
    view = system.state.world_from_play
    assert view[:3, 3] == pytest.approx((1.0, 0.0, 0.0))
    view[:3, 3] = (9.0, 9.0, 9.0)  # changing a snapshot changes nothing
    assert system.state.world_from_play[:3, 3] == pytest.approx((1.0, 0.0, 0.0))
    system.locomotion.space.yaw_deg = 90.0
    assert yaw_of(system.state.world_from_play[:3, :3] @ (0.0, 0.0, -1.0)) == pytest.approx(90.0)


def test_a_hand_that_turns_and_points_in_one_frame_points_through_the_turned_view():
    # The aim ray is made for the stick before the turn; pointing must use the view after it, as the next frame
    # would, so a button straight ahead before the turn is not hovered.
    aiming = dict(position=(0.2, 1.3, -0.2), target=(0.0, 1.6, -2.0))
    system, _ = room()
    system.update(frame(0.0, head=HEAD, right=controller(**aiming)))
    assert system.state.hovered["right"] == "next_button"
    system, _ = room()
    events = system.update(frame(0.0, head=HEAD, right=controller(**aiming, thumbstick=(1.0, 0.0))))
    assert [e.angle_deg for e in of(events, SnapTurn)] == [-30.0]
    assert system.state.hovered["right"] != "next_button"
