"""The scripted timeline pose source: parsing, interpolation, faults and the error messages a script author sees."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest
import xr

from xrapp.mockrt.poses import Pose, default_hands
from xrapp.mockrt.timeline import ScriptedTimeline, TimelineError, quat_from_euler, slerp

EXAMPLE = """\
# All poses in STAGE space: metres, +Y up, -Z forward. Times in seconds from the start of the run.
keyframes:
  - t: 0.0
    head: {position: [0, 1.6, 0], yaw: 0, pitch: 0, roll: 0}      # angles in degrees; or orientation: [x, y, z, w]
    right: {position: [0.2, 1.1, -0.3], yaw: 0, pitch: -20, select: false, trigger: 0.0}
  - t: 2.0
    head: {position: [0.004, 1.6, 0]}
    right: {select: true}
faults:                      # optional, for the mock runtime's fault injection at given times
  - {t: 1.5, fault: lose_focus}
  - {t: 2.0, fault: restore_focus}
"""


def timeline(*keyframes: dict, faults: list | None = None) -> ScriptedTimeline:
    data: dict = {"keyframes": list(keyframes)}
    if faults is not None:
        data["faults"] = faults
    return ScriptedTimeline.from_dict(data, "test.yaml")


def errors_of(data: dict) -> list[str]:
    with pytest.raises(TimelineError) as caught:
        ScriptedTimeline.from_dict(data, "scene.yaml")
    assert str(caught.value) == "\n".join(caught.value.errors)
    assert isinstance(caught.value, ValueError)
    return caught.value.errors


def rotate(q, v) -> np.ndarray:
    return Pose((0, 0, 0), q).matrix()[:3, :3] @ np.asarray(v, dtype=float)


# -- the documented example ------------------------------------------------------------------------------------------


def test_the_documented_example_loads_from_a_file(tmp_path):
    path = tmp_path / "rehearsal.yaml"
    path.write_text(EXAMPLE)
    tl = ScriptedTimeline.load(path)
    assert tl.duration == 2.0
    mid = tl.sample(1.0)
    assert mid.head.position == pytest.approx((0.002, 1.6, 0.0))
    assert not mid.right.select  # buttons step: still released half-way
    assert tl.sample(2.0).right.select
    assert tl.sample(5.0).right.select  # the last value holds
    assert mid.right.aim.position == pytest.approx((0.2, 1.1, -0.3))  # given once: holds
    assert mid.right.grip == mid.right.aim
    assert [(f.t, f.name, f.kwargs) for f in tl.faults] == [(1.5, "lose_focus", {}), (2.0, "restore_focus", {})]


def test_the_module_docstring_documents_the_example():
    from xrapp.mockrt import timeline as module

    for line in EXAMPLE.splitlines():
        assert line.strip() in module.__doc__


# -- interpolation ---------------------------------------------------------------------------------------------------


def test_fields_are_interpolated_independently():
    tl = timeline(
        {"t": 0.0, "right": {"position": [0, 1, 0], "trigger": 0.0}},
        {"t": 1.0, "right": {"trigger": 1.0}},
        {"t": 4.0, "right": {"position": [0.4, 1, 0]}},
    )
    # position is keyed at 0 and 4: at 2 it is half-way, although keyframe 2 says nothing about it
    assert tl.sample(2.0).right.aim.position == pytest.approx((0.2, 1.0, 0.0))
    assert tl.sample(0.5).right.trigger == pytest.approx(0.5)
    assert tl.sample(3.0).right.trigger == 1.0  # after its last key the trigger holds


def test_before_the_first_keyframe_the_first_value_holds():
    tl = timeline({"t": 1.0, "head": {"position": [1, 1.7, 0]}}, {"t": 2.0, "head": {"position": [2, 1.7, 0]}})
    assert tl.sample(0.0).head.position == (1.0, 1.7, 0.0)
    assert tl.sample(1.5).head.position == pytest.approx((1.5, 1.7, 0.0))


def test_buttons_and_connected_step():
    tl = timeline(
        {"t": 0.0, "left": {"menu": False, "connected": True}},
        {"t": 1.0, "left": {"menu": True, "connected": False}},
    )
    assert not tl.sample(0.99).left.menu and tl.sample(0.99).left.connected
    assert tl.sample(1.0).left.menu and not tl.sample(1.0).left.connected


def test_thumbstick_interpolates_linearly():
    tl = timeline({"t": 0.0, "right": {"thumbstick": [0, 0]}}, {"t": 2.0, "right": {"thumbstick": [1, -0.5]}})
    assert tl.sample(1.0).right.thumbstick == pytest.approx((0.5, -0.25))


def test_orientations_slerp():
    tl = timeline({"t": 0.0, "head": {"yaw": 0}}, {"t": 1.0, "head": {"yaw": 90}})
    assert tl.sample(0.5).head.orientation == pytest.approx(quat_from_euler(45, 0, 0))
    # the short way round: q and -q are the same rotation
    a, b = quat_from_euler(10), tuple(-v for v in quat_from_euler(30))
    assert rotate(slerp(a, b, 0.5), (0, 0, -1)) == pytest.approx(rotate(quat_from_euler(20), (0, 0, -1)))


def test_angles_are_yaw_about_y_pitch_about_x_roll_about_z_applied_as_yaw_pitch_roll():
    forward = (0, 0, -1)
    assert rotate(quat_from_euler(90, 0, 0), forward) == pytest.approx((-1, 0, 0), abs=1e-12)  # yaw + turns left
    assert rotate(quat_from_euler(0, 90, 0), forward) == pytest.approx((0, 1, 0), abs=1e-12)  # pitch + looks up
    assert rotate(quat_from_euler(0, 0, 90), (1, 0, 0)) == pytest.approx((0, 1, 0), abs=1e-12)  # roll about +Z
    # yaw * pitch * roll: pitching up then turning left looks up and to the left
    up_left = rotate(quat_from_euler(90, 45, 0), forward)
    assert up_left == pytest.approx((-math.sqrt(0.5), math.sqrt(0.5), 0), abs=1e-12)


def test_quaternions_are_normalised():
    tl = timeline({"t": 0.0, "head": {"orientation": [0, 2, 0, 2]}})
    assert tl.sample(0.0).head.orientation == pytest.approx((0, math.sqrt(0.5), 0, math.sqrt(0.5)))


def test_aim_and_grip_can_be_given_separately():
    tl = timeline(
        {
            "t": 0.0,
            "right": {"position": [0.2, 1.0, -0.3], "pitch": -20, "aim": {"position": [0.2, 1.05, -0.35]}},
        }
    )
    right = tl.sample(0.0).right
    assert right.aim.position == (0.2, 1.05, -0.35)
    assert right.aim.orientation == pytest.approx(quat_from_euler(0, -20))  # the hand's angle, not overridden
    assert right.grip.position == (0.2, 1.0, -0.3)


def test_missing_tracks_are_the_static_user():
    tl = timeline({"t": 0.0, "right": {"select": True}})
    sample = tl.sample(3.0)
    left, right = default_hands(1.6)
    assert sample.head == Pose((0.0, 1.6, 0.0))
    assert sample.left == left
    assert sample.right.select and sample.right.aim == right.aim and sample.right.connected


# -- faults ----------------------------------------------------------------------------------------------------------


def test_faults_are_sorted_and_due_between_two_times():
    tl = timeline(
        {"t": 0.0},
        faults=[
            {
                "t": 2.0,
                "fault": "change_interaction_profile",
                "profile": "/interaction_profiles/oculus/touch_controller",
            },
            {"t": 0.5, "fault": "lose_focus"},
            {"t": 1.0, "fault": "change_reference_space", "space": "local"},
        ],
    )
    assert [f.name for f in tl.faults] == ["lose_focus", "change_reference_space", "change_interaction_profile"]
    assert tl.due_faults(0.0, 0.5) == [tl.faults[0]]
    assert tl.due_faults(0.5, 1.0) == [tl.faults[1]]  # t_prev excluded, t_now included
    t, name, kwargs = tl.due_faults(1.0, 10.0)[0]
    assert (t, name, kwargs) == (
        2.0,
        "change_interaction_profile",
        {"profile": "/interaction_profiles/oculus/touch_controller"},
    )
    assert tl.faults[1].kwargs == {"space_type": xr.ReferenceSpaceType.LOCAL}
    assert tl.due_faults(2.0, 3.0) == []


def test_fault_mistakes():
    errors = errors_of(
        {
            "keyframes": [{"t": 0}],
            "faults": [
                {"t": 1, "fault": "lose_focs"},
                {"t": 2, "fault": "change_interaction_profile"},
                {"t": 3, "fault": "change_interaction_profile", "profile": "/interaction_profiles/oculus/touch"},
                {"t": -1, "fault": "lose_instance", "when": 3},
            ],
        }
    )
    assert errors == [
        "scene.yaml: fault 1 (t=1): 'fault': unknown fault 'lose_focs'; did you mean 'lose_focus'? (expected one of: "
        "lose_focus, restore_focus, request_stop, request_exit, lose_session, lose_instance, change_reference_space, "
        "change_interaction_profile)",
        "scene.yaml: fault 2 (t=2): 'profile' is required by change_interaction_profile",
        errors[2],
        "scene.yaml: fault 4 (t=-1): 't' must be a time in seconds, 0 or more, got -1",
        errors[4],
    ]
    assert "did you mean '/interaction_profiles/oculus/touch_controller'?" in errors[2]
    assert errors[4].startswith("scene.yaml: fault 4 (t=-1): 'when': unknown key 'when'")


# -- mistakes --------------------------------------------------------------------------------------------------------


def test_the_error_message_names_file_keyframe_field_and_what_is_right():
    errors = errors_of(
        {
            "keyframes": [
                {"t": 0.0},
                {"t": 1.0},
                {"t": 2.0, "right": {"trigger": "yes"}},
            ]
        }
    )
    assert errors == ["scene.yaml: keyframe 3 (t=2.0): 'right.trigger' must be a number between 0 and 1, got 'yes'"]


def test_every_mistake_is_reported_at_once():
    errors = errors_of(
        {
            "keyframs": [],
            "keyframes": [
                {"t": 0.0, "haed": {}, "right": {"selct": True, "trigger": 1.5, "thumbstick": [0, 2]}},
                {"t": 0.0, "left": {}},
                {"t": 1.0, "left": {"position": [0, 1], "orientation": [0, 0, 0, 0], "select": "on"}},
                {"t": 2.0, "head": {"orientation": [0, 0, 0, 1], "yaw": 10}},
                {"t": 3.0, "right": {"aim": {"positon": [0, 1, 0]}, "squeeze": True}},
            ],
        }
    )
    assert errors == [
        "scene.yaml: 'keyframs': unknown key 'keyframs'; did you mean 'keyframes'? "
        "(expected one of: keyframes, faults)",
        "scene.yaml: keyframe 1 (t=0.0): 'haed': unknown key 'haed'; did you mean 'head'? "
        "(expected one of: t, head, left, right)",
        errors[2],
        "scene.yaml: keyframe 1 (t=0.0): 'right.trigger' must be a number between 0 and 1, got 1.5",
        "scene.yaml: keyframe 1 (t=0.0): 'right.thumbstick' must be a list of 2 numbers each between -1 and 1, "
        "got [0, 2]",
        "scene.yaml: keyframe 2 (t=0.0): 't' must be greater than the previous keyframe's t=0.0: "
        "times must be strictly increasing",
        "scene.yaml: keyframe 3 (t=1.0): 'left.position' must be a list of 3 numbers, got [0, 1]",
        "scene.yaml: keyframe 3 (t=1.0): 'left.orientation' must be a non-zero quaternion [x, y, z, w], "
        "got (0.0, 0.0, 0.0, 0.0)",
        "scene.yaml: keyframe 3 (t=1.0): 'left.select' must be true or false, got 'on'",
        "scene.yaml: keyframe 4 (t=2.0): 'head.orientation' and 'head.yaw' both given: use a quaternion or angles, "
        "not both",
        errors[10],
        "scene.yaml: keyframe 5 (t=3.0): 'right.squeeze' must be a number between 0 and 1, got True",
    ]
    assert errors[2].startswith(
        "scene.yaml: keyframe 1 (t=0.0): 'right.selct': unknown key 'selct'; did you mean 'select'?"
    )
    assert errors[10].startswith(
        "scene.yaml: keyframe 5 (t=3.0): 'right.aim.positon': unknown key 'positon'; did you mean 'position'?"
    )


def test_a_head_has_no_buttons():
    errors = errors_of({"keyframes": [{"t": 0.0, "head": {"select": True}}]})
    assert errors[0].startswith("scene.yaml: keyframe 1 (t=0.0): 'head.select': unknown key 'select'")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a timeline must be a map"),
        ({"faults": []}, "'keyframes' must be a non-empty list"),
        ({"keyframes": []}, "'keyframes' must be a non-empty list"),
        ({"keyframes": [{"head": {}}]}, "keyframe 1 (t=None): 't' must be a time in seconds"),
        ({"keyframes": [{"t": True}]}, "'t' must be a time in seconds, 0 or more, got True"),
        ({"keyframes": [{"t": 0, "head": [0, 1.6, 0]}]}, "'head' must be a map of fields"),
        ({"keyframes": [{"t": 0, "head": {"yaw": "left"}}]}, "'head.yaw' must be a number of degrees, got 'left'"),
        ({"keyframes": [{"t": 0, "head": {"position": [0, float("nan"), 0]}}]}, "'head.position' must be a list"),
        ({"keyframes": [{"t": 0}], "faults": {"t": 1}}, "'faults' must be a list"),
    ],
)
def test_malformed_files(data, message):
    errors = errors_of(data)
    assert any(message in e for e in errors), errors


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(textwrap.dedent("keyframes:\n  - t: 0\n   head: {\n"))
    with pytest.raises(TimelineError, match=r"broken\.yaml: not valid YAML"):
        ScriptedTimeline.load(path)
