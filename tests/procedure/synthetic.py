"""Scenarios and input for procedure tests: scenarios built straight from the model's dataclasses, head poses,
and a Drive that feeds an engine frames on a virtual clock."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from interactions.events import CallButton, Event, Poke, Resume, Select
from interactions.input import Pose
from interactions.procedure.display import DisplayState
from interactions.procedure.engine import ProcedureEngine
from interactions.procedure.model import ClinicalReview, Scenario, ScenarioMeta, SceneSpec, Step
from interactions.procedure.results import ComfortEvent, StepResult, StepStarted
from tests.interactions.synthetic import looking_at

HZ = 90.0
EYE = (0.0, 1.6, 0.0)
"""Where the head is unless a test says otherwise, metres."""

ROOM = {
    "scanner": (0.0, 1.0, -3.0),
    "bore": (0.0, 1.0, -2.5),
    "call_button": (0.3, 1.0, -0.4),
    "control_window": (3.0, 1.6, 0.0),
    "spot_locker": (2.0, 0.0, 1.0),
    "spot_table": (0.0, 0.0, -2.0),
}
"""Scene node positions (world metres) for ``positions``."""


def positions(name: str) -> np.ndarray | None:
    """The ROOM position of ``name`` as a (3,) array, or None."""
    return np.array(ROOM[name], dtype=float) if name in ROOM else None


def scenario(*steps: Step, tracks: Sequence[str] = ("adult",)) -> Scenario:
    """A scenario with ``steps`` in the MRI room, offering ``tracks``."""
    meta = ScenarioMeta(
        id="test-scenario",
        title="test.title",
        audience="patient",
        tracks=tuple(tracks),
        languages=("ko", "en"),
        estimated_minutes=5,
        clinical_review=ClinicalReview(status="pending"),
    )
    return Scenario(meta=meta, scene=SceneSpec(file="mri_room.glb"), steps=tuple(steps))


def engine(*steps: Step, **kw) -> ProcedureEngine:
    """An engine over ``scenario(*steps)`` with the ROOM positions (``tracks=`` goes to the scenario)."""
    tracks = kw.pop("tracks", ("adult",))
    kw.setdefault("positions", positions)
    return ProcedureEngine(scenario(*steps, tracks=tracks), **kw)


def head(x: float = 0.0, y: float = 0.0, z: float = 0.0, base=EYE) -> Pose:
    """The head at ``base`` moved by (x, y, z) metres, looking along -Z."""
    return Pose((base[0] + x, base[1] + y, base[2] + z))


def look(target: str | Sequence[float], at=EYE) -> Pose:
    """The head at ``at`` looking at a ROOM node (or a point)."""
    point = ROOM[target] if isinstance(target, str) else target
    return looking_at(at, point)


def turned(yaw_deg: float, at=EYE) -> Pose:
    """The head at ``at`` turned ``yaw_deg`` degrees to the left of -Z."""
    a = math.radians(yaw_deg) / 2
    return Pose(tuple(at), (0.0, math.sin(a), 0.0, math.cos(a)))


def press(target: str, t: float = 0.0, pointer: str = "right") -> Select:
    """A Select of ``target``."""
    return Select(t, pointer, target)


def poke(target: str, t: float = 0.0, hand: str = "right") -> Poke:
    """A Poke of ``target``."""
    return Poke(t, hand, target)


def call(t: float = 0.0) -> CallButton:
    """The call button pressed."""
    return CallButton(t, "right")


def resume(t: float = 0.0) -> Resume:
    """The pause ended."""
    return Resume(t, "api")


Frame = tuple[float, Pose, Sequence[Event]]
"""(time s, head pose, events) for one update."""


def replay(eng: ProcedureEngine, frames: Iterable[Frame], focused: bool = True) -> DisplayState:
    """Feed ``frames`` to ``eng``; the last state."""
    state = eng.state
    for t, pose, events in frames:
        state = eng.update(t, pose, events, focused=focused)
    return state


class Drive:
    """Feeds an engine frames on a virtual clock at ``hz`` (90 Hz by default), starting at ``t0`` seconds.

    ``frame`` sends one frame; ``run`` sends frames for a while, with a head given as a Pose or as a function of the
    time since the run began. ``records`` collects everything drained so far.
    """

    def __init__(self, eng: ProcedureEngine, hz: float = HZ, t0: float = 100.0) -> None:
        self.engine = eng
        self.dt = 1.0 / hz
        self.t = t0
        self.records: list = []
        self.started = False

    def frame(self, events: Sequence[Event] = (), pose: Pose | None = None, *, focused=True, dt=None) -> DisplayState:
        """One update, ``dt`` (default one frame) after the previous one (the first is at ``t0``)."""
        if self.started:
            self.t += self.dt if dt is None else dt
        self.started = True
        state = self.engine.update(self.t, pose or head(), events, focused=focused)
        self.records += self.engine.drain()
        return state

    def run(
        self,
        seconds: float,
        pose: Pose | Callable[[float], Pose] | None = None,
        *,
        focused=True,
        hz: float | None = None,
        until: Callable[[DisplayState], bool] | None = None,
    ) -> DisplayState:
        """Frames for ``seconds`` (at ``hz``, default the Drive's), or until ``until(state)`` holds."""
        dt = self.dt if hz is None else 1.0 / hz
        begin = self.t
        state = self.engine.state
        for _ in range(max(1, round(seconds / dt))):
            at = self.t + dt if self.started else self.t
            p = pose(at - begin) if callable(pose) else pose
            state = self.frame((), p, focused=focused, dt=dt)
            if until is not None and until(state):
                break
        return state

    def results(self) -> list[StepResult]:
        """The StepResults drained so far."""
        return [r for r in self.records if isinstance(r, StepResult)]

    def result(self, step_id: str | None = None) -> StepResult:
        """The only (or the last) result of ``step_id`` (any step if None)."""
        found = [r for r in self.results() if step_id is None or r.step_id == step_id]
        assert found, f"no result for {step_id!r} in {self.records}"
        return found[-1]

    def starts(self) -> list[StepStarted]:
        """The StepStarted records drained so far."""
        return [r for r in self.records if isinstance(r, StepStarted)]

    def comfort(self) -> list[str]:
        """The kinds of the ComfortEvents drained so far."""
        return [r.kind for r in self.records if isinstance(r, ComfortEvent)]
