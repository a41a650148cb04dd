"""A pyopenxr program written by someone who never read this project runs against ``xrapp.mockrt.install()``."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.xr, pytest.mark.gl]

# Written the way the pyopenxr examples go: raw pyopenxr, its own EGL context made with PyOpenGL, a swapchain per
# eye, 30 frames cleared to a colour, then a polite exit. Nothing from this project but install().
PROGRAM = textwrap.dedent(
    """
    import ctypes, os
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    from xrapp import mockrt
    runtime = mockrt.install()

    import xr
    import OpenGL.platform
    from OpenGL.platform.egl import EGLPlatform
    OpenGL.platform.PLATFORM = EGLPlatform()   # pyopenxr selects GLX; this program uses EGL
    from OpenGL import EGL, GL

    display = EGL.eglGetDisplay(EGL.EGL_DEFAULT_DISPLAY)
    EGL.eglInitialize(display, None, None)
    EGL.eglBindAPI(EGL.EGL_OPENGL_API)
    configs = (EGL.EGLConfig * 1)()
    n = EGL.EGLint()
    EGL.eglChooseConfig(display, [EGL.EGL_RENDERABLE_TYPE, EGL.EGL_OPENGL_BIT,
                                  EGL.EGL_SURFACE_TYPE, EGL.EGL_PBUFFER_BIT, EGL.EGL_NONE], configs, 1, n)
    context = EGL.eglCreateContext(display, configs[0], EGL.EGL_NO_CONTEXT,
                                   [EGL.EGL_CONTEXT_MAJOR_VERSION, 4, EGL.EGL_CONTEXT_MINOR_VERSION, 3, EGL.EGL_NONE])
    EGL.eglMakeCurrent(display, EGL.EGL_NO_SURFACE, EGL.EGL_NO_SURFACE, context)

    instance = xr.create_instance(xr.InstanceCreateInfo(
        application_info=xr.ApplicationInfo(application_name="stranger", api_version=xr.Version(1, 0, 0)),
        enabled_extension_names=[xr.KHR_OPENGL_ENABLE_EXTENSION_NAME, "XR_MNDX_egl_enable"]))
    system = xr.get_system(instance, xr.SystemGetInfo(xr.FormFactor.HEAD_MOUNTED_DISPLAY))
    views = xr.enumerate_view_configuration_views(instance, system, xr.ViewConfigurationType.PRIMARY_STEREO)
    xr.get_opengl_graphics_requirements_khr(instance, system)
    binding = xr.GraphicsBindingEGLMNDX(
        get_proc_address=ctypes.cast(EGL.eglGetProcAddress.load(), xr.PFN_xrEglGetProcAddressMNDX),
        display=display, config=configs[0], context=context)
    session = xr.create_session(instance, xr.SessionCreateInfo(
        system_id=system, next=ctypes.cast(ctypes.pointer(binding), ctypes.c_void_p)))
    space = xr.create_reference_space(session, xr.ReferenceSpaceCreateInfo(xr.ReferenceSpaceType.LOCAL))
    formats = xr.enumerate_swapchain_formats(session)
    chains, images = [], []
    for v in views:
        chain = xr.create_swapchain(session, xr.SwapchainCreateInfo(
            usage_flags=xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT, format=formats[0], sample_count=1,
            width=v.recommended_image_rect_width, height=v.recommended_image_rect_height,
            face_count=1, array_size=1, mip_count=1))
        chains.append(chain)
        images.append(xr.enumerate_swapchain_images(chain, xr.SwapchainImageOpenGLKHR))
    fbo = GL.glGenFramebuffers(1)

    frames, running, done = 0, False, False
    while not done:
        while True:
            try:
                event = xr.poll_event(instance)
            except xr.EventUnavailable:
                break
            if event.type == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
                state = xr.SessionState(ctypes.cast(ctypes.byref(event),
                        ctypes.POINTER(xr.EventDataSessionStateChanged)).contents.state)
                if state == xr.SessionState.READY:
                    xr.begin_session(session, xr.SessionBeginInfo(xr.ViewConfigurationType.PRIMARY_STEREO))
                    running = True
                elif state == xr.SessionState.STOPPING:
                    xr.end_session(session)
                    running = False
                elif state == xr.SessionState.EXITING:
                    done = True
        if not running:
            continue
        frame_state = xr.wait_frame(session)
        xr.begin_frame(session)
        layers = []
        if frame_state.should_render:
            _, located = xr.locate_views(session, xr.ViewLocateInfo(
                xr.ViewConfigurationType.PRIMARY_STEREO, frame_state.predicted_display_time, space))
            proj_views = []
            for eye, chain in enumerate(chains):
                index = xr.acquire_swapchain_image(chain)
                xr.wait_swapchain_image(chain, xr.SwapchainImageWaitInfo(xr.INFINITE_DURATION))
                GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
                GL.glFramebufferTexture2D(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D,
                                          images[eye][index].image, 0)
                GL.glClearColor(0.2 * eye, 0.4, 0.8, 1.0)
                GL.glClear(GL.GL_COLOR_BUFFER_BIT)
                xr.release_swapchain_image(chain)
                w, h = views[eye].recommended_image_rect_width, views[eye].recommended_image_rect_height
                proj_views.append(xr.CompositionLayerProjectionView(
                    pose=located[eye].pose, fov=located[eye].fov,
                    sub_image=xr.SwapchainSubImage(chain, xr.Rect2Di(extent=xr.Extent2Di(w, h)))))
            layer = xr.CompositionLayerProjection(space=space, views=proj_views)
            layers = [ctypes.byref(layer)]
        xr.end_frame(session, xr.FrameEndInfo(frame_state.predicted_display_time,
                                              xr.EnvironmentBlendMode.OPAQUE, layers=layers))
        frames += 1
        if frames == 30:
            xr.request_exit_session(session)

    for chain in chains:
        xr.destroy_swapchain(chain)
    xr.destroy_space(space)
    xr.destroy_session(session)
    xr.destroy_instance(instance)
    print("frames", frames, "runtime failures", len(runtime.failures))
    """
)


def test_a_strangers_pyopenxr_program_runs_against_the_mock(tmp_path):
    script = tmp_path / "stranger.py"
    script.write_text(PROGRAM)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stderr
    assert "frames 30 runtime failures 0" in result.stdout
