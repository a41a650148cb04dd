"""The GL an OpenXR runtime does inside the application's context: swapchain images, and reading them back.

The mock runtime (``xrapp.mockrt``) calls :class:`RuntimeGL` when the application creates swapchains and when it
captures submitted layers. Like a real runtime it knows nothing of PyOpenGL: it resolves its functions with ctypes
through the get-proc-address function of the graphics binding (``eglGetProcAddress`` for
``XR_MNDX_egl_enable``; libGL's ``glXGetProcAddressARB`` for the Xlib binding), so PyOpenGL's platform choice cannot
break it. It saves and restores every binding and pixel-store setting it touches, so the application's GL state is
never disturbed.
"""

from __future__ import annotations

import ctypes

import numpy as np

from .gl_procs import GLFunctions, get_proc_address_function

# -- formats (the numeric values of the GL enums; swapchain formats in OpenXR are these ints) -----------------------
GL_RGBA8 = 0x8058
GL_SRGB8_ALPHA8 = 0x8C43
GL_RGBA16F = 0x881A
GL_RGBA16 = 0x805B
GL_DEPTH_COMPONENT16 = 0x81A5
GL_DEPTH_COMPONENT24 = 0x81A6
GL_DEPTH_COMPONENT32F = 0x8CAC
GL_DEPTH24_STENCIL8 = 0x88F0

#: Colour formats offered to applications, in the runtime's order of preference (sRGB first, as real runtimes do).
COLOR_FORMATS = (GL_SRGB8_ALPHA8, GL_RGBA8, GL_RGBA16F)
#: Depth formats offered to applications, in order of preference.
DEPTH_FORMATS = (GL_DEPTH_COMPONENT24, GL_DEPTH_COMPONENT32F, GL_DEPTH24_STENCIL8, GL_DEPTH_COMPONENT16)

FORMAT_NAMES = {
    GL_RGBA8: "GL_RGBA8",
    GL_SRGB8_ALPHA8: "GL_SRGB8_ALPHA8",
    GL_RGBA16F: "GL_RGBA16F",
    GL_RGBA16: "GL_RGBA16",
    GL_DEPTH_COMPONENT16: "GL_DEPTH_COMPONENT16",
    GL_DEPTH_COMPONENT24: "GL_DEPTH_COMPONENT24",
    GL_DEPTH_COMPONENT32F: "GL_DEPTH_COMPONENT32F",
    GL_DEPTH24_STENCIL8: "GL_DEPTH24_STENCIL8",
}

# -- other GL enums used here ---------------------------------------------------------------------------------------
GL_NO_ERROR = 0
GL_TEXTURE_2D = 0x0DE1
GL_TEXTURE_2D_ARRAY = 0x8C1A
GL_TEXTURE_BINDING_2D = 0x8069
GL_TEXTURE_BINDING_2D_ARRAY = 0x8C1D
GL_TEXTURE_MIN_FILTER = 0x2801
GL_TEXTURE_MAG_FILTER = 0x2800
GL_TEXTURE_WRAP_S = 0x2802
GL_TEXTURE_WRAP_T = 0x2803
GL_TEXTURE_IMMUTABLE_FORMAT = 0x912F
GL_LINEAR = 0x2601
GL_LINEAR_MIPMAP_LINEAR = 0x2703
GL_CLAMP_TO_EDGE = 0x812F
GL_RGBA = 0x1908
GL_UNSIGNED_BYTE = 0x1401
GL_FLOAT = 0x1406
GL_DEPTH_COMPONENT = 0x1902
GL_NONE = 0
GL_READ_FRAMEBUFFER = 0x8CA8
GL_READ_FRAMEBUFFER_BINDING = 0x8CAA
GL_COLOR_ATTACHMENT0 = 0x8CE0
GL_DEPTH_ATTACHMENT = 0x8D00
GL_DEPTH_STENCIL_ATTACHMENT = 0x821A
GL_FRAMEBUFFER_COMPLETE = 0x8CD5
GL_FRAMEBUFFER_SRGB = 0x8DB9
GL_PIXEL_PACK_BUFFER = 0x88EB
GL_PIXEL_PACK_BUFFER_BINDING = 0x88ED
GL_PACK_ALIGNMENT = 0x0D05
GL_PACK_ROW_LENGTH = 0x0D02
GL_PACK_SKIP_ROWS = 0x0D03
GL_PACK_SKIP_PIXELS = 0x0D04
GL_PACK_IMAGE_HEIGHT = 0x806C
GL_PACK_SKIP_IMAGES = 0x806B
GL_MAJOR_VERSION = 0x821B
GL_MINOR_VERSION = 0x821C

_PACK_DEFAULTS = {
    GL_PACK_ALIGNMENT: 1,  # rows of RGBA8 and float are 4-byte multiples anyway; 1 is exact for any width
    GL_PACK_ROW_LENGTH: 0,
    GL_PACK_SKIP_ROWS: 0,
    GL_PACK_SKIP_PIXELS: 0,
    GL_PACK_IMAGE_HEIGHT: 0,
    GL_PACK_SKIP_IMAGES: 0,
}


def formats_supported() -> list[int]:
    """Swapchain formats a runtime offers: colour formats, then depth formats, each in order of preference."""
    return [*COLOR_FORMATS, *DEPTH_FORMATS]


def is_depth_format(internal_format: int) -> bool:
    """Whether ``internal_format`` is one of the depth (or depth-stencil) formats."""
    return internal_format in DEPTH_FORMATS


def _declare(functions: GLFunctions) -> None:
    u, i, vp = ctypes.c_uint, ctypes.c_int, ctypes.c_void_p
    p_uint, p_int = ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_int)
    functions.declare("glGetError", u)
    functions.declare("glGetIntegerv", None, u, p_int)
    functions.declare("glIsEnabled", ctypes.c_ubyte, u)
    functions.declare("glEnable", None, u)
    functions.declare("glDisable", None, u)
    functions.declare("glGenTextures", None, i, p_uint)
    functions.declare("glDeleteTextures", None, i, p_uint)
    functions.declare("glBindTexture", None, u, u)
    functions.declare("glTexParameteri", None, u, u, i)
    functions.declare("glGetTexParameteriv", None, u, u, p_int)
    functions.declare("glTexStorage2D", None, u, i, u, i, i)
    functions.declare("glTexStorage3D", None, u, i, u, i, i, i)
    functions.declare("glPixelStorei", None, u, i)
    functions.declare("glBindBuffer", None, u, u)
    functions.declare("glGetTextureSubImage", None, u, i, i, i, i, i, i, i, u, u, i, vp)
    functions.declare("glGenFramebuffers", None, i, p_uint)
    functions.declare("glDeleteFramebuffers", None, i, p_uint)
    functions.declare("glBindFramebuffer", None, u, u)
    functions.declare("glFramebufferTexture2D", None, u, u, u, u, i)
    functions.declare("glFramebufferTextureLayer", None, u, u, u, i, i)
    functions.declare("glCheckFramebufferStatus", u, u)
    functions.declare("glReadBuffer", None, u)
    functions.declare("glReadPixels", None, i, i, i, i, u, u, vp)


class RuntimeGL:
    """Swapchain images as GL textures in the application's context, created and read back the way a runtime does.

    Every method must be called with the application's context current on the calling thread (OpenXR requires
    swapchain calls on the thread whose context the binding names).
    """

    def __init__(self, get_proc_address: int | None, kind: str, use_get_texture_sub_image: bool | None = None) -> None:
        """
        Args:
            get_proc_address: address of the C get-proc-address function from the graphics binding
                (``XrGraphicsBindingEGLMNDX.getProcAddress``); None for the platform's own (libEGL's
                ``eglGetProcAddress`` for ``"egl"``, libGL's ``glXGetProcAddressARB`` for ``"glx"``).
            kind: ``"egl"`` or ``"glx"``: the binding's API.
            use_get_texture_sub_image: read with ``glGetTextureSubImage`` (True), with a framebuffer and
                ``glReadPixels`` (False), or choose from the context's version (None: GL 4.5 has the first).
        """
        self.kind = kind
        self.functions = GLFunctions(get_proc_address_function(kind, get_proc_address))
        _declare(self.functions)
        self._use_get_texture_sub_image = use_get_texture_sub_image

    # -- queries and state helpers --------------------------------------------------------------------------------

    def check_error(self) -> int:
        """The next GL error code (``glGetError``), 0 when none. Note that this consumes it."""
        return int(self.functions.glGetError())

    def _get_integer(self, name: int) -> int:
        value = ctypes.c_int(0)
        self.functions.glGetIntegerv(name, ctypes.byref(value))
        return value.value

    def _reads_with_get_texture_sub_image(self) -> bool:
        if self._use_get_texture_sub_image is None:
            version = (self._get_integer(GL_MAJOR_VERSION), self._get_integer(GL_MINOR_VERSION))
            self._use_get_texture_sub_image = version >= (4, 5) and self.functions.has("glGetTextureSubImage")
        return self._use_get_texture_sub_image

    # -- images ---------------------------------------------------------------------------------------------------

    def create_images(
        self, width: int, height: int, array_size: int, internal_format: int, count: int, mip_count: int = 1
    ) -> list[int]:
        """Make ``count`` textures with immutable storage; their GL names, as a swapchain's images.

        Args:
            width, height: size of level 0 in texels.
            array_size: 1 for GL_TEXTURE_2D; more for a GL_TEXTURE_2D_ARRAY with that many layers.
            internal_format: a sized GL format (e.g. ``GL_SRGB8_ALPHA8``, ``GL_DEPTH_COMPONENT24``).
            count: how many images.
            mip_count: mip levels per image.

        Raises:
            ValueError: a size or count out of range.
            RuntimeError: the driver refused the storage (unsupported format, or too large).
        """
        if width < 1 or height < 1 or array_size < 1 or count < 1 or mip_count < 1:
            raise ValueError(
                f"width {width}, height {height}, array_size {array_size}, count {count} and mip_count {mip_count} "
                "must all be at least 1"
            )
        if mip_count > max(width, height).bit_length():
            raise ValueError(f"mip_count {mip_count} is more than a {width}x{height} image has levels")
        f = self.functions
        target, binding = (GL_TEXTURE_2D, GL_TEXTURE_BINDING_2D)
        if array_size > 1:
            target, binding = (GL_TEXTURE_2D_ARRAY, GL_TEXTURE_BINDING_2D_ARRAY)
        names = (ctypes.c_uint * count)()
        previous = self._get_integer(binding)
        f.glGenTextures(count, names)
        try:
            for name in names:
                f.glBindTexture(target, name)
                if array_size > 1:
                    f.glTexStorage3D(target, mip_count, internal_format, width, height, array_size)
                else:
                    f.glTexStorage2D(target, mip_count, internal_format, width, height)
                immutable = ctypes.c_int(0)
                f.glGetTexParameteriv(target, GL_TEXTURE_IMMUTABLE_FORMAT, ctypes.byref(immutable))
                if not immutable.value:
                    format_name = FORMAT_NAMES.get(internal_format, hex(internal_format))
                    raise RuntimeError(
                        f"the GL driver refused {width}x{height}x{array_size} storage with {mip_count} level(s) "
                        f"of format {format_name} (GL error {self.check_error():#x})"
                    )
                f.glTexParameteri(
                    target, GL_TEXTURE_MIN_FILTER, GL_LINEAR if mip_count == 1 else GL_LINEAR_MIPMAP_LINEAR
                )
                f.glTexParameteri(target, GL_TEXTURE_MAG_FILTER, GL_LINEAR)
                f.glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE)
                f.glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE)
        except BaseException:
            f.glBindTexture(target, previous)
            f.glDeleteTextures(count, names)
            raise
        f.glBindTexture(target, previous)
        return list(names)

    def delete_images(self, names: list[int]) -> None:
        """Delete textures made by :meth:`create_images` (names already deleted or 0 are ignored by GL)."""
        if names:
            self.functions.glDeleteTextures(len(names), (ctypes.c_uint * len(names))(*names))

    def read_image(
        self, name: int, array_size: int, layer: int, x: int, y: int, width: int, height: int, internal_format: int
    ) -> np.ndarray:
        """Read a rectangle of level 0 of one image (one layer of an array image).

        Args:
            name: the texture, from :meth:`create_images`.
            array_size: the swapchain's array size (1: GL_TEXTURE_2D, and ``layer`` must be 0).
            layer: the array layer.
            x, y, width, height: the rectangle in texels, origin at the bottom-left texel as GL (and an OpenXR
                layer's imageRect with OpenGL) counts it.
            internal_format: the image's format: colour formats are read as RGBA8; depth formats as float.

        Returns:
            ``(height, width, 4) uint8`` RGBA for a colour format (the stored bytes: sRGB-encoded for sRGB formats),
            ``(height, width) float32`` depth in [0, 1] for a depth format; row 0 is the TOP of the rectangle.
        """
        if not (0 <= layer < array_size):
            raise ValueError(f"layer {layer} is outside an image with array_size {array_size}")
        if width < 1 or height < 1 or x < 0 or y < 0:
            raise ValueError(f"bad rectangle: x={x}, y={y}, width={width}, height={height}")
        depth = is_depth_format(internal_format)
        if depth:
            pixels = np.empty((height, width), np.float32)
            gl_format, gl_type = GL_DEPTH_COMPONENT, GL_FLOAT
        else:
            pixels = np.empty((height, width, 4), np.uint8)
            gl_format, gl_type = GL_RGBA, GL_UNSIGNED_BYTE
        f = self.functions
        saved_pack = {parameter: self._get_integer(parameter) for parameter in _PACK_DEFAULTS}
        saved_pack_buffer = self._get_integer(GL_PIXEL_PACK_BUFFER_BINDING)
        f.glBindBuffer(GL_PIXEL_PACK_BUFFER, 0)  # else the pixels would go into the application's buffer
        for parameter, value in _PACK_DEFAULTS.items():
            f.glPixelStorei(parameter, value)
        try:
            address = pixels.ctypes.data_as(ctypes.c_void_p)
            if self._reads_with_get_texture_sub_image():
                zoffset = layer if array_size > 1 else 0
                f.glGetTextureSubImage(
                    name, 0, x, y, zoffset, width, height, 1, gl_format, gl_type, pixels.nbytes, address
                )
            else:
                self._read_through_framebuffer(name, array_size, layer, x, y, width, height, depth, address)
        finally:
            for parameter, value in saved_pack.items():
                f.glPixelStorei(parameter, value)
            f.glBindBuffer(GL_PIXEL_PACK_BUFFER, saved_pack_buffer)
        return np.ascontiguousarray(pixels[::-1])

    def _read_through_framebuffer(
        self, name: int, array_size: int, layer: int, x: int, y: int, width: int, height: int, depth: bool, address
    ) -> None:
        """glReadPixels from a temporary read framebuffer with the image attached (GL before 4.5)."""
        f = self.functions
        saved_framebuffer = self._get_integer(GL_READ_FRAMEBUFFER_BINDING)
        # Reading an sRGB attachment with GL_FRAMEBUFFER_SRGB enabled may decode to linear; we want the bytes.
        saved_srgb = bool(f.glIsEnabled(GL_FRAMEBUFFER_SRGB))
        framebuffer = ctypes.c_uint(0)
        f.glGenFramebuffers(1, ctypes.byref(framebuffer))
        try:
            f.glBindFramebuffer(GL_READ_FRAMEBUFFER, framebuffer.value)
            attachment = GL_DEPTH_ATTACHMENT if depth else GL_COLOR_ATTACHMENT0
            if array_size > 1:
                f.glFramebufferTextureLayer(GL_READ_FRAMEBUFFER, attachment, name, 0, layer)
            else:
                f.glFramebufferTexture2D(GL_READ_FRAMEBUFFER, attachment, GL_TEXTURE_2D, name, 0)
            f.glReadBuffer(GL_NONE if depth else GL_COLOR_ATTACHMENT0)
            status = f.glCheckFramebufferStatus(GL_READ_FRAMEBUFFER)
            if status != GL_FRAMEBUFFER_COMPLETE:
                raise RuntimeError(f"cannot read image {name}: its read framebuffer is incomplete (status {status:#x})")
            if saved_srgb:
                f.glDisable(GL_FRAMEBUFFER_SRGB)
            gl_format, gl_type = (GL_DEPTH_COMPONENT, GL_FLOAT) if depth else (GL_RGBA, GL_UNSIGNED_BYTE)
            f.glReadPixels(x, y, width, height, gl_format, gl_type, address)
        finally:
            if saved_srgb:
                f.glEnable(GL_FRAMEBUFFER_SRGB)
            f.glBindFramebuffer(GL_READ_FRAMEBUFFER, saved_framebuffer)
            f.glDeleteFramebuffers(1, ctypes.byref(framebuffer))
