"""The scenario file reference for authors (``docs/scenarios.md``), written out from the model's ``spec()`` metadata.

Every table row comes from a dataclass field (its type, default, range or choices, unit and ``doc``), and every
step type's description from its class docstring, so the reference cannot drift from what the loader checks.
Regenerate it after changing the model::

    python -m interactions.procedure.reference > docs/scenarios.md
"""

from __future__ import annotations

import re

from .crosschecks import RUNTIME_UI_NODES
from .loader import ROLE_KINDS, SceneRole
from .model import STEP_TYPES, ClinicalReview, QuizOption, ScenarioMeta, SceneSpec, Step
from .schema import fields_of, takes

EXAMPLE = """\
id: mri-rehearsal
title: mri.title
audience: patient
tracks: [child, adult]
languages: [ko, en]
estimated_minutes: 10
description: mri.description
clinical_review:
  status: pending
  sources: ["BC Children's VR-MRI trial NCT03931382"]
  note: thresholds from published studies; to be reviewed by the site's radiographer
scene:
  file: ../scenes/mri_room.glb
  roles:
    watch: grabbable
    phone: grabbable
    keys: grabbable
    locker_shelf: {kind: zone, accepts: [watch, phone, keys]}
    call_button: call_button
    spot_table: spot
  start: [0, 0, 1.5]
steps:
  - id: welcome
    type: information
    say: mri.welcome
  - id: metal_check
    type: grab_place
    say: mri.metal_check
    objects: [watch, phone, keys]
    zone: locker_shelf
    highlight: [locker]
    timeout_s: 45
    hints: [mri.metal_check.hint]
    on_timeout: skip
  - id: scan_t1
    type: hold_still
    say: mri.hold_still
    sound: mri_spin_echo
    duration_s: 60
    threshold_mm: 4
    per_track:
      child: {duration_s: 20}
"""
"""The example shown in the reference (the reference's test loads it, so it stays valid)."""

_RULES = (
    "Step ids are unique; `on_timeout: goto <step id>` names one of them; `hints` and an `on_timeout` other than "
    "`skip` need a `timeout_s`.",
    "`tracks` on a step, and the tracks under `per_track`, are tracks of the scenario. `per_track` may change any "
    "field of the step except `id`, `tracks` and `per_track`, with the same checks as the step itself.",
    "`hold_still`: `red_fraction` is above `yellow_fraction`. `quiz`: at least one option has `correct: true`.",
    "`grab_place`: `zone` is a zone in `scene.roles` whose `accepts` lists every one of `objects`, and the objects "
    "are `grabbable`. `move_to`: `spot` is a `spot` role. `select` targets, and the `target` of an `information` "
    "step that advances on select, are buttons (`button`, `call_button`, `resume_button`) or "
    "`continue_button`/`quiz_option_N`.",
    "`scene.file` exists, relative to the folder of the scenario file.",
    "With `python main.py validate`: every node named in `scene.roles`, `highlight`, `target`, `targets`, "
    "`objects`, `zone`, `spot`, `order` and `contaminants` exists in the scene file, or is one the application "
    f"makes at run time ({', '.join(RUNTIME_UI_NODES)}); every `sound` is one the application has.",
    "Numbers are never in quotes and text that looks like a number or a yes/no (`4`, `no`, `on`) is in quotes. "
    "Lists are written `[a, b]` or as lines starting with `- `. No tabs, anchors (`&`) or aliases (`*`).",
)


def _text(doc: str) -> str:
    """A docstring as one Markdown paragraph (``x`` becomes `x`)."""
    return re.sub(r"\s+", " ", doc.replace("``", "`")).strip()


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) + "]`"
    if isinstance(value, dict):
        return "none"
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"`{value:g}`"
    if value == "":
        return "empty"
    return f"`{value}`"


def _table(cls: type, names: list[str] | None = None) -> list[str]:
    specs = fields_of(cls)
    rows = ["| field | takes | if left out | meaning |", "| --- | --- | --- | --- |"]
    for name in names if names is not None else list(specs):
        spec = specs[name]
        default = "**required**" if spec.required else _shown(spec.default)
        rows.append(f"| `{name}` | {takes(spec)} | {default} | {_text(spec.doc)} |")
    return rows


def render_reference() -> str:
    """The whole reference as Markdown text (ends with a newline)."""
    own = set(fields_of(Step))
    out = [
        "# Scenario files",
        "",
        "<!-- Generated from interactions/procedure/model.py: do not edit by hand. After changing the model, run",
        "     python -m interactions.procedure.reference > docs/scenarios.md -->",
        "",
        "A scenario is one YAML file: who it is for, the scene it takes place in, and its steps. Texts are catalogue",
        "keys (e.g. `mri.welcome`), translated per language. Check a file with `python main.py validate FILE`: it",
        "lists every mistake as `file:line: what is wrong, and what would be right`.",
        "",
        "Units: seconds (`_s`), millimetres (`_mm`), metres (`_m`), degrees (`_deg`), minutes.",
        "",
        "## Example",
        "",
        "```yaml",
        EXAMPLE.rstrip("\n"),
        "```",
        "",
        "## Top level",
        "",
        *_table(ScenarioMeta),
        "| `scene` | a mapping (below) | **required** | the scene and its interactive nodes |",
        "| `steps` | a list of steps (below) | **required** | what the user does, in order |",
        "",
        "### clinical_review",
        "",
        _text(ClinicalReview.__doc__),
        "",
        *_table(ClinicalReview),
        "",
        "## scene",
        "",
        _text(SceneSpec.__doc__),
        "",
        *_table(SceneSpec),
        "",
        "### scene.roles",
        "",
        "Each interactive node of the scene file, by name, with its kind: "
        + ", ".join(f"`{kind}`" for kind in ROLE_KINDS)
        + ". Write the kind alone (`watch: grabbable`), or a mapping with these fields "
        "(`locker_shelf: {kind: zone, accepts: [watch, phone]}`); a zone always needs `accepts`.",
        "",
        *_table(SceneRole),
        "",
        "## Steps",
        "",
        "Each step starts `- id: ...` and has a `type`, which decides what completes it and which fields it has.",
        "Fields every step has:",
        "",
        *_table(Step),
        "",
        "`per_track` example: `per_track: {child: {duration_s: 20, threshold_mm: 5}}` makes the step shorter and",
        "more forgiving in the child track only.",
        "",
    ]
    for type_name, cls in STEP_TYPES.items():
        out += [f"### {type_name}", "", _text(cls.__doc__), ""]
        extra = [name for name in fields_of(cls) if name not in own]
        out += [*_table(cls, extra), ""] if extra else ["No fields beyond those every step has.", ""]
        if cls.__name__ == "Quiz":
            out += ["Each option:", "", *_table(QuizOption), ""]
    out += ["## Rules across fields", "", *(f"- {rule}" for rule in _RULES), ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(render_reference(), end="")
