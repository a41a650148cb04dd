"""Swapchains of the application: format choice from the runtime's order, and the acquire/wait/release cycle.

Both eyes share one colour swapchain with two array layers (layer 0 left, layer 1 right) and, where depth
submission is offered, one depth swapchain laid out the same way: the layout single-pass stereo renders into.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import xr

log = logging.getLogger("xrapp.xr")

GL_SRGB8_ALPHA8 = 0x8C43
GL_RGBA8 = 0x8058
GL_RGBA16F = 0x881A
GL_DEPTH_COMPONENT24 = 0x81A6
GL_DEPTH_COMPONENT32F = 0x8CAC
GL_DEPTH24_STENCIL8 = 0x88F0
GL_DEPTH_COMPONENT16 = 0x81A5

SRGB_FORMATS = (GL_SRGB8_ALPHA8,)
LINEAR_FORMATS = (GL_RGBA8, GL_RGBA16F)
DEPTH_FORMATS = (GL_DEPTH_COMPONENT24, GL_DEPTH_COMPONENT32F, GL_DEPTH24_STENCIL8, GL_DEPTH_COMPONENT16)


def choose_color_format(offered: list[int]) -> tuple[int, bool]:
    """The runtime's most preferred sRGB format we render to, else its most preferred linear one; (format, srgb)."""
    for fmt in offered:
        if fmt in SRGB_FORMATS:
            return fmt, True
    for fmt in offered:
        if fmt in LINEAR_FORMATS:
            return fmt, False
    names = ", ".join(hex(f) for f in offered)
    raise RuntimeError(f"the runtime offers no colour swapchain format this application renders to ({names})")


def choose_depth_format(offered: list[int]) -> int | None:
    """The runtime's most preferred depth format we know, or None."""
    return next((fmt for fmt in offered if fmt in DEPTH_FORMATS), None)


@dataclass
class Swapchain:
    """One XrSwapchain: ``images`` are GL texture names (GL_TEXTURE_2D_ARRAY when ``array_size`` is 2)."""

    handle: xr.Swapchain
    format: int
    width: int
    height: int
    array_size: int
    images: list[int]
    acquired: int | None = None

    @classmethod
    def create(cls, session: xr.Session, fmt: int, width: int, height: int, array_size: int, depth: bool) -> Swapchain:
        usage = (
            xr.SwapchainUsageFlags.DEPTH_STENCIL_ATTACHMENT_BIT
            if depth
            else xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT | xr.SwapchainUsageFlags.SAMPLED_BIT
        )
        info = xr.SwapchainCreateInfo(
            usage_flags=usage,
            format=fmt,
            sample_count=1,
            width=width,
            height=height,
            face_count=1,
            array_size=array_size,
            mip_count=1,
        )
        handle = xr.create_swapchain(session, info)
        images = [img.image for img in xr.enumerate_swapchain_images(handle, xr.SwapchainImageOpenGLKHR)]
        return cls(handle, fmt, width, height, array_size, images)

    def acquire(self) -> int:
        """Acquire and wait for the next image; return its GL texture name."""
        index = xr.acquire_swapchain_image(self.handle, xr.SwapchainImageAcquireInfo())
        xr.wait_swapchain_image(self.handle, xr.SwapchainImageWaitInfo(timeout=xr.INFINITE_DURATION))
        self.acquired = index
        return self.images[index]

    def release(self) -> None:
        if self.acquired is not None:
            xr.release_swapchain_image(self.handle, xr.SwapchainImageReleaseInfo())
            self.acquired = None

    def sub_image(self, layer: int) -> xr.SwapchainSubImage:
        return xr.SwapchainSubImage(
            swapchain=self.handle,
            image_rect=xr.Rect2Di(offset=xr.Offset2Di(0, 0), extent=xr.Extent2Di(self.width, self.height)),
            image_array_index=layer,
        )

    def destroy(self) -> None:
        if self.handle is not None:
            xr.destroy_swapchain(self.handle)
            self.handle = None
