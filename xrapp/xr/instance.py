"""Creating the XrInstance: finding a runtime, negotiating extensions, and saying clearly when there is none."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import xr

log = logging.getLogger("xrapp.xr")

APPLICATION_NAME = "Rehearse XR"
OPENGL = "XR_KHR_opengl_enable"
EGL = "XR_MNDX_egl_enable"
DEPTH = "XR_KHR_composition_layer_depth"
TIMESPEC = "XR_KHR_convert_timespec_time"
HAND_INTERACTION = "XR_EXT_hand_interaction"
LOCATE_SPACES = "XR_KHR_locate_spaces"  # xrLocateSpacesKHR: the head and both hands located in one call


class NoRuntimeError(RuntimeError):
    """No OpenXR runtime could be loaded; the message names where the loader looked and what to do."""


class MissingExtensionError(RuntimeError):
    """The runtime lacks an extension the chosen graphics path needs."""


def runtime_manifest_candidates() -> list[Path]:
    """Where the Khronos loader looks for the active runtime on Linux, in its order."""
    if os.environ.get("XR_RUNTIME_JSON"):
        return [Path(os.environ["XR_RUNTIME_JSON"])]
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    dirs = [config_home] + (os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":") + ["/usr/local/etc", "/etc"]
    return [Path(d) / "openxr" / "1" / "active_runtime.json" for d in dirs if d]


def active_runtime_manifest() -> Path | None:
    """The first runtime manifest that exists, or None."""
    return next((p for p in runtime_manifest_candidates() if p.is_file()), None)


def no_runtime_message(detail: str = "") -> str:
    looked = "\n".join(f"  {p}" for p in runtime_manifest_candidates())
    return (
        "No OpenXR runtime could be loaded"
        + (f" ({detail})" if detail else "")
        + ".\nThe OpenXR loader looked for a runtime manifest at:\n"
        + looked
        + "\nStart your headset's runtime (SteamVR, Monado, ...) and make it the active OpenXR runtime, "
        "or run without a headset: `python main.py run --runtime mock`."
    )


@dataclass
class Instance:
    """A created XrInstance and what was learned while creating it."""

    handle: xr.Instance
    extensions: set[str]
    runtime_name: str
    runtime_version: str

    def destroy(self) -> None:
        if self.handle is not None:
            xr.destroy_instance(self.handle)
            self.handle = None


def available_extensions() -> set[str]:
    """Extensions the active runtime offers (NoRuntimeError if none loads)."""
    try:
        props = xr.enumerate_instance_extension_properties()
    except (xr.RuntimeUnavailableError, xr.RuntimeFailureError, xr.InitializationFailedError) as error:
        raise NoRuntimeError(no_runtime_message(type(error).__name__)) from error
    return {p.extension_name.decode() for p in props}


def create_instance(graphics: str, want_depth: bool = True) -> Instance:
    """Create an instance for ``graphics`` ("egl" or "xlib"), enabling depth submission where offered."""
    offered = available_extensions()
    required = {OPENGL} | ({EGL} if graphics == "egl" else set())
    missing = required - offered
    if missing:
        hint = " Use the Xlib binding (a desktop session, or Xvfb) with `--graphics xlib`." if EGL in missing else ""
        raise MissingExtensionError(
            f"the OpenXR runtime does not offer {', '.join(sorted(missing))}, needed for OpenGL through "
            f"{graphics.upper()}.{hint}"
        )
    optional = {TIMESPEC, HAND_INTERACTION, LOCATE_SPACES} | ({DEPTH} if want_depth else set())
    enabled = required | (optional & offered)
    info = xr.InstanceCreateInfo(
        application_info=xr.ApplicationInfo(
            application_name=APPLICATION_NAME,
            application_version=1,
            engine_name="rehearse-xr",
            engine_version=1,
            api_version=xr.Version(1, 0, 0),
        ),
        enabled_extension_names=sorted(enabled),
    )
    try:
        handle = xr.create_instance(info)
    except (xr.RuntimeUnavailableError, xr.RuntimeFailureError) as error:
        raise NoRuntimeError(no_runtime_message(type(error).__name__)) from error
    props = xr.get_instance_properties(handle)
    name = props.runtime_name.decode(errors="replace")
    version = str(xr.Version(props._runtime_version))
    log.info("OpenXR runtime: %s %s; extensions enabled: %s", name, version, ", ".join(sorted(enabled)))
    return Instance(handle, enabled, name, version)


def enable_core_validation() -> None:
    """Put the Khronos core validation layer (shipped inside pyopenxr) between the application and the runtime.

    It reports to standard output; call before the first instance is created.
    """
    xr.activate_core_validation_layer()
