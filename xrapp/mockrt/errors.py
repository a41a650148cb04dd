"""How the mock runtime reports a failed call: an exception carrying the XrResult the spec requires."""

from __future__ import annotations

import xr


class XrError(Exception):
    """A call failed with ``result``; ``message`` says why, in words a developer can act on.

    Raised anywhere inside an implementation; the dispatch wrapper turns it into the returned XrResult and logs
    the message (the application only sees the code, as with any runtime).
    """

    def __init__(self, result: xr.Result, message: str) -> None:
        super().__init__(f"{result.name}: {message}")
        self.result = result
        self.message = message


def require(condition: bool, result: xr.Result, message: str) -> None:
    """Raise ``XrError(result, message)`` unless ``condition`` holds."""
    if not condition:
        raise XrError(result, message)


def require_type(struct, expected: xr.StructureType, what: str) -> None:
    """Check the ``type`` member of a struct the application passed (a wrong type is XR_ERROR_VALIDATION_FAILURE)."""
    if not struct:
        raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"{what} is NULL")
    value = struct.contents._type if hasattr(struct, "contents") else struct._type
    if value != expected:  # an IntEnum: compared as the integer, without the enum's slow ``.value``
        try:
            got = xr.StructureType(value).name
        except ValueError:
            got = str(value)
        raise XrError(
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"{what}.type is XR_TYPE_{got}, expected XR_TYPE_{expected.name}",
        )
