"""Everything that calls OpenGL, EGL or GLX, and nothing that calls OpenXR.

Modules: ``context`` (the application's GL context and its OpenXR binding handles), ``runtime_gl`` (the GL a
runtime does in that context: swapchain images and read-back), ``transforms`` (poses and projections, pure numpy),
``basic`` (the minimal per-eye scene renderer), ``shader`` (GLSL files in ``shaders/``), ``pyopengl_platform``
(keeps PyOpenGL on the current context's platform) and ``gl_procs`` (ctypes entry points via get-proc-address).

Importing this package, or any of its modules, imports neither ``OpenGL.GL`` nor ``xr``.
"""
