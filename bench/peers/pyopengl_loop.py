"""Peer 1: the OpenXR program a Python developer would write from pyopenxr's examples, done competently.

A plain pyopenxr + PyOpenGL program (it stands for someone else's code, so it makes its own OpenXR calls rather than
using ``xrapp/xr``): one colour swapchain per eye and a depth texture per eye; each frame xrWaitFrame,
xrBeginFrame, xrLocateViews, then per eye: acquire and bind that eye's image, clear, set the view-projection
uniform, and per object set the model matrix and colour uniforms and issue one ``glDrawElements`` (vertex array
bound only when it changes; no instancing); release; xrEndFrame with the projection layer. No per-frame work beyond
that: no input, no interactions (so our application does more per frame than this peer).

It runs on whatever runtime is active (the benchmark installs the mock first) in the calling process.
"""

from __future__ import annotations

import ctypes
import time

import numpy as np

from bench.scenes import BenchScene

VERTEX_SHADER = """#version 450
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
uniform mat4 u_view_projection;
uniform mat4 u_model;
out vec3 v_normal;
void main() {
    v_normal = mat3(u_model) * a_normal;
    gl_Position = u_view_projection * u_model * vec4(a_position, 1.0);
}
"""

FRAGMENT_SHADER = """#version 450
in vec3 v_normal;
uniform vec4 u_color;
out vec4 f_color;
void main() {
    float light = 0.3 + 0.7 * max(dot(normalize(v_normal), normalize(vec3(0.3, 1.0, 0.5))), 0.0);
    f_color = vec4(u_color.rgb * light, u_color.a);
}
"""


def projection(fov, near: float = 0.05, far: float = 100.0) -> np.ndarray:
    """(4, 4) OpenGL projection for an XrFovf (angles in radians)."""
    left, right = np.tan(fov.angle_left), np.tan(fov.angle_right)
    up, down = np.tan(fov.angle_up), np.tan(fov.angle_down)
    width, height = right - left, up - down
    return np.array(
        [
            [2 / width, 0, (right + left) / width, 0],
            [0, 2 / height, (up + down) / height, 0],
            [0, 0, -(far + near) / (far - near), -2 * far * near / (far - near)],
            [0, 0, -1, 0],
        ]
    )


def view_matrix(pose) -> np.ndarray:
    """(4, 4) world → eye for an XrPosef."""
    x, y, z, w = pose.orientation.x, pose.orientation.y, pose.orientation.z, pose.orientation.w
    rotation = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
    view = np.identity(4)
    view[:3, :3] = rotation.T
    view[:3, 3] = -rotation.T @ np.array([pose.position.x, pose.position.y, pose.position.z])
    return view


class PerEyeLoop:
    """The peer program: ``run(frames)`` submits that many frames and returns per-frame timings.

    Args:
        context: a current :class:`renderer.context.GLContext` (EGL) for the session's graphics binding.
        bench: the scene to draw.
    """

    def __init__(self, context, bench: BenchScene) -> None:
        import xr
        from OpenGL import GL

        from renderer import pyopengl_platform
        from xrapp.xr.binding import graphics_binding

        pyopengl_platform.ensure()
        self.xr, self.GL, self.context, self.bench = xr, GL, context, bench
        self.instance = xr.create_instance(
            xr.InstanceCreateInfo(
                application_info=xr.ApplicationInfo(application_name="per-eye loop", api_version=xr.Version(1, 0, 0)),
                enabled_extension_names=["XR_KHR_opengl_enable", "XR_MNDX_egl_enable"],
            )
        )
        self.system = xr.get_system(self.instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))
        xr.get_opengl_graphics_requirements_khr(self.instance, self.system)
        self._binding = graphics_binding(context)
        self.session = xr.create_session(
            self.instance,
            xr.SessionCreateInfo(
                system_id=self.system, next=ctypes.cast(ctypes.pointer(self._binding), ctypes.c_void_p)
            ),
        )
        self.space = xr.create_reference_space(
            self.session,
            xr.ReferenceSpaceCreateInfo(
                reference_space_type=xr.ReferenceSpaceType.STAGE, pose_in_reference_space=xr.Posef()
            ),
        )
        views = xr.enumerate_view_configuration_views(
            self.instance, self.system, xr.ViewConfigurationType.PRIMARY_STEREO
        )
        self.width, self.height = views[0].recommended_image_rect_width, views[0].recommended_image_rect_height
        formats = xr.enumerate_swapchain_formats(self.session)
        fmt = GL.GL_SRGB8_ALPHA8 if GL.GL_SRGB8_ALPHA8 in formats else formats[0]
        self.swapchains, self.images, self.depths = [], [], []
        for _ in range(2):
            swapchain = xr.create_swapchain(
                self.session,
                xr.SwapchainCreateInfo(
                    usage_flags=xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT | xr.SwapchainUsageFlags.SAMPLED_BIT,
                    format=fmt,
                    sample_count=1,
                    width=self.width,
                    height=self.height,
                    face_count=1,
                    array_size=1,
                    mip_count=1,
                ),
            )
            self.swapchains.append(swapchain)
            images = xr.enumerate_swapchain_images(swapchain, xr.SwapchainImageOpenGLKHR)
            self.images.append([image.image for image in images])
            depth = GL.glGenTextures(1)
            GL.glBindTexture(GL.GL_TEXTURE_2D, depth)
            GL.glTexStorage2D(GL.GL_TEXTURE_2D, 1, GL.GL_DEPTH_COMPONENT24, self.width, self.height)
            self.depths.append(depth)
        self.framebuffer = GL.glGenFramebuffers(1)
        self._make_program()
        self._make_meshes()
        self.state = xr.SessionState.UNKNOWN
        self.running = False
        self.gl_calls_per_frame = 0

    def _make_program(self) -> None:
        GL = self.GL
        from OpenGL.GL import shaders

        self.program = shaders.compileProgram(
            shaders.compileShader(VERTEX_SHADER, GL.GL_VERTEX_SHADER),
            shaders.compileShader(FRAGMENT_SHADER, GL.GL_FRAGMENT_SHADER),
        )
        self.u_view_projection = GL.glGetUniformLocation(self.program, "u_view_projection")
        self.u_model = GL.glGetUniformLocation(self.program, "u_model")
        self.u_color = GL.glGetUniformLocation(self.program, "u_color")

    def _make_meshes(self) -> None:
        GL = self.GL
        self.vertex_arrays, self.index_counts, self._buffers = [], [], []
        for mesh in self.bench.meshes:
            vertices = np.hstack([mesh.vertices, mesh.vertex_normals]).astype(np.float32)
            indices = np.asarray(mesh.faces, np.uint32)
            vao = GL.glGenVertexArrays(1)
            GL.glBindVertexArray(vao)
            vbo, ebo = GL.glGenBuffers(2)
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, vbo)
            GL.glBufferData(GL.GL_ARRAY_BUFFER, vertices.nbytes, vertices, GL.GL_STATIC_DRAW)
            GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, ebo)
            GL.glBufferData(GL.GL_ELEMENT_ARRAY_BUFFER, indices.nbytes, indices, GL.GL_STATIC_DRAW)
            for location in (0, 1):
                GL.glEnableVertexAttribArray(location)
                GL.glVertexAttribPointer(location, 3, GL.GL_FLOAT, GL.GL_FALSE, 24, ctypes.c_void_p(12 * location))
            GL.glBindVertexArray(0)
            self.vertex_arrays.append(int(vao))
            self.index_counts.append(indices.size)
            self._buffers += [vbo, ebo]
        # Per object, once: the model matrix column-major as GL wants it, the colour, the vertex array.
        self.models = [np.ascontiguousarray(t.T, np.float32) for t in self.bench.transforms]
        self.colors = [np.ascontiguousarray(c, np.float32) for c in self.bench.colors]
        self.objects = [
            (self.models[i], self.colors[i], self.vertex_arrays[m], self.index_counts[m])
            for i, m in enumerate(self.bench.mesh_index)
        ]

    # -- the loop ------------------------------------------------------------------------------------------------

    def _poll(self) -> bool:
        """Handle session state changes; False once the session is over."""
        xr = self.xr
        while True:
            try:
                event = xr.poll_event(self.instance)
            except xr.EventUnavailable:
                return True
            if xr.StructureType(event.type) != xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
                continue
            changed = ctypes.cast(ctypes.byref(event), ctypes.POINTER(xr.EventDataSessionStateChanged)).contents
            self.state = xr.SessionState(changed.state)
            if self.state == xr.SessionState.READY:
                xr.begin_session(
                    self.session,
                    xr.SessionBeginInfo(primary_view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO),
                )
                self.running = True
            elif self.state == xr.SessionState.STOPPING:
                xr.end_session(self.session)
                self.running = False
            elif self.state in (xr.SessionState.EXITING, xr.SessionState.LOSS_PENDING):
                return False

    def run(self, frames: int, warmup: int = 0) -> np.ndarray:
        """Submit ``warmup`` + ``frames`` frames; returns ``(frames, 4) int64`` nanoseconds per frame of the
        phases wait → begin, locate, render, end (warm-up frames not included)."""
        xr = self.xr
        stamps = np.zeros((frames + warmup, 5), np.int64)
        submitted = 0
        while submitted < frames + warmup:
            if not self._poll():
                break
            if not self.running:
                continue
            row = stamps[submitted]
            row[0] = time.perf_counter_ns()
            state = xr.wait_frame(self.session, xr.FrameWaitInfo())
            xr.begin_frame(self.session, xr.FrameBeginInfo())
            row[1] = time.perf_counter_ns()
            layers = []
            if state.should_render:
                _, views = xr.locate_views(
                    self.session,
                    xr.ViewLocateInfo(
                        view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO,
                        display_time=state.predicted_display_time,
                        space=self.space,
                    ),
                )
                row[2] = time.perf_counter_ns()
                projection_views = self._render(views)
                row[3] = time.perf_counter_ns()
                layers = [ctypes.byref(xr.CompositionLayerProjection(space=self.space, views=projection_views))]
            else:
                row[2] = row[3] = time.perf_counter_ns()
            xr.end_frame(
                self.session,
                xr.FrameEndInfo(
                    display_time=state.predicted_display_time,
                    environment_blend_mode=xr.EnvironmentBlendMode.OPAQUE,
                    layers=layers,
                ),
            )
            row[4] = time.perf_counter_ns()
            submitted += 1
        return np.diff(stamps[warmup:submitted], axis=1)

    def _render(self, views) -> list:
        xr, GL = self.xr, self.GL
        projection_views = []
        calls = 0
        for eye, view in enumerate(views):
            swapchain = self.swapchains[eye]
            index = xr.acquire_swapchain_image(swapchain, xr.SwapchainImageAcquireInfo())
            xr.wait_swapchain_image(swapchain, xr.SwapchainImageWaitInfo(timeout=xr.INFINITE_DURATION))
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.framebuffer)
            GL.glFramebufferTexture2D(
                GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, self.images[eye][index], 0
            )
            GL.glFramebufferTexture2D(GL.GL_FRAMEBUFFER, GL.GL_DEPTH_ATTACHMENT, GL.GL_TEXTURE_2D, self.depths[eye], 0)
            GL.glViewport(0, 0, self.width, self.height)
            GL.glEnable(GL.GL_DEPTH_TEST)
            GL.glEnable(GL.GL_CULL_FACE)
            GL.glClearColor(0.5, 0.6, 0.7, 1.0)
            GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
            GL.glUseProgram(self.program)
            view_projection = np.ascontiguousarray((projection(view.fov) @ view_matrix(view.pose)).T, np.float32)
            GL.glUniformMatrix4fv(self.u_view_projection, 1, GL.GL_FALSE, view_projection)
            calls += 10
            bound = None
            for model, color, vao, count in self.objects:
                GL.glUniformMatrix4fv(self.u_model, 1, GL.GL_FALSE, model)
                GL.glUniform4fv(self.u_color, 1, color)
                if vao != bound:
                    GL.glBindVertexArray(vao)
                    bound = vao
                    calls += 1
                GL.glDrawElements(GL.GL_TRIANGLES, count, GL.GL_UNSIGNED_INT, None)
                calls += 3
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, 0)
            calls += 1
            xr.release_swapchain_image(swapchain, xr.SwapchainImageReleaseInfo())
            projection_views.append(
                xr.CompositionLayerProjectionView(
                    pose=view.pose,
                    fov=view.fov,
                    sub_image=xr.SwapchainSubImage(
                        swapchain=swapchain,
                        image_rect=xr.Rect2Di(extent=xr.Extent2Di(self.width, self.height)),
                    ),
                )
            )
        self.gl_calls_per_frame = calls
        return projection_views

    def close(self) -> None:
        """End the session (if running) and destroy the instance; GL objects are deleted."""
        xr, GL = self.xr, self.GL
        GL.glDeleteFramebuffers(1, [self.framebuffer])
        GL.glDeleteTextures(self.depths)
        GL.glDeleteVertexArrays(len(self.vertex_arrays), self.vertex_arrays)
        GL.glDeleteBuffers(len(self._buffers), self._buffers)
        GL.glDeleteProgram(self.program)
        if self.running:
            xr.request_exit_session(self.session)
            for _ in range(100):
                try:
                    state = xr.wait_frame(self.session, xr.FrameWaitInfo())
                    xr.begin_frame(self.session, xr.FrameBeginInfo())
                    xr.end_frame(
                        self.session,
                        xr.FrameEndInfo(
                            display_time=state.predicted_display_time,
                            environment_blend_mode=xr.EnvironmentBlendMode.OPAQUE,
                        ),
                    )
                except xr.SessionNotRunningError:
                    pass
                if not self._poll():
                    break
        for swapchain in self.swapchains:
            xr.destroy_swapchain(swapchain)
        xr.destroy_instance(self.instance)
