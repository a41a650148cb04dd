"""The in-world UI model: buttons' hit boxes follow their panel, the language selector, subtitles, progress."""

import math

import numpy as np
import pytest

from interactions.events import Poke, Select
from interactions.input import Pose
from interactions.poses import yaw_matrix
from interactions.system import InteractionSystem
from interactions.ui import Button, CallButton, LanguageSelector, Panel, ProgressIndicator, SubtitleLine, in_front
from tests.interactions.synthetic import DT, EYE, frame, looking_at


def test_a_panel_placed_in_front_of_the_head_is_selectable_by_gaze():
    panel = Panel("steps")
    panel.add(Button("next", "step.next"), yaw_matrix(0.0, (0.1, 0.0, 0.0)))
    system = InteractionSystem(panel.interactables())
    head = Pose(EYE)
    panel.place(in_front(head, 1.0, 10.0))
    target = panel.children[0][0].transform[:3, 3]
    assert target[1] < EYE[1]  # below eye level, inside the comfortable field of view
    events = [e for i in range(140) for e in system.update(frame(i * DT, head=looking_at(EYE, target)))]
    assert [e.target for e in events if isinstance(e, Select)] == ["next"]


def test_a_disabled_button_cannot_be_selected():
    button = Button("next", transform=yaw_matrix(0.0, (0.0, 1.6, -1.0)))
    system = InteractionSystem(button.interactables())
    button.enabled = False
    button.interactables()
    events = [e for i in range(140) for e in system.update(frame(i * DT))]
    assert not any(isinstance(e, Select) for e in events)


def test_language_selector_chooses_the_pressed_code():
    selector = LanguageSelector("lang", ["ko", "en", "vi"], "ko")
    assert selector.handle(Select(0.0, "gaze", "lang/vi")) == "vi"
    assert selector.selected == "vi"
    assert selector.handle(Poke(0.0, "left", "lang/en")) == "en"
    assert selector.handle(Select(0.0, "gaze", "next")) is None
    assert selector.selected == "en"
    xs = [b.transform[0, 3] for b in selector.buttons]
    assert xs == pytest.approx([-0.18, 0.0, 0.18])
    with pytest.raises(ValueError, match="not one of"):
        LanguageSelector("lang", ["ko"], "en")


def test_subtitle_arrow_points_to_a_speaker_out_of_view():
    w = np.identity(4)
    head = Pose(EYE)
    left = SubtitleLine("mri.nurse.hello", (-2.0, 1.6, 0.0))  # 90 degrees to the left
    assert left.arrow_deg(head, w) == pytest.approx(90.0)
    ahead = SubtitleLine("mri.nurse.hello", (0.2, 1.6, -2.0))
    assert ahead.arrow_deg(head, w) is None
    behind_right = SubtitleLine("x", (1.0, 1.6, 1.0))
    assert behind_right.arrow_deg(head, w) == pytest.approx(-135.0)
    assert SubtitleLine("", (-2.0, 1.6, 0.0)).arrow_deg(head, w) is None


def test_progress_indicator():
    p = ProgressIndicator(2, 4)
    assert p.fraction == 0.25
    assert p.label() == ("progress.step", {"step": 2, "count": 4})
    with pytest.raises(ValueError):
        ProgressIndicator(5, 4)


def test_call_button_names_match_the_default_settings():
    call = CallButton()
    call.call.transform = yaw_matrix(0.0, (0.0, 1.6, -1.0))
    system = InteractionSystem(call.interactables())
    events = [e for i in range(140) for e in system.update(frame(i * DT))]
    assert system.state.paused
    assert any(type(e).__name__ == "CallButton" for e in events)


def test_in_front_follows_yaw_but_not_pitch():
    looking_up_left = looking_at(EYE, (-1.0, 2.6, -1.0))
    m = in_front(looking_up_left, 1.0, 0.0)
    assert m[1, 3] == pytest.approx(EYE[1])
    assert m[0, 3] == pytest.approx(-math.sqrt(0.5))
    np.testing.assert_allclose(m[:3, :3] @ (0, 1, 0), (0, 1, 0), atol=1e-12)
