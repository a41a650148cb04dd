"""The guided-step engine: runs one track of a scenario, step by step, from the frames the app feeds it.

Once per frame the app calls :meth:`ProcedureEngine.update` with the frame's display time, the head pose in the
world and the interaction events; the engine advances the current step and returns a :class:`DisplayState` (what to
show and play). What happened is queued as records (:class:`StepStarted`, :class:`StepResult`,
:class:`ComfortEvent`, :class:`ProcedureFinished`) that the app takes with :meth:`ProcedureEngine.drain` and writes
to the session record.

Time. The engine keeps its own clock (``clock``, seconds): it advances by the time between two updates only while
the session is focused and not paused, and a gap longer than 0.25 s counts as 0.25 s, so a stall, a dropped
connection or a paused debugger never eats a step's time. Every time in the records is on this clock. Nothing reads
the wall clock: the same updates give the same records.

Pause and focus. A CallButton event pauses (ComfortEvent ``pause``), a Resume event resumes (``resume``); a change of
``focused`` gives ``focus_lost``/``focus_regained``. While paused or unfocused no step progresses and input events
are dropped (Resume still resumes). Steps that measure the person (hold still, breath hold, look at) start their
current attempt again after such a break.

Timeouts. A step with ``timeout_s`` that has not completed after that long (its own active time) shows its next hint
and waits ``timeout_s`` again; once the hints are used up, the next timeout applies ``on_timeout``: ``skip`` (the
step is recorded as skipped), ``goto <id>`` (recorded as skipped with ``details["branch"]``, then that step runs) or
``wait``. Steps whose own duration defines them (timed wait, breath hold, paced breathing, hold still, automatic
information) have no timeout.

Scores. Each step type scores its own run (see the run classes in :mod:`interactions.procedure.steps`); the engine
takes 0.1 off per hint shown (not below 0) and gives a skipped step 0. The procedure's score is the mean of the
recorded steps' scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from interactions.events import CallButton, Event, HapticPulse, Poke, Resume, Select
from interactions.input import Pose
from interactions.procedure.display import DisplayState
from interactions.procedure.model import Scenario, Step
from interactions.procedure.results import ComfortEvent, ProcedureFinished, StepResult, StepStarted
from interactions.procedure.steps import RUNS, StepRun, start_run

GAP_CAP_S = 0.25
"""The most one gap between updates adds to the clock, seconds."""
MESSAGE_S = 3.0
"""How long a transient message shows, seconds of the engine clock."""
HINT_DEDUCTION = 0.1
"""Taken off a step's score per hint it needed."""

FINISHED = "procedure.finished"
PAUSED = "procedure.paused"
SKIPPED = "procedure.skipped"

Record = StepStarted | StepResult | ComfortEvent | ProcedureFinished


class ProcedureEngine:
    """Runs ``track`` (default: the scenario's first) of ``scenario``, from step ``start_at`` (a step id; default
    the first) for rehearsing one block. ``positions(name)`` gives the (3,) world position in metres of a scene node,
    or None when the scene has none (look-at targets and move-to spots need it).

    ValueError, naming the choices, for an unknown track or ``start_at``, a track without steps, or an ``on_timeout``
    that is not ``skip``, ``wait`` or ``goto <id of a step in this track>``.
    """

    def __init__(
        self,
        scenario: Scenario,
        track: str | None = None,
        *,
        start_at: str | None = None,
        positions: Callable[[str], np.ndarray | None] | None = None,
    ) -> None:
        self.scenario = scenario
        tracks = scenario.meta.tracks
        if track is not None and track not in tracks:
            raise ValueError(
                f"unknown track {track!r}: scenario {scenario.meta.id!r} offers {', '.join(map(repr, tracks))}"
            )
        self.track: str = track or tracks[0]
        """The track being run."""
        self.steps: tuple[Step, ...] = scenario.steps_for(self.track)
        """The track's steps, with its per-track overrides applied."""
        if not self.steps:
            raise ValueError(
                f"track {self.track!r} of scenario {scenario.meta.id!r} has no steps: give some steps no 'tracks' "
                f"list, or add {self.track!r} to their tracks"
            )
        for step in self.steps:
            self._timeout_action(step)  # a bad on_timeout fails now, not half-way through a session
        self.current_index: int = self._start_index(start_at)
        """0-based index of the current step in ``steps`` (``len(steps)`` once all are done)."""
        self.finished = False
        """True once the last step is done, or after :meth:`end`."""
        self._positions = _scene_positions(positions)
        self._run: StepRun | None = None  # None: the current step starts at the next live update
        self._announced = False  # a StepStarted went out for the current visit of the current step
        self._restart_attempt = 1  # the attempt the current step (re)starts at
        self._pending_contaminations: list[str] = []  # reported before the current step's run began
        self._records: list[Record] = []
        self._scores: list[float] = []
        self._clock = 0.0
        self._last_now: float | None = None
        self._focused: bool | None = None  # None until first focused: a session starting unfocused lost nothing
        self._paused = False
        self._broken = False  # a pause or focus loss happened since the run last saw a frame
        self._hints_shown = 0
        self._timeout_from = 0.0
        self._waiting = False  # hints used up and on_timeout is 'wait': no more timeouts
        self._message: str | None = None
        self._message_until = 0.0
        self._ended: str | None = None  # the reason given to end(), if it was called
        self.state: DisplayState = self._display()
        """What to show, as of the latest update."""

    # -- properties --------------------------------------------------------------------------------------------------

    @property
    def clock(self) -> float:
        """Seconds of active session time: only focused, unpaused time counts, at most 0.25 s per gap."""
        return self._clock

    @property
    def current_step(self) -> Step | None:
        """The step running now, or None once finished."""
        return None if self.finished else self.steps[self.current_index]

    # -- the frame ---------------------------------------------------------------------------------------------------

    def update(self, now_s: float, head: Pose, events: Sequence[Event], *, focused: bool = True) -> DisplayState:
        """One frame: ``now_s`` the frame's display time in seconds (monotonic), ``head`` the head pose in the world,
        ``events`` this frame's interaction events, ``focused`` False while the session is not focused (headset
        off, system menu). Returns the new :attr:`state`.

        Raises ValueError when a step that starts needs a scene node the scene does not have (the records made
        before stay queued; :meth:`skip_step` moves past it)."""
        if self.finished:
            return self.state
        dt = 0.0 if self._last_now is None else min(GAP_CAP_S, max(0.0, now_s - self._last_now))
        self._last_now = now_s
        if focused and self._focused and not self._paused:
            self._clock += dt
        if self._focused is None:
            self._focused = True if focused else None
        elif focused != self._focused:
            self._focused = focused
            self._comfort("focus_regained" if focused else "focus_lost")
            self._broken = True
        was_live = focused and not self._paused
        live_events = self._session_events(events, focused)
        if focused and (was_live or not self._paused):
            self._step_frame(head, live_events)
        self.state = self._display()
        return self.state

    def _session_events(self, events: Sequence[Event], focused: bool) -> list[Event]:
        """Apply this frame's pause and resume; the events that arrived while the session was live, less the
        presses of the call or resume button (they are not answers to the step)."""
        events = list(events)
        live: list[Event] = []
        for i, event in enumerate(events):
            if isinstance(event, CallButton):
                if focused and not self._paused:
                    self._paused = True
                    self._broken = True
                    self._comfort("pause", event.source)
            elif isinstance(event, Resume):
                if self._paused:
                    self._paused = False
                    self._comfort("resume", event.source)
            elif focused and not self._paused and (not _presses_pause_button(events, i) or self._asked_for(event)):
                live.append(event)
        return live

    def _asked_for(self, event: Event) -> bool:
        """The current step asks for exactly this selection (practising the call button: the press counts, and
        the pause it makes follows)."""
        step = self.current_step
        return isinstance(event, Select) and event.target in getattr(step, "targets", ())

    def _step_frame(self, head: Pose, events: list[Event]) -> None:
        """Feed the current step one live frame, then act on how it went."""
        if self._run is None:
            self._begin()
        elif self._broken and not self._paused:
            self._run.resumed(self._clock)
            self._broken = False
        run = self._run
        run.update(self._clock, head, events)
        if run.message is not None:
            self._show(run.message)
            run.message = None
        if run.new_attempt:
            run.new_attempt = False
            step = run.step
            self._records.append(StepStarted(step.id, step.TYPE, self.current_index, self._clock, run.attempt))
        if run.outcome is not None:
            self._close(run.outcome)
            self._next()
        elif not run.timed:
            self._check_timeout()

    # -- calls from the app and the person running the session -------------------------------------------------------

    def drain(self) -> list[Record]:
        """The records made since the last drain, in order."""
        records, self._records = self._records, []
        return records

    def interrupted(self) -> None:
        """The session was lost (the runtime went away; the app is reconnecting): a ComfortEvent ``session_lost``;
        a pause is over (``resume``); the current step starts again from its beginning at the next update, at the
        same attempt, with no failed attempt counted. The next update's time is taken as a new time base."""
        self._comfort("session_lost")
        if self._paused:
            self._paused = False
            self._comfort("resume", "session_lost")
        self._last_now = None
        if self._run is not None and not self.finished:
            self._restart_attempt = self._run.attempt
            self._run = None
        self.state = self._display()

    def skip_step(self) -> None:
        """The person running the session skips the current step: recorded ``skipped`` (score 0), message
        ``procedure.skipped``, and the next step begins. Works while paused, and on a step that could not start;
        raises ValueError, as :meth:`update` does, if the next step cannot start either (the skip is recorded)."""
        if self.finished:
            return
        self._close("skipped", {"skipped_by": "operator"})
        self._show(SKIPPED)
        self._next()
        self.state = self._display()

    def report_contamination(self, kind: str) -> None:
        """A contamination event of ``kind`` (e.g. ``gown_front``) during the current step: a sequence step counts
        it as an error; any other step lists it in its result's details. Ignored once finished."""
        if self.finished:
            return
        if self._run is None:
            self._pending_contaminations.append(kind)
        else:
            self._run.contaminate(kind)

    def end(self, reason: str = "ended_early") -> None:
        """Stop now: a ComfortEvent ``ended_early`` (``detail``: ``reason`` when another one is given), the current
        step recorded as skipped with ``details["ended_early"]`` (its measurements so far kept), and no more steps
        (``finished`` True, no ProcedureFinished)."""
        if self.finished:
            return
        self._comfort("ended_early", "" if reason == "ended_early" else reason)
        if self._run is not None or self._announced:
            self._close("skipped", {"ended_early": reason})
        self._ended = reason
        self.finished = True
        self.state = self._display()

    # -- steps -------------------------------------------------------------------------------------------------------

    def _begin(self) -> None:
        """Start the current step at the current clock (ValueError from its run if the scene lacks a node)."""
        step = self.steps[self.current_index]
        self._run = start_run(step, self._clock, self._positions, self._restart_attempt)
        for kind in self._pending_contaminations:
            self._run.contaminate(kind)
        self._pending_contaminations = []
        self._broken = False
        self._hints_shown = 0
        self._timeout_from = self._clock
        self._waiting = False
        self._announced = True
        self._records.append(StepStarted(step.id, step.TYPE, self.current_index, self._clock, self._restart_attempt))

    def _close(self, outcome: str, extra: dict[str, Any] | None = None) -> None:
        """Record the current step's result with ``outcome`` and drop its run."""
        step = self.steps[self.current_index]
        run = self._run
        if not self._announced:
            # Skipped or ended before it could start (a missing scene node, or before the first update).
            self._records.append(StepStarted(step.id, step.TYPE, self.current_index, self._clock, 1))
        if outcome == "skipped" or run is None:
            score = 0.0
        else:
            score = min(1.0, max(0.0, run.score() - HINT_DEDUCTION * self._hints_shown))
        details = dict(run.details()) if run is not None else {}
        details.update(extra or {})
        self._records.append(
            StepResult(
                step_id=step.id,
                step_type=step.TYPE,
                index=self.current_index,
                started=run.started if run is not None else self._clock,
                ended=self._clock,
                outcome=outcome,
                attempts=run.attempts if run is not None else self._restart_attempt,
                errors=run.errors if run is not None else 0,
                score=score,
                hints=self._hints_shown,
                stillness=run.stillness() if run is not None else None,
                details=details,
            )
        )
        self._scores.append(score)
        self._run = None

    def _next(self, index: int | None = None) -> None:
        """Move to step ``index`` (default: the next one) and start it, or finish after the last."""
        self._announced = False
        self._restart_attempt = 1
        self._pending_contaminations = []
        self._hints_shown = 0
        self._waiting = False
        self.current_index = self.current_index + 1 if index is None else index
        if self.current_index >= len(self.steps):
            self.current_index = len(self.steps)
            self.finished = True
            self._records.append(
                ProcedureFinished(self._clock, sum(self._scores) / len(self._scores), len(self._scores))
            )
            return
        self._begin()

    def _check_timeout(self) -> None:
        step = self.steps[self.current_index]
        if step.timeout_s is None or self._waiting or self._clock - self._timeout_from < step.timeout_s:
            return
        if self._hints_shown < len(step.hints):
            self._hints_shown += 1
            self._timeout_from = self._clock
            return
        action, target = self._timeout_action(step)
        if action == "wait":
            self._waiting = True
        elif action == "skip":
            self._close("skipped", {"timed_out": True})
            self._show(SKIPPED)
            self._next()
        else:
            self._close("skipped", {"branch": target})
            self._next(self._index_of(target))

    def _timeout_action(self, step: Step) -> tuple[str, str | None]:
        """``(skip|wait|goto, target id)`` from ``step.on_timeout`` (ValueError saying what is allowed)."""
        words = step.on_timeout.split()
        if words in (["skip"], ["wait"]):
            return words[0], None
        if len(words) == 2 and words[0] == "goto":
            if any(s.id == words[1] for s in self.steps):
                return "goto", words[1]
            raise ValueError(
                f"step {step.id!r}: on_timeout {step.on_timeout!r} names a step that is not in track "
                f"{self.track!r}; its steps are: {', '.join(s.id for s in self.steps)}"
            )
        raise ValueError(
            f"step {step.id!r}: on_timeout {step.on_timeout!r} is not understood; write 'skip', 'wait' or "
            f"'goto <step id>'"
        )

    def _index_of(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)

    def _start_index(self, start_at: str | None) -> int:
        if start_at is None:
            return 0
        for i, step in enumerate(self.steps):
            if step.id == start_at:
                return i
        ids = ", ".join(s.id for s in self.steps)
        if any(s.id == start_at for s in self.scenario.steps):
            raise ValueError(f"start_at {start_at!r} is not in track {self.track!r}; its steps are: {ids}")
        raise ValueError(f"start_at {start_at!r}: there is no such step; the steps of track {self.track!r} are: {ids}")

    # -- what to show ------------------------------------------------------------------------------------------------

    def _show(self, message: str) -> None:
        self._message = message
        self._message_until = self._clock + MESSAGE_S

    def _comfort(self, kind: str, detail: str = "") -> None:
        step = self.current_step
        self._records.append(ComfortEvent(kind, self._clock, step.id if step is not None else None, detail))

    def _display(self) -> DisplayState:
        count = len(self.steps)
        if self.finished:
            return DisplayState(
                step_index=self.current_index,
                step_count=count,
                progress=self.current_index / count if self._ended else 1.0,
                subtitle=None if self._ended else FINISHED,
                finished=True,
            )
        step = self.steps[self.current_index]
        run = self._run
        if run is None:  # not started yet: show it as it will start
            run = RUNS[step.TYPE](step, self._clock, self._positions, self._restart_attempt)
        hint = step.hints[self._hints_shown - 1] if self._hints_shown else None
        message = self._message if self._clock < self._message_until else None
        if self._paused:
            message = PAUSED
        live = self._focused and not self._paused
        return DisplayState(
            step_id=step.id,
            step_type=step.TYPE,
            step_index=self.current_index,
            step_count=count,
            progress=self.current_index / count,
            hint=hint,
            message=message,
            sound=step.sound if live else None,
            paused=self._paused,
            **run.display(self._clock),
        )


def _presses_pause_button(events: list[Event], i: int) -> bool:
    """Event ``i`` is the Select or Poke that pressed the call or resume button: the interaction system puts the
    CallButton or Resume right after it (after any HapticPulse for it)."""
    if not isinstance(events[i], (Select, Poke)):
        return False
    for later in events[i + 1 :]:
        if not isinstance(later, HapticPulse):
            return isinstance(later, (CallButton, Resume))
    return False


def _scene_positions(positions: Callable[[str], Any] | None) -> Callable[[str], np.ndarray | None]:
    """``positions`` returning (3,) float arrays (any sequence of three numbers is accepted), or None."""

    def lookup(name: str) -> np.ndarray | None:
        position = None if positions is None else positions(name)
        return None if position is None else np.asarray(position, dtype=np.float64).reshape(3)

    return lookup
