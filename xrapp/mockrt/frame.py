"""The frame loop in the mock: xrWaitFrame, xrBeginFrame, xrEndFrame, layer validation and capture.

Order rules (spec, "Frame Submission"): xrBeginFrame needs a preceding xrWaitFrame; a second xrWaitFrame before the
matching xrBeginFrame would block a real runtime forever, so the mock fails it; xrBeginFrame while a frame is begun
discards that frame (XR_FRAME_DISCARDED); xrEndFrame needs a begun frame and the displayTime that xrWaitFrame
predicted for it.
"""

from __future__ import annotations

import ctypes
import logging
import time
from collections import deque

import numpy as np
import xr

from ..capture import write_views
from .dispatch import implements
from .errors import XrError, require, require_type
from .idioms import chain, pose_is_valid
from .runtime import Capture, FrameTiming
from .session import MockSession, get_session
from .space import MockSpace
from .swapchain import MockSwapchain, get_swapchain

log = logging.getLogger("xrapp.mockrt")

S = xr.SessionState
EYE_VISIBILITIES = {v.value for v in xr.EyeVisibility}
LAYER_FLAGS = int(
    xr.CompositionLayerFlags.CORRECT_CHROMATIC_ABERRATION_BIT
    | xr.CompositionLayerFlags.BLEND_TEXTURE_SOURCE_ALPHA_BIT
    | xr.CompositionLayerFlags.UNPREMULTIPLIED_ALPHA_BIT
    | xr.CompositionLayerFlags.INVERTED_ALPHA_BIT_EXT
)


class FrameLoop:
    """One session's frame bookkeeping: waited and begun frames, predicted times, timings, capture."""

    def __init__(self, session: MockSession) -> None:
        self.session = session
        self.waited_frames = 0
        self.reset()

    def reset(self) -> None:
        self.waited: int | None = None  # predicted display time of a waited, not yet begun frame
        self.begun: int | None = None  # predicted display time of the begun frame
        self.predicted: deque[int] = deque(maxlen=32)
        self.timing: FrameTiming | None = None

    def on_views_located(self, display_time: int, now_ns: int) -> None:
        if self.timing is not None and self.timing.display_time == display_time and not self.timing.locate_views_ns:
            self.timing.locate_views_ns = now_ns


def _check_frame_session(handle) -> tuple[MockSession, xr.Result | None]:
    session = get_session(handle)
    if session.state == S.LOSS_PENDING:
        return session, xr.Result.SESSION_LOSS_PENDING
    session.check_running()
    return session, None


def _run_due_faults(session: MockSession, t_prev: float, t_now: float) -> None:
    rt = session.runtime
    due = getattr(rt.pose_source, "due_faults", None)
    if due is None:
        return
    for _t, name, kwargs in due(t_prev, t_now):
        log.info("scripted fault at %.3f s: %s %s", t_now, name, kwargs or "")
        getattr(rt, name)(**kwargs)


@implements("xrWaitFrame")
def wait_frame(handle, info_ptr, state_ptr):
    session, pending = _check_frame_session(handle)
    if info_ptr:
        require_type(info_ptr, xr.StructureType.FRAME_WAIT_INFO, "frameWaitInfo")
    require_type(state_ptr, xr.StructureType.FRAME_STATE, "frameState")
    if pending:
        return pending
    frames = session.frames
    require(
        frames.waited is None,
        xr.Result.ERROR_CALL_ORDER_INVALID,
        "xrWaitFrame called again before xrBeginFrame for the frame it already returned (a real runtime would block)",
    )
    rt = session.runtime
    t_prev = rt.now_seconds()
    now = rt.clock.advance_frame()
    predicted = now + rt.config.period_ns
    frames.waited = predicted
    frames.predicted.append(predicted)
    frames.timing = FrameTiming(index=frames.waited_frames, display_time=predicted, wait_ns=time.perf_counter_ns())
    frames.waited_frames += 1
    state = state_ptr.contents
    state.predicted_display_time = predicted
    state.predicted_display_period = rt.config.period_ns
    session.on_first_wait()
    state.should_render = session.state in (S.VISIBLE, S.FOCUSED)
    _run_due_faults(session, t_prev, rt.now_seconds())
    return None


@implements("xrBeginFrame")
def begin_frame(handle, info_ptr):
    session, pending = _check_frame_session(handle)
    if info_ptr:
        require_type(info_ptr, xr.StructureType.FRAME_BEGIN_INFO, "frameBeginInfo")
    if pending:
        return pending
    frames = session.frames
    require(frames.waited is not None, xr.Result.ERROR_CALL_ORDER_INVALID, "xrBeginFrame without a prior xrWaitFrame")
    discarded = frames.begun is not None
    frames.begun, frames.waited = frames.waited, None
    if frames.timing is not None:
        frames.timing.begin_ns = time.perf_counter_ns()
    return xr.Result.FRAME_DISCARDED if discarded else None


@implements("xrEndFrame")
def end_frame(handle, info_ptr):
    session, pending = _check_frame_session(handle)
    require_type(info_ptr, xr.StructureType.FRAME_END_INFO, "frameEndInfo")
    if pending:
        return pending
    frames = session.frames
    require(frames.begun is not None, xr.Result.ERROR_CALL_ORDER_INVALID, "xrEndFrame without a prior xrBeginFrame")
    info = info_ptr.contents
    end_ns = time.perf_counter_ns()
    display_time, frames.begun = frames.begun, None  # the frame ends whether or not its layers are valid
    if info.display_time != display_time:
        raise XrError(
            xr.Result.ERROR_TIME_INVALID,
            f"displayTime {info.display_time} is not the predictedDisplayTime {display_time} xrWaitFrame gave this "
            "frame",
        )
    if info._environment_blend_mode != xr.EnvironmentBlendMode.OPAQUE:
        raise XrError(
            xr.Result.ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED,
            f"environmentBlendMode {info._environment_blend_mode}: the mock offers OPAQUE only",
        )
    rt = session.runtime
    if info.layer_count > rt.config.max_layer_count:
        raise XrError(
            xr.Result.ERROR_LAYER_LIMIT_EXCEEDED,
            f"{info.layer_count} layers exceed maxLayerCount {rt.config.max_layer_count}",
        )
    layers = []
    if info.layer_count:
        require(bool(info._layers), xr.Result.ERROR_VALIDATION_FAILURE, f"layerCount {info.layer_count}, layers NULL")
        for i in range(info.layer_count):
            require(bool(info._layers[i]), xr.Result.ERROR_LAYER_INVALID, f"layers[{i}] is NULL")
            address = ctypes.cast(info._layers[i], ctypes.c_void_p).value
            layers.append(_validate_layer(session, i, address))
    index = rt.frames_ended
    rt.frames_ended += 1
    if frames.timing is not None:
        frames.timing.end_ns = end_ns
        rt.frame_timings.append(frames.timing)
        frames.timing = None
    capture_frames = rt.config.capture_frames
    if capture_frames is not None and index in capture_frames:
        _capture(session, index, display_time, layers)
    session.on_frame_ended()
    return None


def _space_of(session: MockSession, handle, what: str) -> MockSpace:
    space = session.runtime.handles.get(handle, MockSpace, what)
    require(space.session is session, xr.Result.ERROR_VALIDATION_FAILURE, f"{what} belongs to another session")
    return space


# The checks below run for every view of every frame: each message is made only when its check fails.


def _check_sub_image(session: MockSession, sub: xr.SwapchainSubImage, what: str, depth: bool = False):
    swapchain = get_swapchain(sub.swapchain, f"{what}.swapchain")
    if swapchain.session is not session:
        raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"{what}.swapchain: another session")
    if swapchain.last_released is None:
        raise XrError(
            xr.Result.ERROR_LAYER_INVALID,
            f"{what}.swapchain has no released image: acquire, wait, render and release before xrEndFrame",
        )
    if swapchain.acquired:
        raise XrError(
            xr.Result.ERROR_LAYER_INVALID,
            f"{what}.swapchain still has an acquired image: release it before xrEndFrame",
        )
    if swapchain.is_depth != depth:
        raise XrError(
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"{what}.swapchain is a {'depth' if swapchain.is_depth else 'colour'} swapchain",
        )
    rect = sub.image_rect
    x, y, w, h = rect.offset.x, rect.offset.y, rect.extent.width, rect.extent.height
    if not (x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= swapchain.width and y + h <= swapchain.height):
        raise XrError(
            xr.Result.ERROR_SWAPCHAIN_RECT_INVALID,
            f"{what}.imageRect ({x}, {y}, {w}x{h}) is not inside the {swapchain.width}x{swapchain.height} image",
        )
    if sub.image_array_index >= swapchain.array_size:
        raise XrError(
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"{what}.imageArrayIndex {sub.image_array_index} >= arraySize {swapchain.array_size}",
        )
    return swapchain, sub.image_array_index, (x, y, w, h)


def _validate_layer(session: MockSession, i: int, address: int):
    base = ctypes.cast(address, ctypes.POINTER(xr.CompositionLayerBaseHeader)).contents
    what = f"layers[{i}]"
    require(base._layer_flags & ~LAYER_FLAGS == 0, xr.Result.ERROR_VALIDATION_FAILURE, f"{what}: unknown layer flags")
    if base._type == xr.StructureType.COMPOSITION_LAYER_PROJECTION:
        layer = ctypes.cast(address, ctypes.POINTER(xr.CompositionLayerProjection)).contents
        _space_of(session, layer.space, f"{what}.space")
        require(
            layer.view_count == 2,
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"{what}.viewCount is {layer.view_count}; PRIMARY_STEREO has 2 views",
        )
        require(bool(layer._views), xr.Result.ERROR_VALIDATION_FAILURE, f"{what}.views is NULL")
        views, depths = [], []
        for v in range(2):
            view = layer._views[v]
            vwhat = f"{what}.views[{v}]"
            if view._type != xr.StructureType.COMPOSITION_LAYER_PROJECTION_VIEW:
                raise XrError(
                    xr.Result.ERROR_VALIDATION_FAILURE, f"{vwhat}.type is not COMPOSITION_LAYER_PROJECTION_VIEW"
                )
            if not pose_is_valid(view.pose):
                raise XrError(xr.Result.ERROR_POSE_INVALID, f"{vwhat}.pose has a non-unit orientation")
            fov = view.fov
            if not (fov.angle_left < fov.angle_right and fov.angle_down < fov.angle_up):
                raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"{vwhat}.fov is empty or inverted")
            views.append(_check_sub_image(session, view.sub_image, f"{vwhat}.subImage"))
            for struct_type, child in chain(view._next):
                if struct_type == xr.StructureType.COMPOSITION_LAYER_DEPTH_INFO_KHR:
                    depths.append(_validate_depth(session, child, f"{vwhat}.next(depth)"))
        return ("projection", views, depths)
    if base._type == xr.StructureType.COMPOSITION_LAYER_QUAD:
        layer = ctypes.cast(address, ctypes.POINTER(xr.CompositionLayerQuad)).contents
        _space_of(session, layer.space, f"{what}.space")
        require(
            layer._eye_visibility in EYE_VISIBILITIES,
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"{what}.eyeVisibility {layer._eye_visibility} is not a valid XrEyeVisibility",
        )
        require(pose_is_valid(layer.pose), xr.Result.ERROR_POSE_INVALID, f"{what}.pose has a non-unit orientation")
        require(
            layer.size.width > 0 and layer.size.height > 0,
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"{what}.size must be positive",
        )
        return ("quad", [_check_sub_image(session, layer.sub_image, f"{what}.subImage")], [])
    raise XrError(xr.Result.ERROR_LAYER_INVALID, f"{what}.type {base._type} is not a layer type the mock supports")


def _validate_depth(session: MockSession, address: int, what: str):
    if "XR_KHR_composition_layer_depth" not in session.instance.extensions:
        raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"{what}: XR_KHR_composition_layer_depth is not enabled")
    depth = ctypes.cast(address, ctypes.POINTER(xr.CompositionLayerDepthInfoKHR)).contents
    if not 0.0 <= depth.min_depth <= depth.max_depth <= 1.0:
        raise XrError(
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"{what}: minDepth {depth.min_depth} / maxDepth {depth.max_depth} must satisfy 0 <= min <= max <= 1",
        )
    if not (depth.near_z != depth.far_z and depth.near_z == depth.near_z and depth.far_z == depth.far_z):
        raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"{what}: nearZ and farZ must differ")
    return _check_sub_image(session, depth.sub_image, f"{what}.subImage", depth=True)


def _capture(session: MockSession, index: int, display_time: int, layers) -> None:
    rt = session.runtime
    capture = Capture(frame=index, display_time=display_time)
    for kind, images, depths in layers:
        target = capture.views if kind == "projection" else capture.quads
        for swapchain, layer, (x, y, w, h) in images:
            target.append(_read(session, swapchain, layer, x, y, w, h))
        for swapchain, layer, (x, y, w, h) in depths:
            capture.depth.append(_read(session, swapchain, layer, x, y, w, h))
    rt.captures[index] = capture
    if rt.config.capture_dir is not None:
        write_views(index, capture.views, rt.config.capture_dir, capture.quads)


def _read(session: MockSession, swapchain: MockSwapchain, layer: int, x: int, y: int, w: int, h: int) -> np.ndarray:
    image = swapchain.images[swapchain.last_released]
    # With OpenGL the rect is in texel coordinates (origin bottom-left, as the application rendered it);
    # RuntimeGL returns the rows top-first, as an image file wants them.
    return session.gl.read_image(image, swapchain.array_size, layer, x, y, w, h, swapchain.format)
