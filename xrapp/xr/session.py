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

from . import direct
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
_VIEWS_VALID = int(xr.ViewStateFlags.ORIENTATION_VALID_BIT | xr.ViewStateFlags.POSITION_VALID_BIT)
EVENT_UNAVAILABLE = xr.Result.EVENT_UNAVAILABLE.value
FRAME_DISCARDED = xr.Result.FRAME_DISCARDED.value


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
        self._prepare_frame_calls()

    def _prepare_frame_calls(self) -> None:
        """What every frame passes to the runtime, made once for this session (see :mod:`xrapp.xr.direct`): the
        event buffer, the wait and begin infos, the swapchain acquire, wait and release infos, the view locate info
        and views, and the projection layer (and depth) with its sub-images, of which xrEndFrame updates only the
        eye poses, fields of view and play space."""
        u64, u32, ptr = ctypes.c_uint64, ctypes.c_uint32, ctypes.c_void_p
        self._instance_value = direct.handle_value(self.instance.handle)
        self._session_value = direct.handle_value(self.session)
        self._poll_event = direct.loader_function("xrPollEvent", u64, ptr)
        self._wait_frame = direct.loader_function("xrWaitFrame", u64, ptr, ptr)
        self._frame_wait_info = xr.FrameWaitInfo()
        self._frame_state = xr.FrameState()
        self._begin_frame = direct.loader_function("xrBeginFrame", u64, ptr)
        self._frame_begin_info = xr.FrameBeginInfo()
        self._event = xr.EventDataBuffer()
        self._locate_views = direct.loader_function("xrLocateViews", u64, ptr, ptr, u32, ptr, ptr)
        self._view_locate_info = xr.ViewLocateInfo(view_configuration_type=self.view_config, display_time=1)
        self._view_state = xr.ViewState()
        # Arrays built from constructed structs: pyopenxr's constructors set each struct's type, ctypes' do not.
        self._views = (xr.View * 2)(xr.View(), xr.View())
        self._view_count = ctypes.c_uint32(0)
        self._end_frame_call = direct.loader_function("xrEndFrame", u64, ptr)
        self._acquire_image = direct.loader_function("xrAcquireSwapchainImage", u64, ptr, ptr)
        self._wait_image = direct.loader_function("xrWaitSwapchainImage", u64, ptr)
        self._release_image = direct.loader_function("xrReleaseSwapchainImage", u64, ptr)
        self._swapchain_infos = (
            xr.SwapchainImageAcquireInfo(),
            xr.SwapchainImageWaitInfo(timeout=xr.INFINITE_DURATION),
            xr.SwapchainImageReleaseInfo(),
        )
        self._acquire_info_address, self._wait_info_address, self._release_info_address = (
            direct.address(info) for info in self._swapchain_infos
        )
        self._image_index = ctypes.c_uint32(0)
        # (swapchain, its handle as an integer) for colour and, when submitted, depth.
        self._swapchains = [(s, direct.handle_value(s.handle)) for s in (self.color, self.depth) if s is not None]
        self._projection_views = (xr.CompositionLayerProjectionView * 2)(
            xr.CompositionLayerProjectionView(), xr.CompositionLayerProjectionView()
        )
        self._depth_infos = (xr.CompositionLayerDepthInfoKHR * 2)(
            xr.CompositionLayerDepthInfoKHR(), xr.CompositionLayerDepthInfoKHR()
        )
        for eye in (0, 1):
            view = self._projection_views[eye]
            view.sub_image = self.color.sub_image(eye)
            if self.depth is not None:
                depth = self._depth_infos[eye]
                depth.sub_image = self.depth.sub_image(eye)
                depth.min_depth, depth.max_depth, depth.near_z, depth.far_z = 0.0, 1.0, self.near_m, self.far_m
                view.next = ctypes.cast(ctypes.pointer(depth), ctypes.c_void_p)
        self._layer = xr.CompositionLayerProjection(space=self.play_space, views=self._projection_views)
        header = ctypes.POINTER(xr.CompositionLayerBaseHeader)
        self._layers = (header * 1)(ctypes.cast(ctypes.pointer(self._layer), header))
        self._end_info = xr.FrameEndInfo(display_time=1, environment_blend_mode=self.blend_mode)
        self._end_info._layers = ctypes.cast(self._layers, ctypes.POINTER(header))

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
        event = self._event
        while self.instance is not None and self.instance.handle is not None:
            # One buffer for every poll: the runtime overwrites its type with the event's, so it is set again.
            event._type = xr.StructureType.EVENT_DATA_BUFFER.value
            result = self._poll_event(self._instance_value, direct.address(event))
            if result == EVENT_UNAVAILABLE:
                return
            try:
                direct.check(result)
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
        state = self._frame_state
        result = self._wait_frame(self._session_value, direct.address(self._frame_wait_info), direct.address(state))
        if result == direct.SESSION_LOSS_PENDING:
            self.lost = True
            return None
        try:
            direct.check(result)
        except _LOST_ERRORS as error:
            raise self._lost(error) from error
        return FrameTiming(state.predicted_display_time, state.predicted_display_period, bool(state.should_render))

    def begin_frame(self) -> bool:
        result = self._begin_frame(self._session_value, direct.address(self._frame_begin_info))
        if result == FRAME_DISCARDED:
            log.warning("the previous frame was discarded")
        elif result == direct.SESSION_LOSS_PENDING:
            self.lost = True
            return False
        else:
            try:
                direct.check(result)
            except _LOST_ERRORS as error:
                raise self._lost(error) from error
        return True

    def locate_views(self, display_time: int) -> list[EyeView] | None:
        """Both eyes at ``display_time`` in the play space; None when the head is not tracked."""
        info = self._view_locate_info
        info.display_time = display_time
        info.space = self.play_space  # changes when the runtime recentres
        views = self._views
        try:
            # PRIMARY_STEREO has two views: one call with room for both, not the two-call idiom's pair.
            direct.check(
                self._locate_views(
                    self._session_value,
                    direct.address(info),
                    direct.address(self._view_state),
                    2,
                    direct.address(self._view_count),
                    direct.address(views),
                )
            )
        except _LOST_ERRORS as error:
            raise self._lost(error) from error
        if self._view_state._view_state_flags & _VIEWS_VALID != _VIEWS_VALID:
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
            names = [self._acquire(swapchain, value) for swapchain, value in self._swapchains]
        except _LOST_ERRORS as error:
            raise self._lost(error) from error
        color, depth = names[0], names[1] if len(names) > 1 else None
        rect = (0, 0, self.color.width, self.color.height)
        return [RenderTarget(color, depth, eye, rect, self.srgb) for eye in (0, 1)]

    def release_targets(self) -> None:
        try:
            for swapchain, value in self._swapchains:
                if swapchain.acquired is not None:
                    direct.check(self._release_image(value, self._release_info_address))
                    swapchain.acquired = None
        except _LOST_ERRORS as error:
            raise self._lost(error) from error

    def _acquire(self, swapchain: Swapchain, handle: int) -> int:
        """Acquire and wait for ``swapchain``'s next image (``handle``: its handle as an integer) as
        :meth:`Swapchain.acquire` does, through the direct calls; its GL texture name."""
        index = self._image_index
        direct.check(self._acquire_image(handle, self._acquire_info_address, direct.address(index)))
        direct.check(self._wait_image(handle, self._wait_info_address))
        swapchain.acquired = index.value
        return swapchain.images[index.value]

    def end_frame(self, display_time: int, rendered: bool) -> None:
        """xrEndFrame with the projection layer (and depth) when this frame was rendered, else no layers."""
        info = self._end_info
        info.display_time = display_time
        info.layer_count = 0
        if rendered:
            # The structs made in _prepare_frame_calls, with this frame's eye poses and fields of view.
            for view, located in zip(self._projection_views, self._located, strict=True):
                view.pose = located.pose
                view.fov = located.fov
            self._layer.space = self.play_space
            info.layer_count = 1
        result = self._end_frame_call(self._session_value, direct.address(info))
        if result == direct.SESSION_LOSS_PENDING:
            self.lost = True
            return
        try:
            direct.check(result)
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
