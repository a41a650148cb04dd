"""Scenario files: a valid one loads into the model's classes; every kind of mistake is reported at its line with
what would be right; all mistakes in a file are reported at once; ``python main.py validate`` checks files."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from interactions.procedure.loader import (
    ROLE_KINDS,
    Problem,
    ScenarioError,
    SceneRole,
    load_scenario,
    load_scenario_text,
    schema_reference,
    summary,
)
from interactions.procedure.model import (
    BreathHold,
    GrabPlace,
    HoldStill,
    Information,
    LookAt,
    MoveTo,
    PacedBreathing,
    Quiz,
    QuizOption,
    SelectTarget,
    Sequence,
    TimedWait,
)
from interactions.procedure.reference import EXAMPLE

HERE = Path(__file__).parent
BROKEN = HERE / "broken"
ROOT = HERE.parents[1]

VALID = """\
id: mri-rehearsal
title: mri.title
audience: patient
tracks: [child, adult]
languages: [ko, en]
estimated_minutes: 10
description: mri.description
clinical_review:
  status: reviewed
  reviewer: Dr Kim, radiologist
  date: 2025-03-14
  sources: ["BC Children's VR-MRI trial NCT03931382"]
scene:
  file: room.glb
  roles:
    watch: grabbable
    phone: grabbable
    locker_shelf: {kind: zone, accepts: [watch, phone]}
    call_button: call_button
    ready_button: button
    spot_table: {kind: spot, yaw_deg: 180}
  start: [0, 0, 1.5]
steps:
  - id: welcome
    type: information
    say: mri.welcome
  - id: look_scanner
    type: look_at
    target: scanner
    cone_deg: 15
  - id: press_call
    type: select
    say: mri.call_button
    targets: [call_button]
  - id: metal_check
    type: grab_place
    objects: [watch, phone]
    zone: locker_shelf
    highlight: [locker]
    timeout_s: 45
    hints: [mri.metal_check.hint]
    on_timeout: goto welcome
  - id: ppe
    type: sequence
    order: [ready_button, call_button]
    tracks: [adult]
  - id: scan_t1
    type: hold_still
    sound: mri_spin_echo
    duration_s: 60
    threshold_mm: 4
    per_track:
      child: {duration_s: 20, threshold_mm: 5}
  - id: breath
    type: breath_hold
    duration_s: 15
  - id: calm
    type: paced_breathing
    cycles: 2
  - id: table_moves
    type: timed_wait
    sound: mri_table
    duration_s: 5
  - id: quiz_still
    type: quiz
    say: mri.quiz
    options:
      - {text: mri.quiz.still, correct: true}
      - text: mri.quiz.talk
  - id: to_table
    type: move_to
    spot: spot_table
"""
"""A valid scenario with every step type (its scene file is made by the ``scenario_dir`` fixture)."""


def problems_of(text: str, **kw) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "s.yaml", **kw)
    return caught.value.problems


def write_scene(path: Path, names) -> Path:
    """A small glTF scene with one box node per name."""
    import trimesh

    scene = trimesh.Scene()
    for name in names:
        scene.add_geometry(trimesh.creation.box(extents=(0.2, 0.2, 0.2)), node_name=name, geom_name=name)
    scene.export(path)
    return path


ROOM_NODES = ("scanner", "locker", "locker_shelf", "watch", "phone", "call_button", "ready_button", "spot_table")


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    write_scene(tmp_path / "room.glb", ROOM_NODES)
    (tmp_path / "mri.yaml").write_text(VALID)
    return tmp_path


# -- a valid scenario ----------------------------------------------------------------------------------------------


def test_valid_scenario_loads_each_step_into_the_class_of_its_type(scenario_dir):
    scenario = load_scenario(scenario_dir / "mri.yaml")
    assert [type(step) for step in scenario.steps] == [
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
    ]
    assert scenario.source == str(scenario_dir / "mri.yaml")
    assert scenario.meta.clinical_review.date == "2025-03-14"  # a YAML date stays the text written
    assert scenario.step("look_scanner").cone_deg == 15.0
    assert scenario.step("quiz_still").options == (
        QuizOption(text="mri.quiz.still", correct=True),
        QuizOption(text="mri.quiz.talk", correct=False),
    )


def test_lists_become_tuples_and_whole_numbers_become_floats_where_floats_are_typed(scenario_dir):
    scenario = load_scenario(scenario_dir / "mri.yaml")
    assert scenario.meta.tracks == ("child", "adult")
    assert scenario.meta.estimated_minutes == 10.0 and isinstance(scenario.meta.estimated_minutes, float)
    assert scenario.scene.start == (0.0, 0.0, 1.5)
    assert scenario.scene.roles["locker_shelf"] == {"kind": "zone", "accepts": ("watch", "phone")}
    assert scenario.scene.roles["watch"] == "grabbable"
    grab = scenario.step("metal_check")
    assert grab.objects == ("watch", "phone") and grab.highlight == ("locker",)
    assert isinstance(scenario.step("calm").cycles, int)


def test_per_track_overrides_and_step_tracks_are_applied_by_steps_for(scenario_dir):
    scenario = load_scenario(scenario_dir / "mri.yaml")
    child = {step.id: step for step in scenario.steps_for("child")}
    adult = {step.id: step for step in scenario.steps_for("adult")}
    assert (child["scan_t1"].duration_s, child["scan_t1"].threshold_mm) == (20.0, 5.0)
    assert (adult["scan_t1"].duration_s, adult["scan_t1"].threshold_mm) == (60.0, 4.0)
    assert "ppe" in adult and "ppe" not in child


def test_summary_counts_steps_and_lists_tracks_and_languages(scenario_dir):
    assert summary(load_scenario(scenario_dir / "mri.yaml")) == "ok (11 steps, tracks child/adult, languages ko/en)"


def test_text_without_a_folder_does_not_look_for_the_scene_file():
    assert load_scenario_text(VALID, "mri.yaml").scene.file == "room.glb"


# -- broken files: one mistake each --------------------------------------------------------------------------------

CASES = [
    ("syntax_tab", 12, "a tab is used for indentation"),
    ("syntax_colon", 22, "put text containing ': ' in quotes"),
    ("unknown_field", 35, "unknown field 'treshold_mm'; did you mean 'threshold_mm'?"),
    ("missing_required", 31, "needs duration_s: how long to hold still (a number of seconds, between 1 and 3600"),
    ("wrong_type", 35, "threshold_mm must be a number of millimetres, got 'four'"),
    ("out_of_range", 35, "threshold_mm must be between 0.1 and 100 millimetres, got 500"),
    ("bad_choice", 4, "audience must be one of patient, family, clinician; got 'patients'; did you mean 'patient'?"),
    ("unknown_step_type", 32, "unknown step type 'hold_stil'; did you mean 'hold_still'? The types are: information"),
    ("duplicate_step_id", 38, "step id 'welcome' is used twice (first at line 20)"),
    ("goto_unknown_step", 30, "on_timeout goes to 'scan_t2', which is not a step of this scenario; did you mean"),
    ("bad_on_timeout", 30, "on_timeout must be 'skip', 'wait' or 'goto <step id>'"),
    ("per_track_unknown_track", 37, "per_track: 'teen' is not one of this scenario's tracks (child, adult)"),
    ("per_track_unknown_field", 37, "per_track: child: unknown field 'duration'; did you mean 'duration_s'?"),
    ("per_track_bad_value", 37, "per_track: child: duration_s must be between 1 and 3600 seconds, got 0"),
    ("step_tracks_unknown", 22, "tracks lists 'teen', which is not one of this scenario's tracks (child, adult)"),
    ("red_below_yellow", 37, "red_fraction (0.6) must be above yellow_fraction (0.8)"),
    ("quiz_without_right_answer", 42, "no answer is marked right: add 'correct: true'"),
    ("bad_scenario_id", 2, "id 'MRI rehearsal' must be lowercase letters and digits"),
    ("bad_step_id", 23, "the id 'metal check' may only use letters, digits, '_' and '-'"),
    ("role_unknown_kind", 14, "got 'grabable'; did you mean 'grabbable'?"),
    ("zone_without_accepts", 16, "locker_shelf: a zone needs accepts"),
    ("zone_refuses_object", 26, "the zone 'locker_shelf' does not accept phone, so the step could never finish"),
    ("target_names_nothing", 40, "step 'look' (look_at): target names nothing"),
    ("select_target_not_button", 40, "targets 'watch' is a grabbable, which cannot be selected"),
    ("yes_as_number", 34, "duration_s must be a number of seconds, got yes (a yes/no value)"),
    ("number_as_text", 22, "say must be text, got 4: if the text '4' is meant, put it in quotes"),
    ("text_instead_of_list", 26, "objects must be a list, e.g. [watch], got 'watch'"),
    ("scene_file_missing", 12, "scene: file '../scenes/mri_room.glb' was not found"),
    ("duplicate_key", 36, "'threshold_mm' is given twice in the same place (first at line 35)"),
    ("hints_without_timeout", 28, "hints are shown one per timeout, but the step has no timeout_s"),
    ("bad_review_date", 11, "date '2025-02-30' must be a real date written YYYY-MM-DD"),
    ("alias", 27, "an alias ('*name') is not allowed"),
    ("not_a_mapping", 2, "a scenario file is a set of fields written 'name: value'"),
    ("empty", 1, "the file is empty"),
    ("missing_steps", 2, "the scenario needs steps"),
]


@pytest.mark.parametrize(("name", "line", "phrase"), CASES, ids=[case[0] for case in CASES])
def test_broken_file_reports_its_one_mistake_at_its_line(name, line, phrase):
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problems = caught.value.problems
    assert [(p.line, phrase in p.message) for p in problems] == [(line, True)], str(caught.value)
    assert str(caught.value) == f"{path}:{line}: {problems[0].message}"


def test_every_broken_file_is_in_the_table():
    assert sorted(path.stem for path in BROKEN.glob("*.yaml")) == sorted(case[0] for case in CASES)


# -- several mistakes ----------------------------------------------------------------------------------------------


def test_all_mistakes_of_a_file_are_reported_in_file_order():
    text = (
        VALID.replace("audience: patient", "audience: patients")  # 3
        .replace("  start: [0, 0, 1.5]", "  start: [0, 0]")  # 22
        .replace("    cone_deg: 15", "    cone_deg: 90")  # 30
        .replace("    targets: [call_button]", "    targest: [call_button]")  # 34, in the step from 31
        .replace("    on_timeout: goto welcome", "    on_timeout: goto welcom")  # 42
        .replace("    type: breath_hold", "    type: breath_holt")  # 55
        .replace("    cycles: 2", "    cycles: 2.5")  # 59
        .replace("  - id: to_table", "  - id: welcome")  # 70
    )
    problems = problems_of(text)
    found = [(p.line, p.message) for p in problems]
    expected = [
        (3, "audience must be one of"),
        (22, "scene: start must be 3 numbers"),
        (30, "cone_deg must be between 1 and 60 degrees, got 90"),
        (31, "step 'press_call' (select) needs targets"),
        (34, "unknown field 'targest'; did you mean 'targets'?"),
        (42, "on_timeout goes to 'welcom'"),
        (55, "unknown step type 'breath_holt'; did you mean 'breath_hold'?"),
        (59, "cycles must be a whole number, got 2.5"),
        (70, "step id 'welcome' is used twice (first at line 24)"),
    ]
    assert len(found) == len(expected), "\n".join(map(str, problems))
    for (line, message), (want_line, phrase) in zip(found, expected, strict=True):
        assert line == want_line and phrase in message, (line, message)


def test_mistakes_in_later_steps_are_found_after_a_step_that_could_not_be_read():
    text = VALID.replace("    type: look_at", "    type: 7").replace("    cycles: 2", "    cycles: many")
    lines = [p.line for p in problems_of(text)]
    assert lines == [28, 59]


# -- single rules, beyond the broken files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "phrase"),
    [
        ("    cycles: 2", "    cycles: true", "cycles must be a whole number, got true (a yes/no value)"),
        ("    cone_deg: 15", "    cone_deg: .nan", "cone_deg must be a finite number"),
        ("languages: [ko, en]", "languages: [ko, no]", "if the text 'no' is meant, put it in quotes"),
        ("  start: [0, 0, 1.5]", "  start: [0, zero, 1.5]", "start (value 2) must be a number, got 'zero'"),
        ("      - text: mri.quiz.talk", "      - txt: mri.quiz.talk", "options, entry 2: unknown field 'txt'"),
        (
            "    duration_s: 15",
            "    duration_s: 15\n    colour: red",
            "unknown field 'colour'; the fields here are: id,",
        ),
        ("  status: reviewed", "  status: pending\n  reviewed_by: me", "did you mean 'reviewer'?"),
        ("    spot: spot_table", "    spot: spot_tabel", "spot 'spot_tabel' is not a spot in scene.roles"),
        ("    per_track:\n", "    per_track:\n      adult: {id: scan}\n", "per_track: adult: id is the same in every"),
        ("      child: {duration_s: 20, threshold_mm: 5}", "      child: {threshold_mm: five}", "must be a number"),
        ("  reviewer: Dr Kim, radiologist\n", "", "a reviewed scenario says who reviewed it and when: add reviewer"),
        ("    ready_button: button", "    ready_button: {kind: button, accepts: [x]}", "accepts is for zones only"),
        ("tracks: [child, adult]", "tracks: [child, Adult]", "'Adult' cannot be used as a name here"),
    ],
)
def test_rule_is_reported_with_what_would_be_right(old, new, phrase):
    assert VALID.count(old) == 1
    messages = [p.message for p in problems_of(VALID.replace(old, new))]
    assert any(phrase in message for message in messages), messages


def test_per_track_values_are_checked_as_the_track_sees_the_step():
    text = VALID.replace("      child: {duration_s: 20, threshold_mm: 5}", "      child: {yellow_fraction: 1.0}")
    (problem,) = problems_of(text)
    assert problem.line == 53
    assert "for track child: red_fraction (1) must be above yellow_fraction (1)" in problem.message


def test_a_quoted_no_is_a_language_code():
    text = VALID.replace("languages: [ko, en]", "languages: [ko, 'no']")
    assert load_scenario_text(text, "s.yaml").meta.languages == ("ko", "no")


def test_unclosed_bracket_is_reported_where_it_was_opened():
    text = VALID.replace("    objects: [watch, phone]", "    objects: [watch, phone")
    (problem,) = problems_of(text)
    assert problem.line == 37, problem
    assert "the list started here with '[' is not closed: end it with ']'" in problem.message


def test_non_utf8_file_is_reported_at_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.replace("mri.welcome", "bienvenue à l'IRM").encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert problem.line == 26 and "UTF-8" in problem.message


def test_sound_names_are_checked_only_when_given():
    text = VALID.replace("sound: mri_spin_echo", "sound: mri_spin_ecko")
    assert load_scenario_text(text, "s.yaml").step("scan_t1").sound == "mri_spin_ecko"
    (problem,) = problems_of(text, sound_names=("mri_spin_echo", "mri_table"))
    assert problem.line == 49 and "there is no sound 'mri_spin_ecko'; did you mean 'mri_spin_echo'?" in problem.message


def test_node_names_are_checked_against_the_scene_and_the_run_time_ui(tmp_path):
    (tmp_path / "room.glb").write_bytes(b"")  # the loader asks scene_nodes, not the file itself
    nodes = [n for n in ROOM_NODES if n != "locker"] + ["lockers"]
    text = VALID.replace("    highlight: [locker]", "    highlight: [locker, subtitle, quiz_option_2]")
    problems = problems_of(text, base_dir=tmp_path, scene_nodes=lambda path: nodes)
    assert [(p.line, p.message) for p in problems] == [
        (39, "step 'metal_check' (grab_place): highlight: there is no node 'locker' in the scene file; did you mean "
         "'lockers'?")
    ]  # fmt: skip


def test_an_unreadable_scene_file_is_reported_at_the_scene_file_line(tmp_path):
    (tmp_path / "room.glb").write_bytes(b"")

    def refuse(path):
        raise ValueError(f"{path.name}: the file is empty")

    (problem,) = problems_of(VALID, base_dir=tmp_path, scene_nodes=refuse)
    assert problem.line == 14 and "the scene file could not be read: room.glb: the file is empty" in problem.message


# -- the reference and the other half of the contract --------------------------------------------------------------


def test_docs_scenarios_md_is_the_generated_reference():
    committed = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert committed == schema_reference(), (
        "docs/scenarios.md is out of date: python -m interactions.procedure.reference > docs/scenarios.md"
    )


def test_reference_lists_every_step_type_and_field():
    text = schema_reference()
    for heading in ("### hold_still", "### grab_place", "### quiz", "### move_to"):
        assert heading in text
    assert "| `threshold_mm` | a number of millimetres, between 0.1 and 100 millimetres | `4` |" in text


def test_reference_example_is_a_valid_scenario():
    assert load_scenario_text(EXAMPLE, "example.yaml").meta.id == "mri-rehearsal"


def test_role_schema_matches_the_roles_the_application_builds():
    from xrapp.scene_interactions import KINDS, Role

    assert ROLE_KINDS == KINDS
    assert [f.name for f in dataclasses.fields(SceneRole)] == [f.name for f in dataclasses.fields(Role)]


# -- python main.py validate ---------------------------------------------------------------------------------------


def validate(capsys, *paths) -> tuple[int, str, str]:
    import main

    status = main.main(["validate", *map(str, paths)])
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_prints_ok_with_steps_tracks_and_languages(scenario_dir, capsys):
    path = scenario_dir / "mri.yaml"
    assert validate(capsys, path) == (0, f"{path}: ok (11 steps, tracks child/adult, languages ko/en)\n", "")


def test_validate_prints_every_problem_and_exits_1(scenario_dir, capsys):
    good = scenario_dir / "mri.yaml"
    bad = scenario_dir / "bad.yaml"
    bad.write_text(VALID.replace("    threshold_mm: 4", "    threshold_mm: four").replace("cycles: 2", "cycles: 0"))
    status, out, _ = validate(capsys, bad, good)
    assert status == 1
    assert out.splitlines() == [
        f"{bad}:51: step 'scan_t1' (hold_still): threshold_mm must be a number of millimetres, got 'four'",
        f"{bad}:59: step 'calm' (paced_breathing): cycles must be between 1 and 100, got 0",
        f"{good}: ok (11 steps, tracks child/adult, languages ko/en)",
    ]


def test_validate_checks_node_names_in_the_scene_file_and_sound_names(scenario_dir, capsys):
    path = scenario_dir / "mri.yaml"
    path.write_text(VALID.replace("target: scanner", "target: scaner").replace("sound: mri_table", "sound: table"))
    status, out, _ = validate(capsys, path)
    assert status == 1
    assert out.splitlines() == [
        f"{path}:29: step 'look_scanner' (look_at): target: there is no node 'scaner' in the scene file; did you "
        "mean 'scanner'?",
        f"{path}:62: step 'table_moves' (timed_wait): there is no sound 'table'; did you mean 'ct_table'? The sounds "
        "are: mri_spin_echo, mri_turbo_spin_echo, mri_epi, mri_gradient_echo, mri_table, ct_table, ct_gantry, "
        "ui_select, ui_success, ui_hint, ui_badge",
    ]


def test_validate_reports_a_scene_file_the_renderer_cannot_read(scenario_dir, capsys):
    (scenario_dir / "room.glb").write_bytes(b"glTF not really")
    status, out, _ = validate(capsys, scenario_dir / "mri.yaml")
    assert status == 1
    assert out.startswith(f"{scenario_dir / 'mri.yaml'}:14: scene: the scene file could not be read: ")


def test_validate_exits_2_for_a_missing_file(scenario_dir, capsys):
    status, out, err = validate(capsys, scenario_dir / "mri.yaml", scenario_dir / "nowhere.yaml")
    assert status == 2
    assert "ok (11 steps" in out and f"{scenario_dir / 'nowhere.yaml'}: no such file" in err


def test_python_main_py_validate_runs_as_a_command(scenario_dir):
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "validate", str(scenario_dir / "mri.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )
    assert (result.returncode, result.stdout.strip()) == (
        0,
        f"{scenario_dir / 'mri.yaml'}: ok (11 steps, tracks child/adult, languages ko/en)",
    ), result.stderr
