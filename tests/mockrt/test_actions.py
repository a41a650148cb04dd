"""The mock's action system, driven through the Khronos loader by a plain pyopenxr program."""

from __future__ import annotations

import ctypes

import pytest
import xr

from xrapp.mockrt import actions
from xrapp.mockrt.timeline import ScriptedTimeline, quat_from_euler

pytestmark = [pytest.mark.xr, pytest.mark.gl]

AT = xr.ActionType
LEFT, RIGHT = "/user/hand/left", "/user/hand/right"
SIMPLE = "/interaction_profiles/khr/simple_controller"
TOUCH = "/interaction_profiles/oculus/touch_controller"
INDEX = "/interaction_profiles/valve/index_controller"
VIVE = "/interaction_profiles/htc/vive_controller"


def play(runtime, right: dict | None = None, left: dict | None = None, *more_keyframes: dict) -> None:
    """Drive the simulated user from a timeline whose first keyframe (t=0) sets ``right`` and ``left``."""
    first: dict = {"t": 0.0}
    if right is not None:
        first["right"] = right
    if left is not None:
        first["left"] = left
    runtime.set_pose_source(ScriptedTimeline.from_dict({"keyframes": [first, *more_keyframes]}, "test"))


def profile_events(harness) -> int:
    return sum(kind == xr.StructureType.EVENT_DATA_INTERACTION_PROFILE_CHANGED for kind, _ in harness.poll())


# -- reading input ---------------------------------------------------------------------------------------------------


def test_select_pressed_reads_true_after_sync_while_focused(xr_harness, mock_runtime):
    h = xr_harness
    play(mock_runtime, right={"select": True})
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{LEFT}/input/select/click"), (select, f"{RIGHT}/input/select/click")])
    h.attach(main)
    h.run_until_focused()

    before = h.boolean(select, RIGHT)
    assert not before.is_active and not before.current_state  # nothing is read before the first sync

    assert h.sync(main) == xr.Result.SUCCESS
    right, left, either = h.boolean(select, RIGHT), h.boolean(select, LEFT), h.boolean(select)
    assert right.is_active and right.current_state
    assert left.is_active and not left.current_state
    assert either.is_active and either.current_state  # XR_NULL_PATH: OR of both hands
    assert not right.changed_since_last_sync  # newly active is not a change
    assert right.last_change_time > 0


def test_changed_since_last_sync_and_last_change_time(xr_harness, mock_runtime):
    h = xr_harness
    # Pressed from t = 0.05 s: a few frames (1/90 s each) after focus.
    play(mock_runtime, {"select": False}, None, {"t": 0.05, "right": {"select": True}})
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click")])
    h.attach(main)
    h.run_until_focused()
    h.sync(main)
    first = h.boolean(select, RIGHT)
    assert first.is_active and not first.current_state and not first.changed_since_last_sync

    h.sync(main)
    assert not h.boolean(select, RIGHT).changed_since_last_sync
    assert h.boolean(select, RIGHT).last_change_time == first.last_change_time

    while mock_runtime.now_seconds() < 0.05:
        h.frame()
    h.sync(main)
    pressed = h.boolean(select, RIGHT)
    assert pressed.current_state and pressed.changed_since_last_sync
    assert pressed.last_change_time == mock_runtime.clock.now_ns

    h.frame()
    h.sync(main)
    held = h.boolean(select, RIGHT)
    assert held.current_state and not held.changed_since_last_sync
    assert held.last_change_time == pressed.last_change_time


def test_actions_are_inactive_while_not_focused(xr_harness, mock_runtime):
    h = xr_harness
    play(mock_runtime, right={"select": True})
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click")])
    h.attach(main)
    h.run_until_focused()
    h.sync(main)
    assert h.boolean(select, RIGHT).is_active

    mock_runtime.lose_focus()
    h.poll()
    assert h.state == xr.SessionState.VISIBLE
    assert h.sync(main) == xr.Result.SESSION_NOT_FOCUSED
    state = h.boolean(select, RIGHT)
    assert not state.is_active and not state.current_state and not state.changed_since_last_sync

    mock_runtime.restore_focus()
    h.poll()
    assert h.sync(main) == xr.Result.SUCCESS
    back = h.boolean(select, RIGHT)
    assert back.is_active and back.current_state and not back.changed_since_last_sync


def test_sets_not_in_the_sync_and_unbound_actions_are_inactive(xr_harness, mock_runtime):
    h = xr_harness
    play(mock_runtime, right={"select": True, "menu": True})
    main, other = h.action_set("main"), h.action_set("other")
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    unbound = h.action(main, "unbound", AT.BOOLEAN_INPUT)
    menu = h.action(other, "menu", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click"), (menu, f"{RIGHT}/input/menu/click")])
    h.attach(main, other)
    h.run_until_focused()
    h.sync(main)
    assert h.boolean(select, RIGHT).current_state
    assert not h.boolean(unbound, RIGHT).is_active
    assert not h.boolean(menu, RIGHT).is_active
    h.sync(main, other)
    assert h.boolean(menu, RIGHT).current_state
    h.sync(main, subaction_path=LEFT)  # only the left hand of main: the right hand's select is not read
    assert not h.boolean(select, RIGHT).is_active


def test_disconnected_hand_is_inactive(xr_harness, mock_runtime):
    h = xr_harness
    play(mock_runtime, right={"select": True, "connected": False})
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click")])
    h.attach(main)
    h.run_until_focused()
    h.sync(main)
    assert not h.boolean(select, RIGHT).is_active
    assert not h.boolean(select).is_active


def test_float_trigger_from_touch_controller_and_conversions(xr_harness, mock_runtime):
    h = xr_harness
    mock_runtime.config.interaction_profile = TOUCH
    play(mock_runtime, {"trigger": 0.75, "a": True}, {"trigger": 0.25})
    main = h.action_set()
    trigger = h.action(main, "trigger", AT.FLOAT_INPUT)
    pull = h.action(main, "pull", AT.BOOLEAN_INPUT)  # float source read as a boolean: pressed at >= 0.5
    a_as_float = h.action(main, "a-as-float", AT.FLOAT_INPUT)  # boolean source read as a float: 0 or 1
    h.suggest(
        TOUCH,
        [
            (trigger, f"{LEFT}/input/trigger/value"),
            (trigger, f"{RIGHT}/input/trigger/value"),
            (pull, f"{LEFT}/input/trigger"),  # identifier only: the runtime picks trigger/value
            (pull, f"{RIGHT}/input/trigger"),
            (a_as_float, f"{RIGHT}/input/a/click"),
        ],
    )
    h.attach(main)
    h.run_until_focused()
    h.sync(main)
    assert h.float(trigger, RIGHT).current_state == pytest.approx(0.75)
    assert h.float(trigger, LEFT).current_state == pytest.approx(0.25)
    assert h.float(trigger).current_state == pytest.approx(0.75)  # the largest of both hands
    assert h.boolean(pull, RIGHT).current_state and not h.boolean(pull, LEFT).current_state
    assert h.float(a_as_float, RIGHT).current_state == 1.0
    assert not h.float(a_as_float, LEFT).is_active  # nothing bound on the left


def test_thumbstick_vector_and_axis(xr_harness, mock_runtime):
    h = xr_harness
    mock_runtime.config.interaction_profile = TOUCH
    play(mock_runtime, right={"thumbstick": [0.3, -0.8]})
    main = h.action_set()
    move = h.action(main, "move", AT.VECTOR2F_INPUT)
    turn = h.action(main, "turn", AT.FLOAT_INPUT)
    h.suggest(TOUCH, [(move, f"{RIGHT}/input/thumbstick"), (turn, f"{RIGHT}/input/thumbstick/x")])
    h.attach(main)
    h.run_until_focused()
    h.sync(main)
    vector = h.vector2(move, RIGHT).current_state
    assert (vector.x, vector.y) == pytest.approx((0.3, -0.8))
    assert h.float(turn, RIGHT).current_state == pytest.approx(0.3)


def test_select_on_other_profiles(xr_harness, mock_runtime):
    """``select`` reaches trigger/click (Index) and trigger/value (as 1.0 with the trigger at rest)."""
    h = xr_harness
    mock_runtime.config.interaction_profile = INDEX
    play(mock_runtime, right={"select": True})
    main = h.action_set()
    click = h.action(main, "click", AT.BOOLEAN_INPUT)
    value = h.action(main, "value", AT.FLOAT_INPUT)
    h.suggest(INDEX, [(click, f"{RIGHT}/input/trigger/click"), (value, f"{RIGHT}/input/trigger/value")])
    h.attach(main)
    h.run_until_focused()
    h.sync(main)
    assert h.boolean(click, RIGHT).current_state
    assert h.float(value, RIGHT).current_state == 1.0


# -- errors ----------------------------------------------------------------------------------------------------------


def test_wrong_type_and_undeclared_subaction_path_are_refused(xr_harness):
    h = xr_harness
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT, subaction_paths=[RIGHT])
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click")])
    h.attach(main)
    with pytest.raises(xr.ActionTypeMismatchError):
        h.float(select, RIGHT)
    with pytest.raises(xr.ActionTypeMismatchError):
        h.pose(select)
    with pytest.raises(xr.PathUnsupportedError):
        h.boolean(select, LEFT)
    with pytest.raises(xr.ValidationFailureError):
        bad = xr.ActionStateBoolean()
        bad.type = xr.StructureType.ACTION_STATE_FLOAT
        result = xr.raw_functions.xrGetActionStateBoolean(
            h.session, ctypes.byref(h.get_info(select, RIGHT)), ctypes.byref(bad)
        )
        raise xr.check_result(xr.Result(result))


def test_not_attached(xr_harness):
    h = xr_harness
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    with pytest.raises(xr.ActionsetNotAttachedError):
        h.boolean(select, RIGHT)
    with pytest.raises(xr.ActionsetNotAttachedError):
        h.current_profile()
    with pytest.raises(xr.ActionsetNotAttachedError):
        h.sync(main)
    other = h.action_set("other")
    h.action(other, "x", AT.BOOLEAN_INPUT)
    h.attach(main)
    with pytest.raises(xr.ActionsetNotAttachedError):
        h.sync(other)


def test_names_and_subaction_paths_are_checked(xr_harness):
    h = xr_harness
    with pytest.raises(xr.PathFormatInvalidError):
        h.action_set("Main Set")
    with pytest.raises(xr.NameInvalidError):
        h.action_set("", "Empty")
    with pytest.raises(xr.LocalizedNameInvalidError):
        xr.create_action_set(h.instance, xr.ActionSetCreateInfo(action_set_name="nameless"))
    main = h.action_set("main", "Main")
    with pytest.raises(xr.NameDuplicatedError):
        h.action_set("main", "Another")
    with pytest.raises(xr.LocalizedNameDuplicatedError):
        h.action_set("another", "Main")
    h.action(main, "grab", AT.BOOLEAN_INPUT, localized="Grab")
    with pytest.raises(xr.NameDuplicatedError):
        h.action(main, "grab", AT.FLOAT_INPUT, localized="Grab again")
    with pytest.raises(xr.LocalizedNameDuplicatedError):
        h.action(main, "grab2", AT.FLOAT_INPUT, localized="Grab")
    with pytest.raises(xr.PathUnsupportedError):
        h.action(main, "pinch", AT.BOOLEAN_INPUT, subaction_paths=["/user/hand/middle"])
    with pytest.raises(xr.PathUnsupportedError):
        h.action(main, "pinch", AT.BOOLEAN_INPUT, subaction_paths=[LEFT, LEFT])
    h.action(main, "look", AT.POSE_INPUT, subaction_paths=["/user/head"])


def test_suggestions_are_checked_against_the_profile(xr_harness):
    h = xr_harness
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    with pytest.raises(xr.PathUnsupportedError):
        h.suggest("/interaction_profiles/acme/wand", [(select, f"{RIGHT}/input/select/click")])
    with pytest.raises(xr.PathUnsupportedError):
        h.suggest(SIMPLE, [(select, f"{RIGHT}/input/trigger/value")])  # the simple controller has no trigger
    with pytest.raises(xr.PathUnsupportedError):
        h.suggest(TOUCH, [(select, f"{LEFT}/input/a/click")])  # A is on the right Touch controller only
    with pytest.raises(xr.PathUnsupportedError):
        h.suggest(TOUCH, [(select, f"{RIGHT}/input")])
    h.suggest(TOUCH, [(select, f"{LEFT}/input/x/click"), (select, f"{RIGHT}/input/a")])


def test_everything_is_frozen_after_attach(xr_harness):
    h = xr_harness
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click")])
    h.attach(main)
    with pytest.raises(xr.ActionsetsAlreadyAttachedError):
        h.attach(main)
    with pytest.raises(xr.ActionsetsAlreadyAttachedError):
        h.action(main, "late", AT.BOOLEAN_INPUT)
    with pytest.raises(xr.ActionsetsAlreadyAttachedError):
        h.suggest(SIMPLE, [(select, f"{LEFT}/input/select/click")])


# -- interaction profiles --------------------------------------------------------------------------------------------


def test_current_profile_needs_suggested_bindings(xr_harness, mock_runtime):
    h = xr_harness
    mock_runtime.config.interaction_profile = VIVE
    play(mock_runtime, right={"select": True})
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click")])
    h.attach(main)
    assert profile_events(h) == 0  # the Vive wands are not among the suggestions: no profile
    assert h.current_profile() is None
    h.run_until_focused()
    h.sync(main)
    assert not h.boolean(select, RIGHT).is_active
    assert h.current_profile("/user/head") is None
    with pytest.raises(xr.PathUnsupportedError):
        h.current_profile("/user/hand")


def test_profile_change_posts_the_event_and_input_follows_the_new_bindings(xr_harness, mock_runtime):
    h = xr_harness
    # Trigger pulled half-way, but not through its click: the simple controller's select is not pressed.
    play(mock_runtime, right={"trigger": 0.8})
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click")])
    h.suggest(TOUCH, [(select, f"{RIGHT}/input/trigger/value")])
    h.attach(main)
    assert profile_events(h) == 1
    assert h.current_profile() == SIMPLE
    h.run_until_focused()
    h.sync(main)
    assert h.boolean(select, RIGHT).is_active and not h.boolean(select, RIGHT).current_state

    mock_runtime.change_interaction_profile(TOUCH)
    assert profile_events(h) == 1
    assert h.current_profile() == TOUCH
    assert h.current_profile(LEFT) == TOUCH
    h.frame()
    h.sync(main)
    state = h.boolean(select, RIGHT)
    assert state.current_state and state.changed_since_last_sync
    sources = [
        h.path_string(p)
        for p in xr.enumerate_bound_sources_for_action(h.session, xr.BoundSourcesForActionEnumerateInfo(action=select))
    ]
    assert sources == [f"{RIGHT}/input/trigger/value"]


def test_bound_sources_and_localized_names(xr_harness, mock_runtime):
    h = xr_harness
    mock_runtime.config.interaction_profile = TOUCH
    main = h.action_set()
    jump = h.action(main, "jump", AT.BOOLEAN_INPUT)
    h.suggest(TOUCH, [(jump, f"{LEFT}/input/x/click"), (jump, f"{RIGHT}/input/a/click")])
    h.attach(main)
    info = xr.BoundSourcesForActionEnumerateInfo(action=jump)
    sources = [h.path_string(p) for p in xr.enumerate_bound_sources_for_action(h.session, info)]
    assert sources == [f"{LEFT}/input/x/click", f"{RIGHT}/input/a/click"]
    flags = xr.InputSourceLocalizedNameFlags
    name = xr.get_input_source_localized_name(
        h.session,
        xr.InputSourceLocalizedNameGetInfo(
            source_path=h.path(f"{LEFT}/input/x/click"),
            which_components=flags.USER_PATH_BIT | flags.INTERACTION_PROFILE_BIT | flags.COMPONENT_BIT,
        ),
    )
    assert name == "Left Hand Oculus Touch Controller X Button"
    with pytest.raises(xr.ValidationFailureError):
        xr.get_input_source_localized_name(
            h.session, xr.InputSourceLocalizedNameGetInfo(source_path=h.path(LEFT), which_components=0)
        )
    with pytest.raises(xr.PathUnsupportedError):
        xr.get_input_source_localized_name(
            h.session,
            xr.InputSourceLocalizedNameGetInfo(
                source_path=h.path(f"{LEFT}/input/trackpad/click"), which_components=flags.COMPONENT_BIT
            ),
        )


# -- action spaces ---------------------------------------------------------------------------------------------------


def test_action_space_is_located_at_the_bound_grip_or_aim_pose(xr_harness, mock_runtime):
    h = xr_harness
    play(
        mock_runtime,
        {
            "grip": {"position": [0.25, 1.0, -0.2]},
            "aim": {"position": [0.25, 1.05, -0.3], "pitch": -30},
        },
    )
    main = h.action_set()
    grip = h.action(main, "grip", AT.POSE_INPUT)
    aim = h.action(main, "aim", AT.POSE_INPUT)
    h.suggest(SIMPLE, [(grip, f"{RIGHT}/input/grip/pose"), (aim, f"{RIGHT}/input/aim")])
    h.attach(main)
    stage = h.stage()
    grip_space = xr.create_action_space(
        h.session, xr.ActionSpaceCreateInfo(action=grip, subaction_path=h.path(RIGHT), pose_in_action_space=xr.Posef())
    )
    aim_space = xr.create_action_space(
        h.session, xr.ActionSpaceCreateInfo(action=aim, subaction_path=xr.NULL_PATH, pose_in_action_space=xr.Posef())
    )
    h.run_until_focused()
    when = h.frame().predicted_display_time
    assert xr.locate_space(grip_space, stage, when).location_flags == 0  # not synced yet: not active

    h.sync(main)
    assert h.pose(grip, RIGHT).is_active and not h.pose(grip, LEFT).is_active
    located = xr.locate_space(grip_space, stage, when)
    assert located.location_flags & xr.SpaceLocationFlags.POSITION_VALID_BIT
    p = located.pose.position
    assert (p.x, p.y, p.z) == pytest.approx((0.25, 1.0, -0.2))
    o = located.pose.orientation
    assert (o.x, o.y, o.z, o.w) == pytest.approx((0, 0, 0, 1))

    pointing = xr.locate_space(aim_space, stage, when).pose
    assert (pointing.position.x, pointing.position.y, pointing.position.z) == pytest.approx((0.25, 1.05, -0.3))
    q = pointing.orientation
    assert (q.x, q.y, q.z, q.w) == pytest.approx(quat_from_euler(0, -30), abs=1e-6)

    mock_runtime.lose_focus()
    h.sync(main)
    assert xr.locate_space(grip_space, stage, when).location_flags == 0  # inactive while unfocused


def test_action_space_needs_a_pose_action(xr_harness):
    h = xr_harness
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    with pytest.raises(xr.ActionTypeMismatchError):
        xr.create_action_space(h.session, xr.ActionSpaceCreateInfo(action=select, pose_in_action_space=xr.Posef()))


def test_locate_spaces_on_an_openxr_1_1_instance(xr_harness_1_1, mock_runtime):
    h = xr_harness_1_1
    play(mock_runtime, right={"position": [0.1, 1.2, -0.4]})
    main = h.action_set()
    grip = h.action(main, "grip", AT.POSE_INPUT)
    h.suggest(SIMPLE, [(grip, f"{RIGHT}/input/grip/pose")])
    h.attach(main)
    stage = h.stage()
    spaces = [
        xr.create_action_space(
            h.session,
            xr.ActionSpaceCreateInfo(action=grip, subaction_path=h.path(hand), pose_in_action_space=xr.Posef()),
        )
        for hand in (RIGHT, LEFT)
    ]
    h.run_until_focused()
    when = h.frame().predicted_display_time
    h.sync(main)
    data = (xr.SpaceLocationData * 2)()
    locations = xr.SpaceLocations(location_count=2, locations=data)
    info = xr.SpacesLocateInfo(base_space=stage, time=when, spaces=spaces)
    result = xr.raw_functions.xrLocateSpaces(h.session, ctypes.byref(info), ctypes.byref(locations))
    assert result == xr.Result.SUCCESS.value
    assert data[0].location_flags & xr.SpaceLocationFlags.POSITION_VALID_BIT
    assert (data[0].pose.position.x, data[0].pose.position.y, data[0].pose.position.z) == pytest.approx(
        (0.1, 1.2, -0.4)
    )
    assert data[1].location_flags == 0  # nothing bound on the left hand


# -- haptics ---------------------------------------------------------------------------------------------------------


def test_haptics_are_logged(xr_harness, mock_runtime):
    h = xr_harness
    main = h.action_set()
    buzz = h.action(main, "buzz", AT.VIBRATION_OUTPUT)
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(buzz, f"{RIGHT}/output/haptic"), (select, f"{RIGHT}/input/select/click")])
    h.attach(main)
    h.run_until_focused()
    info = xr.HapticActionInfo(action=buzz, subaction_path=h.path(RIGHT))
    vibration = xr.HapticVibration(duration=50_000_000, frequency=xr.FREQUENCY_UNSPECIFIED, amplitude=0.6)
    xr.apply_haptic_feedback(h.session, info, vibration)  # pyopenxr passes it as an XrHapticBaseHeader*
    xr.stop_haptic_feedback(h.session, info)
    assert [(r.action, r.subaction_path, r.duration_ns, r.stop) for r in mock_runtime.haptics] == [
        ("buzz", RIGHT, 50_000_000, False),
        ("buzz", RIGHT, 0, True),
    ]
    assert mock_runtime.haptics[0].amplitude == pytest.approx(0.6)
    with pytest.raises(xr.ActionTypeMismatchError):
        xr.stop_haptic_feedback(h.session, xr.HapticActionInfo(action=select, subaction_path=xr.NULL_PATH))

    mock_runtime.lose_focus()
    raw = xr.raw_functions.xrApplyHapticFeedback(
        h.session, ctypes.byref(info), ctypes.cast(ctypes.byref(vibration), ctypes.POINTER(xr.HapticBaseHeader))
    )
    assert raw == xr.Result.SESSION_NOT_FOCUSED.value
    assert len(mock_runtime.haptics) == 2  # not played, not logged


# -- scripted faults -------------------------------------------------------------------------------------------------


def test_scripted_faults_fire_as_the_clock_passes_them(xr_harness, mock_runtime):
    h = xr_harness
    mock_runtime.set_pose_source(
        ScriptedTimeline.from_dict(
            {
                "keyframes": [{"t": 0.0, "right": {"select": True}}],
                "faults": [
                    {"t": 0.1, "fault": "lose_focus"},
                    {"t": 0.2, "fault": "change_interaction_profile", "profile": TOUCH},
                ],
            },
            "test",
        )
    )
    main = h.action_set()
    select = h.action(main, "select", AT.BOOLEAN_INPUT)
    h.suggest(SIMPLE, [(select, f"{RIGHT}/input/select/click")])
    h.suggest(TOUCH, [(select, f"{RIGHT}/input/trigger/value")])
    h.attach(main)
    h.run_until_focused()
    assert h.sync(main) == xr.Result.SUCCESS
    while mock_runtime.now_seconds() <= 0.1:
        h.frame()
    assert h.state == xr.SessionState.VISIBLE
    assert h.sync(main) == xr.Result.SESSION_NOT_FOCUSED
    profile_events(h)
    while mock_runtime.now_seconds() <= 0.2:
        h.frame()
    assert any(kind == xr.StructureType.EVENT_DATA_INTERACTION_PROFILE_CHANGED for kind, _ in h.events)
    assert h.current_profile() == TOUCH


# -- the profile table -----------------------------------------------------------------------------------------------


def test_profile_table_resolves_identifiers_by_action_type():
    touch = actions.PROFILES[TOUCH]
    assert actions.resolve_binding(touch, AT.BOOLEAN_INPUT.value, f"{RIGHT}/input/a")[1] == f"{RIGHT}/input/a/click"
    assert actions.resolve_binding(touch, AT.FLOAT_INPUT.value, f"{RIGHT}/input/trigger")[1] == (
        f"{RIGHT}/input/trigger/value"
    )
    assert actions.resolve_binding(touch, AT.POSE_INPUT.value, f"{LEFT}/input/aim")[1] == f"{LEFT}/input/aim/pose"
    assert actions.resolve_binding(touch, AT.VECTOR2F_INPUT.value, f"{LEFT}/input/trigger/value") is None
    assert not touch.accepts(f"{RIGHT}/input/x/click")
    for profile in actions.PROFILES.values():
        for hand in (LEFT, RIGHT):
            assert {"input/grip/pose", "input/aim/pose", "output/haptic"} <= set(profile.hands[hand])
