"""A scenario running in the frame loop: its scene, the interactions in it, the procedure engine, the records, the
sounds, and what the person in the headset sees of the procedure (subtitles, highlights, progress, stillness
feedback, the badge at the end).

:class:`Rehearsal` has the interface the App feeds each frame (``update(frame) -> events`` and ``state``, like
:class:`~xrapp.scene_interactions.SceneInteractions`), so ``App(settings, scene=r.scene, interactions=r)`` runs it.
Each frame: the interactions turn input into events; the engine consumes them with the head pose in the world and
says what to show; what it finished goes to the records at once (one transaction per finished step, so a crash
loses nothing completed); the scene is updated to show the state; the sound follows the step.

The procedure's panel (subtitle, hint, Continue, quiz answers, progress) hangs under the node called ``subtitle``,
which the App keeps in front of the gaze, lazily: it is always in view, and a patient lying in the bore sees it too.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interactions.events import Event, Select
from interactions.input import InputFrame, Pose
from interactions.poses import quat_multiply, transform_point
from interactions.procedure.catalogue import Catalogue
from interactions.procedure.engine import ProcedureEngine
from interactions.procedure.model import Scenario
from interactions.procedure.results import ComfortEvent, ProcedureFinished, StepResult, StepStarted
from interactions.settings import InteractionSettings
from renderer import primitives
from renderer.loader import load_scene
from renderer.scene import Material, Node, Scene
from renderer.text import text_panel

from .scene_interactions import PAUSED_PANEL, Role, SceneInteractions, from_scene, paused_panel

log = logging.getLogger("xrapp.rehearsal")

ASSETS = Path(__file__).resolve().parent.parent / "assets"
LOCALES = ASSETS / "locales"

PAIRED_LANGUAGE = "ko"
"""Text is shown in the chosen language with the Korean line under it (for the Korean-speaking staff and family),
unless the chosen language is Korean itself."""

HIGHLIGHT_GLOW = (0.05, 0.22, 0.35)
"""Linear RGB a step puts on what it asks the user to look at or touch: a calm blue, distinct from the hover glow."""

FEEDBACK_FOG = {"yellow": (0.95, 0.80, 0.20, 0.22), "red": (0.85, 0.15, 0.10, 0.45)}
"""Graded fog over the view while the head drifts in a hold-still block (CLINICAL.md: graded fog and a yellow/red
zone reduced motion, most in children under 10). Linear RGBA."""

FOG_DISTANCE_M = 0.35
PANEL_WIDTH_M = 1.0
BADGE_HOLD_S = 4.0
"""After the last step, the badge and praise stay this long (session clock) before the session ends."""


@dataclass(frozen=True)
class Participant:
    """Who is rehearsing: only the clinic's pseudonymous code (never a name), the track and the language."""

    code: str
    track: str | None = None
    language: str = "en"


class Rehearsal:
    """Runs ``scenario`` for ``participant`` (see the module docstring).

    Args:
        scenario: a loaded scenario (``interactions.procedure.loader.load_scenario``).
        participant: the pseudonymous code, track and language.
        recorder: a ``xrapp.records.SessionRecorder`` (or anything with ``record(item)``), or None for no records.
        audio: something with ``follow(name_or_None, t)`` and ``one_shot(name, t)`` (the live player, or a mixer
            rendering to WAV), or None for silence.
        start_at: a step id to begin at (rehearsing one block), or None for the first.
        settings: interaction settings (dwell time, vignette...); defaults if None.
        on_line: called with one line of text per step started or finished and per comfort event (the command
            line prints them), or None.
        stop_after_one: end after the first step (with ``start_at``: rehearse that one block).
        record_motion: also give the recorder every frame's raw head and controller poses (they identify people:
            only with the participant's consent; the recorder's session must have been opened for it).
    """

    def __init__(
        self,
        scenario: Scenario,
        participant: Participant,
        *,
        recorder=None,
        audio=None,
        start_at: str | None = None,
        settings: InteractionSettings | None = None,
        on_line: Callable[[str], None] | None = None,
        stop_after_one: bool = False,
        record_motion: bool = False,
    ) -> None:
        self.scenario = scenario
        self.participant = participant
        self.recorder = recorder
        self.audio = audio
        self.on_line = on_line
        self.stop_after_one = stop_after_one
        self.record_motion = record_motion and recorder is not None
        self.stopped = False
        """The one step asked for (``stop_after_one``) has finished: the session ends, nothing more is recorded."""
        self.on_moment: Callable[[str, float], None] | None = None
        """Called with (label, delay s) at moments worth a picture: 2 s into each step and retry (once the panel has
        settled), and when the stillness feedback first turns red in an attempt. The demo captures them."""
        self._red_seen: tuple | None = None
        if participant.language not in scenario.meta.languages:
            raise ValueError(
                f"language {participant.language!r}: {scenario.meta.id} is written in "
                f"{', '.join(scenario.meta.languages)}; choose one of those"
            )
        self.catalogue = Catalogue.load(LOCALES, participant.language)
        self.paired = Catalogue.load(LOCALES, PAIRED_LANGUAGE) if participant.language != PAIRED_LANGUAGE else None
        self.scene = load_rehearsal_scene(scenario, self.text)
        self._ui = _ProcedurePanel(self.scene, self.text)
        self.bridge: SceneInteractions = from_scene(self.scene, _roles(scenario), settings)
        self._centres = _node_centres(self.scene)
        self.engine = ProcedureEngine(scenario, participant.track, start_at=start_at, positions=self.position)
        self.results: list[StepResult] = []
        self.comfort: list[ComfortEvent] = []
        self.finished_at: float | None = None
        self.final_score: float | None = None
        self._now = 0.0  # the latest frame's time, seconds
        self._ended_at: float | None = None  # frame time when the procedure finished or was ended
        self._hold_s = BADGE_HOLD_S
        self._highlighted: list[Node] = []
        self._highlight_names: tuple[str, ...] | None = None
        self._moving: tuple | None = None  # (step id, [(node or interactable, start (4, 4), local delta (3,))])
        self._shown: tuple | None = None

    # -- what the App calls ------------------------------------------------------------------------------------------

    @property
    def state(self):
        """The interaction state (the App views the world through its ``world_from_play``)."""
        return self.bridge.state

    @property
    def done(self) -> bool:
        """The procedure has finished (or was ended) and the badge has been shown long enough: end the session."""
        return self._ended_at is not None and self._now - self._ended_at >= self._hold_s

    def update(self, frame: InputFrame) -> list[Event]:
        """One frame (see the module docstring); returns the interaction events."""
        self._now = frame.time
        events = self.bridge.update(frame)
        world_from_play = self.bridge.state.world_from_play
        head = _world_pose(frame.head, world_from_play)
        display = self.engine.update(frame.time, head, events, focused=frame.focused)
        if self.record_motion and not self.stopped:
            self.recorder.record_motion(self.engine.clock, frame.head, frame.left.grip, frame.right.grip)
        for item in self.engine.drain():
            self._record(item)
        if self.audio is not None:
            self.audio.follow(display.sound, self.engine.clock)
            for event in events:
                if isinstance(event, Select):
                    self.audio.one_shot("ui_select", self.engine.clock)
        self._move(display)
        self._show(display)
        return events

    def session_lost(self) -> None:
        """The session was lost: the engine restarts the current step when frames come again."""
        self.engine.interrupted()
        for item in self.engine.drain():
            self._record(item)

    def end(self, reason: str = "ended_early") -> None:
        """Stop the procedure now (the nurse ended it, or the run was stopped), recording why."""
        if not self.engine.finished and not self.stopped:
            self.engine.end(reason)
            for item in self.engine.drain():
                self._record(item)

    # -- scene positions for the engine ----------------------------------------------------------------------------

    def position(self, name: str) -> np.ndarray | None:
        """World (3,) centre of the node called ``name`` now (grabbed objects move), or None if there is none."""
        item = self.bridge.every.get(name)
        if item is not None:
            return np.asarray(item.transform[:3, 3], dtype=np.float64)
        return self._centres.get(name)

    def zone_centre(self, name: str) -> np.ndarray | None:
        """World (3,) point where objects placed in the snap zone ``name`` come to rest, or None if there is none."""
        zone = next((z for z in self.bridge.system.zones if z.name == name), None)
        return None if zone is None else np.asarray(zone.center, dtype=np.float64)

    # -- text --------------------------------------------------------------------------------------------------------

    def text(self, key: str) -> str:
        """The text of catalogue ``key`` in the participant's language, with the Korean line under it."""
        text = self.catalogue.text(key)
        if self.paired is not None:
            paired = self.paired.text(key)
            if paired and paired != text:
                text = f"{text}\n{paired}"
        return text

    # -- records -----------------------------------------------------------------------------------------------------

    def _record(self, item) -> None:
        if self.stopped:
            return  # one step was rehearsed: what the engine does after it is not part of the session
        if self.recorder is not None:
            self.recorder.record(item)
        if isinstance(item, StepStarted) and self.on_moment is not None:
            again = f" (try {item.attempt})" if item.attempt > 1 else ""
            self.on_moment(f"{item.index + 1}. {item.step_id}{again}", 2.0)
        if isinstance(item, StepResult):
            self.results.append(item)
            if self.audio is not None and item.outcome in ("passed", "completed"):
                self.audio.one_shot("ui_success", self.engine.clock)
            if self.stop_after_one:
                self.stopped = True
                self._ended_at, self._hold_s = self._now, 0.0  # nothing to celebrate: end now
        elif isinstance(item, ComfortEvent):
            self.comfort.append(item)
        elif isinstance(item, ProcedureFinished):
            self.finished_at = item.time
            self._ended_at = self._now
            self.final_score = item.score
            if self.audio is not None:
                self.audio.one_shot("ui_badge", self.engine.clock)
        if self.on_line is not None:
            self.on_line(describe(item))

    # -- showing the state -------------------------------------------------------------------------------------------

    def _show(self, display) -> None:
        key = (
            display.step_id,
            display.subtitle,
            display.hint,
            display.message,
            display.quiz_options,
            display.finished,
            display.step_index,
            self._continue_wanted(display),
            display.countdown_s is not None,
        )
        if key != self._shown:
            self._shown = key
            self._ui.show(display, self._continue_wanted(display))
        self._ui.progress(display.progress)
        self._ui.feedback(display.feedback if not display.paused else None)
        if display.feedback == "red" and self.on_moment is not None and self._red_seen != key[:1] + (display.attempt,):
            self._red_seen = key[:1] + (display.attempt,)
            self.on_moment(f"{display.step_index + 1}. {display.step_id}: {display.displacement_mm:.1f} mm", 0.5)
        self._highlight(display.highlights)

    def _move(self, display) -> None:
        """Slide a timed wait's ``moves`` nodes by ``move_by`` in step with its countdown; they stay where the wait
        left them. Interactables (an object lying on the moving table) move as the system holds them."""
        step = self.engine.current_step
        if self._moving is not None and (step is None or step.id != self._moving[0]):
            self._place_moved(1.0)  # the wait ended: exactly where it was going
            self._moving = None
        if step is None or not getattr(step, "moves", ()) or display.countdown_s is None:
            return
        if self._moving is None:
            by = np.asarray(step.move_by, dtype=np.float64)
            parts = []
            for name in step.moves:
                item = self.bridge.every.get(name)
                if item is not None and item.grabbable:  # buttons follow their nodes: move those
                    parts.append((item, item.transform.copy(), by))
                    continue
                node, parent = _node_and_parent_world(self.scene, name)
                if node is not None:
                    parts.append((node, node.transform.copy(), parent[:3, :3].T @ by))
            self._moving = (step.id, parts)
        duration = max(getattr(step, "duration_s", 0.0), 1e-6)
        self._place_moved(min(max(1.0 - display.countdown_s / duration, 0.0), 1.0))

    def _place_moved(self, fraction: float) -> None:
        for thing, start, delta in self._moving[1]:
            transform = start.copy()
            transform[:3, 3] += fraction * delta
            thing.transform = transform

    def _continue_wanted(self, display) -> bool:
        step = self.engine.current_step
        return (
            step is not None
            and not display.finished
            and getattr(step, "advance", None) == "select"
            and getattr(step, "target", None) == "continue_button"
        )

    def _highlight(self, names: tuple[str, ...]) -> None:
        if names == self._highlight_names:
            return  # the same step asks for the same things: no scene search every frame
        self._highlight_names = names
        wanted = []
        for name in names:
            node = self._ui.nodes.get(name) or self.bridge.nodes.get(name) or self.bridge.zone_nodes.get(name)
            if node is None:
                node = _find_node(self.scene, name)
            if node is not None:
                wanted.append(node)
        if [id(n) for n in wanted] == [id(n) for n in self._highlighted]:
            return
        for node in self._highlighted:
            node.highlight = None
        for node in wanted:
            node.highlight = HIGHLIGHT_GLOW
        self._highlighted = wanted


def describe(item) -> str:
    """One line for the command line: ``step 3 metal_check passed in 12.4 s (errors 0, hints 1)``."""
    if isinstance(item, StepStarted):
        again = f" (attempt {item.attempt})" if item.attempt > 1 else ""
        return f"step {item.index + 1} {item.step_id} started at {item.time:.1f} s{again}"
    if isinstance(item, StepResult):
        line = (
            f"step {item.index + 1} {item.step_id} {item.outcome} in {item.ended - item.started:.1f} s "
            f"(attempts {item.attempts}, errors {item.errors}, hints {item.hints}, score {item.score:.2f})"
        )
        if item.stillness is not None:
            s = item.stillness
            line += f"; head moved at most {s.peak_mm:.1f} mm (limit {s.threshold_mm:g} mm)"
        return line
    if isinstance(item, ComfortEvent):
        return f"comfort {item.kind} at {item.time:.1f} s" + (f" during {item.step_id}" if item.step_id else "")
    if isinstance(item, ProcedureFinished):
        return f"finished at {item.time:.1f} s: {item.steps} steps, score {item.score:.2f}"
    return str(item)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario file's bytes (which version of the content a record was made with)."""
    try:
        return hashlib.sha256(Path(scenario.source).read_bytes()).hexdigest()
    except OSError:
        return ""


# -- the scene -----------------------------------------------------------------------------------------------------


def load_rehearsal_scene(scenario: Scenario, text: Callable[[str], str] | None = None) -> Scene:
    """The scenario's scene file, moved so the user's start is the origin of the play space, with the pause panel
    and its resume button added, labelled by ``text(key)`` (the catalogue; Korean and English without one)."""
    path = Path(scenario.source).resolve().parent / scenario.scene.file
    scene = load_scene(path)
    # The room moves, not the world: overlays the App places in world coordinates (the subtitle) stay right.
    room = Node("room", children=scene.root.children)
    room.transform[:3, 3] = -np.asarray(scenario.scene.start, dtype=np.float64)
    room.transform = room.transform @ scene.root.transform
    scene.root = Node("root", children=[room])
    if text is None:
        pause = scene.root.add(paused_panel(PAUSED_PANEL))
        label = "계속하기 · Resume"
    else:
        pause = scene.root.add(text_panel(text("ui.paused"), width_m=0.8, text_height_m=0.07, align="center",
                                          background=(0.05, 0.06, 0.1, 1.0), name=PAUSED_PANEL))  # fmt: skip
        label = text("ui.resume")
    pause.visible = False
    resume = text_panel(label, width_m=0.5, text_height_m=0.05, align="center", name="resume_button",
                        background=(0.08, 0.40, 0.18, 1.0))  # fmt: skip
    resume.transform[:3, 3] = (0.0, -0.2, 0.01)
    pause.add(resume)
    return scene


def _roles(scenario: Scenario) -> dict[str, Role | str]:
    roles: dict[str, Role | str] = {"continue_button": "button", "resume_button": "resume_button"}
    roles.update({f"quiz_option_{i}": "button" for i in range(1, _ProcedurePanel.QUIZ_BUTTONS + 1)})
    for name, value in scenario.scene.roles.items():
        if isinstance(value, str):
            roles[name] = value
        else:
            value = dict(value)
            kind = value.pop("kind")
            accepts = frozenset(value.pop("accepts", ()))
            offset = tuple(value.pop("offset", (0.0, 0.02, 0.0) if kind == "zone" else (0.0, 0.0, 0.0)))
            roles[name] = Role(kind, accepts=accepts, offset=offset, **value)
    return roles


def _node_centres(scene: Scene) -> dict[str, np.ndarray]:
    """World centre of every named node with a mesh (its bounds' centre), else its origin."""
    centres: dict[str, np.ndarray] = {}
    for node, world in scene.root.walk():
        if node.mesh is not None:
            lo, hi = node.mesh.bounds()
            centre = (np.asarray(lo) + np.asarray(hi)) / 2
            centres.setdefault(node.name, world[:3, :3] @ centre + world[:3, 3])
        else:
            centres.setdefault(node.name, world[:3, 3].copy())
    return centres


def _node_and_parent_world(scene: Scene, name: str) -> tuple[Node | None, np.ndarray]:
    """The visible node called ``name`` and its parent's (4, 4) world transform."""
    parent_of = {id(child): world for node, world in scene.root.walk() for child in node.children}
    for node, _ in scene.root.walk():
        if node.name == name:
            return node, parent_of.get(id(node), np.identity(4))
    return None, np.identity(4)


def _find_node(scene: Scene, name: str) -> Node | None:
    for node, _ in scene.root.walk():
        if node.name == name:
            return node
    return None


def _world_pose(head: Pose, world_from_play: np.ndarray) -> Pose:
    """``head`` (play space) in the world: the locomotion offset is a yaw about +Y and a translation."""
    if np.array_equal(world_from_play, _IDENTITY):
        return head
    yaw = math.atan2(world_from_play[0, 2], world_from_play[0, 0])
    turn = (0.0, math.sin(yaw / 2), 0.0, math.cos(yaw / 2))
    position = transform_point(world_from_play, head.position)
    return Pose(tuple(float(v) for v in position), tuple(float(v) for v in quat_multiply(turn, head.orientation)))


_IDENTITY = np.identity(4)


def _unlit(name: str, rgba) -> Material:
    return Material(name, base_color=tuple(rgba), unlit=True, alpha_mode="BLEND" if rgba[3] < 1 else "OPAQUE")


class _ProcedurePanel:
    """The procedure's panel under the ``subtitle`` node: the step's text, a hint, the Continue button, the quiz's
    answers and the progress bar; and the head-locked stillness fog. Text meshes are made once per distinct text
    and kept, so a session's GPU objects stay bounded by its catalogue."""

    QUIZ_BUTTONS = 6

    def __init__(self, scene: Scene, text: Callable[[str], str]) -> None:
        self.text = text
        self.root = scene.root.add(Node("subtitle"))
        self.nodes: dict[str, Node] = {}
        self._cache: dict[tuple[str, str], Node] = {}
        self.body = self.root.add(Node("procedure_text"))
        self.hint = self.root.add(Node("procedure_hint"))
        self.button = self._button("continue_button", text("ui.continue"), (0.10, 0.22, 0.40, 1.0))
        self.options = [
            self._button(f"quiz_option_{i}", "", (0.12, 0.20, 0.32, 1.0)) for i in range(1, self.QUIZ_BUTTONS + 1)
        ]
        bar_w, bar_h = 0.5, 0.018
        self.bar = self.root.add(Node("progress", mesh=primitives.quad(bar_w, bar_h, "progress"),
                                      material=_unlit("progress", (0.2, 0.2, 0.24, 0.9))))  # fmt: skip
        self.fill = self.bar.add(Node("progress/fill", mesh=primitives.quad(1.0, bar_h, "progress_fill"),
                                      material=_unlit("progress_fill", (0.25, 0.75, 0.35, 1.0))))  # fmt: skip
        self.bar_w = bar_w
        self.fog = scene.root.add(Node("feedback", mesh=primitives.quad(3.0, 3.0, "feedback"), visible=False))
        self.fog_materials = {level: _unlit(f"feedback_{level}", rgba) for level, rgba in FEEDBACK_FOG.items()}
        self.badge = self.root.add(Node("badge", mesh=primitives.sphere(0.06, 2, "badge"), visible=False,
                                        material=Material("badge", base_color=(0.95, 0.75, 0.15, 1.0),
                                                          roughness=0.3, metallic=0.8)))  # fmt: skip

    def _button(self, name: str, label: str, background) -> Node:
        node = self.root.add(text_panel(label or " ", width_m=0.5, text_height_m=0.045, align="center",
                                        padding_m=0.02, background=background, name=name))  # fmt: skip
        node.visible = False
        self.nodes[name] = node
        return node

    def _panel(self, slot: Node, key: str, text: str, *, height: float, background) -> float:
        """Put the panel for ``text`` under ``slot`` (made once per text); returns its height in metres."""
        cached = self._cache.get((slot.name, key))
        if cached is None:
            cached = text_panel(text, width_m=PANEL_WIDTH_M, text_height_m=height, align="center",
                                background=background, name=f"{slot.name}/{len(self._cache)}")  # fmt: skip
            self._cache[(slot.name, key)] = cached
        slot.children[:] = [cached]
        lo, hi = cached.mesh.bounds()
        return float(hi[1] - lo[1])

    def show(self, display, continue_wanted: bool) -> None:
        """Lay out the panel for ``display``: its parts from the top down, the block centred on the node's origin
        (which the App keeps a little below the gaze)."""
        from .scene_interactions import retext

        placed: list[tuple[Node, float, float]] = []  # node, height, z
        key = "procedure.finished" if display.finished else display.message or display.subtitle
        self.body.visible = bool(key)
        if key:
            h = self._panel(self.body, key, self.text(key), height=0.055, background=(0.06, 0.07, 0.10, 0.85))
            placed.append((self.body, h, 0.0))
        self.hint.visible = bool(display.hint) and not display.finished
        if self.hint.visible:
            h = self._panel(self.hint, display.hint, self.text(display.hint), height=0.045,
                            background=(0.20, 0.16, 0.04, 0.85))  # fmt: skip
            placed.append((self.hint, h, 0.0))
        self.button.visible = continue_wanted
        if continue_wanted:
            placed.append((self.button, _height(self.button), 0.01))
        for i, node in enumerate(self.options):
            node.visible = i < len(display.quiz_options) and not display.finished
            if node.visible:
                option = display.quiz_options[i]
                fresh = self._cache.get((node.name, option))
                if fresh is None:
                    fresh = text_panel(self.text(option), width_m=PANEL_WIDTH_M * 0.8, text_height_m=0.045,
                                       align="center", padding_m=0.02, background=(0.12, 0.20, 0.32, 1.0),
                                       name=node.name)  # fmt: skip
                    self._cache[(node.name, option)] = fresh
                retext(node, fresh)
                placed.append((node, _height(node), 0.01))
        placed.append((self.bar, 0.02, 0.0))
        gap = 0.02
        total = sum(h for _, h, _ in placed) + gap * (len(placed) - 1)
        y = total / 2
        for node, h, z in placed:
            node.transform[:3, 3] = (0.0, y - h / 2, z)
            y -= h + gap
        self.badge.visible = display.finished
        self.badge.transform[:3, 3] = (0.0, total / 2 + 0.1, 0.0)

    def progress(self, fraction: float) -> None:
        f = min(max(float(fraction), 0.0), 1.0)
        self.fill.transform[0, 0] = max(f * self.bar_w, 1e-4)
        self.fill.transform[:3, 3] = (-self.bar_w / 2 + f * self.bar_w / 2, 0.0, 0.001)

    def feedback(self, level: str | None) -> None:
        material = self.fog_materials.get(level) if level else None
        self.fog.visible = material is not None
        if material is not None:
            self.fog.material = material
            # In front of the eyes, wherever the panel's node is looking from (the App places "subtitle").
            self.fog.transform = self.root.transform @ _translation(0.0, 0.0, 1.5 - FOG_DISTANCE_M)


def _height(node: Node) -> float:
    lo, hi = node.mesh.bounds()
    return float(hi[1] - lo[1])


def _translation(x: float, y: float, z: float) -> np.ndarray:
    m = np.identity(4)
    m[:3, 3] = (x, y, z)
    return m
