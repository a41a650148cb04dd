"""What interactions report each frame: small frozen dataclasses, consumed by the procedure engine and the app.

Every event has ``time`` (seconds, the InputFrame's clock) and names what caused it: ``pointer`` for hover and
select (``"left"``, ``"right"``, ``"gaze"``), ``hand`` for grabbing, poking and haptics (``"left"``, ``"right"``, and
``"gaze"`` for a head-only grab), ``source`` for locomotion and the call button (a pointer or hand name, ``"api"``
for a call of the InteractionSystem's methods). Targets are interactable names.

Within a frame, :meth:`InteractionSystem.update` returns them in a fixed order, documented there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """Base of all interaction events: ``time`` in seconds."""

    time: float


@dataclass(frozen=True)
class HoverStart(Event):
    """``pointer`` began to point at ``target`` (the nearest hit)."""

    pointer: str
    target: str


@dataclass(frozen=True)
class HoverEnd(Event):
    """``pointer`` stopped pointing at ``target`` (moved away, target grabbed, focus lost, pause, hand off)."""

    pointer: str
    target: str


@dataclass(frozen=True)
class Select(Event):
    """``pointer`` selected ``target``: the select button went down on it, or a gaze dwell completed on it."""

    pointer: str
    target: str


@dataclass(frozen=True)
class Release(Event):
    """The select that chose ``target`` ended (button up; at once for a gaze dwell), wherever the pointer is."""

    pointer: str
    target: str


@dataclass(frozen=True)
class Grab(Event):
    """``hand`` took hold of ``target``; it now follows the hand (or the head, for ``"gaze"``)."""

    hand: str
    target: str


@dataclass(frozen=True)
class Drop(Event):
    """``hand`` let go of ``target`` outside any zone that accepts it. ``position`` (x, y, z) metres is where it now
    is (back where it was taken from, if the settings say so). ``refused_by`` names a zone it was let go in that does
    not accept it, or is None."""

    hand: str
    target: str
    position: tuple[float, float, float]
    refused_by: str | None = None


@dataclass(frozen=True)
class PlacedInZone(Event):
    """``hand`` let go of ``object`` inside ``zone``, which accepts it; it snapped to the zone's centre."""

    hand: str
    object: str
    zone: str


@dataclass(frozen=True)
class Poke(Event):
    """``hand``'s controller tip pressed the pokeable ``target`` (once per touch)."""

    hand: str
    target: str


@dataclass(frozen=True)
class DwellProgress(Event):
    """The gaze has dwelt on ``target`` for ``progress`` (0..1) of the dwell time. Only sent when the settings ask
    (``dwell_progress_events``); the same figure is always in ``InteractionState.dwell_progress``."""

    pointer: str
    target: str
    progress: float


@dataclass(frozen=True)
class SnapTurn(Event):
    """The view turned by ``angle_deg`` degrees about +Y around the head (positive to the left, the right-hand
    rule; pushing the stick right gives a negative angle)."""

    source: str
    angle_deg: float


@dataclass(frozen=True)
class Teleport(Event):
    """The user was moved to the teleport spot ``spot``."""

    source: str
    spot: str


@dataclass(frozen=True)
class Recentre(Event):
    """The play-space offset was reset so the head is over the current spot, facing its forward direction."""

    source: str


@dataclass(frozen=True)
class CallButton(Event):
    """The call button was pressed: everything is paused (``InteractionState.paused``) until a :class:`Resume`."""

    source: str


@dataclass(frozen=True)
class Resume(Event):
    """The pause of a call button ended (the resume button, or ``InteractionSystem.resume()``)."""

    source: str


@dataclass(frozen=True)
class HapticPulse(Event):
    """A vibration for the OpenXR side to send to ``hand``'s controller: ``amplitude`` 0..1, ``duration_s``
    seconds, ``frequency_hz`` (0 means the runtime's default, XR_FREQUENCY_UNSPECIFIED)."""

    hand: str
    amplitude: float
    duration_s: float
    frequency_hz: float = 0.0
