"""The scenario model: what a scenario file says, as plain frozen dataclasses (no YAML, no GL, no runtime).

A scenario is metadata, a scene, and steps. Every step has an ``id``, a narration/subtitle key (``say``), what to
highlight, and a completion trigger given by its type; any step may time out into hints, then a skip or a branch.
The loader (:mod:`interactions.procedure.loader`) turns a YAML file into these classes and checks every field
against the schema they define: each field's ``metadata`` carries its documentation (``doc``), its unit, and its
allowed range (``min``, ``max``) or choices (``choices``). The engine (:mod:`interactions.procedure.engine`) runs
them. Units: seconds, millimetres for head displacement, metres for positions, degrees for angles.

Tracks (e.g. ``child``, ``adult``, ``parent``) select a variant of the scenario: a step with ``tracks`` appears only
in those; ``per_track`` overrides a step's fields for one track (e.g. shorter hold-still blocks for children).
:meth:`Scenario.steps_for` applies both.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar


def spec(default: Any = dataclasses.MISSING, *, doc: str, unit: str = "", min=None, max=None, choices=None, **kw):
    """A dataclass field with its schema: ``doc`` (one line for the reference), ``unit``, inclusive ``min``/``max``
    for numbers (or for the length of a list), ``choices`` for strings. Without ``default`` the field is required."""
    metadata = {"doc": doc, "unit": unit, "min": min, "max": max, "choices": choices}
    if default is dataclasses.MISSING and "default_factory" not in kw:
        return field(metadata=metadata, **kw)
    if isinstance(default, (list, dict, set)):
        return field(default_factory=lambda d=default: type(d)(d), metadata=metadata, **kw)
    return field(default=default, metadata=metadata, **kw)


# -- metadata ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClinicalReview:
    """Who checked the content, and whether it may be used with patients. Content built on published figures
    says ``status: pending`` until a clinician at the site has reviewed it."""

    status: str = spec(doc="pending, reviewed or not-for-patients", choices=("pending", "reviewed", "not-for-patients"))
    reviewer: str | None = spec(None, doc="name and role of the reviewing clinician")
    date: str | None = spec(None, doc="date of the review, YYYY-MM-DD")
    sources: tuple[str, ...] = spec((), doc="where the clinical facts used come from")
    note: str = spec("", doc="anything a reviewer should know")


@dataclass(frozen=True, kw_only=True)
class SceneSpec:
    """The scene: a model file (relative to the scenario file) and the roles of its interactive nodes
    (node name → ``button``, ``grabbable``, ``zone`` (with ``accepts``), ``spot``, ``call_button``)."""

    file: str = spec(doc="the scene file (.glb, .gltf, .obj), relative to the scenario file")
    roles: dict[str, Any] = spec({}, doc="node name -> role kind, or {kind: zone, accepts: [names]}")
    start: tuple[float, float, float] = spec((0.0, 0.0, 0.0), doc="where the user stands, world metres (x, y, z)")
    seated: bool = spec(False, doc="the user is seated (eye height lowered to seated_eye_height_m)")


@dataclass(frozen=True, kw_only=True)
class ScenarioMeta:
    """Who the scenario is for and how long it takes."""

    id: str = spec(doc="unique id: lowercase letters, digits and '-', e.g. mri-rehearsal")
    title: str = spec(doc="catalogue key of the title (or the title itself)")
    audience: str = spec(doc="who it is for", choices=("patient", "family", "clinician"))
    tracks: tuple[str, ...] = spec(doc="the variants it offers, e.g. [child, adult]; the first is the default", min=1)
    languages: tuple[str, ...] = spec(doc="language codes with complete catalogues, e.g. [ko, en]", min=1)
    estimated_minutes: float = spec(doc="how long a session takes", unit="min", min=0.5, max=240)
    clinical_review: ClinicalReview = spec(doc="the clinical review of the content")
    description: str = spec("", doc="catalogue key or text describing it for the person choosing")


# -- steps -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Step:
    """Fields every step has. ``type`` selects the subclass (the class attribute ``TYPE``)."""

    TYPE: ClassVar[str] = ""

    id: str = spec(doc="unique within the scenario: letters, digits, '_' and '-'")
    say: str | None = spec(None, doc="catalogue key of the narration, also shown as the subtitle")
    highlight: tuple[str, ...] = spec((), doc="scene nodes to highlight while the step runs")
    sound: str | None = spec(None, doc="a sound played while the step runs (see the audio module's sound names)")
    timeout_s: float | None = spec(None, doc="after this long without completing, show the next hint", unit="s", min=1)
    hints: tuple[str, ...] = spec((), doc="catalogue keys of hints, shown one per timeout")
    on_timeout: str = spec(
        "skip",
        doc="when the hints are used up and it times out again: 'skip' (gently move on), 'goto <step id>', or "
        "'wait' (keep waiting)",
    )
    tracks: tuple[str, ...] = spec((), doc="only in these tracks (empty: in all)")
    per_track: dict[str, dict[str, Any]] = spec({}, doc="track -> {field: value} overriding this step's fields")


@dataclass(frozen=True, kw_only=True)
class Information(Step):
    """Narration and subtitle; continues when the user selects ``target`` or, with ``advance: auto``, after
    ``duration_s``."""

    TYPE: ClassVar[str] = "information"
    advance: str = spec(
        "select", doc="'select' (the user selects target) or 'auto' (after duration_s)", choices=("select", "auto")
    )
    target: str = spec("continue_button", doc="what to select to continue")
    duration_s: float = spec(5.0, doc="how long the narration lasts", unit="s", min=0.5, max=600)


@dataclass(frozen=True, kw_only=True)
class LookAt(Step):
    """Completes when the head looks within ``cone_deg`` of ``target`` for ``dwell_s``."""

    TYPE: ClassVar[str] = "look_at"
    target: str = spec(doc="the scene node to look at")
    cone_deg: float = spec(12.0, doc="half angle of the cone around the gaze", unit="deg", min=1, max=60)
    dwell_s: float = spec(1.0, doc="how long to keep looking", unit="s", min=0, max=30)


@dataclass(frozen=True, kw_only=True)
class SelectTarget(Step):
    """Completes when the user selects one of ``targets``; selecting another interactable counts an error."""

    TYPE: ClassVar[str] = "select"
    targets: tuple[str, ...] = spec(doc="any of these completes the step", min=1)


@dataclass(frozen=True, kw_only=True)
class GrabPlace(Step):
    """Completes when every one of ``objects`` has been placed in ``zone``. A drop elsewhere counts an error."""

    TYPE: ClassVar[str] = "grab_place"
    objects: tuple[str, ...] = spec(doc="what to put away", min=1)
    zone: str = spec(doc="the snap zone they go into")


@dataclass(frozen=True, kw_only=True)
class Sequence(Step):
    """Select (or place) ``order`` in that order, e.g. PPE donning. Each out-of-order selection counts an order
    error; selecting one of ``contaminants`` (or a contamination event reported to the engine) counts a
    contamination. ``on_error: continue`` accepts the wrong item and carries on from it; ``retry`` waits for the
    right one."""

    TYPE: ClassVar[str] = "sequence"
    order: tuple[str, ...] = spec(doc="the items in the order required (a site may use its own)", min=1)
    contaminants: tuple[str, ...] = spec((), doc="touching these counts a contamination (e.g. gown_front)")
    on_error: str = spec("retry", doc="'retry' (wait for the right item) or 'continue'", choices=("retry", "continue"))


@dataclass(frozen=True, kw_only=True)
class HoldStill(Step):
    """Keep the head within ``threshold_mm`` of where it was when the block began, for ``duration_s``. The block
    fails as soon as the displacement exceeds the threshold at any sample; feedback turns yellow at
    ``yellow_fraction`` and red at ``red_fraction`` of the threshold. A failed block is tried again while
    attempts remain (``max_attempts``)."""

    TYPE: ClassVar[str] = "hold_still"
    threshold_mm: float = spec(
        4.0, doc="allowed head displacement from the start of the block", unit="mm", min=0.1, max=100
    )
    duration_s: float = spec(doc="how long to hold still", unit="s", min=1, max=3600)
    yellow_fraction: float = spec(0.5, doc="feedback turns yellow at this fraction of the threshold", min=0, max=1)
    red_fraction: float = spec(1.0, doc="feedback turns red at this fraction of the threshold", min=0, max=2)
    max_attempts: int = spec(1, doc="tries before moving on", min=1, max=10)


@dataclass(frozen=True, kw_only=True)
class BreathHold(Step):
    """A guided breath-hold: ``prepare_s`` of 'breathe in', then a countdown of ``duration_s``."""

    TYPE: ClassVar[str] = "breath_hold"
    duration_s: float = spec(doc="how long to hold the breath", unit="s", min=1, max=60)
    prepare_s: float = spec(3.0, doc="time to breathe in before the hold", unit="s", min=0, max=30)


@dataclass(frozen=True, kw_only=True)
class PacedBreathing(Step):
    """A breathing exercise: ``cycles`` of inhale (``inhale_s``), optional hold (``hold_s``), exhale
    (``exhale_s``)."""

    TYPE: ClassVar[str] = "paced_breathing"
    inhale_s: float = spec(4.0, doc="breathing in", unit="s", min=0.5, max=30)
    exhale_s: float = spec(6.0, doc="breathing out", unit="s", min=0.5, max=30)
    hold_s: float = spec(0.0, doc="holding after breathing in", unit="s", min=0, max=30)
    cycles: int = spec(3, doc="how many breaths", min=1, max=100)


@dataclass(frozen=True, kw_only=True)
class TimedWait(Step):
    """Nothing to do but wait (the table moving, a sequence's sound): completes after ``duration_s``. The nodes in
    ``moves`` slide by ``move_by`` over the wait, and stay there."""

    TYPE: ClassVar[str] = "timed_wait"
    duration_s: float = spec(doc="how long", unit="s", min=0, max=3600)
    moves: tuple[str, ...] = spec((), doc="scene nodes that move steadily during the wait (the table into the bore)")
    move_by: tuple[float, float, float] = spec(
        (0.0, 0.0, 0.0), doc="how far they move over the whole wait, world metres (x, y, z)", unit="m"
    )


@dataclass(frozen=True, kw_only=True)
class QuizOption:
    """One answer of a quiz: its catalogue key, and whether it is right."""

    text: str = spec(doc="catalogue key of the answer")
    correct: bool = spec(False, doc="this answer is right")


@dataclass(frozen=True, kw_only=True)
class Quiz(Step):
    """A question (``say``) with answers; the user selects one (the scene shows them as buttons named
    ``quiz_option_1``, ``quiz_option_2``, ...). A wrong answer counts an error; the step completes on a right one
    or after ``max_attempts`` answers."""

    TYPE: ClassVar[str] = "quiz"
    options: tuple[QuizOption, ...] = spec(doc="the answers, at least two, at least one right", min=2, max=6)
    max_attempts: int = spec(2, doc="answers allowed before moving on", min=1, max=10)


@dataclass(frozen=True, kw_only=True)
class MoveTo(Step):
    """Completes when the user teleports to ``spot`` or walks within ``radius_m`` of it."""

    TYPE: ClassVar[str] = "move_to"
    spot: str = spec(doc="a teleport spot in the scene")
    radius_m: float = spec(0.4, doc="how close counts as there (horizontal)", unit="m", min=0.05, max=5)


STEP_TYPES: dict[str, type[Step]] = {
    cls.TYPE: cls
    for cls in (
        Information,
        LookAt,
        SelectTarget,
        GrabPlace,
        Sequence,
        HoldStill,
        BreathHold,
        PacedBreathing,
        TimedWait,
        Quiz,
        MoveTo,
    )
}
"""Step type name (the ``type:`` of a step in the file) → its class."""


# -- the scenario ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A loaded, checked scenario. ``source`` is the file it came from (for messages and relative paths)."""

    meta: ScenarioMeta
    scene: SceneSpec
    steps: tuple[Step, ...]
    source: str = "<scenario>"

    def steps_for(self, track: str | None = None) -> tuple[Step, ...]:
        """The steps of ``track`` (default: the first track), with its ``per_track`` overrides applied."""
        track = track or self.meta.tracks[0]
        if track not in self.meta.tracks:
            raise ValueError(f"unknown track {track!r}: this scenario offers {', '.join(self.meta.tracks)}")
        chosen = []
        for step in self.steps:
            if step.tracks and track not in step.tracks:
                continue
            overrides = step.per_track.get(track)
            chosen.append(dataclasses.replace(step, **overrides) if overrides else step)
        return tuple(chosen)

    def step(self, step_id: str) -> Step:
        """The step called ``step_id`` (KeyError naming the ids there are, if none)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"no step {step_id!r}; the steps are: {', '.join(s.id for s in self.steps)}")
