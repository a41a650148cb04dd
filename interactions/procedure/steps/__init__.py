"""The 11 step types at run time: one StepRun class per type of :data:`interactions.procedure.model.STEP_TYPES`.

:func:`start_run` makes the run for a step; the engine drives it (see :mod:`.base` for the contract).
"""

from __future__ import annotations

from interactions.procedure.model import Step
from interactions.procedure.steps.base import Positions, StepRun
from interactions.procedure.steps.choosing import QuizRun, SelectRun, SequenceRun
from interactions.procedure.steps.placing import GrabPlaceRun
from interactions.procedure.steps.spatial import LookAtRun, MoveToRun
from interactions.procedure.steps.stillness import HoldStillRun, StillnessMeter
from interactions.procedure.steps.timed import BreathHoldRun, InformationRun, PacedBreathingRun, TimedWaitRun

RUNS: dict[str, type[StepRun]] = {
    "information": InformationRun,
    "look_at": LookAtRun,
    "select": SelectRun,
    "grab_place": GrabPlaceRun,
    "sequence": SequenceRun,
    "hold_still": HoldStillRun,
    "breath_hold": BreathHoldRun,
    "paced_breathing": PacedBreathingRun,
    "timed_wait": TimedWaitRun,
    "quiz": QuizRun,
    "move_to": MoveToRun,
}
"""Step type name → the class that runs it (one for each of the model's STEP_TYPES)."""


def start_run(step: Step, started: float, positions: Positions, attempt: int = 1) -> StepRun:
    """A run of ``step`` starting at ``started`` seconds of the engine clock, at ``attempt``; its
    :meth:`StepRun.begin` has checked what it needs from the scene (ValueError otherwise)."""
    run = RUNS[step.TYPE](step, started, positions, attempt)
    run.begin()
    return run


__all__ = ["RUNS", "StepRun", "StillnessMeter", "start_run"]
