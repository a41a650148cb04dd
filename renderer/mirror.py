"""The mirror window: what the headset shows, on the desktop, for the person running the session.

It reuses the glfw window that carries the application's GLX context (so no second context and no sharing): after
the eye images are released to the runtime, both eyes (or one) are blitted side by side into the window's default
framebuffer, letterboxed to keep their aspect, and the buffers are swapped with swap interval 0, so the headset's
frame loop never waits for the desktop's vertical sync.
"""

from __future__ import annotations

import glfw

from . import pyopengl_platform


class MirrorWindow:
    """Shows eye images in the window of a GLX ``GLContext`` (``eyes``: "both", "left" or "right")."""

    def __init__(self, context, eyes: str = "both", title: str = "Rehearse XR — mirror") -> None:
        if context.kind != "glx" or context.window is None:
            raise ValueError("the mirror needs a desktop window: run with --graphics xlib (a display is required)")
        if eyes not in ("both", "left", "right"):
            raise ValueError(f"eyes {eyes!r}: use both, left or right")
        self.context = context
        self.eyes = eyes
        self._framebuffer = 0
        glfw.set_window_title(context.window, title)
        glfw.show_window(context.window)
        self.frames_shown = 0

    def should_close(self) -> bool:
        """The person closed the window (the loop may treat this as a request to end the session)."""
        return bool(glfw.window_should_close(self.context.window))

    def show(self, color_texture: int, width: int, height: int) -> None:
        """Blit layers of a 2-layer array texture (``width`` × ``height`` per eye) into the window and present."""
        GL = pyopengl_platform.gl()
        win_w, win_h = glfw.get_framebuffer_size(self.context.window)
        if win_w <= 0 or win_h <= 0:  # minimised
            return
        layers = {"both": (0, 1), "left": (0,), "right": (1,)}[self.eyes]
        if not self._framebuffer:
            self._framebuffer = int(GL.glGenFramebuffers(1))
        previous_read = GL.glGetIntegerv(GL.GL_READ_FRAMEBUFFER_BINDING)
        previous_draw = GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING)
        srgb_was_on = GL.glIsEnabled(GL.GL_FRAMEBUFFER_SRGB)
        GL.glDisable(GL.GL_FRAMEBUFFER_SRGB)  # copy the encoded bytes as they are
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, 0)
        GL.glClearColor(0.0, 0.0, 0.0, 1.0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._framebuffer)
        slot_w = win_w // len(layers)
        scale = min(slot_w / width, win_h / height)
        out_w, out_h = int(width * scale), int(height * scale)
        for slot, layer in enumerate(layers):
            GL.glFramebufferTextureLayer(GL.GL_READ_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, color_texture, 0, layer)
            x0 = slot * slot_w + (slot_w - out_w) // 2
            y0 = (win_h - out_h) // 2
            GL.glBlitFramebuffer(
                0, 0, width, height, x0, y0, x0 + out_w, y0 + out_h, GL.GL_COLOR_BUFFER_BIT, GL.GL_LINEAR
            )
        GL.glFramebufferTextureLayer(GL.GL_READ_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, 0, 0, 0)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, int(previous_read))
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, int(previous_draw))
        if srgb_was_on:
            GL.glEnable(GL.GL_FRAMEBUFFER_SRGB)
        self.frames_shown += 1

    def present(self) -> None:
        """Swap the window's buffers (never waits: the context uses swap interval 0) and handle window events."""
        glfw.swap_buffers(self.context.window)
        glfw.poll_events()

    def release(self) -> None:
        if self._framebuffer:
            GL = pyopengl_platform.gl()
            GL.glDeleteFramebuffers(1, [self._framebuffer])
            self._framebuffer = 0
