"""The XrSession and its lifecycle, seen from the application: what the frame loop calls each frame.

``XrClient`` owns the instance, the session, the spaces and the swapchains, reacts to the runtime's events the way
the spec asks (one comment per session state below), and hands the frame loop plain data. It never decides what
the application does: the loop reads ``exit_requested``, ``lost`` and ``focused`` and acts.
"""

from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass

import xr

from interactions.input import InputFrame

from .actions import ControllerInput
from .binding import graphics_binding
from .instance import DEPTH, Instance, create_instance
from .swapchains import Swapchain, choose_color_format, choose_depth_format

log = logging.getLogger("xrapp.xr")

S = xr.SessionState


class SystemUnavailable(RuntimeError):
    """The runtime is there but the headset is not (yet): try again after a while."""


class SessionLost(RuntimeError):
    """The session or the instance was lost in the middle of a call: tear down and reconnect."""


_LOST_ERRORS = (xr.SessionLostError, xr.InstanceLostError)


@dataclass(frozen=True)
class EyeView:
    """One eye at the frame's display time: pose in the play space (metres; quaternion x, y, z, w), fov radians."""

    position: tuple[float, float, float]
    orientation: tuple[float, float, float, float]
    fov: tuple[float, float, float, float]  # left, right, up, down (left and down negative)


@dataclass(frozen=True)
class FrameTiming:
    display_time: int  # XrTime, nanoseconds
    period: int  # nanoseconds
    should_render: bool


@dataclass(frozen=True)
class RenderTarget:
    """Where one eye is drawn: a layer of the colour (and depth) array textures, and the pixel rect."""

    color_texture: int
    depth_texture: int | None
    layer: int
    rect: tuple[int, int, int, int]
    srgb: bool


class XrClient:
    """Instance, system, session, play space and swapchains, and their state as the runtime reports it."""

    def __init__(self, context, floor_offset_m: float = 1.6, near_m: float = 0.05, far_m: float = 100.0) -> None:
        self.context = context
        self.floor_offset_m = floor_offset_m
        self.near_m, self.far_m = near_m, far_m
        self.instance: Instance | None = None
        self.session: xr.Session | None = None
        self.play_space: xr.Space | None = None
        self.play_space_type: xr.ReferenceSpaceType | None = None
        self.color: Swapchain | None = None
        self.depth: Swapchain | None = None
        self.srgb = True
        self.state = S.UNKNOWN
        self.running = False
        self.exit_requested = False  # the runtime or the user asked to quit: leave the loop once the session ends
        self.lost = False  # the session or instance is lost: tear down and try again
        self.recentred = False  # set when the play space changed; the loop may clear it
        self.profile_changed = False
        self.states_seen: list[str] = []
        self.input: ControllerInput | None = None  # the action set, attached before the session begins

    # -- creation ------------------------------------------------------------------------------------------------

    def create(self) -> None:
        """Create the instance, system, session, play space and swapchains (SystemUnavailable if no headset)."""
        self.instance = create_instance("egl" if self.context.kind == "egl" else "xlib")
        inst = self.instance.handle
        try:
            self.system_id = xr.get_system(inst, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))
        except xr.FormFactorUnavailableError as error:
            self.destroy()
            raise SystemUnavailable("the headset is not connected") from error
        props = xr.get_system_properties(inst, self.system_id)
        log.info("system: %s", props.system_name.decode(errors="replace"))
        self.view_config = xr.ViewConfigurationType.PRIMARY_STEREO
        views = xr.enumerate_view_configuration_views(inst, self.system_id, self.view_config)
        self.view_size = (views[0].recommended_image_rect_width, views[0].recommended_image_rect_height)
        blend_modes = xr.enumerate_environment_blend_modes(inst, self.system_id, self.view_config)
        self.blend_mode = xr.EnvironmentBlendMode(blend_modes[0])
        requirements = xr.get_opengl_graphics_requirements_khr(inst, self.system_id)
        self._check_gl_version(requirements)
        self.binding = graphics_binding(self.context)
        self.session = xr.create_session(
            inst,
            xr.SessionCreateInfo(
                system_id=self.system_id, next=ctypes.cast(ctypes.pointer(self.binding), ctypes.c_void_p)
            ),
        )
        self._create_play_space()
        self._create_swapchains()
        # Attached here, before READY → xrBeginSession: the spec freezes bindings at attach, once per session.
        self.input = ControllerInput(inst, self.session, self.instance.extensions)

    def _check_gl_version(self, requirements) -> None:
        have = self.context.version
        low = xr.Version(requirements.min_api_version_supported)
        if have < (low.major, low.minor):
            raise RuntimeError(f"the runtime needs OpenGL {low.major}.{low.minor}; this context has {have}")

    def _create_play_space(self) -> None:
        offered = [xr.ReferenceSpaceType(t) for t in xr.enumerate_reference_spaces(self.session)]
        if xr.ReferenceSpaceType.STAGE in offered:
            space_type, pose = xr.ReferenceSpaceType.STAGE, xr.Posef()
        else:
            # LOCAL's origin is at the eyes; put ours on the floor beneath them so the scene stands on the ground.
            space_type = xr.ReferenceSpaceType.LOCAL
            pose = xr.Posef(position=xr.Vector3f(0.0, -self.floor_offset_m, 0.0))
        if self.play_space is not None:
            xr.destroy_space(self.play_space)
        self.play_space = xr.create_reference_space(
            self.session, xr.ReferenceSpaceCreateInfo(reference_space_type=space_type, pose_in_reference_space=pose)
        )
        self.play_space_type = space_type
        log.info("play space: %s", space_type.name)

    def _create_swapchains(self) -> None:
        offered = list(xr.enumerate_swapchain_formats(self.session))
        color_format, self.srgb = choose_color_format(offered)
        width, height = self.view_size
        self.color = Swapchain.create(self.session, color_format, width, height, 2, depth=False)
        depth_format = choose_depth_format(offered) if DEPTH in self.instance.extensions else None
        if depth_format is not None:
            self.depth = Swapchain.create(self.session, depth_format, width, height, 2, depth=True)
        log.info(
            "swapchains: colour %#x (%s) %dx%d x2 layers; depth %s",
            color_format,
            "sRGB" if self.srgb else "linear",
            width,
            height,
            hex(depth_format) if depth_format else "not submitted",
        )

    # -- events and session states -------------------------------------------------------------------------------

    def poll_events(self) -> None:
        """Handle every queued runtime event."""
        while self.instance is not None and self.instance.handle is not None:
            try:
                event = xr.poll_event(self.instance.handle)
            except xr.EventUnavailable:
                return
            except xr.InstanceLostError:
                self.lost = True
                return
            kind = xr.StructureType(event.type)
            if kind == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
                changed = ctypes.cast(ctypes.byref(event), ctypes.POINTER(xr.EventDataSessionStateChanged)).contents
                self._on_state(xr.SessionState(changed.state))
            elif kind == xr.StructureType.EVENT_DATA_INSTANCE_LOSS_PENDING:
                log.warning("the OpenXR instance will be lost: tearing down to reconnect")
                self.lost = True
            elif kind == xr.StructureType.EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING:
                log.info("play space changed (recentred)")
                self._create_play_space()
                self.recentred = True
            elif kind == xr.StructureType.EVENT_DATA_INTERACTION_PROFILE_CHANGED:
                # The user picked up other controllers (or put them down): ask which profile is bound now.
                self.profile_changed = True
                if self.input is not None:
                    try:
                        self.input.refresh_profile()
                    except _LOST_ERRORS:
                        self.lost = True
                        return
            elif kind == xr.StructureType.EVENT_DATA_EVENTS_LOST:
                log.warning("the runtime dropped events")

    def _on_state(self, state: xr.SessionState) -> None:
        log.info("session state: %s", state.name)
        self.state = state
        self.states_seen.append(state.name)
        if state == S.READY:
            # The runtime is ready to show us: start the session; frames follow.
            xr.begin_session(self.session, xr.SessionBeginInfo(primary_view_configuration_type=self.view_config))
            self.running = True
        elif state == S.STOPPING:
            # The runtime stopped showing us (we asked to quit, or the user left): end the session.
            xr.end_session(self.session)
            self.running = False
        elif state == S.EXITING:
            # The runtime wants the application to quit: destroy the session and leave.
            self.exit_requested = True
        elif state == S.LOSS_PENDING:
            # The headset is going away: tear everything down and try again later.
            self.lost = True
        # IDLE: not running, wait for READY. SYNCHRONIZED: frames are paced but not shown. VISIBLE: shown but not
        # receiving input (headset off the face, a system menu): keep rendering, pause input and timers.
        # FOCUSED: shown and receiving input.

    @property
    def focused(self) -> bool:
        return self.state == S.FOCUSED

    def request_exit(self) -> None:
        """Ask the runtime to end the session; it answers with STOPPING, then EXITING."""
        if self.running and self.state not in (S.STOPPING, S.EXITING, S.LOSS_PENDING):
            try:
                xr.request_exit_session(self.session)
            except _LOST_ERRORS as error:
                raise self._lost(error) from error

    # -- one frame -----------------------------------------------------------------------------------------------

    def _lost(self, error: Exception) -> SessionLost:
        log.warning("lost the %s: %s", "instance" if isinstance(error, xr.InstanceLostError) else "session", error)
        self.lost = True
        return SessionLost(str(error))

    def wait_frame(self) -> FrameTiming | None:
        """xrWaitFrame; None when the session is being lost (SessionLost when it is gone)."""
        try:
            state = xr.wait_frame(self.session, xr.FrameWaitInfo())
        except xr.SessionLossPending:
            self.lost = True
            return None
        except _LOST_ERRORS as error:
            raise self._lost(error) from error
        return FrameTiming(state.predicted_display_time, state.predicted_display_period, bool(state.should_render))

    def begin_frame(self) -> bool:
        try:
            xr.begin_frame(self.session, xr.FrameBeginInfo())
        except xr.FrameDiscarded:
            log.warning("the previous frame was discarded")
        except xr.SessionLossPending:
            self.lost = True
            return False
        except _LOST_ERRORS as error:
            raise self._lost(error) from error
        return True

    def locate_views(self, display_time: int) -> list[EyeView] | None:
        """Both eyes at ``display_time`` in the play space; None when the head is not tracked."""
        try:
            state, views = xr.locate_views(
                self.session,
                xr.ViewLocateInfo(
                    view_configuration_type=self.view_config, display_time=display_time, space=self.play_space
                ),
            )
        except _LOST_ERRORS as error:
            raise self._lost(error) from error
        valid = xr.ViewStateFlags.ORIENTATION_VALID_BIT | xr.ViewStateFlags.POSITION_VALID_BIT
        if state.view_state_flags & valid != valid:
            return None
        self._located = views
        return [
            EyeView(
                (v.pose.position.x, v.pose.position.y, v.pose.position.z),
                (v.pose.orientation.x, v.pose.orientation.y, v.pose.orientation.z, v.pose.orientation.w),
                (v.fov.angle_left, v.fov.angle_right, v.fov.angle_up, v.fov.angle_down),
            )
            for v in views
        ]

    def input_frame(self, display_time: int) -> InputFrame:
        """The user's input at ``display_time`` (call after locate_views): xrSyncActions, action states, the head
        and the controllers' aim and grip poses in the play space."""
        try:
            return self.input.frame(display_time, self.play_space)
        except _LOST_ERRORS as error:
            raise self._lost(error) from error

    def apply_haptics(self, pulses) -> int:
        """Play haptic pulses (each with ``hand``, ``amplitude``, ``duration_s``, ``frequency_hz``); returns how
        many the runtime took (none while not focused)."""
        try:
            return self.input.apply_haptics(pulses)
        except _LOST_ERRORS as error:
            raise self._lost(error) from error

    def acquire_targets(self) -> list[RenderTarget]:
        """Acquire this frame's images; one RenderTarget per eye."""
        try:
            color = self.color.acquire()
            depth = self.depth.acquire() if self.depth is not None else None
        except _LOST_ERRORS as error:
            raise self._lost(error) from error
        rect = (0, 0, self.color.width, self.color.height)
        return [RenderTarget(color, depth, eye, rect, self.srgb) for eye in (0, 1)]

    def release_targets(self) -> None:
        try:
            self.color.release()
            if self.depth is not None:
                self.depth.release()
        except _LOST_ERRORS as error:
            raise self._lost(error) from error

    def end_frame(self, display_time: int, rendered: bool) -> None:
        """xrEndFrame with the projection layer (and depth) when this frame was rendered, else no layers."""
        layers = []
        self._keepalive = []  # structs the layer points at must outlive xrEndFrame
        if rendered:
            views = []
            for eye, located in enumerate(self._located):
                view = xr.CompositionLayerProjectionView(
                    pose=located.pose, fov=located.fov, sub_image=self.color.sub_image(eye)
                )
                if self.depth is not None:
                    depth = xr.CompositionLayerDepthInfoKHR(
                        sub_image=self.depth.sub_image(eye),
                        min_depth=0.0,
                        max_depth=1.0,
                        near_z=self.near_m,
                        far_z=self.far_m,
                    )
                    self._keepalive.append(depth)
                    view.next = ctypes.cast(ctypes.pointer(depth), ctypes.c_void_p)
                views.append(view)
            self._layer = xr.CompositionLayerProjection(space=self.play_space, views=views)
            layers.append(ctypes.byref(self._layer))
        try:
            xr.end_frame(
                self.session,
                xr.FrameEndInfo(display_time=display_time, environment_blend_mode=self.blend_mode, layers=layers),
            )
        except xr.SessionLossPending:
            self.lost = True
        except _LOST_ERRORS as error:
            raise self._lost(error) from error

    # -- teardown ------------------------------------------------------------------------------------------------

    def destroy(self) -> None:
        """Destroy everything created, in reverse order; safe to call after a loss and more than once."""
        for swapchain in (self.color, self.depth):
            if swapchain is not None:
                _quietly(swapchain.destroy)
        self.color = self.depth = None
        if self.input is not None:
            self.input.destroy()
            self.input = None
        if self.play_space is not None:
            _quietly(xr.destroy_space, self.play_space)
            self.play_space = None
        if self.session is not None:
            _quietly(xr.destroy_session, self.session)
            self.session = None
        if self.instance is not None:
            _quietly(self.instance.destroy)
            self.instance = None
        self.running = False


def _quietly(function, *args) -> None:
    # After a loss the runtime may already have dropped these handles; teardown must still finish.
    try:
        function(*args)
    except xr.XrException as error:
        log.debug("ignored during teardown: %s", error)
