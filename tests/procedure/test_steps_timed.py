"""Information, timed wait, breath hold and paced breathing."""

import pytest

from interactions.procedure.model import BreathHold, Information, PacedBreathing, TimedWait
from tests.procedure.synthetic import Drive, call, engine, poke, press, resume

DT = 1.0 / 90.0


def test_information_continues_when_its_target_is_selected():
    drive = Drive(engine(Information(id="hello", say="mri.welcome", timeout_s=30.0)))
    state = drive.frame([press("scanner")])
    assert state.subtitle == "mri.welcome" and "continue_button" in state.highlights and state.countdown_s is None
    drive.run(1.0)
    assert drive.results() == []
    drive.frame([press("continue_button")])
    result = drive.result("hello")
    assert (result.outcome, result.errors, result.score) == ("completed", 0, 1.0)


def test_information_continues_on_a_poke_of_its_target():
    drive = Drive(engine(Information(id="hello", target="next_button")))
    drive.frame([poke("next_button")])
    assert drive.result("hello").outcome == "completed"


def test_automatic_information_continues_after_its_duration_without_timing_out():
    step = Information(id="hello", advance="auto", duration_s=4.0, timeout_s=1.0, hints=("hint.x",))
    drive = Drive(engine(step), hz=30)
    state = drive.run(3.0)
    assert state.countdown_s == pytest.approx(4.0 - drive.engine.clock) and state.hint is None
    assert "continue_button" not in state.highlights
    drive.run(2.0, until=lambda s: s.finished)
    result = drive.result("hello")
    assert result.outcome == "completed" and result.ended - result.started == pytest.approx(4.0, abs=0.05)


def test_timed_wait_counts_down_and_completes():
    drive = Drive(engine(TimedWait(id="table", duration_s=2.0, sound="mri_table")))
    state = drive.run(1.0)
    assert state.countdown_s == pytest.approx(2.0 - drive.engine.clock)
    assert state.sound == "mri_table"
    state = drive.run(1.5, until=lambda s: s.finished)
    result = drive.result("table")
    assert result.outcome == "completed" and result.ended == pytest.approx(2.0, abs=DT)
    assert state.sound is None


def test_a_zero_length_wait_completes_on_its_first_frame():
    drive = Drive(engine(TimedWait(id="now", duration_s=0.0)))
    assert drive.frame().finished


def test_breath_hold_prepares_then_holds_then_says_breathe_out():
    drive = Drive(engine(BreathHold(id="hold", prepare_s=3.0, duration_s=5.0)), hz=30)
    state = drive.run(1.5)
    assert state.subtitle == "procedure.breathe_in"
    assert state.breathing[0] == "inhale" and state.breathing[1] == pytest.approx(drive.engine.clock / 3.0)
    assert state.countdown_s == pytest.approx(3.0 - drive.engine.clock)
    state = drive.run(2.0)
    assert state.subtitle == "procedure.hold_breath" and state.breathing[0] == "hold"
    assert state.countdown_s == pytest.approx(8.0 - drive.engine.clock)
    drive.run(5.0, until=lambda s: s.finished)
    result = drive.result("hold")
    assert result.outcome == "completed" and result.ended == pytest.approx(8.0, abs=0.05)
    assert result.details["hold_s"] == 5.0


def test_breath_hold_ends_with_breathe_out_shown_over_the_next_step():
    drive = Drive(engine(BreathHold(id="hold", prepare_s=1.0, duration_s=2.0), TimedWait(id="after", duration_s=9)))
    state = drive.run(3.5, until=lambda s: s.step_id == "after")
    assert state.message == "procedure.breathe_out" and state.breathing is None


def test_a_pause_during_a_breath_hold_starts_it_again_from_breathing_in():
    drive = Drive(engine(BreathHold(id="hold", prepare_s=2.0, duration_s=4.0)), hz=30)
    drive.run(4.0)
    assert drive.engine.state.subtitle == "procedure.hold_breath"
    drive.frame([call()])
    resumed_at = drive.engine.clock
    state = drive.frame([resume()])
    assert state.subtitle == "procedure.breathe_in" and state.countdown_s == pytest.approx(2.0)
    drive.run(10.0, until=lambda s: s.finished)
    assert drive.result("hold").ended == pytest.approx(resumed_at + 6.0, abs=0.05)


@pytest.mark.parametrize(
    ("t", "phase", "fraction"),
    [(1.0, "inhale", 0.25), (5.0, "hold", 0.5), (9.0, "exhale", 0.5), (13.0, "inhale", 0.25), (23.0, "exhale", 5 / 6)],
)
def test_paced_breathing_goes_through_its_phases(t, phase, fraction):
    step = PacedBreathing(id="breathe", inhale_s=4.0, hold_s=2.0, exhale_s=6.0, cycles=2)
    drive = Drive(engine(step), hz=8)
    drive.frame()
    drive.run(t)
    assert drive.engine.clock == pytest.approx(t)
    state = drive.engine.state
    keys = {"inhale": "procedure.breathe_in", "hold": "procedure.hold_breath", "exhale": "procedure.breathe_out"}
    assert state.breathing == (phase, pytest.approx(fraction)) and state.subtitle == keys[phase]
    assert state.countdown_s is None


def test_paced_breathing_without_a_hold_completes_after_its_cycles():
    step = PacedBreathing(id="breathe", inhale_s=2.0, hold_s=0.0, exhale_s=3.0, cycles=3)
    drive = Drive(engine(step), hz=8)
    drive.frame()
    phases = set()
    for _ in range(200):
        state = drive.frame()
        if state.finished:
            break
        phases.add(state.breathing[0])
    assert phases == {"inhale", "exhale"}
    result = drive.result("breathe")
    assert result.outcome == "completed" and result.ended == pytest.approx(15.0, abs=0.2)
    assert result.details["cycles"] == 3
