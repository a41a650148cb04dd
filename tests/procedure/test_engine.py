"""The engine: its clock, pause and focus, timeouts and branches, skipping, ending, tracks and records."""

import pytest

from interactions.events import Drop, HapticPulse, PlacedInZone, Teleport
from interactions.procedure.engine import ProcedureEngine
from interactions.procedure.model import (
    HoldStill,
    Information,
    LookAt,
    Quiz,
    QuizOption,
    SelectTarget,
    Sequence,
    TimedWait,
)
from interactions.procedure.results import ComfortEvent, ProcedureFinished, StepResult, StepStarted
from tests.procedure.synthetic import Drive, call, engine, head, press, resume, scenario

DT = 1.0 / 90.0


def wait(step_id="wait", duration_s=10.0, **kw):
    return TimedWait(id=step_id, duration_s=duration_s, **kw)


def choose(step_id="choose", targets=("bore",), **kw):
    return SelectTarget(id=step_id, targets=targets, **kw)


# -- the clock ------------------------------------------------------------------------------------------------------


def test_clock_advances_by_the_time_between_updates():
    drive = Drive(engine(wait()))
    drive.run(1.0)
    assert drive.engine.clock == pytest.approx(1.0 - DT)  # the first update only starts the clock
    assert drive.engine.state.countdown_s == pytest.approx(10.0 - drive.engine.clock)


def test_a_gap_longer_than_a_quarter_second_counts_as_a_quarter_second():
    drive = Drive(engine(wait()))
    drive.frame()
    drive.frame(dt=5.0)
    assert drive.engine.clock == pytest.approx(0.25)
    assert drive.engine.state.countdown_s == pytest.approx(9.75)
    drive.frame(dt=0.2)
    assert drive.engine.clock == pytest.approx(0.45)


def test_time_going_backwards_adds_nothing():
    eng = engine(wait())
    eng.update(10.0, head(), [])
    eng.update(10.5, head(), [])
    eng.update(3.0, head(), [])
    assert eng.clock == pytest.approx(0.25)
    eng.update(3.1, head(), [])
    assert eng.clock == pytest.approx(0.35)


# -- pause and focus ------------------------------------------------------------------------------------------------


def test_call_button_pauses_the_clock_and_the_step_until_resumed():
    drive = Drive(engine(wait(duration_s=2.0, sound="mri_epi")))
    drive.run(0.5)
    assert drive.engine.state.sound == "mri_epi"
    clock = drive.engine.clock
    state = drive.frame([call()])
    assert state.paused and state.message == "procedure.paused" and state.sound is None
    drive.run(5.0)
    assert drive.engine.clock == pytest.approx(clock + DT)  # only the frame that carried the press
    assert drive.results() == []
    state = drive.frame([resume()])
    assert not state.paused and state.sound == "mri_epi" and state.message is None
    drive.run(3.0, until=lambda s: s.finished)
    result = drive.result("wait")
    assert result.outcome == "completed"
    assert result.ended - result.started == pytest.approx(2.0, abs=2 * DT)
    assert drive.comfort() == ["pause", "resume"]
    pause, back = [r for r in drive.records if isinstance(r, ComfortEvent)]
    assert pause.step_id == "wait" and pause.detail == "right" and back.time == pytest.approx(pause.time)


def test_input_is_ignored_while_paused():
    drive = Drive(engine(choose()))
    drive.frame()
    drive.frame([call()])
    drive.frame([press("bore")])
    drive.frame([press("scanner")])
    assert drive.results() == []
    drive.frame([resume()])
    drive.frame([press("bore")])
    result = drive.result("choose")
    assert result.outcome == "passed" and result.errors == 0


def test_pressing_the_call_button_is_not_a_wrong_selection():
    drive = Drive(engine(choose()))
    drive.frame()
    drive.frame([press("call_button"), HapticPulse(0.0, "right", 0.5, 0.05), call()])
    drive.frame([press("resume_button"), resume()])
    drive.frame([press("bore")])
    assert drive.result("choose").errors == 0


def test_practising_the_call_button_completes_the_step_and_then_pauses():
    drive = Drive(engine(choose("practice", targets=("call_button",)), wait(duration_s=1.0)))
    drive.frame()
    state = drive.frame([press("call_button"), HapticPulse(0.0, "right", 0.5, 0.05), call()])
    result = drive.result("practice")
    assert result.outcome == "passed" and result.errors == 0
    assert state.paused and drive.comfort() == ["pause"]
    drive.frame([press("resume_button"), resume()])
    assert not drive.engine.state.paused and drive.engine.state.step_id == "wait"


def test_a_session_that_starts_unfocused_has_lost_no_focus():
    drive = Drive(engine(wait(duration_s=1.0)))
    drive.run(0.5, focused=False)
    drive.run(0.5)
    assert drive.comfort() == []


def test_focus_loss_freezes_the_clock_and_drops_input():
    drive = Drive(engine(choose(), wait(duration_s=1.0)))
    drive.run(0.5)
    clock = drive.engine.clock
    state = drive.run(3.0, focused=False)
    drive.frame([press("bore")], focused=False)
    assert drive.engine.clock == pytest.approx(clock)
    assert state.sound is None and not state.paused
    assert drive.results() == []
    drive.frame()
    assert drive.engine.clock == pytest.approx(clock)  # the frame that ends the loss does not count either
    drive.frame([press("bore")])
    assert drive.result("choose").ended == pytest.approx(clock + DT)
    assert drive.comfort() == ["focus_lost", "focus_regained"]


# -- interruption, skipping, ending ---------------------------------------------------------------------------------


def test_interrupted_restarts_the_current_step_at_the_same_attempt():
    step = HoldStill(id="still", duration_s=2.0, threshold_mm=4.0, max_attempts=2)
    drive = Drive(engine(step))
    drive.run(1.5)
    drive.engine.interrupted()
    assert drive.engine.drain()[0] == ComfortEvent("session_lost", drive.engine.clock, "still")
    clock = drive.engine.clock
    drive.t = 0.0  # a new runtime instance: a new time base
    drive.frame(pose=head(x=0.01))
    assert drive.engine.clock == pytest.approx(clock)
    assert [(s.step_id, s.attempt, s.time) for s in drive.starts()] == [("still", 1, 0.0), ("still", 1, clock)]
    state = drive.run(2.5, pose=head(x=0.01), until=lambda s: s.finished)
    assert state.finished
    result = drive.result("still")
    assert (result.outcome, result.attempts, result.errors) == ("passed", 1, 0)
    assert result.started == pytest.approx(clock)


def test_interrupted_ends_a_pause():
    drive = Drive(engine(wait(duration_s=1.0)))
    drive.frame()
    drive.frame([call()])
    drive.engine.interrupted()
    assert not drive.engine.state.paused
    drive.run(1.5, until=lambda s: s.finished)
    assert drive.engine.finished
    assert drive.comfort() == ["pause", "session_lost", "resume"]


def test_skip_step_records_skipped_and_starts_the_next():
    drive = Drive(engine(choose(), wait()))
    drive.run(0.5)
    drive.engine.skip_step()
    drive.records += drive.engine.drain()
    result = drive.result("choose")
    assert (result.outcome, result.score, result.details["skipped_by"]) == ("skipped", 0.0, "operator")
    assert drive.starts()[-1].step_id == "wait"
    assert drive.engine.state.step_id == "wait" and drive.engine.state.message == "procedure.skipped"


def test_skip_step_moves_past_a_step_that_cannot_start():
    drive = Drive(engine(LookAt(id="look", target="nowhere"), wait()))
    with pytest.raises(ValueError, match="'nowhere'"):
        drive.frame()
    drive.engine.skip_step()
    drive.frame()
    records = drive.engine.drain() + drive.records
    assert [(type(r).__name__, r.step_id) for r in records if not isinstance(r, ComfortEvent)] == [
        ("StepStarted", "look"),
        ("StepResult", "look"),
        ("StepStarted", "wait"),
    ]


def test_end_records_the_current_step_and_stops():
    drive = Drive(engine(HoldStill(id="still", duration_s=10.0), wait()))
    drive.run(1.0)
    drive.engine.end("participant asked to stop")
    drive.records += drive.engine.drain()
    assert drive.comfort() == ["ended_early"]
    assert [r for r in drive.records if isinstance(r, ComfortEvent)][0].detail == "participant asked to stop"
    result = drive.result("still")
    assert result.outcome == "skipped" and result.details["ended_early"] == "participant asked to stop"
    assert result.stillness is not None and result.stillness.samples == 90  # what was measured is kept
    assert drive.engine.finished and drive.engine.current_step is None and drive.engine.state.finished
    drive.run(20.0, hz=10)
    assert drive.engine.drain() == []
    assert not any(isinstance(r, ProcedureFinished) for r in drive.records)


# -- finishing and progress -----------------------------------------------------------------------------------------


def test_finishing_the_last_step_reports_the_mean_score():
    drive = Drive(engine(choose("one"), choose("two"), wait("three", duration_s=0.0)))
    drive.frame([press("scanner")])  # a wrong selection: 0.75
    drive.frame([press("bore")])
    assert drive.engine.state.progress == pytest.approx(1 / 3)
    drive.frame([press("bore")])
    assert drive.engine.state.progress == pytest.approx(2 / 3) and drive.engine.state.step_index == 2
    state = drive.frame()
    assert state.finished and state.subtitle == "procedure.finished" and state.progress == 1.0
    assert state.step_id is None and drive.engine.current_step is None
    finished = drive.records[-1]
    assert isinstance(finished, ProcedureFinished)
    assert finished.score == pytest.approx((0.75 + 1.0 + 1.0) / 3) and finished.steps == 3
    assert [r.score for r in drive.results()] == [0.75, 1.0, 1.0]


def test_the_state_before_the_first_update_shows_the_first_step():
    eng = engine(Information(id="hello", say="mri.welcome", highlight=("scanner",)), wait())
    state = eng.state
    assert (state.step_id, state.step_type, state.step_index, state.step_count) == ("hello", "information", 0, 2)
    assert state.subtitle == "mri.welcome" and state.highlights == ("scanner", "continue_button")
    assert eng.drain() == []


def test_start_at_begins_there_and_records_nothing_before():
    drive = Drive(engine(choose("one"), choose("two"), choose("three"), start_at="two"))
    assert drive.engine.current_index == 1
    drive.frame([press("bore")])
    drive.frame([press("bore")])
    assert [r.step_id for r in drive.results()] == ["two", "three"]
    assert drive.records[0] == StepStarted("two", "select", 1, 0.0, 1)
    assert drive.records[-1].steps == 2


def test_unknown_start_at_or_track_names_the_choices():
    steps = (choose("one"), choose("kids", tracks=("child",)))
    with pytest.raises(ValueError, match="no such step; the steps of track 'adult' are: one$"):
        engine(*steps, tracks=("adult", "child"), start_at="two")
    with pytest.raises(ValueError, match="'kids' is not in track 'adult'; its steps are: one"):
        engine(*steps, tracks=("adult", "child"), start_at="kids", track="adult")
    with pytest.raises(ValueError, match="offers 'adult', 'child'"):
        engine(*steps, tracks=("adult", "child"), track="parent")


def test_a_track_without_steps_is_refused():
    with pytest.raises(ValueError, match="track 'adult' .* has no steps"):
        engine(choose(tracks=("child",)), tracks=("adult", "child"))


# -- tracks -----------------------------------------------------------------------------------------------------------


def test_per_track_durations_apply():
    step = HoldStill(id="still", duration_s=6.0, per_track={"child": {"duration_s": 2.0}})
    lengths = {}
    for track in ("adult", "child"):
        drive = Drive(engine(step, tracks=("adult", "child"), track=track), hz=30)
        drive.run(10.0, until=lambda s: s.finished)
        result = drive.result("still")
        assert result.outcome == "passed"
        lengths[track] = result.ended - result.started
    assert lengths["adult"] == pytest.approx(6.0, abs=0.05)
    assert lengths["child"] == pytest.approx(2.0, abs=0.05)


def test_steps_of_other_tracks_are_left_out():
    steps = (choose("both"), choose("kids", tracks=("child",)), choose("grown", tracks=("adult",)))
    eng = engine(*steps, tracks=("adult", "child"), track="child")
    assert [s.id for s in eng.steps] == ["both", "kids"]
    assert [s.id for s in engine(*steps, tracks=("adult", "child")).steps] == ["both", "grown"]


# -- timeouts ---------------------------------------------------------------------------------------------------------


def test_a_timeout_shows_the_hints_one_by_one_then_skips():
    step = choose(timeout_s=5.0, hints=("hint.one", "hint.two"), on_timeout="skip")
    drive = Drive(engine(step, wait()), hz=30)
    assert drive.run(4.9).hint is None
    assert drive.run(0.2).hint == "hint.one"
    assert drive.run(4.8).hint == "hint.one"
    assert drive.run(0.2).hint == "hint.two"
    assert drive.results() == []
    state = drive.run(5.5, until=lambda s: s.step_id == "wait")
    assert state.hint is None and state.message == "procedure.skipped"
    result = drive.result("choose")
    assert (result.outcome, result.hints, result.score, result.details["timed_out"]) == ("skipped", 2, 0.0, True)
    assert result.ended == pytest.approx(15.0, abs=0.1)


def test_a_timeout_goto_branches_to_the_step():
    steps = (choose("ask", timeout_s=3.0, on_timeout="goto help"), choose("other"), wait("help", duration_s=1.0))
    drive = Drive(engine(*steps), hz=30)
    drive.run(5.0, until=lambda s: s.step_id != "ask")
    result = drive.result("ask")
    assert (result.outcome, result.details["branch"]) == ("skipped", "help")
    assert result.ended == pytest.approx(3.0, abs=0.05)
    assert [s.step_id for s in drive.starts()] == ["ask", "help"]
    assert drive.engine.state.step_index == 2
    drive.run(2.0, until=lambda s: s.finished)
    assert [r.step_id for r in drive.results()] == ["ask", "help"]


def test_a_timeout_wait_keeps_waiting_and_hints_cost_score():
    drive = Drive(engine(choose(timeout_s=2.0, hints=("hint.one",), on_timeout="wait")), hz=30)
    state = drive.run(60.0)
    assert state.step_id == "choose" and state.hint == "hint.one" and drive.results() == []
    drive.frame([press("bore")])
    result = drive.result("choose")
    assert (result.outcome, result.hints, result.score) == ("passed", 1, pytest.approx(0.9))


def test_timed_steps_have_no_timeout():
    drive = Drive(engine(wait(duration_s=5.0, timeout_s=1.0, hints=("hint.one",))), hz=30)
    state = drive.run(5.5, until=lambda s: s.finished)
    result = drive.result("wait")
    assert (result.outcome, result.hints) == ("completed", 0) and state.finished


def test_an_on_timeout_the_engine_cannot_follow_is_refused_at_once():
    with pytest.raises(ValueError, match="not in track 'adult'; its steps are: choose"):
        engine(choose(timeout_s=2.0, on_timeout="goto nowhere"))
    with pytest.raises(ValueError, match="write 'skip', 'wait' or 'goto <step id>'"):
        engine(choose(timeout_s=2.0, on_timeout="jump"))


# -- messages and records ---------------------------------------------------------------------------------------------


def test_a_message_shows_for_three_seconds_of_engine_clock():
    quiz = Quiz(
        id="quiz",
        options=(QuizOption(text="a.wrong"), QuizOption(text="a.right", correct=True)),
        max_attempts=3,
    )
    drive = Drive(engine(quiz), hz=30)
    assert drive.frame([press("quiz_option_1")]).message == "procedure.try_again"
    drive.frame([call()])
    drive.run(10.0)
    drive.frame([resume()])
    assert drive.run(2.8).message == "procedure.try_again"
    assert drive.run(0.3).message is None


def test_a_contamination_outside_a_sequence_is_kept_in_the_details():
    drive = Drive(engine(choose()))
    drive.engine.report_contamination("face")  # before the step's first frame
    drive.frame()
    drive.engine.report_contamination("gown_front")
    drive.frame([press("bore")])
    assert drive.result().details["contamination_kinds"] == ["face", "gown_front"]


def test_the_same_input_gives_the_same_records():
    steps = (
        choose("pick", timeout_s=2.0, hints=("hint.pick",)),
        Sequence(id="don", order=("gown", "mask", "gloves"), contaminants=("face",), on_error="continue"),
        HoldStill(id="still", duration_s=3.0, threshold_mm=4.0, max_attempts=2),
        wait("rest", duration_s=1.0),
    )

    def script():
        frames, t = [], 50.0
        for i in range(1200):  # long enough for both 3 s attempts of the still block to run to their end
            t += DT
            events = []
            if i == 300:
                events = [press("scanner"), press("bore")]
            elif i == 320:
                events = [press("mask"), PlacedInZone(t, "right", "gown", "rack"), press("face")]
            elif i == 330:
                events = [press("gloves"), Drop(t, "left", "mask", (0, 0, 0)), Teleport(t, "right", "spot_table")]
            elif i == 400:
                events = [call()]
            elif i == 450:
                events = [resume()]
            drift = 0.0 if i < 600 else (i - 600) * 0.0001  # metres: a slow drift during the still block
            frames.append((t, head(x=drift, y=0.001 * (i % 3)), events))
        return frames

    def run():
        eng = ProcedureEngine(scenario(*steps), positions=lambda name: None)
        out = []
        for i, (t, pose, events) in enumerate(script()):
            eng.update(t, pose, events, focused=not 500 <= i < 520)
            if i % 50 == 0:
                out += eng.drain()
        return out + eng.drain()

    first, second = run(), run()
    assert first == second
    kinds = {type(r) for r in first}
    assert {StepStarted, StepResult, ComfortEvent} <= kinds
    (still,) = [r for r in first if isinstance(r, StepResult) and r.step_id == "still"]
    assert still.stillness is not None and (still.outcome, still.attempts) == ("failed", 2)  # the drift, twice
    assert isinstance(first[-1], ProcedureFinished)


def test_drain_returns_each_record_once():
    eng = engine(choose())
    eng.update(0.0, head(), [])
    assert [type(r) for r in eng.drain()] == [StepStarted]
    assert eng.drain() == []


def test_every_step_type_of_the_model_has_a_run():
    from interactions.procedure.model import STEP_TYPES
    from interactions.procedure.steps import RUNS

    assert set(RUNS) == set(STEP_TYPES)
