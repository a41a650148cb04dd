"""Steps where the user chooses by pressing (Select or Poke): select a target, answer a quiz, do items in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interactions.events import Event, Grab, PlacedInZone, Poke, Select
from interactions.input import Pose
from interactions.procedure.model import Quiz, SelectTarget
from interactions.procedure.model import Sequence as SequenceStep
from interactions.procedure.steps.base import Positions, StepRun, merged, presses

TRY_AGAIN = "procedure.try_again"
WELL_DONE = "procedure.well_done"
QUIZ_BUTTON = "quiz_option_"
"""The quiz answers are the UI buttons ``quiz_option_1``, ``quiz_option_2``, ... (1-based)."""


class SelectRun(StepRun):
    """Passes when one of ``targets`` is pressed; each press of anything else is a wrong selection (an error).

    Score: 1.0, less 0.25 per wrong selection, not below 0. Details: ``wrong_selections``, ``selected`` (the target
    that completed it, or None).
    """

    step: SelectTarget

    def __init__(self, step: SelectTarget, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self.selected: str | None = None

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        for target in presses(events):
            if target in self.step.targets:
                self.selected = target
                self.finish("passed")
                return
            self.errors += 1

    def score(self) -> float:
        return max(0.0, 1.0 - 0.25 * self.errors)

    def details(self) -> dict[str, Any]:
        return {**super().details(), "wrong_selections": self.errors, "selected": self.selected}

    def display(self, now: float) -> dict[str, Any]:
        return {**super().display(now), "highlights": merged(self.step.highlight, self.step.targets)}


class QuizRun(StepRun):
    """The answers are the buttons ``quiz_option_1..n``. A right answer passes (``procedure.well_done``); a wrong one
    counts an error and, while answers remain (``max_attempts``), shows ``procedure.try_again``; the last allowed
    wrong answer fails the step. Presses of other things are ignored.

    Score: 1.0 for a right first answer, less 1/``max_attempts`` per wrong answer before it; 0 when failed.
    ``attempts`` is the number of answers given. Details: ``answers`` (option numbers, 1-based, in order).
    """

    step: Quiz

    def __init__(self, step: Quiz, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self.answers: list[int] = []

    @property
    def attempts(self) -> int:
        return len(self.answers)

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        options = self.step.options
        for target in presses(events):
            number = option_number(target)
            if number is None or not 1 <= number <= len(options):
                continue
            self.answers.append(number)
            if options[number - 1].correct:
                self.finish("passed", WELL_DONE)
                return
            self.errors += 1
            if len(self.answers) >= self.step.max_attempts:
                self.finish("failed")
                return
            self.message = TRY_AGAIN

    def score(self) -> float:
        if self.outcome != "passed":
            return 0.0
        return max(0.0, 1.0 - self.errors / self.step.max_attempts)

    def details(self) -> dict[str, Any]:
        return {**super().details(), "answers": list(self.answers)}

    def display(self, now: float) -> dict[str, Any]:
        buttons = tuple(f"{QUIZ_BUTTON}{n}" for n in range(1, len(self.step.options) + 1))
        return {
            **super().display(now),
            "highlights": merged(self.step.highlight, buttons),
            "quiz_options": tuple(option.text for option in self.step.options),
        }


def option_number(target: str) -> int | None:
    """``quiz_option_3`` → 3; None for any other name."""
    if not target.startswith(QUIZ_BUTTON):
        return None
    number = target[len(QUIZ_BUTTON) :]
    return int(number) if number.isdigit() else None


class SequenceRun(StepRun):
    """Do every item of ``order`` (press it, or place it in a zone), in that order.

    The expected item is the first one not yet done after the last item accepted (wrapping to the first one not yet
    done). Doing an item that is not the expected one counts an order error: with ``on_error: retry`` it is not
    accepted (``procedure.try_again``) and the expected item stays the same; with ``continue`` it is accepted and the
    sequence carries on from it. Items already done are ignored when done again. The step ends when every item is
    done. Pressing, poking or grabbing one of ``contaminants``, or a contamination reported to the engine, counts a
    contamination.

    Outcome: ``passed`` with no order error and no contamination, ``failed`` otherwise. Score: 1.0, less 0.25 per
    order error and per contamination, not below 0. ``errors`` = order errors + contaminations. Details:
    ``order_errors``, ``contaminations``, ``contamination_kinds``, ``selected`` (every item chosen, in order,
    including the ones refused).
    """

    step: SequenceStep

    def __init__(self, step: SequenceStep, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self.done: set[str] = set()
        self.selected: list[str] = []
        self.order_errors = 0
        self._last: int = -1  # index in order of the last item accepted

    def expected(self) -> str | None:
        """The item to do next, or None when all are done."""
        order = self.step.order
        for offset in range(1, len(order) + 1):
            item = order[(self._last + offset) % len(order)]
            if item not in self.done:
                return item
        return None

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        step = self.step
        for event in events:
            if isinstance(event, (Select, Poke, Grab)) and event.target in step.contaminants:
                self.contaminate(event.target)
                continue
            if isinstance(event, (Select, Poke)):
                item = event.target
            elif isinstance(event, PlacedInZone):
                item = event.object
            else:
                continue
            if item not in step.order or item in self.done:
                continue
            self.selected.append(item)
            if item != self.expected():
                self.order_errors += 1
                if step.on_error == "retry":
                    self.message = TRY_AGAIN
                    continue
            self.done.add(item)
            self._last = step.order.index(item)
        self.errors = self.order_errors + len(self.contaminations)
        if self.expected() is None:
            self.finish("passed" if self.errors == 0 else "failed")

    def contaminate(self, kind: str) -> None:
        super().contaminate(kind)
        self.errors = self.order_errors + len(self.contaminations)

    def score(self) -> float:
        return max(0.0, 1.0 - 0.25 * (self.order_errors + len(self.contaminations)))

    def details(self) -> dict[str, Any]:
        return {
            "order_errors": self.order_errors,
            "contaminations": len(self.contaminations),
            "contamination_kinds": list(self.contaminations),
            "selected": list(self.selected),
        }

    def display(self, now: float) -> dict[str, Any]:
        expected = self.expected()
        return {**super().display(now), "highlights": merged(self.step.highlight, (expected,) if expected else ())}
