"""Focus loss stops everything but HoverEnd; the call button pauses everything until resumed."""

import numpy as np

from interactions.events import (
    CallButton,
    Grab,
    HoverEnd,
    HoverStart,
    Poke,
    Resume,
    Select,
    SnapTurn,
    Teleport,
)
from interactions.input import HandInput, InputFrame
from tests.interactions.scene import BUTTON, CALL, OTHER, WATCH, of, room
from tests.interactions.synthetic import DT, EYE, controller, frame, looking_at

HAND = (0.2, 1.3, -0.2)
RESUME = (OTHER[0], OTHER[1] + 0.3, OTHER[2])


def unfocused(t, **kw):
    f = frame(t, **kw)
    return InputFrame(time=f.time, head=f.head, left=f.left, right=f.right, focused=False)


def test_focus_loss_sends_only_hover_end():
    system, _ = room()
    system.update(frame(0.0, right=controller(HAND, BUTTON)))
    events = system.update(unfocused(DT, right=controller(HAND, BUTTON, select=True, squeeze=1.0, thumbstick=(1, 0))))
    assert [(type(e), e.target) for e in events] == [(HoverEnd, "next_button")]
    events = [
        e
        for i in range(2, 300)
        for e in system.update(unfocused(i * DT, right=controller(HAND, BUTTON, select=i % 2 == 0, thumbstick=(1, 0))))
    ]
    assert events == []
    assert system.state.focused is False
    assert system.state.hovered["right"] is None


def test_a_button_held_through_focus_loss_is_not_a_new_press():
    system, _ = room()
    system.update(unfocused(0.0, right=controller(HAND, BUTTON, select=True, thumbstick=(1, 0))))
    events = system.update(frame(DT, right=controller(HAND, BUTTON, select=True, thumbstick=(1, 0))))
    assert of(events, HoverStart) and of(events, Select) == [] and of(events, SnapTurn) == []


def test_focus_loss_resets_the_dwell():
    system, _ = room()
    head = looking_at(EYE, BUTTON)
    for i in range(100):
        system.update(frame(i * DT, head=head))
    assert system.state.dwell_progress > 0.5
    events = system.update(unfocused(100 * DT, head=head))
    assert system.state.dwell_progress == 0.0
    assert [type(e) for e in events] == [HoverEnd]
    events = [e for i in range(101, 101 + 100) for e in system.update(frame(i * DT, head=head))]
    assert of(events, Select) == []  # the dwell started again from zero


def test_focus_loss_does_not_grab():
    system, _ = room()
    near = (WATCH[0], WATCH[1] + 0.06, WATCH[2])
    system.update(frame(0.0, right=controller(near, (near[0], near[1], -2))))
    events = system.update(unfocused(DT, right=controller(near, (near[0], near[1], -2), squeeze=1.0)))
    events += system.update(frame(2 * DT, right=controller(near, (near[0], near[1], -2), squeeze=1.0)))
    assert of(events, Grab) == []


def press_call(system, t):
    """Point the right controller at the call button and pull the trigger."""
    system.update(frame(t, right=controller(HAND, CALL)))
    return system.update(frame(t + DT, right=controller(HAND, CALL, select=True)))


def test_the_call_button_pauses_everything():
    system, _ = room()
    events = press_call(system, 0.0)
    assert [e.source for e in of(events, CallButton)] == ["right"]
    assert events.index(of(events, CallButton)[0]) > events.index(of(events, Select)[0])
    assert system.state.paused
    # Nothing else responds: not selecting, turning, teleporting, grabbing, poking, gazing.
    t = 2 * DT
    events = system.update(frame(t, right=controller(HAND, CALL)))
    events += system.update(frame(t + DT, right=controller(HAND, BUTTON)))
    events += system.update(frame(t + 2 * DT, right=controller(HAND, BUTTON, select=True, thumbstick=(1, 0))))
    events += system.update(frame(t + 3 * DT, right=controller(HAND, BUTTON, thumbstick=(0, 0))))
    near = (WATCH[0], WATCH[1] + 0.06, WATCH[2])
    events += system.update(frame(t + 4 * DT, right=controller(near, (near[0], near[1], -2), squeeze=1.0)))
    poke_at = (BUTTON[0], BUTTON[1], BUTTON[2] + 0.01 + 0.06)
    events += system.update(frame(t + 5 * DT, right=controller(poke_at, (BUTTON[0], BUTTON[1], -5))))
    system.teleport_to("bed")
    system.snap_turn(+1)
    events += system.update(frame(t + 6 * DT))
    for i in range(200):
        events += system.update(frame(t + (7 + i) * DT, head=looking_at(EYE, BUTTON)))
    assert of(events, (Select, SnapTurn, Teleport, Grab, Poke, CallButton)) == []
    assert not of(events, HoverStart) or {e.target for e in of(events, HoverStart)} <= {"call_button"}
    assert system.state.paused


def test_resume_by_the_resume_button_or_the_operator():
    system, _ = room()
    press_call(system, 0.0)
    system.update(frame(2 * DT, right=controller(HAND, RESUME)))
    events = system.update(frame(3 * DT, right=controller(HAND, RESUME, select=True)))
    assert [e.source for e in of(events, Resume)] == ["right"]
    assert not system.state.paused
    press_call(system, 1.0)
    system.resume()
    events = system.update(frame(2.0))
    assert [e.source for e in of(events, Resume)] == ["api"]
    assert not system.state.paused


def test_the_resume_button_does_nothing_unless_paused():
    system, _ = room()
    system.update(frame(0.0, right=controller(HAND, RESUME)))
    assert system.state.hovered["right"] is None


def test_the_call_button_works_by_gaze_and_by_poke_without_a_trigger():
    system, _ = room()
    head = looking_at(EYE, CALL)
    events = [e for i in range(140) for e in system.update(frame(i * DT, head=head))]
    assert [e.source for e in of(events, CallButton)] == ["gaze"]
    system, _ = room()
    at = (CALL[0], CALL[1], CALL[2] + 0.01 + 0.06)
    system.update(frame(0.0, left=controller((at[0], at[1], at[2] + 0.1), (CALL[0], CALL[1], -5))))
    events = system.update(frame(DT, left=controller(at, (CALL[0], CALL[1], -5))))
    assert [e.source for e in of(events, CallButton)] == ["left"]


def test_a_held_object_stays_put_while_paused():
    system, items = room()
    near = (WATCH[0], WATCH[1] + 0.06, WATCH[2])
    ahead = (near[0], near[1], near[2] - 1)
    system.update(frame(0.0, right=controller(near, ahead)))
    system.update(frame(DT, right=controller(near, ahead, squeeze=1.0)))
    system.call()
    system.update(frame(2 * DT, right=controller(near, ahead, squeeze=1.0)))
    assert system.state.paused
    system.update(frame(3 * DT, right=controller((0.0, 1.5, 0.0), (0, 1.5, -1), squeeze=1.0)))
    np.testing.assert_allclose(items["watch"].position, WATCH)
    assert system.state.grabbed == {"right": "watch"}


def test_no_controllers_and_no_focus_gives_no_events():
    system, _ = room()
    assert system.update(unfocused(0.0, right=HandInput())) == []
