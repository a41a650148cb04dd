"""Checks that no single field can make: between fields of a step, between steps, and between steps and the scene.

A step can be valid field by field and still never finish (a ``grab_place`` into a zone that does not accept the
objects), finish in a way nobody meant (a ``red_fraction`` below the ``yellow_fraction``), or send the user to a
step that does not exist (``on_timeout: goto``). These checks run on each step as written and on each track's
variant of it (``per_track``), and report at the line of the field that needs changing.

A step that could not be read completely (a required field missing or wrong) is still checked for everything that
does not depend on the broken fields, so one mistake does not hide another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import GrabPlace, HoldStill, Information, MoveTo, Quiz, SelectTarget, Step
from .schema import did_you_mean
from .yamlmarks import Marked

SELECTABLE_KINDS = ("button", "call_button", "resume_button")
"""Role kinds a ``select`` step (or an ``information`` step's ``target``) can be completed with."""

RUNTIME_UI_NODES = ("continue_button", "subtitle", "progress", "feedback", "badge") + tuple(
    f"quiz_option_{n}" for n in range(1, 7)
)
"""Nodes the application makes at run time (not in the scene file), which steps may name."""

NODE_FIELDS = ("highlight", "target", "targets", "objects", "zone", "spot", "order", "contaminants", "moves")
"""Step fields whose values name scene nodes."""

_BROKEN = "<reported>"
"""The kind of a role that was itself reported as wrong."""

Report = Callable[[int, str], None]
"""Where problems go: ``report(line, message)``."""


@dataclass
class ReadStep:
    """A step as read from the file: its marks, a label for messages ("step 'scan_t1' (hold_still)"), the step
    (built with placeholders for ``broken`` fields, or None if its type is unknown), and its ``per_track`` blocks."""

    marked: Marked
    label: str
    step_id: str | None = None
    step: Step | None = None
    broken: set[str] = field(default_factory=set)
    track_marks: dict[str, Marked] = field(default_factory=dict)
    track_lines: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.step is not None and not self.broken


@dataclass
class _Variant:
    """The step as one track sees it; ``changed`` is None for the step as written."""

    step: Step
    label: str
    changed: set[str] | None
    line_of: Callable[[str], int]
    broken: set[str]

    def about(self, *names: str) -> bool:
        """Whether a check on ``names`` should run here: none of them broken, and (for a track) one changed."""
        if any(name in self.broken for name in names):
            return False
        return self.changed is None or any(name in self.changed for name in names)


class ScenarioChecks:
    """The checks across fields, steps and roles of one scenario, reporting through ``report``."""

    def __init__(
        self,
        report: Report,
        tracks: tuple[str, ...] | None,
        roles: dict[str, Any],
        sound_names: Collection[str] | None = None,
        broken_roles: Collection[str] = (),
    ) -> None:
        self.report = report
        self.tracks = tracks
        self.roles = roles
        self.sound_names = tuple(sound_names) if sound_names is not None else None
        # Roles already reported as wrong: steps naming them are not blamed for it a second time.
        self.broken_roles = set(broken_roles)

    def step_ids(self, steps: Iterable[ReadStep]) -> dict[str, int]:
        """Step id → line of its first use; a second use is a problem."""
        ids: dict[str, int] = {}
        for read in steps:
            if read.step_id is None:
                continue
            line = read.marked.value["id"].line
            if read.step_id in ids:
                self.report(
                    line,
                    f"step id {read.step_id!r} is used twice (first at line {ids[read.step_id]}): give each step "
                    "its own id",
                )
            ids.setdefault(read.step_id, line)
        return ids

    def step(self, read: ReadStep, ids: dict[str, int]) -> None:
        """Everything about one step that its fields alone cannot tell."""
        step, values = read.step, read.marked.value
        if step is None:
            return
        if step.tracks and self.tracks is not None and "tracks" not in read.broken:
            for item, track in zip(values["tracks"].value, step.tracks, strict=True):
                if track not in self.tracks:
                    self.report(
                        item.line,
                        f"{read.label}: tracks lists {track!r}, which is not one of this scenario's tracks "
                        f"({', '.join(self.tracks)}){did_you_mean(track, self.tracks)}",
                    )
        for track, line in read.track_lines.items():
            if step.tracks and track not in step.tracks and "tracks" not in read.broken:
                self.report(
                    line,
                    f"{read.label}: per_track {track} changes a step that is only in {', '.join(step.tracks)}: "
                    f"remove it, or add {track} to the step's tracks",
                )
        marked = read.marked
        variants = [
            _Variant(
                step,
                read.label,
                None,
                lambda n: marked.value[n].line if n in marked.value else marked.line,
                read.broken,
            )
        ]
        for track, overrides in step.per_track.items():
            marks = read.track_marks[track]
            variants.append(
                _Variant(
                    dataclasses.replace(step, **overrides),
                    f"{read.label} for track {track}",
                    set(overrides),
                    lambda n, m=marks: m.key_line(n),
                    read.broken - set(overrides),
                )
            )
        for variant in variants:
            self._variant(variant, ids)

    def _variant(self, v: _Variant, ids: dict[str, int]) -> None:
        step, label = v.step, v.label
        if (
            isinstance(step, HoldStill)
            and v.about("red_fraction", "yellow_fraction")
            and step.red_fraction <= step.yellow_fraction
        ):
            field_name = "red_fraction" if v.changed is None or "red_fraction" in v.changed else "yellow_fraction"
            self.report(
                v.line_of(field_name),
                f"{label}: red_fraction ({step.red_fraction:g}) must be above yellow_fraction "
                f"({step.yellow_fraction:g}): the feedback turns yellow first, then red",
            )
        if isinstance(step, Quiz) and v.about("options") and not any(option.correct for option in step.options):
            self.report(
                v.line_of("options"),
                f"{label}: no answer is marked right: add 'correct: true' to at least one of the options",
            )
        if v.about("on_timeout"):
            self._on_timeout(v, ids)
        if v.about("hints", "timeout_s") and "timeout_s" not in v.broken and step.hints and step.timeout_s is None:
            self.report(
                v.line_of("hints"),
                f"{label}: hints are shown one per timeout, but the step has no timeout_s: add timeout_s "
                "(e.g. 30 seconds) or remove the hints",
            )
        unknown_sound = self.sound_names is not None and step.sound is not None and step.sound not in self.sound_names
        if unknown_sound and v.about("sound"):
            hint = did_you_mean(step.sound, self.sound_names) or "."
            self.report(
                v.line_of("sound"),
                f"{label}: there is no sound {step.sound!r}{hint} The sounds are: {', '.join(self.sound_names)}",
            )
        self._roles(v)

    def _on_timeout(self, v: _Variant, ids: dict[str, int]) -> None:
        step, label, line = v.step, v.label, v.line_of("on_timeout")
        action = step.on_timeout
        words = action.split()
        if action in ("skip", "wait"):
            pass
        elif len(words) == 2 and words[0] == "goto":
            if words[1] not in ids:
                hint = did_you_mean(words[1], ids) or "."
                self.report(
                    line,
                    f"{label}: on_timeout goes to {words[1]!r}, which is not a step of this scenario{hint} "
                    f"The steps are: {', '.join(ids)}",
                )
        else:
            example = next(iter(ids), "welcome")
            self.report(
                line,
                f"{label}: on_timeout must be 'skip', 'wait' or 'goto <step id>' (e.g. goto {example}); got "
                f"{action!r}{did_you_mean(action, ('skip', 'wait'))}",
            )
            return
        given = v.changed is None or "on_timeout" in v.changed
        if action != "skip" and given and step.timeout_s is None and "timeout_s" not in v.broken:
            self.report(
                line,
                f"{label}: on_timeout only happens after timeout_s, and the step has none: add timeout_s "
                "(e.g. 30 seconds)",
            )

    def _kind(self, name: str) -> str | None:
        """The kind of role ``name`` has: None for none, :data:`_BROKEN` for one already reported as wrong."""
        if name in self.broken_roles:
            return _BROKEN
        role = self.roles.get(name)
        if isinstance(role, dict):
            return role.get("kind")
        return role if isinstance(role, str) else None

    def _names_of(self, kinds: Iterable[str]) -> str:
        kinds = tuple(kinds)
        found = [name for name in self.roles if self._kind(name) in kinds]
        return ", ".join(found) if found else "none yet"

    def _roles(self, v: _Variant) -> None:
        """Steps that can only finish through an interactive node must name one that scene.roles offers."""
        step, label = v.step, v.label
        for name in ("target", "zone", "spot"):
            value = getattr(step, name, None)
            if isinstance(value, str) and not value.strip() and v.about(name):
                self.report(v.line_of(name), f"{label}: {name} names nothing: give the name of a scene node")
                return
        if isinstance(step, GrabPlace) and v.about("zone", "objects"):
            self._grab_place(step, v)
        if isinstance(step, MoveTo) and v.about("spot") and self._kind(step.spot) not in ("spot", _BROKEN):
            self.report(
                v.line_of("spot"),
                f"{label}: spot {step.spot!r} is not a spot in scene.roles (spots: {self._names_of(['spot'])})"
                f"{did_you_mean(step.spot, self.roles) or f': add {step.spot}: spot under scene.roles'}",
            )
        targets: tuple[str, ...] = ()
        if isinstance(step, SelectTarget) and v.about("targets"):
            targets, field_name = step.targets, "targets"
        elif isinstance(step, Information) and step.advance == "select" and v.about("target", "advance"):
            targets, field_name = (step.target,), "target"
        for target in targets:
            kind = self._kind(target)
            if target in RUNTIME_UI_NODES or kind in (*SELECTABLE_KINDS, _BROKEN):
                continue
            what = f"a {kind}, which cannot be selected" if kind else "not a button in scene.roles"
            self.report(
                v.line_of(field_name),
                f"{label}: {field_name} {target!r} is {what}, so the step could never finish: name a button "
                f"(buttons: {self._names_of(SELECTABLE_KINDS)}) or continue_button",
            )

    def _grab_place(self, step: GrabPlace, v: _Variant) -> None:
        label = v.label
        if "zone" not in v.broken and self._kind(step.zone) != _BROKEN:
            if self._kind(step.zone) != "zone":
                self.report(
                    v.line_of("zone"),
                    f"{label}: zone {step.zone!r} is not a zone in scene.roles (zones: {self._names_of(['zone'])}): "
                    f"add {step.zone}: {{kind: zone, accepts: [{', '.join(step.objects)}]}} under scene.roles",
                )
            elif "objects" not in v.broken:
                accepts = self.roles[step.zone].get("accepts", ())
                refused = [obj for obj in step.objects if obj not in accepts]
                if refused:
                    self.report(
                        v.line_of("objects"),
                        f"{label}: the zone {step.zone!r} does not accept {', '.join(refused)}, so the step could "
                        "never finish: add them to the zone's accepts",
                    )
        if "objects" not in v.broken:
            loose = [obj for obj in step.objects if self._kind(obj) not in ("grabbable", _BROKEN)]
            if loose:
                self.report(
                    v.line_of("objects"),
                    f"{label}: {', '.join(loose)} cannot be picked up: add {loose[0]}: grabbable under scene.roles",
                )

    def scene_nodes(self, node_names: Collection[str], roles: Marked | None, steps: Iterable[ReadStep]) -> None:
        """Every node named by a role or a step exists in the scene file (or is made at run time)."""
        node_names = set(node_names)
        known = sorted(node_names | set(RUNTIME_UI_NODES))
        if roles is not None and roles.is_mapping:
            for name, value in roles.value.items():
                if name not in node_names:
                    self.report(
                        roles.key_line(name),
                        f"scene: roles: there is no node {name!r} in the scene file{did_you_mean(name, node_names)}",
                    )
                accepts = value.value.get("accepts") if value.is_mapping else None
                if accepts is not None and accepts.is_sequence:
                    for item in accepts.value:
                        self._node(item, node_names, known, f"scene: roles: {name}: accepts")
        for read in steps:
            blocks = [(read.marked, read.label)]
            blocks += [(marks, f"{read.label}: per_track {track}") for track, marks in read.track_marks.items()]
            for marks, label in blocks:
                for name in NODE_FIELDS:
                    value = marks.value.get(name)
                    if value is None:
                        continue
                    for item in value.value if value.is_sequence else [value]:
                        self._node(item, node_names, known, f"{label}: {name}")

    def _node(self, item: Marked, node_names: set[str], known: list[str], where: str) -> None:
        name = item.value
        if isinstance(name, str) and name.strip() and name not in node_names and name not in RUNTIME_UI_NODES:
            self.report(item.line, f"{where}: there is no node {name!r} in the scene file{did_you_mean(name, known)}")
