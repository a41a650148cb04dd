"""The application's OpenXR client: every pyopenxr call of the application lives in this package.

It talks to whichever runtime the Khronos loader finds (a headset's, or the mock's after ``xrapp.mockrt.install``)
and hands the rest of the application plain data: view poses and fields of view, swapchain textures, session state.
"""
