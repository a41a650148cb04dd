"""Selecting by gaze and dwell, with no controllers at all."""

import pytest

from interactions.dwell import DwellTimer
from interactions.events import HoverStart, Release, Select
from interactions.input import Pose
from interactions.settings import InteractionSettings
from tests.interactions.scene import BUTTON, OTHER, of, room
from tests.interactions.synthetic import DT, EYE, controller, frame, looking_at


def gaze_at(system, target, start, seconds):
    """Look at ``target`` from ``start`` for ``seconds`` at 90 Hz; all the events, and the time after."""
    events = []
    n = round(seconds / DT)
    for i in range(n):
        events += system.update(frame(start + i * DT, head=looking_at(EYE, target)))
    return events, start + n * DT


def test_gazing_for_the_dwell_time_selects_exactly_once():
    system, _ = room()
    events, _ = gaze_at(system, BUTTON, 0.0, 1.6)  # the default 1.5 s and a little more
    assert [(e.pointer, e.target) for e in of(events, Select)] == [("gaze", "next_button")]
    assert [e.target for e in of(events, Release)] == ["next_button"]
    assert [e.target for e in of(events, HoverStart)] == ["next_button"]


def test_the_select_comes_at_the_dwell_time_not_before():
    system, _ = room()
    events, t = gaze_at(system, BUTTON, 0.0, 1.5 - 2 * DT)
    assert of(events, Select) == []
    assert 0.9 < system.state.dwell_progress < 1.0
    assert system.state.dwell_target == "next_button"
    events, _ = gaze_at(system, BUTTON, t, 3 * DT)
    assert len(of(events, Select)) == 1


def test_progress_rises_from_zero_to_one():
    system, _ = room()
    seen = []
    for i in range(136):
        system.update(frame(i * DT, head=looking_at(EYE, BUTTON)))
        seen.append(system.state.dwell_progress)
    assert seen[0] == 0.0
    assert seen[67] == pytest.approx(0.5, abs=0.01)
    assert all(b >= a for a, b in zip(seen[:-1], seen[1:], strict=True))


def test_looking_away_resets_the_dwell():
    system, _ = room()
    _, t = gaze_at(system, BUTTON, 0.0, 1.0)
    assert system.state.dwell_progress > 0.6
    _, t = gaze_at(system, (0.0, 3.0, -2.0), t, 0.1)  # at the ceiling: nothing
    assert system.state.dwell_progress == 0.0
    assert system.state.dwell_target is None
    events, t = gaze_at(system, BUTTON, t, 1.0)
    assert of(events, Select) == []  # 1.0 + 1.0 s, but not 1.5 s in one look


def test_changing_target_restarts_the_count():
    system, _ = room()
    _, t = gaze_at(system, BUTTON, 0.0, 1.0)
    events, _ = gaze_at(system, OTHER, t, 1.0)
    assert of(events, Select) == []
    assert system.state.dwell_target == "other_button"
    assert system.state.dwell_progress == pytest.approx(1.0 / 1.5, abs=0.02)


def test_cool_down_prevents_a_second_select_on_a_continued_look():
    system, _ = room()
    events, _ = gaze_at(system, BUTTON, 0.0, 1.5 + 2.0 + 1.4)  # dwell, cool-down, nearly a second dwell
    assert len(of(events, Select)) == 1
    assert system.state.dwell_progress < 1.0


def test_after_the_cool_down_a_continued_look_selects_again():
    system, _ = room()
    events, _ = gaze_at(system, BUTTON, 0.0, 1.5 + 2.0 + 1.5 + 0.1)
    assert len(of(events, Select)) == 2


def test_looking_away_re_arms_before_the_cool_down_ends():
    system, _ = room()
    events, t = gaze_at(system, BUTTON, 0.0, 1.6)
    _, t = gaze_at(system, OTHER, t, 0.2)
    more, _ = gaze_at(system, BUTTON, t, 1.6)
    assert len(of(events + more, Select)) == 2


def test_dwell_time_is_a_setting():
    system, _ = room(InteractionSettings(dwell_s=0.5))
    events, _ = gaze_at(system, BUTTON, 0.0, 0.6)
    assert len(of(events, Select)) == 1


def test_the_dwell_timer_uses_frame_time_only():
    timer = DwellTimer()
    assert not timer.update("a", 100.0, 1.5, 2.0)
    assert not timer.update("a", 101.0, 1.5, 2.0)
    assert timer.update("a", 101.5, 1.5, 2.0)  # however long the test itself took


def test_gaze_is_off_while_a_controller_is_active_unless_asked():
    system, _ = room()
    head = looking_at(EYE, BUTTON)
    hand = controller((0.2, 1.2, -0.3), (0, 3, -2))
    events = [e for i in range(200) for e in system.update(frame(i * DT, head=head, right=hand))]
    assert of(events, Select) == []
    system, _ = room(InteractionSettings(gaze="always"))
    events = [e for i in range(200) for e in system.update(frame(i * DT, head=head, right=hand))]
    assert [e.pointer for e in of(events, Select)] == ["gaze"]


def test_gaze_works_with_no_controllers_at_all():
    system, _ = room()
    head = Pose(EYE)  # the default frame has both hands inactive
    events = [e for i in range(140) for e in system.update(frame(i * DT, head=head))]
    assert [(e.pointer, e.target) for e in of(events, Select)] == [("gaze", "next_button")]
