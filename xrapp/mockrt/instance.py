"""Instance-level OpenXR functions of the mock: extensions, instance, system, paths, strings, events, time."""

from __future__ import annotations

import ctypes
import re
import sys
import time
from collections import deque

import xr

from .dispatch import implements
from .errors import XrError, require, require_type
from .handles import write_handle
from .idioms import check_element_types, set_chars, two_call, write_string
from .runtime import API_VERSION, EPOCH_NS, RUNTIME_NAME, RUNTIME_VERSION

SYSTEM_ID = 1
MAX_EVENTS = 64

EXTENSIONS = {
    "XR_KHR_opengl_enable": 10,
    "XR_MNDX_egl_enable": 2,
    "XR_KHR_composition_layer_depth": 6,
    "XR_KHR_convert_timespec_time": 1,
    "XR_KHR_locate_spaces": 1,
}
# Extensions a MockConfig setting can withhold, by the name of that setting.
_OPTIONAL_EXTENSIONS = {
    "XR_KHR_composition_layer_depth": "offer_depth_layer",
    "XR_KHR_locate_spaces": "offer_locate_spaces",
}

# Spec: path strings are well-formed: start with '/', lower-case letters, digits, '-', '_', '.', '/',
# no empty, '.' or '..' components, no trailing '/'.
_PATH_RE = re.compile(r"^(/[a-z0-9\-_.]+)+$")


# The package (xrapp.mockrt), imported before any of its modules: every call of every entry point asks it for the
# runtime, and a function-level ``from . import installed`` costs a trip through the import machinery each time.
_PACKAGE = sys.modules[__package__]


def runtime():
    rt = _PACKAGE.installed()
    if rt is None:  # pragma: no cover - the loader only calls us after install()
        raise XrError(xr.Result.ERROR_RUNTIME_FAILURE, "the mock runtime is not installed")
    return rt


class MockInstance:
    """An XrInstance: enabled extensions, the path table, the event queue, and whether it has been lost."""

    def __init__(self, rt, application_name: str, api_version: int, extensions: set[str]) -> None:
        self.runtime = rt
        self.application_name = application_name
        self.api_version = api_version
        self.extensions = extensions
        self.events: deque[ctypes.Structure] = deque()
        self.paths: dict[str, int] = {}
        self.path_strings: dict[int, str] = {}
        self.graphics_requirements_queried = False
        self.action_system = None  # owned by the actions module
        self.lost = False
        self.handle = rt.handles.add(self)

    # -- events --------------------------------------------------------------------------------------------------

    def post(self, event: ctypes.Structure) -> None:
        """Queue an event for xrPollEvent; past MAX_EVENTS the oldest are dropped and EVENTS_LOST reported."""
        if len(self.events) >= MAX_EVENTS:
            lost = 0
            while len(self.events) >= MAX_EVENTS - 1:
                self.events.popleft()
                lost += 1
            self.events.append(xr.EventDataEventsLost(lost_event_count=lost))
        self.events.append(event)

    def lose(self) -> None:
        loss_time = self.runtime.clock.now_ns + self.runtime.config.period_ns
        self.post(xr.EventDataInstanceLossPending(loss_time=loss_time))
        self.lost = True

    def check_alive(self) -> None:
        require(not self.lost, xr.Result.ERROR_INSTANCE_LOST, "the instance was lost; destroy it and create another")

    # -- paths ---------------------------------------------------------------------------------------------------

    def path(self, text: str) -> int:
        """The XrPath of ``text``, created on first use (XR_ERROR_PATH_FORMAT_INVALID for malformed strings)."""
        value = self.paths.get(text)
        if value is None:
            require(
                len(text) < xr.MAX_PATH_LENGTH
                and bool(_PATH_RE.match(text))
                and "/./" not in text + "/"
                and "/../" not in text + "/",
                xr.Result.ERROR_PATH_FORMAT_INVALID,
                f"{text!r} is not a well-formed path (lower-case a-z, 0-9, '-', '_', '.', separated by '/')",
            )
            value = len(self.paths) + 1
            self.paths[text] = value
            self.path_strings[value] = text
        return value

    def path_string(self, value: int) -> str:
        text = self.path_strings.get(value)
        if text is None:
            raise XrError(xr.Result.ERROR_PATH_INVALID, f"XrPath {value} was never created by this instance")
        return text

    def destroy(self) -> None:
        from .session import MockSession

        for session in self.runtime.handles.live(MockSession):
            if session.instance is self:
                session.destroy()
        for obj in list(self.runtime.handles._objects.values()):
            if getattr(obj, "instance", None) is self and hasattr(obj, "destroy"):
                obj.destroy()
        self.runtime.handles.remove(self.handle)
        self.runtime.instance = None


def get_instance(handle) -> MockInstance:
    inst = runtime().handles.get(handle, MockInstance, "instance")
    return inst


def live_instance(handle) -> MockInstance:
    """The instance behind ``handle``, which must not have been lost."""
    inst = get_instance(handle)
    inst.check_alive()
    return inst


def check_system(inst: MockInstance, system_id: int) -> None:
    require(
        system_id == SYSTEM_ID, xr.Result.ERROR_SYSTEM_INVALID, f"systemId {system_id} was not given by xrGetSystem"
    )


def offered_extensions(config) -> dict[str, int]:
    """The extensions (name -> spec version) the runtime offers with ``config`` (a MockConfig)."""
    return {
        name: version
        for name, version in EXTENSIONS.items()
        if name not in _OPTIONAL_EXTENSIONS or getattr(config, _OPTIONAL_EXTENSIONS[name])
    }


# -- global functions --------------------------------------------------------------------------------------------


@implements("xrEnumerateInstanceExtensionProperties")
def enumerate_instance_extension_properties(layer_name, capacity, count_out, properties):
    require(not layer_name, xr.Result.ERROR_API_LAYER_NOT_PRESENT, f"layer {layer_name!r} is not provided here")
    offered = list(offered_extensions(runtime().config).items())
    if capacity:
        check_element_types(
            properties, min(capacity, len(offered)), xr.StructureType.EXTENSION_PROPERTIES, "properties"
        )

    def fill(index, item):
        set_chars(properties[index], "extension_name", item[0])
        properties[index].extension_version = item[1]

    two_call(capacity, count_out, properties, offered, fill, "xrEnumerateInstanceExtensionProperties")


@implements("xrCreateInstance")
def create_instance(info_ptr, instance_out):
    rt = runtime()
    require_type(info_ptr, xr.StructureType.INSTANCE_CREATE_INFO, "createInfo")
    info = info_ptr.contents
    app = info.application_info
    name = bytes(app.application_name).split(b"\0")[0].decode(errors="replace")
    require(bool(name), xr.Result.ERROR_NAME_INVALID, "applicationInfo.applicationName is empty")
    api = app._api_version
    require(
        (api >> 48) == 1 and ((api >> 32) & 0xFFFF) <= 1,
        xr.Result.ERROR_API_VERSION_UNSUPPORTED,
        f"apiVersion {xr.Version(api)} is not supported: use 1.0 or 1.1",
    )
    extensions = set()
    offered = offered_extensions(rt.config)
    for i in range(info.enabled_extension_count):
        ext = info._enabled_extension_names[i].decode()
        require(ext in offered, xr.Result.ERROR_EXTENSION_NOT_PRESENT, f"extension {ext} is not offered by the mock")
        extensions.add(ext)
    require(rt.instance is None, xr.Result.ERROR_LIMIT_REACHED, "an XrInstance already exists; destroy it first")
    require(bool(instance_out), xr.Result.ERROR_VALIDATION_FAILURE, "instance is NULL")
    inst = MockInstance(rt, name, api, extensions)
    rt.instance = inst
    write_handle(instance_out, inst.handle, "instance")


@implements("xrDestroyInstance")
def destroy_instance(instance):
    get_instance(instance).destroy()


@implements("xrGetInstanceProperties")
def get_instance_properties(instance, properties):
    live_instance(instance)
    require_type(properties, xr.StructureType.INSTANCE_PROPERTIES, "instanceProperties")
    props = properties.contents
    props._runtime_version = RUNTIME_VERSION.number()
    set_chars(props, "runtime_name", RUNTIME_NAME)


@implements("xrPollEvent")
def poll_event(instance, buffer):
    inst = get_instance(instance)  # loss events are delivered after loss, too
    require_type(buffer, xr.StructureType.EVENT_DATA_BUFFER, "eventData")
    if not inst.events:
        return xr.Result.EVENT_UNAVAILABLE
    event = inst.events.popleft()
    ctypes.memmove(buffer, ctypes.byref(event), ctypes.sizeof(event))
    return None


@implements("xrResultToString")
def result_to_string(instance, value, buffer):
    live_instance(instance)
    try:
        text = f"XR_{xr.Result(value).name}"
    except ValueError:
        text = f"XR_UNKNOWN_{'SUCCESS' if value >= 0 else 'FAILURE'}_{value}"
    data = text.encode()[: xr.MAX_RESULT_STRING_SIZE - 1] + b"\0"
    ctypes.memmove(buffer, data, len(data))


@implements("xrStructureTypeToString")
def structure_type_to_string(instance, value, buffer):
    live_instance(instance)
    try:
        text = f"XR_TYPE_{xr.StructureType(value).name}"
    except ValueError:
        text = f"XR_UNKNOWN_STRUCTURE_TYPE_{value}"
    data = text.encode()[: xr.MAX_STRUCTURE_NAME_SIZE - 1] + b"\0"
    ctypes.memmove(buffer, data, len(data))


@implements("xrStringToPath")
def string_to_path(instance, path_string, path_out):
    inst = live_instance(instance)
    require(path_string is not None, xr.Result.ERROR_VALIDATION_FAILURE, "pathString is NULL")
    path_out[0] = inst.path(path_string.decode(errors="replace"))


@implements("xrPathToString")
def path_to_string(instance, path, capacity, count_out, buffer):
    inst = live_instance(instance)
    write_string(capacity, count_out, buffer, inst.path_string(path), "xrPathToString")


# -- system ------------------------------------------------------------------------------------------------------


@implements("xrGetSystem")
def get_system(instance, info_ptr, system_out):
    rt = runtime()
    live_instance(instance)
    require_type(info_ptr, xr.StructureType.SYSTEM_GET_INFO, "getInfo")
    form_factor = info_ptr.contents._form_factor
    require(
        form_factor == xr.FormFactor.HEAD_MOUNTED_DISPLAY.value,
        xr.Result.ERROR_FORM_FACTOR_UNSUPPORTED,
        f"form factor {form_factor} is not supported: the mock is a head-mounted display",
    )
    if rt.system_unavailable_for > 0:
        rt.system_unavailable_for -= 1
        raise XrError(xr.Result.ERROR_FORM_FACTOR_UNAVAILABLE, "the headset is not connected yet; try again later")
    system_out[0] = SYSTEM_ID


@implements("xrGetSystemProperties")
def get_system_properties(instance, system_id, properties):
    rt = runtime()
    inst = live_instance(instance)
    check_system(inst, system_id)
    require_type(properties, xr.StructureType.SYSTEM_PROPERTIES, "properties")
    props = properties.contents
    props.system_id = SYSTEM_ID
    props.vendor_id = 0x5EED
    set_chars(props, "system_name", "Rehearse XR simulated headset")
    props.graphics_properties.max_swapchain_image_width = rt.config.max_size[0]
    props.graphics_properties.max_swapchain_image_height = rt.config.max_size[1]
    props.graphics_properties.max_layer_count = rt.config.max_layer_count
    props.tracking_properties.orientation_tracking = True
    props.tracking_properties.position_tracking = True


@implements("xrEnumerateEnvironmentBlendModes")
def enumerate_environment_blend_modes(instance, system_id, view_config, capacity, count_out, modes):
    inst = live_instance(instance)
    check_system(inst, system_id)
    check_view_configuration(view_config)

    def fill(index, item):
        modes[index] = item

    two_call(
        capacity, count_out, modes, [xr.EnvironmentBlendMode.OPAQUE.value], fill, "xrEnumerateEnvironmentBlendModes"
    )


def check_view_configuration(view_config: int) -> None:
    require(
        view_config == xr.ViewConfigurationType.PRIMARY_STEREO,
        xr.Result.ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED,
        f"view configuration {view_config} is not supported: the mock offers PRIMARY_STEREO",
    )


@implements("xrEnumerateViewConfigurations")
def enumerate_view_configurations(instance, system_id, capacity, count_out, types):
    inst = live_instance(instance)
    check_system(inst, system_id)

    def fill(index, item):
        types[index] = item

    two_call(
        capacity,
        count_out,
        types,
        [xr.ViewConfigurationType.PRIMARY_STEREO.value],
        fill,
        "xrEnumerateViewConfigurations",
    )


@implements("xrGetViewConfigurationProperties")
def get_view_configuration_properties(instance, system_id, view_config, properties):
    inst = live_instance(instance)
    check_system(inst, system_id)
    check_view_configuration(view_config)
    require_type(properties, xr.StructureType.VIEW_CONFIGURATION_PROPERTIES, "configurationProperties")
    properties.contents._view_configuration_type = view_config
    properties.contents.fov_mutable = False


@implements("xrEnumerateViewConfigurationViews")
def enumerate_view_configuration_views(instance, system_id, view_config, capacity, count_out, views):
    rt = runtime()
    inst = live_instance(instance)
    check_system(inst, system_id)
    check_view_configuration(view_config)
    if capacity:
        check_element_types(views, min(capacity, 2), xr.StructureType.VIEW_CONFIGURATION_VIEW, "views")

    def fill(index, _):
        view = views[index]
        view.recommended_image_rect_width, view.recommended_image_rect_height = rt.config.recommended_size
        view.max_image_rect_width, view.max_image_rect_height = rt.config.max_size
        view.recommended_swapchain_sample_count = 1
        view.max_swapchain_sample_count = 1

    two_call(capacity, count_out, views, [0, 1], fill, "xrEnumerateViewConfigurationViews")


@implements("xrGetOpenGLGraphicsRequirementsKHR", extension="XR_KHR_opengl_enable")
def get_opengl_graphics_requirements(instance, system_id, requirements):
    inst = live_instance(instance)
    check_system(inst, system_id)
    require_type(requirements, xr.StructureType.GRAPHICS_REQUIREMENTS_OPENGL_KHR, "graphicsRequirements")
    requirements.contents._min_api_version_supported = xr.Version(3, 3, 0).number()
    requirements.contents._max_api_version_supported = xr.Version(4, 6, 0).number()
    inst.graphics_requirements_queried = True


# -- time --------------------------------------------------------------------------------------------------------


def _timespec_offset_ns(rt) -> int:
    # XrTime runs with the runtime's clock; CLOCK_MONOTONIC maps onto it by a fixed offset taken at install.
    offset = getattr(rt, "_timespec_offset_ns", None)
    if offset is None:
        offset = time.clock_gettime_ns(time.CLOCK_MONOTONIC) - EPOCH_NS
        rt._timespec_offset_ns = offset
    return offset


@implements("xrConvertTimespecTimeToTimeKHR", extension="XR_KHR_convert_timespec_time")
def convert_timespec_to_time(instance, timespec_ptr, time_out):
    rt = runtime()
    live_instance(instance)
    require(bool(timespec_ptr), xr.Result.ERROR_VALIDATION_FAILURE, "timespecTime is NULL")
    ts = timespec_ptr.contents
    value = ts.tv_sec * 1_000_000_000 + ts.tv_nsec - _timespec_offset_ns(rt)
    require(value > 0, xr.Result.ERROR_TIME_INVALID, "that timespec is before the runtime's clock started")
    time_out[0] = value


@implements("xrConvertTimeToTimespecTimeKHR", extension="XR_KHR_convert_timespec_time")
def convert_time_to_timespec(instance, xr_time, timespec_out):
    rt = runtime()
    live_instance(instance)
    require(xr_time > 0, xr.Result.ERROR_TIME_INVALID, f"XrTime {xr_time} is not positive")
    ns = xr_time + _timespec_offset_ns(rt)
    timespec_out.contents.tv_sec, timespec_out.contents.tv_nsec = divmod(ns, 1_000_000_000)


__all__ = ["API_VERSION", "MockInstance", "SYSTEM_ID"]
