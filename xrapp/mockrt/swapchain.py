"""Swapchains in the mock: GL textures made in the application's context, and the acquire/wait/release rules.

Images are handed out round-robin. The spec's order is enforced: an image must be acquired, then waited, then
released; at most all images acquired at once; only one waited image at a time. The compositor (``frame``) reads
the most recently released image of each swapchain a layer names.
"""

from __future__ import annotations

import ctypes
from collections import deque

import xr

from renderer.runtime_gl import formats_supported, is_depth_format

from .dispatch import implements
from .errors import require, require_type
from .handles import write_handle
from .idioms import two_call
from .instance import runtime
from .session import MockSession, get_session

FORMATS = tuple(formats_supported())
"""In the runtime's order of preference: sRGB colour first (what the display expects), then depth."""

_KNOWN_USAGE = (
    xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT
    | xr.SwapchainUsageFlags.DEPTH_STENCIL_ATTACHMENT_BIT
    | xr.SwapchainUsageFlags.UNORDERED_ACCESS_BIT
    | xr.SwapchainUsageFlags.TRANSFER_SRC_BIT
    | xr.SwapchainUsageFlags.TRANSFER_DST_BIT
    | xr.SwapchainUsageFlags.SAMPLED_BIT
    | xr.SwapchainUsageFlags.MUTABLE_FORMAT_BIT
)


class MockSwapchain:
    """An XrSwapchain: its images (GL texture names) and where each image is in its acquire/wait/release cycle."""

    def __init__(self, session: MockSession, info: xr.SwapchainCreateInfo) -> None:
        self.session = session
        self.format = info.format
        self.width = info.width
        self.height = info.height
        self.array_size = info.array_size
        self.mip_count = info.mip_count
        self.usage = info._usage_flags
        self.is_depth = is_depth_format(info.format)
        self.images = session.gl.create_images(
            info.width,
            info.height,
            info.array_size,
            info.format,
            session.runtime.config.swapchain_image_count,
            info.mip_count,
        )
        self.acquired: deque[int] = deque()  # acquired, not yet released, oldest first
        self.waited: int | None = None
        self.next_index = 0
        self.last_released: int | None = None
        self.handle = session.runtime.handles.add(self)

    def destroy(self) -> None:
        if self.images:
            self.session.gl.delete_images(self.images)
            self.images = []
        self.session.runtime.handles.remove(self.handle)

    def acquire(self) -> int:
        require(
            len(self.acquired) < len(self.images),
            xr.Result.ERROR_CALL_ORDER_INVALID,
            f"all {len(self.images)} images are acquired: release one before acquiring again",
        )
        index = self.next_index
        self.next_index = (index + 1) % len(self.images)
        self.acquired.append(index)
        return index

    def wait(self) -> None:
        require(self.waited is None, xr.Result.ERROR_CALL_ORDER_INVALID, "an image is already waited: release it first")
        require(
            len(self.acquired) > 0, xr.Result.ERROR_CALL_ORDER_INVALID, "no acquired image to wait for: acquire first"
        )
        self.waited = self.acquired[0]

    def release(self) -> None:
        require(
            self.waited is not None,
            xr.Result.ERROR_CALL_ORDER_INVALID,
            "no waited image to release: call xrWaitSwapchainImage first",
        )
        self.acquired.popleft()
        self.last_released = self.waited
        self.waited = None


def get_swapchain(handle, what: str = "swapchain") -> MockSwapchain:
    swapchain = runtime().handles.get(handle, MockSwapchain, what)
    swapchain.session.check_alive()
    return swapchain


@implements("xrEnumerateSwapchainFormats")
def enumerate_swapchain_formats(handle, capacity, count_out, formats):
    get_session(handle)

    def fill(index, item):
        formats[index] = item

    two_call(capacity, count_out, formats, FORMATS, fill, "xrEnumerateSwapchainFormats")


@implements("xrCreateSwapchain")
def create_swapchain(handle, info_ptr, swapchain_out):
    session = get_session(handle)
    require_type(info_ptr, xr.StructureType.SWAPCHAIN_CREATE_INFO, "createInfo")
    info = info_ptr.contents
    max_w, max_h = session.runtime.config.max_size
    require(
        info.format in FORMATS,
        xr.Result.ERROR_SWAPCHAIN_FORMAT_UNSUPPORTED,
        f"format {info.format:#x} is not offered: choose one from xrEnumerateSwapchainFormats",
    )
    require(info._create_flags == 0, xr.Result.ERROR_FEATURE_UNSUPPORTED, "swapchain create flags are not supported")
    require(info._usage_flags & ~int(_KNOWN_USAGE) == 0, xr.Result.ERROR_VALIDATION_FAILURE, "unknown usage flag bits")
    require(info.sample_count == 1, xr.Result.ERROR_FEATURE_UNSUPPORTED, f"sampleCount {info.sample_count}: use 1")
    require(info.face_count == 1, xr.Result.ERROR_VALIDATION_FAILURE, f"faceCount {info.face_count}: use 1")
    require(info.array_size in (1, 2), xr.Result.ERROR_VALIDATION_FAILURE, f"arraySize {info.array_size}: use 1 or 2")
    require(info.mip_count >= 1, xr.Result.ERROR_VALIDATION_FAILURE, "mipCount must be at least 1")
    require(
        0 < info.width <= max_w and 0 < info.height <= max_h,
        xr.Result.ERROR_SIZE_INSUFFICIENT if info.width and info.height else xr.Result.ERROR_VALIDATION_FAILURE,
        f"{info.width}x{info.height} is outside 1x1 .. {max_w}x{max_h}",
    )
    swapchain = MockSwapchain(session, info)
    write_handle(swapchain_out, swapchain.handle, "swapchain")


@implements("xrDestroySwapchain")
def destroy_swapchain(handle):
    runtime().handles.get(handle, MockSwapchain, "swapchain").destroy()


@implements("xrEnumerateSwapchainImages")
def enumerate_swapchain_images(handle, capacity, count_out, images_ptr):
    swapchain = get_swapchain(handle)
    images = ctypes.cast(images_ptr, ctypes.POINTER(xr.SwapchainImageOpenGLKHR))
    if capacity:
        for i in range(min(capacity, len(swapchain.images))):
            require(
                images[i]._type == xr.StructureType.SWAPCHAIN_IMAGE_OPENGL_KHR.value,
                xr.Result.ERROR_VALIDATION_FAILURE,
                f"images[{i}].type is not XR_TYPE_SWAPCHAIN_IMAGE_OPENGL_KHR",
            )

    def fill(index, name):
        images[index].image = name

    two_call(capacity, count_out, images, swapchain.images, fill, "xrEnumerateSwapchainImages")


@implements("xrAcquireSwapchainImage")
def acquire_swapchain_image(handle, info_ptr, index_out):
    swapchain = get_swapchain(handle)
    if info_ptr:
        require_type(info_ptr, xr.StructureType.SWAPCHAIN_IMAGE_ACQUIRE_INFO, "acquireInfo")
    require(bool(index_out), xr.Result.ERROR_VALIDATION_FAILURE, "index is NULL")
    index_out[0] = swapchain.acquire()


@implements("xrWaitSwapchainImage")
def wait_swapchain_image(handle, info_ptr):
    swapchain = get_swapchain(handle)
    require_type(info_ptr, xr.StructureType.SWAPCHAIN_IMAGE_WAIT_INFO, "waitInfo")
    swapchain.wait()


@implements("xrReleaseSwapchainImage")
def release_swapchain_image(handle, info_ptr):
    swapchain = get_swapchain(handle)
    if info_ptr:
        require_type(info_ptr, xr.StructureType.SWAPCHAIN_IMAGE_RELEASE_INFO, "releaseInfo")
    swapchain.release()
