"""Builds the mock runtime's loader entry point, an optional C extension.

The extension only exports ``xrNegotiateLoaderRuntimeInterface`` for the OpenXR loader; everything else of the mock
runtime is Python. ``optional=True``: where no compiler is available the install still succeeds, and the application
works with real headsets; only ``--runtime mock`` is unavailable then.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "xrapp.mockrt._trampoline",
            sources=["xrapp/mockrt/_trampoline.c"],
            optional=True,
        )
    ]
)
