"""Plain pyopenxr steps for tests, written as any OpenXR program would write them (no application code)."""

from __future__ import annotations

import ctypes

import xr

from xrapp.xr.binding import graphics_binding

EXTENSIONS = ["XR_KHR_opengl_enable", "XR_MNDX_egl_enable", "XR_KHR_composition_layer_depth"]


def create_instance(extensions=EXTENSIONS) -> xr.Instance:
    return xr.create_instance(
        xr.InstanceCreateInfo(
            application_info=xr.ApplicationInfo(application_name="test", api_version=xr.Version(1, 0, 0)),
            enabled_extension_names=extensions,
        )
    )


def system(instance) -> int:
    return xr.get_system(instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))


def create_session(instance, system_id, context, binding=None) -> xr.Session:
    xr.get_opengl_graphics_requirements_khr(instance, system_id)
    binding = binding if binding is not None else graphics_binding(context)
    return xr.create_session(
        instance,
        xr.SessionCreateInfo(system_id=system_id, next=ctypes.cast(ctypes.pointer(binding), ctypes.c_void_p)),
    )


def states(instance) -> list[xr.SessionState]:
    """Drain the event queue; the session states it carried, in order."""
    seen = []
    while True:
        try:
            event = xr.poll_event(instance)
        except xr.EventUnavailable:
            return seen
        if xr.StructureType(event.type) == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
            changed = ctypes.cast(ctypes.byref(event), ctypes.POINTER(xr.EventDataSessionStateChanged)).contents
            seen.append(xr.SessionState(changed.state))


def begin(session) -> None:
    xr.begin_session(
        session, xr.SessionBeginInfo(primary_view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO)
    )


def stage(session) -> xr.Space:
    return xr.create_reference_space(
        session,
        xr.ReferenceSpaceCreateInfo(
            reference_space_type=xr.ReferenceSpaceType.STAGE, pose_in_reference_space=xr.Posef()
        ),
    )


def swapchain(session, width=64, height=64, array_size=2, fmt=0x8C43) -> xr.Swapchain:
    usage = (
        xr.SwapchainUsageFlags.DEPTH_STENCIL_ATTACHMENT_BIT
        if fmt in (0x81A6, 0x8CAC, 0x88F0, 0x81A5)
        else xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT
    )
    return xr.create_swapchain(
        session,
        xr.SwapchainCreateInfo(
            usage_flags=usage,
            format=fmt,
            sample_count=1,
            width=width,
            height=height,
            face_count=1,
            array_size=array_size,
            mip_count=1,
        ),
    )


def cycle_image(chain) -> int:
    index = xr.acquire_swapchain_image(chain, xr.SwapchainImageAcquireInfo())
    xr.wait_swapchain_image(chain, xr.SwapchainImageWaitInfo(timeout=xr.INFINITE_DURATION))
    xr.release_swapchain_image(chain, xr.SwapchainImageReleaseInfo())
    return index


def projection_layer(space, chain, width=64, height=64, rect=None) -> xr.CompositionLayerProjection:
    x, y, w, h = rect or (0, 0, width, height)
    views = [
        xr.CompositionLayerProjectionView(
            pose=xr.Posef(),
            fov=xr.Fovf(-0.8, 0.7, 0.75, -0.8),
            sub_image=xr.SwapchainSubImage(
                swapchain=chain,
                image_rect=xr.Rect2Di(offset=xr.Offset2Di(x, y), extent=xr.Extent2Di(w, h)),
                image_array_index=eye,
            ),
        )
        for eye in (0, 1)
    ]
    return xr.CompositionLayerProjection(space=space, views=views)


def end(session, display_time, layers=()) -> None:
    xr.end_frame(
        session,
        xr.FrameEndInfo(
            display_time=display_time,
            environment_blend_mode=xr.EnvironmentBlendMode.OPAQUE,
            layers=[ctypes.byref(layer) for layer in layers],
        ),
    )


def frame(session, layers=()) -> xr.FrameState:
    state = xr.wait_frame(session, xr.FrameWaitInfo())
    xr.begin_frame(session, xr.FrameBeginInfo())
    end(session, state.predicted_display_time, layers)
    return state


class Running:
    """An instance, a session begun and run to FOCUSED, a STAGE space and a 2-layer colour swapchain."""

    def __init__(self, context) -> None:
        self.instance = create_instance()
        self.system_id = system(self.instance)
        self.session = create_session(self.instance, self.system_id, context)
        self.seen = states(self.instance)
        begin(self.session)
        self.space = stage(self.session)
        self.chain = swapchain(self.session)
        frame(self.session)
        self.seen += states(self.instance)

    def destroy(self) -> None:
        xr.destroy_instance(self.instance)
