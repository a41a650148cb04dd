"""Hold still: displacement from the attempt's first sample; an attempt runs its whole duration and fails at its end
if any sample went over the threshold."""

import pytest

from interactions.procedure.model import HoldStill, TimedWait
from interactions.procedure.results import StillnessSummary
from interactions.procedure.steps import StillnessMeter
from tests.procedure.synthetic import Drive, call, engine, head, resume

DT = 1.0 / 90.0


def block(**kw):
    kw = {"id": "still", "duration_s": 5.0, "threshold_mm": 4.0, **kw}
    return HoldStill(**kw)


def test_a_still_head_passes_the_block():
    drive = Drive(engine(block(say="mri.lie_still")))
    state = drive.run(2.0)
    assert state.subtitle == "mri.lie_still" and state.feedback == "ok"
    assert state.displacement_mm == 0.0 and state.threshold_mm == 4.0
    assert state.countdown_s == pytest.approx(5.0 - drive.engine.clock)
    drive.run(4.0, until=lambda s: s.finished)
    result = drive.result("still")
    assert (result.outcome, result.attempts, result.errors, result.score) == ("passed", 1, 0, 1.0)
    assert result.ended - result.started == pytest.approx(5.0, abs=DT)
    summary = result.stillness
    assert summary.peak_mm == 0.0 and summary.exceeded_at_s is None and summary.duration_s == 5.0
    assert summary.samples == pytest.approx(5 * 90, abs=2)
    assert len(summary.trace) == 41  # 40 bins of 1/8 s, and the sample that ends the block at 5.0 s


def test_a_pass_says_well_done():
    drive = Drive(engine(block(duration_s=1.0), TimedWait(id="next", duration_s=10)))
    state = drive.run(1.5, until=lambda s: s.step_id == "next")
    assert state.message == "procedure.well_done"


def test_the_subtitle_defaults_to_hold_still():
    assert engine(block()).state.subtitle == "procedure.hold_still"


def test_a_6_mm_drift_fails_with_its_peak_and_when_it_happened():
    drive = Drive(engine(block(duration_s=10.0)))
    drive.run(11.0, pose=lambda t: head(x=0.006 if t >= 2.0 else 0.0), until=lambda s: s.finished)
    result = drive.result("still")
    assert (result.outcome, result.attempts, result.errors) == ("failed", 1, 1)
    summary = result.stillness
    assert summary.peak_mm == pytest.approx(6.0)  # the true peak: the block ran on after the threshold was crossed
    assert summary.exceeded_at_s == pytest.approx(2.0, abs=1.5 * DT)
    assert summary.time_red_s == pytest.approx(8.0, abs=2 * DT)
    assert result.ended == pytest.approx(10.0, abs=1.5 * DT)  # the verdict comes at the end of the block
    assert result.score == pytest.approx(0.5 * 2.0 / 10.0, abs=0.01)
    assert result.details["exceeded_at_s"] == [pytest.approx(2.0, abs=1.5 * DT)]


def test_a_slow_drift_fails_only_when_the_block_ends():
    drive = Drive(engine(block(duration_s=10.0)))
    drift = lambda t: head(z=min(0.001 * t, 0.006))  # noqa: E731 - 1 mm/s up to 6 mm, then held there
    state = drive.run(9.9, pose=drift)
    assert not state.finished and state.step_id == "still" and drive.results() == []
    assert state.feedback == "red" and state.displacement_mm == pytest.approx(6.0)
    drive.run(1.0, pose=lambda t: drift(t + 9.9), until=lambda s: s.finished)
    result = drive.result("still")
    assert result.outcome == "failed" and result.ended == pytest.approx(10.0, abs=1.5 * DT)
    summary = result.stillness
    assert summary.exceeded_at_s == pytest.approx(4.0, abs=2 * DT)
    assert summary.peak_mm == pytest.approx(6.0)
    assert summary.time_yellow_s == pytest.approx(2.0, abs=2 * DT)  # from 2 mm (half the threshold) to 4 mm
    assert summary.time_red_s == pytest.approx(6.0, abs=2 * DT)  # from 4 mm to the end of the block
    assert summary.mean_mm == pytest.approx((6 * 3.0 + 4 * 6.0) / 10, abs=0.05)


def test_a_single_sample_spike_fails_at_the_end_and_shows_in_the_trace():
    def pose(t):
        spike = abs(t - 1.5) < DT / 2  # one frame only
        return head(y=0.005 if spike else 0.0)

    drive = Drive(engine(block()))
    state = drive.run(3.0, pose=pose)
    assert not state.finished and state.feedback == "ok"  # back under the threshold; the block goes on
    drive.run(3.0, until=lambda s: s.finished)
    result = drive.result("still")
    assert result.outcome == "failed" and result.ended == pytest.approx(5.0, abs=1.5 * DT)
    summary = result.stillness
    assert summary.exceeded_at_s == pytest.approx(1.5, abs=DT)
    assert summary.peak_mm == pytest.approx(5.0) and summary.time_red_s == pytest.approx(DT)
    assert len(summary.trace) == 41  # the whole block: 40 bins of 1/8 s and the sample at 5.0 s
    assert summary.trace[12] == (1.5, pytest.approx(5.0))
    assert all(mm == 0.0 for i, (_, mm) in enumerate(summary.trace) if i != 12)


def test_the_feedback_is_red_while_the_head_is_beyond_the_threshold_mid_block():
    drive = Drive(engine(block(duration_s=5.0)))
    drive.run(1.0)
    state = drive.run(2.0, pose=head(x=0.006))
    assert state.feedback == "red" and state.displacement_mm == pytest.approx(6.0)
    assert not state.finished and state.step_id == "still" and state.attempt == 1 and state.message is None
    assert state.countdown_s == pytest.approx(2.0, abs=1.5 * DT)
    assert drive.results() == []
    state = drive.run(1.0)  # coming back turns the feedback back to ok, but the attempt has failed
    assert state.feedback == "ok" and not state.finished
    drive.run(2.0, until=lambda s: s.finished)
    result = drive.result("still")
    assert result.outcome == "failed" and result.ended == pytest.approx(5.0, abs=1.5 * DT)


def test_feedback_turns_yellow_then_red():
    drive = Drive(engine(block(yellow_fraction=0.5, red_fraction=0.75)))
    drive.frame()
    assert drive.frame(pose=head(x=0.001)).feedback == "ok"
    state = drive.frame(pose=head(x=0.0025))
    assert state.feedback == "yellow" and state.displacement_mm == pytest.approx(2.5)
    assert drive.frame(pose=head(x=0.0035)).feedback == "red"
    drive.run(0.5, pose=head(x=0.0035))
    drive.engine.end()
    drive.records += drive.engine.drain()
    result = drive.result("still")
    summary = result.stillness
    assert summary.time_yellow_s == pytest.approx(DT)
    assert summary.time_red_s == pytest.approx(0.5 + DT, abs=DT / 2)
    assert (result.details["yellow_fraction"], result.details["red_fraction"]) == (0.5, 0.75)


def test_a_failed_attempt_tries_again_after_its_full_duration_from_a_new_reference():
    drive = Drive(engine(block(duration_s=2.0, max_attempts=3)))
    drive.run(0.5)
    state = drive.frame(pose=head(x=0.005))
    assert state.feedback == "red" and state.attempt == 1 and state.message is None  # no retry mid-block
    state = drive.run(3.0, pose=head(x=0.005), until=lambda s: s.attempt == 2)
    assert state.message == "procedure.try_again" and not state.finished
    assert drive.engine.clock == pytest.approx(2.0, abs=1.5 * DT)  # the first attempt ran its whole 2 s
    assert len(drive.starts()) == 1  # the new attempt begins at the next frame
    state = drive.frame(pose=head(x=0.005))  # the new reference is where the head now is
    assert state.displacement_mm == 0.0 and state.feedback == "ok"
    assert [(s.attempt, s.time) for s in drive.starts()] == [(1, 0.0), (2, pytest.approx(drive.engine.clock))]
    retry_at = drive.engine.clock
    drive.run(3.0, pose=head(x=0.005), until=lambda s: s.finished)
    result = drive.result("still")
    assert (result.outcome, result.attempts, result.errors, result.score) == ("passed", 2, 1, 0.75)
    assert result.ended == pytest.approx(retry_at + 2.0, abs=1.5 * DT)
    assert result.stillness.exceeded_at_s is None and result.stillness.peak_mm == pytest.approx(0.0)
    assert result.details["exceeded_at_s"] == [pytest.approx(0.5)]
    # The summary is the passing attempt's; every attempt's peak stays in the details for the report.
    assert result.details["attempt_peaks_mm"] == [pytest.approx(5.0), pytest.approx(0.0)]


def test_failing_every_attempt_fails_the_step():
    drive = Drive(engine(block(duration_s=4.0, max_attempts=2)))
    # Attempt 1 (0-4 s) holds 1 s; attempt 2 begins at the 5 mm head and holds until the head returns at 7 s.
    drive.run(10.0, pose=lambda t: head(x=0.005 if 1.0 <= t < 7.0 else 0.0), until=lambda s: s.finished)
    result = drive.result("still")
    assert (result.outcome, result.attempts, result.errors) == ("failed", 2, 2)
    assert result.ended == pytest.approx(8.0, abs=4 * DT)  # two full attempts
    assert [s.attempt for s in drive.starts()] == [1, 2]
    assert result.details["exceeded_at_s"] == [pytest.approx(1.0, abs=1.5 * DT), pytest.approx(3.0, abs=1.5 * DT)]
    assert result.score == pytest.approx(0.5 * 3.0 / 4.0, abs=0.01)
    summary = result.stillness  # the last attempt
    assert summary.exceeded_at_s == pytest.approx(3.0, abs=1.5 * DT)
    assert summary.peak_mm == pytest.approx(5.0) and summary.time_red_s == pytest.approx(1.0, abs=4 * DT)


def test_a_pause_starts_the_attempt_again_without_counting_it():
    drive = Drive(engine(block(duration_s=3.0)))
    drive.run(2.0)
    drive.frame([call()])
    drive.run(5.0, pose=head(x=0.02))  # moving during the pause is fine
    resumed_at = drive.engine.clock
    state = drive.frame([resume()], pose=head(x=0.02))
    assert state.countdown_s == pytest.approx(3.0) and state.attempt == 1
    drive.run(4.0, pose=head(x=0.02), until=lambda s: s.finished)
    result = drive.result("still")
    assert (result.outcome, result.attempts, result.errors) == ("passed", 1, 0)
    assert result.ended == pytest.approx(resumed_at + 3.0, abs=DT)
    assert len(drive.starts()) == 1


def test_the_meter_keeps_the_largest_displacement_of_each_eighth_of_a_second():
    meter = StillnessMeter(threshold_mm=4.0, duration_s=1.0, yellow_fraction=0.5, red_fraction=1.0)
    samples = [(0.0, 0.0), (0.05, 0.001), (0.1, 0.003), (0.12, 0.0005), (0.2, 0.002), (0.45, 0.0)]
    for t, x in samples:
        meter.sample(t, (x, 1.6, 0.0))
    summary = meter.summary()
    assert summary.trace == ((0.0, pytest.approx(3.0)), (0.125, pytest.approx(2.0)), (0.375, 0.0))
    assert summary.samples == 6 and summary.peak_mm == pytest.approx(3.0)
    assert summary.mean_mm == pytest.approx(6.5 / 6)
    assert summary.time_yellow_s == pytest.approx(0.05 + 0.08)  # the samples at 0.1 and 0.2 s
    assert summary.exceeded_at_s is None
    assert StillnessSummary.TRACE_HZ == 8.0


def test_displacement_is_euclidean_in_millimetres():
    meter = StillnessMeter(threshold_mm=10.0, duration_s=1.0, yellow_fraction=0.5, red_fraction=1.0)
    meter.sample(0.0, (1.0, 1.0, 1.0))
    assert meter.sample(0.1, (1.003, 1.0, 0.996)) == pytest.approx(5.0)
