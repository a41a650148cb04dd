"""XrSession in the mock: creation with a graphics binding, and the session state machine with its events.

States follow the spec's lifecycle: IDLE → READY (the runtime is ready for xrBeginSession) → SYNCHRONIZED (the
application's frame loop is in step, after its first xrWaitFrame) → VISIBLE → FOCUSED (after its first frame); on
exit FOCUSED → VISIBLE → SYNCHRONIZED → STOPPING (the application must call xrEndSession) → IDLE → EXITING (or READY
again when the runtime stopped the session without asking the application to quit). LOSS_PENDING when the device
goes away: the application must destroy the session and may try again later.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import xr

from .dispatch import implements
from .errors import require, require_type
from .handles import as_handle, write_handle
from .idioms import chain
from .instance import MockInstance, check_system, check_view_configuration, live_instance, runtime

S = xr.SessionState


@dataclass
class GraphicsBinding:
    """What the application told the runtime about its OpenGL context (plain integers)."""

    kind: str  # "xlib" or "egl"
    display: int
    context: int
    config: int  # glxFBConfig or EGLConfig
    visualid: int = 0
    drawable: int = 0
    get_proc_address: int = 0


def _binding_from_chain(inst: MockInstance, next_ptr) -> GraphicsBinding:
    bindings = [(t, a) for t, a in chain(next_ptr) if t in _BINDING_TYPES]
    require(
        len(bindings) == 1,
        xr.Result.ERROR_GRAPHICS_DEVICE_INVALID,
        "xrCreateSession needs exactly one graphics binding in createInfo.next: XrGraphicsBindingOpenGLXlibKHR or "
        f"XrGraphicsBindingEGLMNDX (found {len(bindings)})",
    )
    kind, address = bindings[0]
    if kind == xr.StructureType.GRAPHICS_BINDING_OPENGL_XLIB_KHR.value:
        require(
            "XR_KHR_opengl_enable" in inst.extensions,
            xr.Result.ERROR_VALIDATION_FAILURE,
            "XrGraphicsBindingOpenGLXlibKHR needs XR_KHR_opengl_enable enabled",
        )
        b = ctypes.cast(address, ctypes.POINTER(xr.GraphicsBindingOpenGLXlibKHR)).contents
        display = ctypes.cast(b.x_display, ctypes.c_void_p).value or 0
        fbconfig = ctypes.cast(b.glx_fbconfig, ctypes.c_void_p).value or 0
        context = ctypes.cast(b.glx_context, ctypes.c_void_p).value or 0
        for value, name in ((display, "xDisplay"), (fbconfig, "glxFBConfig"), (context, "glxContext")):
            require(
                value != 0, xr.Result.ERROR_GRAPHICS_DEVICE_INVALID, f"XrGraphicsBindingOpenGLXlibKHR.{name} is NULL"
            )
        require(
            b.visualid != 0,
            xr.Result.ERROR_GRAPHICS_DEVICE_INVALID,
            "XrGraphicsBindingOpenGLXlibKHR.visualid is 0: take it from the context's GLXFBConfig (GLX_VISUAL_ID)",
        )
        return GraphicsBinding("xlib", display, context, fbconfig, b.visualid, b.glx_drawable, 0)
    require(
        "XR_MNDX_egl_enable" in inst.extensions,
        xr.Result.ERROR_VALIDATION_FAILURE,
        "XrGraphicsBindingEGLMNDX needs XR_MNDX_egl_enable enabled",
    )
    b = ctypes.cast(address, ctypes.POINTER(xr.GraphicsBindingEGLMNDX)).contents
    gpa = ctypes.cast(b.get_proc_address, ctypes.c_void_p).value or 0
    display = ctypes.cast(b.display, ctypes.c_void_p).value or 0
    config = ctypes.cast(b.config, ctypes.c_void_p).value or 0
    context = ctypes.cast(b.context, ctypes.c_void_p).value or 0
    for value, name in ((gpa, "getProcAddress"), (display, "display"), (config, "config"), (context, "context")):
        require(value != 0, xr.Result.ERROR_GRAPHICS_DEVICE_INVALID, f"XrGraphicsBindingEGLMNDX.{name} is NULL")
    return GraphicsBinding("egl", display, context, config, get_proc_address=gpa)


_BINDING_TYPES = {
    xr.StructureType.GRAPHICS_BINDING_OPENGL_XLIB_KHR.value,
    xr.StructureType.GRAPHICS_BINDING_EGL_MNDX.value,
}


class MockSession:
    """An XrSession: its state, frame loop bookkeeping (``frames``), GL access and the action sets attached."""

    def __init__(self, inst: MockInstance, binding: GraphicsBinding) -> None:
        from renderer.runtime_gl import RuntimeGL

        from .frame import FrameLoop

        self.instance = inst
        self.runtime = inst.runtime
        self.binding = binding
        self.gl = RuntimeGL(binding.get_proc_address or None, "egl" if binding.kind == "egl" else "glx")
        self.state = S.UNKNOWN
        self.running = False
        self.exit_after_stop = False
        self.lost = False
        self.focus_allowed = True
        self.frames = FrameLoop(self)
        self.attached_action_sets: list | None = None
        self.action_state = None  # owned by the actions module once action sets are attached
        self.handle = self.runtime.handles.add(self)
        self.transition(S.IDLE)
        self.transition(S.READY)

    # -- state machine ------------------------------------------------------------------------------------------

    def transition(self, state: xr.SessionState) -> None:
        """Enter ``state`` and queue XrEventDataSessionStateChanged for the application."""
        self.state = state
        self.instance.post(
            xr.EventDataSessionStateChanged(
                session=as_handle(self.handle, xr.Session), state=state, time=self.runtime.clock.now_ns
            )
        )

    def on_first_wait(self) -> None:
        if self.state == S.READY:
            self.transition(S.SYNCHRONIZED)

    def on_frame_ended(self) -> None:
        if self.state == S.SYNCHRONIZED:
            self.transition(S.VISIBLE)
        if self.state == S.VISIBLE and self.focus_allowed:
            self.transition(S.FOCUSED)

    def set_focus(self, focused: bool) -> None:
        self.focus_allowed = focused
        if not focused and self.state == S.FOCUSED:
            self.transition(S.VISIBLE)
        elif focused and self.state == S.VISIBLE:
            self.transition(S.FOCUSED)

    def runtime_stop(self, exit_after: bool) -> None:
        """Walk down to STOPPING; after xrEndSession go to EXITING (``exit_after``) or back to READY."""
        if not self.running or self.state in (S.STOPPING, S.LOSS_PENDING, S.EXITING):
            raise RuntimeError(f"the session is not running (state {self.state.name}); nothing to stop")
        self.exit_after_stop = self.exit_after_stop or exit_after
        if self.state == S.FOCUSED:
            self.transition(S.VISIBLE)
        if self.state == S.VISIBLE:
            self.transition(S.SYNCHRONIZED)
        self.transition(S.STOPPING)

    def lose(self) -> None:
        self.lost = True
        self.transition(S.LOSS_PENDING)

    def reference_space_change(self, space_type: xr.ReferenceSpaceType) -> None:
        self.instance.post(
            xr.EventDataReferenceSpaceChangePending(
                session=as_handle(self.handle, xr.Session),
                reference_space_type=space_type,
                change_time=self.runtime.clock.now_ns + self.runtime.config.period_ns,
                pose_valid=False,
            )
        )

    def interaction_profile_changed(self) -> None:
        if self.attached_action_sets is not None:
            self.instance.post(xr.EventDataInteractionProfileChanged(session=as_handle(self.handle, xr.Session)))

    # -- checks used by every session function -----------------------------------------------------------------

    def check_alive(self) -> xr.Result | None:
        """XR_ERROR_INSTANCE_LOST if the instance is lost; XR_ERROR_SESSION_LOST if the session is."""
        self.instance.check_alive()
        require(not self.lost or self.state == S.LOSS_PENDING, xr.Result.ERROR_SESSION_LOST, "the session was lost")
        return None

    def check_running(self) -> None:
        require(self.running, xr.Result.ERROR_SESSION_NOT_RUNNING, f"the session is not running ({self.state.name})")

    def destroy(self) -> None:
        from .space import MockSpace
        from .swapchain import MockSwapchain

        handles = self.runtime.handles
        for obj in handles.live(MockSwapchain) + handles.live(MockSpace):
            if obj.session is self:
                obj.destroy()
        handles.remove(self.handle)


def get_session(handle) -> MockSession:
    """The live session behind ``handle`` (XR_ERROR_HANDLE_INVALID, INSTANCE_LOST or SESSION_LOST otherwise)."""
    session = runtime().handles.get(handle, MockSession, "session")
    session.check_alive()
    return session


@implements("xrCreateSession")
def create_session(instance, info_ptr, session_out):
    inst = live_instance(instance)
    require_type(info_ptr, xr.StructureType.SESSION_CREATE_INFO, "createInfo")
    info = info_ptr.contents
    check_system(inst, info.system_id)
    binding = _binding_from_chain(inst, info._next)
    require(
        inst.graphics_requirements_queried,
        xr.Result.ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING,
        "call xrGetOpenGLGraphicsRequirementsKHR before xrCreateSession",
    )
    live = [s for s in inst.runtime.handles.live(MockSession) if s.instance is inst]
    require(not live, xr.Result.ERROR_LIMIT_REACHED, "a session already exists; destroy it first")
    session = MockSession(inst, binding)
    write_handle(session_out, session.handle, "session")


@implements("xrDestroySession")
def destroy_session(handle):
    session = runtime().handles.get(handle, MockSession, "session")
    session.destroy()


@implements("xrBeginSession")
def begin_session(handle, info_ptr):
    session = get_session(handle)
    require_type(info_ptr, xr.StructureType.SESSION_BEGIN_INFO, "beginInfo")
    require(not session.running, xr.Result.ERROR_SESSION_RUNNING, "the session is already running")
    require(
        session.state == S.READY,
        xr.Result.ERROR_SESSION_NOT_READY,
        f"xrBeginSession needs the READY state; the session is {session.state.name}: wait for the READY event",
    )
    check_view_configuration(info_ptr.contents._primary_view_configuration_type)
    session.running = True
    session.frames.reset()


@implements("xrEndSession")
def end_session(handle):
    session = get_session(handle)
    session.check_running()
    require(
        session.state == S.STOPPING,
        xr.Result.ERROR_SESSION_NOT_STOPPING,
        f"xrEndSession needs the STOPPING state; the session is {session.state.name}: call xrRequestExitSession",
    )
    session.running = False
    session.frames.reset()
    session.transition(S.IDLE)
    if session.exit_after_stop:
        session.transition(S.EXITING)
    else:
        session.transition(S.READY)


@implements("xrRequestExitSession")
def request_exit_session(handle):
    session = get_session(handle)
    session.check_running()
    if session.state in (S.STOPPING, S.LOSS_PENDING):
        session.exit_after_stop = True
        return
    session.runtime_stop(exit_after=True)
