"""A simulated patient for the mock runtime: a pose source that goes through a rehearsal as a cooperative person
would, so the whole procedure runs headless (``python main.py demo``, the end-to-end tests).

It reads what the procedure asks (the engine's current step and display state) and answers with the head and the
right controller: it looks at what it should look at, points the controller at buttons and clicks, walks to objects,
squeezes to take them and lets go over their zone, walks to marked spots, answers quizzes, presses the call button
when asked to practise it and resumes after a moment, and keeps still during hold-still blocks - except where its
:class:`PatientBehaviour` says it drifts. Everything is deterministic (seeded noise), so runs repeat exactly.

Poses are produced in the mock's STAGE space; scene positions come from the rehearsal in the world and are carried
into the play space through the interaction system's ``world_from_play``. Units: metres, seconds, degrees, mm for
drift and sway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .mockrt.poses import DeviceSample, HandState, Pose, default_hands
from .mockrt.timeline import quat_from_euler

CONTROLLERS = "/interaction_profiles/oculus/touch_controller"
"""The simulated patient holds Touch controllers: a trigger to select, a grip to squeeze (the simple controller
has no grip, so it could not take anything but by gaze)."""

WALK_SPEED_M_S = 0.8
TURN_SPEED_DEG_S = 120.0
REACH_M = 0.45
"""How far from the head the simulated hand reaches; it walks closer when a target is further away."""


@dataclass(frozen=True)
class Drift:
    """During step ``step`` (its attempts listed in ``attempts``, or all when empty), the head slides ``mm``
    millimetres along +X, reaching it at ``at_fraction`` of the block's duration, then stays there."""

    step: str
    mm: float
    attempts: tuple[int, ...] = ()
    at_fraction: float = 0.5


@dataclass(frozen=True)
class PatientBehaviour:
    """How the simulated patient behaves.

    Attributes:
        sway_mm: amplitude of the natural sway and tracking noise of a still head, mm (a still person is never
            perfectly still; 0.3 mm is a calm adult in a headset).
        drifts: where the patient drifts (see :class:`Drift`).
        reaction_s: seconds before acting on a new step (reading the subtitle).
        wrong_answers: quiz step ids where the first answer is a wrong one.
        seed: for the sway's phases.
    """

    sway_mm: float = 0.3
    drifts: tuple[Drift, ...] = ()
    reaction_s: float = 1.0
    wrong_answers: tuple[str, ...] = ()
    seed: int = 0


@dataclass
class _Plan:
    """What the patient is doing in the current step (attempt)."""

    key: tuple
    started: float
    anchor: np.ndarray  # where the head was when the step began (play space)
    yaw: float
    pitch: float
    clicks: int = 0
    last_click: float = -1e9
    carrying: str | None = None
    placed: set = field(default_factory=set)
    answered: int = 0


class SimulatedPatient:
    """A :class:`~xrapp.mockrt.poses.PoseSource` driven by ``rehearsal`` (an :class:`xrapp.rehearsal.Rehearsal`)."""

    def __init__(self, rehearsal, behaviour: PatientBehaviour | None = None, eye_height_m: float = 1.6) -> None:
        self.rehearsal = rehearsal
        self.behaviour = behaviour or PatientBehaviour()
        self.head = np.array([0.0, eye_height_m, 0.0])
        self.yaw = 0.0
        self.pitch = 0.0
        self.left_rest, _ = default_hands(eye_height_m)
        self.eye_height_m = eye_height_m
        self._t: float | None = None
        self._sample: DeviceSample | None = None
        self._plan: _Plan | None = None
        rng = np.random.default_rng(self.behaviour.seed)
        self._phases = rng.uniform(0, 2 * math.pi, (3, 3))
        self._frequencies = np.array([0.23, 0.61, 1.7])  # Hz: slow sway, breathing-like, tremor-like

    # -- the pose source -----------------------------------------------------------------------------------------

    def sample(self, t: float) -> DeviceSample:
        """The patient at ``t`` seconds; the runtime may ask several times per frame (same answer)."""
        if self._t is not None and t == self._t and self._sample is not None:
            return self._sample
        dt = 0.0 if self._t is None else min(max(t - self._t, 0.0), 0.25)
        self._t = t
        self._sample = self._act(t, dt)
        return self._sample

    # -- behaviour -------------------------------------------------------------------------------------------------

    def _act(self, t: float, dt: float) -> DeviceSample:
        engine = self.rehearsal.engine
        display = engine.state
        step = engine.current_step
        if step is None or display is None or display.finished:
            return self._still(t, None, dt)
        key = (display.step_id, display.attempt)
        if self._plan is None or self._plan.key != key:
            self._plan = _Plan(key, t, self.head.copy(), self.yaw, self.pitch)
        plan = self._plan
        if display.paused:
            # The call button was pressed (practice, or a real call): wait a moment, then press Resume.
            return self._press(t, dt, "resume_button", delay=1.5)
        if t - plan.started < self.behaviour.reaction_s:
            return self._still(t, None, dt)
        kind = step.TYPE
        if kind == "information" and step.advance == "select":
            return self._press(t, dt, step.target)
        if kind == "select":
            return self._press(t, dt, step.targets[0])
        if kind == "sequence":
            done = len(getattr(display, "highlights", ()))  # the engine highlights the next item first
            target = display.highlights[0] if done else step.order[0]
            return self._press(t, dt, target)
        if kind == "quiz":
            options = list(step.options)
            right = next(i for i, o in enumerate(options) if o.correct) + 1
            wrong = next((i for i, o in enumerate(options) if not o.correct), 0) + 1
            first_wrong = step.id in self.behaviour.wrong_answers and plan.clicks == 0
            return self._press(t, dt, f"quiz_option_{wrong if first_wrong else right}")
        if kind == "look_at":
            self._turn_towards(self._play(self.rehearsal.position(step.target)), dt)
            return self._still(t, None, dt, hold_head=False)
        if kind == "grab_place":
            return self._grab_place(t, dt, step)
        if kind == "move_to":
            goal = self._play(self.rehearsal.position(step.spot))
            goal = np.array([goal[0], self.head[1], goal[2]])  # walking, one looks ahead, not at one's feet
            self._walk_towards(goal, dt, stop_at=0.0)
            self._turn_towards(goal, dt)
            return self._still(t, None, dt, hold_head=False)
        return self._still(t, step, dt)

    def _press(self, t: float, dt: float, target: str, delay: float = 0.0) -> DeviceSample:
        """Point the right controller at ``target`` and click it (again every 2 s if nothing happens)."""
        plan = self._plan
        position = self.rehearsal.position(target)
        if position is None:
            return self._still(t, None, dt)
        goal = self._play(position)
        self._walk_towards(goal, dt, stop_at=2.5)  # buttons are pressed from where one stands
        self._turn_towards(goal, dt)
        hand = self._hand_origin()
        aim = Pose(tuple(hand), _look(goal - hand))
        since = t - plan.last_click
        pressing = False
        if t - plan.started >= self.behaviour.reaction_s + delay:
            if since >= 2.0:
                plan.last_click, since = t, 0.0
                plan.clicks += 1
            pressing = since < 0.15
        right = HandState(aim=aim, grip=aim, select=pressing, trigger=1.0 if pressing else 0.0)
        return DeviceSample(self._head_pose(t, None), self.left_rest, right)

    def _grab_place(self, t: float, dt: float, step) -> DeviceSample:
        """Take each object in turn, carry it to the zone and let go over it."""
        plan = self._plan
        placed = self.rehearsal.bridge.state.placed
        remaining = [o for o in step.objects if placed.get(o) != step.zone]
        held = set(self.rehearsal.bridge.state.grabbed.values())
        if not remaining:
            return self._still(t, None, dt)
        obj = plan.carrying if plan.carrying in held else None
        if obj is None:
            plan.carrying = None
            target = remaining[0]
            goal = self._play(self.rehearsal.position(target))
            self._walk_towards(goal, dt, stop_at=REACH_M)
            self._turn_towards(goal, dt)
            near = _horizontal(goal - self.head) <= REACH_M + 0.05
            grip = Pose(tuple(goal if near else self._hand_origin()), _look(goal - self.head))
            squeeze = 1.0 if near else 0.0
            if near:
                plan.carrying = target
            right = HandState(aim=grip, grip=grip, squeeze=squeeze)
            return DeviceSample(self._head_pose(t, None), self.left_rest, right)
        zone = self._play(self.rehearsal.zone_centre(step.zone))
        self._walk_towards(zone, dt, stop_at=REACH_M)
        self._turn_towards(zone, dt)
        there = _horizontal(zone - self.head) <= REACH_M + 0.05
        hand = zone + np.array([0.0, 0.02, 0.0]) if there else self.head + _rotate_yaw(self.yaw, (0.1, -0.3, -0.35))
        grip = Pose(tuple(hand), _look(zone - self.head))
        right = HandState(aim=grip, grip=grip, squeeze=0.0 if there and self._settled(hand) else 1.0)
        return DeviceSample(self._head_pose(t, None), self.left_rest, right)

    def _settled(self, hand: np.ndarray) -> bool:
        # Let go one frame after the hand reached the zone, so the object has followed it there.
        settled = getattr(self, "_last_hand", None) is not None and np.allclose(self._last_hand, hand, atol=1e-4)
        self._last_hand = hand.copy()
        return settled

    def _still(self, t: float, step, dt: float, hold_head: bool = True) -> DeviceSample:
        """Hands at rest; with ``hold_head``, the gaze comes back to level (where the procedure's panel is) - a turn
        of the head, which moves no part of its measured position."""
        if hold_head:
            turn = TURN_SPEED_DEG_S * dt
            self.pitch -= max(-turn, min(turn, self.pitch))
        hand = self._hand_origin()
        rest = Pose(tuple(hand), quat_from_euler(self.yaw, 0.0, 0.0))
        right = HandState(aim=rest, grip=rest)
        return DeviceSample(self._head_pose(t, step), self.left_rest, right)

    # -- the head ------------------------------------------------------------------------------------------------

    def _head_pose(self, t: float, step) -> Pose:
        """The head where it stands, plus sway, plus any drift for this step's attempt."""
        b = self.behaviour
        offset = np.zeros(3)
        if b.sway_mm > 0:
            waves = np.sin(2 * math.pi * self._frequencies[None, :] * t + self._phases)  # (axis, frequency)
            offset += b.sway_mm / 1000.0 * waves.sum(axis=1) / len(self._frequencies)
        plan = self._plan
        if step is not None and plan is not None:
            for drift in b.drifts:
                if drift.step == step.id and (not drift.attempts or plan.key[1] in drift.attempts):
                    duration = getattr(step, "duration_s", 10.0)
                    ramp = min(max((t - plan.started) / max(drift.at_fraction * duration, 1e-6), 0.0), 1.0)
                    offset[0] += drift.mm / 1000.0 * ramp
        position = self.head + offset
        return Pose(tuple(float(v) for v in position), quat_from_euler(self.yaw, self.pitch, 0.0))

    def _hand_origin(self) -> np.ndarray:
        return self.head + _rotate_yaw(self.yaw, (0.18, -0.4, -0.25))

    def _turn_towards(self, goal: np.ndarray, dt: float) -> None:
        d = goal - self.head
        if np.linalg.norm(d) < 1e-6:
            return
        yaw = math.degrees(math.atan2(-d[0], -d[2]))
        pitch = math.degrees(math.atan2(d[1], math.hypot(d[0], d[2])))
        step = TURN_SPEED_DEG_S * dt
        dyaw = (yaw - self.yaw + 180.0) % 360.0 - 180.0
        self.yaw += max(-step, min(step, dyaw))
        self.pitch += max(-step, min(step, pitch - self.pitch))

    def _walk_towards(self, goal: np.ndarray, dt: float, stop_at: float) -> None:
        d = np.array([goal[0] - self.head[0], 0.0, goal[2] - self.head[2]])
        distance = float(np.linalg.norm(d))
        if distance <= stop_at or distance < 1e-6:
            return
        move = min(WALK_SPEED_M_S * dt, distance - stop_at)
        self.head = self.head + d / distance * move

    def _play(self, world_position) -> np.ndarray:
        """A world position in the play space the poses are given in."""
        if world_position is None:
            return self.head + _rotate_yaw(self.yaw, (0.0, 0.0, -1.0))
        w = self.rehearsal.bridge.state.world_from_play
        p = np.linalg.inv(w) @ np.append(np.asarray(world_position, dtype=np.float64), 1.0)
        return p[:3]


def _horizontal(v) -> float:
    return math.hypot(float(v[0]), float(v[2]))


def _rotate_yaw(yaw_deg: float, v) -> np.ndarray:
    c, s = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    x, y, z = v
    return np.array([c * x + s * z, y, -s * x + c * z])


def _look(direction: np.ndarray) -> tuple[float, float, float, float]:
    """The orientation whose -Z axis is ``direction``, with no roll."""
    d = np.asarray(direction, dtype=np.float64)
    d = d / max(float(np.linalg.norm(d)), 1e-9)
    yaw = math.degrees(math.atan2(-d[0], -d[2]))
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, float(d[1])))))
    return quat_from_euler(yaw, pitch, 0.0)
