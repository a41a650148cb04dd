"""The mock refuses what the strictest real runtime refuses, with the XrResult the spec names."""

from __future__ import annotations

import ctypes

import pytest
import xr

from . import xrkit

pytestmark = [pytest.mark.xr, pytest.mark.gl]


@pytest.fixture
def running(mock_runtime, gl_context):
    r = xrkit.Running(gl_context)
    yield r
    r.destroy()


def bad_handle(r):
    xr.request_exit_session(ctypes.cast(ctypes.c_void_p(0xDEAD0), xr.Session))


def handle_of_wrong_type(r):
    xr.request_exit_session(ctypes.cast(r.space, xr.Session))


def wrong_struct_type(r):
    info = xr.FrameWaitInfo()
    info._type = xr.StructureType.FRAME_BEGIN_INFO.value
    xr.wait_frame(r.session, info)


def begin_without_wait(r):
    xr.begin_frame(r.session, xr.FrameBeginInfo())


def wait_twice(r):
    xr.wait_frame(r.session, xr.FrameWaitInfo())
    xr.wait_frame(r.session, xr.FrameWaitInfo())


def end_without_begin(r):
    state = xr.wait_frame(r.session, xr.FrameWaitInfo())
    xrkit.end(r.session, state.predicted_display_time)


def end_with_unreleased_image(r):
    xrkit.cycle_image(r.chain)
    state = xr.wait_frame(r.session, xr.FrameWaitInfo())
    xr.begin_frame(r.session, xr.FrameBeginInfo())
    xr.acquire_swapchain_image(r.chain, xr.SwapchainImageAcquireInfo())
    xrkit.end(r.session, state.predicted_display_time, [xrkit.projection_layer(r.space, r.chain)])


def end_with_never_released_swapchain(r):
    state = xr.wait_frame(r.session, xr.FrameWaitInfo())
    xr.begin_frame(r.session, xr.FrameBeginInfo())
    xrkit.end(r.session, state.predicted_display_time, [xrkit.projection_layer(r.space, r.chain)])


def display_time_never_predicted(r):
    state = xr.wait_frame(r.session, xr.FrameWaitInfo())
    xr.begin_frame(r.session, xr.FrameBeginInfo())
    xrkit.end(r.session, state.predicted_display_time + 1)


def rect_outside_image(r):
    xrkit.cycle_image(r.chain)
    state = xr.wait_frame(r.session, xr.FrameWaitInfo())
    xr.begin_frame(r.session, xr.FrameBeginInfo())
    layer = xrkit.projection_layer(r.space, r.chain, rect=(32, 0, 64, 64))
    xrkit.end(r.session, state.predicted_display_time, [layer])


def array_index_out_of_range(r):
    chain = xrkit.swapchain(r.session, array_size=1)
    xrkit.cycle_image(chain)
    state = xr.wait_frame(r.session, xr.FrameWaitInfo())
    xr.begin_frame(r.session, xr.FrameBeginInfo())
    xrkit.end(r.session, state.predicted_display_time, [xrkit.projection_layer(r.space, chain)])


def wait_image_not_acquired(r):
    xr.wait_swapchain_image(r.chain, xr.SwapchainImageWaitInfo(timeout=0))


def release_image_not_waited(r):
    xr.acquire_swapchain_image(r.chain, xr.SwapchainImageAcquireInfo())
    xr.release_swapchain_image(r.chain, xr.SwapchainImageReleaseInfo())


def acquire_more_than_images(r):
    for _ in range(4):
        xr.acquire_swapchain_image(r.chain, xr.SwapchainImageAcquireInfo())


def unsupported_format(r):
    xrkit.swapchain(r.session, fmt=0x1908)  # GL_RGBA: unsized, no runtime offers it


def end_session_while_running(r):
    xr.end_session(r.session)


def begin_session_twice(r):
    xrkit.begin(r.session)


def malformed_path(r):
    xr.string_to_path(r.instance, "/user/Hand//left/")


def unknown_path(r):
    buffer = ctypes.create_string_buffer(256)
    count = ctypes.c_uint32()
    result = xr.raw_functions.xrPathToString(r.instance, 987654, 256, ctypes.byref(count), buffer)
    raise xr.check_result(xr.Result(result))


def non_unit_space_pose(r):
    pose = xr.Posef(orientation=xr.Quaternionf(0, 0, 0, 2))
    xr.create_reference_space(
        r.session,
        xr.ReferenceSpaceCreateInfo(reference_space_type=xr.ReferenceSpaceType.LOCAL, pose_in_reference_space=pose),
    )


def locate_at_time_zero(r):
    xr.locate_space(r.space, r.space, 0)


CASES = [
    (bad_handle, xr.HandleInvalidError),
    (handle_of_wrong_type, xr.HandleInvalidError),
    (wrong_struct_type, xr.ValidationFailureError),
    (begin_without_wait, xr.CallOrderInvalidError),
    (wait_twice, xr.CallOrderInvalidError),
    (end_without_begin, xr.CallOrderInvalidError),
    (end_with_unreleased_image, xr.LayerInvalidError),
    (end_with_never_released_swapchain, xr.LayerInvalidError),
    (display_time_never_predicted, xr.TimeInvalidError),
    (rect_outside_image, xr.SwapchainRectInvalidError),
    (array_index_out_of_range, xr.ValidationFailureError),
    (wait_image_not_acquired, xr.CallOrderInvalidError),
    (release_image_not_waited, xr.CallOrderInvalidError),
    (acquire_more_than_images, xr.CallOrderInvalidError),
    (unsupported_format, xr.SwapchainFormatUnsupportedError),
    (end_session_while_running, xr.SessionNotStoppingError),
    (begin_session_twice, xr.SessionRunningError),
    (malformed_path, xr.PathFormatInvalidError),
    (unknown_path, xr.PathInvalidError),
    (non_unit_space_pose, xr.PoseInvalidError),
    (locate_at_time_zero, xr.TimeInvalidError),
]


@pytest.mark.parametrize(("call", "error"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_invalid_call_gets_its_spec_result(running, mock_runtime, call, error):
    with pytest.raises(error):
        call(running)
    failure = mock_runtime.failures[-1]
    assert failure.message, "the mock says why it refused"


def test_frame_calls_while_not_running(mock_runtime, gl_context):
    instance = xrkit.create_instance()
    try:
        session = xrkit.create_session(instance, xrkit.system(instance), gl_context)
        with pytest.raises(xr.SessionNotRunningError):
            xr.wait_frame(session, xr.FrameWaitInfo())
        with pytest.raises(xr.SessionNotRunningError):
            xr.request_exit_session(session)
    finally:
        xr.destroy_instance(instance)


def test_session_without_graphics_requirements_call(mock_runtime, gl_context):
    from xrapp.xr.binding import graphics_binding

    instance = xrkit.create_instance()
    try:
        binding = graphics_binding(gl_context)
        info = xr.SessionCreateInfo(
            system_id=xrkit.system(instance), next=ctypes.cast(ctypes.pointer(binding), ctypes.c_void_p)
        )
        with pytest.raises(xr.GraphicsRequirementsCallMissingError):
            xr.create_session(instance, info)
    finally:
        xr.destroy_instance(instance)


@pytest.mark.parametrize("missing", ["glx_fbconfig", "visualid"])
def test_xlib_binding_without_fbconfig_or_visual_is_refused_as_monado_does(mock_runtime, gl_context, missing):
    instance = xrkit.create_instance(["XR_KHR_opengl_enable"])
    try:
        # What pyopenxr's own GLX helper produces: display and context set, fbconfig and visual left empty.
        t = xr.GraphicsBindingOpenGLXlibKHR
        field = dict(t._fields_)
        binding = t(
            x_display=ctypes.cast(ctypes.c_void_p(0x1000), field["x_display"]),
            visualid=0 if missing == "visualid" else 33,
            glx_fbconfig=ctypes.cast(
                ctypes.c_void_p(0 if missing == "glx_fbconfig" else 0x2000), field["glx_fbconfig"]
            ),
            glx_drawable=0,
            glx_context=ctypes.cast(ctypes.c_void_p(0x3000), field["glx_context"]),
        )
        with pytest.raises(xr.GraphicsDeviceInvalidError):
            xrkit.create_session(instance, xrkit.system(instance), gl_context, binding=binding)
        assert ("visualid" if missing == "visualid" else "glxFBConfig") in mock_runtime.failures[-1].message
    finally:
        xr.destroy_instance(instance)


def test_only_one_instance_at_a_time(mock_runtime):
    first = xrkit.create_instance()
    try:
        with pytest.raises(xr.LimitReachedError):
            xrkit.create_instance()
    finally:
        xr.destroy_instance(first)


def test_unknown_extension_is_refused(mock_runtime):
    with pytest.raises(xr.ExtensionNotPresentError):
        xrkit.create_instance(["XR_KHR_vulkan_enable2"])
