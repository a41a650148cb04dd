"""Fixtures for the mock runtime's own tests: a plain pyopenxr program driving the mock through the Khronos loader.

``xr_harness`` gives an instance and a session (not yet begun, so a test can create and attach action sets first);
``harness.run_until_focused()`` begins it and runs frames until FOCUSED. The instance is destroyed after each test:
the mock allows one XrInstance at a time. The GL context and the installed mock come from ``tests/conftest.py``.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

import pytest
import xr

from xrapp.xr.binding import graphics_binding

S = xr.SessionState
EXTENSIONS = ["XR_KHR_opengl_enable", "XR_MNDX_egl_enable"]


class XrHarness:
    """One application's instance and session, with the small steps the action tests repeat."""

    def __init__(self, runtime, context, api_version: xr.Version) -> None:
        self.runtime = runtime
        self.instance = xr.create_instance(
            xr.InstanceCreateInfo(
                application_info=xr.ApplicationInfo(application_name="mockrt-tests", api_version=api_version),
                enabled_extension_names=EXTENSIONS,
            )
        )
        self.system_id = xr.get_system(self.instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))
        xr.get_opengl_graphics_requirements_khr(self.instance, self.system_id)
        self._binding = graphics_binding(context)  # kept alive: the runtime reads it during xrCreateSession
        self.session = xr.create_session(
            self.instance,
            xr.SessionCreateInfo(
                system_id=self.system_id, next=ctypes.cast(ctypes.pointer(self._binding), ctypes.c_void_p)
            ),
        )
        self.state = S.UNKNOWN
        self.events: list[tuple[xr.StructureType, ctypes.Structure]] = []
        self.poll()

    # -- events and the frame loop -------------------------------------------------------------------------------

    def poll(self) -> list[tuple[xr.StructureType, ctypes.Structure]]:
        """Drain the event queue; returns the new events (also appended to ``events``) and tracks the state."""
        new = []
        while True:
            try:
                event = xr.poll_event(self.instance)
            except xr.EventUnavailable:
                break
            kind = xr.StructureType(event.type)
            if kind == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
                changed = ctypes.cast(ctypes.byref(event), ctypes.POINTER(xr.EventDataSessionStateChanged)).contents
                self.state = S(changed.state)
            new.append((kind, event))
        self.events += new
        return new

    def frame(self) -> xr.FrameState:
        state = xr.wait_frame(self.session, xr.FrameWaitInfo())
        xr.begin_frame(self.session, xr.FrameBeginInfo())
        xr.end_frame(
            self.session,
            xr.FrameEndInfo(
                display_time=state.predicted_display_time, environment_blend_mode=xr.EnvironmentBlendMode.OPAQUE
            ),
        )
        self.poll()
        return state

    def run_until_focused(self, max_frames: int = 10) -> None:
        assert self.state == S.READY, f"session is {self.state.name}, expected READY"
        xr.begin_session(
            self.session,
            xr.SessionBeginInfo(primary_view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO),
        )
        for _ in range(max_frames):
            self.frame()
            if self.state == S.FOCUSED:
                return
        raise AssertionError(f"no FOCUSED after {max_frames} frames (state {self.state.name})")

    # -- actions -------------------------------------------------------------------------------------------------

    def path(self, text: str) -> int:
        return xr.string_to_path(self.instance, text)

    def path_string(self, value: int) -> str:
        return xr.path_to_string(self.instance, value)

    def action_set(self, name: str = "main", localized: str | None = None) -> xr.ActionSet:
        return xr.create_action_set(
            self.instance,
            xr.ActionSetCreateInfo(action_set_name=name, localized_action_set_name=localized or name.title()),
        )

    def action(
        self,
        action_set: xr.ActionSet,
        name: str,
        action_type: xr.ActionType,
        subaction_paths: Sequence[str] = ("/user/hand/left", "/user/hand/right"),
        localized: str | None = None,
    ) -> xr.Action:
        return xr.create_action(
            action_set,
            xr.ActionCreateInfo(
                action_name=name,
                action_type=action_type,
                subaction_paths=[self.path(p) for p in subaction_paths],
                localized_action_name=localized or name.title(),
            ),
        )

    def suggest(self, profile: str, bindings: Sequence[tuple[xr.Action, str]]) -> None:
        xr.suggest_interaction_profile_bindings(
            self.instance,
            xr.InteractionProfileSuggestedBinding(
                interaction_profile=self.path(profile),
                suggested_bindings=[xr.ActionSuggestedBinding(action, self.path(p)) for action, p in bindings],
            ),
        )

    def attach(self, *action_sets: xr.ActionSet) -> None:
        xr.attach_session_action_sets(self.session, xr.SessionActionSetsAttachInfo(action_sets=list(action_sets)))

    def sync(self, *action_sets: xr.ActionSet, subaction_path: str | None = None) -> xr.Result:
        """xrSyncActions through the raw entry point, so a success code such as XR_SESSION_NOT_FOCUSED is seen."""
        sub = self.path(subaction_path) if subaction_path else xr.NULL_PATH
        info = xr.ActionsSyncInfo(active_action_sets=[xr.ActiveActionSet(s, sub) for s in action_sets])
        result = xr.Result(xr.raw_functions.xrSyncActions(self.session, ctypes.byref(info)))
        if result.value < 0:
            raise xr.check_result(result)  # the pyopenxr exception of that result, as xr.sync_actions raises
        return result

    def get_info(self, action: xr.Action, subaction_path: str | None = None) -> xr.ActionStateGetInfo:
        return xr.ActionStateGetInfo(action, self.path(subaction_path) if subaction_path else xr.NULL_PATH)

    def boolean(self, action: xr.Action, subaction_path: str | None = None) -> xr.ActionStateBoolean:
        return xr.get_action_state_boolean(self.session, self.get_info(action, subaction_path))

    def float(self, action: xr.Action, subaction_path: str | None = None) -> xr.ActionStateFloat:
        return xr.get_action_state_float(self.session, self.get_info(action, subaction_path))

    def vector2(self, action: xr.Action, subaction_path: str | None = None) -> xr.ActionStateVector2f:
        return xr.get_action_state_vector2f(self.session, self.get_info(action, subaction_path))

    def pose(self, action: xr.Action, subaction_path: str | None = None) -> xr.ActionStatePose:
        return xr.get_action_state_pose(self.session, self.get_info(action, subaction_path))

    def current_profile(self, top_level: str = "/user/hand/right") -> str | None:
        value = xr.get_current_interaction_profile(self.session, self.path(top_level)).interaction_profile
        return self.path_string(value) if value else None

    def stage(self) -> xr.Space:
        return xr.create_reference_space(
            self.session,
            xr.ReferenceSpaceCreateInfo(
                reference_space_type=xr.ReferenceSpaceType.STAGE, pose_in_reference_space=xr.Posef()
            ),
        )

    def destroy(self) -> None:
        xr.destroy_instance(self.instance)


def _assert_no_runtime_bugs(runtime) -> None:
    """The mock answers XR_ERROR_RUNTIME_FAILURE when its Python code raised: that is a bug in the mock, not in the
    application, even when the test expected some call to fail."""
    bugs = [f for f in runtime.failures if f.result == xr.Result.ERROR_RUNTIME_FAILURE]
    assert not bugs, f"the mock runtime failed internally in {bugs[0].function}:\n{bugs[0].message}"


@pytest.fixture
def xr_harness(mock_runtime, gl_context):
    """An OpenXR 1.0 instance and a session in READY, destroyed after the test."""
    harness = XrHarness(mock_runtime, gl_context, xr.Version(1, 0, 0))
    yield harness
    harness.destroy()
    _assert_no_runtime_bugs(mock_runtime)


@pytest.fixture
def xr_harness_1_1(mock_runtime, gl_context):
    """As ``xr_harness`` with an OpenXR 1.1 instance (for xrLocateSpaces)."""
    harness = XrHarness(mock_runtime, gl_context, xr.Version(1, 1, 0))
    yield harness
    harness.destroy()
    _assert_no_runtime_bugs(mock_runtime)
