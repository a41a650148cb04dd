"""XR_KHR_locate_spaces in the mock: xrLocateSpacesKHR on an OpenXR 1.0 instance, as strict as the other entry
points; and the frame-timing log that must not grow with a long session."""

from __future__ import annotations

import ctypes

import pytest
import xr

from tests.mockrt import conftest
from xrapp.mockrt.runtime import FRAME_TIMINGS_KEPT
from xrapp.mockrt.timeline import ScriptedTimeline

pytestmark = [pytest.mark.xr, pytest.mark.gl]

AT = xr.ActionType
LEFT, RIGHT = "/user/hand/left", "/user/hand/right"
SIMPLE = "/interaction_profiles/khr/simple_controller"
LOCATE_SPACES = "XR_KHR_locate_spaces"
PROTOTYPE = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


@pytest.fixture
def harness(mock_runtime, gl_context, monkeypatch):
    """An OpenXR 1.0 instance with XR_KHR_locate_spaces enabled, and a session in READY."""
    monkeypatch.setattr(conftest, "EXTENSIONS", [*conftest.EXTENSIONS, LOCATE_SPACES])
    made = conftest.XrHarness(mock_runtime, gl_context, xr.Version(1, 0, 0))
    yield made
    made.destroy()
    assert not [f for f in mock_runtime.failures if f.result == xr.Result.ERROR_RUNTIME_FAILURE]


def locate_spaces_khr(instance: xr.Instance):
    """xrLocateSpacesKHR through xrGetInstanceProcAddr, as an application gets an extension function."""
    return PROTOTYPE(ctypes.cast(xr.get_instance_proc_addr(instance, "xrLocateSpacesKHR"), ctypes.c_void_p).value)


def handle(value) -> int:
    return ctypes.cast(value, ctypes.c_void_p).value


def grips_and_view(h):
    """Focused session with a grip action bound on the right hand only; returns (stage, [right grip, left grip,
    view])."""
    main = h.action_set()
    grip = h.action(main, "grip", AT.POSE_INPUT)
    h.suggest(SIMPLE, [(grip, f"{RIGHT}/input/grip/pose")])
    h.attach(main)
    spaces = [
        xr.create_action_space(
            h.session,
            xr.ActionSpaceCreateInfo(action=grip, subaction_path=h.path(hand), pose_in_action_space=xr.Posef()),
        )
        for hand in (RIGHT, LEFT)
    ]
    view = xr.create_reference_space(
        h.session,
        xr.ReferenceSpaceCreateInfo(
            reference_space_type=xr.ReferenceSpaceType.VIEW, pose_in_reference_space=xr.Posef()
        ),
    )
    h.run_until_focused()
    h.sync(main)
    return h.stage(), [*spaces, view]


def call(h, spaces, base, when, count=None, location_count=None):
    """xrLocateSpacesKHR of ``spaces`` in ``base``; returns (result, the location data)."""
    array = (xr.Space * len(spaces))(*spaces)
    data = (xr.SpaceLocationData * len(spaces))()
    info = xr.SpacesLocateInfo(base_space=base, time=when, space_count=len(spaces), spaces=array)
    if count is not None:
        info.space_count = count
    locations = xr.SpaceLocations(location_count=len(spaces), locations=data)
    if location_count is not None:
        locations.location_count = location_count
    result = locate_spaces_khr(h.instance)(handle(h.session), ctypes.addressof(info), ctypes.addressof(locations))
    return xr.Result(result), data


def test_locate_spaces_khr_answers_as_locate_space_does_for_each_space(harness, mock_runtime):
    h = harness
    mock_runtime.set_pose_source(
        ScriptedTimeline.from_dict(
            {"keyframes": [{"t": 0.0, "head": {"position": [0.1, 1.5, 0.2], "yaw": 30}, "right": {"pitch": 20}}]},
            "test",
        )
    )
    stage, spaces = grips_and_view(h)
    when = h.frame().predicted_display_time
    result, data = call(h, spaces, stage, when)
    assert result == xr.Result.SUCCESS
    for space, located in zip(spaces, data, strict=True):
        one = xr.locate_space(space, stage, when)
        assert located.location_flags == one.location_flags
        for got, want in ((located.pose.position, one.pose.position), (located.pose.orientation, one.pose.orientation)):
            assert [getattr(got, a) for a in "xyz"] == pytest.approx([getattr(want, a) for a in "xyz"], abs=1e-6)
    assert data[0].location_flags & xr.SpaceLocationFlags.POSITION_VALID_BIT  # the bound right grip
    assert data[1].location_flags == 0  # nothing bound on the left hand
    assert data[2].pose.position.y == pytest.approx(1.5)  # the head


def test_locate_spaces_khr_needs_the_extension_enabled(xr_harness):
    with pytest.raises(xr.FunctionUnsupportedError):
        xr.get_instance_proc_addr(xr_harness.instance, "xrLocateSpacesKHR")


def test_the_extension_can_be_withheld(mock_runtime, gl_context, monkeypatch):
    config = mock_runtime.config
    config.offer_locate_spaces = False
    offered = {p.extension_name.decode() for p in xr.enumerate_instance_extension_properties()}
    assert LOCATE_SPACES not in offered
    monkeypatch.setattr(conftest, "EXTENSIONS", [*conftest.EXTENSIONS, LOCATE_SPACES])
    with pytest.raises(xr.ExtensionNotPresentError):
        conftest.XrHarness(mock_runtime, gl_context, xr.Version(1, 0, 0))


def test_locate_spaces_khr_refuses_malformed_calls(harness, mock_runtime):
    h = harness
    stage, spaces = grips_and_view(h)
    when = h.frame().predicted_display_time

    def refused(result, text):
        assert result == xr.Result.ERROR_VALIDATION_FAILURE
        assert text in mock_runtime.failures[-1].message, mock_runtime.failures[-1].message

    result, _ = call(h, spaces, stage, when, location_count=2)
    refused(result, "must equal locateInfo.spaceCount")
    result, _ = call(h, spaces, stage, when, count=0)
    refused(result, "no spaces")
    result, _ = call(h, spaces, stage, 0)
    assert result == xr.Result.ERROR_TIME_INVALID
    xr.destroy_space(spaces[1])
    result, _ = call(h, spaces, stage, when)
    assert result == xr.Result.ERROR_HANDLE_INVALID
    assert "locateInfo.spaces[1]" in mock_runtime.failures[-1].message
    # A struct of the wrong type in place of the locate info.
    wrong = xr.SpaceLocation()
    data = (xr.SpaceLocationData * 1)()
    locations = xr.SpaceLocations(location_count=1, locations=data)
    raw = locate_spaces_khr(h.instance)(handle(h.session), ctypes.addressof(wrong), ctypes.addressof(locations))
    assert raw == xr.Result.ERROR_VALIDATION_FAILURE.value
    assert "expected XR_TYPE_SPACES_LOCATE_INFO" in mock_runtime.failures[-1].message


def test_the_frame_timing_log_keeps_only_the_latest_frames(xr_harness, mock_runtime):
    h = xr_harness
    h.run_until_focused()
    for _ in range(FRAME_TIMINGS_KEPT + 5):
        h.frame()
    timings = mock_runtime.frame_timings
    assert len(timings) == FRAME_TIMINGS_KEPT
    assert timings[-1].index - timings[0].index == FRAME_TIMINGS_KEPT - 1  # the newest ones, none skipped
