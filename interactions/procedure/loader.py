"""Scenario files (YAML) read into :class:`~interactions.procedure.model.Scenario`, with every mistake reported.

A clinician writes the file; this module tells them, in one go, everything that is wrong with it, each as
``file:line: what is wrong, and what would be right``. The field-by-field checks (types, required fields, ranges,
choices, unknown keys) come from the model's dataclasses and their ``spec()`` metadata
(:mod:`interactions.procedure.schema`); this module reads the parts of a scenario (metadata, scene and its roles,
steps and their ``per_track`` overrides) and hands the whole to :mod:`interactions.procedure.crosschecks` for what
only the scenario as a whole can tell (step ids, ``goto`` targets, tracks, zones that accept their objects).

Checks that need the scene file itself or the audio module are the caller's to supply (``scene_nodes``,
``sound_names``), so this module stays pure Python with no renderer: ``python main.py validate`` passes both.
"""

from __future__ import annotations

import datetime
import os
import re
import typing
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .crosschecks import RUNTIME_UI_NODES, ReadStep, ScenarioChecks
from .model import STEP_TYPES, Scenario, ScenarioMeta, SceneSpec, Step, spec
from .schema import INVALID, FieldChecker, did_you_mean, fields_of
from .yamlmarks import Marked, read_marked

__all__ = [
    "ROLE_KINDS",
    "RUNTIME_UI_NODES",
    "Problem",
    "ScenarioError",
    "SceneNodes",
    "SceneRole",
    "load_scenario",
    "load_scenario_text",
    "schema_reference",
    "summary",
]

ROLE_KINDS = ("button", "call_button", "resume_button", "grabbable", "zone", "spot")
"""Kinds of interactive scene nodes (``scene.roles``); the same as ``xrapp.scene_interactions.KINDS``."""

_SCENARIO_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_STEP_ID = re.compile(r"[A-Za-z0-9_-]+")
_TRACK = re.compile(r"[a-z][a-z0-9_-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*")
_NOT_OVERRIDABLE = ("id", "tracks", "per_track")


@dataclass(frozen=True, kw_only=True)
class SceneRole:
    """An interactive scene node in the long form under ``scene.roles`` (``locker_shelf: {kind: zone, accepts:
    [watch]}``); the short form is the kind alone (``watch: grabbable``). Loaded roles stay plain data: the kind
    (text) or a dict of these fields. Mirrors ``xrapp.scene_interactions.Role``."""

    kind: str = spec(doc="what the node is", choices=ROLE_KINDS)
    accepts: tuple[str, ...] = spec((), doc="zone: the names of the objects it takes (at least one)")
    offset: tuple[float, float, float] = spec(
        (0.0, 0.0, 0.0),
        doc="zone: where a placed object's centre goes, from the top centre of the node (x, y, z)",
        unit="m",
    )
    radius_m: float | None = spec(
        None, doc="zone or spot: how near counts (default: from the node's size)", unit="m", min=0.01, max=10
    )
    yaw_deg: float | None = spec(
        None, doc="spot: the direction faced on arrival (default: as before)", unit="deg", min=-360, max=360
    )
    pokeable: bool = spec(True, doc="button: can also be pressed with a controller tip")
    spacing_m: float = spec(
        0.0, doc="zone: objects placed side by side this far apart along the node's x axis (0: all at one point)",
        unit="m", min=0, max=2,
    )  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One mistake in a scenario file: where (``file``, 1-based ``line``) and what to do about it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file has mistakes; ``problems`` lists every one found, in file order. ``str()`` gives one
    ``file:line: message`` per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


SceneNodes = Callable[[Path], Collection[str]]
"""Given the scene file's path, the names of its nodes; raises ValueError (its message is reported) if unreadable."""


def load_scenario(
    path: str | os.PathLike[str],
    *,
    scene_nodes: SceneNodes | None = None,
    sound_names: Collection[str] | None = None,
) -> Scenario:
    """Read and check the scenario file at ``path`` (UTF-8 YAML).

    Besides everything :func:`load_scenario_text` checks, ``scene.file`` must exist relative to the scenario's
    folder. With ``scene_nodes`` (see :data:`SceneNodes`), every node a step or role names must be in the scene
    file or be one of :data:`RUNTIME_UI_NODES`; with ``sound_names``, every step's ``sound`` must be one of them.

    Raises:
        ScenarioError: listing every problem found. ``OSError`` if the file cannot be read at all.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problem = Problem(str(path), line, "this line is not UTF-8 text: save the file with the UTF-8 encoding")
        raise ScenarioError([problem]) from None
    return load_scenario_text(text, str(path), base_dir=path.parent, scene_nodes=scene_nodes, sound_names=sound_names)


def load_scenario_text(
    text: str,
    source_name: str = "<scenario>",
    *,
    base_dir: str | os.PathLike[str] | None = None,
    scene_nodes: SceneNodes | None = None,
    sound_names: Collection[str] | None = None,
) -> Scenario:
    """Check scenario YAML ``text`` and build the :class:`Scenario` (``source`` = ``source_name``, which also
    starts every problem line). ``base_dir``: the folder ``scene.file`` is relative to; without it the scene file is
    not looked for (nor are ``scene_nodes`` asked). See :func:`load_scenario` for ``scene_nodes`` and
    ``sound_names``.

    Raises:
        ScenarioError: listing every problem found, in file order; nothing else for any text.
    """
    reading = _Reading(source_name, base_dir, scene_nodes, sound_names)
    scenario = reading.scenario(text)
    if reading.checker.problems or scenario is None:
        problems = []
        for line, message in sorted(set(reading.checker.problems), key=reading.checker.problems.index):
            problems.append(Problem(source_name, line, message))
        problems.sort(key=lambda p: p.line)
        raise ScenarioError(problems or [Problem(source_name, 1, "the scenario could not be read")])
    return scenario


def summary(scenario: Scenario) -> str:
    """ "ok (12 steps, tracks child/adult, languages ko/en)": a checked scenario in a line."""
    meta, count = scenario.meta, len(scenario.steps)
    return (
        f"ok ({count} step{'s' if count != 1 else ''}, tracks {'/'.join(meta.tracks)}, "
        f"languages {'/'.join(meta.languages)})"
    )


def schema_reference() -> str:
    """The scenario file reference for authors (Markdown), generated from the model: ``docs/scenarios.md``."""
    from .reference import render_reference

    return render_reference()


# -- reading one file --------------------------------------------------------------------------------------------


def _kind_of(value: Marked) -> str:
    return "a list" if value.is_sequence else "a mapping" if value.is_mapping else "a single value"


def _placeholder(hint: Any) -> Any:
    """A stand-in for a required field that is missing or wrong, so the rest of the step can still be checked
    (the scenario is refused anyway: the field's problem has been reported)."""
    hint = next((a for a in typing.get_args(hint) if a is not type(None)), hint)
    origin = typing.get_origin(hint) or hint
    return {str: "", float: 0.0, int: 0, bool: False, tuple: (), dict: {}}.get(origin)


class _Reading:
    """The state of checking one file: problems so far, the tracks and roles found, each step as read."""

    def __init__(self, source: str, base_dir, scene_nodes: SceneNodes | None, sound_names) -> None:
        self.source = source
        self.base_dir = Path(base_dir) if base_dir is not None else None
        self.scene_nodes = scene_nodes
        self.sound_names = sound_names
        self.checker = FieldChecker()
        self.problem = self.checker.problem
        self.tracks: tuple[str, ...] | None = None
        self.roles: dict[str, Any] = {}
        self.broken_roles: set[str] = set()
        self.node_names: set[str] | None = None

    def scenario(self, text: str) -> Scenario | None:
        root, problems = read_marked(text)
        for line, message in problems:
            self.problem(line, message)
        if root is None:
            if not problems:
                self.problem(
                    1,
                    "the file is empty: a scenario gives id, title, audience, tracks, languages, estimated_minutes, "
                    "clinical_review, scene and steps",
                )
            return None
        if not root.is_mapping:
            self.problem(
                root.line,
                "a scenario file is a set of fields written 'name: value' (id: ..., title: ..., steps: ...), not "
                f"{_kind_of(root)}",
            )
            return None
        meta = self._meta(root)
        scene = self._scene(root)
        steps = self._steps(root)
        if meta is None or scene is None or steps is None:
            return None
        return Scenario(meta=meta, scene=scene, steps=steps, source=self.source)

    # -- metadata ------------------------------------------------------------------------------------------------

    def _meta(self, root: Marked) -> ScenarioMeta | None:
        args = self.checker.arguments(ScenarioMeta, root, "", ignore=("scene", "steps"), what="the scenario")
        values = root.value
        if "id" in args and not _SCENARIO_ID.fullmatch(args["id"]):
            self.problem(
                values["id"].line,
                f"id {args['id']!r} must be lowercase letters and digits, with single '-' between words, e.g. "
                "mri-rehearsal",
            )
        for name, pattern, example in (("tracks", _TRACK, "child"), ("languages", _LANGUAGE, "ko, en or zh-Hans")):
            if name in args:
                self._names(values[name], args[name], name, pattern, example)
        self.tracks = args.get("tracks")
        if "clinical_review" in args:
            self._review(values["clinical_review"], args["clinical_review"])
        if any(f.required and name not in args for name, f in fields_of(ScenarioMeta).items()):
            return None
        return ScenarioMeta(**args)

    def _names(self, marked: Marked, names: tuple[str, ...], field: str, pattern: re.Pattern, example: str) -> None:
        first: dict[str, int] = {}
        for item, name in zip(marked.value, names, strict=True):
            if not pattern.fullmatch(name):
                self.problem(
                    item.line,
                    f"{field}: {name!r} cannot be used as a name here: use lowercase letters, digits, '-' or '_', "
                    f"e.g. {example}",
                )
            if name in first:
                self.problem(item.line, f"{field}: {name!r} is listed twice (first at line {first[name]}): keep one")
            first.setdefault(name, item.line)

    def _review(self, marked: Marked, review) -> None:
        values = marked.value
        if review.date is not None:
            try:
                valid = len(review.date) == 10 and datetime.date.fromisoformat(review.date) is not None
            except ValueError:
                valid = False
            if not valid:
                self.problem(
                    values["date"].line,
                    f"clinical_review: date {review.date!r} must be a real date written YYYY-MM-DD, e.g. 2025-03-14",
                )
        missing = [name for name in ("reviewer", "date") if getattr(review, name) is None]
        if review.status == "reviewed" and missing:
            self.problem(
                values["status"].line,
                "clinical_review: a reviewed scenario says who reviewed it and when: add "
                f"{' and '.join(missing)}, or set status: pending",
            )

    # -- scene ---------------------------------------------------------------------------------------------------

    def _scene(self, root: Marked) -> SceneSpec | None:
        marked = root.value.get("scene")
        if marked is None:
            self.problem(
                root.line,
                "the scenario needs scene: the scene file and the roles of its interactive nodes "
                "(scene: {file: ../scenes/room.glb, roles: {...}})",
            )
            return None
        args = self.checker.arguments(SceneSpec, marked, "scene", special={"roles": self._roles})
        if args is None or "file" not in args:
            return None
        self.roles = args.get("roles", {})
        if self.base_dir is not None:
            self._scene_file(self.base_dir / args["file"], args["file"], marked.value["file"].line)
        return SceneSpec(**args)

    def _scene_file(self, path: Path, written: str, line: int) -> None:
        if not path.is_file():
            self.problem(
                line,
                f"scene: file {written!r} was not found (looked for {path}): the path is relative to the folder of "
                "this scenario file",
            )
            return
        if self.scene_nodes is None:
            return
        try:
            self.node_names = set(self.scene_nodes(path))
        except ValueError as error:
            self.problem(line, f"scene: the scene file could not be read: {error}")

    def _roles(self, marked: Marked) -> Any:
        if not marked.is_mapping:
            self.problem(
                marked.line,
                f"scene: roles must be node names with their kinds, one per line (watch: grabbable), got "
                f"{_kind_of(marked)}",
            )
            return INVALID
        out: dict[str, Any] = {}
        for name, value in marked.value.items():
            where = f"scene: roles: {name}"
            self.broken_roles.add(name)  # until it is found good
            if not value.is_mapping:
                kind = self.checker.convert(fields_of(SceneRole)["kind"], value, where, label="kind")
                if kind == "zone":
                    self.problem(
                        value.line,
                        f"{where}: a zone needs accepts, the objects it takes: write {name}: {{kind: zone, accepts: "
                        "[watch, phone]}",
                    )
                elif kind is not INVALID:
                    out[name] = kind
                    self.broken_roles.discard(name)
                continue
            args = self.checker.arguments(SceneRole, value, where)
            if "kind" not in args:
                continue
            if args["kind"] == "zone" and not args.get("accepts") and "accepts" not in value.value:
                self.problem(value.line, f"{where}: a zone needs accepts: the objects it takes, e.g. [watch, phone]")
            elif args["kind"] == "zone" and not args.get("accepts", True):
                self.problem(value.key_line("accepts"), f"{where}: accepts is empty: list the objects the zone takes")
            elif args["kind"] != "zone" and "accepts" in value.value:
                self.problem(
                    value.key_line("accepts"), f"{where}: accepts is for zones only, and this is a {args['kind']}"
                )
            elif len(args) == len(value.value):
                self.broken_roles.discard(name)
            out[name] = args
        return out

    # -- steps ---------------------------------------------------------------------------------------------------

    def _steps(self, root: Marked) -> tuple[Step, ...] | None:
        marked = root.value.get("steps")
        if marked is None:
            self.problem(root.line, "the scenario needs steps: a list of steps, each starting '- id: ...'")
            return None
        if not marked.is_sequence or not marked.value:
            found = "an empty list" if marked.is_sequence else _kind_of(marked)
            self.problem(
                marked.line,
                f"steps must be a list of at least one step, each starting '- id: ...' with its type on the next "
                f"line; got {found}",
            )
            return None
        read = [self._step(item, number) for number, item in enumerate(marked.value, start=1)]
        steps = [r for r in read if r is not None]
        checks = ScenarioChecks(self.problem, self.tracks, self.roles, self.sound_names, self.broken_roles)
        ids = checks.step_ids(steps)
        for step in steps:
            checks.step(step, ids)
        if self.node_names is not None:
            checks.scene_nodes(self.node_names, root.value["scene"].value.get("roles"), steps)
        if len(steps) != len(read) or not all(r.complete for r in steps):
            return None
        return tuple(r.step for r in steps)

    def _step(self, marked: Marked, number: int) -> ReadStep | None:
        if not marked.is_mapping:
            self.problem(
                marked.line,
                f"step {number}: a step is a set of fields (id: ..., type: ..., say: ...), not {_kind_of(marked)}",
            )
            return None
        values = marked.value
        step_id = values["id"].value if "id" in values else None
        label = f"step {step_id!r}" if isinstance(step_id, str) else f"step {number}"
        cls = self._step_type(marked, label)
        read = ReadStep(marked, f"{label} ({cls.TYPE})" if cls else label)
        if cls is None:
            # Still check the fields every step has, so one mistake does not hide the others.
            args = self.checker.arguments(Step, marked, label, ignore=[k for k in values if k not in fields_of(Step)])
        else:
            per_track = {"per_track": lambda m: self._per_track(m, read, cls)}
            args = self.checker.arguments(cls, marked, read.label, ignore=("type",), special=per_track)
        if "id" in args:
            read.step_id = args["id"]
            if not _STEP_ID.fullmatch(args["id"]):
                self.problem(
                    values["id"].line,
                    f"{read.label}: the id {args['id']!r} may only use letters, digits, '_' and '-' (no spaces), "
                    "e.g. metal_check",
                )
        if cls is not None:
            specs = fields_of(cls)
            read.broken = {name for name, f in specs.items() if name not in args and (f.required or name in values)}
            fill = {name: _placeholder(specs[name].type) for name in read.broken if specs[name].required}
            read.step = cls(**args, **fill)
        return read

    def _step_type(self, marked: Marked, label: str) -> type[Step] | None:
        type_mark = marked.value.get("type")
        if type_mark is None:
            self.problem(marked.line, f"{label} needs a type: one of {', '.join(STEP_TYPES)}")
            return None
        if isinstance(type_mark.value, str) and type_mark.value in STEP_TYPES:
            return STEP_TYPES[type_mark.value]
        shown = repr(type_mark.value) if isinstance(type_mark.value, str) else type_mark.text or "nothing"
        hint = did_you_mean(str(type_mark.value), STEP_TYPES) or "."
        self.problem(type_mark.line, f"{label}: unknown step type {shown}{hint} The types are: {', '.join(STEP_TYPES)}")
        return None

    def _per_track(self, marked: Marked, read: ReadStep, cls: type[Step]) -> Any:
        where = f"{read.label}: per_track"
        if not marked.is_mapping:
            self.problem(
                marked.line,
                f"{where} must name tracks with the fields they change, e.g. per_track: {{child: {{duration_s: 20}}}}",
            )
            return INVALID
        specs = fields_of(cls)
        overridable = [name for name in specs if name not in _NOT_OVERRIDABLE]
        out: dict[str, dict[str, Any]] = {}
        for track, overrides in marked.value.items():
            line = marked.key_line(track)
            if self.tracks is not None and track not in self.tracks:
                self.problem(
                    line,
                    f"{where}: {track!r} is not one of this scenario's tracks ({', '.join(self.tracks)})"
                    f"{did_you_mean(track, self.tracks)}",
                )
                continue
            if not overrides.is_mapping:
                self.problem(
                    overrides.line,
                    f"{where}: {track} must list the fields it changes, e.g. {track}: {{duration_s: 20}}",
                )
                continue
            values: dict[str, Any] = {}
            for name, value in overrides.value.items():
                if name in _NOT_OVERRIDABLE:
                    self.problem(overrides.key_line(name), f"{where}: {track}: {name} is the same in every track")
                elif name not in specs:
                    self.checker.unknown_key(overrides.key_line(name), name, overridable, f"{where}: {track}")
                elif (converted := self.checker.convert(specs[name], value, f"{where}: {track}")) is not INVALID:
                    values[name] = converted
            out[track] = values
            read.track_lines[track] = line
            read.track_marks[track] = overrides
        return out
